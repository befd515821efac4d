//! Ed25519 checks in the browser: WebCrypto first, the page's own verifier (web/verify, a wasm
//! module loaded on demand) where WebCrypto has no Ed25519. The JS side is page.js.

use wasm_bindgen::prelude::*;

use super::dom::describe;

#[wasm_bindgen(module = "/src/ui/page.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn webcrypto_verify(
        public_key: &[u8],
        signature: &[u8],
        message: &[u8],
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn fallback_verify(
        public_key: &[u8],
        signature: &[u8],
        message: &[u8],
    ) -> Result<JsValue, JsValue>;
}

/// Who checked a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checker {
    WebCrypto,
    /// The page's own verifier, loaded because WebCrypto has no Ed25519 here.
    Fallback,
}

/// Whether `signature` is a valid Ed25519 signature by `public_key` over `message`; Err when
/// neither WebCrypto nor the fallback verifier could run.
pub async fn verify(
    public_key: &[u8],
    signature: &[u8],
    message: &[u8],
) -> Result<(bool, Checker), String> {
    let answer = webcrypto_verify(public_key, signature, message)
        .await
        .map_err(describe)?;
    if let Some(v) = answer.as_f64().filter(|v| *v >= 0.0) {
        return Ok((v > 0.0, Checker::WebCrypto));
    }
    let valid = fallback_verify(public_key, signature, message)
        .await
        .map_err(describe)?;
    Ok((valid.is_truthy(), Checker::Fallback))
}
