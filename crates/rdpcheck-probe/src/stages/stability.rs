//! Repeated TCP + X.224 handshakes: how steady is the path?

use std::net::IpAddr;
use std::time::Duration;

use rdpcheck_proto::x224::protocol;
use rdpcheck_report::TcpStats;
use tokio::time::Instant;

use super::net::{connect_and_negotiate, elapsed_ms};
use super::tcp_info;
use crate::describe::reply_outcome;
use crate::observe::{ReplyOutcome, Sample};

pub async fn sample(
    addr: IpAddr,
    port: u16,
    count: u32,
    pause: Duration,
    connect: Duration,
    reply: Duration,
    deadline: Instant,
) -> (Vec<Sample>, Vec<TcpStats>) {
    let mut samples = Vec::new();
    let mut kernel = Vec::new();
    for i in 0..count {
        if i > 0 {
            tokio::time::sleep(pause).await;
        }
        if Instant::now() >= deadline {
            break;
        }
        let start = Instant::now();
        let requested = protocol::SSL | protocol::HYBRID | protocol::HYBRID_EX;
        let (outcome, stream) =
            connect_and_negotiate(addr, port, requested, connect, None, reply).await;
        let label = format!("stability.{}", i + 1);
        kernel.extend(stream.as_ref().and_then(|s| tcp_info::read(s, &label)));
        samples.push(match outcome {
            ReplyOutcome::Confirm { .. } => Sample::Ok {
                ms: elapsed_ms(start),
            },
            other => Sample::Failed(reply_outcome(&other)),
        });
    }
    (samples, kernel)
}
