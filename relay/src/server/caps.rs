//! The connection caps: open connections overall and per client address (IPv4, or an IPv6 /64),
//! and the overall cap fitted under the open-file limit, so the relay never runs out of file
//! descriptors.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::limits::client_key;

/// File descriptors kept free for what is not a client connection: probes (a TCP and a UDP
/// socket, DNS) per concurrent probe, plus this many for the rest.
const SPARE_FDS: u64 = 64;

/// Why a connection was turned away at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The client address has `max_connections_per_client` open.
    PerClient,
    /// The relay has `max_connections` open.
    Total,
}

impl Full {
    pub fn label(self) -> &'static str {
        match self {
            Full::PerClient => "per_client",
            Full::Total => "total",
        }
    }
}

/// Open connections, overall and per client.
pub struct ConnLimits {
    total: Arc<Semaphore>,
    max: usize,
    per_client: Mutex<HashMap<IpAddr, usize>>,
    max_per_client: usize,
}

/// One connection's slot; released on drop.
pub struct ConnGuard {
    limits: Arc<ConnLimits>,
    /// `None` for a trusted proxy's connection, which counts only toward the total.
    client: Option<IpAddr>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        let Some(client) = self.client else {
            return;
        };
        if let Ok(mut map) = self.limits.per_client.lock() {
            if let Some(n) = map.get_mut(&client) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(&client);
                }
            }
        }
    }
}

impl ConnLimits {
    pub fn new(max: usize, max_per_client: usize) -> Arc<ConnLimits> {
        let max = max.clamp(1, Semaphore::MAX_PERMITS);
        Arc::new(ConnLimits {
            total: Arc::new(Semaphore::new(max)),
            max,
            per_client: Mutex::new(HashMap::new()),
            max_per_client: max_per_client.max(1),
        })
    }

    /// A slot for a connection from `peer`, or which cap is full.
    pub fn try_acquire(self: &Arc<Self>, peer: IpAddr) -> Result<ConnGuard, Full> {
        let client = client_key(peer);
        let mut map = self.per_client.lock().map_err(|_| Full::Total)?;
        let n = map.entry(client).or_default();
        if *n >= self.max_per_client {
            return Err(Full::PerClient);
        }
        let permit = self
            .total
            .clone()
            .try_acquire_owned()
            .map_err(|_| Full::Total)?;
        *n += 1;
        drop(map);
        Ok(ConnGuard {
            limits: Arc::clone(self),
            client: Some(client),
            _permit: permit,
        })
    }

    /// A slot for a connection from a trusted reverse proxy: only the total cap applies, since
    /// one proxy address carries many clients (their own limits apply per request, by the
    /// address the proxy names).
    pub fn try_acquire_proxied(self: &Arc<Self>) -> Result<ConnGuard, Full> {
        let permit = self
            .total
            .clone()
            .try_acquire_owned()
            .map_err(|_| Full::Total)?;
        Ok(ConnGuard {
            limits: Arc::clone(self),
            client: None,
            _permit: permit,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.max - self.total.available_permits()
    }

    /// Wait until every slot is back, at most `limit`; whether they all came back.
    pub async fn wait_all_closed(&self, limit: Duration) -> bool {
        let all = u32::try_from(self.max).unwrap_or(u32::MAX);
        tokio::time::timeout(limit, self.total.acquire_many(all))
            .await
            .is_ok_and(|p| p.is_ok())
    }
}

/// The overall cap that fits under the open-file limit `nofile`: what probes need is kept free.
pub fn fit_connections(configured: usize, nofile: u64, max_concurrent_probes: usize) -> usize {
    let probes = u64::try_from(max_concurrent_probes).unwrap_or(u64::MAX);
    let spare = SPARE_FDS.saturating_add(probes.saturating_mul(4));
    let fits = usize::try_from(nofile.saturating_sub(spare)).unwrap_or(usize::MAX);
    configured.min(fits).max(1)
}

/// Raise the soft open-file limit to the hard one (or as close as the system allows: a hard
/// limit of "unlimited" is not a value the soft one may take); the soft limit afterwards.
pub fn raise_nofile() -> Result<u64, String> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(|e| e.to_string())?;
    for want in [hard, hard.min(1 << 20), hard.min(65_536)] {
        if want <= soft || setrlimit(Resource::RLIMIT_NOFILE, want, hard).is_ok() {
            break;
        }
    }
    getrlimit(Resource::RLIMIT_NOFILE)
        .map(|(soft, _)| soft)
        .map_err(|e| e.to_string())
}
