//! Browser tests (headless Chromium via wasm-bindgen-test-runner):
//! `cargo test -p rdpcheck-web --target wasm32-unknown-unknown`.
//! Over the ~400-line rule on purpose: wasm-bindgen-test starts one browser per test binary, so
//! every browser test of the page lives in this one.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use ed25519_dalek::{Signer, SigningKey};
use rdpcheck_report::share;
use rdpcheck_report::wire::{KeySet, PublicKeyInfo, SignedReport};
use rdpcheck_report::Report;
use rdpcheck_web::ui::kbmodule;
use rdpcheck_web::ui::module::{use_native, Native};
use rdpcheck_web::ui::{
    explain_page, use_location, CheckPanel, KbScreen, ReportPanel, Route, Router, SharedView,
};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const HEALTHY: &str = include_str!("fixtures/xrdp-negotiate.json");
const REFUSED: &str = include_str!("fixtures/refused.json");
const KEY_ID: &str = "test-relay-1";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn key_info() -> PublicKeyInfo {
    PublicKeyInfo {
        key_id: KEY_ID.into(),
        algorithm: "Ed25519".into(),
        public_key: share::base64url(&key().verifying_key().to_bytes()),
        status: None,
        retired_at: None,
    }
}

/// Signs report text the way the relay does.
fn sign(text: &str) -> SignedReport {
    SignedReport {
        report: text.to_string(),
        signature: share::base64url(&key().sign(text.as_bytes()).to_bytes()),
        key_id: KEY_ID.into(),
    }
}

fn report(text: &str) -> Report {
    serde_json::from_str(text).unwrap()
}

/// The report module's functions, linked into this test instead of loaded: the test server
/// has no built module to serve (the relay's e2e test loads the real one).
static MODULE: Native = Native {
    view: rdpcheck_web_report::view,
    vantage: rdpcheck_web_report::vantage,
    markdown: rdpcheck_web_report::markdown,
    share_link: rdpcheck_web_report::share_link,
};

/// The knowledge-base module's functions, linked in the same way (with the compiled-in
/// knowledge base).
static KB_MODULE: kbmodule::Native = kbmodule::Native {
    explain: rdpcheck_web_kb::explain,
    kb_screen: rdpcheck_web_kb::kb_screen,
    search: rdpcheck_web_kb::search,
};

#[derive(Properties, PartialEq)]
struct HarnessProps {
    children: Html,
}

/// A router on an in-memory location, so links work and the test page's URL never changes;
/// the location is shown in `#where`.
#[component]
fn Harness(props: &HarnessProps) -> Html {
    html! { <Router memory=true><Where />{ props.children.clone() }</Router> }
}

#[component]
fn Where() -> Html {
    let location = use_location();
    html! { <span id="where">{ location.path }</span> }
}

async fn mount(content: Html) -> web_sys::Element {
    use_native(&MODULE);
    kbmodule::use_native(&KB_MODULE);
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    #[derive(Properties, PartialEq)]
    struct P {
        content: Html,
    }
    #[component]
    fn Mounted(p: &P) -> Html {
        html! { <Harness>{ p.content.clone() }</Harness> }
    }
    yew::Renderer::<Mounted>::with_root_and_props(root.clone(), P { content }).render();
    settle().await;
    root
}

async fn settle() {
    for _ in 0..3 {
        yew::scheduler::flush().await;
        yew::platform::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Waits (up to 5 s) for `sel` to appear under `root`: signatures are checked asynchronously
/// (WebCrypto).
async fn wait_for(root: &web_sys::Element, sel: &str) -> web_sys::Element {
    for _ in 0..100 {
        if let Some(el) = root.query_selector(sel).unwrap() {
            return el;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(50)).await;
        yew::scheduler::flush().await;
    }
    find(root, sel)
}

fn text(el: &web_sys::Element) -> String {
    el.text_content().unwrap_or_default()
}

fn find(root: &web_sys::Element, sel: &str) -> web_sys::Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel} in {}", root.inner_html()))
}

fn has_class(el: &web_sys::Element, class: &str) -> bool {
    el.class_name().split_whitespace().any(|c| c == class)
}

fn count(root: &web_sys::Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}

#[wasm_bindgen_test]
async fn pasted_dialog_text_renders_the_0x904_0x7_explanation() {
    let root = mount(explain_page(
        "Error code: 0x904\nExtended error code: 0x7".into(),
    ))
    .await;
    let t = text(&root);
    assert!(t.contains("0x904"), "{t}");
    assert!(t.contains("Socket closed"), "{t}");
    assert!(t.contains("Together:"), "the 0x904 + 0x7 combination: {t}");
    let causes = count(&root, "ol.causes > li");
    assert!(causes >= 2, "ranked causes: {causes}");
    // Every cause links to its article, and the check form is there to run the checks.
    assert!(count(&root, "ol.causes > li h3 a") == causes);
    assert!(root.query_selector("#check-host").unwrap().is_some());
    assert!(t.contains("Run these checks against your host"));
}

/// The knowledge base's screens are markup the page wires: links navigate in-page.
#[wasm_bindgen_test]
async fn knowledge_base_screens_link_in_page() {
    let root =
        mount(html! { <KbScreen route={Route::KbTable { table: "client".into() }} /> }).await;
    let row = find(&root, "table.codes tr#code-0x904");
    assert!(text(&row).contains("0x904"), "{}", text(&row));
    let link = find(&row, "a[href^='/kb/']");
    let href = link.get_attribute("href").unwrap();
    link.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(text(&find(&root, "#where")), href);
    let id = href.trim_start_matches("/kb/").to_string();
    let root = mount(html! { <KbScreen route={Route::KbArticle { id }} /> }).await;
    assert!(count(&root, ".kb-article h2") >= 4);
    assert!(count(&root, ".kb-article .code button.copy") >= 1);
    let root =
        mount(html! { <KbScreen route={Route::KbArticle { id: "no-such-article".into() }} /> })
            .await;
    assert!(text(&root).contains("No article called \"no-such-article\""));
    let root = mount(html! { <KbScreen route={Route::Kb} /> }).await;
    assert!(root.query_selector("#kb-q").unwrap().is_some());
    assert!(count(&root, ".kb-list li a[href^='/kb/']") >= 10);
}

#[wasm_bindgen_test]
async fn unknown_text_says_what_was_not_understood() {
    let root = mount(explain_page("hello world".into())).await;
    assert!(text(&root).contains("No Remote Desktop error code recognised"));
}

#[wasm_bindgen_test]
async fn recorded_healthy_report_renders() {
    let r = report(HEALTHY);
    let root = mount(html! { <ReportPanel signed={Rc::new(sign(HEALTHY))} /> }).await;
    let verdict = wait_for(&root, ".verdict").await;
    assert!(has_class(&verdict, "healthy"));
    assert!(text(&verdict).contains("Healthy: a client would reach the logon"));
    assert!(text(&verdict).contains("security.standard_rdp_allowed"));
    assert_eq!(count(&root, "table.stages tbody tr"), r.stages.len() as u32);
    assert_eq!(count(&root, ".timeline rect.bar"), r.stages.len() as u32);
    let details = text(&find(&root, ".details"));
    assert!(details.contains("Certificate and TLS"));
    assert!(details.contains("CN=rdp-lab.localhost"));
    assert!(details.contains("Security layers"));
    assert!(details.contains("Handshake statistics"));
}

#[wasm_bindgen_test]
async fn recorded_failure_names_the_stage_and_the_fix() {
    let root = mount(html! { <ReportPanel signed={Rc::new(sign(REFUSED))} /> }).await;
    let verdict = wait_for(&root, ".verdict").await;
    assert!(has_class(&verdict, "problem"));
    let t = text(&verdict);
    assert!(t.contains("A client would fail at the tcp stage"), "{t}");
    assert!(t.contains("0x204"), "{t}");
    assert!(t.contains("tcp.refused"), "{t}");
    assert!(t.contains("How to fix it"), "{t}");
    assert!(count(&verdict, ".fix-sides") >= 1);
    assert_eq!(text(&find(&root, ".tl-failed .tl-name")), "tcp");
}

/// A check's report: the share box offers the link (the report module makes it) and the
/// Markdown copy; the link holds exactly the signed text.
#[wasm_bindgen_test]
async fn a_checks_report_offers_its_share_link() {
    let signed = sign(HEALTHY);
    let redacted =
        sign(&serde_json::to_string(&rdpcheck_report::redact(&report(HEALTHY))).unwrap());
    let root = mount(html! {
        <ReportPanel signed={Rc::new(signed.clone())} redacted={Rc::new(redacted.clone())} />
    })
    .await;
    wait_for(&root, ".verdict").await;
    let link_holds = |root: &web_sys::Element| {
        let link = find(root, "#share-link")
            .dyn_into::<web_sys::HtmlInputElement>()
            .unwrap()
            .value();
        let fragment = link.split_once("/r#").map(|x| x.1).unwrap_or_default();
        share::decode(fragment).unwrap()
    };
    assert_eq!(link_holds(&root), signed);
    assert!(text(&find(&root, ".share")).contains("Copy as Markdown"));
    assert!(text(&find(&root, ".share")).contains("Download JSON"));
    // The redacted choice: the link holds the redacted copy, as the relay signed it.
    let choices = root.query_selector_all("input[name=share-kind]").unwrap();
    let redacted_choice: web_sys::HtmlElement = choices.get(1).unwrap().dyn_into().unwrap();
    redacted_choice.click();
    settle().await;
    assert_eq!(link_holds(&root), redacted);
}

/// The module's markup is wired by the page: a link to an article navigates in-page, a
/// command's copy button answers.
#[wasm_bindgen_test]
async fn links_and_copy_buttons_in_the_report_work() {
    let root = mount(html! { <ReportPanel signed={Rc::new(sign(REFUSED))} /> }).await;
    wait_for(&root, ".verdict").await;
    let link = find(&root, ".report-body a[href^='/kb/']");
    let href = link.get_attribute("href").unwrap();
    link.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(text(&find(&root, "#where")), href);
    let copy: web_sys::HtmlElement = find(&root, ".report-body .code button.copy")
        .dyn_into()
        .unwrap();
    copy.click();
    for _ in 0..40 {
        if text(&copy) != "Copy" {
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Headless Chromium may refuse the clipboard: either answer is an answer.
    let answer = text(&copy);
    assert!(
        answer == "Copied" || answer == "Copy failed — select the text",
        "{answer}"
    );
}

/// Everything the probed host writes is text in the page, never markup.
#[wasm_bindgen_test]
async fn hostile_report_strings_stay_text() {
    let evil =
        "<img src=x onerror=\"document.title='owned'\"><script>document.title='owned'</script>";
    let mut r: serde_json::Value = serde_json::from_str(REFUSED).unwrap();
    r["target"]["host"] = evil.into();
    r["verdict"]["summary"] = evil.into();
    r["stages"][0]["summary"] = evil.into();
    r["findings"][0]["evidence"] = evil.into();
    let text_of_report = serde_json::to_string(&r).unwrap();
    let root = mount(html! { <ReportPanel signed={Rc::new(sign(&text_of_report))} /> }).await;
    let verdict = wait_for(&root, ".verdict").await;
    assert!(text(&verdict).contains(evil), "{}", text(&verdict));
    assert_eq!(count(&root, ".report img, .report script"), 0);
    assert_ne!(
        web_sys::window().unwrap().document().unwrap().title(),
        "owned"
    );
}

/// A report the deadline cut short is neither healthy nor a failure.
#[wasm_bindgen_test]
async fn an_incomplete_report_says_so() {
    let mut r: serde_json::Value = serde_json::from_str(REFUSED).unwrap();
    r["verdict"]["status"] = "incomplete".into();
    let root = mount(html! {
        <ReportPanel signed={Rc::new(sign(&serde_json::to_string(&r).unwrap()))} />
    })
    .await;
    let verdict = wait_for(&root, ".verdict").await;
    assert!(has_class(&verdict, "incomplete"));
    assert!(text(&verdict).contains("Incomplete"), "{}", text(&verdict));
}

#[wasm_bindgen_test]
async fn share_link_round_trip_renders_the_same_report() {
    let signed = sign(HEALTHY);
    let fragment = share::encode(&signed);
    let direct = mount(html! { <ReportPanel signed={Rc::new(signed.clone())} /> }).await;
    wait_for(&direct, ".verdict").await;
    let shared = mount(html! {
        <SharedView fragment={AttrValue::from(format!("#{fragment}"))} relay_key={Some(Ok(KeySet { keys: vec![key_info()] }))} />
    })
    .await;
    let banner = text(&wait_for(&shared, ".banner").await);
    assert!(
        banner.contains(&format!("Signed by relay {KEY_ID} — verified")),
        "{banner}"
    );
    wait_for(&shared, ".verdict").await;
    for sel in [".verdict", "table.stages", ".timeline", ".details"] {
        assert_eq!(
            find(&direct, sel).outer_html(),
            find(&shared, sel).outer_html(),
            "{sel}"
        );
    }
}

#[wasm_bindgen_test]
async fn redacted_link_verifies() {
    let full = report(HEALTHY);
    let redacted = serde_json::to_string(&rdpcheck_report::redact(&full)).unwrap();
    let fragment = share::encode(&sign(&redacted));
    let root = mount(html! {
        <SharedView fragment={AttrValue::from(fragment)} relay_key={Some(Ok(KeySet { keys: vec![key_info()] }))} />
    })
    .await;
    assert!(has_class(&wait_for(&root, ".banner").await, "ok"));
    assert!(text(&find(&root, ".banner")).contains("verified"));
    wait_for(&root, ".verdict").await;
    let t = text(&find(&root, ".report"));
    assert!(t.contains("Redacted"), "{t}");
    assert!(!t.contains("127.0.0.1"), "{t}");
}

#[wasm_bindgen_test]
async fn tampered_link_is_not_verified() {
    let mut signed = sign(HEALTHY);
    signed.report = signed.report.replace("\"port\": 34301", "\"port\": 3389");
    assert_ne!(signed.report, HEALTHY);
    let fragment = share::encode(&signed);
    let root = mount(html! {
        <SharedView fragment={AttrValue::from(fragment)} relay_key={Some(Ok(KeySet { keys: vec![key_info()] }))} />
    })
    .await;
    let banner = wait_for(&root, ".banner").await;
    assert!(has_class(&banner, "bad"));
    assert!(
        text(&banner).contains("Not verified — modified, unsigned, or signed by another relay"),
        "{}",
        text(&banner)
    );
    // A damaged link is named, not a blank page.
    let root =
        mount(html! { <SharedView fragment="#v1.%%%" relay_key={Some(Ok(KeySet { keys: vec![key_info()] }))} /> }).await;
    assert!(text(&root).contains("cannot be opened"));
}

/// A link the relay made (crates/rdpcheck-report/tests/data/share-v1.json) verifies with the
/// browser's WebCrypto Ed25519 against the key that relay published.
#[wasm_bindgen_test]
async fn a_v1_link_from_the_relay_verifies_with_webcrypto() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../crates/rdpcheck-report/tests/data/share-v1.json"
    ))
    .unwrap();
    let link = fixture["link"].as_str().unwrap();
    let key: PublicKeyInfo = serde_json::from_value(fixture["key"].clone()).unwrap();
    let fragment = link.split_once('#').unwrap().1.to_string();
    let root = mount(html! {
        <SharedView fragment={AttrValue::from(fragment.clone())} relay_key={Some(Ok(KeySet { keys: vec![key.clone()] }))} />
    })
    .await;
    let banner = wait_for(&root, ".banner").await;
    assert!(has_class(&banner, "ok"), "{}", text(&banner));
    // The same link against another relay's key is not verified.
    let mut other = key;
    other.public_key = key_info().public_key;
    let root = mount(html! {
        <SharedView fragment={AttrValue::from(fragment)} relay_key={Some(Ok(KeySet { keys: vec![other] }))} />
    })
    .await;
    assert!(has_class(&wait_for(&root, ".banner").await, "bad"));
}

#[wasm_bindgen_test]
async fn check_form_refuses_a_bad_host_before_sending() {
    let root = mount(html! { <CheckPanel host="bad host!" /> }).await;
    let button: web_sys::HtmlElement = find(&root, "button[type=submit]").dyn_into().unwrap();
    button.click();
    settle().await;
    let err = text(&find(&root, ".field-error"));
    assert!(err.contains("spaces"), "{err}");
    assert_eq!(
        find(&root, "#check-host")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    // Nothing was started: no progress section, the button is still enabled.
    assert_eq!(count(&root, ".live"), 0);
    assert!(find(&root, "button[type=submit]")
        .get_attribute("disabled")
        .is_none());
}

#[wasm_bindgen_test]
async fn rdp_file_text_fills_the_form() {
    let root = mount(html! { <CheckPanel /> }).await;
    let area: web_sys::HtmlTextAreaElement = find(&root, "#check-rdp-text").dyn_into().unwrap();
    area.set_value("full address:s:rdp.corp.example:3390\ngatewayhostname:s:gw.corp.example\ngatewayusagemethod:i:1\ngatewayprofileusagemethod:i:1\n");
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    area.dispatch_event(&ev).unwrap();
    settle().await;
    let fill: web_sys::HtmlElement = find(&root, ".rdp-file details button").dyn_into().unwrap();
    fill.click();
    settle().await;
    let value = |sel: &str| -> String {
        find(&root, sel)
            .dyn_into::<web_sys::HtmlInputElement>()
            .unwrap()
            .value()
    };
    assert_eq!(value("#check-host"), "rdp.corp.example");
    assert_eq!(value("#check-port"), "3390");
    assert_eq!(value("#check-gateway"), "gw.corp.example:443");
    assert!(text(&root).contains("always through the RD Gateway"));
}

#[wasm_bindgen_test]
async fn unreachable_relay_is_named_not_a_bare_failure() {
    // The test server that serves this page has no /api/v1/probe WebSocket.
    let root = mount(html! { <CheckPanel host="rdp.example.com" /> }).await;
    let button: web_sys::HtmlElement = find(&root, "button[type=submit]").dyn_into().unwrap();
    button.click();
    settle().await;
    for _ in 0..100 {
        if root.query_selector(".card.error").unwrap().is_some() {
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let t = text(&find(&root, ".card.error"));
    assert!(t.contains("Cannot reach the relay"), "{t}");
    assert!(t.contains("/api/v1/probe"), "{t}");
    assert!(find(&root, "button[type=submit]")
        .get_attribute("disabled")
        .is_none());
}

/// A two-vantage view (`/r#v2.…`) keeps its share box: the ticket text is made from both
/// reports (web/report's vantage_markdown tests hold its content).
#[wasm_bindgen_test]
async fn a_two_vantage_view_offers_its_ticket_text() {
    let root = mount(html! {
        <ReportPanel signed={Rc::new(sign(HEALTHY))} shared=true local={Rc::<str>::from(REFUSED)} />
    })
    .await;
    wait_for(&root, ".vantage").await;
    let share = text(&find(&root, ".share"));
    assert!(share.contains("Copy as Markdown"), "{share}");
    assert!(share.contains("Download JSON"), "{share}");
}
