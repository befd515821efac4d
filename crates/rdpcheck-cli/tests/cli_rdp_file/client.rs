//! `--client`: the same TLS 1.0-only host is a problem for mstsc on a current Windows (the
//! default) and healthy for Windows 10, whose summary then names who fails; an unknown id is bad
//! input that lists the ids.

use rdpcheck_labtests::mstsc::write_rdp;
use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};

use crate::connection_file;
use crate::run::{assert_exit, probe_file, str_at};

#[test]
fn the_verdict_follows_the_client() {
    let xrdp = Xrdp::start_with(
        SecurityLayer::Negotiate,
        &TestCert::self_signed(),
        &[
            ("ssl_protocols", "TLSv1"),
            ("tls_ciphers", "ALL:@SECLEVEL=0"),
        ],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_rdp(dir.path(), "old.rdp", &connection_file(xrdp.port, None));

    let run = probe_file(&file, &["--no-udp"]);
    assert_exit(&run, 1);
    let v = run.json();
    run.assert_str(&v, "/verdict/client", Some("mstsc-win11"));
    run.assert_str(&v, "/verdict/codes/0", Some("tls.legacy_only"));

    let run = probe_file(&file, &["--no-udp", "--client", "mstsc-win10"]);
    assert_exit(&run, 0);
    let v = run.json();
    run.assert_str(&v, "/verdict/client", Some("mstsc-win10"));
    run.assert_str(&v, "/verdict/status", Some("healthy"));
    assert!(
        str_at(&v, "/verdict/summary")
            .is_some_and(|s| s.contains("Other clients that fail") && s.contains("FreeRDP")),
        "{}",
        run.dump()
    );
    let freerdp = v["verdict"]["clients"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["client"] == "freerdp"))
        .and_then(|c| c["outcome"].as_str());
    assert_eq!(freerdp, Some("fails"), "{}", run.dump());

    let run = probe_file(&file, &["--client", "mstsc"]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("mstsc-win10") && run.stdout.is_empty(),
        "{}",
        run.dump()
    );
    drop(xrdp);
}
