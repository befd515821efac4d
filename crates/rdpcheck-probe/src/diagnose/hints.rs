//! What a client would most likely show for the finding that decides the verdict.
//! Windows codes per MS-RDPBCGR / the mstsc ActiveX tables; FreeRDP names where they help.

pub fn client_error_hint(code: &str) -> Option<String> {
    let hint = match code {
        "dns.nxdomain" | "dns.no_answer" | "dns.failure" | "dns.timeout" => {
            "0x104 (DNS name lookup failure) or 0x208 (host not found); FreeRDP: ERRCONNECT_DNS_NAME_NOT_FOUND"
        }
        "tcp.refused" => "0x204 (the socket connect failed); FreeRDP: ERRCONNECT_CONNECT_FAILED",
        "tcp.timeout" => "0x204 after about 21 s of SYN retries (Windows' connect budget), or 0x108 (connection timed out); FreeRDP: ERRCONNECT_CONNECT_FAILED",
        "tcp.unreachable" | "tcp.error" => "0x204 (the socket connect failed); FreeRDP: ERRCONNECT_CONNECT_FAILED",
        "x224.closed" | "x224.reset" | "x224.disconnect" => {
            "0x904 (socket closed), usually with extended code 0x7 (server denied the connection); FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        "x224.silent" | "x224.stalled" => {
            "a long wait, then a time-out such as 0x108 or 0x704; FreeRDP waits without a deadline"
        }
        "x224.not_rdp" | "x224.malformed" => {
            "0x904 (socket closed) or a protocol error: the client cannot read the answer; FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        "x224.neg_failure.hybrid_required" => {
            "\"The remote computer requires Network Level Authentication\"; FreeRDP: ERRCONNECT_HYBRID_REQUIRED_BY_SERVER"
        }
        "x224.neg_failure.ssl_cert_not_on_server" => {
            "\"An internal error has occurred\" or 0x904; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        c if c.starts_with("x224.neg_failure.") => {
            "a security negotiation error; FreeRDP: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED"
        }
        "security.no_layer_accepted" => {
            "a security negotiation error (\"the remote computer requires …\" or an authentication error); FreeRDP: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED"
        }
        "tls.closed_after_hello" | "tls.reset" => {
            "0x904 (socket closed) with extended code 0x7 — the certificate / MachineKeys signature; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        "tls.stalled" => "0x904 or a time-out; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED",
        c if c.starts_with("tls.") => {
            "\"An internal error has occurred\" or 0x904; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        "nla.no_challenge" => {
            "\"An authentication error has occurred\"; FreeRDP: ERRCONNECT_AUTHENTICATION_FAILED or ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        "gateway.dns" | "gateway.tcp_refused" | "gateway.tcp_timeout" | "gateway.tcp_error" => {
            "\"Remote Desktop can't find the RD Gateway\" / \"can't connect to the RD Gateway\"; FreeRDP: ERRCONNECT_CONNECT_FAILED"
        }
        "gateway.tls_failed" => {
            "\"can't connect to the RD Gateway\" or a time-out; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        "gateway.tls_untrusted" | "gateway.cert_expired" | "gateway.cert_name_mismatch" => {
            "a refusal of the RD Gateway's certificate (the client cannot verify the gateway's identity); FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        c if c.starts_with("gateway.") => {
            "\"The RD Gateway is not available\" or a transport error; FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        "net.unstable" | "net.high_latency" => {
            "intermittent 0x904 (socket closed) or 0x108 (time-out) during connect or mid-session"
        }
        _ => return None,
    };
    Some(hint.to_string())
}
