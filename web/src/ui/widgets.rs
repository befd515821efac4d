//! Small shared pieces: the copy button. (Command blocks and articles are markup written as text,
//! `rdpcheck_web_report::article`, wired by `Markup`.)

use yew::prelude::*;

use super::dom;

#[derive(Properties, PartialEq)]
pub struct CopyProps {
    pub text: AttrValue,
    #[prop_or(AttrValue::Static("Copy"))]
    pub label: AttrValue,
    /// What is copied, for screen readers ("Copy command").
    #[prop_or_default]
    pub what: Option<AttrValue>,
}

/// A button that copies `text` and says so (politely, for screen readers too).
#[component]
pub fn CopyButton(props: &CopyProps) -> Html {
    let state = use_state(|| None::<bool>);
    let onclick = {
        let text = props.text.clone();
        let state = state.clone();
        Callback::from(move |_| {
            let text = text.clone();
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                state.set(Some(dom::copy(&text).await));
            });
        })
    };
    let label = match *state {
        Some(true) => "Copied".into(),
        Some(false) => "Copy failed — select the text".into(),
        None => props.label.to_string(),
    };
    let aria = props.what.as_ref().map(|w| w.to_string());
    html! {
        <button type="button" class="copy" {onclick} aria-label={aria}>
            <span aria-live="polite">{ label }</span>
        </button>
    }
}
