//! The built-in behaviour an operator picks by name: local, corporate or public.

use std::fmt;
use std::str::FromStr;

/// The built-in behaviour, chosen with the operator's preset name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Preset {
    /// Any global or private address; special-purpose ranges refused. Default on loopback.
    #[default]
    Local,
    /// Only addresses inside an allow network.
    Corporate,
    /// Globally routable addresses only.
    Public,
}

impl Preset {
    pub(super) fn name(self) -> &'static str {
        match self {
            Preset::Local => "local",
            Preset::Corporate => "corporate",
            Preset::Public => "public",
        }
    }

    pub(super) fn summary(self) -> &'static str {
        match self {
            Preset::Local => {
                "any global or private address; loopback, unspecified, link-local, cloud metadata, \
                 multicast, broadcast, reserved, CGNAT, benchmarking, documentation, Teredo and \
                 other special-purpose ranges refused"
            }
            Preset::Corporate => {
                "only addresses inside the allow list; loopback, link-local, cloud metadata and \
                 other special-purpose ranges stay refused unless an allow network names them"
            }
            Preset::Public => {
                "globally routable addresses only; private ranges (10.0.0.0/8, 172.16.0.0/12, \
                 192.168.0.0/16, fc00::/7) and all special-purpose ranges refused"
            }
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "local" => Ok(Preset::Local),
            "corporate" => Ok(Preset::Corporate),
            "public" => Ok(Preset::Public),
            _ => Err(format!(
                "unknown policy preset {s:?}: use local (the default: any global or private \
                 address), corporate (only --allow networks) or public (globally routable \
                 addresses only)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_with_a_helpful_error() {
        assert_eq!("local".parse(), Ok(Preset::Local));
        assert_eq!(" Corporate ".parse(), Ok(Preset::Corporate));
        assert_eq!("PUBLIC".parse(), Ok(Preset::Public));
        let err = "open".parse::<Preset>().expect_err("unknown preset");
        assert!(err.contains("local") && err.contains("corporate") && err.contains("public"));
        assert_eq!(Preset::default(), Preset::Local);
    }

    #[test]
    fn presets_print_their_names() {
        for p in [Preset::Local, Preset::Corporate, Preset::Public] {
            assert_eq!(p.to_string().parse(), Ok(p));
        }
    }
}
