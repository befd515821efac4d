//! The report module (web/report, crate rdpcheck-web-report): a second wasm module, without
//! Yew, that reads a finished report and writes its markup, its Markdown and its share link.
//! The page imports it the first time a report must be shown (or when a check starts, so that
//! it is there when the report arrives), through page.js; once loaded, every call is
//! synchronous. The page itself never reads a report.

use std::cell::Cell;
use std::rc::Rc;

use rdpcheck_report::wire::SignedReport;
pub use rdpcheck_web_report::View;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::describe;
use super::kbload;

#[wasm_bindgen(module = "/src/ui/page.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn load_report_module() -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// The module's exports (web/report/src/main.rs).
    type Exports;
    #[wasm_bindgen(method, catch)]
    fn view(this: &Exports, report: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn vantage(
        this: &Exports,
        local: &str,
        relay: &str,
        key_id: &str,
        verified: Option<bool>,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn markdown(
        this: &Exports,
        report: &str,
        verified: Option<String>,
        link: Option<String>,
        local: Option<String>,
    ) -> Result<String, JsValue>;
    #[wasm_bindgen(method)]
    fn share_link(
        this: &Exports,
        origin: &str,
        report: &str,
        signature: &str,
        key_id: &str,
    ) -> String;
    #[wasm_bindgen(method, catch)]
    fn load_kb(this: &Exports, bundle: &str) -> Result<(), JsValue>;
}

/// `rdpcheck_web_report::vantage`: local report, relay report, key id, verified.
pub type VantageFn = fn(&str, &str, &str, Option<bool>) -> Result<View, String>;

/// `rdpcheck_web_report::markdown`: report text, verification line, link, a two-vantage link's
/// local report.
pub type MarkdownFn = fn(&str, Option<&str>, Option<&str>, Option<&str>) -> Result<String, String>;

/// The report module's functions linked into the page instead of loaded (the browser tests,
/// which have no built module to load: `rdpcheck_web_report::{view, markdown, share_link}`).
pub struct Native {
    pub view: fn(&str) -> Result<View, String>,
    pub vantage: VantageFn,
    pub markdown: MarkdownFn,
    pub share_link: fn(&str, &SignedReport) -> String,
}

thread_local! {
    static NATIVE: Cell<Option<&'static Native>> = const { Cell::new(None) };
    /// Whether the loaded module has the knowledge base (it is given once, when there).
    static KB_GIVEN: Cell<bool> = const { Cell::new(false) };
}

/// Use `native` instead of loading the module (tests).
pub fn use_native(native: &'static Native) {
    NATIVE.with(|n| n.set(Some(native)));
}

/// The loaded report module.
#[derive(Clone)]
pub struct ReportModule(Inner);

#[derive(Clone)]
enum Inner {
    Loaded(Rc<Exports>),
    Native(&'static Native),
}

/// There is one module: any two handles are the same.
impl PartialEq for ReportModule {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Loads the module (once; a failed load is tried again the next time) and gives it the
/// knowledge base when the page has it, for the fixes in the verdict card.
pub async fn load() -> Result<ReportModule, String> {
    if let Some(native) = NATIVE.with(Cell::get) {
        return Ok(ReportModule(Inner::Native(native)));
    }
    let exports: Exports = load_report_module()
        .await
        .map_err(describe)?
        .unchecked_into();
    if !KB_GIVEN.with(Cell::get) {
        if let Some(text) = kbload::bundle_text() {
            let given = exports.load_kb(&text).is_ok();
            KB_GIVEN.with(|k| k.set(given));
        }
    }
    Ok(ReportModule(Inner::Loaded(Rc::new(exports))))
}

/// The module's `Rendered` object as a [`View`].
fn rendered(v: JsValue) -> Result<View, String> {
    let get = |key: &str| {
        js_sys::Reflect::get(&v, &JsValue::from_str(key))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    };
    Ok(View {
        html: get("html"),
        status: get("status"),
        title: get("title"),
        started_at: get("started_at"),
    })
}

/// Starts loading the module in the background (a check started: its report will need it).
pub fn prefetch() {
    if NATIVE.with(Cell::get).is_none() {
        wasm_bindgen_futures::spawn_local(async {
            let _ = load_report_module().await;
        });
    }
}

impl ReportModule {
    /// The report in `text`, rendered; Err says why it is not a report.
    pub fn view(&self, text: &str) -> Result<View, String> {
        match &self.0 {
            Inner::Native(n) => (n.view)(text),
            Inner::Loaded(m) => m.view(text).map(rendered).map_err(describe)?,
        }
    }

    /// A two-vantage link's reports (the local text, the relay's signed text), compared and
    /// rendered; `verified`: the relay's signature as checked (`None`: still checking).
    pub fn vantage(
        &self,
        local: &str,
        relay: &SignedReport,
        verified: Option<bool>,
    ) -> Result<View, String> {
        match &self.0 {
            Inner::Native(n) => (n.vantage)(local, &relay.report, &relay.key_id, verified),
            Inner::Loaded(m) => m
                .vantage(local, &relay.report, &relay.key_id, verified)
                .map(rendered)
                .map_err(describe)?,
        }
    }

    /// The ticket text of the report in `text` (with `local`: of both vantage points).
    pub fn markdown(
        &self,
        text: &str,
        verified: Option<&str>,
        link: Option<&str>,
        local: Option<&str>,
    ) -> Result<String, String> {
        match &self.0 {
            Inner::Native(n) => (n.markdown)(text, verified, link, local),
            Inner::Loaded(m) => m
                .markdown(
                    text,
                    verified.map(str::to_string),
                    link.map(str::to_string),
                    local.map(str::to_string),
                )
                .map_err(describe),
        }
    }

    /// `<origin>/r#v1.<payload>`.
    pub fn share_link(&self, origin: &str, signed: &SignedReport) -> String {
        match &self.0 {
            Inner::Native(n) => (n.share_link)(origin, signed),
            Inner::Loaded(m) => {
                m.share_link(origin, &signed.report, &signed.signature, &signed.key_id)
            }
        }
    }
}
