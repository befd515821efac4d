//! Every finding code the engine can emit. `tls.alert.<name>` and `x224.neg_failure.<slug>` are
//! families: the suffix is the IANA alert name or the RDP_NEG_FAILURE slug.

pub const ALL: &[(&str, &str)] = &[
    ("dns.nxdomain", "the name does not exist"),
    (
        "dns.no_answer",
        "the name exists but has no address records",
    ),
    ("dns.failure", "the resolver failed"),
    ("dns.timeout", "no DNS answer before the deadline"),
    ("tcp.refused", "TCP connection refused"),
    ("tcp.timeout", "TCP connect timed out (filtered)"),
    ("tcp.unreachable", "network or host unreachable"),
    ("tcp.error", "other connect error"),
    ("x224.closed", "closed after connect, before a confirm"),
    ("x224.reset", "reset after connect, before a confirm"),
    ("x224.silent", "no answer to the connection request"),
    ("x224.stalled", "part of an answer, then nothing"),
    ("x224.not_rdp", "something other than RDP answered"),
    ("x224.legacy", "confirm without negotiation data"),
    ("x224.malformed", "an undecodable X.224 answer"),
    ("x224.disconnect", "the server answered with a disconnect"),
    ("x224.neg_failure.ssl_required", "RDP_NEG_FAILURE 1"),
    ("x224.neg_failure.ssl_not_allowed", "RDP_NEG_FAILURE 2"),
    (
        "x224.neg_failure.ssl_cert_not_on_server",
        "RDP_NEG_FAILURE 3",
    ),
    ("x224.neg_failure.inconsistent_flags", "RDP_NEG_FAILURE 4"),
    ("x224.neg_failure.hybrid_required", "RDP_NEG_FAILURE 5"),
    (
        "x224.neg_failure.ssl_with_user_auth_required",
        "RDP_NEG_FAILURE 6",
    ),
    (
        "x224.neg_failure.unknown",
        "RDP_NEG_FAILURE with an unknown code",
    ),
    (
        "security.standard_rdp_allowed",
        "standard RDP security still accepted",
    ),
    ("security.nla_not_required", "NLA is not enforced"),
    ("security.nla_required", "NLA is enforced"),
    ("security.no_layer_accepted", "every security layer refused"),
    (
        "tls.closed_after_hello",
        "closed right after our ClientHello",
    ),
    ("tls.reset", "reset during the TLS handshake"),
    (
        "tls.alert",
        "family tls.alert.<name>: a TLS alert from the server",
    ),
    ("tls.stalled", "the TLS handshake stalled"),
    ("tls.legacy_only", "only TLS 1.0/1.1"),
    (
        "tls.cipher_mismatch",
        "TLS 1.2 only with cipher suites modern stacks lack",
    ),
    (
        "tls.tls13_rejected",
        "a TLS 1.3 offer is rejected, TLS 1.2 works",
    ),
    ("tls.failed", "another TLS handshake failure"),
    ("tls.cert_expired", "certificate expired"),
    ("tls.cert_not_yet_valid", "certificate not yet valid"),
    ("tls.cert_self_signed", "self-signed certificate"),
    (
        "tls.cert_name_mismatch",
        "certificate does not name the host",
    ),
    (
        "tls.cert_expiring_soon",
        "certificate expires within 30 days",
    ),
    ("tls.cert_weak_key", "certificate key too small"),
    (
        "tls.cert_weak_signature",
        "certificate signed with MD5 or SHA-1",
    ),
    (
        "nla.identity",
        "what the NTLM challenge says about the host",
    ),
    ("nla.clock_skew", "server clock differs from ours"),
    ("nla.no_challenge", "no NTLM challenge"),
    ("net.unstable", "handshakes fail or vary widely"),
    ("net.high_latency", "slow handshakes"),
    ("probe.timeout", "the whole-check deadline passed"),
    ("gateway.dns", "the gateway name does not resolve"),
    ("gateway.tcp_refused", "the gateway port refused"),
    ("gateway.tcp_timeout", "the gateway port did not answer"),
    ("gateway.tcp_error", "another gateway connect error"),
    (
        "gateway.tls_failed",
        "the TLS handshake with the gateway failed",
    ),
    (
        "gateway.tls_untrusted",
        "the gateway certificate does not chain to a trusted root",
    ),
    ("gateway.cert_expired", "the gateway certificate expired"),
    (
        "gateway.cert_name_mismatch",
        "the gateway certificate does not name the gateway",
    ),
    ("gateway.live", "a live RD Gateway asks for authentication"),
    ("gateway.redirect", "the gateway answers with a redirect"),
    (
        "gateway.no_http_transport",
        "403/404/410: the HTTP transport is off",
    ),
    ("gateway.not_rdg", "a web server, not an RD Gateway"),
    ("gateway.closed", "closed without an HTTP answer"),
    ("gateway.silent", "no HTTP answer before the deadline"),
    ("gateway.rpc_proxy", "an RPC-over-HTTP proxy answers"),
    ("udp.open", "an RDP-UDP SYN+ACK answered our SYN"),
    ("udp.closed", "ICMP port unreachable on UDP"),
    ("udp.inconclusive", "no answer, or not a SYN+ACK"),
];

/// Whether `code` is a known code or a member of a known family.
pub fn is_known(code: &str) -> bool {
    ALL.iter().any(|(c, _)| *c == code) || code.starts_with("tls.alert.")
}
