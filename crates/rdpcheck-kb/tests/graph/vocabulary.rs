//! Other clients' words: messages, names and decimal codes they print are recognised.

use rdpcheck_kb::{explain, lookup};

/// (input, table, entry name) for a sample of what other clients print.
const SAMPLES: &[(&str, &str, &str)] = &[
    (
        "An authentication error has occurred. The function requested is not supported. \
         This could be due to CredSSP encryption oracle remediation.",
        "messages",
        "(CredSSP encryption oracle dialog)",
    ),
    (
        "RDP disconnected! 2825 The remote computer requires Network Level Authentication, \
         which your computer does not support.",
        "client",
        "(undocumented)",
    ),
    (
        "Connection failed (server unreachable?)",
        "messages",
        "(Guacamole: server unreachable)",
    ),
    (
        "Security negotiation failed   (wrong security\n type?)",
        "messages",
        "(Guacamole: security negotiation failed)",
    ),
    (
        "UPSTREAM_UNAVAILABLE",
        "guacamole",
        "GUAC_PROTOCOL_STATUS_UPSTREAM_UNAVAILABLE",
    ),
    (
        "Guacamole status 0x0207",
        "guacamole",
        "GUAC_PROTOCOL_STATUS_UPSTREAM_NOT_FOUND",
    ),
    // 0x208 is also a client code (host not found): the label decides.
    (
        "Guacamole status 0x0208",
        "guacamole",
        "GUAC_PROTOCOL_STATUS_UPSTREAM_UNAVAILABLE",
    ),
    (
        "guacd: status 0x0209",
        "guacamole",
        "GUAC_PROTOCOL_STATUS_SESSION_CONFLICT",
    ),
    (
        "E_PROXY_ORCHESTRATION_LB_SESSIONHOST_DEALLOCATED",
        "messages",
        "E_PROXY_ORCHESTRATION_LB_SESSIONHOST_DEALLOCATED",
    ),
    (
        "ShortpathTransportNetworkDrop",
        "messages",
        "ShortpathTransportNetworkDrop",
    ),
];

#[test]
fn other_clients_words_are_understood() {
    for (input, table, name) in SAMPLES {
        let l = lookup(input);
        assert!(
            l.codes
                .iter()
                .any(|c| c.table == *table && c.entry.as_ref().is_some_and(|e| e.name == *name)),
            "{input}: {:?}",
            l.codes
                .iter()
                .map(|c| (&c.table, &c.hex))
                .collect::<Vec<_>>()
        );
        let ex = explain(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert!(ex.fully_understood, "{input}: left over {:?}", ex.unknown);
        assert!(!ex.causes.is_empty(), "{input}: no cause");
    }
}

/// A message's index is never read as a number the user typed.
#[test]
fn bare_numbers_never_land_in_the_message_table() {
    for n in 1..=12 {
        let l = lookup(&n.to_string());
        assert!(l.codes.iter().all(|c| c.table != "messages"), "{n}");
    }
    let l = lookup("Connection failed (server unreachable?)");
    assert!(l.codes.iter().all(|c| c.also.is_empty()));
}
