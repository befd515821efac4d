//! The structured report sections (security layers, TLS, NLA, stability), built from observations.

use rdpcheck_proto::ntlm::{filetime_to_unix_seconds, Challenge};
use rdpcheck_proto::x224::{protocol_name, Negotiation};
use rdpcheck_report::{
    CertInfo, GatewayReport, HttpAnswer, LayerResult, NegotiationReport, NlaReport, SecurityLayers,
    StabilityReport, TlsReport, UdpReport,
};

use crate::cert::CertFacts;
use crate::consistency;
use crate::describe;
use crate::observe::{
    nla_ex_from_main, ConnectOutcome, DnsOutcome, GatewayObs, GatewayTls, HttpOutcome, LayerProbe,
    LegacyProbe, ReplyOutcome, Sample, TlsOutcome, TlsSession, Trust, UdpOutcome,
};
use rdpcheck_words::release;

pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

fn rfc3339_f(unix: f64) -> String {
    let nanos = (unix * 1e9) as i128;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .map(|t| {
            t.replace_nanosecond(t.millisecond() as u32 * 1_000_000)
                .unwrap_or(t)
        })
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("{unix}"))
}

/// The main negotiation's RDP_NEG_RSP, when it answered with one.
pub fn negotiation(main: &ReplyOutcome) -> Option<NegotiationReport> {
    match main {
        ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, flags },
            ..
        } => Some(NegotiationReport {
            selected: protocol_name(*selected),
            flags: flags.to_string(),
            flag_names: flags.names(),
        }),
        _ => None,
    }
}

fn layer_result(probe: &LayerProbe, main: Option<&ReplyOutcome>) -> LayerResult {
    let mut r = LayerResult {
        accepted: false,
        selected: None,
        failure: None,
        error: None,
        from_main: false,
    };
    match &probe.outcome {
        ReplyOutcome::Confirm { negotiation, .. } => match negotiation {
            Negotiation::Selected { selected, .. } => {
                r.accepted = *selected == probe.expect;
                r.selected = Some(protocol_name(*selected));
            }
            Negotiation::Failure(code) => r.failure = Some(code.spec_name().to_string()),
            Negotiation::Legacy => {
                r.accepted = probe.expect == 0;
                r.selected = Some("rdp".into());
            }
        },
        other => {
            r.error = Some(describe::reply_outcome(other));
            if consistency::shown_by_main(probe, main) {
                r.accepted = true;
                r.from_main = true;
                r.selected = Some(protocol_name(probe.expect));
            }
        }
    }
    r
}

pub fn security_layers(probes: &[LayerProbe], main: Option<&ReplyOutcome>) -> SecurityLayers {
    let get = |name: &str| {
        probes
            .iter()
            .find(|p| p.layer == name)
            .map(|p| layer_result(p, main))
            .unwrap_or(LayerResult {
                accepted: false,
                selected: None,
                failure: None,
                error: Some("not probed".into()),
                from_main: false,
            })
    };
    let nla_ex = main
        .map(|m| layer_result(&nla_ex_from_main(m), None))
        .unwrap_or_else(|| get("nla_ex"));
    let (rdp, tls, nla) = (get("rdp"), get("tls"), get("nla"));
    // A refusal is an answer; a transport error proves nothing either way.
    let refused = |r: &LayerResult| !r.accepted && r.error.is_none();
    let nla_required = (nla.accepted || nla_ex.accepted) && refused(&rdp) && refused(&tls);
    SecurityLayers {
        standard_rdp_allowed: rdp.accepted,
        nla_required,
        rdp,
        tls,
        nla,
        nla_ex,
        rdstls: get("rdstls"),
        rdsaad: get("rdsaad"),
    }
}

pub fn cert_info(facts: &CertFacts, host: &str, now_unix: f64) -> CertInfo {
    CertInfo {
        subject: facts.subject.clone(),
        issuer: facts.issuer.clone(),
        not_before: rfc3339(facts.not_before_unix),
        not_after: rfc3339(facts.not_after_unix),
        self_signed: facts.self_signed,
        sha256: facts.sha256.clone(),
        sha1: Some(facts.sha1.clone()).filter(|s| !s.is_empty()),
        san: facts.san.clone(),
        key_type: facts.key_type.clone(),
        key_bits: facts.key_bits,
        signature_algorithm: facts.signature_algorithm.clone(),
        name_matches: facts.matches_name(host),
        days_to_expiry: (facts.not_after_unix - now_unix as i64).div_euclid(86_400),
    }
}

fn session_report(s: &TlsSession, host: &str, now_unix: f64) -> TlsReport {
    let chain: Vec<CertInfo> = s
        .chain
        .iter()
        .map(|c| cert_info(c, host, now_unix))
        .collect();
    TlsReport {
        version: Some(s.version.clone()),
        cipher_suite: Some(s.cipher_suite.clone()),
        key_exchange: s.key_exchange.clone(),
        certificate: chain.first().cloned(),
        chain,
        legacy_version: None,
    }
}

pub fn tls(outcome: &TlsOutcome, host: &str, now_unix: f64) -> Option<TlsReport> {
    match outcome {
        TlsOutcome::NotApplicable(_) => None,
        TlsOutcome::Established(s) => Some(session_report(s, host, now_unix)),
        TlsOutcome::Failed { legacy, chain, .. } => {
            let (version, cipher, legacy_chain) = match legacy {
                Some(LegacyProbe::ServerHello {
                    version,
                    cipher_suite,
                    chain,
                    ..
                }) => (
                    Some(rdpcheck_proto::tls_hello::version_name(*version)),
                    Some(describe::cipher_name(*cipher_suite)),
                    chain.as_slice(),
                ),
                _ => (None, None, &[][..]),
            };
            // The failed handshake's chain, or the one the legacy hello's first flight carried
            // (a TLS 1.0-only or RSA-only host shows its certificate there).
            let chain = if chain.is_empty() {
                legacy_chain
            } else {
                chain
            };
            let chain: Vec<CertInfo> = chain.iter().map(|c| cert_info(c, host, now_unix)).collect();
            Some(TlsReport {
                version: None,
                cipher_suite: cipher,
                key_exchange: None,
                certificate: chain.first().cloned(),
                chain,
                legacy_version: version,
            })
        }
    }
}

/// The NLA section from the CHALLENGE and the version of the TSRequest that carried it.
pub fn nla(ch: &Challenge, credssp_version: Option<u32>, now_unix: f64) -> NlaReport {
    let server = ch.timestamp.map(filetime_to_unix_seconds);
    NlaReport {
        target_name: ch.target_name.clone(),
        netbios_computer: ch.nb_computer.clone(),
        netbios_domain: ch.nb_domain.clone(),
        dns_computer: ch.dns_computer.clone(),
        dns_domain: ch.dns_domain.clone(),
        dns_tree: ch.dns_tree.clone(),
        product_version: ch
            .version
            .map(|v| format!("{}.{}.{}", v.major, v.minor, v.build)),
        os_release: ch
            .version
            .and_then(|v| release::windows_release(v.major, v.minor, v.build))
            .map(release::Release::text),
        credssp_version,
        server_time: server.map(rfc3339_f),
        clock_skew_s: server.map(|s| ((s - now_unix) * 10.0).round() / 10.0),
    }
}

pub fn stability(samples: &[Sample]) -> StabilityReport {
    let times: Vec<f64> = samples
        .iter()
        .filter_map(|s| match s {
            Sample::Ok { ms } => Some(*ms),
            Sample::Failed(_) => None,
        })
        .collect();
    let failures: Vec<String> = samples
        .iter()
        .filter_map(|s| match s {
            Sample::Failed(why) => Some(why.clone()),
            Sample::Ok { .. } => None,
        })
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    };
    let jitter = (times.len() >= 2).then(|| {
        let diffs: f64 = times.windows(2).map(|w| (w[1] - w[0]).abs()).sum();
        diffs / (times.len() - 1) as f64
    });
    let r2 = |v: f64| (v * 100.0).round() / 100.0;
    StabilityReport {
        samples: u32::try_from(samples.len()).unwrap_or(u32::MAX),
        ok: u32::try_from(times.len()).unwrap_or(u32::MAX),
        failed: u32::try_from(failures.len()).unwrap_or(u32::MAX),
        min_ms: sorted.first().copied().map(r2),
        median_ms: median.map(r2),
        max_ms: sorted.last().copied().map(r2),
        jitter_ms: jitter.map(r2),
        failures,
    }
}

pub fn gateway(g: &GatewayObs, now_unix: f64) -> GatewayReport {
    let addresses = match g.dns.as_ref().map(|d| &d.value) {
        Some(DnsOutcome::Literal(ip)) => vec![ip.to_string()],
        Some(DnsOutcome::Resolved(list)) => list.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    let (tls, trusted, trust_error) = match g.tls.as_ref().map(|t| &t.value) {
        Some(GatewayTls::Established { session, trust }) => {
            let error = match trust {
                Trust::Trusted => None,
                Trust::Expired => Some("expired".to_string()),
                Trust::NotYetValid => Some("not_yet_valid".to_string()),
                Trust::NameMismatch => Some("name_mismatch".to_string()),
                Trust::UnknownIssuer => Some("unknown_issuer".to_string()),
                Trust::Other(e) => Some(e.clone()),
            };
            (
                Some(session_report(session, &g.host, now_unix)),
                Some(error.is_none()),
                error,
            )
        }
        _ => (None, None, None),
    };
    let (http, http_error) = match g.http.as_ref().map(|h| &h.value) {
        Some(HttpOutcome::Response {
            status,
            reason,
            schemes,
            server,
            location,
        }) => (
            Some(HttpAnswer {
                status: *status,
                reason: reason.clone(),
                auth_schemes: schemes.clone(),
                server: server.clone(),
                location: location.clone(),
            }),
            None,
        ),
        Some(other) => (None, Some(describe::http_text(other))),
        None => (None, None),
    };
    GatewayReport {
        host: g.host.clone(),
        port: g.port,
        addresses,
        probed_address: g
            .tcp
            .iter()
            .find(|a| a.outcome == ConnectOutcome::Connected)
            .map(|a| a.addr.to_string()),
        tls,
        trusted,
        trust_error,
        http,
        http_error,
        rpc_proxy: g
            .rpc
            .as_ref()
            .map(|r| matches!(r, HttpOutcome::Response { status: 401, .. })),
    }
}

pub fn udp(outcome: &UdpOutcome, port: u16) -> UdpReport {
    let (status, tries, rtt_ms, version, detail) = match outcome {
        UdpOutcome::SynAck {
            tries,
            rtt_ms,
            version,
        } => (
            "open",
            *tries,
            Some(*rtt_ms),
            version.map(rdpcheck_proto::rdpudp::version_name),
            "SYN+ACK acknowledging our SYN".to_string(),
        ),
        UdpOutcome::Closed { tries } => (
            "closed",
            *tries,
            None,
            None,
            "ICMP port unreachable".to_string(),
        ),
        UdpOutcome::Unexpected { tries, .. } => (
            "inconclusive",
            *tries,
            None,
            None,
            "an answer that is not a SYN+ACK to our SYN".to_string(),
        ),
        UdpOutcome::Silent { tries } => (
            "inconclusive",
            *tries,
            None,
            None,
            "no answer: filtered, dropped, or a listener that ignores unsolicited SYNs".to_string(),
        ),
        UdpOutcome::Error(e) => ("inconclusive", 0, None, None, e.clone()),
    };
    UdpReport {
        status: status.to_string(),
        port,
        tries,
        rtt_ms: rtt_ms.map(|v| (v * 100.0).round() / 100.0),
        version,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stability_statistics() {
        let s = stability(&[
            Sample::Ok { ms: 10.0 },
            Sample::Ok { ms: 30.0 },
            Sample::Failed("reset".into()),
            Sample::Ok { ms: 20.0 },
        ]);
        assert_eq!((s.samples, s.ok, s.failed), (4, 3, 1));
        assert_eq!(s.min_ms, Some(10.0));
        assert_eq!(s.median_ms, Some(20.0));
        assert_eq!(s.max_ms, Some(30.0));
        assert_eq!(s.jitter_ms, Some(15.0));
    }

    #[test]
    fn rfc3339_formats_unix_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
