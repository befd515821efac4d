//! Start from the error: what the pasted text means, the likely causes in order, the check
//! that confirms or rules out each, and one button to run those checks against the host.

use std::rc::Rc;

use rdpcheck_kb::{explain, CodeMatch, ExplainError, Explanation};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::check::CheckPanel;
use super::kbload::prefetch;
use super::router::{use_location, use_navigator, Link, Route};
use super::widgets::{article_body, article_link};
use crate::logic::evidence::{seen, Evidence, Seen};
use crate::logic::symptoms::SYMPTOMS;

/// `/explain?q=`
#[component]
pub fn ExplainRoute() -> Html {
    let q = use_location().param("q");
    html! { <ExplainPage {q} /> }
}

#[derive(Properties, PartialEq)]
pub struct ExplainPageProps {
    #[prop_or_default]
    pub q: AttrValue,
}

#[component]
pub fn ExplainPage(props: &ExplainPageProps) -> Html {
    html! {
        <>
            <section class="card intro">
                <h1>{ "What does this error mean?" }</h1>
                <PasteForm q={props.q.clone()} />
            </section>
            if props.q.trim().is_empty() { <Symptoms /> } else { <ExplainView q={props.q.clone()} /> }
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
            <textarea id="paste-text" rows="3" value={(*text).clone()} {oninput} onfocus={Callback::from(|_| prefetch())}
                placeholder="Error code: 0x904  Extended error code: 0x7" />
            <div class="actions"><button type="submit" class="primary">{ "Explain" }</button></div>
        </form>
    }
}

/// "Pick a symptom" links.
#[component]
pub fn Symptoms() -> Html {
    html! {
        <section class="card" aria-labelledby="symptoms-title">
            <h2 id="symptoms-title">{ "Or pick what you saw" }</h2>
            <ul class="symptoms">
                { for SYMPTOMS.iter().map(|(label, q)| html! {
                    <li><Link to={Route::Explain.with_query(&[("q", q)])}>{ label.to_string() }</Link></li>
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExplainViewProps {
    pub q: AttrValue,
}

/// The explanation of `q`, rendered straight from the knowledge base (no relay needed).
#[component]
pub fn ExplainView(props: &ExplainViewProps) -> Html {
    let evidence = use_state(|| None::<Rc<Evidence>>);
    let on_evidence = {
        let evidence = evidence.clone();
        Callback::from(move |e: Rc<Evidence>| evidence.set(Some(e)))
    };
    match explain(&props.q) {
        Err(e) => not_understood(&e),
        Ok(ex) => html! {
            <>
                <section class="card" aria-labelledby="meaning-title">
                    <h2 id="meaning-title">{ "What it means" }</h2>
                    { for ex.codes.iter().map(code_card) }
                    { for ex.findings.iter().map(|f| html! {
                        <div class="code-card">
                            <h3><code>{ f.code.to_string() }</code>{ " — rdpcheck finding" }</h3>
                            <p>{ f.meaning.clone() }</p>
                        </div>
                    }) }
                    if let Some(c) = &ex.combination {
                        <div class="combo">
                            <h3>{ format!("Together: {}", c.title) }</h3>
                            <p>{ c.summary.clone() }</p>
                            { for c.notes.iter().map(|n| html! { <p class="muted">{ n.clone() }</p> }) }
                        </div>
                    }
                    if !ex.unknown.is_empty() {
                        <h3>{ "Not understood" }</h3>
                        <ul>{ for ex.unknown.iter().map(|u| html! { <li><code>{ u.text.clone() }</code>{ format!(": {}", u.hint) }</li> }) }</ul>
                    }
                </section>
                { causes(&ex, evidence.as_deref()) }
                if !ex.causes.is_empty() {
                    <CheckPanel title={AttrValue::Static("Run these checks against your host")} {on_evidence} />
                    { fixes_by_cause(&ex) }
                }
            </>
        },
    }
}

fn not_understood(e: &ExplainError) -> Html {
    let (title, unknown) = match e {
        ExplainError::Empty { .. } => ("Nothing to explain yet".to_string(), Vec::new()),
        ExplainError::NotUnderstood { input, unknown, .. } => (
            format!("No Remote Desktop error code recognised in \"{input}\""),
            unknown.clone(),
        ),
    };
    html! {
        <>
            <section class="card error" role="alert">
                <h2>{ title }</h2>
                if !unknown.is_empty() {
                    <ul>{ for unknown.iter().map(|u| html! { <li><code>{ u.text.clone() }</code>{ format!(": {}", u.hint) }</li> }) }</ul>
                }
                <p>{ "Paste the codes exactly as the dialog shows them, e.g. \"Error code: 0x904 Extended error code: 0x7\", \
                      a number such as 0x204 or 2308, a FreeRDP name such as ERRCONNECT_CONNECT_TRANSPORT_FAILED, \
                      or an rdpcheck finding such as tls.closed_after_hello." }</p>
            </section>
            <Symptoms />
        </>
    }
}

fn code_card(m: &CodeMatch) -> Html {
    let (name, short, meaning) = match (&m.entry, &m.range) {
        (Some(e), _) => (e.name.clone(), e.short.clone(), e.meaning.clone()),
        (None, Some(r)) => (r.name.clone(), r.short.clone(), r.meaning.clone()),
        _ => (String::new(), String::new(), String::new()),
    };
    let undocumented = m.entry.as_ref().is_some_and(|e| !e.documented);
    html! {
        <div class="code-card">
            <h3>
                <span class="code-label">{ format!("{} ", m.label) }</span>
                <code>{ m.hex.clone() }</code>
                <span class="muted">{ format!(" ({})", m.decimal) }</span>
                { " — " }{ if short.is_empty() { name.clone() } else { short } }
            </h3>
            <p class="muted">
                <Link to={Route::KbTable { table: m.table.clone() }.path()}>{ m.table_title.clone() }</Link>
                { format!(": {name}") }
                if undocumented { { " (not in Microsoft's documentation)" } }
                { format!(". Read as {}.", m.interpretation) }
            </p>
            <p>{ meaning.split_whitespace().collect::<Vec<_>>().join(" ") }</p>
            { for m.related.iter().map(|r| html! {
                <p class="muted">{ format!("Same number in {}: {} {} — {}", r.table_title, r.hex, r.name, r.meaning) }</p>
            }) }
            if !m.also.is_empty() {
                <p class="muted">{ "The same number also means: " }
                    { m.also.iter().map(|r| format!("{} {} ({})", r.hex, r.name, r.table_title)).collect::<Vec<_>>().join("; ") }</p>
            }
        </div>
    }
}

fn seen_badge(s: Seen) -> Html {
    let (class, text) = match s {
        Seen::Found => ("found", "found — supports this cause"),
        Seen::Absent => ("absent", "not found — less likely"),
        Seen::Untested => (
            "untested",
            "not tested (an earlier stage stopped the check)",
        ),
    };
    html! { <span class={classes!("seen", class)}>{ text }</span> }
}

fn causes(ex: &Explanation, evidence: Option<&Evidence>) -> Html {
    if ex.causes.is_empty() {
        return html! {
            <section class="card">
                <h2>{ "Nothing to fix" }</h2>
                <p>{ "These codes describe a normal end of the session or a condition on the client itself." }</p>
            </section>
        };
    }
    html! {
        <section class="card" aria-labelledby="causes-title">
            <h2 id="causes-title">{ "Likely causes, most likely first" }</h2>
            if evidence.is_some() { <p class="note" role="status">{ "Marked with the result of your check below." }</p> }
            <ol class="causes">
                { for ex.causes.iter().map(|c| html! {
                    <li>
                        <h3>{ article_link(&c.article, &c.title) }</h3>
                        { for c.why.iter().map(|w| html! { <p>{ w.split_whitespace().collect::<Vec<_>>().join(" ") }</p> }) }
                        if !c.evidence.is_empty() {
                            <p class="muted">{ "What confirms or rules it out:" }</p>
                            <ul class="evidence">
                                { for c.evidence.iter().map(|e| html! {
                                    <li>
                                        if let Some(f) = &e.finding {
                                            <code class="finding-code">{ f.clone() }</code>{ " " }
                                            if let Some(e) = evidence { { seen_badge(seen(f, e)) }{ " " } }
                                        } else {
                                            <span class="muted">{ "check: " }</span>
                                        }
                                        { e.means.split_whitespace().collect::<Vec<_>>().join(" ") }
                                    </li>
                                }) }
                            </ul>
                        }
                    </li>
                }) }
            </ol>
        </section>
    }
}

fn fixes_by_cause(ex: &Explanation) -> Html {
    html! {
        <section class="card" aria-labelledby="fixes-title">
            <h2 id="fixes-title">{ "Fixes, by cause" }</h2>
            { for ex.articles.iter().enumerate().map(|(i, a)| html! {
                <details class="fix">
                    <summary>{ format!("{}. {}", i + 1, a.title) }</summary>
                    { article_body(a, 3) }
                </details>
            }) }
        </section>
    }
}
