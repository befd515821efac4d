//! Lab harness for rdpcheck's integration tests: real RDP servers (xrdp, the FreeRDP shadow
//! server) started as child processes on loopback, the real FreeRDP client as an oracle
//! (`xfreerdp`), an in-process fault server that simulates
//! failures no real server produces, test certificates, and small helpers to run the engine with
//! a hard deadline and assert on its report.
//!
//! Every server gets its own free loopback port and scratch directory and is stopped on `Drop`
//! (SIGKILL to its whole process group, then `wait`). A missing binary is a loud panic naming the
//! Debian package to install: these tests never skip silently.

pub mod certs;
pub mod check;
pub mod fault;
pub mod http;
pub mod impair;
pub mod loopback;
pub mod machine;
pub mod mstsc;
pub mod netns;
pub mod nginx;
pub mod nginx_proxy;
pub mod process;
pub mod redis;
pub mod replay;
pub mod shadow;
pub mod udp_responder;
pub mod weston;
pub mod wine;
pub mod xfreerdp;
pub mod xrdp;

pub use certs::{TestCa, TestCert};
pub use check::{run_probe, run_probe_with_events};
pub use fault::{Fault, FaultServer};
pub use process::{
    free_port, free_port_on, require_binary, try_wait_for_addr, try_wait_for_port, wait_for_port,
    ServerProcess,
};
pub use shadow::{Shadow, ShadowSec};
pub use weston::{Weston, WestonSec};
pub use xrdp::{Listen, SecurityLayer, Xrdp};
