//! `/r#v1.…`: a shared report, read-only, verified against the relay's key; `/r#v2.…`: two
//! vantage points, the relay's report verified the same way and the user's computer's report
//! (unsigned) beside it, compared by the report module.

use std::cell::Cell;
use std::rc::Rc;

use rdpcheck_report::wire::{KeySet, PublicKeyInfo, SignedReport};
use yew::prelude::*;

use super::kbload::WithKb;
use super::markup::Markup;
use super::report::ReportPanel;
use super::{dom, ed25519};
use crate::logic::markup;
use crate::logic::share::{
    cannot_check, conclude, key_set, open, prepare, Opened, Prepared, Verification,
};

const INTRO: &str = "<section class=\"card intro\"><h1>Shared report</h1><p class=\"muted\">A snapshot, \
    read-only: the link holds the whole result. <a href=\"/check\">Run a new check</a>.</p></section>";
const INTRO_CHECKING: &str =
    "<section class=\"card intro\"><h1>Shared report</h1><p class=\"muted\">A snapshot, \
    read-only: the link holds the whole result. <a href=\"/check\">Run a new check</a>.</p>\
    <p role=\"status\" class=\"muted\">Checking the signature…</p></section>";

/// Where the relay publishes its keys: the current one and those retired by a rotation, so a
/// link signed before a rotation still verifies.
pub const KEY_PATH: &str = "/api/v1/keys";

/// The relay's keys, as fetched: `None` while loading.
type KeyState = Option<Result<KeySet, String>>;

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

async fn fetch_key() -> Result<KeySet, String> {
    let text = dom::get_text(KEY_PATH).await.map_err(|e| match e {
        dom::GetError::NoAnswer => "the relay did not answer".to_string(),
        dom::GetError::Status(status) => format!("{KEY_PATH} answered HTTP {status}"),
        dom::GetError::Unreadable => format!("{KEY_PATH} did not return a key"),
    })?;
    key_set(&text).map_err(|e| format!("{KEY_PATH} did not return the relay's keys ({e})"))
}

#[derive(Properties, PartialEq)]
pub struct SharedViewProps {
    /// The link's fragment and the relay's key are the page's own: the fragment of its URL
    /// (followed when another link is opened in this tab) and the key fetched from the relay.
    #[prop_or_default]
    pub from_page: bool,
    /// Otherwise: the fragment, with or without `#`...
    #[prop_or_default]
    pub fragment: AttrValue,
    /// ...and the relay's key (`None`: still being fetched).
    #[prop_or_default]
    pub relay_key: KeyState,
}

/// `/r#v1.…`: a shared link's report with its verification banner. The link is decoded and
/// its signature checked here; the report module reads and renders the report.
#[component]
pub fn SharedView(props: &SharedViewProps) -> Html {
    let from_page = props.from_page;
    let page_fragment = use_state(dom::hash);
    let page_key = use_state(|| None::<Result<KeySet, String>>);
    {
        let (fragment, key) = (page_fragment.clone(), page_key.clone());
        use_effect_with(from_page, move |from_page| {
            // The fragment changes without a route change when another link is opened.
            let listener = from_page.then(|| hash_listener(fragment)).flatten();
            if *from_page {
                wasm_bindgen_futures::spawn_local(async move {
                    key.set(Some(fetch_key().await));
                });
            }
            move || drop(listener)
        });
    }
    let (fragment, relay_key) = if from_page {
        (
            AttrValue::from((*page_fragment).clone()),
            (*page_key).clone(),
        )
    } else {
        (props.fragment.clone(), props.relay_key.clone())
    };
    // The signed report to verify, and a two-vantage link's local report beside it.
    let opened = use_memo(fragment, |f| {
        open(f).map(|o| match o {
            Opened::Report(s) => (Rc::new(s), None),
            Opened::Vantage { local, relay } => (Rc::new(relay), Some(Rc::<str>::from(local))),
        })
    });
    let verification = use_state(|| None::<Verification>);
    // Check the signature whenever the link or the key changes (asynchronously: WebCrypto).
    {
        let verification = verification.clone();
        let signed = opened
            .as_ref()
            .as_ref()
            .ok()
            .map(|(s, l)| (s.clone(), l.is_some()));
        use_effect_with((signed, relay_key), move |(signed, key)| {
            verification.set(None);
            let cancelled = Rc::new(Cell::new(false));
            if let (Some((signed, v2)), Some(key)) = (signed.clone(), key.clone()) {
                let cancelled = cancelled.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    // The key the link names (current or retired), else the current one.
                    let key = key.as_ref().map_err(String::as_str).and_then(|set| {
                        set.for_link(&signed.key_id)
                            .ok_or("the relay published no key")
                    });
                    let mut v = check(&signed, key).await;
                    if v2 && v == Verification::Local {
                        // A relay's half without a signature is not a local report.
                        v = Verification::NotVerified {
                            key_id: signed.key_id.clone(),
                            reason: "The relay's report carries no signature.".to_string(),
                        };
                    }
                    if !cancelled.get() {
                        verification.set(Some(v));
                    }
                });
            }
            move || cancelled.set(true)
        });
    }
    let (signed, local) = match &*opened {
        Ok((s, l)) => (s.clone(), l.clone()),
        Err(e) => {
            return html! { <Markup html={AttrValue::from(markup::link_error(1, &e.to_string()))} /> };
        }
    };
    let verification = (*verification).clone();
    html! {
        <>
            <Markup html={AttrValue::Static(if verification.is_none() { INTRO_CHECKING } else { INTRO })} />
            <WithKb optional=true>
                <ReportPanel {signed} {local} {verification} shared=true />
            </WithKb>
        </>
    }
}

/// The verification of a signed report against the relay's key (or why there is none).
async fn check(signed: &SignedReport, key: Result<&PublicKeyInfo, &str>) -> Verification {
    let (key, public_key, signature) = match (key, prepare(signed, key)) {
        (_, Prepared::Done(v)) => return v,
        (Err(why), Prepared::Check { .. }) => return cannot_check(signed, why),
        (
            Ok(key),
            Prepared::Check {
                public_key,
                signature,
            },
        ) => (key, public_key, signature),
    };
    match ed25519::verify(&public_key, &signature, signed.report.as_bytes()).await {
        Ok((valid, _)) => conclude(signed, key, valid),
        Err(why) => cannot_check(signed, &why),
    }
}
