//! Hand-built TLS ClientHello and a reader for the server's first flight (ServerHello or alert).
//!
//! rustls speaks only TLS 1.2 and 1.3. To tell "this host speaks only TLS 1.0/1.1" apart from
//! "TLS is broken", the engine sends this hello and reads which version the server picked
//! (rdp-protocol.md §3.1: Windows 7 / Server 2008 R2 without KB3080079 do TLS 1.0 only).
//!
//! Wire formats: RFC 5246 §6.2 (record layer), §7.4.1.2–3 (Client/ServerHello), §7.2 (alerts);
//! RFC 8446 §4.2.1 (supported_versions, which a TLS 1.3 ServerHello uses to name the real
//! version while `legacy_version` stays 0x0303).

use crate::DecodeError;

const CONTENT_ALERT: u8 = 0x15;
const CONTENT_HANDSHAKE: u8 = 0x16;
const HANDSHAKE_CLIENT_HELLO: u8 = 0x01;
const HANDSHAKE_SERVER_HELLO: u8 = 0x02;
const RECORD_HEADER_LEN: usize = 5;
/// RFC 5246 §6.2.3: a TLSCiphertext fragment is at most 2^14 + 2048 bytes.
const MAX_RECORD_LEN: usize = (1 << 14) + 2048;
/// A ServerHello is at most about 64 KiB (extensions are u16-length); anything longer is noise.
const MAX_SERVER_HELLO_LEN: usize = 0x1_0000 + 128;

const EXT_SERVER_NAME: u16 = 0x0000;
const EXT_SUPPORTED_GROUPS: u16 = 0x000a;
const EXT_EC_POINT_FORMATS: u16 = 0x000b;
const EXT_SIGNATURE_ALGORITHMS: u16 = 0x000d;
const EXT_SUPPORTED_VERSIONS: u16 = 0x002b;

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
    let hello_len = u32::try_from(hello.len()).unwrap_or(0).to_be_bytes();
    handshake.extend_from_slice(&hello_len[1..]);
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

/// The server's answer to a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerReply {
    /// ServerHello: the protocol version the server chose and its cipher suite.
    Hello { version: u16, cipher_suite: u16 },
    /// A TLS alert record.
    Alert { level: u8, description: u8 },
}

/// Read the first reply. `Ok(None)`: more bytes are needed.
///
/// Accepts a ServerHello that arrives in one record or fragmented over several consecutive
/// handshake records, and an alert record. Anything else is an error: the peer is not
/// answering our hello with TLS.
pub fn parse_server_reply(bytes: &[u8]) -> Result<Option<ServerReply>, DecodeError> {
    // Handshake bytes collected from consecutive handshake records.
    let mut handshake: Vec<u8> = Vec::new();
    let mut rest = bytes;
    loop {
        // Judge the content type as soon as its byte is here: a TPKT, HTTP or SSH answer
        // is reported at once instead of after waiting for a full record header.
        let Some(&content_type) = rest.first() else {
            return Ok(None);
        };
        let expected = match content_type {
            CONTENT_HANDSHAKE => true,
            CONTENT_ALERT => handshake.is_empty(),
            _ => false,
        };
        if !expected {
            return Err(DecodeError::invalid(
                "tls record type",
                format!(
                    "{content_type:#04x} ({}), expected a handshake or alert record",
                    content_type_name(content_type)
                ),
            ));
        }
        let Some(header) = rest.get(..RECORD_HEADER_LEN) else {
            return Ok(None);
        };
        let (major, minor) = (header[1], header[2]);
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if major != 0x03 {
            return Err(DecodeError::invalid(
                "tls record version",
                format!("{major:#04x}{minor:02x} is not SSLv3/TLS"),
            ));
        }
        if len > MAX_RECORD_LEN {
            return Err(DecodeError::invalid(
                "tls record length",
                format!("{len} exceeds the {MAX_RECORD_LEN}-byte maximum"),
            ));
        }
        if content_type == CONTENT_ALERT {
            if len < 2 {
                return Err(DecodeError::invalid(
                    "tls alert",
                    format!("record of {len} bytes, an alert needs 2"),
                ));
            }
            return match rest.get(RECORD_HEADER_LEN..RECORD_HEADER_LEN + 2) {
                Some([level, description]) => Ok(Some(ServerReply::Alert {
                    level: *level,
                    description: *description,
                })),
                _ => Ok(None),
            };
        }
        // A handshake record: collect its fragment.
        if len == 0 {
            return Err(DecodeError::invalid(
                "tls handshake record",
                "zero-length fragment",
            ));
        }
        let end = RECORD_HEADER_LEN + len;
        let Some(fragment) = rest.get(RECORD_HEADER_LEN..end) else {
            return Ok(None);
        };
        handshake.extend_from_slice(fragment);
        rest = &rest[end..];
        if let Some(reply) = server_hello_from(&handshake)? {
            return Ok(Some(reply));
        }
    }
}

fn content_type_name(content_type: u8) -> &'static str {
    match content_type {
        0x14 => "change_cipher_spec",
        CONTENT_ALERT => "alert after a partial handshake",
        CONTENT_HANDSHAKE => "handshake",
        0x17 => "application_data",
        0x18 => "heartbeat",
        0x03 => "a TPKT frame: the server is still speaking X.224",
        _ => "not TLS",
    }
}

/// The ServerHello at the start of `handshake`, once the whole message is there.
fn server_hello_from(handshake: &[u8]) -> Result<Option<ServerReply>, DecodeError> {
    match handshake.first() {
        None => return Ok(None),
        Some(&HANDSHAKE_SERVER_HELLO) => {}
        Some(other) => {
            return Err(DecodeError::invalid(
                "tls handshake type",
                format!("{other:#04x}, expected 0x02 (ServerHello)"),
            ))
        }
    }
    let Some(&[_, l0, l1, l2]) = handshake.get(..4) else {
        return Ok(None);
    };
    let len = usize::try_from(u32::from_be_bytes([0, l0, l1, l2])).unwrap_or(usize::MAX);
    if len > MAX_SERVER_HELLO_LEN {
        return Err(DecodeError::invalid(
            "tls server hello length",
            format!("{len} bytes is too long for a ServerHello"),
        ));
    }
    match handshake.get(4..4 + len) {
        Some(body) => parse_server_hello(body).map(Some),
        None => Ok(None),
    }
}

/// ServerHello body (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3).
fn parse_server_hello(body: &[u8]) -> Result<ServerReply, DecodeError> {
    const WHAT: &str = "tls server hello";
    // version(2) random(32) session_id_len(1)
    let fixed = body
        .get(..35)
        .ok_or_else(|| DecodeError::truncated(WHAT, 35, body.len()))?;
    let legacy_version = u16::from_be_bytes([fixed[0], fixed[1]]);
    let sid_len = usize::from(fixed[34]);
    if sid_len > 32 {
        return Err(DecodeError::invalid(
            "tls session id length",
            format!("{sid_len}, at most 32"),
        ));
    }
    // session_id, cipher_suite(2), compression_method(1)
    let after_sid = 35 + sid_len;
    let Some(&[c0, c1, _compression]) = body.get(after_sid..after_sid + 3) else {
        return Err(DecodeError::truncated(WHAT, after_sid + 3, body.len()));
    };
    let cipher_suite = u16::from_be_bytes([c0, c1]);
    let mut version = legacy_version;

    // Extensions are optional: a ServerHello may end right after the compression method.
    let rest = &body[after_sid + 3..];
    if !rest.is_empty() {
        let Some(&[l0, l1]) = rest.get(..2) else {
            return Err(DecodeError::truncated(
                "tls extensions length",
                2,
                rest.len(),
            ));
        };
        let ext_len = usize::from(u16::from_be_bytes([l0, l1]));
        let mut exts = rest
            .get(2..2 + ext_len)
            .ok_or_else(|| DecodeError::truncated("tls extensions", ext_len, rest.len() - 2))?;
        while !exts.is_empty() {
            let Some(&[t0, t1, n0, n1]) = exts.get(..4) else {
                return Err(DecodeError::truncated(
                    "tls extension header",
                    4,
                    exts.len(),
                ));
            };
            let kind = u16::from_be_bytes([t0, t1]);
            let n = usize::from(u16::from_be_bytes([n0, n1]));
            let data = exts.get(4..4 + n).ok_or_else(|| {
                DecodeError::truncated("tls extension", n, exts.len().saturating_sub(4))
            })?;
            if kind == EXT_SUPPORTED_VERSIONS {
                // In a ServerHello this holds exactly one selected version.
                match data {
                    [v0, v1] => version = u16::from_be_bytes([*v0, *v1]),
                    _ => {
                        return Err(DecodeError::invalid(
                            "tls supported_versions",
                            format!("{} bytes, expected 2 in a ServerHello", data.len()),
                        ))
                    }
                }
            }
            exts = &exts[4 + n..];
        }
    }
    Ok(ServerReply::Hello {
        version,
        cipher_suite,
    })
}

/// `TLSv1.0`, `TLSv1.2`, `SSLv3`, … for a wire version.
pub fn version_name(version: u16) -> String {
    match version {
        0x0002 => "SSLv2".into(),
        0x0300 => "SSLv3".into(),
        0x0301 => "TLSv1.0".into(),
        0x0302 => "TLSv1.1".into(),
        0x0303 => "TLSv1.2".into(),
        0x0304 => "TLSv1.3".into(),
        other => format!("{other:#06x}"),
    }
}

/// IANA description name of an alert, e.g. `handshake_failure` for 40.
///
/// Source: IANA "TLS Alerts" registry (RFC 5246 §7.2, RFC 8446 §6, RFC 6066, RFC 7301, …).
pub fn alert_name(description: u8) -> String {
    let name = match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        52 => "too_many_cids_requested",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        117 => "general_error",
        120 => "no_application_protocol",
        121 => "ech_required",
        other => return format!("unknown_{other}"),
    };
    name.into()
}

/// IANA name of a cipher suite, when known.
pub fn cipher_suite_name(suite: u16) -> Option<&'static str> {
    Some(match suite {
        // TLS 1.3 (RFC 8446 §B.4)
        0x1301 => "TLS_AES_128_GCM_SHA256",
        0x1302 => "TLS_AES_256_GCM_SHA384",
        0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        0x1304 => "TLS_AES_128_CCM_SHA256",
        0x1305 => "TLS_AES_128_CCM_8_SHA256",
        // ECDHE AEAD
        0xC02B => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        0xC02C => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0xC02F => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        0xC030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xCCA8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xCCA9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        0xCCAA => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        // ECDHE CBC
        0xC009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        0xC00A => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0xC013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        0xC014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0xC023 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        0xC024 => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        0xC027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        0xC028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        0xC008 => "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        0xC012 => "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0xC007 => "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        0xC011 => "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        // DHE
        0x009E => "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        0x009F => "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        0x0033 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        0x0039 => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        0x0067 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        0x006B => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        0x0032 => "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
        0x0038 => "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
        0x0016 => "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0x0013 => "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
        // Static RSA key exchange
        0x009C => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        0x009D => "TLS_RSA_WITH_AES_256_GCM_SHA384",
        0x003C => "TLS_RSA_WITH_AES_128_CBC_SHA256",
        0x003D => "TLS_RSA_WITH_AES_256_CBC_SHA256",
        0x002F => "TLS_RSA_WITH_AES_128_CBC_SHA",
        0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
        0x000A => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
        0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
        0x0009 => "TLS_RSA_WITH_DES_CBC_SHA",
        0x0041 => "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
        0x0084 => "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x0001 => "TLS_RSA_WITH_NULL_MD5",
        0x0002 => "TLS_RSA_WITH_NULL_SHA",
        0x003B => "TLS_RSA_WITH_NULL_SHA256",
        // Signalling values (never chosen by a correct server)
        0x00FF => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        0x5600 => "TLS_FALLBACK_SCSV",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).expect("test hex"))
            .collect()
    }

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

    #[test]
    fn tls12_server_hello() {
        // Record 16 03 03, ServerHello TLS 1.2, 32-byte session id, suite C030, null compression,
        // extensions: renegotiation_info (ff01, 1 byte 00), ec_point_formats.
        let mut body = hex("03 03");
        body.extend_from_slice(&[0x11; 32]);
        body.push(32);
        body.extend_from_slice(&[0x22; 32]);
        body.extend_from_slice(&hex("c0 30 00 00 0b ff 01 00 01 00 00 0b 00 02 01 00"));
        let msg = handshake_msg(2, &body);
        let rec = record(0x16, &msg);
        assert_eq!(
            parse_server_reply(&rec),
            Ok(Some(ServerReply::Hello {
                version: 0x0303,
                cipher_suite: 0xC030
            }))
        );
        // Every shorter prefix needs more bytes.
        for n in 0..rec.len() {
            assert_eq!(parse_server_reply(&rec[..n]), Ok(None), "prefix {n}");
        }
        // Trailing records (Certificate, …) do not matter.
        let mut more = rec.clone();
        more.extend_from_slice(&hex("16 03 03 00 04 0b 00 00 00"));
        assert!(matches!(
            parse_server_reply(&more),
            Ok(Some(ServerReply::Hello { .. }))
        ));
    }

    #[test]
    fn tls10_server_hello_without_extensions() {
        let mut body = hex("03 01");
        body.extend_from_slice(&[0x33; 32]);
        body.push(0);
        body.extend_from_slice(&hex("00 2f 00"));
        let rec = record(0x16, &handshake_msg(2, &body));
        assert_eq!(
            parse_server_reply(&rec),
            Ok(Some(ServerReply::Hello {
                version: 0x0301,
                cipher_suite: 0x002F
            }))
        );
    }

    #[test]
    fn tls13_server_hello_reports_supported_versions() {
        let mut body = hex("03 03");
        body.extend_from_slice(&[0x44; 32]);
        body.push(0);
        body.extend_from_slice(&hex("13 02 00 00 06 00 2b 00 02 03 04"));
        let rec = record(0x16, &handshake_msg(2, &body));
        assert_eq!(
            parse_server_reply(&rec),
            Ok(Some(ServerReply::Hello {
                version: 0x0304,
                cipher_suite: 0x1302
            }))
        );
    }

    #[test]
    fn server_hello_split_over_records() {
        let mut body = hex("03 02");
        body.extend_from_slice(&[0x55; 32]);
        body.push(0);
        body.extend_from_slice(&hex("c0 14 00"));
        let msg = handshake_msg(2, &body);
        let mut bytes = record(0x16, &msg[..3]);
        bytes.extend(record(0x16, &msg[3..20]));
        bytes.extend(record(0x16, &msg[20..]));
        assert_eq!(
            parse_server_reply(&bytes),
            Ok(Some(ServerReply::Hello {
                version: 0x0302,
                cipher_suite: 0xC014
            }))
        );
        for n in 0..bytes.len() {
            assert_eq!(parse_server_reply(&bytes[..n]), Ok(None), "prefix {n}");
        }
    }

    #[test]
    fn alerts() {
        assert_eq!(
            parse_server_reply(&hex("15 03 01 00 02 02 46")),
            Ok(Some(ServerReply::Alert {
                level: 2,
                description: 70
            }))
        );
        assert_eq!(parse_server_reply(&hex("15 03 03 00 02 02")), Ok(None));
        assert!(parse_server_reply(&hex("15 03 03 00 01 02")).is_err());
    }

    #[test]
    fn not_a_server_hello() {
        for bad in [
            "03 00 00 09 02 f0 80 21 80",    // TPKT, not TLS
            "17 03 03 00 02 00 00",          // application data
            "16 03 03 00 04 01 00 00 00",    // a ClientHello
            "16 03 03 00 00",                // empty handshake fragment
            "16 03 03 48 01",                // record longer than allowed
            "16 03 03 00 04 02 ff ff ff",    // ServerHello longer than allowed
            "16 03 03 00 05 02 00 00 01 03", // ServerHello body cut short
            "48 54 54 50 2f",                // "HTTP/"
        ] {
            assert!(parse_server_reply(&hex(bad)).is_err(), "{bad}");
        }
        // Session id longer than 32.
        let mut body = hex("03 03");
        body.extend_from_slice(&[0; 32]);
        body.push(33);
        body.extend_from_slice(&[0; 36]);
        assert!(parse_server_reply(&record(0x16, &handshake_msg(2, &body))).is_err());
        // Extension overrunning the extensions block.
        let mut body = hex("03 03");
        body.extend_from_slice(&[0; 32]);
        body.extend_from_slice(&hex("00 c0 2f 00 00 04 00 2b 00 09"));
        assert!(parse_server_reply(&record(0x16, &handshake_msg(2, &body))).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(version_name(0x0300), "SSLv3");
        assert_eq!(version_name(0x0301), "TLSv1.0");
        assert_eq!(version_name(0x0302), "TLSv1.1");
        assert_eq!(version_name(0x0303), "TLSv1.2");
        assert_eq!(version_name(0x0304), "TLSv1.3");
        assert_eq!(version_name(0x7f1c), "0x7f1c");
        assert_eq!(alert_name(0), "close_notify");
        assert_eq!(alert_name(40), "handshake_failure");
        assert_eq!(alert_name(70), "protocol_version");
        assert_eq!(alert_name(71), "insufficient_security");
        assert_eq!(alert_name(112), "unrecognized_name");
        assert_eq!(alert_name(120), "no_application_protocol");
        assert_eq!(alert_name(200), "unknown_200");
        for suite in LEGACY_CIPHER_SUITES {
            assert!(cipher_suite_name(*suite).is_some(), "{suite:#06x} named");
        }
        assert_eq!(cipher_suite_name(0x1302), Some("TLS_AES_256_GCM_SHA384"));
        assert_eq!(
            cipher_suite_name(0x002F),
            Some("TLS_RSA_WITH_AES_128_CBC_SHA")
        );
        assert_eq!(cipher_suite_name(0xFFFF), None);
    }

    fn handshake_msg(kind: u8, body: &[u8]) -> Vec<u8> {
        let len = u32::try_from(body.len()).expect("small").to_be_bytes();
        let mut out = vec![kind, len[1], len[2], len[3]];
        out.extend_from_slice(body);
        out
    }

    fn record(kind: u8, fragment: &[u8]) -> Vec<u8> {
        let len = u16::try_from(fragment.len()).expect("small").to_be_bytes();
        let mut out = vec![kind, 0x03, 0x03, len[0], len[1]];
        out.extend_from_slice(fragment);
        out
    }
}
