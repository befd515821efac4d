//! IPv4 addresses carried inside IPv6 ones: IPv4-mapped, IPv4-compatible, NAT64 (well-known and
//! local-use prefixes) and 6to4. The policy checks the embedded address with the same rules.

use std::net::{Ipv4Addr, Ipv6Addr};

/// How an IPv6 address carries an IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Embedding {
    Mapped,
    Compatible,
    Nat64,
    LocalNat64,
    SixToFour,
}

impl Embedding {
    pub(super) fn name(self) -> &'static str {
        match self {
            Embedding::Mapped => "IPv4-mapped",
            Embedding::Compatible => "IPv4-compatible",
            Embedding::Nat64 => "NAT64",
            Embedding::LocalNat64 => "local-use NAT64",
            Embedding::SixToFour => "6to4",
        }
    }
}

/// The IPv4 address inside `ip`, if it uses one of the embeddings the relay knows.
/// Local-use NAT64 is read with the /96 layout (the common one); the preset refuses that
/// range anyway unless an allow network names it.
pub(super) fn embedded_v4(ip: Ipv6Addr) -> Option<(Embedding, Ipv4Addr)> {
    let s = ip.segments();
    let o = ip.octets();
    let low = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some((Embedding::Mapped, v4));
    }
    if s[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback() {
        return Some((Embedding::Compatible, low));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some((Embedding::Nat64, low));
    }
    if s[..3] == [0x64, 0xff9b, 1] {
        return Some((Embedding::LocalNat64, low));
    }
    if s[0] == 0x2002 {
        return Some((Embedding::SixToFour, Ipv4Addr::new(o[2], o[3], o[4], o[5])));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded(ip: &str) -> Option<(Embedding, String)> {
        embedded_v4(ip.parse().expect("test address")).map(|(e, v4)| (e, v4.to_string()))
    }

    #[test]
    fn each_embedding_is_read() {
        let some = |e, v4: &str| Some((e, v4.to_string()));
        assert_eq!(
            embedded("::ffff:10.0.0.5"),
            some(Embedding::Mapped, "10.0.0.5")
        );
        assert_eq!(
            embedded("::8.8.8.8"),
            some(Embedding::Compatible, "8.8.8.8")
        );
        assert_eq!(
            embedded("64:ff9b::808:808"),
            some(Embedding::Nat64, "8.8.8.8")
        );
        assert_eq!(
            embedded("64:ff9b:1::a00:1"),
            some(Embedding::LocalNat64, "10.0.0.1")
        );
        assert_eq!(
            embedded("2002:7f00:1::1"),
            some(Embedding::SixToFour, "127.0.0.1")
        );
    }

    #[test]
    fn other_addresses_embed_nothing() {
        for ip in ["::", "::1", "2001:db8::1", "fe80::1", "2606:4700::1111"] {
            assert_eq!(embedded(ip), None, "{ip}");
        }
    }
}
