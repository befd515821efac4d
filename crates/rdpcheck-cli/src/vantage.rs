//! `rdpcheck probe HOST --relay URL`: the check from this computer and, at the same time, the
//! same check by a relay over its WebSocket protocol; then the pure comparison
//! (`rdpcheck_words::vantage::compare`), both timelines one above the other with the divergence
//! marked, what it means, and a page link holding both reports (`v2.`).
//!
//! The exit code is the local verdict's (0 healthy, 1 problem, 4 incomplete), whatever the relay
//! saw or whether it could check at all: the comparison explains, it does not decide.

use std::fmt::Write;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::share::{self, VantageLink};
use rdpcheck_report::wire::{ProbeRequest, SignedReport};
use rdpcheck_report::{
    failure_code, Event, RdpFileReport, RelayFailure, RelaySide, Report, Stage, StageResult,
    Vantage, VantageDocument, VerdictStatus, SCHEMA_VERSION,
};
use rdpcheck_words as words;
use rdpcheck_words::vantage::{self as vw, Viewer};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use crate::relay::{self, RelayUrl};
use crate::render::{self, status_tag};

/// The relay options of `rdpcheck probe`.
#[derive(clap::Args, Debug, Default)]
pub struct RelayArgs {
    /// Also ask this relay for the same check, at the same time, and compare the two vantage
    /// points (http(s)://… or ws(s)://…, e.g. https://rdpcheck.example.com). The exit code stays
    /// the local check's.
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,
    /// Bearer token for a relay that asks for one (auth = token).
    #[arg(
        long,
        visible_alias = "token",
        value_name = "TOKEN",
        env = "RDPCHECK_RELAY_TOKEN",
        hide_env_values = true
    )]
    pub relay_token: Option<String>,
    /// PEM file with CA certificates to trust for an HTTPS relay (a private CA).
    #[arg(long, value_name = "FILE")]
    pub relay_ca_file: Option<PathBuf>,
}

/// What the two-vantage check needs from `rdpcheck probe`.
pub struct Run {
    pub opts: ProbeOptions,
    pub rdp_file: Option<RdpFileReport>,
    /// The target and gateway as the relay gets them (as typed, or from the .rdp file).
    pub target: String,
    pub gateway: Option<String>,
    pub json: bool,
    /// Page address for the link (the relay's own page when absent).
    pub share_link: Option<String>,
}

/// `host:port`, an IPv6 literal in brackets: how a target is typed.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Which side a progress line is from.
#[derive(Debug, Clone, Copy)]
enum Side {
    Local,
    Relay,
}

pub fn run(args: &RelayArgs, url: &str, run: Run) -> ExitCode {
    let url = match RelayUrl::parse(url) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("rdpcheck: {e}");
            return ExitCode::from(2);
        }
    };
    let extra_roots = match &args.relay_ca_file {
        None => Vec::new(),
        Some(path) => {
            match crate::plan::read_capped(path, crate::plan::MAX_CA_FILE, "--relay-ca-file")
                .and_then(|pem| {
                    rdpcheck_probe::load_pem_certs(&pem)
                        .map_err(|e| format!("--relay-ca-file {}: {e}", path.display()))
                }) {
                Ok(certs) => certs,
                Err(e) => {
                    eprintln!("rdpcheck: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let request = ProbeRequest {
        target: run.target.clone(),
        gateway: run.gateway.clone(),
        samples: Some(run.opts.samples),
        udp: Some(run.opts.udp),
        // The relay judges for the same client, so both verdicts answer the same question.
        client: Some(run.opts.client),
    };
    // The relay's own deadline for a probe is its business; this bounds the wait for it.
    let session = relay::Session {
        url: url.clone(),
        token: args.relay_token.clone().filter(|t| !t.trim().is_empty()),
        extra_roots,
        deadline: run.opts.total_timeout.max(Duration::from_secs(30)) + Duration::from_secs(30),
    };
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let live = std::io::stderr().is_terminal();
    let opts = run.opts.clone();
    let (local, relayed) = runtime.block_on(async move {
        let (events_tx, events_rx) = unbounded_channel::<Event>();
        let (relay_tx, relay_rx) = unbounded_channel::<StageResult>();
        let printer = live.then(|| tokio::spawn(progress(events_rx, relay_rx)));
        let (local, relayed) = tokio::join!(
            rdpcheck_probe::probe(opts, live.then_some(events_tx)),
            relay::check(&session, request, live.then_some(relay_tx)),
        );
        if let Some(p) = printer {
            let _ = p.await;
        }
        (local, relayed)
    });
    let mut local = local;
    local.rdp_file = run.rdp_file;

    let relayed = relayed.and_then(|r| {
        let report = share::report(&r.signed).map_err(|e| RelayFailure {
            code: failure_code::PROTOCOL.into(),
            message: format!("the relay's report cannot be read: {e}"),
        })?;
        Ok((r, report))
    });
    let local_text = match serde_json::to_string(&local) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("rdpcheck: internal error: cannot encode the report: {e}");
            return ExitCode::from(3);
        }
    };
    let mut doc = VantageDocument {
        schema: SCHEMA_VERSION,
        local,
        relay: RelaySide {
            url: url.probe_url(),
            signed: None,
            redacted: None,
            public_key: None,
            error: None,
        },
        vantage: None,
        link: None,
    };
    let base = run
        .share_link
        .clone()
        .unwrap_or_else(|| url.page_url())
        .trim_end_matches('/')
        .to_string();
    let mut relay_report = None;
    match relayed {
        Ok((r, report)) => {
            doc.vantage = Some(vw::compare(&doc.local, &report));
            doc.link = Some(format!(
                "{base}/r#{}",
                share::encode_vantage(&VantageLink {
                    local: local_text.clone(),
                    relay: r.signed.clone(),
                })
            ));
            doc.relay.signed = Some(r.signed);
            doc.relay.redacted = r.redacted;
            doc.relay.public_key = Some(r.public_key);
            relay_report = Some(report);
        }
        Err(e) => doc.relay.error = Some(e),
    }

    if run.json {
        match serde_json::to_string_pretty(&doc) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("rdpcheck: internal error: cannot encode the report: {e}");
                return ExitCode::from(3);
            }
        }
    } else {
        print!("{}", render::report(&doc.local));
        print!("{}", section(&doc, relay_report.as_ref()));
    }
    // Without the relay's report there is no two-vantage link; --share-link still gives the
    // local report's own (unsigned) link, as without --relay.
    if doc.link.is_none() {
        if let Some(base) = &run.share_link {
            let link = format!(
                "{}/r#{}",
                base.trim_end_matches('/'),
                share::encode(&SignedReport {
                    report: local_text,
                    signature: String::new(),
                    key_id: "unsigned".into(),
                })
            );
            if run.json {
                eprintln!("share link (unsigned): {link}");
            } else {
                println!(
                    "\nShare link (unsigned: made by the CLI, not signed by a relay):\n  {link}"
                );
            }
        }
    }
    match doc.local.verdict.status {
        VerdictStatus::Healthy => ExitCode::SUCCESS,
        VerdictStatus::Problem => ExitCode::from(1),
        VerdictStatus::Incomplete => ExitCode::from(4),
    }
}

/// Live progress of both checks on stderr, each line marked with its side.
async fn progress(mut local: UnboundedReceiver<Event>, mut relay: UnboundedReceiver<StageResult>) {
    let line = |side: Side, r: &StageResult| {
        let label = match side {
            Side::Local => vw::local_label(Viewer::Here),
            Side::Relay => vw::RELAY_LABEL,
        };
        eprintln!(
            "  {label:<15}{name:<16}{tag:<8}{ms:>8}  {summary}",
            name = r.name,
            tag = status_tag(r.status),
            ms = words::ms(r.duration_ms),
            summary = r.summary
        );
    };
    let (mut local_open, mut relay_open) = (true, true);
    while local_open || relay_open {
        tokio::select! {
            event = local.recv(), if local_open => match event {
                Some(Event::StageFinished { result, .. }) => line(Side::Local, &result),
                Some(_) => {}
                None => local_open = false,
            },
            result = relay.recv(), if relay_open => match result {
                Some(result) => line(Side::Relay, &result),
                None => relay_open = false,
            },
        }
    }
}

/// The most columns a timeline row takes before it wraps.
const WIDTH: usize = 100;

/// The comparison after the local report: both timelines, the divergence, the verdicts, what it
/// means, the link — or why the relay could not check.
pub fn section(doc: &VantageDocument, relay: Option<&Report>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{} — {}", vw::TITLE, doc.relay.url);
    let local_label = vw::local_label(Viewer::Here);
    let label_width = local_label.len().max(vw::RELAY_LABEL.len()) + 2;
    let (Some(v), Some(relay), Some(signed)) = (&doc.vantage, relay, &doc.relay.signed) else {
        let reason = doc.relay.error.as_ref().map_or_else(
            || "no report".to_string(),
            |e| format!("{} ({})", e.message, e.code),
        );
        let _ = writeln!(out, "  {}", vw::relay_could_not_check(&reason));
        return out;
    };
    let _ = writeln!(
        out,
        "  {local_label:<label_width$}{}",
        vw::local_signed(Viewer::Here)
    );
    let _ = writeln!(
        out,
        "  {:<label_width$}{}\n",
        vw::RELAY_LABEL,
        vw::relay_signed(&signed.key_id, true)
    );
    out.push_str(&timelines(v, label_width));
    if let Some(stage) = v.diverges_at {
        let _ = writeln!(out, "\n  {}", vw::at_stage(stage));
        for (label, r) in [(local_label, &doc.local), (vw::RELAY_LABEL, relay)] {
            let summary = r
                .stages
                .iter()
                .find(|s| s.name == stage)
                .map_or("-", |s| s.summary.as_str());
            let _ = writeln!(out, "    {label:<label_width$}{summary}");
        }
    }
    let _ = writeln!(out, "\n  {}", vw::VERDICTS);
    for (label, r) in [(local_label, &doc.local), (vw::RELAY_LABEL, relay)] {
        let _ = writeln!(
            out,
            "    {label:<label_width$}{} — {}",
            words::verdict_word(r.verdict.status),
            words::verdict_title(&r.verdict)
        );
    }
    let _ = writeln!(out, "\n{}.", vw::headline(v));
    let _ = writeln!(out, "{}: {}", vw::MEANING_LABEL, v.meaning);
    for note in &v.notes {
        let _ = writeln!(out, "  {}: {note}", vw::NOTE);
    }
    if let Some(link) = &doc.link {
        let _ = writeln!(out, "\n{}:\n  {link}", vw::OPEN_IN_PAGE);
    }
    out
}

/// The two timelines one above the other, a column per stage, wrapped at [`WIDTH`]; a caret
/// under the stage where they diverge.
fn timelines(v: &Vantage, label_width: usize) -> String {
    let cell = |s: Option<rdpcheck_report::StageStatus>| s.map_or("-".to_string(), status_tag);
    let columns: Vec<(Stage, String, String, usize)> = v
        .stages
        .iter()
        .map(|p| {
            let (l, r) = (cell(p.local), cell(p.relay));
            let width = p.stage.as_str().len().max(l.len()).max(r.len()) + 2;
            (p.stage, l, r, width)
        })
        .collect();
    let mut rows: Vec<Vec<&(Stage, String, String, usize)>> = vec![Vec::new()];
    let mut used = 2 + label_width;
    for col in &columns {
        let last = rows.last_mut().expect("one row at least");
        if !last.is_empty() && used + col.3 > WIDTH {
            rows.push(Vec::new());
            used = 2 + label_width;
        }
        rows.last_mut().expect("one row at least").push(col);
        used += col.3;
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut head = format!("  {:<label_width$}", "");
        let mut local = format!("  {:<label_width$}", vw::local_label(Viewer::Here));
        let mut relay = format!("  {:<label_width$}", vw::RELAY_LABEL);
        let mut marker = None;
        for (stage, l, r, width) in row {
            if v.diverges_at == Some(*stage) {
                marker = Some(head.chars().count());
            }
            let _ = write!(head, "{:<width$}", stage.as_str());
            let _ = write!(local, "{l:<width$}");
            let _ = write!(relay, "{r:<width$}");
        }
        for line in [head, local, relay] {
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if let Some(at) = marker {
            let _ = writeln!(out, "{:at$}^ {}", "", vw::DIVERGES_HERE);
        }
    }
    out
}

#[cfg(test)]
mod tests;
