//! The stages and findings as the relay streams them, and why a check stopped.

use rdpcheck_web_report::timeline;
use yew::prelude::*;

use super::socket::RunState;
use crate::logic::errors::UserError;
use crate::logic::format::{ms, severity_word, stage_title, status_word};
use crate::logic::session::{CheckRun, Phase};
use crate::ui::downloads::{offer, Listing};

/// Progress while the check runs (and what it reached when it stopped), then nothing once the
/// report is in: the report shows all of it and more. `now` is the page clock (ms). (A function:
/// it keeps no state, and its panel re-renders on every tick anyway.)
/// A policy refusal offers the download, for `sent` (the target as sent).
pub fn live_progress(state: &RunState, now: f64, listing: &Option<Listing>, sent: &str) -> Html {
    let run = &state.run;
    if matches!(run.phase, Phase::Idle) {
        return html! {};
    }
    let show_progress =
        run.is_active() || (matches!(run.phase, Phase::Failed(_)) && !run.stages.is_empty());
    html! {
        <>
            if show_progress { { progress(run, now) } }
            if let Phase::Failed(e) = &run.phase {
                { error_box(e) }
                if e.offers_download() { <div class="card">{ offer(listing, sent) }</div> }
            }
        </>
    }
}

fn progress(run: &CheckRun, now: f64) -> Html {
    let elapsed = run
        .running_stage()
        .map(|s| s.started_ms + (now - s.seen_at).max(0.0))
        .unwrap_or(0.0);
    // The same picture as the report's (the report module draws that one with the same code).
    let timeline = AttrValue::from(timeline::html(&timeline::layout(&run.bars(elapsed))));
    let status = match &run.phase {
        Phase::Connecting => "Connecting to the relay…".to_string(),
        Phase::Running => match run.running_stage() {
            Some(s) => format!("Running: {}", stage_title(s.name)),
            None => "Running…".to_string(),
        },
        Phase::Done(_) => "Finished.".to_string(),
        Phase::Failed(_) => "Stopped.".to_string(),
        Phase::Idle => String::new(),
    };
    html! {
        <section class="card live" aria-labelledby="live-title">
            <h2 id="live-title">{ "Progress" }</h2>
            <p class="live-status" role="status">{ status }{ format!(" {}", ms((now - run.started_at).max(0.0))) }</p>
            <ol class="stage-list" aria-live="polite" aria-relevant="additions text">
                { for run.stages.iter().map(|s| {
                    let (class, word, time) = match &s.result {
                        Some(r) => (status_word(r.status), status_word(r.status).to_string(), ms(r.duration_ms)),
                        None => ("running", "running".to_string(), ms((now - s.seen_at).max(0.0))),
                    };
                    html! {
                        <li class={classes!("stage", class)}>
                            <span class={classes!("status", class)}>{ word }</span>
                            <span class="stage-name">{ stage_title(s.name) }</span>
                            <span class="num">{ time }</span>
                            if let Some(r) = &s.result { <span class="stage-summary">{ r.summary.clone() }</span> }
                        </li>
                    }
                }) }
            </ol>
            { Html::from_html_unchecked(timeline) }
            if !run.findings.is_empty() {
                <h3>{ "Findings so far" }</h3>
                <ul class="findings" aria-live="polite">
                    { for run.findings.iter().map(|f| html! {
                        <li class={classes!("finding", severity_word(f.severity))}>
                            <span class={classes!("sev", severity_word(f.severity))}>{ severity_word(f.severity) }</span>
                            <code class="finding-code">{ f.code.to_string() }</code>
                            <span>{ f.summary.clone() }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// What went wrong, in words, and what to do (a function, not a component: no state, and each
/// component type costs about 1 KiB of wasm).
fn error_box(e: &UserError) -> Html {
    html! {
        <div class="card error" role="alert">
            <h2>{ e.title.clone() }</h2>
            if !e.detail.is_empty() { <p class="detail">{ e.detail.clone() }</p> }
            <p>{ e.action.clone() }</p>
        </div>
    }
}
