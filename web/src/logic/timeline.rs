//! Geometry of the waterfall picture: one bar per stage, placed by start and duration.

use rdpcheck_report::{Report, Stage, StageStatus};

use super::session::LiveStage;

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

/// Bars from the live stream; a running stage grows up to `elapsed_ms` (relay-relative).
pub fn bars_from_live(stages: &[LiveStage], elapsed_ms: f64) -> Vec<Bar> {
    stages
        .iter()
        .map(|s| match &s.result {
            Some(r) => Bar {
                name: s.name,
                start_ms: s.started_ms.max(0.0),
                dur_ms: r.duration_ms.max(0.0),
                kind: BarKind::from_status(r.status),
            },
            None => Bar {
                name: s.name,
                start_ms: s.started_ms.max(0.0),
                dur_ms: (elapsed_ms - s.started_ms).max(0.0),
                kind: BarKind::Running,
            },
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
        ticks.push((t / total * 100.0, super::format::ms(t)));
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
