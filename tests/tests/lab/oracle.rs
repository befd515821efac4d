//! The real client as the oracle: for every lab server variant, rdpcheck's `freerdp` verdict entry
//! must agree with what `xfreerdp +auth-only` (FreeRDP 2.11 on OpenSSL 3) does against the same
//! server. `connects` / `warns` ⇔ xfreerdp reached the logon (the whole connection, or NLA's
//! credential check: the lab sends wrong credentials on purpose); `fails` ⇔ it stopped before.
//! An `unknown` entry makes no claim; it is allowed only where the variant says why.
//!
//! Every run is bounded (the probe by its whole-check deadline, xfreerdp by
//! `xfreerdp::DEADLINE`) and parallel-safe (own server, own port, own HOME; the shared Xvfb).

use rdpcheck_labtests::check::{pretty, run_probe};
use rdpcheck_labtests::xfreerdp::{self, Outcome};
use rdpcheck_labtests::{SecurityLayer, Shadow, ShadowSec, TestCert, Weston, WestonSec, Xrdp};
use rdpcheck_report::{ClientId, ClientOutcome, Report};

use crate::{print_summary, real_opts};

/// What the variant expects of the `freerdp` entry.
enum Expect {
    /// A claim (connects/warns or fails) that must match xfreerdp.
    Agree,
    /// rdpcheck cannot tell, for this reason; xfreerdp's outcome is printed for the record.
    Unknown(&'static str),
}

/// Probe the server on `port`, run xfreerdp against it, and hold the two together.
async fn oracle(label: &str, port: u16, expect: Expect) -> (Report, xfreerdp::Run) {
    let (report, elapsed) = run_probe(real_opts(port)).await;
    print_summary(label, &report, elapsed);
    let run = tokio::task::spawn_blocking(move || xfreerdp::run(port, "x", "y"))
        .await
        .expect("xfreerdp thread");
    let entry = report
        .verdict
        .clients
        .iter()
        .find(|c| c.client == ClientId::FreeRdp)
        .unwrap_or_else(|| panic!("[{label}] no freerdp entry\n{}", pretty(&report)))
        .clone();
    eprintln!(
        "[{label}] rdpcheck freerdp={:?} {:?} | xfreerdp {:?} in {:?}",
        entry.outcome, entry.why, run.outcome, run.elapsed
    );
    let dump = || {
        format!(
            "report:\n{}\nxfreerdp log:\n{}",
            pretty(&report),
            tail(&run.log, 40)
        )
    };
    assert_ne!(
        run.outcome,
        Outcome::TimedOut,
        "[{label}] xfreerdp ran past its deadline\n{}",
        dump()
    );
    match (&expect, entry.outcome) {
        (Expect::Agree, ClientOutcome::Connects | ClientOutcome::Warns) => assert!(
            run.outcome.reached_logon(),
            "[{label}] rdpcheck says FreeRDP gets through ({:?}), xfreerdp did not: {:?}\n{}",
            entry.outcome,
            run.outcome,
            dump()
        ),
        (Expect::Agree, ClientOutcome::Fails) => assert!(
            !run.outcome.reached_logon(),
            "[{label}] rdpcheck says FreeRDP fails ({:?}), xfreerdp got through: {:?}\n{}",
            entry.why,
            run.outcome,
            dump()
        ),
        (Expect::Agree, ClientOutcome::Unknown) => panic!(
            "[{label}] rdpcheck makes no claim for FreeRDP ({:?}); xfreerdp: {:?}\n{}",
            entry.why,
            run.outcome,
            dump()
        ),
        (Expect::Unknown(why), outcome) => assert_eq!(
            outcome,
            ClientOutcome::Unknown,
            "[{label}] expected no claim ({why}); xfreerdp: {:?}\n{}",
            run.outcome,
            dump()
        ),
    }
    (report, run)
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

async fn xrdp(
    label: &str,
    layer: SecurityLayer,
    cert: &TestCert,
    extra: &[(&str, &str)],
    expect: Expect,
) -> (Report, xfreerdp::Run) {
    let server = Xrdp::start_with(layer, cert, extra);
    let out = oracle(label, server.port, expect).await;
    drop(server);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_negotiate() {
    let (_, run) = xrdp(
        "oracle xrdp negotiate",
        SecurityLayer::Negotiate,
        &TestCert::self_signed(),
        &[],
        Expect::Agree,
    )
    .await;
    assert_eq!(run.outcome, Outcome::Connected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_tls() {
    xrdp(
        "oracle xrdp tls",
        SecurityLayer::Tls,
        &TestCert::self_signed(),
        &[],
        Expect::Agree,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_rdp_only() {
    // xfreerdp fails here (xrdp logs "MAC checksum error", xfreerdp ERRINFO_LOGOFF_BY_USER):
    // FreeRDP and xrdp's standard RDP security do not agree (xrdp issue #3808). rdpcheck does not
    // run standard RDP security's key exchange, so it claims nothing.
    let (_, run) = xrdp(
        "oracle xrdp rdp",
        SecurityLayer::Rdp,
        &TestCert::self_signed(),
        &[],
        Expect::Unknown("standard RDP security selected the xrdp way"),
    )
    .await;
    eprintln!("[oracle xrdp rdp] xfreerdp: {:?}", run.outcome);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_tls10_only() {
    let (report, run) = xrdp(
        "oracle xrdp tls1.0",
        SecurityLayer::Negotiate,
        &TestCert::self_signed(),
        &[
            ("ssl_protocols", "TLSv1"),
            ("tls_ciphers", "ALL:@SECLEVEL=0"),
        ],
        Expect::Agree,
    )
    .await;
    assert!(
        matches!(&run.outcome, Outcome::Failed { errors, .. } if errors.iter().any(|e| e == "ERRCONNECT_TLS_CONNECT_FAILED")),
        "{:?}",
        run.outcome
    );
    // Windows 10 still speaks TLS 1.0.
    let win10 = report
        .verdict
        .clients
        .iter()
        .find(|c| c.client == ClientId::MstscWin10)
        .map(|c| c.outcome);
    assert_eq!(win10, Some(ClientOutcome::Warns), "{}", pretty(&report));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_rsa_key_exchange_only() {
    let (_, run) = xrdp(
        "oracle xrdp rsa-only",
        SecurityLayer::Negotiate,
        &TestCert::self_signed(),
        &crate::xrdp::RSA_ONLY,
        Expect::Agree,
    )
    .await;
    assert_eq!(run.outcome, Outcome::Connected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_expired_certificate() {
    xrdp(
        "oracle xrdp expired",
        SecurityLayer::Negotiate,
        &TestCert::expired(),
        &[],
        Expect::Agree,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_1024_bit_key() {
    // xrdp's OpenSSL refuses to load the key at its default security level: nobody gets in.
    let (_, run) = xrdp(
        "oracle xrdp 1024-bit",
        SecurityLayer::Negotiate,
        &TestCert::rsa_1024(),
        &[],
        Expect::Agree,
    )
    .await;
    assert!(!run.outcome.reached_logon());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_1024_bit_key_served() {
    // Served at @SECLEVEL=0: rustls refuses the key, FreeRDP (security level 1) takes it.
    let (_, run) = xrdp(
        "oracle xrdp 1024-bit @SECLEVEL=0",
        SecurityLayer::Negotiate,
        &TestCert::rsa_1024(),
        &[("tls_ciphers", "DEFAULT:@SECLEVEL=0")],
        Expect::Agree,
    )
    .await;
    assert_eq!(run.outcome, Outcome::Connected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_xrdp_sha1_certificate() {
    xrdp(
        "oracle xrdp sha1",
        SecurityLayer::Negotiate,
        &TestCert::sha1_signed(),
        &[],
        Expect::Agree,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_shadow_nla() {
    let server = Shadow::start(ShadowSec::Nla);
    let (_, run) = oracle("oracle shadow nla", server.port, Expect::Agree).await;
    // Wrong credentials on purpose: NLA ran to the credential check.
    assert_eq!(
        run.outcome,
        Outcome::ReachedCredentialCheck,
        "{}",
        server.logs()
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_shadow_tls() {
    let server = Shadow::start(ShadowSec::Tls);
    oracle("oracle shadow tls", server.port, Expect::Agree).await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_weston_tls() {
    let server = Weston::start(WestonSec::Tls, &TestCert::self_signed());
    oracle("oracle weston tls", server.port, Expect::Agree).await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oracle_weston_rdp_only() {
    // Standard RDP security after RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER: FreeRDP falls back.
    let server = Weston::start(WestonSec::RdpOnly, &TestCert::self_signed());
    oracle("oracle weston rdp", server.port, Expect::Agree).await;
    drop(server);
}
