//! The whole check over the impaired link, against a real xrdp in the server namespace: the
//! network findings come from the kernel's figures, and only when the link earns them.

use std::net::IpAddr;
use std::time::Duration;

use rdpcheck_labtests::check::{codes, pretty};
use rdpcheck_labtests::impair::{ImpairedLink, Impairment};
use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{Finding, Report, VerdictStatus};

use crate::lab;

const RDP_PORT: u16 = 3389;
const NETWORK_CODES: [&str; 4] = [
    "net.high_latency",
    "net.packet_loss",
    "net.unstable",
    "tls.stalled",
];

pub(crate) fn xrdp_in(link: &ImpairedLink) -> Xrdp {
    Xrdp::start_in(
        &link.server,
        SecurityLayer::Negotiate,
        &TestCert::self_signed(),
        RDP_PORT,
        IpAddr::V4(ImpairedLink::SERVER_ADDR),
    )
}

/// Short deadlines (the engine stretches them with the measured round trip), no UDP.
pub(crate) fn opts(samples: u32) -> ProbeOptions {
    let mut o = ProbeOptions::new(ImpairedLink::SERVER_ADDR.to_string(), RDP_PORT);
    o.connect_timeout = Duration::from_secs(3);
    o.reply_timeout = Duration::from_secs(2);
    o.total_timeout = Duration::from_secs(20);
    o.samples = samples;
    o.sample_pause = Duration::from_millis(20);
    o.udp = false;
    o
}

/// Run the engine from inside the probe's namespace (its sockets are made there).
pub(crate) fn probe(label: &str, link: &ImpairedLink, opts: ProbeOptions) -> Report {
    let (report, elapsed) = link.probe.enter(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(rdpcheck_labtests::check::run_probe(opts))
    });
    let rtts: Vec<String> = report
        .tcp_info
        .iter()
        .map(|t| {
            format!(
                "{}={:.1}ms/{}re/{}ooo",
                t.connection, t.rtt_ms, t.retransmits, t.out_of_order_in
            )
        })
        .collect();
    eprintln!(
        "[{label}] {elapsed:?} verdict={:?} ({}) codes={:?} kernel=[{}]",
        report.verdict.status,
        report.verdict.summary,
        codes(&report),
        rtts.join(" ")
    );
    report
}

pub(crate) fn has(report: &Report, code: &str) -> bool {
    codes(report).iter().any(|c| c == code)
}

/// The first finding with `code` that `fits`, if any.
pub(crate) fn finding<'a>(
    report: &'a Report,
    code: &str,
    fits: impl Fn(&Finding) -> bool,
) -> Option<&'a Finding> {
    report.findings.iter().find(|f| f.code == code && fits(f))
}

/// Checks of `samples` handshakes over a link whose impairment is random, the forwarder
/// reseeded between them, until one has a `code` finding that `fits` (at most `attempts`
/// checks); `every` asserts what each check must show on the way. The finding's report, or a
/// panic with the last one.
pub(crate) fn until_named(
    link: &mut ImpairedLink,
    impairment: Impairment,
    (label, samples, attempts): (&str, u32, u32),
    every: impl Fn(&Report),
    (code, fits): (&str, impl Fn(&Finding) -> bool),
) -> Report {
    let mut last = None;
    for attempt in 1..=attempts {
        let r = probe(&format!("{label} #{attempt}"), link, opts(samples));
        every(&r);
        if finding(&r, code, &fits).is_some() {
            return r;
        }
        last = Some(r);
        link.set(impairment).expect("reseed the forwarder");
    }
    panic!(
        "no {code} in {attempts} checks over {label}; last:\n{}",
        last.map(|r| pretty(&r)).unwrap_or_default()
    );
}

#[test]
fn a_clean_link_has_no_network_findings() {
    let Some(link) = lab(Impairment::clean()) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let r = probe("clean", &link, opts(2));
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
    for code in NETWORK_CODES {
        assert!(!has(&r, code), "{code} on a clean link\n{}", pretty(&r));
    }
    assert!(r.tcp_info.len() >= 3, "main + 2 samples:\n{}", pretty(&r));
    assert!(r.tcp_info.iter().all(|t| t.rtt_ms < 20.0), "{}", pretty(&r));
    // Every probe connection is read, the layer probes' too.
    assert!(
        r.tcp_info
            .iter()
            .any(|t| t.connection.starts_with("layer.")),
        "{}",
        pretty(&r)
    );
}

#[test]
fn a_20ms_link_is_measured_and_not_slow() {
    // A good broadband or VPN path: the kernel's round trip says 20 ms on every connection, and
    // nothing about it is a finding.
    let Some(link) = lab(Impairment::rtt(Duration::from_millis(20))) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let r = probe("rtt 20 ms", &link, opts(2));
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
    for code in NETWORK_CODES {
        assert!(!has(&r, code), "{code} on a 20 ms link\n{}", pretty(&r));
    }
    for t in &r.tcp_info {
        let min = t.min_rtt_ms.unwrap_or(t.rtt_ms);
        assert!((20.0..40.0).contains(&min), "{t:?}");
    }
}

#[test]
fn a_100ms_link_is_high_latency_by_the_kernels_rtt() {
    let Some(link) = lab(Impairment::rtt(Duration::from_millis(100))) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let r = probe("rtt 100 ms", &link, opts(2));
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "net.high_latency")
        .unwrap_or_else(|| panic!("no net.high_latency\n{}", pretty(&r)));
    assert!(f.evidence.contains("kernel: main: rtt"), "{}", f.evidence);
    for t in &r.tcp_info {
        let min = t.min_rtt_ms.unwrap_or(t.rtt_ms);
        assert!((100.0..130.0).contains(&min), "{t:?}");
    }
    assert!(!has(&r, "net.packet_loss"), "{}", pretty(&r));
}

#[test]
fn a_300ms_link_is_slow_not_silent() {
    let Some(link) = lab(Impairment::rtt(Duration::from_millis(300))) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    // A 1 s reply deadline is three round trips: TLS alone needs about that.
    let r = probe(
        "rtt 300 ms",
        &link,
        ProbeOptions {
            reply_timeout: Duration::from_secs(1),
            ..opts(1)
        },
    );
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
    assert!(has(&r, "net.high_latency"), "{}", pretty(&r));
    assert!(
        r.tls.as_ref().is_some_and(|t| t.version.is_some()),
        "TLS completed\n{}",
        pretty(&r)
    );
}

#[test]
fn a_lossy_link_is_packet_loss() {
    let Some(mut link) = lab(Impairment::loss(10)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    // Loss is random: at most three checks of ten samples (each connection has two or three
    // segments the kernel may resend) to see it named.
    let r = until_named(
        &mut link,
        Impairment::loss(10),
        ("loss 10 %", 10, 3),
        |_| {},
        ("net.packet_loss", |_: &Finding| true),
    );
    let f = finding(&r, "net.packet_loss", |_| true).expect("named");
    assert!(f.evidence.contains("resent"), "{}", f.evidence);
}

#[test]
fn an_mtu_black_hole_is_confirmed_with_small_segments() {
    // Packets over 1200 bytes vanish and no ICMP says so: the certificate flight never arrives.
    let Some(link) = lab(Impairment {
        max_packet: Some(1200),
        ..Impairment::clean()
    }) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let r = probe("mtu 1200 black hole", &link, opts(1));
    assert_eq!(r.verdict.status, VerdictStatus::Problem, "{}", pretty(&r));
    assert_eq!(
        r.verdict.stage.map(|s| s.as_str()),
        Some("tls"),
        "{}",
        pretty(&r)
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "net.mtu_blackhole")
        .unwrap_or_else(|| panic!("no net.mtu_blackhole\n{}", pretty(&r)));
    assert!(f.summary.contains("576 bytes"), "{}", f.summary);
    assert!(
        !has(&r, "tls.stalled"),
        "replaced, not doubled\n{}",
        pretty(&r)
    );
}

#[test]
fn a_jittery_link_varies_but_is_neither_lossy_nor_broken() {
    // 40 ms ± 30 ms round trip (20 ± 15 ms each way, order kept): the kernel's round trips
    // differ from connection to connection, but nothing is lost or reordered, no deadline is
    // missed, and the base round trip is short. Handshake wall times also carry xrdp's own time
    // (it forks per connection), so the assertions rest on the kernel's figures.
    let Some(link) = lab(Impairment {
        jitter: Duration::from_millis(15),
        ..Impairment::rtt(Duration::from_millis(40))
    }) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let r = probe("jitter 40±30 ms", &link, opts(3));
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
    for code in ["net.high_latency", "net.packet_loss", "tls.stalled"] {
        assert!(!has(&r, code), "{code} on a jittery link\n{}", pretty(&r));
    }
    assert!(r.tcp_info.len() >= 4, "main + 3 samples:\n{}", pretty(&r));
    let rtts: Vec<f64> = r.tcp_info.iter().map(|t| t.rtt_ms).collect();
    let (lo, hi) = rtts
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    // The base round trip is short (a busy host may stretch the largest, so no bound there).
    assert!((10.0..=110.0).contains(&lo), "{rtts:?}");
    assert!(hi - lo >= 3.0, "the jitter left no trace: {rtts:?}");
    // Nothing is lost. (The five layer probes wait on xrdp together; on a busy machine a slow
    // answer makes the kernel send a tail-loss probe there, which is no loss: not judged.)
    assert!(
        r.tcp_info
            .iter()
            .filter(|t| !t.connection.starts_with("layer."))
            .all(|t| t.retransmits == 0),
        "{}",
        pretty(&r)
    );
}

#[test]
fn a_bursty_link_is_unstable() {
    // 20 ms round trip, but one frame in about seventeen each way is held 180 ms longer and the
    // frames behind it wait too (a congested Wi-Fi or VPN link): a quarter of the handshakes take
    // several times as long as the rest, and the kernel's round trips say the path, not the
    // server, varies. Rarer, shorter spikes than that would not vary the handshakes by 50 ms;
    // more frequent ones make every handshake slow (steady, not unstable). 180 ms stays under the
    // kernel's minimum resend time-out of 200 ms.
    let bursty = Impairment {
        spike_permille: 60,
        spike: Duration::from_millis(180),
        ..Impairment::rtt(Duration::from_millis(20))
    };
    let Some(mut link) = lab(bursty) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    // Spikes are random: at most three checks to see it named.
    let r = until_named(
        &mut link,
        bursty,
        ("bursts", 12, 3),
        |r| assert_ne!(r.verdict.status, VerdictStatus::Problem, "{}", pretty(r)),
        ("net.unstable", |f: &Finding| f.summary.contains("vary")),
    );
    // The base round trip is short: not a slow link.
    assert!(!has(&r, "net.high_latency"), "{}", pretty(&r));
}
