//! `/r#v1.…`: a shared report, read-only, verified against the relay's key.

use std::rc::Rc;

use rdpcheck_report::wire::PublicKeyInfo;
use yew::prelude::*;
use yew_router::prelude::*;

use super::report::ReportView;
use super::{dom, Route};
use crate::logic::share::{open, verify};

/// Where the relay publishes its key.
pub const KEY_PATH: &str = "/api/v1/key";

/// The key, as fetched: `None` while loading.
type KeyState = Option<Result<PublicKeyInfo, String>>;

#[component]
pub fn SharedPage() -> Html {
    let fragment = use_state(dom::hash);
    let key = use_state(|| None::<Result<PublicKeyInfo, String>>);
    // The fragment changes without a route change when another link is opened in this tab.
    {
        let fragment = fragment.clone();
        use_effect_with((), move |_| {
            let listener = hash_listener(fragment);
            move || drop(listener)
        });
    }
    {
        let key = key.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                key.set(Some(fetch_key().await));
            });
        });
    }
    html! { <SharedView fragment={AttrValue::from((*fragment).clone())} relay_key={(*key).clone()} /> }
}

fn hash_listener(fragment: UseStateHandle<String>) -> Option<HashListener> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let window = dom::window()?;
    let closure = Closure::<dyn Fn()>::new(move || fragment.set(dom::hash()));
    window
        .add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(HashListener { closure })
}

struct HashListener {
    closure: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl Drop for HashListener {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        if let Some(w) = dom::window() {
            let _ = w.remove_event_listener_with_callback(
                "hashchange",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}

async fn fetch_key() -> Result<PublicKeyInfo, String> {
    let resp = gloo_net::http::Request::get(KEY_PATH)
        .send()
        .await
        .map_err(|_| "the relay did not answer".to_string())?;
    if !resp.ok() {
        return Err(format!("{KEY_PATH} answered HTTP {}", resp.status()));
    }
    resp.json::<PublicKeyInfo>()
        .await
        .map_err(|_| format!("{KEY_PATH} did not return a key"))
}

#[derive(Properties, PartialEq)]
pub struct SharedViewProps {
    /// The fragment, with or without `#`.
    pub fragment: AttrValue,
    /// The relay's key; `None` while it is being fetched.
    #[prop_or_default]
    pub relay_key: KeyState,
}

/// Renders a shared link's report with its verification banner.
#[component]
pub fn SharedView(props: &SharedViewProps) -> Html {
    let opened = use_memo(props.fragment.clone(), |f| {
        open(f).map(|(s, r)| (Rc::new(s), Rc::new(r)))
    });
    let (signed, report) = match &*opened {
        Ok(x) => x.clone(),
        Err(e) => {
            return html! {
                <section class="card error" role="alert">
                    <h1>{ "This report link cannot be opened" }</h1>
                    <p>{ format!("{e}.") }</p>
                    <p>{ "Ask for the link again: it must be copied whole, including everything after the #. " }
                       <Link<Route> to={Route::Home}>{ "Start a new check" }</Link<Route>>{ "." }</p>
                </section>
            };
        }
    };
    let verification = props.relay_key.as_ref().map(|k| match k {
        Ok(k) => verify(&signed, Ok(k)),
        Err(e) => verify(&signed, Err(e.as_str())),
    });
    html! {
        <>
            <section class="card intro">
                <h1>{ "Shared report" }</h1>
                <p class="muted">{ "A snapshot, read-only: the link holds the whole result. " }
                    <Link<Route> to={Route::Check}>{ "Run a new check" }</Link<Route>>{ "." }</p>
                if verification.is_none() { <p role="status" class="muted">{ "Checking the signature…" }</p> }
            </section>
            <ReportView report={report} verification={verification} source={signed} />
        </>
    }
}
