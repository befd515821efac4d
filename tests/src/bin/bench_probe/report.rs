//! The Markdown report on stdout: how the figures were taken, the timing table, what each tool
//! says, where rdpcheck spends its time, and nmap's raw output.

use std::path::Path;

use rdpcheck_labtests::machine::{load_average, shell_line, utc_now};
use serde_json::Value;

use crate::args::Args;
use crate::claims::{nmap_claims, rdpcheck_claims, Claims};
use crate::series::{find, first_output, Series, NMAP, RDPCHECK_NO_SAMPLES};
use crate::servers::Target;
use crate::tools::{first_line, nmap_cmd, rdpcheck_cmd, shown, stdout};

pub fn print(args: &Args, targets: &[Target], series: &[Series], load_before: &str) {
    print_header(args, load_before);
    print_timings(series);
    print_claims(targets, series);
    print_stages(targets, series);
    print_nmap_outputs(targets, series);
}

fn print_header(args: &Args, load_before: &str) {
    let command_line = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    println!("## Probe vs nmap (cargo xtask bench probe)\n");
    println!("- command: `cargo run --release -p rdpcheck-labtests --bin bench-probe -- {command_line}` (what `cargo xtask bench probe` runs)");
    println!("- date: {}", utc_now());
    println!(
        "- machine: nproc {}, kernel {}; load average (1/5/15 min) {load_before} at the start, {} at the end",
        shell_line("nproc", &[]),
        shell_line("uname", &["-r"]),
        load_average()
    );
    println!("- rdpcheck: {}", first_line(&args.rdpcheck, "--version"));
    println!("- nmap: {}", first_line(&args.nmap, "--version"));
    println!(
        "- runs: {} per (server, tool), interleaved, after one discarded warm-up; wall time of the whole process",
        args.runs
    );
    println!(
        "- rdpcheck: `{}`",
        shown(&rdpcheck_cmd(args, 0, Some(0))).replace(":0 ", ":PORT ")
    );
    println!(
        "- connections: counted in one more run of each tool through a forwarder in front of the server; server CPU: the server process's user + system time, reaped children included, during each timed run (/proc/PID/stat)"
    );
    println!(
        "- nmap: `{}` (FILE: one line `ms-wbt-server<TAB>PORT/tcp<TAB>0.5`)",
        shown(&nmap_cmd(args, Path::new("FILE")))
    );
    println!();
}

fn print_timings(series: &[Series]) {
    println!("| server | tool | median ms | min ms | max ms | nmap / rdpcheck (median) | connections | server CPU ms (median) |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for s in series {
        let rdpcheck_median = find(series, s.server, RDPCHECK_NO_SAMPLES)
            .map(Series::median)
            .unwrap_or(f64::NAN);
        let ratio = if s.tool == NMAP {
            format!("{:.1}x", s.median() / rdpcheck_median)
        } else {
            String::new()
        };
        let failed = if s.failures > 0 {
            format!(" ({} of {} runs failed)", s.failures, s.ms.len())
        } else {
            String::new()
        };
        let connections = s.connections.map_or(String::new(), |c| c.to_string());
        let cpu = if s.server_cpu_ms.is_empty() {
            String::new()
        } else {
            format!("{:.0}", s.server_cpu_median())
        };
        println!(
            "| {} | {}{} | {:.1} | {:.1} | {:.1} | {} | {} | {} |",
            s.server,
            s.tool,
            failed,
            s.median(),
            s.min(),
            s.max(),
            ratio,
            connections,
            cpu
        );
    }
}

fn print_claims(targets: &[Target], series: &[Series]) {
    println!("\n### What each tool says\n");
    println!("| server | rdpcheck: NLA (`security_layers.nla`) | nmap rdp-enum-encryption: CredSSP (NLA) | rdpcheck: NTLM identity | nmap rdp-ntlm-info: NTLM identity |");
    println!("|---|---|---|---|---|");
    for t in targets {
        let r = first_output(series, t.name, RDPCHECK_NO_SAMPLES)
            .map(rdpcheck_claims)
            .unwrap_or_else(Claims::none);
        let n = first_output(series, t.name, NMAP)
            .map(nmap_claims)
            .unwrap_or_else(Claims::none);
        println!(
            "| {} | {} | {} | {} | {} |",
            t.name, r.nla, n.nla, r.identity, n.identity
        );
    }
}

fn print_stages(targets: &[Target], series: &[Series]) {
    println!(
        "\n### Where rdpcheck spends its time (stage durations of its first measured run, ms)\n"
    );
    for t in targets {
        let json = first_output(series, t.name, RDPCHECK_NO_SAMPLES)
            .and_then(|o| serde_json::from_slice::<Value>(&o.stdout).ok());
        let Some(json) = json else { continue };
        let stages: Vec<String> = json["stages"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|s| {
                format!(
                    "{} {:.1}",
                    s["name"].as_str().unwrap_or("?"),
                    s["duration_ms"].as_f64().unwrap_or(f64::NAN)
                )
            })
            .collect();
        println!(
            "- {}: total {:.1}; {}",
            t.name,
            json["duration_ms"].as_f64().unwrap_or(f64::NAN),
            stages.join(", ")
        );
    }
}

fn print_nmap_outputs(targets: &[Target], series: &[Series]) {
    for t in targets {
        if let Some(out) = first_output(series, t.name, NMAP) {
            println!(
                "\n<details><summary>nmap output, {}</summary>\n\n```",
                t.name
            );
            print!("{}", stdout(out).replace(&t.port.to_string(), "PORT"));
            println!("```\n</details>");
        }
    }
}
