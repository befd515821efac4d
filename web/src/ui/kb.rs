//! The knowledge base: every code table and article, searchable and linkable. The search box
//! is a component; everything read-only is markup the knowledge-base module writes
//! (ui/kbmodule.rs).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::kbload;
use super::markup::Markup;
use super::router::{use_location, use_navigator, Route};

#[derive(Properties, PartialEq)]
pub struct KbScreenProps {
    /// `Route::KbTable`, `Route::KbArticle`, or the index (`Route::Kb`).
    pub route: Route,
}

/// `/kb` (searchable), `/kb/codes/<table>`, `/kb/<article>`. One component for the three: its
/// markup is written when it is shown, after `WithKb` has the knowledge base.
#[component]
pub fn KbScreen(props: &KbScreenProps) -> Html {
    let q = use_location().param("q");
    let navigator = use_navigator();
    let Some(kb) = kbload::module() else {
        return html! {};
    };
    if matches!(props.route, Route::KbTable { .. } | Route::KbArticle { .. }) {
        return html! { <Markup html={AttrValue::from(kb.kb_screen(&props.route.path()))} /> };
    }
    let oninput = Callback::from(move |e: InputEvent| {
        if let Some(i) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            if let Some(n) = &navigator {
                n.replace(&Route::Kb.with_query(&[("q", &i.value())]));
            }
        }
    });
    let found = kb.search(&q, 60);
    html! {
        <>
            <section class="card intro">
                <h1>{ "Knowledge base" }</h1>
                <p>{ "Every Remote Desktop code rdpcheck knows, and one article per cause: how to confirm it \
                      and how to fix it on your side and on the host." }</p>
                <form role="search" class="kb-search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <label for="kb-q">{ "Search codes and articles" }</label>
                    <input id="kb-q" type="search" value={q.clone()} {oninput}
                        placeholder="0x904, certificate, ERRCONNECT_…, clock" autocomplete="off" />
                </form>
            </section>
            if !q.trim().is_empty() {
                <section class="card" aria-labelledby="kb-results">
                    <h2 id="kb-results" aria-live="polite">{ format!("{} result{} for \"{}\"", found.count, if found.count == 1 { "" } else { "s" }, q.trim()) }</h2>
                    <Markup html={AttrValue::from(found.html)} />
                </section>
            }
            <Markup html={AttrValue::from(kb.kb_screen(&Route::Kb.path()))} />
        </>
    }
}
