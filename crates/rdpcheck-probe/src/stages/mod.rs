//! Thin async layers: each opens sockets, applies its deadline and returns raw observations.

pub mod counting;
pub mod dns;
pub mod gateway;
pub mod http;
pub mod layers;
pub mod legacy_carry;
pub mod net;
pub mod nla;
pub mod stability;
pub mod tcp_info;
pub mod tls;
pub mod trust;
pub mod udp;
