//! The TLS 1.0–1.2 hello carried on a layer probe's connection. Each connection costs a server
//! its per-connection set-up (FreeRDP's shadow server spends tens of milliseconds of CPU on one
//! before it reads a byte), so the legacy hello rides on the first layer probe whose
//! negotiation selected a TLS-based layer instead of opening a connection of its own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use rdpcheck_proto::x224::protocol;
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::tls;
use crate::observe::LegacyProbe;

/// One legacy hello for the whole check, sent by whichever layer probe gets there first.
pub struct LegacyCarry {
    host: String,
    reply: Duration,
    taken: AtomicBool,
    result: Mutex<Option<LegacyProbe>>,
}

/// Whether a connection whose negotiation selected `selected` expects a TLS ClientHello next.
pub fn starts_tls(selected: u32) -> bool {
    selected == protocol::SSL || selected == protocol::HYBRID || selected == protocol::HYBRID_EX
}

impl LegacyCarry {
    pub fn new(host: &str, reply: Duration) -> LegacyCarry {
        LegacyCarry {
            host: host.to_owned(),
            reply,
            taken: AtomicBool::new(false),
            result: Mutex::new(None),
        }
    }

    /// Send the legacy hello on `stream` unless another probe already did.
    pub async fn carry(&self, stream: &mut TcpStream) {
        if self.taken.swap(true, Ordering::AcqRel) {
            return;
        }
        let probe = tls::legacy_hello(stream, &self.host, Instant::now() + self.reply).await;
        if let Ok(mut slot) = self.result.lock() {
            *slot = Some(probe);
        }
    }

    /// What the carried hello got, once (None when no layer probe could carry it).
    pub fn take(&self) -> Option<LegacyProbe> {
        self.result.lock().ok().and_then(|mut slot| slot.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tls_based_layers_carry_a_hello() {
        assert!(starts_tls(protocol::SSL));
        assert!(starts_tls(protocol::HYBRID));
        assert!(starts_tls(protocol::HYBRID_EX));
        assert!(!starts_tls(protocol::RDP));
        // RDSTLS and RDSAAD start with TLS too, but their servers expect more than a plain
        // ClientHello from a client that asked for them; a layer probe never carries there.
        assert!(!starts_tls(protocol::RDSTLS));
        assert!(!starts_tls(protocol::RDSAAD));
    }

    #[test]
    fn nothing_is_carried_until_a_probe_carries_it() {
        let carry = LegacyCarry::new("host.example", Duration::from_secs(1));
        assert_eq!(carry.take(), None);
    }
}
