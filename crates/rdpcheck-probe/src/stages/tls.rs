//! The TLS stage: rustls as client on the negotiated connection, certificate recorded, never trusted.
//!
//! rustls cannot speak TLS 1.0/1.1 nor use RSA key exchange, DHE or CBC suites, so when it fails
//! the engine sends a hand-built TLS 1.0–1.2 hello on a fresh connection and reads the server's
//! first flight: the version and suite it picks, and its certificate chain. When rustls gets TLS
//! 1.3, the same hello tells whether clients without TLS 1.3 still get in.

use std::io;
use std::sync::{Arc, Mutex};

use rdpcheck_proto::tls_hello;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::counting::{Counting, Seen};
use crate::cert::CertFacts;
use crate::observe::{LegacyProbe, TlsFailure, TlsSession};

pub type Tls = TlsStream<Counting<TcpStream>>;

/// Accepts any certificate (RDP hosts are self-signed by default) but still checks that the
/// server's handshake signature matches the certificate's key: a host whose key is unreadable fails here.
#[derive(Debug)]
struct RecordOnly {
    provider: Arc<CryptoProvider>,
    /// The chain the server sent, kept even when the handshake fails later (weak key, bad signature).
    chain: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl ServerCertVerifier for RecordOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut chain) = self.chain.lock() {
            *chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.as_ref().to_vec())
                .collect();
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn config(
    allow_tls13: bool,
    chain: Arc<Mutex<Vec<Vec<u8>>>>,
) -> Result<Arc<ClientConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions: &[&rustls::SupportedProtocolVersion] = if allow_tls13 {
        &[&rustls::version::TLS13, &rustls::version::TLS12]
    } else {
        &[&rustls::version::TLS12]
    };
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(RecordOnly { provider, chain }))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The name rustls sends as SNI (none for IP literals, as Windows clients do).
pub fn server_name(host: &str) -> ServerName<'static> {
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ServerName::IpAddress(ip.into()),
        Err(_) => ServerName::try_from(host.to_string()).unwrap_or(ServerName::IpAddress(
            std::net::Ipv4Addr::UNSPECIFIED.into(),
        )),
    }
}

/// Why a handshake failed, with what was seen on the way.
#[derive(Debug)]
pub struct HandshakeError {
    pub failure: TlsFailure,
    /// Bytes the server sent.
    pub received: usize,
    /// The certificates the server presented before the failure (may be empty).
    pub chain: Vec<CertFacts>,
}

/// Run a TLS handshake on a stream whose X.224 negotiation selected a TLS-based layer.
pub async fn handshake(
    stream: TcpStream,
    host: &str,
    allow_tls13: bool,
    deadline: Instant,
) -> Result<(Tls, TlsSession), HandshakeError> {
    let chain = Arc::new(Mutex::new(Vec::new()));
    let config = config(allow_tls13, chain.clone()).map_err(|e| HandshakeError {
        failure: TlsFailure::Other(e.to_string()),
        received: 0,
        chain: Vec::new(),
    })?;
    let (counting, seen) = Counting::new(stream);
    let connect = TlsConnector::from(config).connect(server_name(host), counting);
    let presented = || {
        chain
            .lock()
            .map(|c| c.iter().map(|d| CertFacts::from_der(d)).collect())
            .unwrap_or_default()
    };
    match timeout_at(deadline, connect).await {
        Err(_) => Err(HandshakeError {
            failure: TlsFailure::Stalled,
            received: seen.count(),
            chain: presented(),
        }),
        Ok(Err(e)) => Err(HandshakeError {
            failure: classify(&e, &seen),
            received: seen.count(),
            chain: presented(),
        }),
        Ok(Ok(tls)) => {
            let session = describe(&tls);
            Ok((tls, session))
        }
    }
}

fn classify(e: &io::Error, seen: &Seen) -> TlsFailure {
    let first = seen.first_bytes();
    // An RDP stack that cannot start TLS answers in its own framing (xrdp: a disconnect).
    if first.starts_with(&[0x03, 0x00]) {
        return TlsFailure::X224Reply(rdpcheck_proto::sniff::hex_prefix(&first, 9));
    }
    let received = seen.count();
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match inner {
            rustls::Error::AlertReceived(alert) => TlsFailure::Alert(u8::from(*alert)),
            other => TlsFailure::Protocol(other.to_string()),
        };
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe if received == 0 => {
            TlsFailure::ClosedAfterHello
        }
        io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe => {
            TlsFailure::ClosedDuringHandshake
        }
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => TlsFailure::Reset,
        _ => TlsFailure::Other(e.to_string()),
    }
}

/// Whether rustls (our TLS stack, and a fair stand-in for current defaults) implements a suite.
fn suite_supported(suite: u16) -> bool {
    rustls::crypto::ring::default_provider()
        .cipher_suites
        .iter()
        .any(|s| u16::from(s.suite()) == suite)
}

fn describe(tls: &Tls) -> TlsSession {
    let (_, conn) = tls.get_ref();
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
        Some(other) => format!("{other:?}"),
        None => "unknown".to_string(),
    };
    let cipher_suite = conn
        .negotiated_cipher_suite()
        .map(|s| {
            let name = format!("{:?}", s.suite());
            // rustls names TLS 1.3 suites TLS13_…; IANA writes TLS_….
            name.replacen("TLS13_", "TLS_", 1)
        })
        .unwrap_or_else(|| "unknown".into());
    let key_exchange = conn
        .negotiated_key_exchange_group()
        .map(|g| format!("{:?}", g.name()));
    let chain = conn
        .peer_certificates()
        .unwrap_or(&[])
        .iter()
        .map(|c| CertFacts::from_der(c.as_ref()))
        .collect();
    TlsSession {
        version,
        cipher_suite,
        key_exchange,
        chain,
        tls13_rejected: None,
    }
}

/// Send the hand-built TLS 1.0–1.2 hello on a stream whose negotiation selected TLS and read the
/// server's whole first flight (the certificate comes in the clear before TLS 1.3).
pub async fn legacy_hello(stream: &mut TcpStream, host: &str, deadline: Instant) -> LegacyProbe {
    let sni = host.parse::<std::net::IpAddr>().is_err().then_some(host);
    let random: [u8; 32] = rand::random();
    if let Err(e) = stream
        .write_all(&tls_hello::legacy_client_hello(sni, random))
        .await
    {
        return LegacyProbe::Failed(e.to_string());
    }
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match tls_hello::parse_server_flight(&buf) {
            Ok(Some(tls_hello::FlightReply::Flight(flight))) => {
                return hello(flight.version, flight.cipher_suite, &flight.certificates)
            }
            Ok(Some(tls_hello::FlightReply::Alert { description, .. })) => {
                return LegacyProbe::Alert(description)
            }
            Ok(None) => {}
            // A flight the reader refuses may still start with a usable ServerHello.
            Err(e) => return hello_only(&buf).unwrap_or(LegacyProbe::Failed(e.to_string())),
        }
        let ended = match timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => Some(LegacyProbe::Failed(format!(
                "no whole first flight, {} bytes received",
                buf.len()
            ))),
            Ok(Ok(0)) => Some(LegacyProbe::Closed),
            Ok(Ok(n)) => {
                buf.extend_from_slice(&chunk[..n]);
                None
            }
            Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionReset => Some(LegacyProbe::Closed),
            Ok(Err(e)) => Some(LegacyProbe::Failed(e.to_string())),
        };
        if let Some(end) = ended {
            // The flight was cut short: what its ServerHello says still counts.
            return hello_only(&buf).unwrap_or(end);
        }
    }
}

fn hello(version: u16, cipher_suite: u16, certificates: &[Vec<u8>]) -> LegacyProbe {
    LegacyProbe::ServerHello {
        version,
        cipher_suite,
        probe_supports: suite_supported(cipher_suite),
        chain: certificates
            .iter()
            .map(|d| CertFacts::from_der(d))
            .collect(),
    }
}

/// The ServerHello alone, when the bytes start with one (no certificates then).
fn hello_only(bytes: &[u8]) -> Option<LegacyProbe> {
    match tls_hello::parse_server_reply(bytes) {
        Ok(Some(tls_hello::ServerReply::Hello {
            version,
            cipher_suite,
        })) => Some(hello(version, cipher_suite, &[])),
        _ => None,
    }
}
