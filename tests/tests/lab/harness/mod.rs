//! Self-checks of the lab harness itself (they do not need the engine): certificates
//! (`certs`), servers answering a raw X.224 request and their process-group teardown
//! (`servers`), and each fault mode on the wire (`faults`).

mod certs;
mod faults;
mod servers;

use rdpcheck_proto::x224::{Negotiation, Reply};

/// The negotiation of a Connection Confirm, or a panic naming what came instead.
pub fn negotiation(reply: Reply) -> Negotiation {
    match reply {
        Reply::Confirm { negotiation, .. } => negotiation,
        other => panic!("expected a Connection Confirm, got {other:?}"),
    }
}
