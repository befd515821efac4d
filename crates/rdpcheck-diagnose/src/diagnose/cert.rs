//! What the RDP certificate says, as findings: validity, names, key and signature strength.

use rdpcheck_report::{Finding, Plain, Severity};

use super::finding;
use crate::cert::{weak_signature, CertFacts};
use crate::sections;

const EXPIRY_SOON_DAYS: i64 = 30;

pub(super) fn cert_findings(leaf: &CertFacts, host: &str, now: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    let facts = format!(
        "subject {}, issuer {}, valid {} to {}, SHA-256 {}",
        leaf.subject,
        leaf.issuer,
        sections::rfc3339(leaf.not_before_unix),
        sections::rfc3339(leaf.not_after_unix),
        leaf.sha256
    );
    let now = now as i64;
    let days_left = (leaf.not_after_unix - now).div_euclid(86_400);
    if leaf.not_after_unix < now {
        out.push(finding(
            Plain::TlsCertExpired,
            Severity::Warn,
            format!("The RDP certificate expired {} days ago", -days_left),
            facts.clone(),
        ));
    } else if leaf.not_before_unix > now {
        out.push(finding(
            Plain::TlsCertNotYetValid,
            Severity::Warn,
            "The RDP certificate is not valid yet: the server's clock or the certificate is wrong",
            facts.clone(),
        ));
    } else if days_left < EXPIRY_SOON_DAYS {
        out.push(finding(
            Plain::TlsCertExpiringSoon,
            Severity::Warn,
            format!("The RDP certificate expires in {days_left} days"),
            facts.clone(),
        ));
    }
    if leaf.self_signed {
        out.push(finding(
            Plain::TlsCertSelfSigned,
            Severity::Info,
            "The certificate is self-signed (the Windows default for RDP): clients warn unless it is pinned or replaced",
            facts.clone(),
        ));
    }
    if !leaf.matches_name(host) {
        out.push(finding(
            Plain::TlsCertNameMismatch,
            Severity::Warn,
            format!("The certificate does not name {host}: clients show a name-mismatch warning"),
            format!(
                "names in the certificate: {}; CN {}",
                if leaf.san.is_empty() {
                    "none".into()
                } else {
                    leaf.san.join(", ")
                },
                leaf.common_name.as_deref().unwrap_or("none")
            ),
        ));
    }
    if weak_key(leaf) {
        out.push(finding(
            Plain::TlsCertWeakKey,
            Severity::Warn,
            format!(
                "The certificate key is only {} {} bits, below the 2048 bits (RSA) current guidance asks for",
                leaf.key_type, leaf.key_bits
            ),
            facts.clone(),
        ));
    }
    if weak_signature(&leaf.signature_algorithm) {
        out.push(finding(
            Plain::TlsCertWeakSignature,
            Severity::Warn,
            format!(
                "The certificate is signed with {}, which current clients distrust",
                leaf.signature_algorithm
            ),
            facts,
        ));
    }
    out
}

/// A key so short that current clients refuse it too: RSA/DSA under 1024 bits (Windows blocks
/// them, Microsoft Security Advisory 2661254; OpenSSL security level 1 wants 80 bits of
/// security), EC under 160 bits.
pub(super) fn refused_by_clients(leaf: &CertFacts) -> bool {
    match leaf.key_type.as_str() {
        "RSA" | "DSA" => leaf.key_bits < 1024,
        "EC" => leaf.key_bits < 160,
        _ => false,
    }
}

pub(super) fn weak_key(leaf: &CertFacts) -> bool {
    match leaf.key_type.as_str() {
        "RSA" | "DSA" => leaf.key_bits < 2048,
        "EC" => leaf.key_bits < 256,
        _ => false,
    }
}
