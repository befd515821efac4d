//! The comparison section of real lab reports (crates/rdpcheck-words/tests/fixtures), held
//! still by snapshots in src/snapshots/. After a deliberate change: `UPDATE_EXPECT=1 cargo
//! test -p rdpcheck-cli`, then read the diff.
use expect_test::expect_file;
use rdpcheck_report::{RelayFailure, RelaySide, Report, VantageDocument};

fn fixture(name: &str) -> Report {
    let text = match name {
        "closes-after-request" => {
            include_str!("../../../rdpcheck-words/tests/fixtures/closes-after-request.json")
        }
        "xrdp-negotiate" => {
            include_str!("../../../rdpcheck-words/tests/fixtures/xrdp-negotiate.json")
        }
        "gateway-live" => include_str!("../../../rdpcheck-words/tests/fixtures/gateway-live.json"),
        "shadow-nla" => include_str!("../../../rdpcheck-words/tests/fixtures/shadow-nla.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).expect("a report")
}

fn doc(local: &str, relay: Option<&Report>) -> VantageDocument {
    let local = fixture(local);
    VantageDocument {
        schema: 1,
        vantage: relay.map(|r| rdpcheck_words::vantage::compare(&local, r)),
        local,
        relay: RelaySide {
            url: "wss://relay.example/api/v1/probe".into(),
            signed: relay.map(|r| rdpcheck_report::wire::SignedReport {
                report: serde_json::to_string(r).expect("json"),
                signature: "sig".into(),
                key_id: "k1".into(),
            }),
            redacted: None,
            public_key: None,
            error: relay.is_none().then(|| RelayFailure {
                code: "policy.denied".into(),
                message: "target: 127.0.0.1 is a loopback address. This relay's egress policy does not allow it".into(),
            }),
        },
        link: relay.map(|_| "https://relay.example/r#v2.AAAA".into()),
    }
}

macro_rules! snapshot {
    ($test:ident, $local:literal, $relay:expr, $file:literal) => {
        #[test]
        fn $test() {
            let relay: Option<Report> = $relay;
            let d = doc($local, relay.as_ref());
            expect_file![concat!("../snapshots/", $file)]
                .assert_eq(&super::section(&d, relay.as_ref()));
        }
    };
}

snapshot!(
    cut_here_healthy_there,
    "closes-after-request",
    Some(fixture("xrdp-negotiate")),
    "vantage-closes-after-request--xrdp-negotiate.txt"
);
snapshot!(
    gateway_timeline_wraps,
    "gateway-live",
    Some(fixture("shadow-nla")),
    "vantage-gateway-live--shadow-nla.txt"
);
snapshot!(
    relay_refused,
    "closes-after-request",
    None,
    "vantage-refused.txt"
);
