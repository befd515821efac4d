//! Two vantage points in the page: a `v2.` link as `rdpcheck probe HOST --relay URL` makes it
//! (the relay's report of a real check against xrdp, signed by the relay, and a report from
//! "the user's computer" that nobody signed: a real lab report of a host that closes after the
//! request), opened in Chromium. The relay's side is verified, the local side is marked as not
//! signed, the stage where they diverge is marked and the comparison's words are the same
//! function's the CLI calls. Then the CLI's unsigned v1 link: a local report, not a failed
//! signature. The screenshot goes to web/screenshots/ (the page as it looks).

use fantoccini::Locator;
use rdpcheck_labtests::certs::TestCert;
use rdpcheck_labtests::xrdp::{SecurityLayer, Xrdp};
use rdpcheck_report::share::{self, VantageLink};
use rdpcheck_report::wire::SignedReport;
use rdpcheck_report::{Report, Stage};
use rdpcheck_words::vantage::{compare_as, Viewer};

use super::harness::ws::session;
use super::harness::{public_key, Relay, RelayOptions};
use super::{text_of, Driver};

/// "The user's computer": a real lab report (crates/rdpcheck-words/tests/fixtures).
const LOCAL: &str =
    include_str!("../../../crates/rdpcheck-words/tests/fixtures/closes-after-request.json");

fn screenshots_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/screenshots")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_vantage_link_shows_both_sides_and_where_they_diverge() {
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let port = xrdp.port.to_string();
    let relay = Relay::start(RelayOptions::args(&[
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &port,
    ]))
    .await;
    let health = relay.get("/healthz").await;
    assert!(health.contains("\"page_built\":true"), "{health}");
    let (key_id, _) = public_key(&relay).await;
    let base = format!("http://127.0.0.1:{}", relay.port);

    // The relay's half: a real check over the wire protocol, as the CLI runs it.
    let request = serde_json::json!({
        "type": "probe", "target": format!("127.0.0.1:{port}"), "samples": 1,
    })
    .to_string();
    let s = session(&relay.ws_url(""), &[], &request).await;
    let last = s.json().pop().expect("messages");
    assert_eq!(last["type"], "report", "{:#?}", s.texts);
    let signed: SignedReport = SignedReport {
        report: last["report"].as_str().expect("report").into(),
        signature: last["signature"].as_str().expect("signature").into(),
        key_id: last["key_id"].as_str().expect("key_id").into(),
    };
    let local: Report = serde_json::from_str(LOCAL).expect("the local report");
    let relay_report: Report = share::report(&signed).expect("the relay's report");
    let expected = compare_as(&local, &relay_report, Viewer::Elsewhere);
    assert_eq!(expected.diverges_at, Some(Stage::X224), "{expected:?}");
    let link = format!(
        "{base}/r#{}",
        share::encode_vantage(&VantageLink {
            local: LOCAL.to_string(),
            relay: signed.clone(),
        })
    );

    let driver = Driver::start().await;
    let c = driver.browser(1280, 1500).await;
    c.goto(&link).await.expect("open the v2 link");
    let sides = text_of(&c, ".vantage-sides").await;
    // The relay's side: verified against the relay's key (WebCrypto), as a v1 link is.
    let banner = text_of(&c, ".banner.ok").await;
    assert!(
        banner.contains(&format!("Signed by relay {key_id} — verified")),
        "{banner:?}"
    );
    c.wait()
        .at_most(super::WAIT)
        .for_element(Locator::XPath(
            "//*[contains(@class,'vantage-sides')]//*[contains(., 'signature verified')]",
        ))
        .await
        .expect("the relay's side is marked verified once checked");
    let sides_now = text_of(&c, ".vantage-sides").await;
    assert!(
        sides_now.contains(&format!(
            "signed by the relay (key {key_id}), signature verified"
        )),
        "{sides} / {sides_now}"
    );
    // The local side: never verified, marked as not signed (in the card and its banner).
    assert!(
        sides_now.contains("User's computer")
            && sides_now.contains("from the user's computer, not signed"),
        "{sides_now}"
    );
    let local_banner = text_of(&c, ".banner.local").await;
    assert!(local_banner.contains("not signed"), "{local_banner}");
    assert!(!local_banner.contains("verified"), "{local_banner}");
    // The divergence: x224 marked in the grid, the comparison's meaning in the CLI's words.
    let column = text_of(&c, "table.vantage-grid th.diverges").await;
    assert!(column.trim().eq_ignore_ascii_case("x224"), "{column}");
    let mark = text_of(&c, "table.vantage-grid .diverges-mark").await;
    assert!(mark.contains("diverges here"), "{mark}");
    let meaning = text_of(&c, ".vantage-meaning").await;
    assert_eq!(meaning.trim(), expected.meaning.trim());
    // Both reports in full below, each under its own heading.
    let relay_part = text_of(&c, "#relay-part-title").await;
    assert!(relay_part.contains("verified"), "{relay_part}");
    let local_part = text_of(&c, "#local-part-title").await;
    assert!(local_part.contains("not signed"), "{local_part}");
    let relay_verdict = text_of(&c, "#relay-verdict-title").await;
    assert!(relay_verdict.contains("Healthy"), "{relay_verdict}");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshots_dir().join("shared-vantage-desktop.png"), png)
        .expect("write the screenshot");

    // The same link with the relay's report edited: the relay's side is not verified, and the
    // local side still only "not signed".
    let mut edited = signed.clone();
    edited.report = edited.report.replacen("\"schema\":1", "\"schema\": 1", 1);
    let tampered = format!(
        "{base}/r#{}",
        share::encode_vantage(&VantageLink {
            local: LOCAL.to_string(),
            relay: edited,
        })
    );
    c.goto(&format!("{base}/")).await.expect("leave");
    c.goto(&tampered).await.expect("open the edited v2 link");
    let banner = text_of(&c, ".banner.bad").await;
    assert!(banner.contains("Not verified"), "{banner}");
    c.wait()
        .at_most(super::WAIT)
        .for_element(Locator::XPath(
            "//*[contains(@class,'vantage-sides')]//*[contains(., 'signature NOT verified')]",
        ))
        .await
        .expect("the relay's side is marked not verified");

    // 2. The CLI's own v1 link (`rdpcheck probe --share-link`, key id `unsigned`, no
    // signature): shown as a local report, not as a failed signature.
    let unsigned = format!(
        "{base}/r#{}",
        share::encode(&SignedReport {
            report: LOCAL.to_string(),
            signature: String::new(),
            key_id: "unsigned".into(),
        })
    );
    c.goto(&format!("{base}/")).await.expect("leave");
    c.goto(&unsigned).await.expect("open the unsigned v1 link");
    let banner = text_of(&c, ".banner").await;
    assert!(
        banner.contains("Local report") && banner.contains("not signed"),
        "{banner}"
    );
    assert!(!banner.contains("Not verified"), "{banner}");
    let verdict = text_of(&c, "#verdict-title").await;
    assert!(verdict.contains("x224"), "{verdict}");
    c.close().await.expect("close the session");
    drop(xrdp);
}
