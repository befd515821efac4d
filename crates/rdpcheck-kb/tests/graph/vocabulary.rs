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
    (
        "Caution: Unknown remote connection. Publisher: Unknown publisher",
        "messages",
        "(Remote Desktop Connection: unknown remote connection)",
    ),
    // Windows App / Remote Desktop for Android, macOS, the web.
    (
        "We couldn't connect to the remote PC because your credentials did not work. \
         The remote machine is AADJ joined.",
        "messages",
        "(Remote Desktop for Android: credentials did not work, AADJ)",
    ),
    (
        "Unable to connect. We couldn't connect to the remote PC. Make sure the PC is turned on \
         and connected to the network, and that remote access is enabled. Error code: 0x204",
        "client",
        "disconnectReasonSocketConnectFailed",
    ),
    (
        "Error code: 0x207",
        "client",
        "(Remote Desktop for Mac: CredSSP)",
    ),
    (
        "Account switch detected",
        "messages",
        "(Remote Desktop for macOS: account switch detected)",
    ),
    // Remmina: curly quotes (1.4.x) and straight ones (older), the reason on its own line.
    (
        "Could not access the RDP server \u{201c}rdp.example.com\u{201d}.\nAccount locked out.",
        "messages",
        "(Remmina: account locked out)",
    ),
    (
        "Could not access the RDP server \"rdp.example.com\".\nPassword expired.",
        "messages",
        "(Remmina: password expired)",
    ),
    (
        "Unable to establish a connection to the RDP server \u{201c}rdp.example.com\u{201d}. \
         Check \u{201c}Security protocol negotiation\u{201d}.",
        "messages",
        "(Remmina: check security protocol negotiation)",
    ),
    (
        "Lost connection to the RDP server \"rdp.example.com\".",
        "messages",
        "(Remmina: failed to connect)",
    ),
    (
        "Could not find the address for the RDP server \u{201c}rdp.example.com\u{201d}.",
        "messages",
        "(Remmina: address not found)",
    ),
    (
        "libfreerdp returned code is 0002000D",
        "freerdp",
        "ERRCONNECT_CONNECT_TRANSPORT_FAILED",
    ),
    // FreeRDP 3: log lines and its own descriptions (SDL client dialog: name, code, description).
    (
        "The server requires Network Level Authentication, but it is not enabled.",
        "freerdp",
        "ERRCONNECT_HYBRID_REQUIRED_BY_SERVER",
    ),
    (
        "Timeout waiting for activation.",
        "freerdp",
        "ERRCONNECT_ACTIVATION_TIMEOUT",
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

/// A number inside a recognised message is a word of it, not a code of its own.
#[test]
fn a_number_inside_a_message_is_no_code() {
    let l = lookup(
        "ERRCONNECT_TARGET_BOOTING [0x0002001D]\nStarting your VM. It may take up to 5 minutes.",
    );
    let found: Vec<_> = l.codes.iter().map(|c| (&c.table, &c.hex)).collect();
    assert_eq!(l.codes.len(), 1, "{found:?}");
    assert_eq!(l.codes[0].value, 0x0002001D);
}

/// Remmina's catch-all is recognised; it names no cause, as Remmina's text says nothing of one.
#[test]
fn remminas_catch_all_is_recognised() {
    let l = lookup("Cannot connect to the \u{201c}rdp.example.com\u{201d} RDP server.");
    assert!(l.codes.iter().any(|c| c
        .entry
        .as_ref()
        .is_some_and(|e| e.name == "(Remmina: cannot connect)")));
    assert!(l.fully_understood());
}

/// FreeRDP's log line for a failed post-connect step names its code (which has no article: the
/// cause is on the client).
#[test]
fn freerdp_post_connect_log_line() {
    let l = lookup("[ERROR][com.freerdp.core] - [freerdp_connect]: freerdp_post_connect failed");
    assert_eq!(l.codes.len(), 1, "{:?}", l.codes);
    assert_eq!(l.codes[0].value, 0x00020003);
    assert!(l.fully_understood());
}

/// Remmina's account texts are told from FreeRDP's own descriptions, which read the same.
#[test]
fn freerdp_descriptions_are_not_taken_for_remmina() {
    let l = lookup("ERRCONNECT_ACCOUNT_LOCKED_OUT [0x00020018]\nAccount locked out.");
    assert!(
        l.codes.iter().all(|c| c.table == "freerdp"),
        "{:?}",
        l.codes
    );
}
