//! `ReplayServer`: an in-process server on 127.0.0.1 that answers like a **recorded Windows
//! host**, so the whole engine runs against Windows bytes. The bytes are messages cut from public
//! captures of real Windows servers (crates/rdpcheck-proto/tests/data/windows/, provenance in its
//! README); nothing here is made up except where a recording is silent, and those choices are
//! named in [`RecordedHost`]'s docs.
//!
//! On every connection it reads the X.224 Connection Request, chooses an answer from the
//! requested protocol bits the way that host did (Windows 10 with NLA: 0x0b → NLA-EX, 0x03 → NLA,
//! no NLA bit → RDP_NEG_FAILURE 5), and sends the recorded confirm (the recorded RDP_NEG_RSP with
//! its flags and source reference 0x1234, selectedProtocol patched to the choice). When the choice
//! is a TLS-based layer it goes on per [`TlsReplay`]:
//!
//! - [`TlsReplay::Flight`]: after the ClientHello it sends the host's recorded first TLS flight
//!   (ServerHello, Certificate, ServerKeyExchange, ServerHelloDone). That flight answered another
//!   ClientHello: its ServerKeyExchange signature covers other randoms, so no handshake can
//!   complete. The engine sees what a client sees first (version, suite, certificate) and then a
//!   failed handshake.
//! - [`TlsReplay::Handshake`]: a real TLS handshake (rustls, a lab certificate), then the client's
//!   CredSSP TSRequest is answered with a recorded server TSRequest (version 6 with an NTLM
//!   CHALLENGE from 10.0.17763), or that message re-encoded with another version.
//! - [`TlsReplay::Close`]: no TLS recorded for this host: close after the ClientHello.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdpcheck_proto::x224::{self, protocol};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use crate::certs::TestCert;
use crate::loopback::LoopbackServer;

mod hosts;
mod recordings;
mod wire;

pub use hosts::*;
pub use recordings::{confirms, flights, leaf_certificate, ts_requests};
use wire::{hold_until_peer_closes, read_tls_record, read_tpkt, read_ts_request, send};

/// What happens after a confirm that selected a TLS-based layer.
#[derive(Debug, Clone)]
pub enum TlsReplay {
    /// Send this recorded first flight after the ClientHello, then wait for the client to close.
    Flight(&'static [u8]),
    /// A real TLS handshake with `cert`; then answer the client's TSRequest with `ts_request`.
    Handshake { cert: TestCert, ts_request: Vec<u8> },
    /// Close after the ClientHello.
    Close,
}

/// What the replay server saw, for assertions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// requestedProtocols of every Connection Request, in arrival order (None: no RDP_NEG_REQ).
    pub requests: Vec<Option<u32>>,
    /// Every TSRequest a client sent inside TLS (Handshake mode), whole.
    pub ts_requests: Vec<Vec<u8>>,
}

/// A replay server on 127.0.0.1:<port>. Stops (and drops every connection) on drop.
#[derive(Debug)]
pub struct ReplayServer {
    pub port: u16,
    pub host: &'static str,
    seen: Arc<Mutex<Seen>>,
    server: LoopbackServer,
}

/// How long one connection may wait for its peer at any step.
pub(crate) const STEP: Duration = Duration::from_secs(10);

impl ReplayServer {
    /// Bind 127.0.0.1:0 and answer like `host`, going on into TLS per `tls`.
    pub async fn start(host: RecordedHost, tls: TlsReplay) -> ReplayServer {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let acceptor = match &tls {
            TlsReplay::Handshake { cert, .. } => Some(acceptor(cert)),
            _ => None,
        };
        let state = Arc::new((host, tls, acceptor, Arc::clone(&seen)));
        let server = LoopbackServer::spawn("replay server", move |stream| {
            let state = Arc::clone(&state);
            async move {
                let (host, tls, acceptor, seen) = &*state;
                let _ = tokio::time::timeout(
                    Duration::from_secs(30),
                    serve(stream, host, tls, acceptor.as_ref(), seen),
                )
                .await;
            }
        })
        .await;
        ReplayServer {
            port: server.port,
            host: host.name,
            seen,
            server,
        }
    }

    /// What the server saw so far.
    pub fn seen(&self) -> Seen {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// How many TCP connections were accepted so far.
    pub fn accepted(&self) -> usize {
        self.server.accepted()
    }
}

fn acceptor(cert: &TestCert) -> TlsAcceptor {
    let certs = vec![CertificateDer::from(cert.der.clone())];
    let key =
        PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes()).expect("rustls reads the leaf key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server certificate");
    TlsAcceptor::from(Arc::new(config))
}

async fn serve(
    mut stream: TcpStream,
    host: &RecordedHost,
    tls: &TlsReplay,
    acceptor: Option<&TlsAcceptor>,
    seen: &Mutex<Seen>,
) {
    let Some(frame) = read_tpkt(&mut stream).await else {
        return;
    };
    let Ok(request) = x224::decode_request(&frame) else {
        return;
    };
    let requested = request.negotiation.map(|n| n.requested);
    if let Ok(mut s) = seen.lock() {
        s.requests.push(requested);
    }
    let Some(answer) = host.answer(requested) else {
        return;
    };
    if send(&mut stream, &answer).await.is_none() {
        return;
    }
    let selected = match (host.choose)(requested) {
        Choice::Select(p) => p,
        // A refusal or a legacy confirm: a client goes away (or continues in the clear).
        _ => return hold_until_peer_closes(&mut stream).await,
    };
    if selected == protocol::RDP {
        return hold_until_peer_closes(&mut stream).await;
    }
    match (tls, acceptor) {
        (TlsReplay::Flight(flight), _) => {
            if read_tls_record(&mut stream).await.is_some()
                && send(&mut stream, flight).await.is_some()
            {
                hold_until_peer_closes(&mut stream).await;
            }
        }
        (TlsReplay::Handshake { ts_request, .. }, Some(acceptor)) => {
            let Ok(Ok(mut tls)) = tokio::time::timeout(STEP, acceptor.accept(stream)).await else {
                return;
            };
            let Some(request) = read_ts_request(&mut tls).await else {
                return;
            };
            if let Ok(mut s) = seen.lock() {
                s.ts_requests.push(request);
            }
            if send(&mut tls, ts_request).await.is_some() {
                hold_until_peer_closes(&mut tls).await;
            }
        }
        (TlsReplay::Handshake { .. }, None) | (TlsReplay::Close, _) => {
            let _ = read_tls_record(&mut stream).await;
        }
    }
}
