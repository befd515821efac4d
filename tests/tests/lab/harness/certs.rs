//! The lab certificates as openssl reads them.

use std::process::Command;

use rdpcheck_labtests::certs::thumbprint;
use rdpcheck_labtests::{TestCa, TestCert};

fn openssl_fingerprint(cert: &TestCert) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_path, _) = cert.write_pem(dir.path());
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&cert_path)
        .output()
        .expect("openssl x509");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.trim()
        .rsplit_once('=')
        .map(|(_, f)| f.to_string())
        .unwrap_or(text)
}

#[test]
fn certificates_match_openssl() {
    let cert = TestCert::self_signed();
    assert_eq!(cert.sha256, thumbprint(&cert.der));
    assert_eq!(cert.sha256, openssl_fingerprint(&cert));
    assert_eq!(cert.sha256.len(), 32 * 3 - 1);

    let expired = TestCert::expired();
    assert_eq!(expired.sha256, openssl_fingerprint(&expired));
    assert_ne!(expired.sha256, cert.sha256);
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, _) = expired.write_pem(dir.path());
    let out = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-enddate",
            "-subject",
            "-ext",
            "subjectAltName",
            "-in",
        ])
        .arg(&path)
        .output()
        .expect("openssl x509");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("notAfter=Feb  1 00:00:00 2020 GMT"), "{text}");
    assert!(text.contains("CN = rdp-lab.localhost"), "{text}");
    assert!(
        text.contains("DNS:localhost") && text.contains("IP Address:127.0.0.1"),
        "{text}"
    );

    let ca = TestCa::new();
    let leaf = ca.issue_leaf();
    let (ca_path, _) = ca.cert.write_as(dir.path(), "ca.pem", "ca.key");
    let (leaf_path, _) = leaf.write_as(dir.path(), "leaf.pem", "leaf.key");
    let out = Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(&ca_path)
        .arg(&leaf_path)
        .output()
        .expect("openssl verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn openssl_fixtures_are_weak_as_named() {
    let text_of = |cert: &TestCert| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, _) = cert.write_pem(dir.path());
        let out = Command::new("openssl")
            .args(["x509", "-noout", "-text", "-in"])
            .arg(&path)
            .output()
            .expect("openssl x509");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let weak = TestCert::rsa_1024();
    assert_eq!(weak.sha256, openssl_fingerprint(&weak));
    let text = text_of(&weak);
    assert!(text.contains("Public-Key: (1024 bit)"), "{text}");
    assert!(text.contains("sha256WithRSAEncryption"), "{text}");
    assert!(text.contains("CN = rdp-lab.localhost"), "{text}");

    let sha1 = TestCert::sha1_signed();
    assert_eq!(sha1.sha256, openssl_fingerprint(&sha1));
    let text = text_of(&sha1);
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(
        text.contains("Signature Algorithm: sha1WithRSAEncryption"),
        "{text}"
    );
    assert!(
        text.contains("DNS:localhost") && text.contains("IP Address:127.0.0.1"),
        "{text}"
    );
}
