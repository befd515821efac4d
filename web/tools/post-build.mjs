// Trunk post_build hook (one script: Trunk runs the hooks of a stage at the same time, and two of
// them must not rewrite index.html together). Run by Trunk with TRUNK_STAGING_DIR set.
//
// 0. Every JavaScript file is minified (terser, from e2e/node_modules: Trunk's own minifier
//    cannot read wasm-bindgen's glue), and index.html's integrity hashes follow.
// 1. The modules loaded on demand (data-type="worker" in index.html: the report module
//    web/report, the knowledge-base module web/kb and the fallback verifier web/verify) get content-hashed names, as Trunk gives
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
import { minify } from "../../e2e/node_modules/terser/main.js";

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

const small = async (code) => {
  const out = await minify(code, {
    module: true,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  if (typeof out.code !== "string") fail("terser gave no code");
  return out.code + "\n";
};
const sri = (text) => "sha384-" + createHash("sha384").update(text).digest("base64");
// Minifies a file in place; the integrity of index.html's link to it follows (a link left
// with the hash of the file before minifying would make the browser refuse the file).
const minifyFile = async (rel) => {
  const path = join(dir, rel);
  const code = await small(readFileSync(path, "utf8"));
  writeFileSync(path, code);
  const href = new RegExp(`href="?/${rel.replace(/[.]/g, "[.]")}"?[\\s>]`);
  html = html.replace(/<link[^>]*>/g, (tag) => {
    if (!href.test(tag) || !tag.includes("integrity=")) return tag;
    const updated = tag.replace(/integrity="?sha384-[A-Za-z0-9+/=]+"?/, `integrity="${sri(code)}"`);
    if (updated === tag) fail(`could not update the integrity of /${rel}`);
    return updated;
  });
};

const metas = [];
for (const name of ["rdpcheck-report", "rdpcheck-kbview", "rdpcheck-verify"]) {
  const js = join(dir, `${name}.js`);
  const wasm = join(dir, `${name}_bg.wasm`);
  if (!existsSync(js) || !existsSync(wasm)) fail(`${name}.js or ${name}_bg.wasm is missing`);
  const glue = await small(readFileSync(js, "utf8"));
  const bytes = readFileSync(wasm);
  const hash = hex(bytes, glue);
  const reference = [`'${name}_bg.wasm'`, `"${name}_bg.wasm"`].find((r) => glue.includes(r));
  if (!reference) fail(`${name}.js does not load ${name}_bg.wasm`);
  const hashedWasm = `${name}-${hash}_bg.wasm`;
  renameSync(wasm, join(dir, hashedWasm));
  writeFileSync(join(dir, `${name}-${hash}.js`), glue.replace(reference, `"${hashedWasm}"`));
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
const snippets = existsSync(join(dir, "snippets")) ? walk(join(dir, "snippets")) : [];
for (const path of snippets) {
  const rel = relative(dir, path).split("\\").join("/");
  if (glue.includes(`./${rel}`)) {
    await minifyFile(rel);
    continue;
  }
  unlinkSync(path);
  const link = new RegExp(`<link[^>]*href="?/${rel.replace(/[.]/g, "[.]")}"?[^>]*>`);
  html = html.replace(link, "");
}
for (const f of readdirSync(dir).filter((f) => f.startsWith("rdpcheck-web-") && f.endsWith(".js"))) {
  await minifyFile(f);
}

const re = /<script type="?module"?>([\s\S]*?)<\/script>/;
const inline = html.match(re);
if (!inline || re.test(html.replace(re, ""))) fail("expected one inline module script in index.html");
const loader = await small(inline[1]);
const loaderName = `loader-${hex(loader)}.js`;
writeFileSync(join(dir, loaderName), loader);
html = html.replace(
  re,
  () => `<script type="module" src="/${loaderName}" integrity="${sri(loader)}" crossorigin="anonymous"></script>`,
);
writeFileSync(file, html);
