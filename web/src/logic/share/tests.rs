use super::*;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use rdpcheck_report::share;

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
        status: None,
        retired_at: None,
    }
}

/// prepare → the check the browser would run (here ed25519-dalek) → conclude.
fn verify(s: &SignedReport, key: Result<&PublicKeyInfo, &str>) -> Verification {
    match prepare(s, key) {
        Prepared::Done(v) => v,
        Prepared::Check {
            public_key,
            signature,
        } => {
            let pk = <[u8; 32]>::try_from(public_key.as_slice()).expect("32 bytes");
            let sig = <[u8; 64]>::try_from(signature.as_slice()).expect("64 bytes");
            let valid = VerifyingKey::from_bytes(&pk).is_ok_and(|k| {
                k.verify(
                    s.report.as_bytes(),
                    &ed25519_dalek::Signature::from_bytes(&sig),
                )
                .is_ok()
            });
            conclude(s, key.expect("a key was checked"), valid)
        }
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
    assert_eq!(
        open(&format!("#{}", share::encode(&s))).ok(),
        Some(Opened::Report(s))
    );
}

#[test]
fn nothing_to_check_is_decided_without_a_check() {
    let k = SigningKey::from_bytes(&[1; 32]);
    let mut s = signed("{}", &k, "k1");
    let mut rsa = info(&k, "k1");
    rsa.algorithm = "RSA".into();
    assert!(
        matches!(prepare(&s, Ok(&rsa)), Prepared::Done(Verification::NotVerified { reason, .. }) if reason.contains("RSA"))
    );
    s.signature = String::new();
    assert!(
        matches!(prepare(&s, Ok(&info(&k, "k1"))), Prepared::Done(Verification::NotVerified { reason, .. }) if reason.contains("no signature"))
    );
    s.signature = "AAAA".into();
    assert!(matches!(
        prepare(&s, Ok(&info(&k, "k1"))),
        Prepared::Done(Verification::NotVerified { .. })
    ));
    assert!(!cannot_check(&s, "offline").is_verified());
}

/// The page's link reader agrees with rdpcheck_report's on good and damaged links.
#[test]
fn links_open_as_the_report_crate_opens_them() {
    let k = SigningKey::from_bytes(&[1; 32]);
    let good = share::encode(&signed("{\"schema\":1, \"x\": \"\u{e9}\"}", &k, "k1"));
    let deflate = |bytes: &[u8]| share::base64url(&miniz_oxide::deflate::compress_to_vec(bytes, 6));
    let cases = [
        good.clone(),
        format!("#{good}"),
        format!("##{good} "),
        "v2.abc".to_string(),
        "v1.***".to_string(),
        "v1.AAAA".to_string(),
        "v1.A".to_string(),
        "v1.AB".to_string(),
        "v1.AB==".to_string(),
        format!("v1.{}", deflate(b"hello")),
        format!("v1.{}", deflate(&[0xff, 0xfe])),
        format!(
            "v1.{}",
            deflate(b"{\"report\":1,\"signature\":\"\",\"key_id\":\"\"}")
        ),
        format!("v1.{}", deflate(&vec![b' '; 2 << 20])),
    ];
    for c in &cases {
        let ours = open(c);
        let theirs = share::decode_link(c);
        assert_eq!(ours.is_ok(), theirs.is_ok(), "{c:.40}: {ours:?} {theirs:?}");
        match (ours, theirs) {
            (Ok(Opened::Report(a)), Ok(share::Link::Report(b))) => assert_eq!(a, b),
            (Ok(Opened::Vantage { local, relay }), Ok(share::Link::Vantage(b))) => {
                assert_eq!((local, relay), (b.local, b.relay))
            }
            (Err(ShareError::NotJson(_)), Err(ShareError::NotJson(_))) => {}
            (Err(a), Err(b)) => assert_eq!(a, b, "{c:.40}"),
            other => panic!("{c:.40}: {other:?}"),
        }
    }
}

/// Two-vantage links open as `share::decode_link` opens them, good and damaged.
#[test]
fn vantage_links_open_as_the_report_crate_opens_them() {
    let k = SigningKey::from_bytes(&[1; 32]);
    let relay = signed("{\"schema\":1,\"relay\":{}}", &k, "k1");
    let good = share::encode_vantage(&share::VantageLink {
        local: "{\"schema\":1, \"x\": \"<b>\u{e9}\"}".into(),
        relay: relay.clone(),
    });
    let deflate = |bytes: &[u8]| share::base64url(&miniz_oxide::deflate::compress_to_vec(bytes, 6));
    let cases = [
        good.clone(),
        format!("#{good}"),
        "v2.***".to_string(),
        "v2.AAAA".to_string(),
        format!("v2.{}", deflate(b"{\"local\":\"{}\"}")),
        format!(
            "v2.{}",
            deflate(b"{\"relay\":{\"report\":\"\",\"signature\":\"\",\"key_id\":\"\"}}")
        ),
        format!(
            "v2.{}",
            deflate(
                b"{\"local\":1,\"relay\":{\"report\":\"\",\"signature\":\"\",\"key_id\":\"\"}}"
            )
        ),
        format!("v2.{}", deflate(b"{\"local\":\"\",\"relay\":[]}")),
        format!("v2.{}", deflate(&vec![b' '; 3 << 20])),
        // Between the two limits: too large for v1, not for v2.
        format!(
            "v2.{}",
            deflate(
                &[
                    b"{\"local\":\"".as_slice(),
                    &vec![b'x'; 1 << 20],
                    b"\",\"relay\":{\"report\":\"\",\"signature\":\"\",\"key_id\":\"\"}}"
                ]
                .concat()
            )
        ),
    ];
    for c in &cases {
        let ours = open(c);
        let theirs = share::decode_link(c);
        assert_eq!(ours.is_ok(), theirs.is_ok(), "{c:.40}: {ours:?} {theirs:?}");
        match (ours, theirs) {
            (Ok(Opened::Vantage { local, relay }), Ok(share::Link::Vantage(b))) => {
                assert_eq!((local, relay), (b.local, b.relay))
            }
            (Err(ShareError::NotJson(_)), Err(ShareError::NotJson(_))) => {}
            (Err(a), Err(b)) => assert_eq!(a, b, "{c:.40}"),
            other => panic!("{c:.40}: {other:?}"),
        }
    }
    let Ok(Opened::Vantage { relay: r, .. }) = open(&good) else {
        panic!("a vantage link")
    };
    assert!(verify(&r, Ok(&info(&k, "k1"))).is_verified());
    assert_eq!(open(&good).map(|o| o.signed().clone()), Ok(relay));
}

/// The CLI's unsigned v1 link (key id `unsigned`, no signature) is a local report, with or
/// without the relay's key, never a failed signature; anything else unsigned is not verified.
#[test]
fn the_clis_unsigned_link_is_a_local_report() {
    let k = SigningKey::from_bytes(&[1; 32]);
    let local = SignedReport {
        report: "{\"schema\":1}".into(),
        signature: String::new(),
        key_id: UNSIGNED_KEY_ID.into(),
    };
    assert_eq!(verify(&local, Ok(&info(&k, "k1"))), Verification::Local);
    assert_eq!(verify(&local, Err("offline")), Verification::Local);
    assert!(!Verification::Local.is_verified());
    assert!(Verification::Local.headline().contains("not signed"));
    let mut forged = local.clone();
    forged.signature = "AAAA".into();
    assert!(matches!(
        verify(&forged, Ok(&info(&k, "k1"))),
        Verification::NotVerified { .. }
    ));
    let mut other = local;
    other.key_id = "k1".into();
    assert!(matches!(
        verify(&other, Ok(&info(&k, "k1"))),
        Verification::NotVerified { .. }
    ));
}

#[test]
fn base64url_reads_exactly_what_the_base64_crate_reads() {
    let mut state = 7u32;
    for len in 0..70 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect();
        let text = share::base64url(&bytes);
        assert_eq!(base64url_decode(&text), Some(bytes), "{text}");
    }
    for bad in ["A", "AB=", "AB==", "A+B/", "ABC ", "AB", "AC", "AAB"] {
        assert_eq!(base64url_decode(bad), share::base64url_decode(bad), "{bad}");
    }
}

/// A link made by the relay as it is today (protocol v1), with the key it published: it
/// must keep verifying (crates/rdpcheck-report/tests/data/share-v1.json, see the README there).
#[test]
fn a_v1_link_from_the_relay_verifies() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../crates/rdpcheck-report/tests/data/share-v1.json"
    ))
    .expect("fixture JSON");
    let link = fixture["link"].as_str().expect("link");
    let key = key_info(&fixture["key"].to_string()).expect("the relay's key");
    assert_eq!(
        key,
        serde_json::from_value::<PublicKeyInfo>(fixture["key"].clone()).expect("serde")
    );
    let Ok(Opened::Report(signed)) = open(link.split_once('#').map_or(link, |x| x.1)) else {
        panic!("a v1 link opens")
    };
    assert!(signed.report.contains("\"schema\":1"));
    assert!(verify(&signed, Ok(&key)).is_verified());
    let mut tampered = signed.clone();
    tampered.report = tampered.report.replacen("\"schema\":1", "\"schema\": 1", 1);
    assert_ne!(tampered.report, signed.report);
    assert!(!verify(&tampered, Ok(&key)).is_verified());
}

/// A key set as `/api/v1/keys` publishes it: `current` now, `old` retired by a rotation.
fn rotated_set(current: &SigningKey, old: &SigningKey) -> KeySet {
    key_set(&format!(
        r#"{{"keys":[{{"key_id":"k2","algorithm":"Ed25519","public_key":"{}","status":"current"}},
            {{"key_id":"k1","algorithm":"Ed25519","public_key":"{}","status":"retired","retired_at":"2026-01-02T03:04:05Z"}}]}}"#,
        share::base64url(&current.verifying_key().to_bytes()),
        share::base64url(&old.verifying_key().to_bytes()),
    ))
    .expect("a key set")
}

#[test]
fn a_link_signed_by_a_retired_key_still_verifies_and_says_so() {
    let old = SigningKey::from_bytes(&[1; 32]);
    let current = SigningKey::from_bytes(&[2; 32]);
    let set = rotated_set(&current, &old);
    let s = signed("{\"r\":1}", &old, "k1");
    let key = set.for_link(&s.key_id).expect("a key");
    let v = verify(&s, Ok(key));
    assert_eq!(
        v,
        Verification::Verified {
            key_id: "k1".into(),
            retired_at: Some("2026-01-02T03:04:05Z".into())
        }
    );
    assert!(v.headline().contains("retired"), "{}", v.headline());
    assert!(
        v.detail().contains("2026-01-02T03:04:05Z"),
        "{}",
        v.detail()
    );
    // A link by the current key is verified without the note.
    let s = signed("{\"r\":2}", &current, "k2");
    let v = verify(&s, Ok(set.for_link("k2").expect("key")));
    assert_eq!(
        v,
        Verification::Verified {
            key_id: "k2".into(),
            retired_at: None
        }
    );
    // A key the relay never had: checked against the current key, not verified.
    let stranger = SigningKey::from_bytes(&[9; 32]);
    let s = signed("{\"r\":3}", &stranger, "k9");
    let v = verify(&s, Ok(set.for_link("k9").expect("current")));
    assert!(!v.is_verified());
    assert!(
        v.detail().contains("k9") && v.detail().contains("k2"),
        "{}",
        v.detail()
    );
    // A retired key's id on a report it did not sign: not verified.
    let s = signed("{\"r\":4}", &current, "k1");
    assert!(!verify(&s, Ok(set.for_link("k1").expect("key"))).is_verified());
}

#[test]
fn a_key_set_that_does_not_read_is_an_error() {
    for bad in [
        r#"{"keys":[]}"#,
        r#"{"keys":{}}"#,
        r#"{"key_id":"k"}"#,
        r#"{"keys":[{"key_id":"k","algorithm":"Ed25519"}]}"#,
        r#"{"keys":[{"key_id":"k","algorithm":"Ed25519","public_key":"x","status":3}]}"#,
        "not json",
    ] {
        assert!(key_set(bad).is_err(), "{bad}");
    }
}
