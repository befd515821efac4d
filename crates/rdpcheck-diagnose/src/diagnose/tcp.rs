//! The tcp stage: connect to each address in turn until one answers.

use rdpcheck_report::Plain;
use serde_json::{json, Map, Value};

use super::{round, Judged};
use crate::describe;
use crate::observe::{ConnectOutcome, Observations};

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let first = obs.tcp.first()?;
    let port = obs.port;
    let mut details = Map::new();
    let per_address: Vec<Value> = obs
        .tcp
        .iter()
        .map(|a| json!({"address": a.addr.to_string(), "outcome": describe::connect(&a.outcome), "ms": round(a.ms)}))
        .collect();
    details.insert("attempts".into(), Value::Array(per_address));
    let ms = obs.tcp.iter().map(|a| a.ms).sum();
    if let Some(ok) = obs
        .tcp
        .iter()
        .find(|a| a.outcome == ConnectOutcome::Connected)
    {
        details.insert("rtt_ms".into(), json!(round(ok.ms)));
        let mut summary = format!(
            "{}:{port} accepted the connection in {}",
            ok.addr,
            describe::ms(ok.ms)
        );
        let failed = obs
            .tcp
            .iter()
            .filter(|a| a.outcome != ConnectOutcome::Connected)
            .count();
        if failed > 0 {
            summary.push_str(&format!(" ({failed} earlier address(es) failed)"));
        }
        return Some(Judged {
            details,
            ..Judged::pass(summary, ms)
        });
    }
    let evidence = obs
        .tcp
        .iter()
        .map(|a| {
            format!(
                "{}:{port}: {} after {}",
                a.addr,
                describe::connect(&a.outcome),
                describe::ms(a.ms)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let (code, summary) = match &first.outcome {
        ConnectOutcome::Refused => (
            Plain::TcpRefused,
            format!("Port {port} refused the connection: nothing listens there, or a firewall rejects it"),
        ),
        ConnectOutcome::TimedOut => (
            Plain::TcpTimeout,
            format!("No answer on port {port}: a firewall or network security group drops the traffic, or the host is down"),
        ),
        ConnectOutcome::Unreachable(_) => (
            Plain::TcpUnreachable,
            "The network path to the host is unreachable (no route or ICMP unreachable)".to_string(),
        ),
        ConnectOutcome::Other(_) | ConnectOutcome::Connected => (
            Plain::TcpError,
            format!("Connecting to port {port} failed"),
        ),
    };
    Some(Judged {
        details,
        ..Judged::fail(code, summary, evidence, ms)
    })
}
