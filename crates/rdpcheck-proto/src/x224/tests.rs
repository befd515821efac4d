use super::*;
use crate::testutil::hex;

#[test]
fn requests_decode_back() {
    let with_cookie = decode_request(&connection_request(Some("probe"), Some(0x0B)));
    assert_eq!(
        with_cookie,
        Ok(Request {
            token: Some("Cookie: mstshash=probe".into()),
            negotiation: Some(NegRequest {
                flags: 0,
                requested: 0x0B
            }),
        })
    );
    assert_eq!(
        decode_request(&connection_request(None, None)),
        Ok(Request {
            token: None,
            negotiation: None
        })
    );
    assert_eq!(
        decode_request(&connection_request(None, Some(0))).map(|r| r.negotiation),
        Ok(Some(NegRequest {
            flags: 0,
            requested: 0
        }))
    );
    for bad in [
        "03 00 00 13 0E D0 00 00 00 00 00 01 00 08 00 0B 00 00 00", // a CC
        "03 00 00 0F 0A E0 00 00 00 00 00 41 42 43 44",             // token without CRLF
        "03 00 00 13 0E E0 00 00 00 00 00 01 00 09 00 0B 00 00 00", // neg length 9
        "03 00 00 0F 0A E0 00 00 00 00 00 01 00 08 00",             // neg req cut short
        "03 00 00 09 04 E0 00 00 00",                               // LI too small
    ] {
        assert!(decode_request(&hex(bad)).is_err(), "{bad}");
    }
    let good = connection_request(Some("probe"), Some(0x0B));
    for n in 0..good.len() {
        assert!(decode_request(&good[..n]).is_err(), "prefix {n}");
    }
}

#[test]
fn minimal_request_matches_research_bytes() {
    let cr = connection_request(None, Some(0x0B));
    assert_eq!(
        cr,
        hex("03 00 00 13 0E E0 00 00 00 00 00 01 00 08 00 0B 00 00 00")
    );
}

#[test]
fn request_with_cookie_matches_research_bytes() {
    let cr = connection_request(Some("probe"), Some(0x0B));
    assert_eq!(
        cr,
        hex("03 00 00 2B 26 E0 00 00 00 00 00 43 6F 6F 6B 69 65 3A 20 6D 73 74 73 68 61 73 68 3D 70 72 6F 62 65 0D 0A 01 00 08 00 0B 00 00 00")
    );
}

#[test]
fn legacy_request_has_no_negotiation() {
    assert_eq!(
        connection_request(None, None),
        hex("03 00 00 0B 06 E0 00 00 00 00 00")
    );
}

#[test]
fn windows_nla_confirm() {
    let reply = decode_reply(&hex(
        "03 00 00 13 0E D0 00 00 12 34 00 02 1F 08 00 02 00 00 00",
    ));
    assert_eq!(
        reply,
        Ok(Reply::Confirm {
            dst_ref: 0,
            src_ref: 0x1234,
            negotiation: Negotiation::Selected {
                selected: 2,
                flags: RspFlags(0x1F)
            }
        })
    );
}

#[test]
fn response_flags_have_names() {
    let all = RspFlags(0x1F);
    assert_eq!(
        all.names(),
        [
            "EXTENDED_CLIENT_DATA_SUPPORTED",
            "DYNVC_GFX_PROTOCOL_SUPPORTED",
            "NEGRSP_FLAG_RESERVED",
            "RESTRICTED_ADMIN_MODE_SUPPORTED",
            "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
        ]
    );
    assert_eq!(all.unknown(), 0);
    assert_eq!(all.to_string(), "0x1f");
    let w2008 = RspFlags(0x09);
    assert!(w2008.contains(RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED));
    assert!(w2008.contains(
        RspFlags::EXTENDED_CLIENT_DATA_SUPPORTED | RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED
    ));
    assert!(!w2008.contains(RspFlags::DYNVC_GFX_PROTOCOL_SUPPORTED));
    assert!(!w2008.contains(RspFlags::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED | w2008));
    assert!(RspFlags(0).names().is_empty());
    assert!(RspFlags(0).contains(RspFlags(0)));
    let odd = RspFlags(0xA1);
    assert_eq!(odd.unknown(), 0xA0);
    assert_eq!(
        odd.names(),
        [
            "EXTENDED_CLIENT_DATA_SUPPORTED",
            "unknown(0x20)",
            "unknown(0x80)"
        ]
    );
    assert_eq!(
        RspFlags::from(0x08),
        RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED
    );
}

#[test]
fn hybrid_required_failure() {
    let reply = decode_reply(&hex(
        "03 00 00 13 0E D0 00 00 12 34 00 03 00 08 00 05 00 00 00",
    ));
    let Ok(Reply::Confirm { negotiation, .. }) = reply else {
        panic!("not a confirm: {reply:?}")
    };
    assert_eq!(
        negotiation,
        Negotiation::Failure(FailureCode::HybridRequired)
    );
}

#[test]
fn legacy_confirm_without_negotiation() {
    let reply = decode_reply(&hex("03 00 00 0B 06 D0 00 00 12 34 00"));
    assert!(matches!(
        reply,
        Ok(Reply::Confirm {
            negotiation: Negotiation::Legacy,
            ..
        })
    ));
}

#[test]
fn xrdp_disconnect_ultimatum_is_data() {
    let reply = decode_reply(&hex("03 00 00 09 02 F0 80 21 80")).expect("decodes");
    let Reply::Data { payload } = reply else {
        panic!("{reply:?}")
    };
    assert!(is_disconnect_provider_ultimatum(&payload));
}

#[test]
fn failure_codes_round_trip() {
    for v in 1..=6 {
        assert_eq!(FailureCode::from_u32(v).value(), v);
    }
    assert_eq!(FailureCode::from_u32(9), FailureCode::Unknown(9));
}

#[test]
fn malformed_confirms_are_errors() {
    for bad in [
        "03 00 00 0B 0E D0 00 00 12 34 00",          // LI past the end
        "03 00 00 0B 04 D0 00 00 12",                // LI too small
        "03 00 00 0F 0A D0 00 00 12 34 00 02 00 08", // neg data cut short
        "03 00 00 13 0E D0 00 00 12 34 00 02 00 09 00 02 00 00 00", // neg length 9
        "03 00 00 13 0E D0 00 00 12 34 00 07 00 08 00 02 00 00 00", // neg type 7
        "03 00 00 13 0E E0 00 00 12 34 00 02 00 08 00 02 00 00 00", // a CR, not a CC
        "03 00 00 30 0E D0",                         // frame shorter than TPKT says
    ] {
        assert!(decode_reply(&hex(bad)).is_err(), "{bad}");
    }
}

#[test]
fn every_prefix_of_a_valid_confirm_fails_cleanly() {
    let good = hex("03 00 00 13 0E D0 00 00 12 34 00 02 1F 08 00 02 00 00 00");
    for n in 0..good.len() {
        assert!(decode_reply(&good[..n]).is_err());
    }
}
