//! The waterfall: one row per stage, a bar from its start for its duration, failures marked.
//! Plain SVG + CSS classes (no inline styles: the relay's CSP allows only its own stylesheet).

use yew::prelude::*;

use crate::logic::format::{fixed, ms, stage_title};
use crate::logic::timeline::{BarKind, Geometry};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub geometry: Geometry,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let g = &props.geometry;
    if g.bars.is_empty() {
        return html! {};
    }
    let summary: Vec<String> = g
        .bars
        .iter()
        .map(|b| format!("{} {} {}", b.name, ms(b.dur_ms), b.kind.class()))
        .collect();
    let label = match &g.stopped_at {
        Some(s) => format!("Timeline, stopped at {s}: {}", summary.join(", ")),
        None => format!("Timeline: {}", summary.join(", ")),
    };
    let n_ticks = g.ticks.len();
    html! {
        <figure class="timeline" role="img" aria-label={label}>
            <div class="tl-rows" aria-hidden="true">
                { for g.bars.iter().map(|b| {
                    let x = fixed(b.x, 3);
                    let w = fixed(b.w, 3);
                    let class = classes!("bar", b.kind.class());
                    html! {
                        <div class={classes!("tl-row", (b.kind == BarKind::Fail).then_some("tl-failed"))}>
                            <span class="tl-name" title={stage_title(b.name)}>{ b.name.as_str() }</span>
                            <svg class="tl-track" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
                                { for g.ticks.iter().map(|(t, _)| {
                                    let t = fixed(*t, 3);
                                    html! { <line class="tick" x1={t.clone()} x2={t} y1="0" y2="10" vector-effect="non-scaling-stroke" /> }
                                }) }
                                <rect {class} x={x} y="2" width={w} height="6" rx="0.6" />
                            </svg>
                            <span class="tl-dur">
                                { ms(b.dur_ms) }
                                if b.kind == BarKind::Fail { <span class="tl-stop">{ " ✕" }<span class="tl-stop-word">{ " stop" }</span></span> }
                                if b.kind == BarKind::Running { <span class="tl-live">{ " …" }</span> }
                            </span>
                        </div>
                    }
                }) }
                <div class="tl-row tl-axis">
                    <span class="tl-name"></span>
                    <span class={classes!("tl-ticks", (n_ticks > 4).then_some("many"))}>
                        { for g.ticks.iter().map(|(_, l)| html! { <span>{ l.clone() }</span> }) }
                    </span>
                    <span class="tl-dur"></span>
                </div>
            </div>
            <figcaption class="muted">
                { format!("Where the time went: {} from the first stage to the last", ms(g.end_ms)) }
                if let Some(s) = &g.stopped_at { { format!("; the check stopped at {s}.") } }
            </figcaption>
        </figure>
    }
}
