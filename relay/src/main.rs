//! `rdpcheck-relay`: one binary that serves the page and runs its probes.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use clap::Parser;
use rdpcheck_relay::app::router;
use rdpcheck_relay::config::{Args, Config};
use rdpcheck_relay::keys::RelayKey;
use rdpcheck_relay::state::AppState;

fn main() -> ExitCode {
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

async fn serve(config: Config) -> Result<(), String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let key = RelayKey::load_or_create(&config.key_file)?;
    let listen = config.listen;
    let tls = config.tls.clone();
    let state = Arc::new(AppState::new(config, key));
    tracing::info!(
        listen = %listen,
        key_id = %state.key.key_id,
        page_built = rdpcheck_relay::assets::built(),
        "policy: {}",
        state.policy.describe()
    );
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let shutdown = state.shutdown.clone();
    let signal = async move {
        wait_for_signal().await;
        tracing::info!("shutting down: telling open sessions (close 1001)");
        shutdown.cancel();
        // Give sessions a moment to send their close frames.
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    match tls {
        None => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?
                // Events are small writes; without NODELAY each waits for the client's delayed ACK.
                .tap_io(|s| {
                    let _ = s.set_nodelay(true);
                });
            println!("rdpcheck-relay listening on http://{listen}/");
            axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await
                .map_err(|e| e.to_string())
        }
        Some((cert, key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|e| {
                    format!(
                        "TLS certificate {} / key {}: {e}",
                        cert.display(),
                        key.display()
                    )
                })?;
            let handle = axum_server::Handle::new();
            let h = handle.clone();
            tokio::spawn(async move {
                signal.await;
                h.graceful_shutdown(Some(Duration::from_secs(5)));
            });
            println!("rdpcheck-relay listening on https://{listen}/");
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls)
                .acceptor(axum_server::accept::NoDelayAcceptor::new());
            axum_server::bind(listen)
                .acceptor(acceptor)
                .handle(handle)
                .serve(app)
                .await
                .map_err(|e| e.to_string())
        }
    }
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
