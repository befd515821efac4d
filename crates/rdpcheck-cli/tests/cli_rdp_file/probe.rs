//! Probing what the files say: directly, through the gateway (trusted or not), a gateway named
//! but not used, a host only the gateway reaches, and a file with broken lines.

use rdpcheck_labtests::mstsc::write_rdp;
use rdpcheck_labtests::nginx::{Nginx, NginxSite};
use rdpcheck_labtests::process::closed_port;
use rdpcheck_labtests::{SecurityLayer, TestCa, TestCert, Xrdp};
use serde_json::Value;

use crate::connection_file;
use crate::run::{assert_exit, finding_codes, probe_file, str_at};

#[test]
fn rdp_files_direct_and_through_a_gateway() {
    let ca = TestCa::new();
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_pem = dir.path().join("ca.pem");
    std::fs::write(&ca_pem, ca.cert.cert_pem.as_bytes()).expect("write ca.pem");
    let ca_arg = ca_pem.to_str().expect("utf-8 path");
    let gw = format!("localhost:{}", nginx.port);

    // Direct: no gateway section, healthy, exit 0.
    let direct = write_rdp(dir.path(), "direct.rdp", &connection_file(xrdp.port, None));
    let run = probe_file(&direct, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    run.assert_str(&v, "/rdp_file/host", Some("127.0.0.1"));
    assert_eq!(v["rdp_file"]["port"], xrdp.port, "{}", run.dump());
    run.assert_str(&v, "/rdp_file/path", direct.to_str());
    assert!(v["rdp_file"].get("gateway").is_none(), "{}", run.dump());
    assert!(
        v.get("gateway").is_none_or(Value::is_null),
        "{}",
        run.dump()
    );
    assert_eq!(v["target"]["port"], xrdp.port);
    run.assert_str(&v, "/verdict/status", Some("healthy"));

    // Through the gateway (usage 1, profile usage 1): the gateway section, trusted via --ca-file.
    let via = write_rdp(
        dir.path(),
        "gateway.rdp",
        &connection_file(xrdp.port, Some((&gw, 1))),
    );
    let run = probe_file(&via, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    run.assert_str(&v, "/rdp_file/gateway", Some(gw.as_str()));
    assert!(
        str_at(&v, "/rdp_file/gateway_usage").is_some_and(|u| u.starts_with("1:")),
        "{}",
        run.dump()
    );
    run.assert_str(&v, "/gateway/host", Some("localhost"));
    assert_eq!(v["gateway"]["port"], nginx.port);
    assert_eq!(v["gateway"]["trusted"], true, "{}", run.dump());
    assert_eq!(v["gateway"]["http"]["status"], 401, "{}", run.dump());
    assert_eq!(
        v["gateway"]["http"]["auth_schemes"],
        serde_json::json!(["Negotiate", "NTLM"]),
        "{}",
        run.dump()
    );
    assert!(finding_codes(&v).iter().any(|c| c == "gateway.live"));
    run.assert_str(&v, "/verdict/status", Some("healthy"));

    // The same file without the CA: the client would refuse the certificate, exit 1.
    let run = probe_file(&via, &[]);
    assert_exit(&run, 1);
    let v = run.json();
    run.assert_str(&v, "/verdict/status", Some("problem"));
    run.assert_str(&v, "/verdict/stage", Some("gateway.tls"));
    assert_eq!(v["gateway"]["trusted"], false, "{}", run.dump());
    assert!(
        finding_codes(&v)
            .iter()
            .any(|c| c == "gateway.tls_untrusted"),
        "{}",
        run.dump()
    );

    // Gateway named but usage 0: not used, so no gateway section.
    let unused = write_rdp(
        dir.path(),
        "unused.rdp",
        &connection_file(xrdp.port, Some((&gw, 0))),
    );
    let run = probe_file(&unused, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    assert!(v["rdp_file"].get("gateway").is_none(), "{}", run.dump());
    assert!(
        v.get("gateway").is_none_or(Value::is_null),
        "{}",
        run.dump()
    );
    assert!(
        str_at(&v, "/rdp_file/gateway_usage").is_some_and(|u| u.starts_with("0:")),
        "{}",
        run.dump()
    );

    // Through the gateway to a host not reachable from here: healthy with the caveat, exit 0.
    let hidden = write_rdp(
        dir.path(),
        "hidden.rdp",
        &connection_file(closed_port(), Some((&gw, 1))),
    );
    let run = probe_file(&hidden, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    run.assert_str(&v, "/verdict/status", Some("healthy"));
    assert!(
        str_at(&v, "/verdict/summary").is_some_and(|s| s.contains("could not be checked")),
        "{}",
        run.dump()
    );
    assert!(finding_codes(&v).iter().any(|c| c == "tcp.refused"));

    // Garbage lines around a valid full address: still probes, lists the bad lines.
    let mut lines = vec![
        "this line has no colons".to_string(),
        "server port:i:33x9".to_string(),
        "color depth:q:32".to_string(),
    ];
    lines.extend(connection_file(xrdp.port, None));
    lines.push("password 51:b:ZZ11".into());
    let broken = write_rdp(dir.path(), "broken.rdp", &lines);
    let run = probe_file(&broken, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    assert_eq!(v["rdp_file"]["port"], xrdp.port, "{}", run.dump());
    let problems: Vec<&str> = v["rdp_file"]["problems"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(problems.len(), 4, "problems {problems:?}\n{}", run.dump());
    for (line, text) in [
        (1, "this line has no colons"),
        (2, "33x9"),
        (3, "color depth:q:32"),
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&format!("line {line}:")) && p.contains(text)),
            "no problem for line {line} ({text}) in {problems:?}"
        );
    }
    assert!(problems.iter().any(|p| p.contains("ZZ11")), "{problems:?}");
    assert!(
        run.stderr.contains("this line has no colons"),
        "stderr does not list the problems:\n{}",
        run.dump()
    );
    run.assert_str(&v, "/verdict/status", Some("healthy"));

    drop(nginx);
    drop(xrdp);
}

/// What opening a file asks of Windows: the signed fixture (made by the proto tests'
/// make_signed.sh, pointed at a closed loopback port) names its claimed publisher, the SHA-256
/// of its certificate, its scope and requests; an unsigned file says what Windows shows.
#[test]
fn rdp_file_signature_and_requests_are_reported() {
    let port = closed_port();
    let signed = include_str!("../../../rdpcheck-proto/tests/data/rdp/signed.rdp")
        .replace("rdp.example.test", &format!("127.0.0.1:{port}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("signed.rdp");
    std::fs::write(&path, signed).expect("write signed.rdp");
    let run = probe_file(&path, &[]);
    assert_exit(&run, 1);
    let v = run.json();
    let sec = &v["rdp_file"]["security"];
    run.assert_str(&v, "/rdp_file/security/signature", Some("signed"));
    run.assert_str(
        &v,
        "/rdp_file/security/signer",
        Some("Example RDP Publishing (Example Ltd)"),
    );
    let sha = str_at(&v, "/rdp_file/security/signer_sha256").unwrap_or_default();
    assert!(
        sha.len() == 64
            && sha
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
        "{}",
        run.dump()
    );
    assert_eq!(
        sec["outside_signature"],
        serde_json::json!(["camerastoredirect"]),
        "{}",
        run.dump()
    );
    assert_eq!(
        sec["redirections"][0],
        "Drives (drivestoredirect:s:*)",
        "{}",
        run.dump()
    );

    let unsigned = write_rdp(
        dir.path(),
        "unsigned.rdp",
        &[
            format!("full address:s:127.0.0.1:{port}"),
            "redirectclipboard:i:1".into(),
        ],
    );
    let run = rdpcheck_text(&unsigned);
    assert!(
        run.contains("Caution: Unknown remote connection") && run.contains("Clipboard"),
        "{run}"
    );
}

/// The text report of `probe --rdp-file` (exit 1: nothing listens).
fn rdpcheck_text(file: &std::path::Path) -> String {
    let path = file.to_str().expect("utf-8 path");
    let run = crate::run::rdpcheck(&["probe", "--rdp-file", path, "--samples", "1"]);
    assert_exit(&run, 1);
    run.stdout
}
