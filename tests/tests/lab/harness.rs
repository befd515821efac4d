//! Self-checks of the lab harness itself (they do not need the engine): certificates, servers
//! answering a raw X.224 request, process-group teardown, and each fault mode on the wire.

use std::io::ErrorKind;
use std::process::Command;
use std::time::Duration;

use rdpcheck_labtests::certs::thumbprint;
use rdpcheck_labtests::fault::{
    confirm_selecting, tls_alert, GARBAGE, HTTP_400, LEGACY_CONFIRM, PARTIAL_TLS_RECORD,
};
use rdpcheck_labtests::process::processes_in_group;
use rdpcheck_labtests::xrdp::{xrdp_ini, IniChanges};
use rdpcheck_labtests::{
    Fault, FaultServer, SecurityLayer, Shadow, ShadowSec, TestCa, TestCert, Xrdp,
};
use rdpcheck_proto::x224::{self, protocol, FailureCode, Negotiation, Reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn openssl_fingerprint(cert: &TestCert) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_path, _) = cert.write_pem(dir.path());
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&cert_path)
        .output()
        .expect("openssl x509");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.trim()
        .rsplit_once('=')
        .map(|(_, f)| f.to_string())
        .unwrap_or(text)
}

#[test]
fn certificates_match_openssl() {
    let cert = TestCert::self_signed();
    assert_eq!(cert.sha256, thumbprint(&cert.der));
    assert_eq!(cert.sha256, openssl_fingerprint(&cert));
    assert_eq!(cert.sha256.len(), 32 * 3 - 1);

    let expired = TestCert::expired();
    assert_eq!(expired.sha256, openssl_fingerprint(&expired));
    assert_ne!(expired.sha256, cert.sha256);
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, _) = expired.write_pem(dir.path());
    let out = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-enddate",
            "-subject",
            "-ext",
            "subjectAltName",
            "-in",
        ])
        .arg(&path)
        .output()
        .expect("openssl x509");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("notAfter=Feb  1 00:00:00 2020 GMT"), "{text}");
    assert!(text.contains("CN = rdp-lab.localhost"), "{text}");
    assert!(
        text.contains("DNS:localhost") && text.contains("IP Address:127.0.0.1"),
        "{text}"
    );

    let ca = TestCa::new();
    let leaf = ca.issue_leaf();
    let (ca_path, _) = ca.cert.write_as(dir.path(), "ca.pem", "ca.key");
    let (leaf_path, _) = leaf.write_as(dir.path(), "leaf.pem", "leaf.key");
    let out = Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(&ca_path)
        .arg(&leaf_path)
        .output()
        .expect("openssl verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn openssl_fixtures_are_weak_as_named() {
    let text_of = |cert: &TestCert| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, _) = cert.write_pem(dir.path());
        let out = Command::new("openssl")
            .args(["x509", "-noout", "-text", "-in"])
            .arg(&path)
            .output()
            .expect("openssl x509");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let weak = TestCert::rsa_1024();
    assert_eq!(weak.sha256, openssl_fingerprint(&weak));
    let text = text_of(&weak);
    assert!(text.contains("Public-Key: (1024 bit)"), "{text}");
    assert!(text.contains("sha256WithRSAEncryption"), "{text}");
    assert!(text.contains("CN = rdp-lab.localhost"), "{text}");

    let sha1 = TestCert::sha1_signed();
    assert_eq!(sha1.sha256, openssl_fingerprint(&sha1));
    let text = text_of(&sha1);
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(
        text.contains("Signature Algorithm: sha1WithRSAEncryption"),
        "{text}"
    );
    assert!(
        text.contains("DNS:localhost") && text.contains("IP Address:127.0.0.1"),
        "{text}"
    );
}

#[test]
fn xrdp_ini_extra_settings_land_in_globals() {
    // The shape of Debian's xrdp.ini: logging settings live in [Logging].
    let system = "[Globals]\n; comment\nport=3389\nsecurity_layer=negotiate\ncertificate=\n\
                  key_file=\nssl_protocols=TLSv1.2, TLSv1.3\n#tls_ciphers=HIGH\n\n\
                  [Logging]\nLogFile=xrdp.log\nLogLevel=DEBUG\nEnableSyslog=true\n\
                  [Xorg]\nport=-1\ntls_ciphers=keep\n";
    let extra = [
        ("ssl_protocols", "TLSv1"),
        ("tls_ciphers", "ALL:@SECLEVEL=0"),
        ("new_key", "1"),
    ];
    let ini = xrdp_ini(
        system,
        &IniChanges {
            listen: "tcp6://{::1}:4000",
            layer: SecurityLayer::Tls,
            cert: "/c.pem",
            key: "/k.pem",
            log: "/x.log",
            extra: &extra,
        },
    );
    let globals = ini.split("[Logging]").next().expect("globals");
    let rest = ini.split("[Logging]").nth(1).expect("rest");
    for line in [
        "port=tcp6://{::1}:4000",
        "security_layer=tls",
        "certificate=/c.pem",
        "key_file=/k.pem",
        "ssl_protocols=TLSv1",
        "#tls_ciphers=HIGH",
        "tls_ciphers=ALL:@SECLEVEL=0",
        "new_key=1",
    ] {
        assert_eq!(
            globals.lines().filter(|l| *l == line).count(),
            1,
            "{line:?} once in [Globals]:\n{ini}"
        );
    }
    assert!(!globals.contains("TLSv1.2"), "{ini}");
    for line in ["LogFile=/x.log", "LogLevel=INFO", "EnableSyslog=false"] {
        assert!(
            rest.lines().any(|l| l == line),
            "{line:?} in [Logging]:\n{ini}"
        );
    }
    // Other sections keep their own settings and get no extras.
    assert!(
        rest.contains("tls_ciphers=keep") && rest.contains("port=-1"),
        "{ini}"
    );
    assert!(
        !rest.contains("new_key") && !rest.contains("SECLEVEL"),
        "{ini}"
    );
}

/// Send a CR asking for `requested` and decode the reply.
async fn negotiate(port: u16, requested: u32) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    s.write_all(&x224::connection_request(Some("lab"), Some(requested)))
        .await
        .expect("send CR");
    let mut header = [0u8; 4];
    tokio::time::timeout(Duration::from_secs(5), s.read_exact(&mut header))
        .await
        .expect("CC in time")
        .expect("read CC header");
    let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
    let mut frame = header.to_vec();
    frame.resize(len, 0);
    s.read_exact(&mut frame[4..]).await.expect("read CC");
    x224::decode_reply(&frame).expect("decode CC")
}

fn negotiation(reply: Reply) -> Negotiation {
    match reply {
        Reply::Confirm { negotiation, .. } => negotiation,
        other => panic!("expected a Connection Confirm, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_answers_and_its_whole_group_is_killed() {
    let cert = TestCert::self_signed();
    let server = Xrdp::start(SecurityLayer::Negotiate, &cert);
    let pgid = server.pid();
    assert!(matches!(
        negotiation(negotiate(server.port, protocol::SSL | protocol::HYBRID).await),
        Negotiation::Selected {
            selected: protocol::SSL,
            ..
        }
    ));
    assert!(matches!(
        negotiation(negotiate(server.port, protocol::HYBRID).await),
        Negotiation::Selected {
            selected: protocol::RDP,
            ..
        }
    ));
    // A silent client leaves an xrdp child waiting (it ignores SIGTERM).
    let idle = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .expect("connect");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = processes_in_group(pgid);
    assert!(
        before.len() >= 2,
        "expected the listener and a connection child, got {before:?}\n{}",
        server.logs()
    );
    drop(server);
    drop(idle);
    let after = processes_in_group(pgid);
    assert!(after.is_empty(), "left in process group {pgid}: {after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls_and_rdp_variants_answer_as_documented() {
    let cert = TestCert::self_signed();
    let tls = Xrdp::start(SecurityLayer::Tls, &cert);
    assert_eq!(
        negotiation(negotiate(tls.port, protocol::RDP).await),
        Negotiation::Failure(FailureCode::SslRequired)
    );
    let rdp = Xrdp::start(SecurityLayer::Rdp, &cert);
    assert!(matches!(
        negotiation(negotiate(rdp.port, protocol::SSL).await),
        Negotiation::Selected {
            selected: protocol::RDP,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_nla_and_tls_answer_as_documented() {
    let nla = Shadow::start(ShadowSec::Nla);
    let tls = Shadow::start(ShadowSec::Tls);
    assert!(matches!(
        negotiation(negotiate(nla.port, protocol::SSL | protocol::HYBRID).await),
        Negotiation::Selected {
            selected: protocol::HYBRID,
            ..
        }
    ));
    assert_eq!(
        negotiation(negotiate(nla.port, protocol::SSL).await),
        Negotiation::Failure(FailureCode::HybridRequired)
    );
    assert!(matches!(
        negotiation(negotiate(tls.port, protocol::SSL | protocol::HYBRID).await),
        Negotiation::Selected {
            selected: protocol::SSL,
            ..
        }
    ));
    let pgid = nla.pid();
    drop(nla);
    assert!(processes_in_group(pgid).is_empty());
}

/// Connect, send a CR, return the stream.
async fn send_cr(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    s.write_all(&x224::connection_request(None, Some(protocol::SSL)))
        .await
        .expect("send CR");
    s
}

/// Read until EOF (Ok(bytes)) or error (Err(kind)), at most `limit`.
async fn read_all(s: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, ErrorKind> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    let res = tokio::time::timeout(limit, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return Err(e.kind()),
            }
        }
    })
    .await;
    match res {
        Ok(Ok(())) => Ok(out),
        Ok(Err(kind)) => Err(kind),
        Err(_) => Err(ErrorKind::TimedOut),
    }
}

/// A minimal TLS record standing in for a ClientHello (the server only frames it).
const FAKE_HELLO: [u8; 9] = [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_modes_on_the_wire() {
    let short = Duration::from_millis(500);

    let server = FaultServer::start(Fault::CloseAfterRequest).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Ok(vec![])
    );
    assert_eq!(server.accepted(), 1);

    let server = FaultServer::start(Fault::ResetAfterRequest).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Err(ErrorKind::ConnectionReset)
    );

    let server = FaultServer::start(Fault::Silent).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Err(ErrorKind::TimedOut)
    );

    let server = FaultServer::start(Fault::Garbage).await;
    let mut s = send_cr(server.port).await;
    let mut buf = [0u8; GARBAGE.len()];
    s.read_exact(&mut buf).await.expect("garbage");
    assert_eq!(buf, GARBAGE);

    let server = FaultServer::start(Fault::Http).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Ok(HTTP_400.to_vec())
    );

    let server = FaultServer::start(Fault::LegacyConfirm).await;
    let mut s = send_cr(server.port).await;
    let mut buf = [0u8; LEGACY_CONFIRM.len()];
    s.read_exact(&mut buf).await.expect("legacy CC");
    assert_eq!(
        negotiation(x224::decode_reply(&buf).expect("decode")),
        Negotiation::Legacy
    );

    for code in 1..=6u32 {
        let server = FaultServer::start(Fault::NegFailure(code)).await;
        let bytes = read_all(&mut send_cr(server.port).await, short)
            .await
            .expect("failure CC");
        assert_eq!(
            negotiation(x224::decode_reply(&bytes).expect("decode")),
            Negotiation::Failure(FailureCode::from_u32(code))
        );
    }

    let tls_cc = confirm_selecting(protocol::SSL);
    assert_eq!(
        negotiation(x224::decode_reply(&tls_cc).expect("decode")),
        Negotiation::Selected {
            selected: protocol::SSL,
            flags: 0
        }
    );
    for (fault, expect) in [
        (Fault::SelectTlsThenClose, Ok(vec![])),
        (Fault::SelectTlsThenReset, Err(ErrorKind::ConnectionReset)),
        (Fault::SelectTlsThenStall, Err(ErrorKind::TimedOut)),
        (Fault::SelectTlsThenAlert(40), Ok(tls_alert(40).to_vec())),
    ] {
        let server = FaultServer::start(fault).await;
        let mut s = send_cr(server.port).await;
        let mut cc = [0u8; 19];
        s.read_exact(&mut cc).await.expect("CC");
        assert_eq!(cc, tls_cc, "{fault:?}");
        s.write_all(&FAKE_HELLO).await.expect("hello");
        let got = read_all(&mut s, short).await;
        if fault == Fault::SelectTlsThenStall {
            // The partial record arrives, then nothing.
            let mut s2 = send_cr(server.port).await;
            let mut buf = [0u8; 19 + PARTIAL_TLS_RECORD.len()];
            s2.write_all(&FAKE_HELLO).await.expect("hello");
            s2.read_exact(&mut buf).await.expect("partial record");
            assert_eq!(&buf[19..], PARTIAL_TLS_RECORD);
        }
        assert_eq!(got, expect, "{fault:?}");
    }

    let server = FaultServer::start(Fault::Trickle).await;
    let mut s = send_cr(server.port).await;
    let mut buf = [0u8; 19];
    let n = tokio::time::timeout(Duration::from_millis(1500), s.read(&mut buf))
        .await
        .expect("first byte")
        .expect("read");
    assert_eq!(n, 1, "trickle sends one byte at a time");
}
