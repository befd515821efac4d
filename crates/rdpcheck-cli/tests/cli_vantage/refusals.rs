//! A relay that cannot check: the local check prints as without --relay, followed by why. The
//! exit code stays the local verdict's. Loopback only: a relay never probes loopback
//! (policy.denied), which is what these tests lean on.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use rdpcheck_labtests::{free_port, process::closed_port, TestCa};
use rdpcheck_report::VantageDocument;

use crate::lab::{rdpcheck, Relay};

const TOKEN: &str = "vantage-test-token-0123456789";

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
}

#[test]
fn a_refusing_relay_leaves_the_local_check_standing() {
    let dir = tempfile::tempdir().expect("scratch dir");
    std::fs::write(dir.path().join("tokens"), format!("{TOKEN}\n")).expect("token file");
    let tokens = dir.path().join("tokens").to_string_lossy().into_owned();
    let relay = Relay::start_in(
        dir,
        None,
        loopback(free_port()),
        &["--auth", "token", "--token-file", &tokens],
    );
    let url = format!("http://{}", relay.addr);
    let target = format!("127.0.0.1:{}", closed_port());
    let probe = [
        "probe",
        target.as_str(),
        "--relay",
        url.as_str(),
        "--no-udp",
        "--samples",
        "1",
    ];

    // No token: auth.required, after the whole local report.
    let run = rdpcheck(None, &probe, &[]);
    assert_eq!(run.code, Some(1), "a refused port is a problem: {run:?}");
    assert!(
        run.stdout
            .contains("Verdict: PROBLEM — A client would fail at the tcp stage"),
        "{}",
        run.stdout
    );
    let tail = run
        .stdout
        .split("\nTwo vantage points — ")
        .nth(1)
        .unwrap_or_else(|| {
            panic!(
                "no comparison section:\n{}\nrelay:\n{}",
                run.stdout,
                relay.output()
            )
        });
    assert!(
        tail.contains("The relay could not check this target: ")
            && tail.contains("(auth.required)"),
        "{tail}"
    );

    // The token from the environment: accepted, and then the egress policy refuses the target.
    let run = rdpcheck(
        None,
        &[&probe[..], &["--json"]].concat(),
        &[("RDPCHECK_RELAY_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    let doc: VantageDocument = serde_json::from_value(run.json()).expect("a vantage document");
    let error = doc.relay.error.as_ref().expect("the relay refused");
    assert_eq!(error.code, "policy.denied", "{error:?}");
    assert!(error.message.contains("egress policy"), "{}", error.message);
    assert!(doc.vantage.is_none() && doc.link.is_none() && doc.relay.signed.is_none());
    assert_eq!(doc.local.verdict.codes[0].to_string(), "tcp.refused");
    assert_eq!(doc.relay.url, format!("ws://{}/api/v1/probe", relay.addr));

    // The same with --relay-token on the command line, and a share link for the local report
    // alone (v1, unsigned), as without --relay.
    let run = rdpcheck(
        None,
        &[
            &probe[..],
            &[
                "--relay-token",
                TOKEN,
                "--share-link",
                "https://page.example",
            ],
        ]
        .concat(),
        &[],
    );
    assert!(run.stdout.contains("(policy.denied)"), "{}", run.stdout);
    let link = run
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("https://page.example/r#"))
        .unwrap_or_else(|| panic!("no local share link:\n{}", run.stdout));
    let signed = rdpcheck_report::share::decode(link).expect("a v1 link");
    assert_eq!(signed.key_id, "unsigned");
}

#[test]
fn no_relay_and_bad_relay_urls() {
    let target = format!("127.0.0.1:{}", closed_port());
    // Nothing listens: relay.unreachable, and the local check still prints.
    let url = format!("http://127.0.0.1:{}", closed_port());
    let run = rdpcheck(
        None,
        &["probe", &target, "--relay", &url, "--no-udp", "--json"],
        &[],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    let doc: VantageDocument = serde_json::from_value(run.json()).expect("a vantage document");
    assert_eq!(
        doc.relay.error.as_ref().map(|e| e.code.as_str()),
        Some("relay.unreachable")
    );
    // A URL that is not one: bad usage, nothing probed.
    for bad in [
        "ftp://relay.example",
        "relay.example",
        "https://user@relay.example",
    ] {
        let run = rdpcheck(None, &["probe", &target, "--relay", bad], &[]);
        assert_eq!(run.code, Some(2), "{bad}: {run:?}");
        assert!(run.stderr.contains("--relay"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn an_https_relay_is_trusted_only_with_its_ca() {
    let ca = TestCa::new();
    let leaf = ca.issue_leaf();
    let dir = tempfile::tempdir().expect("scratch dir");
    let (cert, key) = leaf.write_pem(dir.path());
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca.cert.cert_pem).expect("CA file");
    let (cert, key, ca_file) = (
        cert.to_string_lossy().into_owned(),
        key.to_string_lossy().into_owned(),
        ca_file.to_string_lossy().into_owned(),
    );
    let relay = Relay::start_in(
        dir,
        None,
        loopback(free_port()),
        &["--tls-cert", &cert, "--tls-key", &key],
    );
    let url = format!("https://localhost:{}", relay.addr.port());
    let target = format!("127.0.0.1:{}", closed_port());
    let probe = [
        "probe",
        target.as_str(),
        "--relay",
        url.as_str(),
        "--no-udp",
        "--json",
    ];

    // Its CA is not trusted: the relay cannot be reached (TLS), nothing is compared.
    let run = rdpcheck(None, &probe, &[]);
    let doc: VantageDocument = serde_json::from_value(run.json()).expect("a vantage document");
    let error = doc.relay.error.as_ref().expect("refused");
    assert_eq!(error.code, "relay.unreachable", "{error:?}");
    assert!(
        error.message.contains("TLS: invalid peer certificate"),
        "{}",
        error.message
    );

    // With --relay-ca-file the key and the WebSocket go over TLS; the relay then refuses the
    // target (its port, or loopback).
    let run = rdpcheck(
        None,
        &[&probe[..], &["--relay-ca-file", &ca_file]].concat(),
        &[],
    );
    let doc: VantageDocument = serde_json::from_value(run.json()).expect("a vantage document");
    let error = doc.relay.error.as_ref().expect("refused");
    assert_eq!(
        error.code,
        "policy.denied",
        "{error:?}\nrelay:\n{}",
        relay.output()
    );
    assert_eq!(
        doc.relay.url,
        format!("wss://localhost:{}/api/v1/probe", relay.addr.port())
    );
}
