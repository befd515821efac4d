//! The `signature:s:` setting of a signed `.rdp` file, read without verifying it: who claims to
//! have signed it. Whether Windows trusts the signature depends on the certificate stores and
//! policies of the computer that opens the file, which only that computer can tell.
//!
//! Layout, as `rdpsign.exe` writes it (and as the open re-implementation github.com/nfedera/rdpsign
//! documents): base64 of a 12-byte little-endian header (0x00010001, 0x00000001, the length of
//! what follows) and a DER PKCS#7 / CMS SignedData (RFC 5652 §5) whose `certificates` field
//! carries the signer's certificate and usually its chain. Writers may break the base64 with
//! spaces; they are skipped.

use crate::der::{self, TAG_INTEGER, TAG_SEQUENCE};
use crate::reader::Reader;
use crate::DecodeError;

/// What the signature claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureClaim {
    /// The signing certificate's subject in words (`CN`, and `O` when present): the leaf of the
    /// certificates carried, the one no other carried certificate names as its issuer.
    pub signer: Option<String>,
    /// That certificate's DER bytes, for a thumbprint (the trusted-publisher policy takes one).
    pub signer_der: Vec<u8>,
    /// Subjects of every carried certificate, in file order.
    pub certificates: Vec<String>,
}

/// The header value `rdpsign.exe` puts first.
const HEADER_MAGIC: u32 = 0x0001_0001;
/// id-signedData, 1.2.840.113549.1.7.2, as DER content octets.
const OID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_ORGANIZATION: &[u8] = &[0x55, 0x04, 0x0A];
const TAG_OID: u8 = 0x06;
const TAG_SET: u8 = 0x31;
/// A file's signature is a few KiB; more carried certificates than this is not a real file.
const MAX_CERTIFICATES: usize = 16;

/// Reads a `signature:s:` value. An error says what is wrong with it, in words.
pub fn read_signature(value: &str) -> Result<SignatureClaim, String> {
    let bytes = base64_decode(value).ok_or("the signature is not base64")?;
    let mut r = Reader::new(&bytes);
    let header = r
        .array::<12>("signature header")
        .map_err(|e| e.to_string())?;
    let [a0, a1, a2, a3, _, _, _, _, l0, l1, l2, l3] = header;
    if u32::from_le_bytes([a0, a1, a2, a3]) != HEADER_MAGIC {
        return Err("the signature does not start with rdpsign's header".into());
    }
    let len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
    let blob = r
        .take(len, "signature blob")
        .map_err(|e| format!("the signature's PKCS#7 data is cut short ({e})"))?;
    signed_data(blob).map_err(|e| format!("the signature's PKCS#7 data: {e}"))
}

fn signed_data(blob: &[u8]) -> Result<SignatureClaim, DecodeError> {
    let mut outer = Reader::new(blob);
    let mut info = der::expect_tlv(&mut outer, TAG_SEQUENCE, "ContentInfo")?;
    let oid = der::expect_tlv(&mut info, TAG_OID, "contentType")?;
    if oid.peek_rest() != OID_SIGNED_DATA {
        return Err(DecodeError::invalid("contentType", "not SignedData"));
    }
    let mut explicit = der::expect_tlv(&mut info, der::context(0), "content")?;
    let mut sd = der::expect_tlv(&mut explicit, TAG_SEQUENCE, "SignedData")?;
    der::expect_tlv(&mut sd, TAG_INTEGER, "version")?;
    der::expect_tlv(&mut sd, TAG_SET, "digestAlgorithms")?;
    der::expect_tlv(&mut sd, TAG_SEQUENCE, "encapContentInfo")?;
    // certificates [0] IMPLICIT SET OF CertificateChoices; optional.
    let mut certs = match sd.peek() {
        Some(tag) if tag == der::context(0) => der::expect_tlv(&mut sd, tag, "certificates")?,
        _ => Reader::new(&[]),
    };
    let mut carried = Vec::new();
    while !certs.is_empty() && carried.len() < MAX_CERTIFICATES {
        let start = certs.peek_rest();
        let body = der::expect_tlv(&mut certs, TAG_SEQUENCE, "Certificate")?;
        let der_len = start.len() - certs.remaining();
        let whole = start.get(..der_len).unwrap_or_default();
        carried.push((certificate_names(body)?, whole.to_vec()));
    }
    let leaf = carried
        .iter()
        .find(|((subject, _), _)| !carried.iter().any(|((_, issuer), _)| issuer == subject));
    Ok(SignatureClaim {
        signer: leaf.map(|((subject, _), _)| words(subject)),
        signer_der: leaf.map(|(_, der)| der.clone()).unwrap_or_default(),
        certificates: carried.iter().map(|((s, _), _)| words(s)).collect(),
    })
}

/// A distinguished name as (CN, O).
type Name = (Option<String>, Option<String>);

/// (subject, issuer) of a Certificate's content (RFC 5280 §4.1).
fn certificate_names(mut cert: Reader<'_>) -> Result<(Name, Name), DecodeError> {
    let mut tbs = der::expect_tlv(&mut cert, TAG_SEQUENCE, "tbsCertificate")?;
    if tbs.peek() == Some(der::context(0)) {
        der::expect_tlv(&mut tbs, der::context(0), "version")?;
    }
    der::expect_tlv(&mut tbs, TAG_INTEGER, "serialNumber")?;
    der::expect_tlv(&mut tbs, TAG_SEQUENCE, "signature")?;
    let issuer = name(der::expect_tlv(&mut tbs, TAG_SEQUENCE, "issuer")?)?;
    der::expect_tlv(&mut tbs, TAG_SEQUENCE, "validity")?;
    let subject = name(der::expect_tlv(&mut tbs, TAG_SEQUENCE, "subject")?)?;
    Ok((subject, issuer))
}

/// CN and O of an RDNSequence; the last of each wins, other attributes are skipped.
fn name(mut rdns: Reader<'_>) -> Result<Name, DecodeError> {
    let (mut cn, mut org) = (None, None);
    while !rdns.is_empty() {
        let mut set = der::expect_tlv(&mut rdns, TAG_SET, "RelativeDistinguishedName")?;
        while !set.is_empty() {
            let mut atv = der::expect_tlv(&mut set, TAG_SEQUENCE, "AttributeTypeAndValue")?;
            let oid = der::expect_tlv(&mut atv, TAG_OID, "attribute type")?;
            let (_, value) = der::split_tlv(&mut atv, "attribute value")?;
            let text = String::from_utf8_lossy(value.peek_rest()).into_owned();
            match oid.peek_rest() {
                OID_COMMON_NAME => cn = Some(text),
                OID_ORGANIZATION => org = Some(text),
                _ => {}
            }
        }
    }
    Ok((cn, org))
}

fn words((cn, org): &Name) -> String {
    match (cn, org) {
        (Some(cn), Some(org)) if cn != org => format!("{cn} ({org})"),
        (Some(name), _) | (None, Some(name)) => name.clone(),
        (None, None) => "a certificate without a name".into(),
    }
}

/// Standard base64 (RFC 4648 §4) with optional padding; whitespace anywhere is skipped.
/// Hand-written: the page's start-up module links this, and a crate would add more than these
/// few lines.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut padding = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_reads_padded_unpadded_and_spaced_text() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVs bG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
        assert_eq!(base64_decode("aGV*"), None);
        assert_eq!(base64_decode("aG=V"), None);
    }

    #[test]
    fn wrong_headers_and_short_blobs_are_named() {
        assert!(read_signature("!!")
            .expect_err("not base64")
            .contains("not base64"));
        // 12 bytes of another header.
        let other = "AgACAAEAAAAAAAAA";
        assert!(read_signature(other)
            .expect_err("other header")
            .contains("header"));
        // The right header announcing 16 bytes that are not there.
        let short = "AQABAAEAAAAQAAAA";
        assert!(read_signature(short)
            .expect_err("short blob")
            .contains("cut short"));
    }
}
