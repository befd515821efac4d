//! Decode bytes captured from real servers (xrdp 0.9.21.1, FreeRDP 2.11.7 shadow server) on
//! loopback. How each fixture was made: tests/data/README.md.

use rdpcheck_proto::x224::{self, FailureCode, Negotiation, Reply, RspFlags};
use rdpcheck_proto::{credssp, ntlm, tls_hello, tpkt};
use tls_hello::ServerReply;

const XRDP_CC_0X0B: &[u8] = include_bytes!("data/xrdp_negotiate_cc_0x0b.bin");
const XRDP_CC_0X02: &[u8] = include_bytes!("data/xrdp_negotiate_cc_0x02.bin");
const XRDP_TLS10_CC_0X01: &[u8] = include_bytes!("data/xrdp_tls10_cc_0x01.bin");
const SHADOW_CC_0X0B: &[u8] = include_bytes!("data/shadow_nla_cc_0x0b.bin");
const SHADOW_CC_0X01: &[u8] = include_bytes!("data/shadow_nla_cc_0x01.bin");
const SHADOW_CHALLENGE: &[u8] = include_bytes!("data/shadow_nla_ts_request_challenge.bin");
const XRDP_SERVER_HELLO: &[u8] = include_bytes!("data/xrdp_server_hello.bin");
const XRDP_TLS10_SERVER_HELLO: &[u8] = include_bytes!("data/xrdp_tls10_server_hello.bin");
const XRDP_TLS10_ALERT: &[u8] = include_bytes!("data/xrdp_tls10_alert_to_tls13_hello.bin");
const CLIENT_HELLO: &[u8] = include_bytes!("data/client_legacy_hello_localhost.bin");
const CLIENT_TS_REQUEST: &[u8] = include_bytes!("data/client_ts_request_negotiate.bin");

/// Frame with TPKT, then decode, the way the engine does.
fn confirm(frame: &[u8]) -> (u16, u16, Negotiation) {
    assert_eq!(tpkt::frame_len(frame), Ok(Some(frame.len())));
    match x224::decode_reply(frame) {
        Ok(Reply::Confirm {
            dst_ref,
            src_ref,
            negotiation,
        }) => (dst_ref, src_ref, negotiation),
        other => panic!("not a connection confirm: {other:?}"),
    }
}

#[test]
fn xrdp_negotiate_selects_tls_for_0x0b() {
    let (dst, src, neg) = confirm(XRDP_CC_0X0B);
    assert_eq!((dst, src), (0, 0x1234));
    // TLS selected; flags EXTENDED_CLIENT_DATA_SUPPORTED only. xrdp has no CredSSP.
    assert_eq!(
        neg,
        Negotiation::Selected {
            selected: x224::protocol::SSL,
            flags: RspFlags::EXTENDED_CLIENT_DATA_SUPPORTED
        }
    );
}

#[test]
fn xrdp_negotiate_answers_rdp_to_a_hybrid_only_request() {
    // Asked for HYBRID only: xrdp picks standard RDP security instead of sending a failure.
    let (_, src, neg) = confirm(XRDP_CC_0X02);
    assert_eq!(src, 0x1234);
    assert_eq!(
        neg,
        Negotiation::Selected {
            selected: x224::protocol::RDP,
            flags: RspFlags(0x01)
        }
    );
}

#[test]
fn xrdp_tls10_only_still_selects_tls() {
    let (_, _, neg) = confirm(XRDP_TLS10_CC_0X01);
    assert_eq!(
        neg,
        Negotiation::Selected {
            selected: x224::protocol::SSL,
            flags: RspFlags(0x01)
        }
    );
}

#[test]
fn shadow_nla_selects_hybrid_for_0x0b() {
    let (dst, src, neg) = confirm(SHADOW_CC_0X0B);
    // FreeRDP leaves the source reference 0, unlike Windows and xrdp (0x1234).
    assert_eq!((dst, src), (0, 0));
    // HYBRID (not HYBRID_EX); flags EXTENDED_CLIENT_DATA | DYNVC_GFX.
    assert_eq!(
        neg,
        Negotiation::Selected {
            selected: x224::protocol::HYBRID,
            flags: RspFlags(0x03)
        }
    );
}

#[test]
fn shadow_nla_refuses_tls_only_with_hybrid_required() {
    let (_, _, neg) = confirm(SHADOW_CC_0X01);
    assert_eq!(neg, Negotiation::Failure(FailureCode::HybridRequired));
}

#[test]
fn shadow_ts_request_carries_the_ntlm_challenge() {
    assert_eq!(
        credssp::frame_len(SHADOW_CHALLENGE),
        Ok(Some(SHADOW_CHALLENGE.len()))
    );
    let req = credssp::parse_ts_request(SHADOW_CHALLENGE).expect("TSRequest decodes");
    // Our request said 0x60; FreeRDP answers with its own CredSSP version, 6.
    assert_eq!(req.version, 6);
    assert_eq!(req.error_code, None);
    let token = req.nego_token.expect("negoToken present");
    assert_eq!(token.len(), 108);

    let c = ntlm::parse_challenge(&token).expect("CHALLENGE decodes");
    assert_eq!(c.flags, 0xE288_82B7);
    assert_eq!(c.target_name.as_deref(), Some("VM"));
    // winpr derives the names from the machine's host name ("vm" on the capture box).
    assert_eq!(c.nb_computer.as_deref(), Some("VM"));
    assert_eq!(c.nb_domain.as_deref(), Some("VM"));
    assert_eq!(c.dns_computer.as_deref(), Some("vm"));
    assert_eq!(c.dns_domain.as_deref(), Some("vm"));
    assert_eq!(c.dns_tree, None);
    // winpr claims Windows 7 SP1: 6.1.7601, NTLM revision 15 (nmap's Product_Version 6.1.7601).
    assert_eq!(
        c.version,
        Some(ntlm::OsVersion {
            major: 6,
            minor: 1,
            build: 7601,
            revision: 15
        })
    );
    // 2026-11-21T23:54:02Z, the capture time; winpr fills it in whole seconds.
    assert_eq!(c.timestamp, Some(134_397_788_420_000_000));
    let unix = ntlm::filetime_to_unix_seconds(c.timestamp.unwrap_or_default());
    assert_eq!(unix, 1_795_305_242.0);
}

#[test]
fn xrdp_server_hello_tls12_with_downgrade_sentinel() {
    let reply = tls_hello::parse_server_reply(XRDP_SERVER_HELLO).expect("decodes");
    assert_eq!(
        reply,
        Some(ServerReply::Hello {
            version: 0x0303,
            cipher_suite: 0xC02F
        })
    );
    assert_eq!(
        tls_hello::cipher_suite_name(0xC02F),
        Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    );
    // OpenSSL 3 supports TLS 1.3 but our hello stops at 1.2, so the ServerHello random ends
    // with the RFC 8446 §4.1.3 downgrade sentinel "DOWNGRD\x01". Random is at 11..43.
    assert_eq!(&XRDP_SERVER_HELLO[35..43], b"DOWNGRD\x01");
    // Only the first record is needed.
    let first = 5 + usize::from(u16::from_be_bytes([
        XRDP_SERVER_HELLO[3],
        XRDP_SERVER_HELLO[4],
    ]));
    assert_eq!(
        tls_hello::parse_server_reply(&XRDP_SERVER_HELLO[..first]),
        Ok(reply)
    );
    assert_eq!(
        tls_hello::parse_server_reply(&XRDP_SERVER_HELLO[..first - 1]),
        Ok(None)
    );
}

#[test]
fn xrdp_tls10_only_server_hello() {
    let reply = tls_hello::parse_server_reply(XRDP_TLS10_SERVER_HELLO).expect("decodes");
    assert_eq!(
        reply,
        Some(ServerReply::Hello {
            version: 0x0301,
            cipher_suite: 0xC013
        })
    );
    assert_eq!(tls_hello::version_name(0x0301), "TLSv1.0");
    assert_eq!(
        tls_hello::cipher_suite_name(0xC013),
        Some("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
    );
    // The record layer says TLS 1.0 too.
    assert_eq!(&XRDP_TLS10_SERVER_HELLO[..3], &[0x16, 0x03, 0x01]);
}

#[test]
fn xrdp_tls10_only_alerts_a_tls13_only_client_then_sends_a_disconnect_ultimatum() {
    let reply = tls_hello::parse_server_reply(XRDP_TLS10_ALERT).expect("decodes");
    assert_eq!(
        reply,
        Some(ServerReply::Alert {
            level: 2,
            description: 70
        })
    );
    assert_eq!(tls_hello::alert_name(70), "protocol_version");
    // After the fatal alert xrdp writes a cleartext MCS Disconnect Provider Ultimatum.
    let rest = &XRDP_TLS10_ALERT[7..];
    assert_eq!(tpkt::frame_len(rest), Ok(Some(rest.len())));
    let Ok(Reply::Data { payload }) = x224::decode_reply(rest) else {
        panic!("not a DT TPDU");
    };
    assert!(x224::is_disconnect_provider_ultimatum(&payload));
}

#[test]
fn the_requests_we_sent_are_what_the_code_builds() {
    assert_eq!(
        tls_hello::legacy_client_hello(Some("localhost"), [0x5A; 32]),
        CLIENT_HELLO
    );
    assert_eq!(
        credssp::ts_request(0x60, &ntlm::negotiate_message()),
        CLIENT_TS_REQUEST
    );
}

/// The certificate of a whole first flight: one DER SEQUENCE whose length covers it exactly,
/// holding `name` (the subject CN) somewhere inside.
#[track_caller]
fn assert_one_certificate_naming(flight: &tls_hello::ServerFlight, name: &[u8]) {
    assert_eq!(flight.certificates.len(), 1, "one self-signed certificate");
    let der = &flight.certificates[0];
    assert_eq!(
        der[..2],
        [0x30, 0x82],
        "DER SEQUENCE with a two-byte length"
    );
    assert_eq!(
        usize::from(u16::from_be_bytes([der[2], der[3]])) + 4,
        der.len(),
        "the SEQUENCE covers the certificate"
    );
    assert!(
        der.windows(name.len()).any(|w| w == name),
        "the certificate names {}",
        String::from_utf8_lossy(name)
    );
}

fn flight_of(bytes: &[u8]) -> tls_hello::ServerFlight {
    match tls_hello::parse_server_flight(bytes) {
        Ok(Some(tls_hello::FlightReply::Flight(f))) => f,
        other => panic!("not a whole flight: {other:?}"),
    }
}

#[test]
fn xrdp_first_flights_carry_the_certificate() {
    let tls12 = flight_of(XRDP_SERVER_HELLO);
    assert_eq!((tls12.version, tls12.cipher_suite), (0x0303, 0xC02F));
    assert_one_certificate_naming(&tls12, b"rdp-lab.localhost");
    // The TLS 1.0-only host's certificate comes just the same: it is sent in the clear.
    let tls10 = flight_of(XRDP_TLS10_SERVER_HELLO);
    assert_eq!((tls10.version, tls10.cipher_suite), (0x0301, 0xC013));
    assert_one_certificate_naming(&tls10, b"rdp-lab.localhost");
    // Until the ServerHelloDone, more bytes are needed; the alert alone is an alert.
    for n in 0..XRDP_TLS10_SERVER_HELLO.len() {
        assert_eq!(
            tls_hello::parse_server_flight(&XRDP_TLS10_SERVER_HELLO[..n]),
            Ok(None),
            "prefix {n}"
        );
    }
    assert_eq!(
        tls_hello::parse_server_flight(XRDP_TLS10_ALERT),
        Ok(Some(tls_hello::FlightReply::Alert {
            level: 2,
            description: 70
        }))
    );
}

#[test]
fn windows_first_flights_carry_the_self_signed_certificate() {
    for (bytes, host) in [
        (
            &include_bytes!("data/windows/tls_server_flight/ndpi_rdp_52494.bin")[..],
            &b"OFFICE-WIN10-VM"[..],
        ),
        (
            include_bytes!("data/windows/tls_server_flight/ndpi_rdp_over_tls_35888.bin"),
            b"topsalon",
        ),
        (
            include_bytes!("data/windows/tls_server_flight/pcapattack_sharprdp_59281.bin"),
            b"MSEDGEWIN10",
        ),
        (
            include_bytes!("data/windows/tls_server_flight/pcapattack_sharprdp_59285.bin"),
            b"MSEDGEWIN10",
        ),
    ] {
        let flight = flight_of(bytes);
        assert_eq!(
            (flight.version, flight.cipher_suite),
            (0x0303, 0xC030),
            "TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384"
        );
        assert_one_certificate_naming(&flight, host);
        // The hello-only reader agrees on the first message.
        assert_eq!(
            tls_hello::parse_server_reply(bytes),
            Ok(Some(ServerReply::Hello {
                version: flight.version,
                cipher_suite: flight.cipher_suite
            }))
        );
    }
}
