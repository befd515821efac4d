//! The Markdown tables: per screen, every resource with its sizes (medians over the loads), and
//! the figures the summary table compares.

use std::collections::BTreeMap;

use crate::measure::{Entry, Load};

fn median_u64(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn median_f64(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub fn kib(b: u64) -> String {
    format!("{:.1} KiB", b as f64 / 1024.0)
}

/// Hashed Trunk names differ per build; the table keeps them (they are what was served).
fn short(path: &str) -> String {
    let p = path.split('?').next().unwrap_or(path);
    if p.len() > 60 {
        format!("…{}", &p[p.len() - 58..])
    } else {
        p.to_string()
    }
}

pub struct Summary {
    pub scheme: &'static str,
    pub screen: &'static str,
    pub total_transfer: u64,
    pub total_encoded: u64,
    pub total_decoded: u64,
    pub marks: BTreeMap<String, (f64, f64, f64)>,
    pub dcl: f64,
    pub load: f64,
}

pub fn report(scheme: &'static str, screen: &'static str, url: &str, loads: &[Load]) -> Summary {
    // A share link's fragment is long: its head says what it is.
    let url = match url.char_indices().nth(44) {
        Some((end, _)) => format!("{}…", &url[..end]),
        None => url.to_string(),
    };
    println!(
        "\n### {scheme} — {screen} (`{url}`), median of {} loads\n",
        loads.len()
    );
    println!("| resource | type | content-encoding | protocol | transferSize | encodedBodySize | decodedBodySize |");
    println!("|---|---|---|---|---:|---:|---:|");
    // Resources in the order of the first load; medians across loads.
    let first = &loads[0];
    for (i, e) in first.entries.iter().enumerate() {
        let same: Vec<&Entry> = loads
            .iter()
            .filter_map(|l| l.entries.iter().find(|x| x.path == e.path))
            .collect();
        let med = |f: fn(&Entry) -> u64| median_u64(same.iter().map(|x| f(x)).collect());
        println!(
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            short(&e.path),
            if i == 0 { "navigation" } else { "resource" },
            e.encoding,
            e.protocol,
            med(|x| x.transfer),
            med(|x| x.encoded),
            med(|x| x.decoded),
        );
    }
    let total = |f: fn(&Entry) -> u64| {
        median_u64(
            loads
                .iter()
                .map(|l| l.entries.iter().map(f).sum())
                .collect(),
        )
    };
    let (t, enc, dec) = (
        total(|x| x.transfer),
        total(|x| x.encoded),
        total(|x| x.decoded),
    );
    println!(
        "| **total** ({} requests) | | | | **{t} ({})** | {enc} | {dec} |",
        first.entries.len(),
        kib(t)
    );
    let mut marks = BTreeMap::new();
    for name in first.marks.keys() {
        let v: Vec<f64> = loads
            .iter()
            .filter_map(|l| l.marks.get(name).copied())
            .collect();
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        marks.insert(name.clone(), (median_f64(v), min, max));
    }
    Summary {
        scheme,
        screen,
        total_transfer: t,
        total_encoded: enc,
        total_decoded: dec,
        marks,
        dcl: median_f64(loads.iter().map(|l| l.dcl).collect()),
        load: median_f64(loads.iter().map(|l| l.load).collect()),
    }
}
