// Ed25519 signature checks for shared reports (ui/ed25519.rs). WebCrypto where the browser has
// Ed25519 (current Chromium, Firefox and Safari); otherwise the page's own verifier, a small
// wasm module of its own (web/verify), imported only then.

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

let verifier = null;

// true or false; rejects when the verifier cannot be loaded.
export async function fallback_verify(publicKey, signature, message) {
  const [k, s, m] = [publicKey.slice(), signature.slice(), message.slice()];
  if (!verifier) {
    verifier = import("/rdpcheck-verify.js").then(async (mod) => {
      await mod.default();
      return mod;
    });
    verifier.catch(() => {
      verifier = null;
    });
  }
  return (await verifier).verify(k, s, m);
}
