//! Share links and their verification against the relay's published key.

use rdpcheck_report::share::{self, ShareError};
use rdpcheck_report::wire::{PublicKeyInfo, SignedReport};
use rdpcheck_report::Report;

/// Whether a shared report can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Signed by this relay's key and unchanged.
    Verified { key_id: String },
    /// The signature does not match this relay's key over these bytes.
    NotVerified { key_id: String, reason: String },
    /// The relay's key could not be fetched (opened without a relay, or it is down).
    KeyUnavailable { key_id: String, reason: String },
}

impl Verification {
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Verified { .. })
    }

    /// One line for the banner.
    pub fn headline(&self) -> String {
        match self {
            Verification::Verified { key_id } => format!("Signed by relay {key_id} — verified"),
            Verification::NotVerified { .. } => {
                "Not verified — modified, unsigned, or signed by another relay".to_string()
            }
            Verification::KeyUnavailable { .. } => {
                "Not verified — the relay's key could not be fetched".to_string()
            }
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Verification::Verified { .. } => {
                "The report below is exactly what the relay signed.".to_string()
            }
            Verification::NotVerified { reason, .. }
            | Verification::KeyUnavailable { reason, .. } => reason.clone(),
        }
    }
}

/// Checks a signed report against the relay's key.
pub fn verify(signed: &SignedReport, key: Result<&PublicKeyInfo, &str>) -> Verification {
    let key_id = signed.key_id.clone();
    let key = match key {
        Ok(k) => k,
        Err(why) => {
            return Verification::KeyUnavailable {
                key_id,
                reason: format!(
                    "The link says it was signed by relay key {}, but this page could not fetch its relay's key ({why}). Open the link on the relay that made it.",
                    signed.key_id
                ),
            }
        }
    };
    if !key.algorithm.eq_ignore_ascii_case("ed25519") {
        return Verification::NotVerified {
            key_id,
            reason: format!(
                "This relay publishes a {} key, which this page cannot check.",
                key.algorithm
            ),
        };
    }
    if share::verify(signed, &key.public_key) {
        if key.key_id == signed.key_id {
            return Verification::Verified { key_id };
        }
        return Verification::NotVerified {
            key_id,
            reason: format!(
                "The signature matches this relay's key, but the link names key {} instead of {}.",
                signed.key_id, key.key_id
            ),
        };
    }
    let reason = if signed.signature.is_empty() {
        "The link carries no signature.".to_string()
    } else if signed.key_id != key.key_id {
        format!(
            "The link names relay key {}; this relay's key is {}. It was signed by another relay, or changed.",
            signed.key_id, key.key_id
        )
    } else {
        "The signature does not match the report: it was changed after the relay signed it."
            .to_string()
    };
    Verification::NotVerified { key_id, reason }
}

/// Decodes a link fragment (`#v1.…`) into the signed text and the report.
pub fn open(fragment: &str) -> Result<(SignedReport, Report), ShareError> {
    let signed = share::decode(fragment)?;
    let report = share::report(&signed)?;
    Ok((signed, report))
}

/// The full link: `<origin>/r#v1.<payload>`.
pub fn link(origin: &str, signed: &SignedReport) -> String {
    format!(
        "{}/r#{}",
        origin.trim_end_matches('/'),
        share::encode(signed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn signed(text: &str, key: &SigningKey, id: &str) -> SignedReport {
        SignedReport {
            report: text.into(),
            signature: share::base64url(&key.sign(text.as_bytes()).to_bytes()),
            key_id: id.into(),
        }
    }

    fn info(key: &SigningKey, id: &str) -> PublicKeyInfo {
        PublicKeyInfo {
            key_id: id.into(),
            algorithm: "Ed25519".into(),
            public_key: share::base64url(&key.verifying_key().to_bytes()),
        }
    }

    #[test]
    fn verifies_and_names_each_failure() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let other = SigningKey::from_bytes(&[2; 32]);
        let s = signed("{}", &k, "k1");
        assert!(verify(&s, Ok(&info(&k, "k1"))).is_verified());
        assert!(
            matches!(verify(&s, Ok(&info(&other, "k2"))), Verification::NotVerified { reason, .. } if reason.contains("another relay"))
        );
        let mut t = s.clone();
        t.report = "{ }".into();
        assert!(
            matches!(verify(&t, Ok(&info(&k, "k1"))), Verification::NotVerified { reason, .. } if reason.contains("changed"))
        );
        assert!(matches!(
            verify(&s, Err("offline")),
            Verification::KeyUnavailable { .. }
        ));
        let link = link("https://relay.example/", &s);
        assert!(link.starts_with("https://relay.example/r#v1."));
        let frag = link.split_once('#').map(|x| x.1).unwrap_or_default();
        assert_eq!(share::decode(frag).ok(), Some(s));
    }
}
