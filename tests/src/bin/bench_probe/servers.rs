//! The real servers under test, on free loopback ports, killed if the bench is interrupted.

use std::path::{Path, PathBuf};

use rdpcheck_labtests::process::kill_on_interrupt;
use rdpcheck_labtests::{SecurityLayer, Shadow, ShadowSec, TestCert, Xrdp};

/// A server under test, kept alive until the end of `main`.
pub enum Server {
    Shadow(Shadow),
    Xrdp(Xrdp),
}

impl Server {
    pub fn pid(&self) -> u32 {
        match self {
            Server::Shadow(s) => s.pid(),
            Server::Xrdp(x) => x.pid(),
        }
    }

    pub fn logs(&self) -> String {
        match self {
            Server::Shadow(s) => s.logs(),
            Server::Xrdp(x) => x.logs(),
        }
    }
}

pub struct Target {
    pub name: &'static str,
    pub port: u16,
    /// nmap's services file naming this port `ms-wbt-server`, so its RDP scripts run on it.
    pub servicedb: PathBuf,
    pub server: Server,
}

/// A FreeRDP shadow server with NLA, an xrdp negotiate and an xrdp tls server; the nmap services
/// files go to `scratch`.
pub fn start_servers(scratch: &Path) -> Vec<Target> {
    let cert = TestCert::self_signed();
    let servicedb = |name: &str, port: u16| {
        let path = scratch.join(format!("nmap-services-{name}"));
        std::fs::write(&path, format!("ms-wbt-server\t{port}/tcp\t0.5\n"))
            .expect("write nmap services file");
        path
    };
    let mut targets = Vec::new();
    eprintln!("starting servers …");
    let shadow = Shadow::start_with_cert(ShadowSec::Nla, &cert);
    kill_on_interrupt(shadow.pid());
    targets.push(Target {
        name: "shadow nla",
        port: shadow.port,
        servicedb: servicedb("shadow-nla", shadow.port),
        server: Server::Shadow(shadow),
    });
    for (name, layer) in [
        ("xrdp negotiate", SecurityLayer::Negotiate),
        ("xrdp tls", SecurityLayer::Tls),
    ] {
        let xrdp = Xrdp::start(layer, &cert);
        kill_on_interrupt(xrdp.pid());
        targets.push(Target {
            name,
            port: xrdp.port,
            servicedb: servicedb(&name.replace(' ', "-"), xrdp.port),
            server: Server::Xrdp(xrdp),
        });
    }
    for t in &targets {
        eprintln!("  {} on 127.0.0.1:{}", t.name, t.port);
    }
    targets
}
