//! The TLS stage on the main connection, its retries and the legacy-version probe.

use std::net::IpAddr;

use rdpcheck_proto::x224::{protocol, Negotiation};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::observe::{
    LegacyProbe, MssRetry, ReplyOutcome, TlsFailure, TlsOutcome, TlsSession, MAIN_REQUEST,
};
use crate::stages::legacy_carry::LegacyCarry;
use crate::stages::{net, tls};
use crate::ProbeOptions;

/// What the TLS stage brings back: the outcome, the main connection when it goes on to NLA, and
/// for a TLS 1.3 session what a TLS 1.0–1.2 hello got on a fresh connection.
pub(super) struct TlsRun {
    pub(super) outcome: TlsOutcome,
    pub(super) session: Option<tls::Tls>,
    pub(super) older: Option<LegacyProbe>,
    /// After a stall: the handshake again with small segments.
    pub(super) small_mss: Option<MssRetry>,
}

/// Where the legacy hello's answer comes from: the layer probe that carried it, once they are
/// done, or else a connection of its own.
#[derive(Clone, Copy)]
pub(super) struct LegacySource<'a> {
    pub(super) layers_done: &'a Notify,
    pub(super) carry: &'a LegacyCarry,
}

/// The segment size of the retry after a stall: the minimum every IPv4 path carries (576-byte
/// packets).
const SMALL_MSS: u32 = 536;

/// TLS on the main connection, with the TLS 1.2 retry and the legacy-version probe on failure.
/// `keep`: the main connection goes on to NLA; otherwise it is closed as soon as TLS is judged
/// (a server that serves one connection at a time must not wait for it).
pub(super) async fn run_tls(
    opts: &ProbeOptions,
    addr: IpAddr,
    stream: TcpStream,
    keep: bool,
    legacy: LegacySource<'_>,
) -> TlsRun {
    let reply = opts.reply_timeout;
    let first = tls::handshake(stream, &opts.host, true, Instant::now() + reply).await;
    let tls::HandshakeError {
        failure,
        received,
        chain,
    } = match first {
        Ok((tls_stream, session)) => {
            return established(opts, addr, tls_stream, session, keep, legacy).await;
        }
        Err(e) => e,
    };
    // Server 2019 with experimental TLS 1.3 resets 1.3 offers: retry once with 1.2 only.
    if matches!(failure, TlsFailure::Reset | TlsFailure::ClosedAfterHello) {
        if let Some(stream) = fresh_tls_connection(opts, addr).await {
            if let Ok((tls_stream, mut session)) =
                tls::handshake(stream, &opts.host, false, Instant::now() + reply).await
            {
                session.tls13_rejected = Some(failure);
                return TlsRun {
                    outcome: TlsOutcome::Established(session),
                    session: keep.then_some(tls_stream),
                    older: None,
                    small_mss: None,
                };
            }
        }
    }
    let (legacy, small_mss) = if failure == TlsFailure::Stalled {
        (None, Some(small_mss_retry(opts, addr).await))
    } else {
        (legacy_probe(opts, addr, legacy).await, None)
    };
    TlsRun {
        outcome: TlsOutcome::Failed {
            failure,
            received,
            chain,
            legacy,
        },
        session: None,
        older: None,
        small_mss,
    }
}

/// The stalled handshake once more on a fresh connection with [`SMALL_MSS`]: when it passes,
/// large packets are what vanish (an MTU black hole).
async fn small_mss_retry(opts: &ProbeOptions, addr: IpAddr) -> MssRetry {
    let retry = |passed: bool, detail: String| MssRetry {
        mss: SMALL_MSS,
        passed,
        detail,
    };
    let Some(mut stream) =
        net::connect_small_mss(addr, opts.port, SMALL_MSS, opts.connect_timeout).await
    else {
        return retry(false, "could not connect with a small MSS".into());
    };
    match net::negotiate(
        &mut stream,
        MAIN_REQUEST,
        Instant::now() + opts.reply_timeout,
    )
    .await
    {
        ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, .. },
            ..
        } if selected != protocol::RDP => {}
        other => {
            return retry(
                false,
                format!(
                    "the negotiation got {}",
                    crate::describe::reply_outcome(&other)
                ),
            )
        }
    }
    match tls::handshake(
        stream,
        &opts.host,
        true,
        Instant::now() + opts.reply_timeout,
    )
    .await
    {
        Ok((_, session)) => retry(true, format!("{} established", session.version)),
        Err(e) => retry(false, crate::describe::tls_failure(&e.failure, e.received)),
    }
}

/// A handshake that worked. On TLS 1.3, ask once more with a TLS 1.0–1.2 hello: Windows 10
/// clients have no TLS 1.3. With NLA to follow, the main connection waits idle meanwhile (NLA
/// servers serve several connections at once); otherwise it is closed first.
async fn established(
    opts: &ProbeOptions,
    addr: IpAddr,
    tls_stream: tls::Tls,
    session: TlsSession,
    keep: bool,
    legacy: LegacySource<'_>,
) -> TlsRun {
    let session_stream = keep.then_some(tls_stream);
    let older = if session.version == "TLSv1.3" {
        legacy_probe(opts, addr, legacy).await
    } else {
        None
    };
    TlsRun {
        outcome: TlsOutcome::Established(session),
        session: session_stream,
        older,
        small_mss: None,
    }
}

/// The hand-built TLS 1.0–1.2 hello's answer: the one a layer probe carried, once the layer
/// probes are done (or a reply deadline has passed), or else from a fresh connection.
async fn legacy_probe(
    opts: &ProbeOptions,
    addr: IpAddr,
    legacy: LegacySource<'_>,
) -> Option<LegacyProbe> {
    let _ = tokio::time::timeout(opts.reply_timeout, legacy.layers_done.notified()).await;
    if let Some(carried) = legacy.carry.take() {
        return Some(carried);
    }
    let mut stream = fresh_tls_connection(opts, addr).await?;
    Some(tls::legacy_hello(&mut stream, &opts.host, Instant::now() + opts.reply_timeout).await)
}

/// A new connection whose negotiation selected a TLS-based layer, ready for a ClientHello.
async fn fresh_tls_connection(opts: &ProbeOptions, addr: IpAddr) -> Option<TcpStream> {
    let (reply, stream) = net::connect_and_negotiate(
        addr,
        opts.port,
        MAIN_REQUEST,
        opts.connect_timeout,
        None,
        opts.reply_timeout,
    )
    .await;
    match reply {
        ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, .. },
            ..
        } if selected != protocol::RDP => stream,
        _ => None,
    }
}
