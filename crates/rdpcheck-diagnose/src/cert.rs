//! Certificate facts from DER, pure: parse, fingerprint, match a name. No trust decision here —
//! RDP hosts use self-signed certificates by default, so the probe records and never rejects.

use std::net::IpAddr;

use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

/// What one certificate says, independent of the current time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    pub subject: String,
    pub issuer: String,
    pub not_before_unix: i64,
    pub not_after_unix: i64,
    pub self_signed: bool,
    pub sha256: String,
    /// SHA-1 of the DER (the Windows thumbprint), same format.
    pub sha1: String,
    /// `DNS:name` / `IP:addr` entries.
    pub san: Vec<String>,
    pub common_name: Option<String>,
    pub key_type: String,
    pub key_bits: u32,
    pub signature_algorithm: String,
}

impl CertFacts {
    /// Parse one DER certificate. An unparsable certificate still yields its fingerprint.
    pub fn from_der(der: &[u8]) -> CertFacts {
        let sha256 = fingerprint(der);
        let sha1 = colon_hex(&Sha1::digest(der));
        let Ok((_, cert)) = X509Certificate::from_der(der) else {
            return CertFacts {
                subject: "(unparsable certificate)".into(),
                issuer: String::new(),
                not_before_unix: 0,
                not_after_unix: 0,
                self_signed: false,
                sha256,
                sha1,
                san: Vec::new(),
                common_name: None,
                key_type: "unknown".into(),
                key_bits: 0,
                signature_algorithm: "unknown".into(),
            };
        };
        let (key_type, key_bits) = key_facts(&cert);
        let common_name = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_string);
        CertFacts {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before_unix: cert.validity().not_before.timestamp(),
            not_after_unix: cert.validity().not_after.timestamp(),
            self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
            sha256,
            sha1,
            san: subject_alt_names(&cert),
            common_name,
            key_type,
            key_bits,
            signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
        }
    }

    /// Whether `host` (a DNS name or IP literal) is named by the SAN, or the CN when there is no SAN.
    pub fn matches_name(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.san.iter().any(|s| {
                s.strip_prefix("IP:")
                    .and_then(|a| a.parse::<IpAddr>().ok())
                    .is_some_and(|a| a == ip)
            });
        }
        let dns: Vec<&str> = self
            .san
            .iter()
            .filter_map(|s| s.strip_prefix("DNS:"))
            .collect();
        if dns.is_empty() && !self.san.iter().any(|s| s.starts_with("IP:")) {
            return self
                .common_name
                .as_deref()
                .is_some_and(|cn| name_matches(cn, &host));
        }
        dns.iter().any(|pattern| name_matches(pattern, &host))
    }
}

fn fingerprint(der: &[u8]) -> String {
    colon_hex(&Sha256::digest(der))
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn subject_alt_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ext)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    ext.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(d) => Some(format!("DNS:{d}")),
            GeneralName::IPAddress(bytes) => ip_from_bytes(bytes).map(|ip| format!("IP:{ip}")),
            _ => None,
        })
        .collect()
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

fn key_facts(cert: &X509Certificate<'_>) -> (String, u32) {
    let bits = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA".into(), bits(rsa.key_size())),
        Ok(PublicKey::EC(ec)) => ("EC".into(), bits(ec.key_size())),
        Ok(PublicKey::DSA(_)) => ("DSA".into(), 0),
        Ok(PublicKey::GostR3410(_) | PublicKey::GostR3410_2012(_)) => ("GOST".into(), 0),
        Ok(PublicKey::Unknown(_)) | Err(_) => {
            let oid = cert.public_key().algorithm.algorithm.to_id_string();
            match oid.as_str() {
                "1.3.101.112" => ("Ed25519".into(), 256),
                "1.3.101.113" => ("Ed448".into(), 456),
                _ => (format!("unknown ({oid})"), 0),
            }
        }
    }
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        other => return other.to_string(),
    }
    .to_string()
}

/// Case-insensitive host match with a single left-most `*` label (RFC 6125 §6.4.3).
fn name_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    if let Some(suffix) = pattern.strip_prefix("*.") {
        return host
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix);
    }
    pattern == host
}

/// Whether the signature algorithm is one clients distrust (MD5, SHA-1).
pub fn weak_signature(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("md5") || n.contains("sha1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(san: &[&str], cn: Option<&str>) -> CertFacts {
        CertFacts {
            subject: String::new(),
            issuer: String::new(),
            not_before_unix: 0,
            not_after_unix: 0,
            self_signed: true,
            sha256: String::new(),
            sha1: String::new(),
            san: san.iter().map(|s| s.to_string()).collect(),
            common_name: cn.map(str::to_string),
            key_type: "RSA".into(),
            key_bits: 2048,
            signature_algorithm: "sha256WithRSAEncryption".into(),
        }
    }

    #[test]
    fn matches_dns_ip_and_wildcards() {
        let f = facts(
            &["DNS:localhost", "DNS:*.corp.example", "IP:127.0.0.1"],
            Some("ignored"),
        );
        assert!(f.matches_name("LOCALHOST."));
        assert!(f.matches_name("rdp.corp.example"));
        assert!(!f.matches_name("a.b.corp.example"));
        assert!(!f.matches_name("corp.example"));
        assert!(f.matches_name("127.0.0.1"));
        assert!(!f.matches_name("127.0.0.2"));
        assert!(!f.matches_name("ignored"));
    }

    #[test]
    fn falls_back_to_common_name_without_san() {
        let f = facts(&[], Some("WIN-HOST"));
        assert!(f.matches_name("win-host"));
        assert!(!f.matches_name("other"));
    }

    #[test]
    fn garbage_der_still_has_a_fingerprint() {
        let f = CertFacts::from_der(&[1, 2, 3]);
        assert_eq!(f.sha256.len(), 32 * 3 - 1);
        assert_eq!(f.key_bits, 0);
    }

    #[test]
    fn weak_signatures() {
        assert!(weak_signature("sha1WithRSAEncryption"));
        assert!(weak_signature("md5WithRSAEncryption"));
        assert!(!weak_signature("sha256WithRSAEncryption"));
    }
}
