//! Does the client trust the RD Gateway's certificate? Unlike the RDP port, a gateway's
//! certificate must chain to a root the client trusts and name the gateway, or the client refuses.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::{CertificateError, RootCertStore};

use super::tls::server_name;
use crate::observe::Trust;

/// Public web roots and the platform's roots, read from disk once per process (a relay picks up
/// a changed platform store when it restarts).
fn base_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut store = RootCertStore::empty();
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        // A missing or unreadable platform store only means fewer anchors.
        let native = rustls_native_certs::load_native_certs();
        let _ = store.add_parsable_certificates(native.certs);
        store
    })
}

/// The base roots plus the extra CAs given (DER).
fn roots(extra: &[Vec<u8>]) -> RootCertStore {
    let mut store = base_roots().clone();
    let _ = store.add_parsable_certificates(extra.iter().map(|d| CertificateDer::from(d.clone())));
    store
}

/// Verify `chain` (leaf first, DER) for `host` as a Windows client would, at the current time.
pub fn verify(chain: &[Vec<u8>], host: &str, extra_roots: &[Vec<u8>]) -> Trust {
    let Some((leaf, rest)) = chain.split_first() else {
        return Trust::Other("the gateway sent no certificate".into());
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        match WebPkiServerVerifier::builder_with_provider(Arc::new(roots(extra_roots)), provider)
            .build()
        {
            Ok(v) => v,
            Err(e) => return Trust::Other(format!("no trust anchors available: {e}")),
        };
    let leaf = CertificateDer::from(leaf.as_slice());
    let intermediates: Vec<CertificateDer<'_>> = rest
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    match verifier.verify_server_cert(
        &leaf,
        &intermediates,
        &server_name(host),
        &[],
        UnixTime::now(),
    ) {
        Ok(_) => Trust::Trusted,
        Err(rustls::Error::InvalidCertificate(e)) => match e {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Trust::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Trust::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Trust::NameMismatch
            }
            CertificateError::UnknownIssuer => Trust::UnknownIssuer,
            other => Trust::Other(describe_other(&other)),
        },
        Err(other) => Trust::Other(other.to_string()),
    }
}

fn describe_other(e: &CertificateError) -> String {
    let raw = format!("{e:?}");
    // webpki's reasons arrive wrapped in OtherError; name the common ones in words.
    let known = [
        (
            "CaUsedAsEndEntity",
            "the server presents a CA certificate as its own (basic constraints CA:TRUE)",
        ),
        (
            "EndEntityUsedAsCa",
            "an end-entity certificate is used to sign another",
        ),
        (
            "RequiredEkuNotFound",
            "the certificate is not allowed for TLS server authentication (extended key usage)",
        ),
        ("BadSignature", "a signature in the chain does not verify"),
        (
            "UnsupportedSignatureAlgorithm",
            "the chain uses a signature algorithm clients no longer accept",
        ),
        ("Revoked", "the certificate is revoked"),
    ];
    known
        .iter()
        .find(|(k, _)| raw.contains(k))
        .map(|(_, words)| words.to_string())
        .unwrap_or(raw)
}

/// Read every certificate in a PEM file (a company CA bundle).
pub fn load_pem_certs(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let certs: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(pem)
        .map(|c| c.map(|c| c.as_ref().to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("not a PEM certificate file: {e}"))?;
    if certs.is_empty() {
        return Err("no \"BEGIN CERTIFICATE\" block in the file".into());
    }
    Ok(certs)
}
