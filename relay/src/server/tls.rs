//! The HTTPS listener's configuration (tokio-rustls); its handshake deadline is the accept loop's.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;

/// The HTTPS configuration from PEM files: the certificate chain and its key, HTTP/1.1 by ALPN.
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let named = |e: &dyn std::fmt::Display| {
        format!(
            "TLS certificate {} / key {}: {e}",
            cert.display(),
            key.display()
        )
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| named(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| named(&e))?;
    if chain.is_empty() {
        return Err(named(&"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| named(&e))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| named(&e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
