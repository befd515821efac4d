//! The relay under test as a child process, and a WebSocket / HTTP client to drive it.
//!
//! [`Relay`] starts the real `rdpcheck-relay` binary on a free loopback port with its own temp
//! key file (and config file when limits are needed), waits until `/healthz` answers, and kills
//! the process on drop (`relay`). Plain HTTP GETs over a raw TCP stream (`http`); the probe
//! WebSocket and what a session sends (`ws`). Every network wait here has a timeout.

// Paths spelled out: relay/tests/e2e includes this file with `#[path]`, and nested modules of
// such a file would otherwise resolve next to it instead of in harness/.
#[path = "harness/http.rs"]
pub mod http;
#[path = "harness/relay.rs"]
pub mod relay;
#[path = "harness/ws.rs"]
pub mod ws;

use std::time::Duration;

// What every test binary that includes the harness starts with.
pub use relay::{public_key, Relay, RelayOptions};
// The whole client side, for the tests that drive the wire directly.
#[allow(unused_imports)]
pub use http::*;
#[allow(unused_imports)]
pub use rdpcheck_labtests::process::closed_port;
#[allow(unused_imports)]
pub use ws::*;

/// How long any single network step may take before the test fails.
pub const STEP: Duration = Duration::from_secs(10);
/// How long a whole session (connect to close) may take.
pub const SESSION: Duration = Duration::from_secs(30);
