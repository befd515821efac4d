//! Start from the error: what the pasted text means, the likely causes in order, the check
//! that confirms or rules out each, and one button to run those checks against the host.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::check::CheckPanel;
use super::kbload::{self, prefetch};
use super::markup::Markup;
use super::router::{use_navigator, Route};
use crate::logic::evidence::Evidence;

/// `/explain?q=`: the paste box, then the explanation of `q` (or the symptoms to pick from).
pub fn explain_page(q: AttrValue) -> Html {
    html! {
        <>
            <section class="card intro">
                <h1>{ "What does this error mean?" }</h1>
                <PasteForm q={q.clone()} />
            </section>
            if q.trim().is_empty() { { symptoms() } } else { <ExplainView {q} /> }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct PasteFormProps {
    #[prop_or_default]
    pub q: AttrValue,
}

/// The box to paste the dialog text into.
#[component]
pub fn PasteForm(props: &PasteFormProps) -> Html {
    let text = use_state(|| props.q.to_string());
    {
        let text = text.clone();
        use_effect_with(props.q.clone(), move |q| text.set(q.to_string()));
    }
    let navigator = use_navigator();
    let onsubmit = {
        let text = text.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(n) = &navigator {
                n.push(&Route::Explain.with_query(&[("q", text.trim())]));
            }
        })
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                text.set(t.value());
            }
        })
    };
    html! {
        <form class="paste" {onsubmit} role="search">
            <label for="paste-text">{ "Type or paste what the client showed: the dialog text, the codes, or a FreeRDP error line" }</label>
            <textarea id="paste-text" rows="3" value={(*text).clone()} {oninput} onfocus={Callback::from(|_| prefetch(true))}
                placeholder="Error code: 0x904  Extended error code: 0x7" />
            <div class="actions"><button type="submit" class="primary">{ "Explain" }</button></div>
        </form>
    }
}

/// "Pick a symptom" links.
pub fn symptoms() -> Html {
    html! { <Markup html={AttrValue::from(rdpcheck_web_kb::markup::symptoms())} /> }
}

#[derive(Properties, PartialEq)]
pub struct ExplainViewProps {
    pub q: AttrValue,
}

/// The explanation of `q`, written by the knowledge-base module (no relay needed; shown inside
/// `WithKb`, so the module is there).
#[component]
pub fn ExplainView(props: &ExplainViewProps) -> Html {
    let evidence = use_state(|| None::<Rc<Evidence>>);
    let on_evidence = {
        let evidence = evidence.clone();
        Callback::from(move |e: Rc<Evidence>| evidence.set(Some(e)))
    };
    let Some(kb) = kbload::module() else {
        return html! {};
    };
    let ex = kb.explain(&props.q, evidence.as_deref());
    html! {
        <>
            <Markup html={AttrValue::from(ex.head)} />
            if ex.has_causes {
                <CheckPanel title={AttrValue::Static("Run these checks against your host")} {on_evidence} />
                <Markup html={AttrValue::from(ex.fixes)} />
            }
        </>
    }
}
