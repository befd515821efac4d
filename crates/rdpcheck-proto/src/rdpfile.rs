//! Saved Remote Desktop connection files (`.rdp`), as mstsc and RD Web Access write them.
//!
//! One setting per line: `name:type:value`, type `s` (string), `i` (integer) or `b` (binary,
//! hex digits). Names are case-insensitive and may hold spaces (`full address`); values may
//! hold colons (`full address:s:host:3390`), so a line is split on its first two colons only.
//! Reference: Microsoft Learn, "Supported RDP properties with Remote Desktop Services", and
//! IMsRdpClientTransportSettings (GatewayUsageMethod, GatewayProfileUsageMethod).
//!
//! mstsc writes UTF-16LE with a BOM (`FF FE`) and CRLF; other tools write UTF-8 with or
//! without a BOM and LF. A malformed line becomes a [`LineProblem`], never an error: the
//! point is to tell a user what mstsc would make of the file.

use crate::DecodeError;

/// Names of the settings [`RdpFile::target`] reads or the report cares about, lower case.
pub mod names {
    pub const FULL_ADDRESS: &str = "full address";
    /// When present, replaces `full address` as the host the client connects to
    /// (`full address` stays what the UI shows).
    pub const ALTERNATE_FULL_ADDRESS: &str = "alternate full address";
    pub const SERVER_PORT: &str = "server port";
    pub const USERNAME: &str = "username";
    pub const DOMAIN: &str = "domain";
    pub const AUTHENTICATION_LEVEL: &str = "authentication level";
    pub const ENABLE_CREDSSP_SUPPORT: &str = "enablecredsspsupport";
    pub const PROMPT_FOR_CREDENTIALS: &str = "prompt for credentials";
    pub const NEGOTIATE_SECURITY_LAYER: &str = "negotiate security layer";
    pub const GATEWAY_HOSTNAME: &str = "gatewayhostname";
    pub const GATEWAY_USAGE_METHOD: &str = "gatewayusagemethod";
    pub const GATEWAY_PROFILE_USAGE_METHOD: &str = "gatewayprofileusagemethod";
    pub const GATEWAY_CREDENTIALS_SOURCE: &str = "gatewaycredentialssource";
    pub const USE_REDIRECTION_SERVER_NAME: &str = "use redirection server name";
    pub const LOAD_BALANCE_INFO: &str = "loadbalanceinfo";
}

pub const DEFAULT_RDP_PORT: u16 = 3389;
pub const DEFAULT_GATEWAY_PORT: u16 = 443;

/// How much of a bad line a [`LineProblem`] keeps, in characters.
const PROBLEM_TEXT_MAX: usize = 120;

/// A parsed `.rdp` file: the settings in file order and the lines that did not parse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RdpFile {
    pub settings: Vec<Setting>,
    pub problems: Vec<LineProblem>,
}

/// One `name:type:value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// 1-based line number.
    pub line: usize,
    /// Lower-cased and trimmed.
    pub name: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `s`: the text after the second colon, as written (not trimmed).
    Str(String),
    /// `i`
    Int(i64),
    /// `b`: decoded from hex.
    Bin(Vec<u8>),
}

/// A line that is not a valid setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line number.
    pub line: usize,
    /// The raw line, cut to 120 characters.
    pub text: String,
    pub reason: String,
}

/// The connection the client would make, as far as the file decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    /// Only when the settings say the client uses the gateway for this connection.
    pub gateway: Option<Gateway>,
    pub gateway_usage: GatewayUsage,
    /// Settings that make the outcome uncertain or are invalid, in plain words.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    pub host: String,
    pub port: u16,
    /// gatewayusagemethod 2: mstsc's "Bypass RD Gateway server for local addresses" box, which
    /// in practice means "try direct first, gateway if that fails".
    pub bypass_for_local: bool,
}

/// `gatewayusagemethod` (TSC_PROXY_MODE_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayUsage {
    /// 0: do not use an RD Gateway.
    Never,
    /// 1: always use the RD Gateway.
    Always,
    /// 2: use the RD Gateway only if the direct connection fails.
    Detect,
    /// 3: use the client's default RD Gateway settings.
    Default,
    /// 4: do not use an RD Gateway (bypass box ticked).
    NoneOrLocal,
    Unknown(i64),
}

impl GatewayUsage {
    pub fn from_i64(value: i64) -> Self {
        match value {
            0 => Self::Never,
            1 => Self::Always,
            2 => Self::Detect,
            3 => Self::Default,
            4 => Self::NoneOrLocal,
            other => Self::Unknown(other),
        }
    }

    pub fn value(self) -> i64 {
        match self {
            Self::Never => 0,
            Self::Always => 1,
            Self::Detect => 2,
            Self::Default => 3,
            Self::NoneOrLocal => 4,
            Self::Unknown(v) => v,
        }
    }
}

/// Parse a `.rdp` file.
///
/// Errors only when the bytes are not text: UTF-16 with an odd byte count, or bytes that are
/// neither UTF-8 nor (BOM-less) UTF-16.
pub fn parse(bytes: &[u8]) -> Result<RdpFile, DecodeError> {
    let text = decode_text(bytes)?;
    let mut file = RdpFile::default();
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        // Some writers leave a NUL terminator at the end; it is not a line.
        if raw
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .is_empty()
        {
            continue;
        }
        match parse_line(raw) {
            Ok((name, value)) => file.settings.push(Setting { line, name, value }),
            Err(reason) => file.problems.push(LineProblem {
                line,
                text: raw.chars().take(PROBLEM_TEXT_MAX).collect(),
                reason,
            }),
        }
    }
    Ok(file)
}

fn parse_line(raw: &str) -> Result<(String, Value), String> {
    let mut parts = raw.splitn(3, ':');
    let (Some(name), Some(kind), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected name:type:value (two colons)".into());
    };
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return Err("empty setting name".into());
    }
    let value = match kind.trim() {
        "s" | "S" => Value::Str(value.to_string()),
        "i" | "I" => {
            let digits = value.trim();
            Value::Int(
                digits
                    .parse()
                    .map_err(|_| format!("integer value \"{digits}\" is not a number"))?,
            )
        }
        "b" | "B" => Value::Bin(decode_hex(value.trim())?),
        other => {
            return Err(format!(
                "unknown type \"{other}\" (expected s, i or b)",
                other = other.chars().take(16).collect::<String>()
            ))
        }
    };
    Ok((name, value))
}

fn decode_hex(digits: &str) -> Result<Vec<u8>, String> {
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("binary value is not hex digits".into());
    }
    if !digits.len().is_multiple_of(2) {
        return Err(format!(
            "binary value has an odd number of hex digits ({})",
            digits.len()
        ));
    }
    Ok(digits
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| hex_digit(pair[0]) << 4 | hex_digit(pair[1]))
        .collect())
}

/// Value of an ASCII hex digit (checked by the caller; anything else reads as 0).
fn hex_digit(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Bytes to text: BOM first, then a BOM-less UTF-16 guess, then UTF-8.
fn decode_text(bytes: &[u8]) -> Result<String, DecodeError> {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => decode_utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => decode_utf16(rest, u16::from_be_bytes),
        [0xEF, 0xBB, 0xBF, rest @ ..] => decode_utf8(rest),
        // A file starts with an ASCII setting name, so `xx 00` is UTF-16LE without a BOM.
        [first, 0, ..] if *first != 0 => decode_utf16(bytes, u16::from_le_bytes),
        [0, second, ..] if *second != 0 => decode_utf16(bytes, u16::from_be_bytes),
        _ => decode_utf8(bytes),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::invalid(
            "rdp file encoding",
            format!("UTF-16 text with an odd number of bytes ({})", bytes.len()),
        ));
    }
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    // A lone surrogate spoils one character, not the file.
    Ok(char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect())
}

fn decode_utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(DecodeError::invalid(
            "rdp file encoding",
            format!(
                "neither UTF-8 nor UTF-16 text (invalid UTF-8 at byte {})",
                e.valid_up_to()
            ),
        )),
    }
}

impl RdpFile {
    /// The value of `name` (case-insensitive); the last occurrence wins, as in mstsc.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let name = name.trim().to_lowercase();
        self.settings
            .iter()
            .rev()
            .find(|s| s.name == name)
            .map(|s| &s.value)
    }

    /// The string value of `name`; `None` if absent or of another type.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The integer value of `name`; `None` if absent or of another type.
    pub fn get_int(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Some(Value::Int(v)) => Some(*v),
            _ => None,
        }
    }

    /// The connection the client would make: host, port and whether through an RD Gateway.
    ///
    /// `None` when the file names no host (`full address` or `alternate full address`, as a
    /// string setting). `alternate full address`, when non-empty, is the host mstsc connects
    /// to; `full address` is then only what its UI shows.
    pub fn target(&self) -> Option<Target> {
        let mut warnings = Vec::new();
        self.warn_wrong_types(&mut warnings);

        let full = self.get_str(names::FULL_ADDRESS).map(str::trim);
        let alternate = self
            .get_str(names::ALTERNATE_FULL_ADDRESS)
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let (address, source) = match (alternate, full) {
            (Some(alt), full) => {
                if let Some(full) = full.filter(|f| *f != alt) {
                    warnings.push(format!(
                        "alternate full address \"{alt}\" replaces full address \"{full}\" as the host the client connects to"
                    ));
                }
                (alt, names::ALTERNATE_FULL_ADDRESS)
            }
            (None, Some(full)) => (full, names::FULL_ADDRESS),
            (None, None) => return None,
        };
        let spec = split_host_port(address, source, &mut warnings);
        check_host(&spec.host, source, &mut warnings);

        let server_port = match self.get_int(names::SERVER_PORT) {
            Some(v) => match u16::try_from(v) {
                Ok(p) if p != 0 => Some(p),
                _ => {
                    warnings.push(format!(
                        "server port {v} is not a valid port (1-65535); ignoring it"
                    ));
                    None
                }
            },
            None => None,
        };
        let port = match (spec.port, server_port) {
            (Some(p), Some(sp)) if p != sp => {
                warnings.push(format!(
                    "{source} names port {p}, which overrides server port {sp}"
                ));
                p
            }
            (Some(p), _) => p,
            (None, Some(sp)) => sp,
            (None, None) => DEFAULT_RDP_PORT,
        };

        let (gateway, gateway_usage) = self.gateway(&mut warnings);
        Some(Target {
            host: spec.host,
            port,
            gateway,
            gateway_usage,
            warnings,
        })
    }

    fn gateway(&self, warnings: &mut Vec<String>) -> (Option<Gateway>, GatewayUsage) {
        let hostname = self
            .get_str(names::GATEWAY_HOSTNAME)
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let usage = self
            .get_int(names::GATEWAY_USAGE_METHOD)
            .map(GatewayUsage::from_i64);

        let Some(hostname) = hostname else {
            match usage {
                Some(u @ (GatewayUsage::Always | GatewayUsage::Detect)) => warnings.push(format!(
                    "gatewayusagemethod {} asks for an RD Gateway but gatewayhostname is empty",
                    u.value()
                )),
                Some(GatewayUsage::Default) => warnings.push(
                    "gatewayusagemethod 3 (use default settings): the client's defaults or group policy may still route the connection through an RD Gateway".into(),
                ),
                _ => {}
            }
            return (None, usage.unwrap_or(GatewayUsage::Never));
        };

        let uses = match usage {
            Some(GatewayUsage::Always) => true,
            Some(GatewayUsage::Detect) => {
                warnings.push(
                    "gatewayusagemethod 2: the client tries a direct connection first and uses the RD Gateway only if that fails".into(),
                );
                true
            }
            Some(GatewayUsage::Default) => {
                warnings.push(
                    "gatewayusagemethod 3 (use default settings): whether the RD Gateway is used depends on the default settings on the client".into(),
                );
                true
            }
            Some(u @ (GatewayUsage::Never | GatewayUsage::NoneOrLocal)) => {
                warnings.push(format!(
                    "gatewayhostname is set but gatewayusagemethod {} means it is not used",
                    u.value()
                ));
                false
            }
            Some(GatewayUsage::Unknown(v)) => {
                warnings.push(format!(
                    "gatewayusagemethod {v} is not a known value (0-4); assuming the RD Gateway is not used"
                ));
                false
            }
            None => {
                warnings.push(
                    "gatewayhostname is set but gatewayusagemethod is missing; assuming the RD Gateway is not used".into(),
                );
                false
            }
        };
        let usage = usage.unwrap_or(GatewayUsage::Never);
        if !uses {
            return (None, usage);
        }

        if self.get_int(names::GATEWAY_PROFILE_USAGE_METHOD) != Some(1) {
            warnings.push(
                "gatewayprofileusagemethod is not 1 (explicit settings): the administrator's default RD Gateway settings may replace the file's".into(),
            );
        }
        let spec = split_host_port(hostname, names::GATEWAY_HOSTNAME, warnings);
        check_host(&spec.host, names::GATEWAY_HOSTNAME, warnings);
        let gateway = Gateway {
            host: spec.host,
            port: spec.port.unwrap_or(DEFAULT_GATEWAY_PORT),
            bypass_for_local: usage == GatewayUsage::Detect,
        };
        (Some(gateway), usage)
    }

    /// A setting target() reads, written with the wrong type letter, counts as absent.
    fn warn_wrong_types(&self, warnings: &mut Vec<String>) {
        const EXPECTED: &[(&str, char)] = &[
            (names::FULL_ADDRESS, 's'),
            (names::ALTERNATE_FULL_ADDRESS, 's'),
            (names::SERVER_PORT, 'i'),
            (names::GATEWAY_HOSTNAME, 's'),
            (names::GATEWAY_USAGE_METHOD, 'i'),
            (names::GATEWAY_PROFILE_USAGE_METHOD, 'i'),
        ];
        for (name, kind) in EXPECTED {
            let actual = match self.get(name) {
                None => continue,
                Some(Value::Str(_)) => 's',
                Some(Value::Int(_)) => 'i',
                Some(Value::Bin(_)) => 'b',
            };
            if actual != *kind {
                warnings.push(format!(
                    "{name} is written as type {actual}, expected {kind}; ignoring it"
                ));
            }
        }
    }
}

struct HostSpec {
    host: String,
    port: Option<u16>,
}

/// Split `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address.
fn split_host_port(text: &str, source: &str, warnings: &mut Vec<String>) -> HostSpec {
    let (host, port_text) = if let Some(rest) = text.strip_prefix('[') {
        match rest.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, after)) => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => {
                    warnings.push(format!(
                        "{source} \"{text}\" has text after the closing bracket"
                    ));
                    (host, None)
                }
            },
            None => {
                warnings.push(format!("{source} \"{text}\" has no closing bracket"));
                (text, None)
            }
        }
    } else {
        match text.split_once(':') {
            // More than one colon: a bare IPv6 address, which cannot carry a port.
            Some((host, port)) if !port.contains(':') => (host, Some(port)),
            _ => (text, None),
        }
    };
    let port = port_text.and_then(|p| match p.trim().parse::<u16>() {
        Ok(port) if port != 0 => Some(port),
        _ => {
            warnings.push(format!(
                "{source} port \"{p}\" is not a valid port (1-65535); ignoring it"
            ));
            None
        }
    });
    HostSpec {
        host: host.trim().to_string(),
        port,
    }
}

fn check_host(host: &str, source: &str, warnings: &mut Vec<String>) {
    if host.is_empty() {
        warnings.push(format!("{source} names no host"));
    } else if host.chars().any(char::is_whitespace) {
        warnings.push(format!("{source} host \"{host}\" contains spaces"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
        out
    }

    fn target(text: &str) -> Target {
        parse(text.as_bytes())
            .expect("text")
            .target()
            .expect("target")
    }

    #[test]
    fn utf16_with_bom_and_crlf() {
        let file = parse(&utf16(
            "full address:s:host.test:3390\r\nserver port:i:3389\r\n",
        ))
        .expect("parses");
        assert_eq!(file.problems, vec![]);
        assert_eq!(
            file.get("Full Address"),
            Some(&Value::Str("host.test:3390".into()))
        );
        assert_eq!(file.get_int("server port"), Some(3389));
    }

    #[test]
    fn utf16_without_bom_and_utf8_with_bom() {
        let no_bom = utf16("username:s:bob\r\n");
        let file = parse(&no_bom[2..]).expect("parses");
        assert_eq!(file.get_str("username"), Some("bob"));
        let file = parse(b"\xEF\xBB\xBFusername:s:b\xC3\xB6b\n").expect("parses");
        assert_eq!(file.get_str("username"), Some("böb"));
    }

    #[test]
    fn not_text_is_an_error() {
        assert!(parse(&[0xFF, 0xFE, 0x41]).is_err());
        assert!(parse(b"full address:s:\xC3(").is_err());
        assert_eq!(parse(b""), Ok(RdpFile::default()));
    }

    #[test]
    fn lone_surrogate_is_replaced() {
        let mut bytes = utf16("username:s:a");
        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
        let file = parse(&bytes).expect("parses");
        assert_eq!(file.get_str("username"), Some("a\u{FFFD}"));
    }

    #[test]
    fn values_keep_their_colons_and_last_occurrence_wins() {
        let file = parse(b"domain:s:A:B:C\nusername:s:one\nUserName:s:two\n").expect("text");
        assert_eq!(file.get_str("domain"), Some("A:B:C"));
        assert_eq!(file.get_str("username"), Some("two"));
        assert_eq!(file.settings.len(), 3);
    }

    #[test]
    fn binary_values() {
        let file = parse(b"password 51:b:01FFab\nx:b:\n").expect("text");
        assert_eq!(
            file.get("password 51"),
            Some(&Value::Bin(vec![0x01, 0xFF, 0xAB]))
        );
        assert_eq!(file.get("x"), Some(&Value::Bin(vec![])));
    }

    #[test]
    fn problem_lines() {
        let long = "z".repeat(300);
        let text = format!("nocolon\na:b\n:s:x\nn:q:1\nn:i:1x\nn:b:ABC\nn:b:ZZ\n\n   \n{long}\n");
        let file = parse(text.as_bytes()).expect("text");
        let lines: Vec<usize> = file.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 5, 6, 7, 10]);
        assert_eq!(file.problems[7].text.chars().count(), 120);
        assert!(file.settings.is_empty());
    }

    #[test]
    fn host_and_port_forms() {
        let t = target("full address:s:host.test\n");
        assert_eq!((t.host.as_str(), t.port), ("host.test", 3389));
        let t = target("full address:s:host.test\nserver port:i:3391\n");
        assert_eq!(t.port, 3391);
        let t = target("full address:s:[2001:db8::1]:3390\n");
        assert_eq!((t.host.as_str(), t.port), ("2001:db8::1", 3390));
        let t = target("full address:s:2001:db8::1\n");
        assert_eq!((t.host.as_str(), t.port), ("2001:db8::1", 3389));
        let t = target("full address:s:[::1]\n");
        assert_eq!((t.host.as_str(), t.port), ("::1", 3389));
        assert!(t.warnings.is_empty());
    }

    #[test]
    fn full_address_port_wins_over_server_port() {
        let t = target("server port:i:3389\nfull address:s:h:3390\n");
        assert_eq!(t.port, 3390);
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn invalid_host_and_ports_are_warnings() {
        let t = target("full address:s:my host:99999\nserver port:i:0\n");
        assert_eq!((t.host.as_str(), t.port), ("my host", 3389));
        assert_eq!(t.warnings.len(), 3, "{:?}", t.warnings);
        let t = target("full address:s:\n");
        assert_eq!(t.host, "");
        assert_eq!(t.warnings, vec!["full address names no host".to_string()]);
        let t = target("full address:s:[::1\n");
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn missing_full_address_means_no_target() {
        assert_eq!(parse(b"server port:i:3389\n").expect("text").target(), None);
        assert_eq!(parse(b"full address:i:5\n").expect("text").target(), None);
    }

    #[test]
    fn alternate_full_address_replaces_full_address() {
        let t = target("full address:s:shown.test\nalternate full address:s:real.test:3392\n");
        assert_eq!((t.host.as_str(), t.port), ("real.test", 3392));
        assert_eq!(t.warnings.len(), 1);
        let t = target("full address:s:same.test\nalternate full address:s:same.test\n");
        assert!(t.warnings.is_empty());
    }

    #[test]
    fn gateway_usage_rules() {
        let base =
            "full address:s:h\ngatewayprofileusagemethod:i:1\ngatewayhostname:s:gw.test:8443\n";
        let t = target(&format!("{base}gatewayusagemethod:i:1\n"));
        assert_eq!(
            t.gateway,
            Some(Gateway {
                host: "gw.test".into(),
                port: 8443,
                bypass_for_local: false
            })
        );
        assert_eq!(t.gateway_usage, GatewayUsage::Always);
        assert!(t.warnings.is_empty());

        let t = target(&format!("{base}gatewayusagemethod:i:2\n"));
        assert!(t.gateway.as_ref().is_some_and(|g| g.bypass_for_local));
        assert_eq!(t.warnings.len(), 1);

        let t = target(&format!("{base}gatewayusagemethod:i:3\n"));
        assert!(t.gateway.is_some());
        assert_eq!(t.gateway_usage, GatewayUsage::Default);
        assert_eq!(t.warnings.len(), 1);

        for (usage, expected) in [(0, GatewayUsage::Never), (4, GatewayUsage::NoneOrLocal)] {
            let t = target(&format!("{base}gatewayusagemethod:i:{usage}\n"));
            assert_eq!((t.gateway, t.gateway_usage), (None, expected));
            assert_eq!(
                t.warnings,
                vec![format!(
                    "gatewayhostname is set but gatewayusagemethod {usage} means it is not used"
                )]
            );
        }

        let t = target(&format!("{base}gatewayusagemethod:i:9\n"));
        assert_eq!(
            (t.gateway, t.gateway_usage),
            (None, GatewayUsage::Unknown(9))
        );
        let t = target(base);
        assert_eq!((t.gateway, t.gateway_usage), (None, GatewayUsage::Never));
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn gateway_default_port_and_profile_warning() {
        let t = target("full address:s:h\ngatewayhostname:s:gw.test\ngatewayusagemethod:i:1\n");
        assert_eq!(t.gateway.map(|g| g.port), Some(443));
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    }

    #[test]
    fn usage_without_hostname() {
        let t = target("full address:s:h\ngatewayhostname:s:\ngatewayusagemethod:i:1\n");
        assert_eq!((t.gateway, t.gateway_usage), (None, GatewayUsage::Always));
        assert_eq!(t.warnings.len(), 1);
        let t = target("full address:s:h\ngatewayhostname:s:\ngatewayusagemethod:i:4\n");
        assert!(t.warnings.is_empty());
    }

    #[test]
    fn wrong_type_for_a_read_setting_is_a_warning() {
        let t = target("full address:s:h\nserver port:s:3390\n");
        assert_eq!(t.port, 3389);
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn usage_values_round_trip() {
        for v in 0..=4 {
            assert_eq!(GatewayUsage::from_i64(v).value(), v);
        }
        assert_eq!(GatewayUsage::from_i64(-1), GatewayUsage::Unknown(-1));
    }
}
