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
use rdpcheck_proto::{credssp, tpkt};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use crate::certs::TestCert;
use crate::loopback::LoopbackServer;

/// A recorded Windows message, by its path under crates/rdpcheck-proto/tests/data/windows/.
macro_rules! recorded {
    ($path:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/rdpcheck-proto/tests/data/windows/",
            $path
        ))
    };
}

/// Recorded Connection Confirms.
pub mod confirms {
    /// nDPI rdp.pcap, Windows 10 VM (2019): RDP_NEG_RSP flags 0x1f, NLA-EX, to CR 0x0b.
    pub const WINDOWS10_NLA_EX: &[u8; 19] = recorded!("x224_cc/ndpi_rdp_52494_cc0.bin");
    /// PCAP-ATTACK LM_rdp_sharprdp, Windows 10 "MSEDGEWIN10" (2020): the same answer to 0x0b.
    pub const MSEDGEWIN10_NLA_EX: &[u8; 19] =
        recorded!("x224_cc/pcapattack_sharprdp_59281_cc0.bin");
    /// rdps2rdp log, GitHub-hosted Azure runner fv-az41-637 (10.0.17763): RDP_NEG_FAILURE 5
    /// HYBRID_REQUIRED_BY_SERVER to CR 0x01.
    pub const HYBRID_REQUIRED: &[u8; 19] =
        recorded!("x224_cc/rdps2rdp_log_hybrid_required_by_server.bin");
    /// redemption dump_w2008 (a host set to RDP security): RDP_NEG_FAILURE 2 to CR 0x01.
    pub const W2008_SSL_NOT_ALLOWED: &[u8; 19] = recorded!("x224_cc/redemption_dump_w2008_cc0.bin");
    /// Same host: RDP_NEG_RSP flags 0x09, standard RDP selected, to CR 0x00.
    pub const W2008_RDP: &[u8; 19] = recorded!("x224_cc/redemption_dump_w2008_cc1.bin");
    /// Same host label (dump_w2008_PatBlt): the 11-byte legacy confirm to a CR without RDP_NEG_REQ.
    pub const W2008_LEGACY: &[u8; 11] = recorded!("x224_cc/redemption_dump_w2008_PatBlt_cc0.bin");
    /// nDPI rdp3.pcap (2006): the 11-byte legacy confirm to a CR without RDP_NEG_REQ.
    pub const LEGACY_2006: &[u8; 11] = recorded!("x224_cc/ndpi_rdp3_1685_cc0.bin");
}

/// Recorded first TLS flights (one handshake record each, TLS 1.2, 0xC030).
pub mod flights {
    /// nDPI rdp.pcap, CN=OFFICE-WIN10-VM, valid 2019-03-19 .. 2019-09-18.
    pub const WINDOWS10: &[u8] = recorded!("tls_server_flight/ndpi_rdp_52494.bin");
    /// PCAP-ATTACK sharprdp, CN=MSEDGEWIN10, valid 2020-05-28 .. 2020-11-27.
    pub const MSEDGEWIN10: &[u8] = recorded!("tls_server_flight/pcapattack_sharprdp_59281.bin");
}

/// The leaf certificate (DER) of a recorded first flight: the first entry of its Certificate
/// message. Panics on a flight that has none (these are fixed recordings).
pub fn leaf_certificate(flight: &[u8]) -> Vec<u8> {
    let u24 = |b: &[u8]| (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]);
    let record_len = usize::from(u16::from_be_bytes([flight[3], flight[4]]));
    let mut messages = &flight[5..5 + record_len];
    while messages.len() >= 4 {
        let (kind, len) = (messages[0], u24(&messages[1..4]));
        let body = &messages[4..4 + len];
        if kind == 11 {
            // certificate_list<0..2^24-1>, each ASN.1Cert<1..2^24-1>
            let first = u24(&body[3..6]);
            return body[6..6 + first].to_vec();
        }
        messages = &messages[4 + len..];
    }
    panic!("the flight has no Certificate message")
}

/// Recorded server TSRequests carrying an NTLM CHALLENGE (both CredSSP version 6, 10.0.17763).
pub mod ts_requests {
    /// rdps2rdp: fv-az41-637, the host that answered CR 0x01 with HYBRID_REQUIRED_BY_SERVER.
    pub const FV_AZ41_637: &[u8] =
        recorded!("credssp/rdps2rdp_tsrequest_ntlm_challenge_fv-az41-637_10.0.17763.bin");
    /// syringe: Windows 10 1809 "DESKTOP-UAGCVKC".
    pub const DESKTOP_UAGCVKC: &[u8] = recorded!(
        "credssp/syringe_credssp_tsrequest_ntlm_challenge_DESKTOP-UAGCVKC_10.0.17763.bin"
    );

    /// `recorded` with its CHALLENGE re-encoded in a TSRequest of `version` (an unpatched host
    /// answers 2 or 3). With version 6 this is `recorded` byte for byte.
    pub fn with_version(recorded: &[u8], version: u32) -> Vec<u8> {
        let token = rdpcheck_proto::credssp::parse_ts_request(recorded)
            .expect("a recorded TSRequest")
            .nego_token
            .expect("a recorded negoToken");
        rdpcheck_proto::credssp::ts_request(version, &token)
    }
}

/// What a host answers to one Connection Request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// RDP_NEG_RSP selecting this protocol.
    Select(u32),
    /// RDP_NEG_FAILURE with this failureCode.
    Fail(u32),
    /// The 11-byte confirm without negotiation data.
    Legacy,
    /// Nothing recorded for this request: close the connection.
    Close,
}

/// A recorded Windows host: how it chose, and the bytes it answered with.
#[derive(Debug, Clone, Copy)]
pub struct RecordedHost {
    pub name: &'static str,
    /// What its RDP_NEG_RSP looked like (flags, source reference); selectedProtocol is patched.
    pub response: Option<&'static [u8; 19]>,
    /// Its RDP_NEG_FAILURE, for the failureCode it sent.
    pub failure: Option<&'static [u8; 19]>,
    pub legacy: Option<&'static [u8; 11]>,
    /// requestedProtocols (None: no RDP_NEG_REQ) → answer.
    pub choose: fn(Option<u32>) -> Choice,
}

/// Windows with NLA required (the Windows 10 default): NLA-EX when offered, else NLA when
/// offered, else HYBRID_REQUIRED_BY_SERVER. Recorded: 0x0b → NLA-EX (nDPI, PCAP-ATTACK,
/// rdps2rdp), 0x03 → NLA (nDPI rdp_over_tls, an internet host with the same flags), 0x01 →
/// failure 5 (rdps2rdp). Not recorded, chosen by the same rule: 0x00, 0x04, 0x10 → failure 5;
/// a request without RDP_NEG_REQ → closed.
fn nla_required(requested: Option<u32>) -> Choice {
    match requested {
        Some(r) if r & protocol::HYBRID_EX != 0 => Choice::Select(protocol::HYBRID_EX),
        Some(r) if r & protocol::HYBRID != 0 => Choice::Select(protocol::HYBRID),
        Some(_) => Choice::Fail(5),
        None => Choice::Close,
    }
}

/// The "W2008" host set to RDP security. Recorded: 0x01 → SSL_NOT_ALLOWED_BY_SERVER, 0x00 → RDP
/// (flags 0x09), no RDP_NEG_REQ → legacy confirm. Not recorded: any other non-zero request gets
/// the same failure 2, which MS-RDPBCGR 2.2.1.2.2 defines as "the server only supports Standard
/// RDP Security".
fn rdp_security_only(requested: Option<u32>) -> Choice {
    match requested {
        Some(0) => Choice::Select(protocol::RDP),
        Some(_) => Choice::Fail(2),
        None => Choice::Legacy,
    }
}

/// A server from before RDP 5.2: recorded, the legacy confirm to a request without
/// RDP_NEG_REQ. Assumed (not recorded): such a stack ignores an RDP_NEG_REQ, so every request
/// gets the same confirm.
fn before_negotiation(_: Option<u32>) -> Choice {
    Choice::Legacy
}

/// The Windows 10 VM of nDPI's rdp.pcap (NLA required, flags 0x1f).
pub const WINDOWS10_NLA: RecordedHost = RecordedHost {
    name: "Windows 10 (nDPI rdp.pcap)",
    response: Some(confirms::WINDOWS10_NLA_EX),
    // Its own capture has no refusal; the failure 5 of the rdps2rdp Windows host (same layout,
    // source reference 0x1234).
    failure: Some(confirms::HYBRID_REQUIRED),
    legacy: None,
    choose: nla_required,
};

/// Windows 10 "MSEDGEWIN10" of PCAP-ATTACK's sharprdp capture (NLA required, flags 0x1f).
pub const MSEDGEWIN10: RecordedHost = RecordedHost {
    name: "Windows 10 MSEDGEWIN10 (PCAP-ATTACK)",
    response: Some(confirms::MSEDGEWIN10_NLA_EX),
    failure: Some(confirms::HYBRID_REQUIRED),
    legacy: None,
    choose: nla_required,
};

/// The rdps2rdp Azure runner fv-az41-637 (10.0.17763): HYBRID_REQUIRED_BY_SERVER to TLS alone,
/// NLA-EX with flags 0x1f to 0x0b (the log prints the response; its bytes are the 0x1f response
/// layout of the Windows 10 recordings).
pub const HYBRID_REQUIRED_HOST: RecordedHost = RecordedHost {
    name: "fv-az41-637 (rdps2rdp)",
    response: Some(confirms::WINDOWS10_NLA_EX),
    failure: Some(confirms::HYBRID_REQUIRED),
    legacy: None,
    choose: nla_required,
};

/// The host wallix/redemption labels "W2008", set to RDP security (flags 0x09).
pub const W2008_RDP_ONLY: RecordedHost = RecordedHost {
    name: "W2008 (redemption)",
    response: Some(confirms::W2008_RDP),
    failure: Some(confirms::W2008_SSL_NOT_ALLOWED),
    legacy: Some(confirms::W2008_LEGACY),
    choose: rdp_security_only,
};

/// The 2006 host of nDPI's rdp3.pcap: a legacy confirm to everything.
pub const LEGACY_HOST: RecordedHost = RecordedHost {
    name: "legacy (nDPI rdp3.pcap)",
    response: None,
    failure: None,
    legacy: Some(confirms::LEGACY_2006),
    choose: before_negotiation,
};

impl RecordedHost {
    /// The bytes this host answers `requested` with (`None`: close).
    pub fn answer(&self, requested: Option<u32>) -> Option<Vec<u8>> {
        match (self.choose)(requested) {
            Choice::Select(p) => {
                let response = self
                    .response
                    .unwrap_or_else(|| panic!("{}: no recorded RDP_NEG_RSP", self.name));
                let mut cc = response.to_vec();
                assert_eq!(
                    cc[11], 0x02,
                    "{}: the response template is an RDP_NEG_RSP",
                    self.name
                );
                cc[15..19].copy_from_slice(&p.to_le_bytes());
                Some(cc)
            }
            Choice::Fail(code) => {
                let failure = self.failure.unwrap_or_else(|| {
                    panic!(
                        "{}: chose failure {code} but has no recorded failure",
                        self.name
                    )
                });
                let recorded =
                    u32::from_le_bytes([failure[15], failure[16], failure[17], failure[18]]);
                assert_eq!(
                    recorded, code,
                    "{}: only the recorded failure code",
                    self.name
                );
                Some(failure.to_vec())
            }
            Choice::Legacy => Some(
                self.legacy
                    .unwrap_or_else(|| panic!("{}: no recorded legacy confirm", self.name))
                    .to_vec(),
            ),
            Choice::Close => None,
        }
    }
}

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
const STEP: Duration = Duration::from_secs(10);

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

/// One whole TPKT frame, or None on EOF, error, time-out or a first byte that is not TPKT.
async fn read_tpkt(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; tpkt::HEADER_LEN];
    tokio::time::timeout(STEP, stream.read_exact(&mut header))
        .await
        .ok()?
        .ok()?;
    let len = tpkt::frame_len(&header).ok()??;
    let mut frame = header.to_vec();
    frame.resize(len, 0);
    tokio::time::timeout(STEP, stream.read_exact(&mut frame[tpkt::HEADER_LEN..]))
        .await
        .ok()?
        .ok()?;
    Some(frame)
}

/// One whole TLS record (the ClientHello).
async fn read_tls_record(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; 5];
    tokio::time::timeout(STEP, stream.read_exact(&mut header))
        .await
        .ok()?
        .ok()?;
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut record = header.to_vec();
    record.resize(5 + len, 0);
    tokio::time::timeout(STEP, stream.read_exact(&mut record[5..]))
        .await
        .ok()?
        .ok()?;
    Some(record)
}

/// One whole DER TSRequest from inside TLS.
async fn read_ts_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(len) = credssp::frame_len(&buf).ok()? {
            if buf.len() >= len {
                buf.truncate(len);
                return Some(buf);
            }
        }
        let n = tokio::time::timeout(STEP, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn send<S: AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) -> Option<()> {
    stream.write_all(bytes).await.ok()?;
    stream.flush().await.ok()
}

/// Keep the connection open, discarding input, until the peer closes (bounded by [`STEP`]).
async fn hold_until_peer_closes<S: AsyncRead + Unpin>(stream: &mut S) {
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(STEP, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
}
