//! Ed25519 verification for the page where WebCrypto has none (older browsers, or a page served
//! over plain HTTP to a non-local address, where `crypto.subtle` does not exist). The page imports
//! this module only then (web/src/ui/ondemand.js); it is never part of the page's start-up.
//!
//! The same check as the relay's and the CLI's (`rdpcheck_report::share::verify`): strict
//! Ed25519 (RFC 8032 with canonical encodings, no small-order keys) over the exact bytes.

#[cfg(target_arch = "wasm32")]
mod exports {
    use ed25519_dalek::{Signature, VerifyingKey};
    use wasm_bindgen::prelude::wasm_bindgen;

    /// Whether `signature` (64 bytes) is a valid signature by `public_key` (32 bytes) over
    /// `message`.
    #[wasm_bindgen]
    pub fn verify(public_key: &[u8], signature: &[u8], message: &[u8]) -> bool {
        let (Ok(key), Ok(sig)) = (
            <[u8; 32]>::try_from(public_key),
            <[u8; 64]>::try_from(signature),
        ) else {
            return false;
        };
        VerifyingKey::from_bytes(&key).is_ok_and(|k| {
            k.verify_strict(message, &Signature::from_bytes(&sig))
                .is_ok()
        })
    }
}

fn main() {}
