//! The stages of one check, typed, with the ladder order defined once. Serialised as the published
//! names (`security_layers`, `gateway.tls`, …): schema 1 is unchanged.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One rung of the ladder. The declaration order is the ladder order: the gateway hop first, then
/// the direct path, then UDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    GatewayDns,
    GatewayTcp,
    GatewayTls,
    GatewayHttp,
    Dns,
    Tcp,
    X224,
    SecurityLayers,
    Tls,
    Nla,
    Stability,
    Udp,
}

/// The parts of the ladder: a failure ends its own part, not the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LadderPart {
    Gateway,
    Direct,
    Udp,
}

impl Stage {
    /// Every stage, in ladder order.
    pub const ALL: [Stage; 12] = [
        Stage::GatewayDns,
        Stage::GatewayTcp,
        Stage::GatewayTls,
        Stage::GatewayHttp,
        Stage::Dns,
        Stage::Tcp,
        Stage::X224,
        Stage::SecurityLayers,
        Stage::Tls,
        Stage::Nla,
        Stage::Stability,
        Stage::Udp,
    ];

    /// The RD Gateway hop, judged first when the client uses a gateway.
    pub const GATEWAY: [Stage; 4] = [
        Stage::GatewayDns,
        Stage::GatewayTcp,
        Stage::GatewayTls,
        Stage::GatewayHttp,
    ];

    /// The direct path to the host.
    pub const DIRECT: [Stage; 7] = [
        Stage::Dns,
        Stage::Tcp,
        Stage::X224,
        Stage::SecurityLayers,
        Stage::Tls,
        Stage::Nla,
        Stage::Stability,
    ];

    /// The stages of a check in ladder order: gateway hop (when used), direct path, UDP (when asked).
    pub fn ladder(gateway: bool, udp: bool) -> Vec<Stage> {
        Stage::ALL
            .into_iter()
            .filter(|s| match s.part() {
                LadderPart::Gateway => gateway,
                LadderPart::Direct => true,
                LadderPart::Udp => udp,
            })
            .collect()
    }

    /// The published name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::GatewayDns => "gateway.dns",
            Stage::GatewayTcp => "gateway.tcp",
            Stage::GatewayTls => "gateway.tls",
            Stage::GatewayHttp => "gateway.http",
            Stage::Dns => "dns",
            Stage::Tcp => "tcp",
            Stage::X224 => "x224",
            Stage::SecurityLayers => "security_layers",
            Stage::Tls => "tls",
            Stage::Nla => "nla",
            Stage::Stability => "stability",
            Stage::Udp => "udp",
        }
    }

    pub fn part(self) -> LadderPart {
        match self {
            Stage::GatewayDns | Stage::GatewayTcp | Stage::GatewayTls | Stage::GatewayHttp => {
                LadderPart::Gateway
            }
            Stage::Udp => LadderPart::Udp,
            _ => LadderPart::Direct,
        }
    }

    /// The stages after this one in its own part of the ladder (what a failure here skips).
    pub fn rest_of_part(self) -> Vec<Stage> {
        Stage::ALL
            .into_iter()
            .filter(|s| s.part() == self.part() && *s > self)
            .collect()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment (`{stage:<16}`).
        f.pad(self.as_str())
    }
}

/// Compare with the published name (`stage == "x224"`).
impl PartialEq<&str> for Stage {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Stage {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// A stage name that no stage has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStage(pub String);

impl fmt::Display for UnknownStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown stage {:?}", self.0)
    }
}

impl std::error::Error for UnknownStage {}

impl FromStr for Stage {
    type Err = UnknownStage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| UnknownStage(s.to_string()))
    }
}

impl Serialize for Stage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Stage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order_is_the_ladder() {
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>(), Ok(stage));
            let json = serde_json::to_string(&stage).expect("serialises");
            assert_eq!(json, format!("\"{}\"", stage.as_str()));
            assert_eq!(serde_json::from_str::<Stage>(&json).ok(), Some(stage));
        }
        assert!("probe".parse::<Stage>().is_err());
        let names: Vec<&str> = Stage::ladder(false, true)
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "dns",
                "tcp",
                "x224",
                "security_layers",
                "tls",
                "nla",
                "stability",
                "udp"
            ]
        );
        assert_eq!(Stage::ladder(true, false).len(), 11);
        assert_eq!(
            Stage::X224.rest_of_part(),
            [
                Stage::SecurityLayers,
                Stage::Tls,
                Stage::Nla,
                Stage::Stability
            ]
        );
        assert_eq!(
            Stage::GatewayTcp.rest_of_part(),
            [Stage::GatewayTls, Stage::GatewayHttp]
        );
        assert!(Stage::Udp.rest_of_part().is_empty());
    }
}
