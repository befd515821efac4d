//! Name resolution with hickory, so NXDOMAIN, "no records" and resolver failure stay distinct.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::{ResolverBuilder, TokioResolver};

use crate::observe::DnsOutcome;

fn builder(server: Option<SocketAddr>) -> Result<ResolverBuilder<TokioRuntimeProvider>, NetError> {
    let Some(server) = server else {
        return TokioResolver::builder_tokio();
    };
    let mut udp = ConnectionConfig::udp();
    udp.port = server.port();
    let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(
        server.ip(),
        true,
        vec![udp],
    )]);
    let mut b = TokioResolver::builder_with_config(config, TokioRuntimeProvider::default());
    b.options_mut().use_hosts_file = ResolveHosts::Never;
    Ok(b)
}

pub async fn resolve(host: &str, server: Option<SocketAddr>, limit: Duration) -> DnsOutcome {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return DnsOutcome::Literal(ip);
    }
    let resolver = match builder(server).and_then(|mut b| {
        b.options_mut().timeout = limit;
        b.options_mut().attempts = 1;
        b.build()
    }) {
        Ok(r) => r,
        Err(e) => return DnsOutcome::Failure(format!("no usable resolver configuration: {e}")),
    };
    // A fully qualified name: never let the search list append suffixes to what the user typed.
    let fqdn = format!("{}.", host.trim_end_matches('.'));
    match tokio::time::timeout(limit, resolver.lookup_ip(fqdn)).await {
        Err(_) => DnsOutcome::Timeout,
        Ok(Ok(lookup)) => {
            let mut addrs: Vec<IpAddr> = lookup.iter().collect();
            addrs.dedup();
            if addrs.is_empty() {
                DnsOutcome::NoAnswer
            } else {
                DnsOutcome::Resolved(addrs)
            }
        }
        Ok(Err(e)) => classify(&e),
    }
}

fn classify(e: &NetError) -> DnsOutcome {
    if e.is_nx_domain() {
        DnsOutcome::NxDomain
    } else if e.is_no_records_found() {
        DnsOutcome::NoAnswer
    } else if matches!(e, NetError::Timeout) {
        DnsOutcome::Timeout
    } else {
        DnsOutcome::Failure(e.to_string())
    }
}
