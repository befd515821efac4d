//! Two vantage points: the same check from the user's computer and from a relay, compared. Pure:
//! two reports in, a [`Vantage`] out (the first stage where they diverge, what kind of
//! difference it is, and what it means in words). The CLI (`rdpcheck probe --relay`) and the
//! page (a `v2.` link) call the same function.
//!
//! The rules, in ladder order (gateway hop, direct path, UDP), stage by stage:
//! - a stage is compared only when both sides ran it (pass/warn or fail); a stage one side
//!   skipped or did not have is passed over, and a stage cut by a deadline ends the comparison;
//! - pass/warn on one side and fail on the other diverges there (`local_fails` /
//!   `relay_fails`);
//! - fail on both diverges when the failures differ in kind (`both_fail_differently`); closed
//!   and reset count as one kind, as do silent and stalled, and a missing name and a name
//!   without addresses; the same kind on both is `same_failure` (the host, not the path);
//! - pass on both diverges when the host answered differently: another selected protocol
//!   (x224), other security layers accepted (security_layers), another certificate (tls,
//!   gateway.tls, by SHA-256), another computer in the NTLM CHALLENGE (nla) — all
//!   `different_answer`; UDP open on one side only diverges at udp;
//! - with an RD Gateway on both sides, the direct dns and tcp stages are not compared (the host
//!   is expected to be unreachable from outside);
//! - no difference: `both_healthy`, or `same_failure` at the verdict's stage.

use rdpcheck_report::{
    FindingCode, Plain, Report, Severity, SideVerdict, Stage, StagePair, StageStatus, Vantage,
    VantageKind, VerdictStatus,
};

use crate::format::host_port;

/// Who reads the comparison: the words for the local side depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The person at the computer the local check ran on (the CLI): "this computer".
    Here,
    /// Someone reading a shared link (the page): "the user's computer".
    Elsewhere,
}

impl Viewer {
    /// The local side's name, lower case: `this computer`, `the user's computer`.
    pub fn local_name(self) -> &'static str {
        match self {
            Viewer::Here => "this computer",
            Viewer::Elsewhere => "the user's computer",
        }
    }
}

/// The relay side's name, lower case.
pub const RELAY_NAME: &str = "the relay";
/// The label of the local timeline.
pub fn local_label(viewer: Viewer) -> &'static str {
    match viewer {
        Viewer::Here => "This computer",
        Viewer::Elsewhere => "User's computer",
    }
}
/// The label of the relay's timeline.
pub const RELAY_LABEL: &str = "Relay";
/// What marks the local report: nobody signed it.
pub const LOCAL_NOT_SIGNED: &str = "from the user's computer, not signed";
/// The local report's mark as its reader sees it.
pub fn local_signed(viewer: Viewer) -> &'static str {
    match viewer {
        Viewer::Here => "not signed (only a relay signs)",
        Viewer::Elsewhere => LOCAL_NOT_SIGNED,
    }
}
/// The marker under the stage where the two diverge.
pub const DIVERGES_HERE: &str = "diverges here";
/// The heading of the comparison.
pub const TITLE: &str = "Two vantage points";
/// Above the meaning.
pub const MEANING_LABEL: &str = "What it means";

/// Above the two summaries of the stage where the sides diverge.
pub fn at_stage(stage: Stage) -> String {
    format!("At the {stage} stage")
}
/// Above the two verdicts.
pub const VERDICTS: &str = "Verdicts";
/// Before a note.
pub const NOTE: &str = "note";
/// Above the link with both reports.
pub const OPEN_IN_PAGE: &str =
    "Open both in the page (the relay's report stays verifiably signed, this computer's is marked as not signed)";

/// "The relay could not check this target: <reason>" — the relay refused, or could not be
/// reached; the local check stands on its own.
pub fn relay_could_not_check(reason: &str) -> String {
    format!("The relay could not check this target: {reason}")
}

/// The relay's report and its signature, in words.
pub fn relay_signed(key_id: &str, verified: bool) -> String {
    if verified {
        format!("signed by the relay (key {key_id}), signature verified")
    } else {
        format!("signed by the relay (key {key_id}), signature NOT verified")
    }
}

/// The headline of the comparison: where they diverge, or that they agree.
pub fn headline(v: &Vantage) -> String {
    match (v.kind, v.diverges_at) {
        (VantageKind::BothHealthy, _) => "Both sides see a healthy host".to_string(),
        (VantageKind::SameFailure, _) => match v.local.stage {
            Some(stage) => format!("Both sides fail alike at the {stage} stage"),
            None => "Both sides fail alike".to_string(),
        },
        (VantageKind::Incomplete, _) => "The comparison is incomplete".to_string(),
        (_, Some(stage)) => format!("The two sides diverge at the {stage} stage"),
        (_, None) => "The two sides differ".to_string(),
    }
}

/// Compare for the person at the local computer (the CLI's wording).
pub fn compare(local: &Report, relay: &Report) -> Vantage {
    compare_as(local, relay, Viewer::Here)
}

/// How one side ran one stage, for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Pass or warn.
    Ok,
    /// Fail, with the kinds of its failure codes (sorted, deduplicated).
    Fail(Vec<String>),
    /// Skipped (an earlier failure, or nothing to do).
    NotRun,
    /// Cut by the deadline: nothing is known.
    Unknown,
    /// The report has no such stage.
    Absent,
}

/// What the comparison settled on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Decision {
    /// One side fails where the other passes.
    Fails {
        local: bool,
    },
    Differently,
    Answer(Answer),
    Same,
}

/// How the host answered differently, with both values.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Protocol(String, String),
    Layers(String, String),
    Certificate(String, String),
    Identity(String, String),
}

/// Compare the local report with the relay's, worded for `viewer`.
pub fn compare_as(local: &Report, relay: &Report, viewer: Viewer) -> Vantage {
    let redacted = local.redacted || relay.redacted;
    let gateway_both = has_gateway(local) && has_gateway(relay);
    let mut notes = Vec::new();
    let mut stages = Vec::new();
    let mut decided: Option<(Stage, Decision)> = None;
    let mut cut: Option<(Stage, bool)> = None;
    for stage in Stage::ALL {
        let (l, r) = (outcome(local, stage), outcome(relay, stage));
        if l == Outcome::Absent && r == Outcome::Absent {
            continue;
        }
        stages.push(StagePair {
            stage,
            local: status(local, stage),
            relay: status(relay, stage),
            local_codes: fail_codes(local, stage),
            relay_codes: fail_codes(relay, stage),
            diverges: false,
        });
        if decided.is_some() || cut.is_some() {
            continue;
        }
        if gateway_both && matches!(stage, Stage::Dns | Stage::Tcp) {
            continue;
        }
        decided = match (&l, &r) {
            (Outcome::Unknown, _) | (_, Outcome::Unknown) => {
                cut = Some((stage, l == Outcome::Unknown));
                None
            }
            (Outcome::Ok, Outcome::Ok) => answer(local, relay, stage, redacted).map(|d| (stage, d)),
            (Outcome::Ok, Outcome::Fail(_)) => Some((stage, Decision::Fails { local: false })),
            (Outcome::Fail(_), Outcome::Ok) => Some((stage, Decision::Fails { local: true })),
            (Outcome::Fail(a), Outcome::Fail(b)) if a == b => Some((stage, Decision::Same)),
            (Outcome::Fail(_), Outcome::Fail(_)) => Some((stage, Decision::Differently)),
            _ => None,
        };
    }
    // Without a stage that differs, the verdicts decide (e.g. a failure neither side compared).
    let lv = side(local);
    let rv = side(relay);
    let decided = decided.or_else(|| {
        if cut.is_some() {
            return None;
        }
        match (lv.status, rv.status) {
            (VerdictStatus::Problem, VerdictStatus::Problem) if lv.stage == rv.stage => {
                lv.stage.map(|s| (s, Decision::Same))
            }
            (VerdictStatus::Problem, VerdictStatus::Healthy) => {
                lv.stage.map(|s| (s, Decision::Fails { local: true }))
            }
            (VerdictStatus::Healthy, VerdictStatus::Problem) => {
                rv.stage.map(|s| (s, Decision::Fails { local: false }))
            }
            _ => None,
        }
    });
    let (kind, diverges_at) = match &decided {
        Some((s, Decision::Same)) => (VantageKind::SameFailure, (None, Some(*s))),
        Some((s, Decision::Fails { local: true })) => (VantageKind::LocalFails, (Some(*s), None)),
        Some((s, Decision::Fails { local: false })) => (VantageKind::RelayFails, (Some(*s), None)),
        Some((s, Decision::Differently)) => (VantageKind::BothFailDifferently, (Some(*s), None)),
        Some((s, Decision::Answer(_))) => (VantageKind::DifferentAnswer, (Some(*s), None)),
        None if cut.is_some() => (VantageKind::Incomplete, (None, None)),
        None if lv.status == VerdictStatus::Healthy && rv.status == VerdictStatus::Healthy => {
            (VantageKind::BothHealthy, (None, None))
        }
        None => (VantageKind::Incomplete, (None, None)),
    };
    let (diverges_at, same_at) = diverges_at;
    for pair in &mut stages {
        pair.diverges = Some(pair.stage) == diverges_at;
    }

    let same_certificate = match (leaf_sha256(local), leaf_sha256(relay)) {
        (Some(a), Some(b)) => Some(a.eq_ignore_ascii_case(b)),
        _ => None,
    };
    let same_protocol = match (selected(local), selected(relay)) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    let same_addresses =
        (!redacted && !local.target.addresses.is_empty() && !relay.target.addresses.is_empty())
            .then(|| {
                local
                    .target
                    .addresses
                    .iter()
                    .any(|a| relay.target.addresses.contains(a))
            });
    let same_identity = match (identity(local), identity(relay)) {
        (Some(a), Some(b)) if !redacted => Some(a.eq_ignore_ascii_case(&b)),
        _ => None,
    };

    let name = viewer.local_name();
    if same_addresses == Some(false) {
        notes.push(format!(
            "The two sides reached different addresses: {name} {}, the relay {}.",
            local.target.addresses.join(", "),
            relay.target.addresses.join(", ")
        ));
    }
    if redacted {
        notes.push(
            "One of the reports is redacted: names and addresses were not compared.".to_string(),
        );
    }
    if gateway_both {
        notes.push(
            "Both go through an RD Gateway: the direct dns and tcp stages are not compared (the \
             host is expected to be unreachable from outside)."
                .to_string(),
        );
    }
    if diverges_at != Some(Stage::Udp) {
        if let Some(open_local) = udp_differs(local, relay) {
            notes.push(if open_local {
                format!("UDP 3389 answers {name} but not the relay.")
            } else {
                format!("UDP 3389 answers the relay but not {name}: clients there use TCP only.")
            });
        }
    }
    for (only, other, who) in [(local, relay, name), (relay, local, RELAY_NAME)] {
        let codes = warnings_only_in(only, other);
        if !codes.is_empty() {
            notes.push(format!(
                "Only {who} sees the warning(s) {}.",
                codes.join(", ")
            ));
        }
    }

    let meaning = meaning(
        viewer,
        kind,
        decided.as_ref(),
        local,
        relay,
        &lv,
        &rv,
        cut,
        same_at,
    );
    Vantage {
        diverges_at,
        kind,
        meaning,
        local: lv,
        relay: rv,
        stages,
        same_certificate,
        same_protocol,
        same_addresses,
        same_identity,
        notes,
    }
}

fn has_gateway(r: &Report) -> bool {
    r.stages.iter().any(|s| s.name == Stage::GatewayDns)
}

fn side(r: &Report) -> SideVerdict {
    SideVerdict {
        status: r.verdict.status,
        stage: r.verdict.stage,
        codes: r.verdict.codes.clone(),
    }
}

fn status(r: &Report, stage: Stage) -> Option<StageStatus> {
    r.stages.iter().find(|s| s.name == stage).map(|s| s.status)
}

/// The failure codes a stage produced.
fn fail_codes(r: &Report, stage: Stage) -> Vec<FindingCode> {
    let mut codes: Vec<FindingCode> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Fail && f.code.stage() == Some(stage))
        .map(|f| f.code)
        .collect();
    codes.dedup();
    codes
}

fn outcome(r: &Report, stage: Stage) -> Outcome {
    match status(r, stage) {
        None => Outcome::Absent,
        Some(StageStatus::Pass | StageStatus::Warn) => Outcome::Ok,
        Some(StageStatus::Skip) => Outcome::NotRun,
        Some(StageStatus::Unknown) => Outcome::Unknown,
        Some(StageStatus::Fail) => {
            let mut kinds: Vec<String> =
                fail_codes(r, stage).into_iter().map(failure_kind).collect();
            kinds.sort();
            kinds.dedup();
            Outcome::Fail(kinds)
        }
    }
}

/// Failure codes that mean the same thing seen from anywhere share a kind.
fn failure_kind(code: FindingCode) -> String {
    let kind = match code {
        FindingCode::Plain(Plain::X224Closed | Plain::X224Reset) => "x224.cut",
        FindingCode::Plain(Plain::X224Silent | Plain::X224Stalled) => "x224.silent",
        FindingCode::Plain(Plain::TlsClosedAfterHello | Plain::TlsReset) => "tls.cut",
        FindingCode::Plain(Plain::DnsNxdomain | Plain::DnsNoAnswer) => "dns.no_name",
        other => return other.to_string(),
    };
    kind.to_string()
}

/// The security protocol the host selected in the main negotiation.
fn selected(r: &Report) -> Option<&str> {
    r.stages
        .iter()
        .find(|s| s.name == Stage::X224)
        .and_then(|s| s.details.get("selected"))
        .and_then(|v| v.as_str())
}

fn leaf_sha256(r: &Report) -> Option<&str> {
    r.tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .map(|c| c.sha256.as_str())
}

fn gateway_sha256(r: &Report) -> Option<&str> {
    r.gateway
        .as_ref()
        .and_then(|g| g.tls.as_ref())
        .and_then(|t| t.certificate.as_ref())
        .map(|c| c.sha256.as_str())
}

/// The computer the NTLM CHALLENGE named: `DOMAIN\COMPUTER`, or the DNS name.
fn identity(r: &Report) -> Option<String> {
    let n = r.nla.as_ref()?;
    match (&n.netbios_domain, &n.netbios_computer, &n.dns_computer) {
        (Some(d), Some(c), _) => Some(format!("{d}\\{c}")),
        (None, Some(c), _) => Some(c.clone()),
        (_, None, Some(dns)) => Some(dns.clone()),
        _ => None,
    }
}

/// The layers accepted on their own, where the probe got an answer: `rdp, tls`.
fn layers(r: &Report) -> Option<Vec<(&'static str, bool)>> {
    let l = r.security_layers.as_ref()?;
    Some(
        [
            ("rdp", &l.rdp),
            ("tls", &l.tls),
            ("nla", &l.nla),
            ("nla_ex", &l.nla_ex),
            ("rdstls", &l.rdstls),
            ("rdsaad", &l.rdsaad),
        ]
        .into_iter()
        .filter(|(_, r)| r.error.is_none())
        .map(|(name, r)| (name, r.accepted))
        .collect(),
    )
}

fn accepted_list(list: &[(&'static str, bool)], with: &[&str]) -> String {
    let names: Vec<&str> = list
        .iter()
        .filter(|(n, ok)| *ok && with.contains(n))
        .map(|(n, _)| *n)
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Whether the host answered differently at `stage`, which both sides passed.
fn answer(local: &Report, relay: &Report, stage: Stage, redacted: bool) -> Option<Decision> {
    let differ = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => Some((a.to_string(), b.to_string())),
        _ => None,
    };
    match stage {
        Stage::X224 => differ(selected(local), selected(relay))
            .map(|(a, b)| Decision::Answer(Answer::Protocol(a, b))),
        Stage::SecurityLayers => {
            let (a, b) = (layers(local)?, layers(relay)?);
            // Only the layers both sides got an answer for.
            let both: Vec<&str> = a
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| b.iter().any(|(m, _)| m == n))
                .collect();
            let (la, lb) = (accepted_list(&a, &both), accepted_list(&b, &both));
            (la != lb).then_some(Decision::Answer(Answer::Layers(la, lb)))
        }
        Stage::Tls => differ(leaf_sha256(local), leaf_sha256(relay))
            .map(|(a, b)| Decision::Answer(Answer::Certificate(a, b))),
        Stage::GatewayTls => differ(gateway_sha256(local), gateway_sha256(relay))
            .map(|(a, b)| Decision::Answer(Answer::Certificate(a, b))),
        Stage::Nla if !redacted => {
            let (a, b) = (identity(local)?, identity(relay)?);
            (!a.eq_ignore_ascii_case(&b)).then_some(Decision::Answer(Answer::Identity(a, b)))
        }
        Stage::Udp => {
            udp_differs(local, relay).map(|open_local| Decision::Fails { local: !open_local })
        }
        _ => None,
    }
}

/// `Some(true)`: UDP answered only the local side; `Some(false)`: only the relay.
fn udp_differs(local: &Report, relay: &Report) -> Option<bool> {
    let open = |r: &Report| r.udp.as_ref().map(|u| u.status == "open");
    match (open(local)?, open(relay)?) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Warning codes `only` has and `other` does not, from stages both sides passed.
fn warnings_only_in(only: &Report, other: &Report) -> Vec<String> {
    let warns = |r: &Report| -> Vec<FindingCode> {
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .filter(|f| {
                f.code.stage().is_none_or(|s| {
                    outcome(only, s) == Outcome::Ok && outcome(other, s) == Outcome::Ok
                })
            })
            .map(|f| f.code)
            .collect()
    };
    let theirs = warns(other);
    let mut out: Vec<String> = warns(only)
        .into_iter()
        .filter(|c| !theirs.contains(c))
        .map(|c| c.to_string())
        .collect();
    out.dedup();
    out
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A short fingerprint for a sentence: the first four bytes of a `AB:CD:…` SHA-256.
fn short_fingerprint(sha: &str) -> String {
    let parts: Vec<&str> = sha.split(':').take(4).collect();
    if parts.len() == 4 {
        format!("{}…", parts.join(":"))
    } else {
        sha.chars().take(11).collect()
    }
}

/// How the side that gets further sees the host, as the start of a sentence (lower case).
fn further_view(v: &SideVerdict, stage: Stage, who: &str) -> String {
    match (v.status, v.stage) {
        (VerdictStatus::Healthy, _) => format!("the host is fine from {who}"),
        (VerdictStatus::Problem, Some(later)) if later != stage => format!(
            "from {who} the check gets further (a client there would fail later, at the {later} \
             stage)"
        ),
        _ => format!("from {who} the check gets past the {stage} stage"),
    }
}

/// What the local side's failure at `stage` says about its path (lower case, after "; ").
fn local_path(stage: Stage, codes: &[FindingCode], name: &str) -> String {
    let first = codes.first().copied();
    let is = |p: Plain| first == Some(FindingCode::Plain(p));
    match stage {
        Stage::GatewayDns => format!(
            "from {name} the RD Gateway's name does not resolve: {name} asks another DNS server \
             (a VPN's, or split DNS) that does not know it"
        ),
        Stage::GatewayTcp | Stage::GatewayTls | Stage::GatewayHttp => format!(
            "from {name} the RD Gateway fails at the {stage} stage: something between {name} and \
             the gateway — a firewall, a proxy, a VPN, security software — stops or changes the \
             connection"
        ),
        Stage::Dns => format!(
            "from {name} the name does not resolve: {name} asks another DNS server (a VPN's, or \
             split DNS) that does not know it"
        ),
        Stage::Tcp if is(Plain::TcpRefused) => format!(
            "from {name} the connection is refused: a firewall on the way, or the host's firewall \
             for {name}'s network, turns it away"
        ),
        Stage::Tcp => format!(
            "from {name} the connection gets no answer: a firewall, a VPN or a missing route on \
             {name}'s side drops it"
        ),
        Stage::X224 if is(Plain::X224Closed) || is(Plain::X224Reset) => format!(
            "from {name} the connection is cut after the RDP request: something between {name} \
             and the host — a VPN, a firewall, security software — ends it"
        ),
        Stage::X224 if is(Plain::X224Silent) || is(Plain::X224Stalled) => format!(
            "from {name} the RDP request gets no answer: something on {name}'s path (a proxy, a \
             VPN, an inspecting firewall) holds the connection without passing it on"
        ),
        Stage::X224 => format!(
            "from {name} something else answers the RDP request{}: a proxy, or a different host \
             behind the same address",
            first.map(|c| format!(" ({c})")).unwrap_or_default()
        ),
        Stage::SecurityLayers => format!(
            "from {name} the host accepts no security layer: something on the path changes the \
             negotiation"
        ),
        Stage::Tls
            if is(Plain::TlsClosedAfterHello) || is(Plain::TlsReset) || is(Plain::TlsStalled) =>
        {
            format!(
                "from {name} the TLS handshake dies: TLS inspection by security software or a \
                 proxy, or a path that loses large packets (an MTU problem, common with VPN \
                 tunnels)"
            )
        }
        Stage::Tls => format!(
            "from {name} the TLS handshake fails{}: security software or a proxy on {name}'s \
             path intercepts TLS, or a different host answers there",
            first.map(|c| format!(" ({c})")).unwrap_or_default()
        ),
        Stage::Nla => format!(
            "from {name} NLA gets no NTLM challenge: something on the path (TLS inspection, a \
             proxy) interferes after TLS"
        ),
        Stage::Stability => format!(
            "from {name} repeated handshakes fail: the path from {name} is unstable (Wi-Fi, a \
             VPN, a congested or lossy link)"
        ),
        Stage::Udp => format!(
            "from {name} UDP 3389 gets no answer: UDP is dropped on the way (VPNs and firewalls \
             often do); clients then fall back to TCP, which works but is slower"
        ),
    }
}

/// What the relay's failure at `stage` says, while the local side got through (lower case).
fn relay_path(stage: Stage, name: &str) -> String {
    let counts = format!("{name}'s check is the one that counts");
    match stage {
        Stage::GatewayDns | Stage::Dns => format!(
            "the relay cannot resolve the name: it is known only inside {name}'s network \
             (internal or split DNS), so the relay cannot judge the host; {counts}"
        ),
        Stage::GatewayTcp | Stage::Tcp => format!(
            "the relay cannot connect at the {stage} stage: a firewall (or a VPN) admits only \
             some networks, so the relay's view does not apply; {counts}"
        ),
        Stage::X224 => format!(
            "the relay's RDP request is turned away: the host, or security software in front of \
             it, admits only some networks or blocks the relay's address; {counts}"
        ),
        Stage::Stability => format!(
            "the relay's repeated handshakes fail: the path from the relay is unstable; {counts}"
        ),
        Stage::Udp => format!(
            "UDP 3389 answers {name} but not the relay: the host's network lets UDP in only from \
             some networks; for {name}, UDP works"
        ),
        _ => format!(
            "the relay fails at the {stage} stage: something on the relay's path, or a rule on \
             the host for the relay's network, interferes; {counts}"
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn meaning(
    viewer: Viewer,
    kind: VantageKind,
    decided: Option<&(Stage, Decision)>,
    local: &Report,
    relay: &Report,
    lv: &SideVerdict,
    rv: &SideVerdict,
    cut: Option<(Stage, bool)>,
    same_at: Option<Stage>,
) -> String {
    let name = viewer.local_name();
    match (kind, decided) {
        (VantageKind::BothHealthy, _) => format!(
            "The host is fine from both: a client would reach the logon from the relay and from \
             {name}. If the connection still fails, the cause is in the client itself: its saved \
             settings, its gateway setting, or the credentials."
        ),
        (VantageKind::SameFailure, _) => {
            let stage = same_at.or(lv.stage).unwrap_or(Stage::Dns);
            let codes = fail_codes(local, stage);
            let codes = if codes.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    codes
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "Both fail the same way at the {stage} stage{codes}: the host itself, or its own \
                 network, is the problem, not the path from {name}."
            )
        }
        (VantageKind::LocalFails, Some((stage, _))) => format!(
            "{}; {}.",
            capitalise(&further_view(rv, *stage, RELAY_NAME)),
            local_path(*stage, &fail_codes(local, *stage), name)
        ),
        (VantageKind::RelayFails, Some((stage, _))) => format!(
            "{}; {}.",
            capitalise(&further_view(lv, *stage, name)),
            relay_path(*stage, name)
        ),
        (VantageKind::BothFailDifferently, Some((stage, _))) => {
            let list = |r: &Report| {
                fail_codes(r, *stage)
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "Both fail at the {stage} stage, differently ({name}: {}; the relay: {}): the \
                 host has a problem there, and something on one of the paths changes how it \
                 shows.",
                list(local),
                list(relay)
            )
        }
        (VantageKind::DifferentAnswer, Some((_, Decision::Answer(answer)))) => {
            let first = match answer {
                Answer::Protocol(a, b) => format!(
                    "The host answers the two sides differently: it selects {a} for {name} and \
                     {b} for the relay. A different server answers behind the same address, or \
                     something in between (a proxy, a VPN) changes the negotiation."
                ),
                Answer::Layers(a, b) => format!(
                    "The host accepts different security layers from the two sides ({name}: {a}; \
                     the relay: {b}): a different server answers, or something in between \
                     changes the negotiation."
                ),
                Answer::Certificate(a, b) => format!(
                    "The two sides got different certificates ({name}: SHA-256 {}; the relay: \
                     {}): TLS interception on one of the paths (security software, a corporate \
                     proxy), or a different host behind the same name.",
                    short_fingerprint(a),
                    short_fingerprint(b)
                ),
                Answer::Identity(a, b) => format!(
                    "A different computer answers each side ({name}: {a}; the relay: {b}): the \
                     name or address leads to different hosts from the two networks."
                ),
            };
            match (lv.status, lv.stage) {
                (VerdictStatus::Problem, Some(s)) => {
                    format!("{first} From {name} a client would then fail at the {s} stage.")
                }
                _ => first,
            }
        }
        (VantageKind::Incomplete, _) => match cut {
            Some((stage, local_cut)) => format!(
                "The comparison is incomplete: {}'s check ran out of time at the {stage} stage, \
                 before the two could be told apart.",
                if local_cut { name } else { RELAY_NAME }
            ),
            None => {
                let target = host_port(&local.target.host, local.target.port);
                let other = host_port(&relay.target.host, relay.target.port);
                format!(
                    "The comparison is incomplete: the two checks ({target} and {other}) did \
                     not get far enough to be told apart."
                )
            }
        },
        // Every decided kind carries its stage; a kind without one reads as incomplete.
        _ => "The comparison is incomplete.".to_string(),
    }
}
