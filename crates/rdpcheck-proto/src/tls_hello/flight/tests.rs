use super::*;
use crate::testutil::{handshake_msg, hex, record};

fn hello(version: [u8; 2], suite: [u8; 2]) -> Vec<u8> {
    let mut body = version.to_vec();
    body.extend_from_slice(&[0x11; 32]);
    body.push(0);
    body.extend_from_slice(&suite);
    body.push(0);
    handshake_msg(2, &body)
}

fn certificate(certs: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for c in certs {
        let n = u32::try_from(c.len()).expect("small").to_be_bytes();
        list.extend_from_slice(&n[1..]);
        list.extend_from_slice(c);
    }
    let n = u32::try_from(list.len()).expect("small").to_be_bytes();
    let mut body = n[1..].to_vec();
    body.extend_from_slice(&list);
    handshake_msg(11, &body)
}

fn flight(certs: &[&[u8]]) -> Vec<u8> {
    let mut msgs = hello([3, 3], [0x00, 0x9D]);
    msgs.extend(certificate(certs));
    msgs.extend(handshake_msg(12, &[1, 2, 3]));
    msgs.extend(handshake_msg(14, &[]));
    msgs
}

#[test]
fn one_record_flight_with_a_chain() {
    let bytes = record(0x16, &flight(&[b"leaf", b"issuer"]));
    let expected = FlightReply::Flight(ServerFlight {
        version: 0x0303,
        cipher_suite: 0x009D,
        certificates: vec![b"leaf".to_vec(), b"issuer".to_vec()],
    });
    assert_eq!(parse_server_flight(&bytes), Ok(Some(expected.clone())));
    for n in 0..bytes.len() {
        assert_eq!(parse_server_flight(&bytes[..n]), Ok(None), "prefix {n}");
    }
    // What comes after the ServerHelloDone does not matter, even if it is not TLS.
    let mut more = bytes.clone();
    more.extend_from_slice(&hex("03 00 00 09 02 f0 80 21 80"));
    assert_eq!(parse_server_flight(&more), Ok(Some(expected)));
}

#[test]
fn messages_split_over_records_in_odd_places() {
    let msgs = flight(&[b"only"]);
    let mut bytes = Vec::new();
    for chunk in msgs.chunks(7) {
        bytes.extend(record(0x16, chunk));
    }
    assert!(matches!(
        parse_server_flight(&bytes),
        Ok(Some(FlightReply::Flight(ServerFlight { ref certificates, .. }))) if certificates == &[b"only".to_vec()]
    ));
    for n in 0..bytes.len() {
        assert_eq!(parse_server_flight(&bytes[..n]), Ok(None), "prefix {n}");
    }
}

#[test]
fn tls13_hello_ends_the_flight_and_alerts_answer_at_once() {
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x44; 32]);
    body.push(0);
    body.extend_from_slice(&hex("13 02 00 00 06 00 2b 00 02 03 04"));
    let bytes = record(0x16, &handshake_msg(2, &body));
    assert_eq!(
        parse_server_flight(&bytes),
        Ok(Some(FlightReply::Flight(ServerFlight {
            version: 0x0304,
            cipher_suite: 0x1302,
            certificates: vec![],
        })))
    );
    assert_eq!(
        parse_server_flight(&hex("15 03 01 00 02 02 46")),
        Ok(Some(FlightReply::Alert {
            level: 2,
            description: 70
        }))
    );
}

#[test]
fn broken_flights_are_errors() {
    let hello_only = hello([3, 1], [0x00, 0x2F]);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("TPKT", hex("03 00 00 09 02 f0 80 21 80")),
        ("certificate first", record(0x16, &certificate(&[b"x"]))),
        (
            "two hellos",
            record(0x16, &[hello_only.clone(), hello_only.clone()].concat()),
        ),
        (
            "client key exchange in a server flight",
            record(
                0x16,
                &[hello_only.clone(), handshake_msg(16, &[0])].concat(),
            ),
        ),
        (
            "hello done with a body",
            record(
                0x16,
                &[hello_only.clone(), handshake_msg(14, &[0])].concat(),
            ),
        ),
        (
            "empty certificate entry",
            record(
                0x16,
                &[
                    hello_only.clone(),
                    handshake_msg(11, &hex("00 00 03 00 00 00")),
                ]
                .concat(),
            ),
        ),
        (
            "certificate list overruns the message",
            record(
                0x16,
                &[
                    hello_only.clone(),
                    handshake_msg(11, &hex("00 00 09 00 00 01 41")),
                ]
                .concat(),
            ),
        ),
        (
            "alert after a partial flight",
            [record(0x16, &hello_only), hex("15 03 03 00 02 02 28")].concat(),
        ),
        ("huge handshake message", record(0x16, &hex("02 ff ff ff"))),
    ];
    for (what, bytes) in cases {
        assert!(parse_server_flight(&bytes).is_err(), "{what}");
    }
    // Too many certificates.
    let many: Vec<&[u8]> = vec![b"c"; MAX_CERTIFICATES + 1];
    let mut msgs = hello([3, 3], [0xC0, 0x30]);
    msgs.extend(certificate(&many));
    msgs.extend(handshake_msg(14, &[]));
    assert!(parse_server_flight(&record(0x16, &msgs)).is_err());
}
