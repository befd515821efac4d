//! Decode messages of real Windows hosts, cut from public captures (provenance of every file:
//! tests/data/windows/README.md). Every expected value below is the one the capture index
//! (`index.json` in the research folder, made by an independent decoder) gives for that file.
//! Over the ~400-line rule on purpose: it is a test corpus, one case per recorded file.

use rdpcheck_proto::ntlm::{self, filetime_to_unix_seconds, OsVersion};
use rdpcheck_proto::x224::{self, protocol, FailureCode, NegRequest, Negotiation, Reply, RspFlags};
use rdpcheck_proto::{credssp, rdpudp, tls_hello, tpkt};
use tls_hello::ServerReply;

macro_rules! win {
    ($path:literal) => {
        include_bytes!(concat!("data/windows/", $path)) as &[u8]
    };
}

/// What a Connection Confirm of the index decodes to.
#[derive(Debug, Clone, Copy)]
enum Cc {
    Rsp { selected: u32, flags: u8 },
    Failure(FailureCode),
    Legacy,
}

/// (file, bytes, what the index says).
const CONFIRMS: &[(&str, &[u8], Cc)] = &[
    (
        "ndpi_rdp3_1685_cc0",
        win!("x224_cc/ndpi_rdp3_1685_cc0.bin"),
        Cc::Legacy,
    ),
    (
        "ndpi_rdp_52494_cc0",
        win!("x224_cc/ndpi_rdp_52494_cc0.bin"),
        Cc::Rsp {
            selected: protocol::HYBRID_EX,
            flags: 0x1F,
        },
    ),
    (
        "ndpi_rdp_over_tls_35888_cc0",
        win!("x224_cc/ndpi_rdp_over_tls_35888_cc0.bin"),
        Cc::Rsp {
            selected: protocol::HYBRID,
            flags: 0x1F,
        },
    ),
    (
        "pcapattack_sharprdp_59281_cc0",
        win!("x224_cc/pcapattack_sharprdp_59281_cc0.bin"),
        Cc::Rsp {
            selected: protocol::HYBRID_EX,
            flags: 0x1F,
        },
    ),
    (
        "pcapattack_sharprdp_59285_cc0",
        win!("x224_cc/pcapattack_sharprdp_59285_cc0.bin"),
        Cc::Rsp {
            selected: protocol::HYBRID_EX,
            flags: 0x1F,
        },
    ),
    (
        "redemption_dump_TLSw2008_cc0",
        win!("x224_cc/redemption_dump_TLSw2008_cc0.bin"),
        Cc::Rsp {
            selected: protocol::SSL,
            flags: 0x09,
        },
    ),
    (
        "redemption_dump_TLSw2008_2_cc0",
        win!("x224_cc/redemption_dump_TLSw2008_2_cc0.bin"),
        Cc::Rsp {
            selected: protocol::SSL,
            flags: 0x09,
        },
    ),
    (
        "redemption_dump_w2008_cc0",
        win!("x224_cc/redemption_dump_w2008_cc0.bin"),
        Cc::Failure(FailureCode::SslNotAllowed),
    ),
    (
        "redemption_dump_w2008_cc1",
        win!("x224_cc/redemption_dump_w2008_cc1.bin"),
        Cc::Rsp {
            selected: protocol::RDP,
            flags: 0x09,
        },
    ),
    (
        "redemption_dump_w2008_PatBlt_cc0",
        win!("x224_cc/redemption_dump_w2008_PatBlt_cc0.bin"),
        Cc::Legacy,
    ),
    (
        "rdps2rdp_log_hybrid_required_by_server",
        win!("x224_cc/rdps2rdp_log_hybrid_required_by_server.bin"),
        Cc::Failure(FailureCode::HybridRequired),
    ),
];

/// (file, bytes, cookie or token line, RDP_NEG_REQ requestedProtocols).
type RecordedRequest = (
    &'static str,
    &'static [u8],
    Option<&'static str>,
    Option<u32>,
);

const REQUESTS: &[RecordedRequest] = &[
    (
        "ndpi_rdp3_1685_cr0",
        win!("x224_cr/ndpi_rdp3_1685_cr0.bin"),
        Some("Cookie: mstshash=Administr"),
        None,
    ),
    (
        "ndpi_rdp_52494_cr0",
        win!("x224_cr/ndpi_rdp_52494_cr0.bin"),
        None,
        Some(0x0B),
    ),
    (
        "ndpi_rdp_over_tls_35888_cr0",
        win!("x224_cr/ndpi_rdp_over_tls_35888_cr0.bin"),
        Some("Cookie: mstshash=WDeployAd"),
        Some(0x03),
    ),
    (
        "pcapattack_sharprdp_59281_cr0",
        win!("x224_cr/pcapattack_sharprdp_59281_cr0.bin"),
        Some("Cookie: mstshash=IEUser"),
        Some(0x0B),
    ),
    (
        "pcapattack_sharprdp_59285_cr0",
        win!("x224_cr/pcapattack_sharprdp_59285_cr0.bin"),
        Some("Cookie: mstshash=IEUser"),
        Some(0x0B),
    ),
    (
        "rdps2rdp_log_cr_ssl_only",
        win!("x224_cr/rdps2rdp_log_cr_ssl_only.bin"),
        Some("Cookie: mstshash=runneradm"),
        Some(0x01),
    ),
    (
        "redemption_dump_TLSw2008_cr0",
        win!("x224_cr/redemption_dump_TLSw2008_cr0.bin"),
        Some("Cookie: mstshash=administrateur"),
        Some(0x01),
    ),
    (
        "redemption_dump_TLSw2008_2_cr0",
        win!("x224_cr/redemption_dump_TLSw2008_2_cr0.bin"),
        Some("Cookie: mstshash=administrateur"),
        Some(0x01),
    ),
    (
        "redemption_dump_w2008_cr0",
        win!("x224_cr/redemption_dump_w2008_cr0.bin"),
        Some("Cookie: mstshash=administrateur"),
        Some(0x01),
    ),
    (
        "redemption_dump_w2008_cr1",
        win!("x224_cr/redemption_dump_w2008_cr1.bin"),
        Some("Cookie: mstshash=administrateur"),
        Some(0x00),
    ),
    (
        "redemption_dump_w2008_PatBlt_cr0",
        win!("x224_cr/redemption_dump_w2008_PatBlt_cr0.bin"),
        Some("Cookie: mstshash=administrateur"),
        None,
    ),
];

#[test]
fn every_confirm_decodes_as_the_index_says() {
    for (name, bytes, expected) in CONFIRMS {
        assert_eq!(tpkt::frame_len(bytes), Ok(Some(bytes.len())), "{name}");
        let Ok(Reply::Confirm {
            dst_ref,
            src_ref,
            negotiation,
        }) = x224::decode_reply(bytes)
        else {
            panic!(
                "{name}: not a connection confirm: {:?}",
                x224::decode_reply(bytes)
            );
        };
        // Every Windows confirm carries source reference 0x1234.
        assert_eq!((dst_ref, src_ref), (0, 0x1234), "{name}");
        let want = match *expected {
            Cc::Rsp { selected, flags } => Negotiation::Selected {
                selected,
                flags: RspFlags(flags),
            },
            Cc::Failure(code) => Negotiation::Failure(code),
            Cc::Legacy => Negotiation::Legacy,
        };
        assert_eq!(negotiation, want, "{name}");
        let len = match expected {
            Cc::Legacy => 11,
            _ => 19,
        };
        assert_eq!(bytes.len(), len, "{name}");
    }
}

#[test]
fn windows_response_flags_are_named() {
    let names = |bits: u8| RspFlags(bits).names();
    // Windows 10 / Server 2019 (and the 2024 internet host): all five.
    assert_eq!(
        names(0x1F),
        [
            "EXTENDED_CLIENT_DATA_SUPPORTED",
            "DYNVC_GFX_PROTOCOL_SUPPORTED",
            "NEGRSP_FLAG_RESERVED",
            "RESTRICTED_ADMIN_MODE_SUPPORTED",
            "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
        ]
    );
    // The "W2008" host: extended client data and Restricted Admin mode.
    assert_eq!(
        names(0x09),
        [
            "EXTENDED_CLIENT_DATA_SUPPORTED",
            "RESTRICTED_ADMIN_MODE_SUPPORTED"
        ]
    );
    let Ok(Reply::Confirm {
        negotiation: Negotiation::Selected { flags, .. },
        ..
    }) = x224::decode_reply(win!("x224_cc/pcapattack_sharprdp_59281_cc0.bin"))
    else {
        panic!("not a response")
    };
    assert!(flags.contains(RspFlags::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED));
    assert!(flags.contains(RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED));
    assert_eq!(flags.unknown(), 0);
}

#[test]
fn every_request_decodes_as_the_index_says() {
    for (name, bytes, token, requested) in REQUESTS {
        let request = x224::decode_request(bytes)
            .unwrap_or_else(|e| panic!("{name}: not a connection request: {e}"));
        assert_eq!(request.token.as_deref(), *token, "{name}");
        assert_eq!(
            request.negotiation,
            requested.map(|requested| NegRequest {
                flags: 0,
                requested
            }),
            "{name}"
        );
        // Our own builder writes the same bytes for the same request.
        let cookie = token.and_then(|t| t.strip_prefix("Cookie: mstshash="));
        if token.is_none() || cookie.is_some() {
            assert_eq!(
                x224::connection_request(cookie, *requested),
                *bytes,
                "{name}"
            );
        }
    }
}

/// (file, bytes, ServerHello version, cipher suite).
const FLIGHTS: &[(&str, &[u8], u16, u16)] = &[
    (
        "ndpi_rdp_52494",
        win!("tls_server_flight/ndpi_rdp_52494.bin"),
        0x0303,
        0xC030,
    ),
    (
        "ndpi_rdp_over_tls_35888",
        win!("tls_server_flight/ndpi_rdp_over_tls_35888.bin"),
        0x0303,
        0xC030,
    ),
    (
        "pcapattack_sharprdp_59281",
        win!("tls_server_flight/pcapattack_sharprdp_59281.bin"),
        0x0303,
        0xC030,
    ),
    (
        "pcapattack_sharprdp_59285",
        win!("tls_server_flight/pcapattack_sharprdp_59285.bin"),
        0x0303,
        0xC030,
    ),
];

#[test]
fn tls_first_flights_are_tls12_ecdhe_rsa_aes256_gcm() {
    for (name, bytes, version, suite) in FLIGHTS {
        assert_eq!(
            tls_hello::parse_server_reply(bytes),
            Ok(Some(ServerReply::Hello {
                version: *version,
                cipher_suite: *suite
            })),
            "{name}"
        );
        assert_eq!(
            tls_hello::cipher_suite_name(*suite),
            Some("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            "{name}"
        );
        // The whole flight is one handshake record of 859–1203 bytes.
        let record = 5 + usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        assert_eq!(record, bytes.len(), "{name}");
        assert!((859..=1203).contains(&bytes.len()), "{name}");
        // The ServerHello alone (its record cut after the hello) is enough for the reader.
        let hello_len = 4 + usize::from(u16::from_be_bytes([bytes[7], bytes[8]]));
        let mut alone = bytes[..5 + hello_len].to_vec();
        alone[3..5].copy_from_slice(&u16::try_from(hello_len).expect("short").to_be_bytes());
        assert_eq!(
            tls_hello::parse_server_reply(&alone),
            tls_hello::parse_server_reply(bytes),
            "{name}"
        );
    }
}

/// What the index says about one NTLM CHALLENGE: host name (NetBIOS and DNS, computer and
/// domain: all the same on these workgroup hosts), version, negotiate flags, FILETIME (read by
/// an independent decoder; the index prints it as a UTC time to the microsecond) and that time
/// as Unix seconds.
struct Ntlm {
    name: &'static str,
    build: u16,
    flags: u32,
    filetime: u64,
    unix: f64,
}

const FV_AZ41_637: Ntlm = Ntlm {
    name: "fv-az41-637",
    build: 17763,
    flags: 0xE28A_8235,
    filetime: 132_578_497_589_793_294,
    unix: 1_613_376_158.979_33, // 2021-02-15T08:02:38.979330Z
};

const DESKTOP_UAGCVKC: Ntlm = Ntlm {
    name: "DESKTOP-UAGCVKC",
    build: 17763,
    flags: 0xE28A_8235,
    filetime: 132_103_810_850_852_496,
    unix: 1_565_907_485.085_25, // 2019-08-15T22:18:05.085250Z
};

const CHALLENGES: &[(&str, &[u8], Ntlm)] = &[
    (
        "rdps2rdp_fv-az41-637_10.0.17763",
        win!("ntlm_challenge/rdps2rdp_fv-az41-637_10.0.17763.bin"),
        FV_AZ41_637,
    ),
    (
        "syringe_DESKTOP-UAGCVKC_10.0.17763_1",
        win!("ntlm_challenge/syringe_DESKTOP-UAGCVKC_10.0.17763_1.bin"),
        DESKTOP_UAGCVKC,
    ),
    (
        "syringe_VAGRANT-N89C1F3_10.0.16299_2",
        win!("ntlm_challenge/syringe_VAGRANT-N89C1F3_10.0.16299_2.bin"),
        Ntlm {
            name: "VAGRANT-N89C1F3",
            build: 16299,
            flags: 0x628A_8215,
            filetime: 132_603_925_874_236_516,
            unix: 1_615_918_987.423_652, // 2021-03-16T18:23:07.423652Z
        },
    ),
    (
        "syringe_VAGRANT-N89C1F3_10.0.16299_3",
        win!("ntlm_challenge/syringe_VAGRANT-N89C1F3_10.0.16299_3.bin"),
        Ntlm {
            name: "VAGRANT-N89C1F3",
            build: 16299,
            flags: 0x628A_8215,
            filetime: 132_603_925_874_392_614,
            unix: 1_615_918_987.439_262, // 2021-03-16T18:23:07.439262Z
        },
    ),
    (
        "syringe_VAGRANT-N89C1F3_10.0.16299_4",
        win!("ntlm_challenge/syringe_VAGRANT-N89C1F3_10.0.16299_4.bin"),
        Ntlm {
            name: "VAGRANT-N89C1F3",
            build: 16299,
            flags: 0x628A_8215,
            filetime: 132_603_925_918_768_324,
            unix: 1_615_918_991.876_832, // 2021-03-16T18:23:11.876832Z
        },
    ),
];

#[track_caller]
fn assert_challenge(label: &str, token: &[u8], want: &Ntlm) {
    let c = ntlm::parse_challenge(token).unwrap_or_else(|e| panic!("{label}: {e}"));
    let name = Some(want.name.to_string());
    assert_eq!(c.target_name, name, "{label}");
    assert_eq!(c.nb_computer, name, "{label}");
    assert_eq!(c.nb_domain, name, "{label}");
    assert_eq!(c.dns_computer, name, "{label}");
    assert_eq!(c.dns_domain, name, "{label}");
    // Workgroup hosts: no forest.
    assert_eq!(c.dns_tree, None, "{label}");
    assert_eq!(c.flags, want.flags, "{label}");
    assert_eq!(
        c.version,
        Some(OsVersion {
            major: 10,
            minor: 0,
            build: want.build,
            revision: 15
        }),
        "{label}"
    );
    assert_eq!(c.timestamp, Some(want.filetime), "{label}");
    let unix = filetime_to_unix_seconds(want.filetime);
    assert!(
        (unix - want.unix).abs() < 1e-5,
        "{label}: {unix} is not the index's {}",
        want.unix
    );
}

#[test]
fn ntlm_challenges_name_the_host_its_build_and_clock() {
    for (name, bytes, want) in CHALLENGES {
        assert_challenge(name, bytes, want);
    }
}

#[test]
fn credssp_ts_requests_from_windows() {
    // The server's TSRequest v6 carrying the CHALLENGE, from the rdps2rdp log (HYBRID_EX host).
    let fv = win!("credssp/rdps2rdp_tsrequest_ntlm_challenge_fv-az41-637_10.0.17763.bin");
    assert_eq!(credssp::frame_len(fv), Ok(Some(221)));
    let ts = credssp::parse_ts_request(fv).expect("decodes");
    assert_eq!(ts.version, 6);
    assert_eq!(ts.error_code, None);
    let token = ts.nego_token.expect("a negoToken");
    assert_eq!(
        token,
        win!("ntlm_challenge/rdps2rdp_fv-az41-637_10.0.17763.bin"),
        "the negoToken is the CHALLENGE file"
    );
    assert_challenge("rdps2rdp TSRequest", &token, &FV_AZ41_637);

    // The same from the syringe test vectors (Windows 10 1809 "DESKTOP-UAGCVKC").
    let desktop =
        win!("credssp/syringe_credssp_tsrequest_ntlm_challenge_DESKTOP-UAGCVKC_10.0.17763.bin");
    assert_eq!(credssp::frame_len(desktop), Ok(Some(262)));
    let ts = credssp::parse_ts_request(desktop).expect("decodes");
    assert_eq!(ts.version, 6);
    let token = ts.nego_token.expect("a negoToken");
    assert_eq!(
        token,
        win!("ntlm_challenge/syringe_DESKTOP-UAGCVKC_10.0.17763_1.bin")
    );
    assert_challenge("syringe TSRequest", &token, &DESKTOP_UAGCVKC);

    // The server's step-3 answer: version 6, pubKeyAuth only (skipped), no token, no error.
    let pubkey = win!("credssp/rdps2rdp_tsrequest_server_pubkeyauth_fv-az41-637.bin");
    assert_eq!(credssp::frame_len(pubkey), Ok(Some(59)));
    assert_eq!(
        credssp::parse_ts_request(pubkey),
        Ok(credssp::TsRequest {
            version: 6,
            nego_token: None,
            error_code: None
        })
    );

    // A Windows client's NEGOTIATE (build 18891): version 6, a type-1 token, not a CHALLENGE.
    let client = win!("credssp/syringe_credssp_tsrequest_ntlm_negotiate_client_10.0.18891.bin");
    let ts = credssp::parse_ts_request(client).expect("decodes");
    assert_eq!(ts.version, 6);
    let token = ts.nego_token.expect("a negoToken");
    assert_eq!(&token[..12], b"NTLMSSP\0\x01\0\0\0");
    assert!(ntlm::parse_challenge(&token).is_err());

    // The 4-byte Early User Authorization Result (AUTHZ_SUCCESS) is no TSRequest.
    let authz = win!("credssp/rdps2rdp_early_user_auth_result_success.bin");
    assert_eq!(authz, [0, 0, 0, 0]);
    assert!(credssp::frame_len(authz).is_err());
}

#[test]
fn a_recorded_challenge_re_encoded_with_an_older_version() {
    // What the lab's "unpatched" replay sends: the recorded token in a version-3 TSRequest.
    let fv = win!("credssp/rdps2rdp_tsrequest_ntlm_challenge_fv-az41-637_10.0.17763.bin");
    let token = credssp::parse_ts_request(fv)
        .expect("decodes")
        .nego_token
        .expect("a token");
    let v3 = credssp::ts_request(3, &token);
    let back = credssp::parse_ts_request(&v3).expect("decodes");
    assert_eq!(back.version, 3);
    assert_eq!(back.nego_token.as_deref(), Some(&token[..]));
    // Re-encoded with version 6, it is the recorded message byte for byte.
    assert_eq!(credssp::ts_request(6, &token), fv);
}

/// (file, SYN+ACK, the client SYN it answers, uUdpVer of the SYN+ACK).
const SYN_ACKS: &[(&str, &[u8], &[u8], u16)] = &[
    (
        "ndpi_rdp2_udp54759",
        win!("rdpudp_synack/ndpi_rdp2_udp54759.bin"),
        win!("rdpudp_synack/ndpi_rdp2_udp54759.client_syn.bin"),
        rdpudp::version::V3,
    ),
    (
        "ndpi_rdp2_udp60355",
        win!("rdpudp_synack/ndpi_rdp2_udp60355.bin"),
        win!("rdpudp_synack/ndpi_rdp2_udp60355.client_syn.bin"),
        rdpudp::version::V2,
    ),
    (
        "pcapattack_sharprdp_udp52825",
        win!("rdpudp_synack/pcapattack_sharprdp_udp52825.bin"),
        win!("rdpudp_synack/pcapattack_sharprdp_udp52825.client_syn.bin"),
        rdpudp::version::V2,
    ),
    (
        "pcapattack_sharprdp_udp58365",
        win!("rdpudp_synack/pcapattack_sharprdp_udp58365.bin"),
        win!("rdpudp_synack/pcapattack_sharprdp_udp58365.client_syn.bin"),
        rdpudp::version::V2,
    ),
];

#[test]
fn rdpudp_syn_acks_answer_their_client_syn() {
    use rdpudp::{flags, UdpReply};
    for (name, syn_ack, client_syn, version) in SYN_ACKS {
        assert_eq!(syn_ack.len(), rdpudp::SYN_DATAGRAM_LEN, "{name}");
        assert_eq!(client_syn.len(), rdpudp::SYN_DATAGRAM_LEN, "{name}");
        // The client SYN: snSourceAck -1, SYN|SYNEX (+ CORRELATION_ID, SYNLOSSY), its ISN at 8.
        assert_eq!(client_syn[..4], [0xFF; 4], "{name}");
        let client_flags = u16::from_be_bytes([client_syn[6], client_syn[7]]);
        assert!(client_flags & (flags::SYN | flags::SYNEX) == flags::SYN | flags::SYNEX);
        assert_eq!(client_flags & flags::ACK, 0, "{name}");
        let isn =
            u32::from_be_bytes([client_syn[8], client_syn[9], client_syn[10], client_syn[11]]);
        // A SYN is not an answer to itself.
        assert_eq!(
            rdpudp::parse_reply(client_syn, isn),
            Ok(UdpReply::Other {
                flags: client_flags
            }),
            "{name}"
        );
        let UdpReply::SynAck {
            flags: reply_flags,
            up_mtu,
            down_mtu,
            version: got,
            ..
        } = rdpudp::parse_reply(syn_ack, isn).expect("decodes")
        else {
            panic!("{name}: not a SYN+ACK to ISN {isn:#010x}")
        };
        assert_eq!(reply_flags, 0x1005, "{name}: SYN|ACK|SYNEX");
        assert_eq!((up_mtu, down_mtu), (1232, 1232), "{name}");
        assert_eq!(got, Some(*version), "{name}");
        // The same datagram says nothing about someone else's SYN.
        assert!(
            matches!(
                rdpudp::parse_reply(syn_ack, isn ^ 1),
                Ok(UdpReply::Other { flags: 0x1005 })
            ),
            "{name}"
        );
    }
    // The index's snSourceAck (= the client's ISN) per file.
    let isns: Vec<u32> = SYN_ACKS
        .iter()
        .map(|(_, s, _, _)| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .collect();
    assert_eq!(isns, [0xBBFF_5687, 0x9FD6_752B, 0xFFE4_3A25, 0xC256_FAA9]);
}
