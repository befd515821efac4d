//! A real nginx (Debian package `nginx`) in the foreground on a free loopback port, serving HTTPS
//! with a lab certificate: the stand-in for an RD Gateway's front door. nginx cannot speak
//! MS-TSGU, but an unauthenticated `RDG_OUT_DATA` never gets past the HTTP answer, and that
//! answer (401 + `WWW-Authenticate`, 404, a redirect, a plain web page) is exactly what nginx
//! is configured to give here.
//!
//! Also the gateway certificates the lab needs beyond [`TestCa::issue_leaf`]: an expired leaf and
//! a leaf for another name, both signed by the lab CA (a self-signed CA:TRUE certificate would be
//! refused as "CA used as end entity", not for the reason under test).

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rcgen::{date_time_ymd, Issuer, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tempfile::TempDir;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;

use crate::certs::{rsa_key_pem, server_leaf_params, TestCa, TestCert};
use crate::loopback::LoopbackServer;
use crate::process::{free_port, require_binary, try_wait_for_port, ServerProcess, START_ATTEMPTS};

/// What the HTTPS site answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NginxSite {
    /// An ordinary web site: `location /` answers 200 "hello" to every method and path.
    PlainWeb,
    /// Looks like a live RD Gateway to an unauthenticated client: `/remoteDesktopGateway/`
    /// answers 401 with `WWW-Authenticate: Negotiate` and `WWW-Authenticate: NTLM`, `/rpc/`
    /// (the RPC-over-HTTP proxy) answers 401 with `Negotiate`.
    Gateway,
    /// A gateway whose HTTP transport is off: 404 everywhere, but `/rpc/` answers 401
    /// (`Negotiate`), so the RPC-over-HTTP fallback exists.
    NoHttpTransport,
    /// Every request is redirected: 301 to `https://elsewhere.example/`.
    Redirect,
    /// The relay's reverse proxy (relay/deploy/nginx.conf; `nginx_proxy.rs` writes its conf).
    RelayProxy,
}

/// Where [`NginxSite::Redirect`] sends clients.
pub const REDIRECT_TARGET: &str = "https://elsewhere.example/";

impl NginxSite {
    fn locations(self) -> &'static str {
        match self {
            NginxSite::PlainWeb => {
                r#"
        location / {
            default_type text/plain;
            return 200 "hello\n";
        }"#
            }
            NginxSite::Gateway => {
                r#"
        location /remoteDesktopGateway/ {
            add_header WWW-Authenticate "Negotiate" always;
            add_header WWW-Authenticate "NTLM" always;
            return 401;
        }
        location /rpc/ {
            add_header WWW-Authenticate "Negotiate" always;
            return 401;
        }
        location / {
            return 404;
        }"#
            }
            NginxSite::NoHttpTransport => {
                r#"
        location /rpc/ {
            add_header WWW-Authenticate "Negotiate" always;
            return 401;
        }
        location / {
            return 404;
        }"#
            }
            // Its whole conf comes from nginx_proxy.rs, not from nginx_conf.
            NginxSite::RelayProxy => "",
            NginxSite::Redirect => {
                r#"
        location / {
            return 301 https://elsewhere.example/;
        }"#
            }
        }
    }
}

/// The whole nginx.conf for `site` on 127.0.0.1:`port`, everything under `dir`.
pub fn nginx_conf(site: NginxSite, port: u16, dir: &Path, cert: &Path, key: &Path) -> String {
    let d = dir.display();
    format!(
        r#"daemon off;
master_process on;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;

events {{
    worker_connections 64;
}}

http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server_tokens on;

    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
{locations}
    }}
}}
"#,
        cert = cert.display(),
        key = key.display(),
        locations = site.locations(),
    )
}

/// A running `nginx` (master + one worker) with its own prefix, config, pid file, temp paths and
/// logs in a scratch directory. Killed (whole process group) on drop.
#[derive(Debug)]
pub struct Nginx {
    // Field order matters: the process goes before its scratch dir.
    process: ServerProcess,
    pub port: u16,
    pub site: NginxSite,
    dir: TempDir,
}

impl Nginx {
    /// Start nginx serving `site` over HTTPS with `cert` on 127.0.0.1; returns once the port
    /// accepts connections. Panics (naming the apt package) when nginx is not installed.
    pub fn start(site: NginxSite, cert: &TestCert) -> Nginx {
        Nginx::start_conf(site, cert, None, |port, dir, cert, key| {
            nginx_conf(site, port, dir, cert, key)
        })
    }

    /// Start nginx with the nginx.conf `conf(port, scratch dir, cert path, key path)` writes, on
    /// `port` or else a free port (retried); `site` is only recorded.
    pub fn start_conf(
        site: NginxSite,
        cert: &TestCert,
        port: Option<u16>,
        conf: impl Fn(u16, &Path, &Path, &Path) -> String,
    ) -> Nginx {
        let binary = require_binary("nginx", "nginx");
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-nginx-")
            .tempdir()
            .expect("scratch dir");
        let (cert_path, key_path) = cert.write_pem(dir.path());
        let conf_path = dir.path().join("nginx.conf");
        let mut last_error = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = port.unwrap_or_else(free_port);
            let text = conf(port, dir.path(), &cert_path, &key_path);
            std::fs::write(&conf_path, text).expect("write nginx.conf");
            let mut cmd = Command::new(&binary);
            // -e: the startup error log, before the config is read (the default is under
            // /var/log/nginx); -p: the prefix for relative paths.
            cmd.arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&conf_path)
                .arg("-e")
                .arg(dir.path().join("error.log"))
                .current_dir(dir.path());
            let stdout_log = dir.path().join(format!("stdout-{attempt}.log"));
            let mut process = ServerProcess::spawn("nginx", cmd, &stdout_log);
            match try_wait_for_port(port, Duration::from_secs(5), &mut process) {
                Ok(()) => {
                    return Nginx {
                        process,
                        port,
                        site,
                        dir,
                    }
                }
                Err(why) => {
                    let error_log =
                        std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
                    last_error = format!("{why}\nerror.log:\n{error_log}");
                    eprintln!("nginx start attempt {attempt} on port {port} failed: {last_error}");
                }
            }
        }
        panic!("nginx did not start in {START_ATTEMPTS} attempts; last error: {last_error}");
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The nginx.conf this server runs with.
    pub fn conf(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("nginx.conf")).unwrap_or_default()
    }

    /// error.log, access.log and stdout/stderr, for assertion messages.
    pub fn logs(&self) -> String {
        let read =
            |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        format!(
            "--- error.log ---\n{}\n--- access.log ---\n{}\n--- stdout/stderr ---\n{}",
            read("error.log"),
            read("access.log"),
            self.process.output()
        )
    }

    /// Panic (with nginx's output) if the master has exited.
    pub fn assert_running(&mut self) {
        self.process.assert_running();
    }
}

/// One RSA key for every gateway leaf of this test process (generating one takes ~0.3 s).
fn gateway_leaf_key_pem() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(rsa_key_pem)
}

/// Which names a gateway leaf carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafNames {
    /// DNS:localhost + IP:127.0.0.1 (what the gateway tests connect to).
    Loopback,
    /// Only DNS:other.example: valid and trusted, but not for localhost or 127.0.0.1.
    OtherExample,
}

/// A server-auth leaf signed by `ca` with `names`, valid `not_before` .. `not_after`.
///
/// The issuer is taken from the CA's own certificate (so it matches whatever subject the CA
/// has); the CA's key is its `key_pem`.
pub fn issue_gateway_leaf(
    ca: &TestCa,
    names: LeafNames,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> TestCert {
    let params = match names {
        LeafNames::Loopback => server_leaf_params(
            "localhost",
            true,
            "rdp-gateway.localhost",
            not_before,
            not_after,
        ),
        LeafNames::OtherExample => server_leaf_params(
            "other.example",
            false,
            "other.example",
            not_before,
            not_after,
        ),
    };
    let ca_key = KeyPair::from_pem(&ca.cert.key_pem).expect("rcgen reads the CA key");
    let issuer =
        Issuer::from_ca_cert_pem(&ca.cert.cert_pem, ca_key).expect("rcgen reads the CA cert");
    let key_pem = gateway_leaf_key_pem();
    let key = KeyPair::from_pem(key_pem).expect("rcgen reads the leaf key");
    let cert = params.signed_by(&key, &issuer).expect("sign gateway leaf");
    TestCert::from_parts(cert, key_pem)
}

/// A leaf for localhost + 127.0.0.1 signed by `ca`, valid only 2020-01-01 .. 2020-02-01.
pub fn expired_leaf(ca: &TestCa) -> TestCert {
    issue_gateway_leaf(
        ca,
        LeafNames::Loopback,
        date_time_ymd(2020, 1, 1),
        date_time_ymd(2020, 2, 1),
    )
}

/// A current leaf signed by `ca` that names only `other.example`.
pub fn wrong_name_leaf(ca: &TestCa) -> TestCert {
    let now = OffsetDateTime::now_utc();
    issue_gateway_leaf(
        ca,
        LeafNames::OtherExample,
        now - time::Duration::days(1),
        now + time::Duration::days(365),
    )
}

/// A **fake** gateway front door, not nginx: an in-process tokio-rustls server on 127.0.0.1 that
/// completes the TLS handshake with `cert`, reads the first bytes of the HTTP request, then
/// closes the connection without answering — what an RD Gateway does to a request it rejects
/// before HTTP, and what no nginx configuration here produces (`return 444` sends a TCP close
/// too, but only after nginx parsed a whole request; this closes on the first read).
#[derive(Debug)]
pub struct ClosingTlsServer {
    pub port: u16,
    server: LoopbackServer,
}

impl ClosingTlsServer {
    /// Bind 127.0.0.1:0 and serve on the current tokio runtime.
    pub async fn start(cert: &TestCert) -> ClosingTlsServer {
        let certs = vec![CertificateDer::from(cert.der.clone())];
        let key = PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes())
            .expect("rustls reads the leaf key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let server = LoopbackServer::spawn("closing TLS server", move |stream| {
            let acceptor = acceptor.clone();
            async move {
                let handshake =
                    tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream));
                if let Ok(Ok(mut tls)) = handshake.await {
                    let mut buf = [0u8; 4096];
                    let _ = tokio::time::timeout(Duration::from_secs(10), tls.read(&mut buf)).await;
                    // Drop without an answer: close_notify, then FIN.
                    let _ = tls.shutdown().await;
                }
            }
        })
        .await;
        ClosingTlsServer {
            port: server.port,
            server,
        }
    }

    /// How many TCP connections were accepted so far.
    pub fn accepted(&self) -> usize {
        self.server.accepted()
    }
}
