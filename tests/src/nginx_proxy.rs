//! A real nginx in front of a relay: relay/deploy/nginx.conf, the configuration the README
//! gives operators, run as shipped. Only what must differ on a lab machine is replaced: the
//! listen address (a free loopback port), the certificate paths, the upstream's port, and the
//! `http { }` frame with scratch paths that a system nginx.conf would hold.

use std::path::Path;

use crate::certs::TestCert;
use crate::nginx::{Nginx, NginxSite};

/// relay/deploy/nginx.conf, as committed.
pub const DEPLOY_CONF: &str = include_str!("../../relay/deploy/nginx.conf");

/// The shipped conf with the lab's port, certificate and upstream put in; panics if a line it
/// replaces is no longer in the file (the test would otherwise run something else).
pub fn relay_proxy_conf(port: u16, cert: &Path, key: &Path, upstream: u16) -> String {
    let mut conf = DEPLOY_CONF.to_string();
    for (from, to) in [
        ("listen 443 ssl;", format!("listen 127.0.0.1:{port} ssl;")),
        (
            "server_name rdpcheck.example.com;",
            "server_name localhost;".into(),
        ),
        (
            "ssl_certificate /etc/rdpcheck/relay.crt;",
            format!("ssl_certificate {};", cert.display()),
        ),
        (
            "ssl_certificate_key /etc/rdpcheck/relay.key;",
            format!("ssl_certificate_key {};", key.display()),
        ),
        (
            "proxy_pass http://127.0.0.1:8080;",
            format!("proxy_pass http://127.0.0.1:{upstream};"),
        ),
    ] {
        assert!(
            conf.contains(from),
            "relay/deploy/nginx.conf lacks {from:?}"
        );
        conf = conf.replace(from, &to);
    }
    conf
}

/// The whole nginx.conf: a lab `http { }` frame around [`relay_proxy_conf`].
fn nginx_conf(port: u16, dir: &Path, cert: &Path, key: &Path, upstream: u16) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process on;\nworker_processes 1;\npid {d}/nginx.pid;\n\
         error_log {d}/error.log info;\nevents {{ worker_connections 64; }}\nhttp {{\n\
         access_log {d}/access.log;\nclient_body_temp_path {d}/client_body;\n\
         proxy_temp_path {d}/proxy;\nfastcgi_temp_path {d}/fastcgi;\nuwsgi_temp_path {d}/uwsgi;\n\
         scgi_temp_path {d}/scgi;\n{}\n}}\n",
        relay_proxy_conf(port, cert, key, upstream)
    )
}

/// Start nginx terminating TLS with `cert` on 127.0.0.1:`port` (chosen before the relay, whose
/// `public_url` names it) and forwarding to a relay on 127.0.0.1:`upstream`.
pub fn start(cert: &TestCert, port: u16, upstream: u16) -> Nginx {
    Nginx::start_conf(
        NginxSite::RelayProxy,
        cert,
        Some(port),
        |port, dir, cert, key| nginx_conf(port, dir, cert, key, upstream),
    )
}
