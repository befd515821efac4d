//! What every request shares: the configuration, the egress policy, the signing key, the limits,
//! the names the relay is served under, the metrics and the shutdown signal. Its own module so
//! the router (`app`) and the WebSocket session (`session`) both depend on it without depending
//! on each other.

use std::net::IpAddr;

use tokio_util::sync::CancellationToken;

use crate::access::{self, Access, OwnName};
use crate::assets;
use crate::config::Config;
use crate::keys::{RelayKey, RetiredKey};
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::policy::Policy;

pub struct AppState {
    pub config: Config,
    pub policy: Policy,
    pub key: RelayKey,
    /// Keys signed with before a rotation (`keys::load_retired`; main.rs reads them at start).
    pub retired: Vec<RetiredKey>,
    pub limits: Limits,
    pub metrics: Metrics,
    pub shutdown: CancellationToken,
    pub csp: String,
    /// The names the relay is served under (`access::own_names`).
    pub hosts: Vec<OwnName>,
    /// Whether the page and /healthz check the `Host` too (a loopback listener: only a browser
    /// on this machine reaches it, and only through a name in `hosts`, unless a page rebound
    /// its own name). The API always checks it.
    pub check_page_host: bool,
    /// What /downloads/ offers (main.rs scans `config.downloads_dir` at start).
    pub downloads: crate::downloads::Downloads,
}

impl AppState {
    /// `interfaces`: the host's own addresses (`own::interface_addresses`), refused by the
    /// egress policy and, with an unspecified listen address, names the relay is served under.
    pub fn new(config: Config, key: RelayKey, interfaces: Vec<IpAddr>) -> AppState {
        let policy = Policy::new(
            config.preset,
            config.allow.clone(),
            config.deny.clone(),
            config.allow_ports.clone(),
        )
        .with_own_addresses(interfaces.iter().copied());
        let hosts = access::own_names(
            config.listen,
            config.tls.is_some(),
            &interfaces,
            &config.public_urls,
        );
        let metrics = Metrics::default();
        if config.limits_backend.is_some() {
            // Up until a request finds it down: a relay starts whether Redis answers or not.
            metrics.limits_backend_up(true);
        }
        AppState {
            limits: Limits::new(&config.limits, config.limits_backend.as_ref()),
            policy,
            key,
            retired: Vec::new(),
            metrics,
            shutdown: CancellationToken::new(),
            csp: assets::content_security_policy(),
            hosts,
            check_page_host: config.listen.ip().is_loopback(),
            downloads: crate::downloads::Downloads::default(),
            config,
        }
    }

    /// The access settings the checks in `access` read.
    pub fn access(&self) -> Access<'_> {
        Access {
            hosts: &self.hosts,
            origins: &self.config.origins,
            auth: self.config.auth,
            tokens: &self.config.tokens,
        }
    }
}

/// A state for tests: the default configuration (127.0.0.1:8080) changed by `configure`, a fixed
/// key, no interface addresses.
#[cfg(test)]
pub(crate) fn test_state(configure: impl FnOnce(&mut Config)) -> std::sync::Arc<AppState> {
    let mut config = Config::resolve(crate::config::Args::default()).expect("default config");
    configure(&mut config);
    std::sync::Arc::new(AppState::new(
        config,
        RelayKey::from_seed([7; 32]),
        Vec::new(),
    ))
}
