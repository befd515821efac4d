//! A finished report: the verification banner (shared links), the report itself as the report
//! module renders it (verdict card, timeline, stages, findings, details), and the share box.
//!
//! The module's markup goes as it is into a container (`Markup`) that wires what is interactive
//! in it by event delegation: the copy buttons of the fixes' commands, and links to the page's
//! own screens (in-page navigation).

use std::cell::Cell;
use std::rc::Rc;

use rdpcheck_report::wire::SignedReport;
use yew::prelude::*;

use super::dom;
use super::markup::Markup;
use super::module::{self, ReportModule, View};
use super::widgets::CopyButton;
use crate::logic::share::Verification;
use crate::logic::{errors, markup};
use rdpcheck_words::vantage::LOCAL_NOT_SIGNED;

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    /// The report as the relay signed it: a check's full report, or a shared link's.
    pub signed: Rc<SignedReport>,
    /// A check's redacted copy, for the redacted share link.
    #[prop_or_default]
    pub redacted: Option<Rc<SignedReport>>,
    /// Opened from a share link (read-only: no link to make, a banner instead); otherwise the
    /// report of a check just made, which gets the focus once shown.
    #[prop_or_default]
    pub shared: bool,
    /// A shared report's verification banner (`None` while the signature is being checked).
    #[prop_or_default]
    pub verification: Option<Verification>,
    /// A two-vantage link's other report: the user's computer's, unsigned (`signed` is then the
    /// relay's). The module compares the two and renders both.
    #[prop_or_default]
    pub local: Option<Rc<str>>,
}

/// What the report module made of the report.
#[derive(Clone, PartialEq)]
enum Shown {
    Ready(ReportModule, Rc<View>, AttrValue),
    /// The module could not be loaded.
    Unavailable(String),
    /// The text is not a report.
    Unreadable(String),
}

#[component]
pub fn ReportPanel(props: &ReportProps) -> Html {
    let shown = use_state(|| None::<Shown>);
    {
        let shown = shown.clone();
        // A two-vantage view names the relay's signature as checked: drawn again once it is.
        let verified = props
            .local
            .as_ref()
            .and(props.verification.as_ref())
            .map(Verification::is_verified);
        let deps = (props.signed.clone(), props.local.clone(), verified);
        use_effect_with(deps, move |(signed, local, verified)| {
            let cancelled = Rc::new(Cell::new(false));
            let (signed, local, verified) = (signed.clone(), local.clone(), *verified);
            let c = cancelled.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = match module::load().await {
                    Err(e) => Shown::Unavailable(e),
                    Ok(m) => match match &local {
                        Some(l) => m.vantage(l, &signed, verified),
                        None => m.view(&signed.report),
                    } {
                        Ok(v) => {
                            let html = AttrValue::from(v.html.clone());
                            Shown::Ready(m, Rc::new(v), html)
                        }
                        Err(e) => Shown::Unreadable(e),
                    },
                };
                if !c.get() {
                    shown.set(Some(result));
                }
            });
            move || cancelled.set(true)
        });
    }
    // A check's report takes the focus once it is there (a shared one is the whole screen).
    let ready = matches!(*shown, Some(Shown::Ready(..)));
    // Once the module's markup is in the page (`cargo xtask bench page` reads the mark).
    use_effect_with(ready, |ready| {
        if *ready {
            dom::mark("rdpcheck:report");
        }
    });
    let focus = ready && !props.shared;
    use_effect_with(focus, |focus| {
        if *focus {
            dom::focus("verdict-title");
        }
    });
    let body = match &*shown {
        None => html! { <p class="card muted" role="status">{ "Loading the report…" }</p> },
        Some(Shown::Ready(_, _, html)) => html! {
            <Markup html={html.clone()} class={AttrValue::Static("report-body")} />
        },
        Some(Shown::Unavailable(why)) => html! {
            <div class="card error" role="alert">
                <h2>{ "The report could not be shown" }</h2>
                <p class="detail">{ format!("The page's report module did not load ({why}).") }</p>
                <p>{ "Reload the page to try again. The JSON download below holds the whole report." }</p>
            </div>
        },
        Some(Shown::Unreadable(why)) if props.shared => html! {
            <Markup html={AttrValue::from(markup::link_error(2, &format!("The link does not hold a report: {why}")))} />
        },
        Some(Shown::Unreadable(why)) => {
            let e = errors::protocol(&format!("the report is unreadable: {why}"));
            html! {
                <div class="card error" role="alert">
                    <h2>{ e.title }</h2>
                    <p class="detail">{ e.detail }</p>
                    <p>{ e.action }</p>
                </div>
            }
        }
    };
    let (module, started_at) = match &*shown {
        Some(Shown::Ready(m, v, _)) => (Some(m.clone()), v.started_at.clone()),
        _ => (None, String::new()),
    };
    let readable = !matches!(*shown, Some(Shown::Unreadable(_)));
    html! {
        <article class="report" aria-labelledby="verdict-title">
            if let Some(v) = &props.verification { { banner(v) } }
            if props.local.is_some() {
                <div class="banner local" role="status">
                    <strong>{ "User's computer's report — " }{ LOCAL_NOT_SIGNED }</strong>
                    <span>{ "rdpcheck ran the same check on the user's computer at the same time; only the relay signs, so that report is shown as it came." }</span>
                </div>
            }
            { body }
            if readable {
                <ShareBox {module} started_at={AttrValue::from(started_at)} full={props.signed.clone()}
                    redacted={props.redacted.clone()} shared={props.shared} local={props.local.clone()}
                    verified={props.verification.as_ref().map(|v| AttrValue::from(v.headline()))} />
            }
        </article>
    }
}

fn banner(v: &Verification) -> Html {
    let class = match v {
        Verification::Verified { .. } => "banner ok",
        Verification::Local => "banner local",
        _ => "banner bad",
    };
    html! {
        <div class={class} role="status">
            <strong>{ if v.is_verified() { "✓ " } else { "⚠ " } }{ v.headline() }</strong>
            <span>{ v.detail() }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ShareProps {
    /// `None` until the report module is there (or when it could not be loaded): then only the
    /// JSON download is offered.
    module: Option<ReportModule>,
    started_at: AttrValue,
    full: Rc<SignedReport>,
    redacted: Option<Rc<SignedReport>>,
    shared: bool,
    verified: Option<AttrValue>,
    /// A two-vantage link's local report: the ticket text then holds both, and the link.
    local: Option<Rc<str>>,
}

#[component]
fn ShareBox(props: &ShareProps) -> Html {
    let use_redacted = use_state(|| false);
    let chosen = match (&props.redacted, *use_redacted) {
        (Some(r), true) => r.clone(),
        _ => props.full.clone(),
    };
    let module = props.module.as_ref();
    let url = module
        .filter(|_| !props.shared)
        .map(|m| m.share_link(&dom::origin(), &chosen));
    // A two-vantage link's ticket text points back at the link itself (the page's address).
    let here = props.local.as_ref().map(|_| dom::href());
    let md = module.and_then(|m| {
        let link = url.as_deref().or(here.as_deref());
        m.markdown(
            &chosen.report,
            props.verified.as_deref(),
            link,
            props.local.as_deref(),
        )
        .ok()
    });
    // The exact signed text: what the relay signed is what is downloaded.
    let download = {
        let json = chosen.report.clone();
        let name = if props.started_at.is_empty() {
            "rdpcheck-report.json".to_string()
        } else {
            format!("rdpcheck-{}.json", props.started_at.replace(':', "-"))
        };
        Callback::from(move |_: MouseEvent| dom::download(&name, "application/json", &json))
    };
    let pick = |v: bool| {
        let s = use_redacted.clone();
        Callback::from(move |_| s.set(v))
    };
    html! {
        <section class="card share" aria-labelledby="share-title">
            <h2 id="share-title">{ "Share" }</h2>
            if !props.shared {
                <fieldset class="choice">
                    <legend>{ "What the link holds" }</legend>
                    <label><input type="radio" name="share-kind" checked={!*use_redacted} onchange={pick(false)} />
                        { " Full report" }</label>
                    <label>
                        <input type="radio" name="share-kind" checked={*use_redacted} onchange={pick(true)}
                            disabled={props.redacted.is_none()} />
                        { " Redacted: names and addresses replaced" }
                    </label>
                </fieldset>
                if let Some(u) = &url {
                    <label class="field" for="share-link">{ "Link (the whole signed result is in it; nothing is stored on the relay)" }</label>
                    <div class="link-row">
                        <input id="share-link" type="text" readonly=true value={u.clone()} />
                        <CopyButton text={AttrValue::from(u.clone())} label={AttrValue::Static("Copy link")} />
                    </div>
                }
            }
            <div class="actions">
                if let Some(md) = md {
                    <CopyButton text={AttrValue::from(md)} label={AttrValue::Static("Copy as Markdown")} />
                }
                <button type="button" onclick={download}>{ "Download JSON" }</button>
            </div>
        </section>
    }
}
