//! `rdpcheck probe --share-link BASE` prints a v1 link whose fragment decodes to the very report
//! the CLI printed (unsigned: the CLI has no relay key).

use std::process::Command;

#[test]
fn share_link_holds_the_printed_report() {
    // A loopback port nobody listens on: the probe ends quickly at tcp.refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = Command::new(env!("CARGO_BIN_EXE_rdpcheck"))
        .args(["probe", &format!("127.0.0.1:{port}"), "--json", "--no-udp"])
        .args(["--share-link", "https://rdpcheck.example/"])
        .output()
        .expect("run rdpcheck");
    assert_eq!(out.status.code(), Some(1), "a refused port is a problem");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let link = stderr
        .lines()
        .find_map(|l| l.strip_prefix("share link (unsigned): "))
        .unwrap_or_else(|| panic!("no share link on stderr: {stderr}"));
    let fragment = link
        .strip_prefix("https://rdpcheck.example/r#")
        .unwrap_or_else(|| panic!("link format: {link}"));
    let signed = rdpcheck_report::share::decode(fragment).expect("the link decodes");
    assert_eq!(signed.key_id, "unsigned");
    let linked: serde_json::Value = serde_json::from_str(&signed.report).expect("a report");
    assert_eq!(linked, printed);
}
