// Trunk post_build hook (one script: Trunk runs the hooks of a stage at the same time, and two of
// them must not rewrite index.html together). Run by Trunk with TRUNK_STAGING_DIR set.
//
// 1. The modules loaded on demand (data-type="worker" in index.html: the report module
//    web/report and the fallback verifier web/verify) get content-hashed names, as Trunk gives
//    the page's own files, so the relay can let browsers cache them for a year: NAME.js and
//    NAME_bg.wasm become NAME-<hash>.js and NAME-<hash>_bg.wasm (the glue's reference to its
//    wasm rewritten), and index.html names them in <meta name="rdpcheck:NAME" content="/…js">,
//    where the page's loader (web/src/ui/ondemand.js) reads the URL when it needs the module.
// 2. Snippets the page's JS glue no longer imports (left over in wasm-bindgen's output directory
//    by an earlier build, which Trunk copies whole and preloads) are removed with their
//    <link rel=modulepreload>, so browsers do not fetch them.
// 3. Trunk's inline <script type="module"> loader moves into its own hashed file, so the page
//    runs under a strict Content-Security-Policy (script-src 'self', no 'unsafe-inline', no
//    hashes to keep in step).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("post-build: TRUNK_STAGING_DIR is not set (run me from Trunk)");
  process.exit(1);
}
const fail = (why) => {
  console.error(`post-build: ${why}`);
  process.exit(1);
};
const hex = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex").slice(0, 16);
};

const file = join(dir, "index.html");
let html = readFileSync(file, "utf8");

const metas = [];
for (const name of ["rdpcheck-report", "rdpcheck-verify"]) {
  const js = join(dir, `${name}.js`);
  const wasm = join(dir, `${name}_bg.wasm`);
  if (!existsSync(js) || !existsSync(wasm)) fail(`${name}.js or ${name}_bg.wasm is missing`);
  const glue = readFileSync(js, "utf8");
  const bytes = readFileSync(wasm);
  const hash = hex(bytes, glue);
  const reference = `'${name}_bg.wasm'`;
  if (!glue.includes(reference)) fail(`${name}.js does not load ${reference}`);
  const hashedWasm = `${name}-${hash}_bg.wasm`;
  renameSync(wasm, join(dir, hashedWasm));
  writeFileSync(join(dir, `${name}-${hash}.js`), glue.replace(reference, `'${hashedWasm}'`));
  unlinkSync(js);
  metas.push(`<meta name="rdpcheck:${name}" content="/${name}-${hash}.js">`);
}
if (!html.includes("</head>")) fail("index.html has no </head>");
html = html.replace("</head>", `${metas.join("")}</head>`);

const glue = readdirSync(dir)
  .filter((f) => f.startsWith("rdpcheck-web-") && f.endsWith(".js"))
  .map((f) => readFileSync(join(dir, f), "utf8"))
  .join("\n");
const walk = (d) =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
  );
if (existsSync(join(dir, "snippets"))) {
  for (const path of walk(join(dir, "snippets"))) {
    const rel = relative(dir, path).split("\\").join("/");
    if (glue.includes(`./${rel}`)) continue;
    unlinkSync(path);
    const link = new RegExp(`<link[^>]*href="?/${rel.replace(/[.]/g, "[.]")}"?[^>]*>`);
    html = html.replace(link, "");
  }
}

const re = /<script type="?module"?>([\s\S]*?)<\/script>/g;
let n = 0;
html = html.replace(re, (_, body) => {
  n += 1;
  const js = body.trim() + "\n";
  const name = `loader-${hex(js)}.js`;
  writeFileSync(join(dir, name), js);
  const sri = "sha384-" + createHash("sha384").update(js).digest("base64");
  return `<script type="module" src="/${name}" integrity="${sri}" crossorigin="anonymous"></script>`;
});
if (n !== 1) fail(`expected one inline module script in index.html, found ${n}`);
writeFileSync(file, html);
