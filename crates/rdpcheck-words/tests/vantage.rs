//! The two-vantage comparison (`rdpcheck_words::vantage`): exhaustive over synthetic pairs made
//! from real lab reports (tests/fixtures/), and the wording of real pairs held still by
//! snapshots (tests/snapshots/vantage-*.txt; after a deliberate change: `UPDATE_EXPECT=1 cargo
//! test -p rdpcheck-words`, then read the diff).
//! Over the ~400-line rule on purpose: a test corpus, one case per pair of sides.

use expect_test::expect_file;
use rdpcheck_report::{
    CodeFamily, Finding, FindingCode, Plain, Report, Severity, Stage, StageStatus, UdpReport,
    Vantage, VantageKind, VerdictStatus,
};
use rdpcheck_words::vantage::{compare, compare_as, headline, Viewer};

fn fixture(name: &str) -> Report {
    let text = match name {
        "xrdp-negotiate" => include_str!("fixtures/xrdp-negotiate.json"),
        "xrdp-rdp-only" => include_str!("fixtures/xrdp-rdp-only.json"),
        "xrdp-expired-cert" => include_str!("fixtures/xrdp-expired-cert.json"),
        "xrdp-tls10-only" => include_str!("fixtures/xrdp-tls10-only.json"),
        "shadow-nla" => include_str!("fixtures/shadow-nla.json"),
        "closes-after-request" => include_str!("fixtures/closes-after-request.json"),
        "gateway-live" => include_str!("fixtures/gateway-live.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).expect("a report")
}

const FIXTURES: [&str; 7] = [
    "xrdp-negotiate",
    "xrdp-rdp-only",
    "xrdp-expired-cert",
    "xrdp-tls10-only",
    "shadow-nla",
    "closes-after-request",
    "gateway-live",
];

/// A healthy report with NLA (every direct stage passes) and UDP answered as closed.
fn healthy() -> Report {
    fixture("shadow-nla")
}

/// `base` failing at `stage` with `code`: the stage fails, the rest of its part is skipped, the
/// verdict names it.
fn failing(mut base: Report, stage: Stage, code: FindingCode) -> Report {
    let rest = stage.rest_of_part();
    for s in &mut base.stages {
        if s.name == stage {
            s.status = StageStatus::Fail;
            s.summary = format!("{code}");
        } else if rest.contains(&s.name) {
            s.status = StageStatus::Skip;
            s.summary = "not run: an earlier stage failed".into();
        }
    }
    base.findings.retain(|f| {
        f.code
            .stage()
            .is_none_or(|s| s != stage && !rest.contains(&s))
    });
    base.findings.push(Finding {
        code,
        severity: Severity::Fail,
        summary: format!("{code}"),
        evidence: String::new(),
    });
    base.verdict.status = VerdictStatus::Problem;
    base.verdict.stage = Some(stage);
    base.verdict.codes = vec![code];
    base
}

/// Every code that can end a stage, with that stage (the families by one member each, and the
/// info-only UDP codes left out: UDP never fails).
fn failure_codes() -> Vec<(Stage, FindingCode)> {
    let mut out: Vec<(Stage, FindingCode)> = FindingCode::all()
        .into_iter()
        .filter(|c| c.family().is_none())
        .filter_map(|c| c.stage().map(|s| (s, c)))
        .filter(|(s, _)| *s != Stage::Udp)
        .collect();
    out.push((Stage::Tls, FindingCode::TlsAlert(40)));
    out.push((
        Stage::X224,
        FindingCode::NegFailure(rdpcheck_report::NegFailure::HybridRequired),
    ));
    assert!(CodeFamily::ALL.len() == 2);
    out
}

fn with_gateway(mut r: Report) -> Report {
    let g = fixture("gateway-live");
    let mut stages: Vec<_> = g
        .stages
        .iter()
        .filter(|s| s.name.part() == rdpcheck_report::LadderPart::Gateway)
        .cloned()
        .collect();
    stages.append(&mut r.stages);
    r.stages = stages;
    r.gateway = g.gateway.clone();
    r
}

fn direct_only(mut r: Report) -> Report {
    r.stages.retain(|s| s.name != Stage::Udp);
    r.udp = None;
    r
}

#[test]
fn a_failure_on_one_side_only_diverges_at_its_stage() {
    let ok = healthy();
    for (stage, code) in failure_codes() {
        let (ok, bad) = if stage.part() == rdpcheck_report::LadderPart::Gateway {
            (with_gateway(ok.clone()), with_gateway(ok.clone()))
        } else {
            (ok.clone(), ok.clone())
        };
        let bad = failing(bad, stage, code);
        let v = compare(&bad, &ok);
        assert_eq!(v.diverges_at, Some(stage), "{code}: {v:#?}");
        assert_eq!(v.kind, VantageKind::LocalFails, "{code}");
        assert!(
            v.meaning.starts_with("The host is fine from the relay; "),
            "{code}: {}",
            v.meaning
        );
        assert!(v.meaning.contains("this computer"), "{code}: {}", v.meaning);
        let marked: Vec<Stage> = v
            .stages
            .iter()
            .filter(|p| p.diverges)
            .map(|p| p.stage)
            .collect();
        assert_eq!(marked, [stage], "{code}");

        let v = compare(&ok, &bad);
        assert_eq!(v.diverges_at, Some(stage), "{code}");
        assert_eq!(v.kind, VantageKind::RelayFails, "{code}");
        assert!(
            v.meaning
                .starts_with("The host is fine from this computer; "),
            "{code}: {}",
            v.meaning
        );
        assert!(
            v.meaning
                .contains("this computer's check is the one that counts"),
            "{code}: {}",
            v.meaning
        );

        let v = compare(&bad, &bad);
        assert_eq!(v.diverges_at, None, "{code}");
        assert_eq!(v.kind, VantageKind::SameFailure, "{code}");
        assert!(
            v.meaning
                .contains(&format!("at the {stage} stage ({code})")),
            "{}",
            v.meaning
        );
        assert!(v.meaning.contains("not the path"), "{}", v.meaning);
    }
}

#[test]
fn failures_of_different_kinds_at_one_stage_diverge_there() {
    let codes = failure_codes();
    for (stage, a) in &codes {
        for (other, b) in &codes {
            if stage != other || a == b || stage.part() == rdpcheck_report::LadderPart::Gateway {
                continue;
            }
            let local = failing(healthy(), *stage, *a);
            let relay = failing(healthy(), *stage, *b);
            let v = compare(&local, &relay);
            let alike = [
                [Plain::X224Closed, Plain::X224Reset],
                [Plain::X224Silent, Plain::X224Stalled],
                [Plain::TlsClosedAfterHello, Plain::TlsReset],
                [Plain::DnsNxdomain, Plain::DnsNoAnswer],
            ]
            .iter()
            .any(|pair| pair.contains(&plain(*a)) && pair.contains(&plain(*b)));
            if alike {
                assert_eq!(v.kind, VantageKind::SameFailure, "{a} / {b}");
                assert_eq!(v.diverges_at, None);
            } else {
                assert_eq!(v.kind, VantageKind::BothFailDifferently, "{a} / {b}");
                assert_eq!(v.diverges_at, Some(*stage));
                assert!(
                    v.meaning
                        .contains(&format!("this computer: {a}; the relay: {b}")),
                    "{}",
                    v.meaning
                );
            }
        }
    }
}

fn plain(c: FindingCode) -> Plain {
    match c {
        FindingCode::Plain(p) => p,
        _ => Plain::ProbeTimeout,
    }
}

#[test]
fn the_earlier_failure_decides_and_the_other_side_is_said_to_get_further() {
    let local = failing(healthy(), Stage::X224, Plain::X224Closed.into());
    let relay = failing(healthy(), Stage::Tls, Plain::TlsStalled.into());
    let v = compare(&local, &relay);
    assert_eq!(v.diverges_at, Some(Stage::X224));
    assert_eq!(v.kind, VantageKind::LocalFails);
    assert_eq!(
        v.meaning,
        "From the relay the check gets further (a client there would fail later, at the tls \
         stage); from this computer the connection is cut after the RDP request: something \
         between this computer and the host — a VPN, a firewall, security software — ends it."
    );
    let v = compare(&relay, &local);
    assert_eq!(v.kind, VantageKind::RelayFails);
    assert!(
        v.meaning
            .starts_with("From this computer the check gets further"),
        "{}",
        v.meaning
    );
}

#[test]
fn two_healthy_sides_agree_and_point_at_the_client() {
    for name in ["xrdp-negotiate", "shadow-nla", "xrdp-rdp-only"] {
        let r = fixture(name);
        let v = compare(&r, &r);
        assert_eq!(v.kind, VantageKind::BothHealthy, "{name}");
        assert_eq!(v.diverges_at, None);
        assert!(v.meaning.contains("credentials"), "{}", v.meaning);
        assert_eq!(v.same_addresses, Some(true));
        assert!(v.notes.is_empty(), "{name}: {:?}", v.notes);
    }
}

#[test]
fn another_certificate_protocol_or_computer_is_a_different_answer() {
    let base = healthy();
    let mut other = base.clone();
    if let Some(c) = other.tls.as_mut().and_then(|t| t.certificate.as_mut()) {
        c.sha256 = "00:11:22:33:44".into();
    }
    let v = compare(&base, &other);
    assert_eq!(v.kind, VantageKind::DifferentAnswer);
    assert_eq!(v.diverges_at, Some(Stage::Tls));
    assert_eq!(v.same_certificate, Some(false));
    assert!(v.meaning.contains("TLS interception"), "{}", v.meaning);

    let mut other = base.clone();
    for s in &mut other.stages {
        if s.name == Stage::X224 {
            s.details.insert("selected".into(), "tls".into());
        }
    }
    let v = compare(&base, &other);
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::DifferentAnswer, Some(Stage::X224))
    );
    assert_eq!(v.same_protocol, Some(false));
    assert!(
        v.meaning
            .contains("selects nla for this computer and tls for the relay"),
        "{}",
        v.meaning
    );

    let mut other = base.clone();
    if let Some(n) = other.nla.as_mut() {
        n.netbios_computer = Some("OTHER".into());
    }
    let v = compare(&base, &other);
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::DifferentAnswer, Some(Stage::Nla))
    );
    assert_eq!(v.same_identity, Some(false));
    assert!(
        v.meaning
            .contains("this computer: VM\\VM; the relay: VM\\OTHER"),
        "{}",
        v.meaning
    );
    // A redacted report has pseudonyms for names: they are not compared.
    other.redacted = true;
    let v = compare(&base, &other);
    assert_eq!(v.kind, VantageKind::BothHealthy);
    assert_eq!((v.same_identity, v.same_addresses), (None, None));
    assert!(
        v.notes.iter().any(|n| n.contains("redacted")),
        "{:?}",
        v.notes
    );

    let negotiate = fixture("xrdp-negotiate");
    let mut other = negotiate.clone();
    if let Some(l) = other.security_layers.as_mut() {
        l.rdp.accepted = false;
    }
    let v = compare(&negotiate, &other);
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::DifferentAnswer, Some(Stage::SecurityLayers))
    );
    assert!(
        v.meaning
            .contains("(this computer: rdp, tls; the relay: tls)"),
        "{}",
        v.meaning
    );
}

#[test]
fn a_different_answer_names_a_later_local_failure_too() {
    let base = healthy();
    let mut other = failing(base.clone(), Stage::Nla, Plain::NlaNoChallenge.into());
    if let Some(c) = other.tls.as_mut().and_then(|t| t.certificate.as_mut()) {
        c.sha256 = "00:11:22:33:44".into();
    }
    let v = compare(&other, &base);
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::DifferentAnswer, Some(Stage::Tls))
    );
    assert!(
        v.meaning
            .ends_with("From this computer a client would then fail at the nla stage."),
        "{}",
        v.meaning
    );
}

fn udp(mut r: Report, status: &str) -> Report {
    r.udp = Some(UdpReport {
        status: status.into(),
        port: 3389,
        tries: 1,
        rtt_ms: None,
        version: None,
        detail: String::new(),
    });
    r
}

#[test]
fn udp_answered_on_one_side_only_diverges_at_udp() {
    let open = udp(healthy(), "open");
    let closed = udp(healthy(), "closed");
    let v = compare(&closed, &open);
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::LocalFails, Some(Stage::Udp))
    );
    assert!(
        v.meaning.contains("UDP is dropped on the way"),
        "{}",
        v.meaning
    );
    let v = compare(&open, &closed);
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::RelayFails, Some(Stage::Udp))
    );
    // Neither gets UDP: nothing differs.
    let v = compare(&closed, &udp(healthy(), "inconclusive"));
    assert_eq!(v.kind, VantageKind::BothHealthy);
    // An earlier divergence decides; UDP becomes a note.
    let v = compare(
        &failing(closed, Stage::X224, Plain::X224Closed.into()),
        &open,
    );
    assert_eq!(v.diverges_at, Some(Stage::X224));
    assert!(
        v.notes
            .iter()
            .any(|n| n.contains("UDP 3389 answers the relay")),
        "{:?}",
        v.notes
    );
}

#[test]
fn a_stage_cut_by_the_deadline_ends_the_comparison() {
    let mut cut = healthy();
    for s in &mut cut.stages {
        if matches!(
            s.name,
            Stage::Tls | Stage::Nla | Stage::Stability | Stage::Udp
        ) {
            s.status = StageStatus::Unknown;
        }
    }
    cut.verdict.status = VerdictStatus::Incomplete;
    cut.verdict.stage = Some(Stage::Tls);
    let v = compare(&cut, &healthy());
    assert_eq!((v.kind, v.diverges_at), (VantageKind::Incomplete, None));
    assert!(
        v.meaning
            .contains("this computer's check ran out of time at the tls stage"),
        "{}",
        v.meaning
    );
    // A difference before the cut still decides.
    let v = compare(
        &cut,
        &failing(healthy(), Stage::X224, Plain::X224Silent.into()),
    );
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::RelayFails, Some(Stage::X224))
    );
}

#[test]
fn with_a_gateway_on_both_sides_the_direct_reachability_is_not_compared() {
    let ok = with_gateway(healthy());
    let unreachable = failing(ok.clone(), Stage::Tcp, Plain::TcpTimeout.into());
    // As the verdict does: a direct tcp failure is not decisive behind a gateway.
    let mut unreachable = unreachable;
    unreachable.verdict.status = VerdictStatus::Healthy;
    unreachable.verdict.stage = None;
    let v = compare(&unreachable, &ok);
    assert_eq!(v.kind, VantageKind::BothHealthy, "{v:#?}");
    assert!(
        v.notes.iter().any(|n| n.contains("RD Gateway")),
        "{:?}",
        v.notes
    );
    // Without a gateway on the relay side it is compared.
    let v = compare(&unreachable, &healthy());
    assert_eq!(v.diverges_at, Some(Stage::Tcp));
}

#[test]
fn the_page_words_the_local_side_as_the_users_computer() {
    let local = failing(healthy(), Stage::X224, Plain::X224Reset.into());
    let v = compare_as(&local, &healthy(), Viewer::Elsewhere);
    assert_eq!(
        v.meaning,
        "The host is fine from the relay; from the user's computer the connection is cut after \
         the RDP request: something between the user's computer and the host — a VPN, a \
         firewall, security software — ends it."
    );
    assert!(!v.meaning.contains("this computer"));
}

#[test]
fn comparisons_are_mirror_images() {
    for a in FIXTURES {
        for b in FIXTURES {
            let (ra, rb) = (direct_only(fixture(a)), direct_only(fixture(b)));
            let (ab, ba) = (compare(&ra, &rb), compare(&rb, &ra));
            assert_eq!(ab.diverges_at, ba.diverges_at, "{a} / {b}");
            let mirrored = match ab.kind {
                VantageKind::LocalFails => VantageKind::RelayFails,
                VantageKind::RelayFails => VantageKind::LocalFails,
                other => other,
            };
            assert_eq!(ba.kind, mirrored, "{a} / {b}");
            assert!(!ab.meaning.is_empty());
            if a == b {
                assert_eq!(ab.diverges_at, None, "{a}");
            }
            // The JSON reads back to the same value.
            let json = serde_json::to_string(&ab).expect("serialises");
            assert_eq!(serde_json::from_str::<Vantage>(&json).expect("parses"), ab);
        }
    }
}

/// The comparison in words, as the snapshots hold it.
fn render(v: &Vantage) -> String {
    let mut out = format!(
        "{}\nkind: {}\ndiverges_at: {}\nmeaning: {}\n",
        headline(v),
        v.kind.as_str(),
        v.diverges_at.map_or("-", |s| s.as_str()),
        v.meaning
    );
    for p in &v.stages {
        let st = |s: Option<StageStatus>| {
            s.map_or("-".to_string(), |s| {
                rdpcheck_words::status_word(s).to_string()
            })
        };
        out.push_str(&format!(
            "{} {:<16} {:<8} {:<8}\n",
            if p.diverges { ">" } else { " " },
            p.stage.as_str(),
            st(p.local),
            st(p.relay)
        ));
    }
    for n in &v.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

macro_rules! pair {
    ($test:ident, $local:literal, $relay:literal) => {
        #[test]
        fn $test() {
            let v = compare(&fixture($local), &fixture($relay));
            expect_file![concat!("snapshots/vantage-", $local, "--", $relay, ".txt")]
                .assert_eq(&render(&v));
        }
    };
}

// The lab's real reports, in pairs: a host that closes after the request from here but is a
// healthy xrdp from the relay (the netns test in crates/rdpcheck-cli/tests makes exactly that).
pair!(
    closes_here_healthy_there,
    "closes-after-request",
    "xrdp-negotiate"
);
pair!(
    healthy_here_closes_there,
    "xrdp-negotiate",
    "closes-after-request"
);
pair!(nla_here_negotiate_there, "shadow-nla", "xrdp-negotiate");
pair!(
    tls10_here_negotiate_there,
    "xrdp-tls10-only",
    "xrdp-negotiate"
);
pair!(
    same_closing_host,
    "closes-after-request",
    "closes-after-request"
);

#[test]
fn the_issue_example_reads_as_written() {
    let v = compare(&fixture("closes-after-request"), &fixture("xrdp-negotiate"));
    assert_eq!(v.diverges_at, Some(Stage::X224));
    assert_eq!(
        v.meaning,
        "The host is fine from the relay; from this computer the connection is cut after the RDP \
         request: something between this computer and the host — a VPN, a firewall, security \
         software — ends it."
    );
}

/// The link the CLI made in the netns test (crates/rdpcheck-report/tests/data/v2_links.json):
/// what the page computes from it.
#[test]
fn a_real_two_vantage_link_compares_as_the_cli_said() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../rdpcheck-report/tests/data/v2_links.json"
    ))
    .expect("fixture");
    let fragment = fixture["cut_here_healthy_there"].as_str().expect("link");
    let link = rdpcheck_report::share::decode_vantage(fragment).expect("a v2 link");
    let local = link.local_report().expect("local");
    let relay = rdpcheck_report::share::report(&link.relay).expect("relay");
    let v = compare_as(&local, &relay, Viewer::Elsewhere);
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::LocalFails, Some(Stage::X224))
    );
    expect_file!["snapshots/vantage-v2-link.txt"].assert_eq(&render(&v));
}
