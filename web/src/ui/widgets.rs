//! Small shared pieces: copy button, command blocks, article sections.

use rdpcheck_kb::{Article, Step};
use yew::prelude::*;

use super::dom;
use super::router::{Link, Route};

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

#[derive(Properties, PartialEq)]
pub struct CodeProps {
    pub code: AttrValue,
    #[prop_or_default]
    pub shell: Option<AttrValue>,
}

/// A command ready to paste, with its shell and a copy button.
#[component]
pub fn CodeBlock(props: &CodeProps) -> Html {
    let what = format!("Copy {} command", props.shell.as_deref().unwrap_or("the"));
    html! {
        <div class="code">
            <div class="code-bar">
                <span class="shell">{ props.shell.clone().unwrap_or_default() }</span>
                <CopyButton text={props.code.clone()} what={AttrValue::from(what)} />
            </div>
            <pre><code>{ props.code.clone() }</code></pre>
        </div>
    }
}

/// Paragraphs of KB prose: blank lines separate paragraphs, single newlines are soft wraps.
pub fn prose(text: &str) -> Html {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| html! { <p>{ p }</p> })
        .collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Numbered fix steps with their commands.
pub fn steps(list: &[Step], none: Option<&str>) -> Html {
    if list.is_empty() {
        return html! { <p class="muted">{ one_line(none.unwrap_or("Nothing to do on this side.")) }</p> };
    }
    html! {
        <ol class="steps">
            { for list.iter().map(|s| html! {
                <li>
                    { one_line(&s.text) }
                    { for s.commands.iter().map(|c| html! {
                        <CodeBlock code={AttrValue::from(c.code.clone())} shell={AttrValue::from(c.shell.clone())} />
                    }) }
                </li>
            }) }
        </ol>
    }
}

/// The fix for both sides of one article.
pub fn fixes(a: &Article) -> Html {
    html! {
        <div class="fix-sides">
            <section>
                <h4>{ "On your computer" }</h4>
                { steps(&a.fix_user, a.none_user.as_deref()) }
            </section>
            <section>
                <h4>{ "On the host" }</h4>
                { steps(&a.fix_host, a.none_host.as_deref()) }
            </section>
        </div>
    }
}

/// How to confirm or rule out the cause.
pub fn confirm(a: &Article) -> Html {
    html! {
        <ul class="checks">
            { for a.confirm.iter().map(|c| html! {
                <li>
                    if let Some(f) = &c.finding { <code class="finding-code">{ f.clone() }</code>{ " " } }
                    { one_line(&c.text) }
                    if let Some(cmd) = &c.command { <CodeBlock code={AttrValue::from(cmd.clone())} /> }
                </li>
            }) }
        </ul>
    }
}

/// A whole article: summary, confirm, fixes, caveats.
pub fn article_body(a: &Article, heading: u8) -> Html {
    let h = |text: &str| -> Html {
        match heading {
            2 => html! { <h2>{ text.to_string() }</h2> },
            _ => html! { <h3>{ text.to_string() }</h3> },
        }
    };
    html! {
        <>
            { prose(&a.summary) }
            { h("Symptoms") }
            { prose(&a.symptoms) }
            { h("Confirm or rule out") }
            { confirm(a) }
            { h("Fix") }
            { fixes(a) }
            if !a.notes.is_empty() {
                { h("Notes") }
                <ul>{ for a.notes.iter().map(|n| html! { <li>{ one_line(n) }</li> }) }</ul>
            }
            { h("If this did not help") }
            { prose(&a.if_not_helped) }
        </>
    }
}

/// A link to an article.
pub fn article_link(id: &str, title: &str) -> Html {
    html! { <Link to={Route::KbArticle { id: id.to_string() }.path()}>{ title.to_string() }</Link> }
}
