//! Test certificates built with rcgen (ring backend) on RSA-2048 keys.
//!
//! ring signs with RSA but cannot generate RSA keys, so each key comes from
//! `openssl genpkey` (PKCS#8 PEM, which both rcgen and the servers' OpenSSL read). RSA keeps the
//! fixtures closest to what xrdp and FreeRDP are deployed with.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::process::require_binary;

/// Common name of every lab leaf certificate.
pub const LAB_CN: &str = "rdp-lab.localhost";

/// A certificate and its private key, both PEM, plus the DER and its SHA-256 thumbprint.
#[derive(Debug, Clone)]
pub struct TestCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub der: Vec<u8>,
    /// SHA-256 of the DER, upper-case hex bytes joined by ':' (the report's format).
    pub sha256: String,
}

/// SHA-256 thumbprint in the report's format: `E7:14:42:…`.
pub fn thumbprint(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    let mut out = String::with_capacity(digest.len() * 3);
    for (i, b) in digest.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{b:02X}");
    }
    out
}

/// A fresh RSA-2048 private key in PKCS#8 PEM, from the openssl CLI.
pub fn rsa_key_pem() -> String {
    let openssl = require_binary("openssl", "openssl");
    let out = Command::new(openssl)
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .output()
        .expect("run openssl genpkey");
    assert!(
        out.status.success(),
        "openssl genpkey failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("openssl genpkey printed PEM")
}

fn key_pair(pem: &str) -> KeyPair {
    KeyPair::from_pem(pem).expect("rcgen reads the PKCS#8 RSA key")
}

/// Shared RSA keys: generating one takes ~0.1–0.5 s, so each role gets one per test process.
fn leaf_key_pem() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(rsa_key_pem)
}

fn ca_key_pem() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(rsa_key_pem)
}

/// Leaf parameters: CN rdp-lab.localhost, SAN DNS:localhost + IP:127.0.0.1, serverAuth.
fn leaf_params(not_before: OffsetDateTime, not_after: OffsetDateTime) -> CertificateParams {
    server_leaf_params("localhost", true, LAB_CN, not_before, not_after)
}

/// Parameters of a server-auth leaf (digital signature, key encipherment) for DNS name `dns`
/// (and IP 127.0.0.1 when `loopback_ip`), common name `cn`, valid `not_before` .. `not_after`.
pub(crate) fn server_leaf_params(
    dns: &str,
    loopback_ip: bool,
    cn: &str,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> CertificateParams {
    let mut params = CertificateParams::new(vec![dns.to_string()]).expect("SAN");
    if loopback_ip {
        params
            .subject_alt_names
            .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    }
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.not_before = not_before;
    params.not_after = not_after;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params
}

impl TestCert {
    /// The PEM and DER of `cert` with its key `key_pem`, and its thumbprint.
    pub(crate) fn from_parts(cert: rcgen::Certificate, key_pem: &str) -> TestCert {
        let der = cert.der().to_vec();
        TestCert {
            cert_pem: cert.pem(),
            key_pem: key_pem.to_string(),
            sha256: thumbprint(&der),
            der,
        }
    }

    /// The normal lab certificate: self-signed, valid from yesterday for a year.
    pub fn self_signed() -> TestCert {
        let now = OffsetDateTime::now_utc();
        let key_pem = leaf_key_pem();
        let params = leaf_params(now - Duration::days(1), now + Duration::days(365));
        let cert = params.self_signed(&key_pair(key_pem)).expect("self-sign");
        TestCert::from_parts(cert, key_pem)
    }

    /// The lab certificate with `extra` more DNS names (`host-00001.rdp-lab.localhost`, …): a
    /// large certificate, hence a large report (every name is listed, for the leaf and again in
    /// the chain). 1 500 names make a certificate of about 50 KB (a TLS handshake message stays
    /// under rustls' 64 KiB).
    pub fn self_signed_with_names(extra: usize) -> TestCert {
        let now = OffsetDateTime::now_utc();
        let key_pem = leaf_key_pem();
        let mut params = leaf_params(now - Duration::days(1), now + Duration::days(365));
        for i in 1..=extra {
            let name = format!("host-{i:05}.rdp-lab.localhost");
            params
                .subject_alt_names
                .push(SanType::DnsName(name.try_into().expect("a DNS name")));
        }
        let cert = params.self_signed(&key_pair(key_pem)).expect("self-sign");
        TestCert::from_parts(cert, key_pem)
    }

    /// The same subject and SANs, self-signed, valid only 2020-01-01 .. 2020-02-01.
    pub fn expired() -> TestCert {
        let key_pem = leaf_key_pem();
        let params = leaf_params(date_time_ymd(2020, 1, 1), date_time_ymd(2020, 2, 1));
        let cert = params.self_signed(&key_pair(key_pem)).expect("self-sign");
        TestCert::from_parts(cert, key_pem)
    }

    /// A self-signed certificate made entirely by the openssl CLI (`req -x509`), for fixtures
    /// rcgen cannot make: RSA keys under 2048 bits and SHA-1 signatures. CN rdp-lab.localhost,
    /// SAN DNS:localhost + IP:127.0.0.1, valid for a year; `digest` is an openssl digest name
    /// (`sha256`, `sha1`).
    pub fn openssl_self_signed(rsa_bits: u32, digest: &str) -> TestCert {
        let openssl = require_binary("openssl", "openssl");
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-cert-")
            .tempdir()
            .expect("scratch dir");
        let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let run = |args: &[&std::ffi::OsStr]| {
            let out = Command::new(&openssl)
                .args(args)
                .output()
                .expect("run openssl");
            assert!(
                out.status.success(),
                "openssl {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let newkey = format!("rsa:{rsa_bits}");
        let digest_flag = format!("-{digest}");
        let subj = format!("/CN={LAB_CN}");
        run(&[
            "req".as_ref(),
            "-x509".as_ref(),
            "-newkey".as_ref(),
            newkey.as_ref(),
            "-nodes".as_ref(),
            "-keyout".as_ref(),
            key_path.as_os_str(),
            "-out".as_ref(),
            cert_path.as_os_str(),
            "-days".as_ref(),
            "365".as_ref(),
            digest_flag.as_ref(),
            "-subj".as_ref(),
            subj.as_ref(),
            "-addext".as_ref(),
            "subjectAltName=DNS:localhost,IP:127.0.0.1".as_ref(),
        ]);
        let der = run(&[
            "x509".as_ref(),
            "-in".as_ref(),
            cert_path.as_os_str(),
            "-outform".as_ref(),
            "DER".as_ref(),
        ]);
        let cert_pem = std::fs::read_to_string(&cert_path).expect("read cert.pem");
        let key_pem = std::fs::read_to_string(&key_path).expect("read key.pem");
        TestCert {
            cert_pem,
            key_pem,
            sha256: thumbprint(&der),
            der,
        }
    }

    /// Self-signed (SHA-256) on a 1024-bit RSA key: OpenSSL 3 refuses to serve it below
    /// `@SECLEVEL=0` ("ee key too small").
    pub fn rsa_1024() -> TestCert {
        TestCert::openssl_self_signed(1024, "sha256")
    }

    /// Self-signed with sha1WithRSAEncryption on a 2048-bit RSA key.
    pub fn sha1_signed() -> TestCert {
        TestCert::openssl_self_signed(2048, "sha1")
    }

    /// Write `cert.pem` and `key.pem` into `dir`; returns (cert path, key path).
    pub fn write_pem(&self, dir: &Path) -> (PathBuf, PathBuf) {
        self.write_as(dir, "cert.pem", "key.pem")
    }

    /// Write the certificate and key under the given file names in `dir`.
    pub fn write_as(&self, dir: &Path, cert_name: &str, key_name: &str) -> (PathBuf, PathBuf) {
        std::fs::create_dir_all(dir).expect("create cert dir");
        let cert_path = dir.join(cert_name);
        let key_path = dir.join(key_name);
        std::fs::write(&cert_path, &self.cert_pem).expect("write cert");
        std::fs::write(&key_path, &self.key_pem).expect("write key");
        (cert_path, key_path)
    }
}

/// A test certificate authority (CN "rdpcheck lab CA") that issues lab leaf certificates.
#[derive(Debug)]
pub struct TestCa {
    pub cert: TestCert,
    params: CertificateParams,
}

impl TestCa {
    pub fn new() -> TestCa {
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "rdpcheck lab CA");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let key_pem = ca_key_pem();
        let cert = params
            .self_signed(&key_pair(key_pem))
            .expect("self-sign CA");
        TestCa {
            cert: TestCert::from_parts(cert, key_pem),
            params,
        }
    }

    /// A leaf (CN rdp-lab.localhost, SAN localhost + 127.0.0.1) signed by this CA.
    pub fn issue_leaf(&self) -> TestCert {
        let now = OffsetDateTime::now_utc();
        let params = leaf_params(now - Duration::days(1), now + Duration::days(365));
        let ca_key = key_pair(ca_key_pem());
        let issuer = Issuer::from_params(&self.params, &ca_key);
        let key_pem = leaf_key_pem();
        let cert = params
            .signed_by(&key_pair(key_pem), &issuer)
            .expect("sign leaf");
        TestCert::from_parts(cert, key_pem)
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}
