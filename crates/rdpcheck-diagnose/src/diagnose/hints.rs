//! What a client would most likely show for the finding that decides the verdict.
//! Windows codes per MS-RDPBCGR / the mstsc ActiveX tables; FreeRDP names where they help.
//! The match is exhaustive: a new finding code must say what a client shows (or `None`).

use rdpcheck_report::{FindingCode, NegFailure, Plain};

pub fn client_error_hint(code: FindingCode) -> Option<&'static str> {
    use Plain::*;
    let plain = match code {
        FindingCode::Plain(p) => p,
        FindingCode::NegFailure(NegFailure::HybridRequired) => {
            return Some("\"The remote computer requires Network Level Authentication\"; FreeRDP: ERRCONNECT_HYBRID_REQUIRED_BY_SERVER")
        }
        FindingCode::NegFailure(NegFailure::SslCertNotOnServer) => {
            return Some("\"An internal error has occurred\" or 0x904; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED")
        }
        FindingCode::NegFailure(_) => {
            return Some("a security negotiation error; FreeRDP: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED")
        }
        FindingCode::TlsAlert(_) => return Some(TLS_OTHER),
    };
    Some(match plain {
        DnsNxdomain | DnsNoAnswer | DnsFailure | DnsTimeout => {
            "0x104 (DNS name lookup failure) or 0x208 (host not found); FreeRDP: ERRCONNECT_DNS_NAME_NOT_FOUND"
        }
        TcpRefused | TcpUnreachable | TcpError => "0x204 (the socket connect failed); FreeRDP: ERRCONNECT_CONNECT_FAILED",
        TcpTimeout => "0x204 after about 21 s of SYN retries (Windows' connect budget), or 0x108 (connection timed out); FreeRDP: ERRCONNECT_CONNECT_FAILED",
        X224Closed | X224Reset | X224Disconnect => {
            "0x904 (socket closed), usually with extended code 0x7 (server denied the connection); FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        X224Silent | X224Stalled => {
            "a long wait, then a time-out such as 0x108 or 0x704; FreeRDP waits without a deadline"
        }
        X224NotRdp | X224Malformed => {
            "0x904 (socket closed) or a protocol error: the client cannot read the answer; FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        SecurityNoLayerAccepted => {
            "a security negotiation error (\"the remote computer requires …\" or an authentication error); FreeRDP: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED"
        }
        TlsClosedAfterHello | TlsReset => {
            "0x904 (socket closed) with extended code 0x7 — the certificate / MachineKeys signature; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        TlsStalled | NetMtuBlackhole => {
            "0x904 or a time-out; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        TlsLegacyOnly | TlsCipherMismatch | TlsTls13Rejected | TlsTls13Only | TlsFailed
        | TlsCertExpired
        | TlsCertNotYetValid | TlsCertSelfSigned | TlsCertNameMismatch | TlsCertExpiringSoon
        | TlsCertWeakKey | TlsCertWeakSignature => TLS_OTHER,
        NlaNoChallenge => {
            "\"An authentication error has occurred\"; FreeRDP: ERRCONNECT_AUTHENTICATION_FAILED or ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        NlaCredsspUnpatched => {
            "\"An authentication error has occurred. The function requested is not supported … This could be due to CredSSP encryption oracle remediation\" on updated Windows clients (policy Mitigated, the default since May 2018); FreeRDP connects"
        }
        GatewayDns | GatewayTcpRefused | GatewayTcpTimeout | GatewayTcpError => {
            "\"Remote Desktop can't find the RD Gateway\" / \"can't connect to the RD Gateway\"; FreeRDP: ERRCONNECT_CONNECT_FAILED"
        }
        GatewayTlsFailed => {
            "\"can't connect to the RD Gateway\" or a time-out; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        GatewayTlsUntrusted | GatewayCertExpired | GatewayCertNameMismatch => {
            "a refusal of the RD Gateway's certificate (the client cannot verify the gateway's identity); FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED"
        }
        GatewayLive | GatewayRedirect | GatewayNoHttpTransport | GatewayNotRdg | GatewayClosed
        | GatewaySilent | GatewayRpcProxy => {
            "\"The RD Gateway is not available\" or a transport error; FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED"
        }
        NetUnstable | NetHighLatency | NetPacketLoss => {
            "intermittent 0x904 (socket closed) or 0x108 (time-out) during connect or mid-session"
        }
        ClientCredsspBlocked => {
            "\"An authentication error has occurred … This could be due to CredSSP encryption oracle remediation\""
        }
        // This computer's other facts: rdpcheck-client says what they mean; nothing sourced to show.
        ClientUdpDisabled | ClientUdpUnanswered | ClientStoredConnection | ClientStoredCertStale
        | ClientCredsspVulnerable | ClientCredsspUnpatched | ClientTlsNoCommonVersion
        | ClientTlsVersionDisabled | ClientTlsCipherNotInOrder | ClientFirewallBlocks
        | ClientFirewallMayBlock | ClientMtuReduced | ClientRecentDisconnects => return None,
        // Not failures a client stops at: nothing to show.
        TlsNoForwardSecrecy | TlsProbeUnsupported | X224Legacy | SecurityStandardRdpAllowed | SecurityNlaNotRequired | SecurityNlaRequired
        | SecurityInconsistentAnswers
        | NlaIdentity | NlaClockSkew | ProbeTimeout | UdpOpen | UdpClosed | UdpInconclusive => {
            return None
        }
    })
}

const TLS_OTHER: &str =
    "\"An internal error has occurred\" or 0x904; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED";
