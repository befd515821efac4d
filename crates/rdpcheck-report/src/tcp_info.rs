//! What the kernel knew about one of the probe's own TCP connections (Linux `TCP_INFO`), read
//! when the probe was done with it: round-trip time and retransmissions measured by the TCP
//! stack itself, not by the probe's clock. Absent where the platform does not tell.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TcpStats {
    /// Which connection: `main` (negotiation, TLS, NLA) or `stability.<n>`.
    pub connection: String,
    /// Smoothed round-trip time.
    pub rtt_ms: f64,
    /// Its mean deviation.
    pub rttvar_ms: f64,
    /// The smallest round trip seen on the connection (kernel 4.10+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rtt_ms: Option<f64>,
    /// Segments this end sent again over the connection's life (SYNs included).
    pub retransmits: u32,
    /// Segments the kernel counted as lost when it was read.
    #[serde(default)]
    pub lost: u32,
    /// Segments sent and received (kernel 4.2+; 0 when unknown).
    #[serde(default)]
    pub segs_out: u32,
    #[serde(default)]
    pub segs_in: u32,
    /// Segments that arrived out of order: a hole left by a segment lost on the way here
    /// (kernel 5.4+).
    #[serde(default)]
    pub out_of_order_in: u32,
    /// The maximum segment size this end sends with.
    pub snd_mss: u32,
}
