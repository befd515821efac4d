// The page's own JavaScript, imported by its wasm (wasm-bindgen snippet): the network (GET,
// the check's WebSocket) and the two modules loaded on demand, each imported the first time it
// is needed and never at start-up: the report module (web/report: a finished report's markup,
// Markdown and share link; ui/module.rs), the knowledge-base module (web/kb: the explain and
// knowledge-base screens; ui/kbmodule.rs) and the fallback Ed25519 verifier (web/verify;
// ui/ed25519.rs). Their content-hashed URLs are in index.html's <meta name="rdpcheck:NAME">
// tags, written by the build (web/tools/post-build.mjs). Small functions in JavaScript rather
// than Rust bindings: each binding costs the page's wasm more than the few lines here.

// GET `url` from the page's origin: its text, or its HTTP status (a number) when the answer is
// not OK, or -1 when the body could not be read; rejects when there is no answer at all.
export async function fetch_text(url) {
  const r = await fetch(url);
  if (!r.ok) return r.status;
  try {
    return await r.text();
  } catch {
    return -1;
  }
}

// One check's WebSocket: sends `request` once open, hands every text message to `on_text`, and
// the end to `on_close(code, reason)`, once: the close code, 1006 when the socket could not be
// opened, or 0 when nothing arrived for `idle_ms` (then the socket is closed here). Returns the
// function that closes it without calling back.
export function open_socket(url, request, idle_ms, on_text, on_close) {
  let ws = null;
  let timer = 0;
  let over = false;
  const stop = () => {
    over = true;
    clearTimeout(timer);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close();
    }
  };
  const end = (code, reason) => {
    if (!over) {
      stop();
      on_close(code, reason);
    }
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => end(0, ""), idle_ms);
  };
  try {
    ws = new WebSocket(url);
  } catch {
    setTimeout(() => end(1006, ""), 0);
    return stop;
  }
  arm();
  ws.onopen = () => ws.send(request);
  ws.onmessage = (e) => {
    if (typeof e.data === "string" && !over) {
      arm();
      on_text(e.data);
    }
  };
  ws.onclose = (e) => end(e.code, e.reason);
  return stop;
}

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

export function load_kb_module() {
  return load("rdpcheck-kbview");
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
