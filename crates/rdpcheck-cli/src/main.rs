//! `rdpcheck`: find where and why a Remote Desktop connection fails.
//!
//! Exit codes: 0 healthy / understood, 1 a problem was found, 2 bad usage or input, 3 internal error,
//! 4 the check did not finish (the deadline cut stages short before any failed).

mod client;
mod explain;
mod interactive;
mod plan;
mod progress;
mod relay;
mod render;
mod vantage;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{ClientId, VerdictStatus};

#[derive(Parser)]
#[command(
    name = "rdpcheck",
    version,
    about = "Find the stage where a Remote Desktop connection dies, and why"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run real handshakes against a host: DNS, TCP, X.224, security layers, TLS, NLA, stability.
    Probe(Box<ProbeArgs>),
    /// Explain Remote Desktop error codes: paste the dialog text, a code, or a FreeRDP error line.
    Explain(ExplainArgs),
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// Codes or pasted text, e.g. "Error code: 0x904 Extended error code: 0x7".
    #[arg(required = true, num_args = 1..)]
    words: Vec<String>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct ProbeArgs {
    /// HOST, HOST:PORT or [IPv6]:PORT (port 3389 when omitted). Not needed with --rdp-file.
    #[arg(required_unless_present = "rdp_file")]
    target: Option<String>,
    /// Probe the path a saved connection (.rdp file) describes: its host, port and RD Gateway.
    #[arg(long, value_name = "FILE", conflicts_with = "target")]
    rdp_file: Option<std::path::PathBuf>,
    /// RD Gateway the client goes through, GATEWAY[:PORT] (port 443 when omitted).
    #[arg(long, value_name = "GATEWAY")]
    gateway: Option<String>,
    /// PEM file with extra CA certificates to trust for the gateway (a company CA).
    #[arg(long, value_name = "FILE")]
    ca_file: Option<std::path::PathBuf>,
    /// Do not send RDP-UDP probes to UDP 3389.
    #[arg(long)]
    no_udp: bool,
    /// Also print a share link for this page address (e.g. https://rdpcheck.example.com). The
    /// CLI has no signing key, so the page shows the report as unsigned. With --relay, the link
    /// holds both reports (the relay's signed) and goes to the relay's page unless given here.
    #[arg(long, value_name = "URL")]
    share_link: Option<String>,
    #[command(flatten)]
    relay: vantage::RelayArgs,
    /// Print one JSON report on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Seconds allowed for each TCP connect.
    #[arg(long, value_name = "S", default_value_t = 5.0, value_parser = positive_seconds)]
    connect_timeout: f64,
    /// Seconds allowed for each reply (X.224 confirm, TLS handshake, NTLM challenge).
    #[arg(long, value_name = "S", default_value_t = 5.0, value_parser = positive_seconds)]
    reply_timeout: f64,
    /// Seconds allowed for the whole check.
    #[arg(long, value_name = "S", default_value_t = 30.0, value_parser = positive_seconds)]
    timeout: f64,
    /// Ask this DNS server instead of the system's (IP or IP:PORT, UDP).
    #[arg(long, value_name = "ADDR", value_parser = dns_server)]
    dns_server: Option<std::net::SocketAddr>,
    /// Extra handshakes for the stability stage (0 to skip it).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=100))]
    samples: u32,
    /// The client you connect with: the verdict is judged for it (every client's outcome is in
    /// the report either way).
    #[arg(long, value_name = "CLIENT", default_value = "mstsc-win11")]
    client: ClientArg,
}

/// `--client`: the report's client ids, with one line of help each (from rdpcheck-words).
#[derive(Clone, Copy)]
struct ClientArg(ClientId);

impl clap::ValueEnum for ClientArg {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [ClientArg; 5] = [
            ClientArg(ClientId::ALL[0]),
            ClientArg(ClientId::ALL[1]),
            ClientArg(ClientId::ALL[2]),
            ClientArg(ClientId::ALL[3]),
            ClientArg(ClientId::ALL[4]),
        ];
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(
            clap::builder::PossibleValue::new(self.0.as_str())
                .help(rdpcheck_words::client_about(self.0)),
        )
    }
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 600.0 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 600 (e.g. 2.5)"
        )),
    }
}

fn dns_server(s: &str) -> Result<std::net::SocketAddr, String> {
    if let Ok(ip) = s.parse::<std::net::IpAddr>() {
        return Ok(std::net::SocketAddr::new(ip, 53));
    }
    s.parse().map_err(|_| {
        format!("{s:?} is not an IP address or IP:PORT (e.g. 10.0.0.2 or [fd00::53]:53)")
    })
}

fn main() -> ExitCode {
    // An internal error must not look like "problem found" (1) or "bad input" (2).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("rdpcheck: internal error: {info}");
        std::process::exit(3);
    }));
    // No arguments from a console (a double-click): ask for the host; a lone .rdp file (dropped
    // on the program): probe it.
    interactive::start(|args| run(Cli::parse_from(args)))
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Probe(args) => probe(*args),
        Command::Explain(args) => ExitCode::from(explain::run(&args.words, args.json)),
    }
}

fn probe(args: ProbeArgs) -> ExitCode {
    let plan = match plan::from_args(
        args.target.as_deref(),
        args.rdp_file.as_deref(),
        args.gateway.as_deref(),
        args.ca_file.as_deref(),
    ) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rdpcheck: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(file) = &plan.rdp_file {
        for line in file.problems.iter().chain(&file.warnings) {
            eprintln!("rdpcheck: {}: {line}", file.path);
        }
    }
    let mut opts = ProbeOptions::new(plan.host.clone(), plan.port);
    opts.gateway = plan.gateway.clone();
    opts.extra_roots = plan.extra_roots.clone();
    opts.connect_timeout = Duration::from_secs_f64(args.connect_timeout);
    opts.reply_timeout = Duration::from_secs_f64(args.reply_timeout);
    opts.total_timeout = Duration::from_secs_f64(args.timeout);
    opts.samples = args.samples;
    opts.dns_server = args.dns_server;
    opts.udp = !args.no_udp;
    opts.client = args.client.0;

    if let Some(url) = args.relay.relay.as_deref() {
        let target = args
            .target
            .clone()
            .unwrap_or_else(|| vantage::host_port(&plan.host, plan.port));
        let run = vantage::Run {
            opts,
            rdp_file: plan.rdp_file,
            target,
            gateway: plan
                .gateway
                .as_ref()
                .map(|(h, p)| vantage::host_port(h, *p)),
            json: args.json,
            share_link: args.share_link.clone(),
        };
        return vantage::run(&args.relay, url, run);
    }

    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let live = std::io::stderr().is_terminal();
    let report = runtime.block_on(async move {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let printer = live.then(|| tokio::spawn(progress::print(rx)));
        let report = rdpcheck_probe::probe(opts, live.then_some(tx)).await;
        if let Some(p) = printer {
            let _ = p.await;
        }
        report
    });
    let mut report = report;
    report.rdp_file = plan.rdp_file;
    // This computer's side (Windows only): read-only client facts, judged against the report.
    client::add(&mut report);
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("rdpcheck: internal error: cannot encode the report: {e}");
                return ExitCode::from(3);
            }
        }
    } else {
        print!("{}", render::report(&report));
    }
    if let Some(base) = &args.share_link {
        match serde_json::to_string(&report) {
            Ok(text) => {
                let signed = rdpcheck_report::wire::SignedReport {
                    report: text,
                    signature: String::new(),
                    key_id: "unsigned".into(),
                };
                let link = format!(
                    "{}/r#{}",
                    base.trim_end_matches('/'),
                    rdpcheck_report::share::encode(&signed)
                );
                if args.json {
                    eprintln!("share link (unsigned): {link}");
                } else {
                    println!("\nShare link (unsigned: made by the CLI, not signed by a relay):\n  {link}");
                }
            }
            Err(e) => eprintln!("rdpcheck: cannot encode the share link: {e}"),
        }
    }
    match report.verdict.status {
        VerdictStatus::Healthy => ExitCode::SUCCESS,
        VerdictStatus::Problem => ExitCode::from(1),
        VerdictStatus::Incomplete => ExitCode::from(4),
    }
}

/// The runtime a check runs on (2 workers: the probe's tasks and, with --relay, the relay
/// session); exit code 3 when it cannot start.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("rdpcheck: internal error: cannot start the runtime: {e}");
            ExitCode::from(3)
        })
}
