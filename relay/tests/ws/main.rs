//! End-to-end tests of the relay's WebSocket protocol (relay/PROTOCOL.md): each test starts the
//! real `rdpcheck-relay` binary as a child process on a free loopback port and drives it with a
//! tokio-tungstenite client, against a real xrdp, the lab's fault server, or addresses the egress
//! policy must refuse. One test binary with modules, to link once.

mod access;
mod budget;
mod connections;
mod dns;
mod harness;
mod hosts;
mod limits;
mod logs;
mod metrics;
mod proxy;
mod refusals;
mod report;
mod rotation;
mod shared_limits;
mod shutdown;
mod stalled;
mod tls;
