//! rdpcheck-relay: serves the page, runs probes for it over a WebSocket, signs the reports.
//!
//! `host` and `policy` decide what the relay may connect to (pure); `egress` resolves once and
//! pins the checked answer; `own` reads the host's own addresses; `access` decides who may use
//! the relay (pure: host, origin, token); `limits` admits probes; `server` is the accept loop
//! (connection caps and deadlines, TLS); `session` runs one WebSocket exchange; `app` is the
//! router; `state` is what `app` and `session` share (its own module, so neither imports the
//! other); `reject` is the one refusal type every step returns, with `From` for the narrower ones.

pub mod access;
pub mod app;
pub mod assets;
pub mod config;
pub mod downloads;
pub mod egress;
pub mod host;
pub mod keys;
pub mod limits;
pub mod metrics;
pub mod own;
pub mod policy;
pub mod reject;
pub mod server;
pub mod session;
pub mod state;
