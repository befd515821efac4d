//! Numbers and addresses in words.

use rdpcheck_report::Report;

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

/// [`ms`], or `-` when there is no value.
pub fn opt_ms(v: Option<f64>) -> String {
    v.map(ms).unwrap_or_else(|| "-".to_string())
}

/// The server's clock against the checker's, in words: `in step (-0.4 s)`, `45 s behind`,
/// `5 min 3 s ahead`, `2.1 h ahead`.
pub fn skew(s: f64) -> String {
    let a = s.abs();
    if a < 1.0 {
        return format!("in step ({s:+.1} s)");
    }
    let side = if s < 0.0 { "behind" } else { "ahead" };
    let body = if a < 120.0 {
        format!("{a:.0} s")
    } else if a < 7200.0 {
        format!("{} min {} s", (a / 60.0).floor(), (a % 60.0).floor())
    } else {
        format!("{:.1} h", a / 3600.0)
    };
    format!("{body} {side}")
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// `host:port`, with an IPv6 literal in brackets.
pub fn target(r: &Report) -> String {
    host_port(&r.target.host, r.target.port)
}

/// [`target`] and, when it differs, the address the deep stages ran against: `rdp.example:3389
/// (10.0.0.5)`.
pub fn target_checked(r: &Report) -> String {
    match r
        .target
        .probed_address
        .as_deref()
        .filter(|a| *a != r.target.host)
    {
        Some(a) => format!("{} ({a})", target(r)),
        None => target(r),
    }
}

pub(crate) fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
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
        assert_eq!(opt_ms(None), "-");
    }

    #[test]
    fn skew_in_words() {
        assert_eq!(skew(-0.4), "in step (-0.4 s)");
        assert_eq!(skew(-45.0), "45 s behind");
        assert_eq!(skew(303.0), "5 min 3 s ahead");
        assert_eq!(skew(9000.0), "2.5 h ahead");
    }

    #[test]
    fn ipv6_targets_are_bracketed() {
        assert_eq!(host_port("::1", 3389), "[::1]:3389");
        assert_eq!(host_port("rdp.example", 3389), "rdp.example:3389");
    }
}
