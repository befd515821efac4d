//! A saved connection (.rdp) fills the form: the file picker, the pasted text, or a file dropped
//! anywhere on the form ([`read_files`]). The file is read in the browser and never uploaded.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::logic::rdp::{fill_from_rdp, FormFill};
use crate::ui::dom;
use crate::ui::router::{navigate_on_click, use_navigator, Route};

/// The knowledge-base article on Windows' .rdp file dialog.
const SIGNING_ARTICLE: &str = "rdp-file-signing";

/// What reading a .rdp file gave: the form's new values, or why it could not be used.
pub type Fill = Result<FormFill, String>;

/// Reads the first file of `files` and hands the result to `on_fill`.
pub fn read_files(files: Option<web_sys::FileList>, on_fill: Callback<Fill>) {
    let Some(file) = files.and_then(|f| f.get(0)) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let result = match dom::read_file(file).await {
            Ok(bytes) => fill_from_rdp(&bytes),
            Err(e) => Err(e),
        };
        on_fill.emit(result);
    });
}

#[derive(Properties, PartialEq)]
pub struct RdpFileInputProps {
    pub on_fill: Callback<Fill>,
    /// The last file's result, shown under the inputs.
    #[prop_or_default]
    pub last: Option<Fill>,
}

#[component]
pub fn RdpFileInput(props: &RdpFileInputProps) -> Html {
    let paste = use_state(String::new);
    let article = Route::KbArticle {
        id: SIGNING_ARTICLE.into(),
    }
    .path();
    let to_article = navigate_on_click(&use_navigator(), article.clone());
    let on_file = {
        let on_fill = props.on_fill.clone();
        Callback::from(move |e: Event| {
            let files = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files());
            read_files(files, on_fill.clone());
        })
    };
    let set_paste = {
        let paste = paste.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                paste.set(t.value());
            }
        })
    };
    let on_paste_apply = {
        let paste = paste.clone();
        let on_fill = props.on_fill.clone();
        Callback::from(move |_| on_fill.emit(fill_from_rdp(paste.as_bytes())))
    };
    html! {
        <div class="rdp-file">
            <label for="check-rdp">{ "Or use a saved connection (.rdp): " }</label>
            <input id="check-rdp" type="file" accept=".rdp,application/x-rdp" onchange={on_file} />
            <span class="hint">{ "Drop it anywhere on this form. It is read here, in your browser, and never uploaded." }</span>
            <details>
                <summary>{ "Paste the .rdp file's text instead" }</summary>
                <label for="check-rdp-text" class="sr-only">{ ".rdp file text" }</label>
                <textarea id="check-rdp-text" rows="4" value={(*paste).clone()} oninput={set_paste}
                    placeholder="full address:s:rdp.example.com:3389" />
                <button type="button" onclick={on_paste_apply}>{ "Fill the form from it" }</button>
            </details>
            { note(props.last.as_ref(), &article, to_article) }
        </div>
    }
}

fn note(last: Option<&Fill>, article: &str, to_article: Callback<MouseEvent>) -> Html {
    match last {
        None => html! {},
        Some(Err(e)) => html! { <p class="field-error" role="alert">{ e.clone() }</p> },
        Some(Ok(f)) => html! {
            <div class="note" role="status">
                <p>{ format!("Filled from the file: {}:{}, {}.", f.host, f.port, f.gateway_usage) }</p>
                if !f.notes.is_empty() {
                    <ul>{ for f.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                }
                <p class="rdp-security-title">{ "When this file is opened on Windows:" }</p>
                <ul class="rdp-security">
                    { for f.security.iter().map(|n| html! { <li>{ n.clone() }</li> }) }
                </ul>
                <p><a href={article.to_string()} onclick={to_article}>{ "Why Windows warns about .rdp files, and how to sign them" }</a></p>
            </div>
        },
    }
}
