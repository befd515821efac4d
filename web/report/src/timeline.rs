//! The waterfall: one row per stage, a bar from its start for its duration, failures marked.
//! Its geometry (bars placed on a 0-100 scale with round gridlines) and its markup: plain SVG
//! and CSS classes, no inline styles (the relay's CSP allows only the page's own stylesheet).
//! The report module draws a finished report's; the page's shell draws the live one with the
//! same [`html`].

use rdpcheck_report::{Report, Stage, StageStatus};
use rdpcheck_words::{fixed, ms, stage_title};

use crate::html::push_esc;

/// How a bar is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarKind {
    Pass,
    Warn,
    Fail,
    Skip,
    Running,
}

impl BarKind {
    pub fn class(self) -> &'static str {
        match self {
            BarKind::Pass => "pass",
            BarKind::Warn => "warn",
            BarKind::Fail => "fail",
            BarKind::Skip => "skip",
            BarKind::Running => "running",
        }
    }

    pub fn from_status(s: StageStatus) -> Self {
        match s {
            StageStatus::Pass => BarKind::Pass,
            StageStatus::Warn => BarKind::Warn,
            StageStatus::Fail => BarKind::Fail,
            StageStatus::Skip | StageStatus::Unknown => BarKind::Skip,
        }
    }
}

/// One stage in time (ms from the start of the check).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub name: Stage,
    pub start_ms: f64,
    pub dur_ms: f64,
    pub kind: BarKind,
}

/// A bar placed on a 0-100 scale.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedBar {
    pub name: Stage,
    pub kind: BarKind,
    /// Left edge, percent of the width.
    pub x: f64,
    /// Width, percent (at least [`MIN_WIDTH`] so a 0 ms stage stays visible).
    pub w: f64,
    pub dur_ms: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// The scale: the end of the axis (a round number at or past `end_ms`).
    pub total_ms: f64,
    /// When the last stage ended.
    pub end_ms: f64,
    pub bars: Vec<PlacedBar>,
    /// Gridlines: position (percent) and label.
    pub ticks: Vec<(f64, String)>,
    /// The stage where the check stopped with a failure.
    pub stopped_at: Option<Stage>,
}

pub const MIN_WIDTH: f64 = 0.6;

/// Bars from a finished report. The report has durations only: stages ran one after another,
/// so each starts where the previous ended.
pub fn bars_from_report(report: &Report) -> Vec<Bar> {
    let mut at = 0.0;
    report
        .stages
        .iter()
        .map(|s| {
            let b = Bar {
                name: s.name,
                start_ms: at,
                dur_ms: s.duration_ms.max(0.0),
                kind: BarKind::from_status(s.status),
            };
            at += b.dur_ms;
            b
        })
        .collect()
}

/// Places bars on a 0-100 scale with "nice" gridlines.
pub fn layout(bars: &[Bar]) -> Geometry {
    let end = bars
        .iter()
        .map(|b| b.start_ms + b.dur_ms)
        .fold(0.0_f64, f64::max);
    let step = nice_step(end.max(1.0) / 4.0);
    let total = (end / step).ceil().max(1.0) * step;
    let bars: Vec<PlacedBar> = bars
        .iter()
        .map(|b| {
            let x = (b.start_ms / total * 100.0).clamp(0.0, 100.0 - MIN_WIDTH);
            let w = (b.dur_ms / total * 100.0).max(MIN_WIDTH).min(100.0 - x);
            PlacedBar {
                name: b.name,
                kind: b.kind,
                x,
                w,
                dur_ms: b.dur_ms,
            }
        })
        .collect();
    let mut ticks = Vec::new();
    let mut t = 0.0;
    while t <= total + step / 2.0 {
        ticks.push((t / total * 100.0, ms(t)));
        t += step;
    }
    let stopped_at = bars
        .iter()
        .find(|b| b.kind == BarKind::Fail)
        .map(|b| b.name);
    Geometry {
        total_ms: total,
        end_ms: end,
        bars,
        ticks,
        stopped_at,
    }
}

/// The picture as markup: a `figure` with an `aria-label` that says it in words (the rows
/// themselves are hidden from screen readers); nothing when there are no bars.
pub fn html(g: &Geometry) -> String {
    if g.bars.is_empty() {
        return String::new();
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
    let ticks: String = g
        .ticks
        .iter()
        .map(|(t, _)| {
            let t = fixed(*t, 3);
            format!("<line class=\"tick\" x1=\"{t}\" x2=\"{t}\" y1=\"0\" y2=\"10\" vector-effect=\"non-scaling-stroke\"/>")
        })
        .collect();
    let mut o = String::from("<figure class=\"timeline\" role=\"img\" aria-label=\"");
    push_esc(&mut o, &label);
    o.push_str("\"><div class=\"tl-rows\" aria-hidden=\"true\">");
    for b in &g.bars {
        let failed = b.kind == BarKind::Fail;
        o.push_str(if failed {
            "<div class=\"tl-row tl-failed\">"
        } else {
            "<div class=\"tl-row\">"
        });
        o.push_str("<span class=\"tl-name\" title=\"");
        push_esc(&mut o, stage_title(b.name));
        o.push_str("\">");
        push_esc(&mut o, b.name.as_str());
        o.push_str("</span><svg class=\"tl-track\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" focusable=\"false\">");
        o.push_str(&ticks);
        o.push_str(&format!(
            "<rect class=\"bar {}\" x=\"{}\" y=\"2\" width=\"{}\" height=\"6\" rx=\"0.6\"/></svg><span class=\"tl-dur\">{}",
            b.kind.class(),
            fixed(b.x, 3),
            fixed(b.w, 3),
            ms(b.dur_ms)
        ));
        if failed {
            o.push_str(
                "<span class=\"tl-stop\"> ✕<span class=\"tl-stop-word\"> stop</span></span>",
            );
        }
        if b.kind == BarKind::Running {
            o.push_str("<span class=\"tl-live\"> …</span>");
        }
        o.push_str("</span></div>");
    }
    o.push_str(if g.ticks.len() > 4 {
        "<div class=\"tl-row tl-axis\"><span class=\"tl-name\"></span><span class=\"tl-ticks many\">"
    } else {
        "<div class=\"tl-row tl-axis\"><span class=\"tl-name\"></span><span class=\"tl-ticks\">"
    });
    for (_, label) in &g.ticks {
        o.push_str("<span>");
        push_esc(&mut o, label);
        o.push_str("</span>");
    }
    o.push_str("</span><span class=\"tl-dur\"></span></div></div><figcaption class=\"muted\">Where the time went: ");
    o.push_str(&ms(g.end_ms));
    o.push_str(" from the first stage to the last");
    if let Some(s) = &g.stopped_at {
        o.push_str("; the check stopped at ");
        push_esc(&mut o, s.as_str());
        o.push('.');
    }
    o.push_str("</figcaption></figure>");
    o
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= raw {
            return m * p;
        }
    }
    10.0 * p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(name: &str, start: f64, dur: f64, kind: BarKind) -> Bar {
        Bar {
            name: name.parse().expect("a stage"),
            start_ms: start,
            dur_ms: dur,
            kind,
        }
    }

    #[test]
    fn bars_are_placed_in_proportion() {
        let g = layout(&[
            bar("dns", 0.0, 0.0, BarKind::Pass),
            bar("tcp", 0.0, 100.0, BarKind::Pass),
            bar("x224", 100.0, 300.0, BarKind::Fail),
        ]);
        assert_eq!(g.total_ms, 400.0);
        assert_eq!(g.end_ms, 400.0);
        assert_eq!(g.bars[0].w, MIN_WIDTH);
        assert_eq!((g.bars[1].x, g.bars[1].w), (0.0, 25.0));
        assert_eq!((g.bars[2].x, g.bars[2].w), (25.0, 75.0));
        assert_eq!(g.stopped_at, Some(Stage::X224));
        assert_eq!(g.ticks.first().map(|t| t.0), Some(0.0));
        assert_eq!(g.ticks.last().map(|t| t.0), Some(100.0));
        assert_eq!(g.ticks.len(), 5);
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(130.0), 200.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(0.0), 1.0);
        let g = layout(&[]);
        assert!(g.bars.is_empty() && g.total_ms > 0.0);
    }

    #[test]
    fn the_picture_names_every_stage_and_the_stop() {
        let g = layout(&[
            bar("tcp", 0.0, 100.0, BarKind::Pass),
            bar("x224", 100.0, 300.0, BarKind::Fail),
        ]);
        let h = html(&g);
        crate::html::audit(&h).expect("our markup");
        assert!(h.starts_with("<figure class=\"timeline\" role=\"img\" aria-label=\"Timeline, stopped at x224: tcp 100 ms pass, x224 300 ms fail\">"), "{h}");
        assert_eq!(h.matches("<rect class=\"bar ").count(), 2);
        assert!(h.contains("<div class=\"tl-row tl-failed\"><span class=\"tl-name\" title=\"X.224: RDP negotiation\">x224</span>"));
        assert!(h.contains("<rect class=\"bar fail\" x=\"25.000\" y=\"2\" width=\"75.000\" height=\"6\" rx=\"0.6\"/>"));
        assert!(
            h.ends_with("; the check stopped at x224.</figcaption></figure>"),
            "{h}"
        );
        assert_eq!(html(&layout(&[])), "");
    }

    #[test]
    fn bars_never_leave_the_picture() {
        let g = layout(&[
            bar("tls", 999.0, 1.0, BarKind::Running),
            bar("dns", 0.0, 1000.0, BarKind::Pass),
        ]);
        for b in &g.bars {
            assert!(b.x >= 0.0 && b.x + b.w <= 100.0 + 1e-9, "{b:?}");
        }
    }
}
