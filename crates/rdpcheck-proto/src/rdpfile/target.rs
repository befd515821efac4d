//! What connection a parsed file asks for: host, port and RD Gateway, with the warnings a user
//! needs to understand the outcome.

use super::{names, Gateway, GatewayUsage, RdpFile, Target, Value};
use super::{DEFAULT_GATEWAY_PORT, DEFAULT_RDP_PORT};
use crate::target::Host;

impl RdpFile {
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
        let source = match (alternate, full) {
            (Some(alt), full) => {
                if let Some(full) = full.filter(|f| *f != alt) {
                    warnings.push(format!(
                        "alternate full address \"{alt}\" replaces full address \"{full}\" as the host the client connects to"
                    ));
                }
                names::ALTERNATE_FULL_ADDRESS
            }
            (None, Some(_)) => names::FULL_ADDRESS,
            (None, None) => return None,
        };
        let (host, address_port) = match self.address(source) {
            Some((host, port)) => (host.to_string(), port),
            None => {
                warnings.push(format!("{source} names no host"));
                (String::new(), None)
            }
        };

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
        let port = match (address_port, server_port) {
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
            host,
            port,
            gateway,
            gateway_usage,
            warnings,
        })
    }

    fn gateway(&self, warnings: &mut Vec<String>) -> (Option<Gateway>, GatewayUsage) {
        let hostname = self.address(names::GATEWAY_HOSTNAME);
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
        let (host, port) = hostname;
        let gateway = Gateway {
            host: host.to_string(),
            port: port.unwrap_or(DEFAULT_GATEWAY_PORT),
            bypass_for_local: usage == GatewayUsage::Detect,
        };
        (Some(gateway), usage)
    }

    /// The parsed address of setting `name` as [`RdpFile::get`] finds it (the last occurrence):
    /// `None` when it is absent, empty or not a string.
    fn address(&self, name: &str) -> Option<(&Host, Option<u16>)> {
        let setting = self.settings.iter().rev().find(|s| s.name == name)?;
        self.addresses
            .iter()
            .find(|a| a.line == setting.line)
            .map(|a| (&a.host, a.port))
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
