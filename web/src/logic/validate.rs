//! Checks the form's host, port and gateway before anything is sent to the relay.
//!
//! Host and gateway use the relay's own grammar (`rdpcheck_proto::target`), so the form refuses
//! what the relay would refuse, with the same reason, before anything is sent. Names with
//! non-ASCII characters need an IDNA mapper: the page passes one built on the browser's URL
//! parser; without one (the native build these tests run in) they are refused with a hint to
//! type the `xn--` form.

use rdpcheck_proto::target::{TargetAddr, TargetAddrError, TargetErrorKind};

pub use rdpcheck_proto::target::{IdnaToAscii, DEFAULT_GATEWAY_PORT, DEFAULT_RDP_PORT};

/// Which form field an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Host,
    Port,
    Gateway,
    Samples,
}

/// A message for one field, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

fn err(field: Field, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A host and port that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl HostPort {
    /// `host:port`, with IPv6 addresses in brackets: what the relay's `target` field takes.
    pub fn to_target(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The whole form, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInput {
    pub target: HostPort,
    pub gateway: Option<HostPort>,
    pub samples: u32,
    /// The client family the verdict is judged for (`None`: the relay's default, mstsc on
    /// Windows 11 24H2+). Chosen from a list, so not validated here.
    pub client: Option<rdpcheck_report::ClientId>,
}

/// Most stability handshakes the page asks for (the relay caps it too).
pub const MAX_SAMPLES: u32 = 20;

/// Validates the form fields. `port` may be empty (3389, or the port written in the host field).
/// ASCII host names only; see [`validate_form_with`].
pub fn validate_form(
    host: &str,
    port: &str,
    gateway: &str,
    samples: &str,
) -> Result<CheckInput, Vec<FieldError>> {
    validate_form_with(host, port, gateway, samples, None)
}

/// [`validate_form`], converting non-ASCII host names with `idna`.
pub fn validate_form_with(
    host: &str,
    port: &str,
    gateway: &str,
    samples: &str,
    idna: Option<&dyn IdnaToAscii>,
) -> Result<CheckInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let target = match parse_host_port_with(host, Field::Host, DEFAULT_RDP_PORT, idna) {
        Ok(mut hp) => {
            let port = port.trim();
            if !port.is_empty() {
                match parse_port(port) {
                    Ok(p) => hp.port = p,
                    Err(m) => errors.push(err(Field::Port, m)),
                }
            }
            Some(hp)
        }
        Err(e) => {
            if !port.trim().is_empty() {
                if let Err(m) = parse_port(port.trim()) {
                    errors.push(err(Field::Port, m));
                }
            }
            errors.insert(0, e);
            None
        }
    };
    let gateway = match gateway.trim() {
        "" => None,
        g => match parse_host_port_with(g, Field::Gateway, DEFAULT_GATEWAY_PORT, idna) {
            Ok(hp) => Some(hp),
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    let samples = match samples.trim() {
        "" => 5,
        s => match s.parse::<u32>() {
            Ok(n) if n <= MAX_SAMPLES => n,
            _ => {
                errors.push(err(
                    Field::Samples,
                    format!("Handshakes must be a whole number from 0 to {MAX_SAMPLES}."),
                ));
                5
            }
        },
    };
    match (target, errors.is_empty()) {
        (Some(target), true) => Ok(CheckInput {
            target,
            gateway,
            samples,
            client: None,
        }),
        _ => Err(errors),
    }
}

/// A port number 1-65535.
pub fn parse_port(text: &str) -> Result<u16, String> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "\"{t}\" is not a port: give a number from 1 to 65535 (RDP uses 3389)."
        ));
    }
    match t.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        _ => Err(format!(
            "Port {t} is out of range: give a number from 1 to 65535 (RDP uses 3389)."
        )),
    }
}

/// `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address; ASCII host names only.
pub fn parse_host_port(
    text: &str,
    field: Field,
    default_port: u16,
) -> Result<HostPort, FieldError> {
    parse_host_port_with(text, field, default_port, None)
}

/// [`parse_host_port`], converting non-ASCII host names with `idna`.
pub fn parse_host_port_with(
    text: &str,
    field: Field,
    default_port: u16,
    idna: Option<&dyn IdnaToAscii>,
) -> Result<HostPort, FieldError> {
    match TargetAddr::parse(text, Some(default_port), idna) {
        Ok(t) => Ok(HostPort {
            host: t.host.to_string(),
            port: t.port,
        }),
        Err(e) => Err(err(field, message(text.trim(), field, &e))),
    }
}

/// The grammar's reason as a sentence; the commonest slips get the page's own words.
fn message(text: &str, field: Field, e: &TargetAddrError) -> String {
    let what = if field == Field::Gateway {
        "gateway"
    } else {
        "host"
    };
    match e.kind {
        TargetErrorKind::Empty => {
            format!("Enter the {what} name or IP address, e.g. rdp.example.com or 192.0.2.10.")
        }
        TargetErrorKind::Url => {
            let (scheme, rest) = text.split_once("://").unwrap_or(("", text));
            let hint = rest.split(['/', '?', '#']).next().unwrap_or(rest);
            format!("Leave out \"{scheme}://\": enter only the {what}, e.g. {hint}.")
        }
        TargetErrorKind::UserInfo => {
            let host = text.rsplit_once('@').map_or(text, |(_, h)| h);
            format!(
                "Leave out the user name: enter only the {what}, e.g. {host}. rdpcheck never needs a credential."
            )
        }
        _ => {
            let mut sentence = e.to_string();
            if !sentence.ends_with('.') {
                sentence.push('.');
            }
            sentence
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_names_addresses_and_ports() {
        let ok = |h: &str, p: &str| validate_form(h, p, "", "").expect(h).target;
        assert_eq!(
            ok("rdp.example.com", "").to_target(),
            "rdp.example.com:3389"
        );
        assert_eq!(
            ok("rdp.example.com:3390", "").to_target(),
            "rdp.example.com:3390"
        );
        assert_eq!(ok("rdp.example.com:3390", "4000").port, 4000);
        assert_eq!(ok("192.0.2.10", "3389").to_target(), "192.0.2.10:3389");
        assert_eq!(ok("2001:db8::1", "").to_target(), "[2001:db8::1]:3389");
        assert_eq!(
            ok("[2001:db8::1]:3391", "").to_target(),
            "[2001:db8::1]:3391"
        );
        assert_eq!(ok("  Host_1.Corp.  ", "").host, "host_1.corp");
    }

    /// Stands in for the browser's URL parser.
    struct FakeIdna;

    impl IdnaToAscii for FakeIdna {
        fn to_ascii(&self, name: &str) -> Result<String, String> {
            match name {
                "bücher.example" => Ok("xn--bcher-kva.example".into()),
                other => Err(format!("Invalid URL: http://{other}")),
            }
        }
    }

    #[test]
    fn non_ascii_names_need_the_mapper() {
        let errs = validate_form("bücher.example", "", "", "").expect_err("no mapper");
        assert!(errs[0].message.contains("xn--"), "{errs:?}");
        let input = validate_form_with(
            "bücher.example",
            "",
            "bücher.example:8443",
            "",
            Some(&FakeIdna),
        )
        .expect("mapped");
        assert_eq!(input.target.to_target(), "xn--bcher-kva.example:3389");
        assert_eq!(
            input.gateway.map(|g| g.to_target()),
            Some("xn--bcher-kva.example:8443".into())
        );
        let errs =
            validate_form_with("zürich.example", "", "", "", Some(&FakeIdna)).expect_err("bad");
        assert!(errs[0].message.contains("IDNA"), "{errs:?}");
    }

    /// What the relay refuses, the form refuses first, with the relay's reason.
    #[test]
    fn refuses_what_the_relay_refuses() {
        for h in [
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "foo.127",
            "fe80::1%eth0",
        ] {
            let errs = validate_form(h, "", "", "").expect_err(h);
            assert_eq!(errs[0].field, Field::Host);
            let relay_words = TargetAddr::parse(h, Some(3389), None).expect_err(h).reason;
            assert!(errs[0].message.contains(&relay_words), "{h}: {errs:?}");
        }
    }

    // The one table of typed targets every parser follows (native build: no IDNA mapper).
    #[allow(dead_code)]
    mod shared_table {
        use super::*;

        include!("../../../crates/rdpcheck-proto/tests/data/target_cases.rs");

        #[test]
        fn parse_host_port_follows_the_shared_table() {
            for case in target_cases() {
                let got = match parse_host_port(&case.input, Field::Host, DEFAULT_RDP_PORT) {
                    Ok(hp) => Outcome::Ok(hp.host, hp.port),
                    Err(e) => {
                        assert_eq!(e.field, Field::Host);
                        let kind = TargetAddr::parse(&case.input, Some(3389), None)
                            .map_or_else(|e| format!("{:?}", e.kind), |t| format!("accepted {t}"));
                        Outcome::Err(kind)
                    }
                };
                assert_eq!(got, case.ascii, "{:?}", case.input);
            }
        }
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        let bad = |h: &str, p: &str| validate_form(h, p, "", "").expect_err(h);
        for (h, p, needle) in [
            ("", "", "Enter the host"),
            ("bad host!", "", "spaces"),
            ("bad!host", "", "characters not allowed"),
            ("rdp://host", "", "Leave out \"rdp://\""),
            ("https://host/path", "", "e.g. host."),
            ("host", "0", "out of range"),
            ("host", "70000", "out of range"),
            ("host", "abc", "not a port"),
            ("host:99999", "", "above 65535"),
            ("300.1.1.1", "", "ambiguous numeric"),
            ("-a.example", "", "starts or ends with '-'"),
            ("a..b", "", "empty label"),
            ("user@host", "", "user name"),
            ("[::1", "", "closing ']'"),
            ("1:2:3:zz::", "", "not a valid IPv6"),
        ] {
            let errs = bad(h, p);
            assert!(
                errs.iter().any(|e| e.message.contains(needle)),
                "{h:?} {p:?}: {errs:?}"
            );
        }
        let errs = validate_form("host", "0", "", "").expect_err("port");
        assert_eq!(errs[0].field, Field::Port);
    }

    #[test]
    fn gateway_and_samples() {
        let i = validate_form("h", "", "gw.example.com", "3").expect("ok");
        assert_eq!(
            i.gateway.expect("gateway").to_target(),
            "gw.example.com:443"
        );
        assert_eq!(i.samples, 3);
        let e = validate_form("h", "", "gw example", "99").expect_err("bad");
        assert_eq!(
            e.iter().map(|e| e.field).collect::<Vec<_>>(),
            [Field::Gateway, Field::Samples]
        );
    }
}
