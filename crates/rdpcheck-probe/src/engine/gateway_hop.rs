//! The RD Gateway hop: DNS, TCP, TLS (trust as the client checks it), HTTP.

use rdpcheck_report::Stage;
use tokio::time::Instant;

use crate::observe::{GatewayTls, HttpOutcome, Observations, Timed};
use crate::stages::{gateway, net};
use crate::ProbeOptions;

use super::{connect_first, resolve, unix_now, Emitter};

/// The RD Gateway hop: DNS, TCP, TLS (trust as the client checks it), HTTP.
pub(super) async fn gateway_ladder(
    opts: &ProbeOptions,
    host: &str,
    port: u16,
    obs: &mut Observations,
    emit: &Emitter,
) {
    let reply = opts.reply_timeout;
    let addrs = resolve(opts, host, Stage::GatewayDns, obs, emit).await;
    if addrs.is_empty() {
        return emit.skip_rest(Stage::GatewayDns, obs);
    }
    emit.started(Stage::GatewayTcp);
    let (attempts, connected) = connect_first(&addrs, port, opts).await;
    if let Some(g) = obs.gateway.as_mut() {
        g.tcp = attempts;
    }
    emit.finished(Stage::GatewayTcp, obs);
    let Some((addr, stream)) = connected else {
        return emit.skip_rest(Stage::GatewayTcp, obs);
    };

    emit.started(Stage::GatewayTls);
    let start = Instant::now();
    let (outcome, tls_stream) =
        gateway::tls_stage(stream, host, &opts.extra_roots, Instant::now() + reply).await;
    let established = matches!(outcome, GatewayTls::Established { .. });
    obs.now_unix = unix_now();
    if let Some(g) = obs.gateway.as_mut() {
        g.tls = Some(Timed {
            ms: net::elapsed_ms(start),
            value: outcome,
        });
    }
    emit.finished(Stage::GatewayTls, obs);
    let Some(tls_stream) = tls_stream.filter(|_| established) else {
        return emit.skip_rest(Stage::GatewayTls, obs);
    };

    emit.started(Stage::GatewayHttp);
    let start = Instant::now();
    let answer = gateway::rdg_out_data(tls_stream, host, Instant::now() + reply).await;
    let live = matches!(&answer, HttpOutcome::Response { status: 401, schemes, .. } if !schemes.is_empty());
    let rpc = if live {
        None
    } else {
        gateway::rpc_in_data(addr, port, host, opts.connect_timeout, reply).await
    };
    if let Some(g) = obs.gateway.as_mut() {
        g.http = Some(Timed {
            ms: net::elapsed_ms(start),
            value: answer,
        });
        g.rpc = rpc;
    }
    emit.finished(Stage::GatewayHttp, obs);
}
