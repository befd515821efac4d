//! The limits a relay runs with: what each one bounds, its default and the range it is held to
//! (a file value outside it is moved into it, not refused).

use super::FileLimits;

#[derive(Debug, Clone)]
pub struct Limits {
    pub per_client_per_minute: u32,
    pub per_target_per_minute: u32,
    pub max_concurrent: usize,
    pub max_concurrent_per_client: usize,
    pub max_samples: u32,
    pub probe_timeout_s: u64,
    /// Largest WebSocket message or frame accepted from a client.
    pub max_message_bytes: usize,
    /// How long a client may take to send its request after connecting.
    pub request_timeout_s: u64,
    /// How long one WebSocket send may wait for the client to read; a session also ends at
    /// most this long after its probe's deadline.
    pub write_timeout_s: u64,
    /// How long a request's head may take to arrive, from the connection's start or the end of
    /// the previous response (also the TLS handshake's deadline and the keep-alive idle time).
    pub header_timeout_s: u64,
    /// An HTTP connection on which no byte moves either way for this long is closed.
    pub idle_timeout_s: u64,
    /// Open connections in all (lowered at start to fit the open-file limit).
    pub max_connections: usize,
    /// Open connections from one client address (IPv6: one /64).
    pub max_connections_per_client: usize,
    /// Failed token checks one client address may make per minute (the burst) before its
    /// upgrades are refused without a check.
    pub failed_auth_per_minute: u32,
}

impl Limits {
    /// The file's `[limits]` (a missing key takes its default), each held to its range.
    pub fn from_file(l: FileLimits) -> Limits {
        Limits {
            per_client_per_minute: l.probes_per_minute_per_client.unwrap_or(30).max(1),
            per_target_per_minute: l.probes_per_minute_per_target.unwrap_or(20).max(1),
            max_concurrent: l.max_concurrent_probes.unwrap_or(32).max(1),
            max_concurrent_per_client: l.max_concurrent_per_client.unwrap_or(4).max(1),
            max_samples: l.max_samples.unwrap_or(10),
            probe_timeout_s: l.probe_timeout_s.unwrap_or(30).clamp(1, 120),
            max_message_bytes: 8 * 1024,
            request_timeout_s: l.request_timeout_s.unwrap_or(10).clamp(1, 60),
            write_timeout_s: l.write_timeout_s.unwrap_or(10).clamp(1, 60),
            header_timeout_s: l.header_timeout_s.unwrap_or(10).clamp(1, 300),
            idle_timeout_s: l.idle_timeout_s.unwrap_or(30).clamp(1, 3600),
            max_connections: l.max_connections.unwrap_or(4096).max(1),
            max_connections_per_client: l.max_connections_per_client.unwrap_or(64).max(1),
            failed_auth_per_minute: l.failed_auth_per_minute.unwrap_or(10).max(1),
        }
    }
}
