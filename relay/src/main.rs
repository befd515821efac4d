//! `rdpcheck-relay`: one binary that serves the page and runs its probes.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use rdpcheck_relay::app::router;
use rdpcheck_relay::config::{Args, Config};
use rdpcheck_relay::keys::RelayKey;
use rdpcheck_relay::state::AppState;
use rdpcheck_relay::{own, server};
use tokio_util::sync::CancellationToken;

fn main() -> ExitCode {
    // `rdpcheck-relay keys …` manages the key files and exits; anything else serves.
    if std::env::args().nth(1).as_deref() == Some("keys") {
        return match rdpcheck_relay::keys::run_cli(std::env::args().skip(1)) {
            Ok(out) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("rdpcheck-relay keys: {e}");
                ExitCode::from(2)
            }
        };
    }
    let config = match Config::resolve(Args::parse()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rdpcheck-relay: {e}");
            return ExitCode::from(2);
        }
    };
    init_logs(config.json_logs);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rdpcheck-relay: cannot start the runtime: {e}");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rdpcheck-relay: {e}");
            ExitCode::from(1)
        }
    }
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn serve(mut config: Config) -> Result<(), String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Every connection is a descriptor: take the hard limit, and keep the cap under it.
    match server::raise_nofile() {
        Ok(nofile) => {
            let fits = server::fit_connections(
                config.limits.max_connections,
                nofile,
                config.limits.max_concurrent,
            );
            if fits < config.limits.max_connections {
                tracing::warn!(
                    open_files = nofile,
                    configured = config.limits.max_connections,
                    max_connections = fits,
                    "max_connections lowered to fit the open-file limit"
                );
                config.limits.max_connections = fits;
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot read or raise the open-file limit"),
    }
    let key = RelayKey::load_or_create(&config.key_file)?;
    let retired = rdpcheck_relay::keys::load_retired(&config.key_file, &key.key_id)?;
    let listen = config.listen;
    let tls = match &config.tls {
        Some((cert, key)) => Some(server::tls_acceptor(cert, key)?),
        None => None,
    };
    let downloads = match &config.downloads_dir {
        Some(dir) => rdpcheck_relay::downloads::Downloads::scan(dir)?,
        None => Default::default(),
    };
    let mut state = AppState::new(config, key, own::interface_addresses());
    state.downloads = downloads;
    state.retired = retired;
    let state = Arc::new(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let limits = &state.config.limits;
    tracing::info!(
        listen = %listen,
        key_id = %state.key.key_id,
        retired_keys = state.retired.len(),
        page_built = rdpcheck_relay::assets::built(),
        hosts = %state.hosts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        max_connections = limits.max_connections,
        max_connections_per_client = limits.max_connections_per_client,
        header_timeout_s = limits.header_timeout_s,
        idle_timeout_s = limits.idle_timeout_s,
        write_timeout_s = limits.write_timeout_s,
        limits_backend = state.limits.backend().unwrap_or("none (this relay's own)"),
        "policy: {}",
        state.policy.describe()
    );
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("rdpcheck-relay listening on {scheme}://{listen}/");
    let stop = CancellationToken::new();
    let shutdown = state.shutdown.clone();
    let stop_accepting = stop.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: telling open sessions (close 1001)");
        shutdown.cancel();
        // Give sessions a moment to send their close frames.
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop_accepting.cancel();
    });
    server::serve(listener, tls, router(state.clone()), state, stop).await;
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
