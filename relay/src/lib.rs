//! rdpcheck-relay: serves the page, runs probes for it over a WebSocket, signs the reports.
//!
//! `host` and `policy` decide what the relay may connect to (pure); `egress` resolves once and
//! pins the checked answer; `access` decides who may open a session (pure: origin, token);
//! `session` runs one WebSocket exchange; `app` is the router; `state` is what `app` and
//! `session` share (its own module, so neither imports the other); `reject` is the one refusal
//! type every step returns, with `From` for the narrower ones.

pub mod access;
pub mod app;
pub mod assets;
pub mod config;
pub mod egress;
pub mod host;
pub mod keys;
pub mod limits;
pub mod metrics;
pub mod policy;
pub mod reject;
pub mod session;
pub mod state;
