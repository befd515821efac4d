//! Small formatting helpers shared by the page and the Markdown export.

use rdpcheck_report::{Severity, StageStatus};

/// `v` with `decimals` (at most 6) digits after the point, as `format!("{v:.N}")` writes it,
/// from integers: the page then carries no float formatter (about 11 KiB of wasm).
pub fn fixed(v: f64, decimals: u32) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN"
        } else if v > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_string();
    }
    let decimals = decimals.min(6);
    let scale = 10u64.pow(decimals);
    let sign = if v.is_sign_negative() { "-" } else { "" };
    // Rounded as the float formatter rounds: to nearest on the exact value, ties to even. The
    // product may itself be rounded; mul_add gives its exact error, which decides the ties.
    let (a, k) = (v.abs(), scale as f64);
    let r = a * k;
    let error = a.mul_add(k, -r);
    let scaled = if r - r.floor() == 0.5 {
        match error.partial_cmp(&0.0) {
            Some(std::cmp::Ordering::Greater) => r.ceil(),
            Some(std::cmp::Ordering::Less) => r.floor(),
            _ => r.round_ties_even(),
        }
    } else {
        r.round()
    };
    if scaled >= 9.0e15 {
        // Beyond exact integers (no duration is this long): the integer part, zeros after it.
        let zeros = "0".repeat(decimals as usize);
        let point = if decimals == 0 { "" } else { "." };
        return format!("{sign}{}{point}{zeros}", a.trunc() as u64);
    }
    let n = scaled as u64;
    let (int, frac) = (n / scale, n % scale);
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

/// `0 ms`, `2.3 ms`, `37 ms`, `1.24 s`, `12.5 s`.
pub fn ms(v: f64) -> String {
    if !v.is_finite() || v <= 0.0 {
        return "0 ms".to_string();
    }
    if v < 10.0 {
        format!("{} ms", fixed(v, 1))
    } else if v < 1000.0 {
        format!("{} ms", fixed(v, 0))
    } else if v < 10_000.0 {
        format!("{} s", fixed(v / 1000.0, 2))
    } else {
        format!("{} s", fixed(v / 1000.0, 1))
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
        let sign = if s.is_sign_negative() { '-' } else { '+' };
        return format!("{sign}{} s (in step)", fixed(a, 1));
    }
    let body = if a < 120.0 {
        format!("{} s", fixed(a, 0))
    } else if a < 7200.0 {
        format!(
            "{} min {} s",
            (a / 60.0).floor() as u64,
            (a % 60.0).floor() as u64
        )
    } else {
        format!("{} h", fixed(a / 3600.0, 1))
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
pub fn stage_title(name: &str) -> String {
    let known = match name {
        "dns" => "DNS: resolve the name",
        "tcp" => "TCP: connect to the port",
        "x224" => "X.224: RDP negotiation",
        "security_layers" => "Security layers, each on its own",
        "tls" => "TLS handshake and certificate",
        "nla" => "NLA: NTLM challenge (no credentials)",
        "stability" => "Stability: repeated handshakes",
        "udp" => "RDP-UDP reachability",
        "gateway" => "RD Gateway",
        "gateway.dns" => "Gateway: resolve the name",
        "gateway.tcp" => "Gateway: connect",
        "gateway.tls" => "Gateway: TLS and certificate trust",
        "gateway.http" => "Gateway: HTTP transport answer",
        _ => "",
    };
    if known.is_empty() {
        match name.strip_prefix("gateway.") {
            Some(rest) => format!("Gateway: {rest}"),
            None => name.to_string(),
        }
    } else {
        known.to_string()
    }
}

/// The ladder's stages in order, as the engine runs them (gateway stages come first when used).
pub const LADDER: [&str; 8] = [
    "dns",
    "tcp",
    "x224",
    "security_layers",
    "tls",
    "nla",
    "stability",
    "udp",
];

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
    fn fixed_writes_what_the_float_formatter_writes() {
        for v in [
            0.0, -0.0, 0.04, 0.05, 0.25, 0.35, 1.005, 2.345, 9.95, 9.96, 10.0, 37.4999, 99.5,
            123.456, 999.95, 1234.5, -0.4, -45.25, 12_345.678, 1.0e9, 3.0e15,
        ] {
            for d in 0..=3 {
                assert_eq!(
                    fixed(v, d),
                    format!("{v:.*}", d as usize),
                    "{v} with {d} digits"
                );
            }
        }
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(f64::INFINITY, 1), "inf");
        assert_eq!(ms(2.34), "2.3 ms");
        assert_eq!(ms(37.4), "37 ms");
        assert_eq!(ms(1236.0), "1.24 s");
        assert_eq!(ms(12_500.0), "12.5 s");
    }

    #[test]
    fn skew_in_words() {
        assert_eq!(skew(-0.4), "-0.4 s (in step)");
        assert_eq!(skew(-45.0), "server 45 s behind the relay");
        assert_eq!(skew(303.0), "server 5 min 3 s ahead of the relay");
        assert_eq!(
            stage_title("gateway.tls"),
            "Gateway: TLS and certificate trust"
        );
        assert_eq!(stage_title("gateway.rpc"), "Gateway: rpc");
    }
}
