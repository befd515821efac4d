// Trunk post_build hook: move Trunk's inline <script type="module"> loader into its own hashed
// file, so the page runs under a strict Content-Security-Policy (script-src 'self', no
// 'unsafe-inline', no hashes to keep in step). Run by Trunk with TRUNK_STAGING_DIR set.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("externalize-loader: TRUNK_STAGING_DIR is not set (run me from Trunk)");
  process.exit(1);
}
const file = join(dir, "index.html");
const html = readFileSync(file, "utf8");
const re = /<script type="?module"?>([\s\S]*?)<\/script>/g;
let n = 0;
const out = html.replace(re, (_, body) => {
  n += 1;
  const js = body.trim() + "\n";
  const name = `loader-${createHash("sha256").update(js).digest("hex").slice(0, 16)}.js`;
  writeFileSync(join(dir, name), js);
  const sri = "sha384-" + createHash("sha384").update(js).digest("base64");
  return `<script type="module" src="/${name}" integrity="${sri}" crossorigin="anonymous"></script>`;
});
if (n !== 1) {
  console.error(`externalize-loader: expected one inline module script in index.html, found ${n}`);
  process.exit(1);
}
writeFileSync(file, out);
