//! A finished report: verdict card, timeline, stages, findings, details, and sharing.

use std::rc::Rc;

use rdpcheck_report::wire::SignedReport;
use rdpcheck_report::{CertInfo, LayerResult, Report, Severity, VerdictStatus};
use yew::prelude::*;

use super::dom;
use super::timeline::Timeline;
use super::widgets::{article_link, fixes, CopyButton};
use crate::logic::evidence::articles_for_report;
use crate::logic::format::{ms, severity_word, skew, stage_title, status_word};
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
    let title = match (&r.verdict.stage, healthy) {
        (_, true) => "Healthy: a client would reach the logon".to_string(),
        (Some(s), false) => format!("A client would fail at the {s} stage"),
        (None, false) => "A client would fail".to_string(),
    };
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
        <section class={classes!("card", "verdict", if healthy { "healthy" } else { "problem" })} aria-labelledby="verdict-title">
            <h2 id="verdict-title" tabindex="-1">
                <span class="verdict-mark" aria-hidden="true">{ if healthy { "✓" } else { "✕" } }</span>
                { title }
            </h2>
            <p class="verdict-summary">{ r.verdict.summary.clone() }</p>
            if let Some(h) = &r.verdict.client_error_hint {
                <p>{ "A client would most likely show: " }<strong>{ h.clone() }</strong></p>
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
    let target = if r.target.host.contains(':') {
        format!("[{}]:{}", r.target.host, r.target.port)
    } else {
        format!("{}:{}", r.target.host, r.target.port)
    };
    html! {
        <dl class="meta">
            <div><dt>{ "Target" }</dt><dd>{ target }
                if let Some(a) = &r.target.probed_address { { format!(" ({a})") } }</dd></div>
            if let Some(g) = &r.gateway {
                <div><dt>{ "RD Gateway" }</dt><dd>{ format!("{}:{}", g.host, g.port) }</dd></div>
            }
            <div><dt>{ "Checked" }</dt><dd>{ format!("{} ({})", r.started_at, ms(r.duration_ms)) }</dd></div>
            <div><dt>{ "Engine" }</dt><dd>{ format!("{} {}", r.tool.name, r.tool.version) }</dd></div>
            if let Some(s) = &r.relay {
                <div><dt>{ "Relay key" }</dt><dd>{ format!("{} (signed {})", s.key_id, s.signed_at) }</dd></div>
            }
            if r.redacted {
                <div><dt>{ "Redacted" }</dt><dd>{ "names and addresses replaced" }</dd></div>
            }
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

fn row(k: &str, v: impl Into<String>) -> Html {
    html! { <div><dt>{ k.to_string() }</dt><dd>{ v.into() }</dd></div> }
}

fn cert(c: &CertInfo) -> Html {
    html! {
        <dl class="kv">
            { row("Subject", c.subject.clone()) }
            { row("Issuer", format!("{}{}", c.issuer, if c.self_signed { " (self-signed)" } else { "" })) }
            { row("Valid", format!("{} to {} ({} days left)", c.not_before, c.not_after, c.days_to_expiry)) }
            { row("Names", if c.san.is_empty() { "none".to_string() } else { c.san.join(", ") }) }
            { row("Name matches", if c.name_matches { "yes" } else { "no" }) }
            { row("Key", format!("{} {} bits, {}", c.key_type, c.key_bits, c.signature_algorithm)) }
            <div><dt>{ "SHA-256" }</dt><dd><code class="wrap">{ c.sha256.clone() }</code></dd></div>
        </dl>
    }
}

fn layer(name: &str, l: &LayerResult) -> Html {
    let what = if l.accepted {
        "accepted".to_string()
    } else if let Some(f) = &l.failure {
        format!("refused ({f})")
    } else if let Some(s) = &l.selected {
        format!("not accepted: the server selected {s} instead")
    } else if let Some(e) = &l.error {
        format!("no answer ({e})")
    } else {
        "not accepted".to_string()
    };
    html! {
        <tr><th scope="row">{ name.to_string() }</th>
            <td><span class={classes!("status", if l.accepted { "pass" } else { "skipped" })}>{ what }</span></td></tr>
    }
}

fn details(r: &Report) -> Html {
    html! {
        <section class="card details" aria-labelledby="details-title">
            <h2 id="details-title">{ "Details" }</h2>
            if let Some(t) = &r.tls {
                <details>
                    <summary>{ "Certificate and TLS" }</summary>
                    <dl class="kv">
                        if let Some(v) = &t.version { { row("Version", v.clone()) } }
                        if let Some(v) = &t.cipher_suite { { row("Cipher suite", v.clone()) } }
                        if let Some(v) = &t.key_exchange { { row("Key exchange", v.clone()) } }
                        if let Some(v) = &t.legacy_version { { row("Legacy version", v.clone()) } }
                    </dl>
                    if let Some(c) = &t.certificate { { cert(c) } }
                    if t.chain.len() > 1 { <p class="muted">{ format!("The server sent {} certificates.", t.chain.len()) }</p> }
                </details>
            }
            if let Some(l) = &r.security_layers {
                <details>
                    <summary>{ "Security layers" }</summary>
                    <p>{ format!("NLA required: {}. Standard RDP security allowed: {}.",
                        if l.nla_required { "yes" } else { "no" }, if l.standard_rdp_allowed { "yes" } else { "no" }) }</p>
                    <table class="layers"><caption class="sr-only">{ "Each security layer asked for alone" }</caption>
                        <tbody>
                            { layer("Standard RDP", &l.rdp) }{ layer("TLS", &l.tls) }{ layer("NLA (CredSSP)", &l.nla) }
                            { layer("NLA-EX", &l.nla_ex) }{ layer("RDSTLS", &l.rdstls) }{ layer("RDS-AAD", &l.rdsaad) }
                        </tbody>
                    </table>
                </details>
            }
            if let Some(n) = &r.nla {
                <details>
                    <summary>{ "NTLM identity and clock" }</summary>
                    <p class="muted">{ "From the NTLM challenge; no credential was sent." }</p>
                    <dl class="kv">
                        if let (Some(d), Some(c)) = (&n.netbios_domain, &n.netbios_computer) { { row("NetBIOS", format!("{d}\\{c}")) } }
                        if let (Some(d), Some(c)) = (&n.dns_domain, &n.dns_computer) { { row("DNS", format!("{c} in {d}")) } }
                        if let Some(v) = &n.dns_tree { { row("Forest", v.clone()) } }
                        if let Some(v) = &n.product_version { { row("OS version", v.clone()) } }
                        if let Some(v) = &n.server_time { { row("Server time", v.clone()) } }
                        if let Some(v) = n.clock_skew_s { { row("Clock skew", skew(v)) } }
                    </dl>
                </details>
            }
            if let Some(s) = &r.stability {
                <details>
                    <summary>{ "Handshake statistics" }</summary>
                    <dl class="kv">
                        { row("Handshakes", format!("{}/{} ok, {} failed", s.ok, s.samples, s.failed)) }
                        { row("Min / median / max", format!("{} / {} / {}", opt_ms(s.min_ms), opt_ms(s.median_ms), opt_ms(s.max_ms))) }
                        { row("Jitter", opt_ms(s.jitter_ms)) }
                    </dl>
                    if !s.failures.is_empty() { <ul>{ for s.failures.iter().map(|f| html! { <li>{ f.clone() }</li> }) }</ul> }
                </details>
            }
            if let Some(g) = &r.gateway {
                <details>
                    <summary>{ "RD Gateway" }</summary>
                    <dl class="kv">
                        { row("Gateway", format!("{}:{}", g.host, g.port)) }
                        if !g.addresses.is_empty() { { row("Addresses", g.addresses.join(", ")) } }
                        if let Some(t) = g.trusted { { row("Certificate trusted", if t { "yes".to_string() } else { format!("no ({})", g.trust_error.clone().unwrap_or_default()) }) } }
                        if let Some(h) = &g.http { { row("HTTP answer", format!("{} {}{}", h.status, h.reason,
                            if h.auth_schemes.is_empty() { String::new() } else { format!(" (auth: {})", h.auth_schemes.join(", ")) })) } }
                        if let Some(e) = &g.http_error { { row("HTTP", e.clone()) } }
                        if let Some(p) = g.rpc_proxy { { row("RPC over HTTP", if p { "asks for authentication" } else { "no" }) } }
                    </dl>
                    if let Some(c) = g.tls.as_ref().and_then(|t| t.certificate.as_ref()) { { cert(c) } }
                </details>
            }
            if let Some(u) = &r.udp {
                <details>
                    <summary>{ "UDP transport" }</summary>
                    <dl class="kv">
                        { row("Status", format!("{} (port {}, {} tries)", u.status, u.port, u.tries)) }
                        if let Some(v) = u.rtt_ms { { row("Round trip", ms(v)) } }
                        if let Some(v) = &u.version { { row("RDP-UDP version", v.clone()) } }
                        { row("Detail", u.detail.clone()) }
                    </dl>
                </details>
            }
            if let Some(f) = &r.rdp_file {
                <details>
                    <summary>{ ".rdp file" }</summary>
                    <dl class="kv">
                        { row("File", f.path.clone()) }
                        { row("Connects to", format!("{}:{}", f.host, f.port)) }
                        { row("Gateway", format!("{} ({})", f.gateway.clone().unwrap_or_else(|| "none".into()), f.gateway_usage)) }
                    </dl>
                    <ul>{ for f.warnings.iter().chain(f.problems.iter()).map(|w| html! { <li>{ w.clone() }</li> }) }</ul>
                </details>
            }
        </section>
    }
}

fn opt_ms(v: Option<f64>) -> String {
    v.map(ms).unwrap_or_else(|| "-".to_string())
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
