//! Markup written as text (the report module's report, the explain and knowledge-base screens'
//! read-only parts: `logic/markup.rs`) inserted into a container that wires what is
//! interactive in it by event delegation: a command's copy button copies its command, a link to
//! a screen of the page navigates in-page.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::dom;
use super::router::{is_plain_click, use_navigator, Navigator};
use crate::logic::downloads::LISTING_PATH;

#[derive(Properties, PartialEq)]
pub struct MarkupProps {
    /// Escaped markup of our own (never text from elsewhere as it is).
    pub html: AttrValue,
    #[prop_or(AttrValue::Static("markup"))]
    pub class: AttrValue,
}

#[component]
pub fn Markup(props: &MarkupProps) -> Html {
    let onclick = delegate(use_navigator());
    html! {
        <div class={props.class.clone()} {onclick}>{ Html::from_html_unchecked(props.html.clone()) }</div>
    }
}

/// Clicks inside inserted markup.
fn delegate(navigator: Option<Navigator>) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        let Some(target) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if let Ok(Some(button)) = target.closest("button.copy") {
            let code = button
                .closest(".code")
                .ok()
                .flatten()
                .and_then(|block| block.query_selector("pre code").ok().flatten())
                .and_then(|c| c.text_content());
            let label = button.query_selector("span").ok().flatten();
            if let Some(code) = code {
                wasm_bindgen_futures::spawn_local(async move {
                    let copied = dom::copy(&code).await;
                    if let Some(label) = label {
                        label.set_text_content(Some(if copied {
                            "Copied"
                        } else {
                            "Copy failed — select the text"
                        }));
                    }
                });
            }
            return;
        }
        let link = target.closest("a[href^='/']").ok().flatten();
        if let (Some(a), Some(n)) = (link, &navigator) {
            // A download is the browser's, not a screen of the page.
            let own = |h: &String| !h.starts_with("//") && !h.starts_with(LISTING_PATH);
            if let Some(href) = a.get_attribute("href").filter(own) {
                if is_plain_click(&e) {
                    e.prevent_default();
                    n.push(&href);
                }
            }
        }
    })
}
