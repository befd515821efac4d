//! The bench's Markdown: per server, each stage's median duration and that duration in round
//! trips of the link, then the whole check with and without the stability samples.

use rdpcheck_report::{Report, Stage};

/// The reports of one server's runs.
pub struct Run {
    pub name: &'static str,
    pub reports: Vec<Report>,
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The link's round trip as the kernel saw it: the smallest `min_rtt` of the report's
/// connections (the smoothed RTT where the kernel has no minimum).
fn kernel_rtt_ms(r: &Report) -> Option<f64> {
    r.tcp_info
        .iter()
        .map(|t| t.min_rtt_ms.unwrap_or(t.rtt_ms))
        .filter(|ms| *ms > 0.0)
        .min_by(f64::total_cmp)
}

fn stage_ms(r: &Report, stage: Stage) -> Option<f64> {
    r.stages
        .iter()
        .find(|s| s.name == stage)
        .map(|s| s.duration_ms)
}

pub fn print_tables(runs: &[Run]) {
    for run in runs {
        let rtts: Vec<f64> = run.reports.iter().filter_map(kernel_rtt_ms).collect();
        let rtt = median(rtts);
        println!(
            "### {} — {} runs, kernel round trip {rtt:.1} ms (median)\n",
            run.name,
            run.reports.len()
        );
        println!("| stage | status (first run) | median ms | round trips |");
        println!("|---|---|---:|---:|");
        let first = &run.reports[0];
        for s in &first.stages {
            let ms = median(
                run.reports
                    .iter()
                    .filter_map(|r| stage_ms(r, s.name))
                    .collect(),
            );
            println!(
                "| {} | {:?} | {ms:.0} | {:.1} |",
                s.name,
                s.status,
                ms / rtt
            );
        }
        let total = median(run.reports.iter().map(|r| r.duration_ms).collect());
        let beyond = median(
            run.reports
                .iter()
                .map(|r| r.duration_ms - stage_ms(r, Stage::Stability).unwrap_or(0.0))
                .collect(),
        );
        println!(
            "| **whole check** | | **{total:.0}** | **{:.1}** |",
            total / rtt
        );
        println!(
            "| **whole check without the stability samples** | | **{beyond:.0}** | **{:.1}** |\n",
            beyond / rtt
        );
    }
}
