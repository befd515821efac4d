//! `rdpcheck explain` answers what other clients print: the built binary, exit 0 (all
//! understood), the entry named in its text and its JSON.

use std::process::Command;

/// (what a client printed, a line the answer must contain, the entry's name in the JSON).
const SAMPLES: &[(&str, &str, &str)] = &[
    (
        "An authentication error has occurred. The function requested is not supported. \
         This could be due to CredSSP encryption oracle remediation.",
        "credssp-oracle-remediation",
        "(CredSSP encryption oracle dialog)",
    ),
    (
        "RDP disconnected! 2825 The remote computer requires Network Level Authentication, \
         which your computer does not support.",
        "ERROR CODE 0xB09 (2825)",
        "(undocumented)",
    ),
    (
        "Connection failed (server unreachable?)",
        "host-off-asleep",
        "(Guacamole: server unreachable)",
    ),
    (
        "The remote desktop server is currently unreachable.",
        "not in Microsoft's documentation",
        "(Guacamole page: currently unreachable)",
    ),
    (
        "UPSTREAM_UNAVAILABLE",
        "GUACAMOLE STATUS 0x0208",
        "GUAC_PROTOCOL_STATUS_UPSTREAM_UNAVAILABLE",
    ),
    (
        "E_PROXY_ORCHESTRATION_LB_SESSIONHOST_DEALLOCATED",
        "Azure Virtual Desktop",
        "E_PROXY_ORCHESTRATION_LB_SESSIONHOST_DEALLOCATED",
    ),
    (
        "Authentication failed because NTLM authentication has been disabled",
        "identity-path",
        "(NTLM disabled)",
    ),
    (
        "Caution: Unknown remote connection",
        "rdp-file-signing",
        "(Remote Desktop Connection: unknown remote connection)",
    ),
    // Windows App (Remote Desktop for Android / macOS): its text, and its numbered dialog.
    (
        "We couldn't connect to the remote PC because your credentials did not work. \
         The remote machine is AADJ joined.",
        "troubleshoot-azure-ad-connections",
        "(Remote Desktop for Android: credentials did not work, AADJ)",
    ),
    (
        "Windows App: Unable to connect. Error code: 0x204",
        "ERROR CODE 0x204 (516)",
        "disconnectReasonSocketConnectFailed",
    ),
    (
        "Could not access the RDP server \u{201c}rdp.example.com\u{201d}.\nAccount locked out.",
        "rdp_plugin.c",
        "(Remmina: account locked out)",
    ),
    (
        "[ERROR][com.freerdp.core] - [freerdp_connect]: freerdp_post_connect failed",
        "FREERDP ERROR 0x00020003",
        "ERRCONNECT_POST_CONNECT_FAILED",
    ),
];

/// The answer on stdout; the run must exit 0 (everything understood).
fn explain(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rdpcheck"))
        .arg("explain")
        .args(args)
        .output()
        .expect("run rdpcheck");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert_eq!(
        code,
        0,
        "{args:?}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn explain_answers_other_clients_words() {
    for (input, line, name) in SAMPLES {
        let text = explain(&[input]);
        assert!(text.contains(line), "{input}: no {line:?} in\n{text}");
        let json = explain(&["--json", input]);
        let v: serde_json::Value = serde_json::from_str(&json).expect("JSON on stdout");
        let names: Vec<&str> = v["codes"]
            .as_array()
            .expect("codes")
            .iter()
            .filter_map(|c| c["entry"]["name"].as_str())
            .collect();
        assert!(names.contains(name), "{input}: {names:?}");
    }
}

#[test]
fn explain_prints_where_a_meaning_comes_from() {
    let text = explain(&["0x10F3"]);
    assert!(text.contains("can only host RemoteApp programs"), "{text}");
    assert!(text.contains("Source: MS-RDPBCGR"), "{text}");
}
