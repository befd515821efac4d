//! The knowledge-base module (web/kb, crate rdpcheck-web-kb): a wasm module of its own, without
//! Yew, that writes the explain and knowledge-base screens' markup from the knowledge base. The
//! page imports it, through page.js, when it fetches the knowledge base (ui/kbload.rs) and hands
//! it the bundle; once loaded, every call is synchronous. The page itself never reads the
//! knowledge base.

use std::cell::Cell;
use std::rc::Rc;

pub use rdpcheck_web_kb::{Explained, Found};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::describe;
use crate::logic::evidence::Evidence;

#[wasm_bindgen(module = "/src/ui/page.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn load_kb_module() -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// The module's exports (web/kb/src/main.rs).
    type Exports;
    #[wasm_bindgen(method)]
    fn explain(this: &Exports, q: &str, evidence: Option<String>) -> JsValue;
    #[wasm_bindgen(method)]
    fn kb_screen(this: &Exports, path: &str) -> String;
    #[wasm_bindgen(method)]
    fn search(this: &Exports, query: &str, limit: u32) -> JsValue;
    #[wasm_bindgen(method, catch)]
    fn load_kb(this: &Exports, bundle: &str) -> Result<(), JsValue>;
}

/// The module's functions linked into the page instead of loaded (the browser tests, which
/// have no built module and use the compiled-in knowledge base:
/// `rdpcheck_web_kb::{explain, kb_screen, search}`).
pub struct Native {
    pub explain: fn(&str, Option<&Evidence>) -> Explained,
    pub kb_screen: fn(&str) -> String,
    pub search: fn(&str, usize) -> Found,
}

thread_local! {
    static NATIVE: Cell<Option<&'static Native>> = const { Cell::new(None) };
}

/// Use `native` instead of loading the module (tests).
pub fn use_native(native: &'static Native) {
    NATIVE.with(|n| n.set(Some(native)));
}

/// The module linked in instead of loaded, if any (its knowledge base is then compiled in).
pub fn native() -> Option<KbModule> {
    NATIVE.with(Cell::get).map(|n| KbModule(Inner::Native(n)))
}

/// The loaded module, with the knowledge base.
#[derive(Clone)]
pub struct KbModule(Inner);

#[derive(Clone)]
enum Inner {
    Loaded(Rc<Exports>),
    Native(&'static Native),
}

/// There is one module: any two handles are the same.
impl PartialEq for KbModule {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for KbModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KbModule")
    }
}

/// Starts importing the module (`load` then awaits the same import).
pub fn prefetch() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = load_kb_module().await;
    });
}

/// Loads the module and gives it `bundle`, the knowledge base's text; the error says which
/// of the two failed.
pub async fn load(bundle: &str) -> Result<KbModule, String> {
    if let Some(native) = native() {
        return Ok(native);
    }
    let exports: Exports = load_kb_module()
        .await
        .map_err(|e| format!("the knowledge-base module did not load: {}", describe(e)))?
        .unchecked_into();
    exports
        .load_kb(bundle)
        .map_err(|e| format!("the knowledge base could not be read: {}", describe(e)))?;
    Ok(KbModule(Inner::Loaded(Rc::new(exports))))
}

fn field(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn text(v: &JsValue, key: &str) -> String {
    field(v, key).as_string().unwrap_or_default()
}

impl KbModule {
    /// The explain screen for `q`, its causes marked with `evidence` when a check ran.
    pub fn explain(&self, q: &str, evidence: Option<&Evidence>) -> Explained {
        match &self.0 {
            Inner::Native(n) => (n.explain)(q, evidence),
            Inner::Loaded(m) => {
                let v = m.explain(q, evidence.map(Evidence::to_text));
                Explained {
                    head: text(&v, "head"),
                    has_causes: field(&v, "has_causes").is_truthy(),
                    fixes: text(&v, "fixes"),
                }
            }
        }
    }

    /// The knowledge-base screen at `path` (a table, an article, else the contents).
    pub fn kb_screen(&self, path: &str) -> String {
        match &self.0 {
            Inner::Native(n) => (n.kb_screen)(path),
            Inner::Loaded(m) => m.kb_screen(path),
        }
    }

    /// Search hits for `query` (at most `limit`).
    pub fn search(&self, query: &str, limit: usize) -> Found {
        match &self.0 {
            Inner::Native(n) => (n.search)(query, limit),
            Inner::Loaded(m) => {
                let v = m.search(query, u32::try_from(limit).unwrap_or(u32::MAX));
                Found {
                    count: field(&v, "count").as_f64().unwrap_or(0.0) as usize,
                    html: text(&v, "html"),
                }
            }
        }
    }
}
