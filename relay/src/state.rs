//! What every request shares: the configuration, the egress policy, the signing key, the limits,
//! the metrics and the shutdown signal. Its own module so the router (`app`) and the WebSocket
//! session (`session`) both depend on it without depending on each other.

use tokio_util::sync::CancellationToken;

use crate::assets;
use crate::config::Config;
use crate::keys::RelayKey;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::policy::Policy;

pub struct AppState {
    pub config: Config,
    pub policy: Policy,
    pub key: RelayKey,
    pub limits: Limits,
    pub metrics: Metrics,
    pub shutdown: CancellationToken,
    pub csp: String,
}

impl AppState {
    pub fn new(config: Config, key: RelayKey) -> AppState {
        let policy = Policy::new(
            config.preset,
            config.allow.clone(),
            config.deny.clone(),
            config.allow_ports.clone(),
        );
        AppState {
            limits: Limits::new(&config.limits),
            policy,
            key,
            metrics: Metrics::default(),
            shutdown: CancellationToken::new(),
            csp: assets::content_security_policy(),
            config,
        }
    }
}

/// A state for tests: the default configuration changed by `configure`, a fixed key.
#[cfg(test)]
pub(crate) fn test_state(configure: impl FnOnce(&mut Config)) -> std::sync::Arc<AppState> {
    let mut config = Config::resolve(crate::config::Args::default()).expect("default config");
    configure(&mut config);
    std::sync::Arc::new(AppState::new(config, RelayKey::from_seed([7; 32])))
}
