// The page's two modules loaded on demand, each imported the first time it is needed and never
// at start-up: the report module (web/report: a finished report's markup, Markdown and share
// link; ui/module.rs) and the fallback Ed25519 verifier (web/verify; ui/ed25519.rs). Their
// content-hashed URLs are in index.html's <meta name="rdpcheck:NAME"> tags, written by the
// build (web/tools/post-build.mjs).

const loaded = {};

// The module NAME, initialised; rejects when it cannot be loaded (and is tried again next time).
function load(name) {
  if (!loaded[name]) {
    const meta = document.querySelector(`meta[name="rdpcheck:${name}"]`);
    const url = meta ? meta.content : `/${name}.js`;
    const p = import(url).then(async (mod) => {
      await mod.default();
      return mod;
    });
    loaded[name] = p;
    p.catch(() => {
      delete loaded[name];
    });
  }
  return loaded[name];
}

export function load_report_module() {
  return load("rdpcheck-report");
}

// 1: valid, 0: not valid, -1: this browser cannot check Ed25519 with WebCrypto
// (no Ed25519, or no crypto.subtle at all: pages served over plain HTTP to another host).
export async function webcrypto_verify(publicKey, signature, message) {
  // Copies: the arguments are views into the wasm memory, which may move while we wait.
  const [k, s, m] = [publicKey.slice(), signature.slice(), message.slice()];
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) return -1;
  const unsupported = (e) => (e && e.name === "NotSupportedError" ? -1 : 0);
  let key;
  try {
    key = await subtle.importKey("raw", k, { name: "Ed25519" }, false, ["verify"]);
  } catch (e) {
    return unsupported(e);
  }
  try {
    return (await subtle.verify({ name: "Ed25519" }, key, s, m)) ? 1 : 0;
  } catch (e) {
    return unsupported(e);
  }
}

// true or false; rejects when the verifier cannot be loaded.
export async function fallback_verify(publicKey, signature, message) {
  const [k, s, m] = [publicKey.slice(), signature.slice(), message.slice()];
  return (await load("rdpcheck-verify")).verify(k, s, m);
}
