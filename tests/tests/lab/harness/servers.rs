//! xrdp's generated configuration, and the real servers answering a raw X.224 request as
//! documented, then leaving nothing behind in their process groups.

use std::time::Duration;

use rdpcheck_labtests::process::processes_in_group;
use rdpcheck_labtests::xrdp::{xrdp_ini, IniChanges};
use rdpcheck_labtests::{SecurityLayer, Shadow, ShadowSec, TestCert, Xrdp};
use rdpcheck_proto::x224::{self, protocol, FailureCode, Negotiation, Reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::negotiation;

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
