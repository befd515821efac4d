//! "Pick a symptom": common dialogs, each with the text that explains it.

/// (what the user saw, what to explain).
pub const SYMPTOMS: [(&str, &str); 9] = [
    (
        "The connection closed right away (0x904 / 0x7)",
        "Error code: 0x904 Extended error code: 0x7",
    ),
    (
        "\"Remote Desktop can't connect to the remote computer\" (0x204)",
        "Error code: 0x204",
    ),
    (
        "\"Remote Desktop can't find the computer\" (DNS)",
        "Error code: 0x104",
    ),
    ("The connection timed out (0x108)", "Error code: 0x108"),
    ("\"The logon attempt failed\" (0x807)", "Error code: 0x807"),
    (
        "Licensing: \"no Remote Desktop license servers available\" (0x808)",
        "Error code: 0x808",
    ),
    (
        "RD Gateway: it could not reach the remote computer",
        "E_PROXY_TS_CONNECTFAILED",
    ),
    (
        "FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED",
        "ERRCONNECT_CONNECT_TRANSPORT_FAILED",
    ),
    (
        "FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED",
        "ERRCONNECT_TLS_CONNECT_FAILED",
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_symptom_is_explained() {
        for (label, q) in super::SYMPTOMS {
            let ex = rdpcheck_kb::explain(q).unwrap_or_else(|e| panic!("{label}: {e}"));
            assert!(ex.fully_understood, "{label}");
        }
    }
}
