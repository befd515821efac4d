//! Numbers and addresses in words. Numbers are written by [`fixed`], from integers: the page
//! then carries no float formatter (about 11 KiB of wasm).

use rdpcheck_report::Report;

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

/// [`ms`], or `-` when there is no value.
pub fn opt_ms(v: Option<f64>) -> String {
    v.map(ms).unwrap_or_else(|| "-".to_string())
}

/// The server's clock against the checker's, in words: `in step (-0.4 s)`, `45 s behind`,
/// `5 min 3 s ahead`, `2.1 h ahead`.
pub fn skew(s: f64) -> String {
    let a = s.abs();
    if a < 1.0 {
        let sign = if s.is_sign_negative() { '-' } else { '+' };
        return format!("in step ({sign}{} s)", fixed(a, 1));
    }
    let side = if s < 0.0 { "behind" } else { "ahead" };
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
