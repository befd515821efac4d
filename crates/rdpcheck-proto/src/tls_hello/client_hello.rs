//! The legacy-friendly ClientHello record (RFC 5246 §7.4.1.2, RFC 6066 §3 for SNI).

use super::{
    CONTENT_HANDSHAKE, EXT_EC_POINT_FORMATS, EXT_SERVER_NAME, EXT_SIGNATURE_ALGORITHMS,
    EXT_SUPPORTED_GROUPS, HANDSHAKE_CLIENT_HELLO, RECORD_HEADER_LEN,
};

/// Suites offered by [`legacy_client_hello`], most preferred first.
///
/// Modern AEAD suites lead so a current server picks what it would pick anyway; the tail keeps
/// the CBC-SHA, 3DES and RC4 suites that Windows 7 / Server 2008 R2 Schannel accepts under
/// TLS 1.0. The probe never sends application data, so offering weak suites costs nothing and
/// lets the report name what the server chose.
pub const LEGACY_CIPHER_SUITES: &[u16] = &[
    0xC02B, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    0xC02F, // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    0xC02C, // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    0xC030, // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    0xCCA9, // TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
    0xCCA8, // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    0xC023, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    0xC027, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
    0xC024, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
    0xC028, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    0xC009, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0xC013, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    0xC00A, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0xC014, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    0x009E, // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    0x009F, // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
    0x0033, // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
    0x0039, // TLS_DHE_RSA_WITH_AES_256_CBC_SHA
    0x009C, // TLS_RSA_WITH_AES_128_GCM_SHA256
    0x009D, // TLS_RSA_WITH_AES_256_GCM_SHA384
    0x003C, // TLS_RSA_WITH_AES_128_CBC_SHA256
    0x003D, // TLS_RSA_WITH_AES_256_CBC_SHA256
    0x002F, // TLS_RSA_WITH_AES_128_CBC_SHA
    0x0035, // TLS_RSA_WITH_AES_256_CBC_SHA
    0xC012, // TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA
    0x0016, // TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA
    0x000A, // TLS_RSA_WITH_3DES_EDE_CBC_SHA
    0x0005, // TLS_RSA_WITH_RC4_128_SHA
    0x0004, // TLS_RSA_WITH_RC4_128_MD5
    0x00FF, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746: stands in for renegotiation_info)
];

/// x25519, secp256r1, secp384r1. Windows 7 Schannel knows only the two NIST curves.
const SUPPORTED_GROUPS: &[u16] = &[0x001d, 0x0017, 0x0018];

/// SHA-2 schemes first; rsa_pkcs1_sha1 / ecdsa_sha1 last for TLS 1.0-era keys and Schannel.
const SIGNATURE_ALGORITHMS: &[u16] = &[
    0x0403, // ecdsa_secp256r1_sha256
    0x0804, // rsa_pss_rsae_sha256
    0x0401, // rsa_pkcs1_sha256
    0x0503, // ecdsa_secp384r1_sha384
    0x0805, // rsa_pss_rsae_sha384
    0x0501, // rsa_pkcs1_sha384
    0x0806, // rsa_pss_rsae_sha512
    0x0601, // rsa_pkcs1_sha512
    0x0807, // ed25519
    0x0201, // rsa_pkcs1_sha1
    0x0203, // ecdsa_sha1
];

/// A TLS ClientHello record offering TLS 1.0 through 1.2 with a wide, legacy-friendly cipher list.
///
/// No supported_versions extension, so a TLS 1.3 server answers with TLS 1.2 at most.
/// `server_name` becomes SNI unless it is an IP literal (RFC 6066 §3 forbids those) or not a
/// plausible DNS name.
pub fn legacy_client_hello(server_name: Option<&str>, random: [u8; 32]) -> Vec<u8> {
    let mut extensions = Vec::new();
    if let Some(name) = server_name.and_then(sni_name) {
        let mut list = Vec::new();
        list.push(0u8); // host_name
        put_u16_prefixed(&mut list, name.as_bytes());
        let mut body = Vec::new();
        put_u16_prefixed(&mut body, &list);
        put_extension(&mut extensions, EXT_SERVER_NAME, &body);
    }
    put_extension(
        &mut extensions,
        EXT_SUPPORTED_GROUPS,
        &u16_list(SUPPORTED_GROUPS),
    );
    put_extension(&mut extensions, EXT_EC_POINT_FORMATS, &[1, 0]); // one format: uncompressed
    put_extension(
        &mut extensions,
        EXT_SIGNATURE_ALGORITHMS,
        &u16_list(SIGNATURE_ALGORITHMS),
    );

    let mut hello = Vec::with_capacity(256);
    hello.extend_from_slice(&[0x03, 0x03]); // client_version: TLS 1.2 (highest offered)
    hello.extend_from_slice(&random);
    hello.push(0); // empty session id
    put_u16_prefixed(&mut hello, &u16_be_bytes(LEGACY_CIPHER_SUITES));
    hello.extend_from_slice(&[1, 0]); // compression: null only
    put_u16_prefixed(&mut hello, &extensions);

    let mut handshake = Vec::with_capacity(hello.len() + 4);
    handshake.push(HANDSHAKE_CLIENT_HELLO);
    // Lengths cannot overflow: at most ~300 bytes plus a name of at most 253.
    let [_, l0, l1, l2] = u32::try_from(hello.len()).unwrap_or(0).to_be_bytes();
    handshake.extend_from_slice(&[l0, l1, l2]);
    handshake.extend_from_slice(&hello);

    let mut record = Vec::with_capacity(handshake.len() + RECORD_HEADER_LEN);
    // Record version 0x0301: some old stacks reject a first record marked newer than TLS 1.0.
    record.extend_from_slice(&[CONTENT_HANDSHAKE, 0x03, 0x01]);
    put_u16_prefixed(&mut record, &handshake);
    record
}

/// The name to send as SNI, or `None` for IP literals and anything that is not a DNS name.
fn sni_name(name: &str) -> Option<&str> {
    let name = name.strip_suffix('.').unwrap_or(name);
    let plausible = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    // A name of digits and dots only is an IPv4 literal (also in the shortened forms
    // `IpAddr` refuses); IPv6 literals already failed the character check on ':'.
    let ip_like = name.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (plausible && !ip_like).then_some(name)
}

fn put_extension(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    put_u16_prefixed(out, body);
}

fn put_u16_prefixed(out: &mut Vec<u8>, body: &[u8]) {
    let len = u16::try_from(body.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
}

fn u16_be_bytes(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// A u16-length-prefixed list of u16 values (the body of supported_groups / signature_algorithms).
fn u16_list(values: &[u16]) -> Vec<u8> {
    let mut out = Vec::new();
    put_u16_prefixed(&mut out, &u16_be_bytes(values));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::hex;
    use crate::tls_hello::EXT_SUPPORTED_VERSIONS;

    /// Walk the hello we build with an independent, test-only reader.
    fn extensions_of(record: &[u8]) -> Vec<(u16, Vec<u8>)> {
        let hs = &record[5..];
        let body = &hs[4..];
        let sid_len = usize::from(body[34]);
        let mut at = 35 + sid_len;
        let cs_len = usize::from(u16::from_be_bytes([body[at], body[at + 1]]));
        at += 2 + cs_len;
        let comp_len = usize::from(body[at]);
        at += 1 + comp_len;
        let ext_len = usize::from(u16::from_be_bytes([body[at], body[at + 1]]));
        at += 2;
        assert_eq!(at + ext_len, body.len(), "extensions end the hello");
        let mut out = Vec::new();
        let mut exts = &body[at..];
        while !exts.is_empty() {
            let kind = u16::from_be_bytes([exts[0], exts[1]]);
            let n = usize::from(u16::from_be_bytes([exts[2], exts[3]]));
            out.push((kind, exts[4..4 + n].to_vec()));
            exts = &exts[4 + n..];
        }
        out
    }

    #[test]
    fn client_hello_layout() {
        let random = [0xAB; 32];
        let rec = legacy_client_hello(Some("rdp.example.test"), random);
        // Record header: handshake, TLS 1.0 record version, length of the rest.
        assert_eq!(&rec[..3], &[0x16, 0x03, 0x01]);
        assert_eq!(
            usize::from(u16::from_be_bytes([rec[3], rec[4]])),
            rec.len() - 5
        );
        // Handshake header: ClientHello, u24 length.
        assert_eq!(rec[5], 0x01);
        let hs_len =
            usize::try_from(u32::from_be_bytes([0, rec[6], rec[7], rec[8]])).expect("fits");
        assert_eq!(hs_len, rec.len() - 9);
        // client_version TLS 1.2, our random, empty session id.
        assert_eq!(&rec[9..11], &[0x03, 0x03]);
        assert_eq!(&rec[11..43], &random);
        assert_eq!(rec[43], 0);
        // Cipher suites: our list, ending in the renegotiation SCSV.
        let cs_len = usize::from(u16::from_be_bytes([rec[44], rec[45]]));
        assert_eq!(cs_len, LEGACY_CIPHER_SUITES.len() * 2);
        let suites: Vec<u16> = rec[46..46 + cs_len]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(suites, LEGACY_CIPHER_SUITES);
        for must in [0x002F, 0x0035, 0x000A, 0xC013, 0xC014, 0x00FF] {
            assert!(suites.contains(&must), "{must:#06x} offered");
        }
        // Compression: null only.
        assert_eq!(&rec[46 + cs_len..46 + cs_len + 2], &[1, 0]);

        let exts = extensions_of(&rec);
        let kinds: Vec<u16> = exts.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [0x0000, 0x000a, 0x000b, 0x000d]);
        assert!(
            !kinds.contains(&EXT_SUPPORTED_VERSIONS),
            "TLS 1.3 not offered"
        );
        let mut sni = vec![0x00, 0x13, 0x00, 0x00, 0x10];
        sni.extend_from_slice(b"rdp.example.test");
        assert_eq!(exts[0].1, sni);
        assert_eq!(exts[1].1, hex("00 06 00 1d 00 17 00 18"));
        assert_eq!(exts[2].1, hex("01 00"));
        let sig = &exts[3].1;
        assert_eq!(
            usize::from(u16::from_be_bytes([sig[0], sig[1]])),
            sig.len() - 2
        );
        let schemes: Vec<u16> = sig[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        assert!(schemes.contains(&0x0201) && schemes.contains(&0x0401));
    }

    #[test]
    fn no_sni_for_ip_literals_or_none() {
        for name in [
            None,
            Some("192.0.2.7"),
            Some("::1"),
            Some("[2001:db8::1]"),
            Some(""),
        ] {
            let rec = legacy_client_hello(name, [0; 32]);
            let kinds: Vec<u16> = extensions_of(&rec).iter().map(|(k, _)| *k).collect();
            assert_eq!(kinds, [0x000a, 0x000b, 0x000d], "{name:?}");
        }
        // A trailing dot is not part of the SNI host name.
        let rec = legacy_client_hello(Some("host.example."), [0; 32]);
        let exts = extensions_of(&rec);
        assert!(exts[0].1.ends_with(b"host.example"));
    }
}
