//! A finished report: verdict card, timeline, stages, findings, details, and sharing.

use std::rc::Rc;

use rdpcheck_report::wire::SignedReport;
use rdpcheck_report::{Report, Severity, VerdictStatus};
use rdpcheck_words::{self as words, Fact, Tone};
use yew::prelude::*;

use super::dom;
use super::timeline::Timeline;
use super::widgets::{article_link, fixes, CopyButton};
use crate::logic::evidence::articles_for_report;
use crate::logic::format::{ms, severity_word, stage_title, status_word};
use crate::logic::markdown::report_markdown;
use crate::logic::share::{link, Verification};
use crate::logic::timeline::{bars_from_report, layout};

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub report: Rc<Report>,
    /// The signed forms, when the page just received them (enables the share links).
    #[prop_or_default]
    pub full: Option<Rc<SignedReport>>,
    #[prop_or_default]
    pub redacted: Option<Rc<SignedReport>>,
    /// A shared report's verification banner.
    #[prop_or_default]
    pub verification: Option<Verification>,
    /// The signed text a shared report came from (offered as the JSON download).
    #[prop_or_default]
    pub source: Option<Rc<SignedReport>>,
}

#[component]
pub fn ReportView(props: &ReportProps) -> Html {
    let r = &props.report;
    let geometry = layout(&bars_from_report(r));
    html! {
        <article class="report" aria-labelledby="verdict-title">
            if let Some(v) = &props.verification { { banner(v) } }
            { verdict_card(r) }
            <section class="card" aria-labelledby="timeline-title">
                <h2 id="timeline-title">{ "Timeline" }</h2>
                { meta(r) }
                <Timeline {geometry} />
                { stages_table(r) }
            </section>
            { findings(r) }
            { details(r) }
            <ShareBox report={props.report.clone()} full={props.full.clone()} redacted={props.redacted.clone()}
                verification={props.verification.clone()} source={props.source.clone()} />
        </article>
    }
}

fn banner(v: &Verification) -> Html {
    let class = if v.is_verified() {
        "banner ok"
    } else {
        "banner bad"
    };
    html! {
        <div class={class} role="status">
            <strong>{ if v.is_verified() { "✓ " } else { "⚠ " } }{ v.headline() }</strong>
            <span>{ v.detail() }</span>
        </div>
    }
}

fn verdict_card(r: &Report) -> Html {
    let healthy = r.verdict.status == VerdictStatus::Healthy;
    let (class, mark) = match r.verdict.status {
        VerdictStatus::Healthy => ("healthy", "✓"),
        VerdictStatus::Problem => ("problem", "✕"),
        VerdictStatus::Incomplete => ("incomplete", "?"),
    };
    let title = words::verdict_title(&r.verdict);
    let evidence: Vec<_> = r
        .findings
        .iter()
        .filter(|f| r.verdict.codes.contains(&f.code))
        .collect();
    let warnings: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .collect();
    let articles = articles_for_report(r);
    html! {
        <section class={classes!("card", "verdict", class)} aria-labelledby="verdict-title">
            <h2 id="verdict-title" tabindex="-1">
                <span class="verdict-mark" aria-hidden="true">{ mark }</span>
                { title }
            </h2>
            <p class="verdict-summary">{ r.verdict.summary.clone() }</p>
            if let Some(h) = &r.verdict.client_error_hint {
                <p>{ format!("{}: ", words::CLIENT_HINT) }<strong>{ h.clone() }</strong></p>
            }
            if !healthy && !evidence.is_empty() {
                <h3>{ "Evidence" }</h3>
                <ul class="evidence">
                    { for evidence.iter().map(|f| html! {
                        <li>
                            <code class="finding-code">{ f.code.to_string() }</code>{ " " }{ f.summary.clone() }
                            if !f.evidence.is_empty() { <pre class="evidence-text">{ f.evidence.clone() }</pre> }
                        </li>
                    }) }
                </ul>
            }
            if healthy && !warnings.is_empty() {
                <h3>{ "Worth fixing" }</h3>
                <ul class="evidence">{ for warnings.iter().map(|f| html! {
                    <li>
                        <code class="finding-code">{ f.code.to_string() }</code>{ " " }{ f.summary.clone() }
                        if !f.evidence.is_empty() { <details><summary>{ "evidence" }</summary><pre class="evidence-text">{ f.evidence.clone() }</pre></details> }
                    </li>
                }) }</ul>
            }
            if !articles.is_empty() {
                <h3>{ if healthy { "How to fix the warnings" } else { "How to fix it" } }</h3>
                { for articles.iter().enumerate().map(|(i, a)| html! {
                    <details class="fix" open={i == 0 && !healthy}>
                        <summary>{ a.title.clone() }</summary>
                        <p>{ a.summary.split_whitespace().collect::<Vec<_>>().join(" ") }</p>
                        { fixes(a) }
                        <p>{ "More: " }{ article_link(&a.id, "the full article") }</p>
                    </details>
                }) }
            }
        </section>
    }
}

fn meta(r: &Report) -> Html {
    html! {
        <dl class="meta">
            { for words::meta(r).into_iter().map(|f| html! {
                <div><dt>{ f.label }</dt><dd>{ f.value }</dd></div>
            }) }
        </dl>
    }
}

fn stages_table(r: &Report) -> Html {
    html! {
        <div class="table-wrap">
            <table class="stages">
                <caption class="sr-only">{ "Stages" }</caption>
                <thead><tr><th scope="col">{ "Stage" }</th><th scope="col">{ "Result" }</th><th scope="col">{ "Time" }</th><th scope="col">{ "What happened" }</th></tr></thead>
                <tbody>
                    { for r.stages.iter().map(|s| html! {
                        <tr>
                            <th scope="row" title={stage_title(s.name)}>{ s.name.as_str() }</th>
                            <td><span class={classes!("status", status_word(s.status))}>{ status_word(s.status) }</span></td>
                            <td class="num">{ ms(s.duration_ms) }</td>
                            <td>{ s.summary.clone() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

fn findings(r: &Report) -> Html {
    if r.findings.is_empty() {
        return html! {};
    }
    html! {
        <section class="card" aria-labelledby="findings-title">
            <h2 id="findings-title">{ "Findings" }</h2>
            <ul class="findings">
                { for r.findings.iter().map(|f| html! {
                    <li class={classes!("finding", severity_word(f.severity))}>
                        <span class={classes!("sev", severity_word(f.severity))}>{ severity_word(f.severity) }</span>
                        <code class="finding-code">{ f.code.to_string() }</code>
                        <span>{ f.summary.clone() }</span>
                        if !f.evidence.is_empty() {
                            <details><summary>{ "evidence" }</summary><pre class="evidence-text">{ f.evidence.clone() }</pre></details>
                        }
                    </li>
                }) }
            </ul>
        </section>
    }
}

fn fact(f: &Fact) -> Html {
    let tone = match f.tone {
        Tone::Good => Some("good"),
        Tone::Bad => Some("bad"),
        Tone::Plain => None,
    };
    html! {
        <div class={classes!(tone)}>
            <dt>{ f.label }</dt>
            <dd>if f.mono { <code class="wrap">{ f.value.clone() }</code> } else { { f.value.clone() } }</dd>
        </div>
    }
}

fn details(r: &Report) -> Html {
    let sections = words::sections(r);
    if sections.is_empty() {
        return html! {};
    }
    html! {
        <section class="card details" aria-labelledby="details-title">
            <h2 id="details-title">{ "Details" }</h2>
            { for sections.iter().map(|s| html! {
                <details id={format!("details-{}", s.id)}>
                    <summary>{ s.title }</summary>
                    if let Some(note) = s.note { <p class="muted">{ note }</p> }
                    <dl class="kv">{ for s.facts.iter().map(fact) }</dl>
                </details>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ShareProps {
    report: Rc<Report>,
    full: Option<Rc<SignedReport>>,
    redacted: Option<Rc<SignedReport>>,
    verification: Option<Verification>,
    source: Option<Rc<SignedReport>>,
}

#[component]
fn ShareBox(props: &ShareProps) -> Html {
    let use_redacted = use_state(|| false);
    let chosen: Option<Rc<SignedReport>> = if *use_redacted {
        props.redacted.clone()
    } else {
        props.full.clone()
    };
    let origin = dom::origin();
    let url = chosen.as_ref().map(|s| link(&origin, s));
    let shown: Option<Report> = chosen
        .as_ref()
        .and_then(|s| rdpcheck_report::share::report(s).ok());
    let shown_report = shown.as_ref().unwrap_or(&props.report);
    let verified = props.verification.as_ref().map(|v| v.headline());
    let md = report_markdown(shown_report, verified.as_deref(), url.as_deref());
    // The exact signed text: what the relay signed is what is downloaded.
    let json = chosen
        .as_ref()
        .or(props.source.as_ref())
        .map(|s| s.report.clone());
    let download = json.map(|json| {
        let name = format!(
            "rdpcheck-{}.json",
            shown_report.started_at.replace(':', "-")
        );
        Callback::from(move |_: MouseEvent| dom::download(&name, "application/json", &json))
    });
    let pick = |v: bool| {
        let s = use_redacted.clone();
        Callback::from(move |_| s.set(v))
    };
    html! {
        <section class="card share" aria-labelledby="share-title">
            <h2 id="share-title">{ "Share" }</h2>
            if props.full.is_some() {
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
                <CopyButton text={AttrValue::from(md)} label={AttrValue::Static("Copy as Markdown")} />
                if let Some(onclick) = download {
                    <button type="button" {onclick}>{ "Download JSON" }</button>
                }
            </div>
        </section>
    }
}
