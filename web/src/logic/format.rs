//! Small formatting helpers shared by the page and the Markdown export.

use rdpcheck_report::{Severity, Stage, StageStatus};

/// `0 ms`, `2.3 ms`, `37 ms`, `1.24 s`, `12.5 s`.
pub fn ms(v: f64) -> String {
    if !v.is_finite() || v <= 0.0 {
        return "0 ms".to_string();
    }
    if v < 10.0 {
        format!("{v:.1} ms")
    } else if v < 1000.0 {
        format!("{v:.0} ms")
    } else if v < 10_000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{:.1} s", v / 1000.0)
    }
}

/// Clock skew in words: `-0.4 s (server behind)`, `5 min 3 s ahead`.
pub fn skew(s: f64) -> String {
    let a = s.abs();
    let side = if s < 0.0 {
        "behind the relay"
    } else {
        "ahead of the relay"
    };
    if a < 1.0 {
        return format!("{s:+.1} s (in step)");
    }
    let body = if a < 120.0 {
        format!("{a:.0} s")
    } else if a < 7200.0 {
        format!("{} min {} s", (a / 60.0).floor(), (a % 60.0).floor())
    } else {
        format!("{:.1} h", a / 3600.0)
    };
    format!("server {body} {side}")
}

pub fn status_word(s: StageStatus) -> &'static str {
    match s {
        StageStatus::Pass => "pass",
        StageStatus::Warn => "warn",
        StageStatus::Fail => "fail",
        StageStatus::Skip => "skipped",
    }
}

pub fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warn => "warning",
        Severity::Fail => "failure",
    }
}

/// What each stage does, for the live list and the timeline's labels.
pub fn stage_title(stage: Stage) -> &'static str {
    match stage {
        Stage::Dns => "DNS: resolve the name",
        Stage::Tcp => "TCP: connect to the port",
        Stage::X224 => "X.224: RDP negotiation",
        Stage::SecurityLayers => "Security layers, each on its own",
        Stage::Tls => "TLS handshake and certificate",
        Stage::Nla => "NLA: NTLM challenge (no credentials)",
        Stage::Stability => "Stability: repeated handshakes",
        Stage::Udp => "RDP-UDP reachability",
        Stage::GatewayDns => "Gateway: resolve the name",
        Stage::GatewayTcp => "Gateway: connect",
        Stage::GatewayTls => "Gateway: TLS and certificate trust",
        Stage::GatewayHttp => "Gateway: HTTP transport answer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(ms(0.0), "0 ms");
        assert_eq!(ms(2.345), "2.3 ms");
        assert_eq!(ms(37.4), "37 ms");
        assert_eq!(ms(1240.0), "1.24 s");
        assert_eq!(ms(12_500.0), "12.5 s");
    }

    #[test]
    fn skew_in_words() {
        assert_eq!(skew(-0.4), "-0.4 s (in step)");
        assert_eq!(skew(-45.0), "server 45 s behind the relay");
        assert_eq!(skew(303.0), "server 5 min 3 s ahead of the relay");
        assert_eq!(
            stage_title(Stage::GatewayTls),
            "Gateway: TLS and certificate trust"
        );
    }
}
