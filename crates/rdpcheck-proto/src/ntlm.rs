//! NTLM NEGOTIATE builder and CHALLENGE parser (MS-NLMP 2.2.1.1, 2.2.1.2, 2.2.2.1, 2.2.2.10).
//!
//! This is the unauthenticated fingerprint of nmap `rdp-ntlm-info` (rdp-protocol.md §2.2): the
//! server's CHALLENGE names the host, its domain and its OS build. We never send AUTHENTICATE.
//!
//! CHALLENGE_MESSAGE layout (all little-endian):
//!
//! ```text
//!  0  "NTLMSSP\0"          8  MessageType = 2      12 TargetNameFields {len, maxlen, offset}
//! 20  NegotiateFlags      24  ServerChallenge[8]  32 Reserved[8]
//! 40  TargetInfoFields {len, maxlen, offset}      48 Version[8] (if NEGOTIATE_VERSION)
//! ```

use crate::reader::Reader;
use crate::DecodeError;

const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";
const MESSAGE_NEGOTIATE: u32 = 1;
const MESSAGE_CHALLENGE: u32 = 2;
/// Fixed part of a CHALLENGE_MESSAGE without the optional Version field.
const CHALLENGE_FIXED_LEN: usize = 48;
const VERSION_LEN: usize = 8;

/// NegotiateFlags bits used here (MS-NLMP 2.2.2.5).
pub mod flags {
    pub const NEGOTIATE_UNICODE: u32 = 0x0000_0001;
    pub const NEGOTIATE_TARGET_INFO: u32 = 0x0080_0000;
    pub const NEGOTIATE_VERSION: u32 = 0x0200_0000;
}

/// Flags of the NEGOTIATE we send: the value nmap and metasploit use (0xE20882B7): UNICODE,
/// OEM, REQUEST_TARGET, SIGN, SEAL, LM_KEY, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY,
/// VERSION, 128, KEY_EXCH, 56.
pub const NEGOTIATE_FLAGS: u32 = 0xE208_82B7;

/// A 40-byte NEGOTIATE_MESSAGE (with a version field) that asks for the target info.
///
/// Byte-identical to the token nmap's `rdp-ntlm-info` sends: the empty DomainName and
/// Workstation fields are all zero (length, max length and offset), and the Version field
/// claims Windows 10.0 build 17763 with NTLM revision 15.
pub fn negotiate_message() -> Vec<u8> {
    let mut out = Vec::with_capacity(40);
    out.extend_from_slice(SIGNATURE);
    out.extend_from_slice(&MESSAGE_NEGOTIATE.to_le_bytes());
    out.extend_from_slice(&NEGOTIATE_FLAGS.to_le_bytes());
    out.extend_from_slice(&[0; 8]); // DomainNameFields: len 0, maxlen 0, offset 0
    out.extend_from_slice(&[0; 8]); // WorkstationFields: len 0, maxlen 0, offset 0
                                    // Version: major 10, minor 0, build 17763 (LE), reserved[3], NTLMSSP_REVISION_W2K3 = 15.
    out.extend_from_slice(&[10, 0]);
    out.extend_from_slice(&17763u16.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0x0F]);
    out
}

/// NTLM version field of the CHALLENGE: the server's OS version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsVersion {
    pub major: u8,
    pub minor: u8,
    pub build: u16,
    pub revision: u8,
}

/// What a CHALLENGE_MESSAGE says about the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub flags: u32,
    pub server_challenge: [u8; 8],
    pub target_name: Option<String>,
    pub version: Option<OsVersion>,
    pub nb_computer: Option<String>,
    pub nb_domain: Option<String>,
    pub dns_computer: Option<String>,
    pub dns_domain: Option<String>,
    pub dns_tree: Option<String>,
    /// MsvAvTimestamp: FILETIME, 100 ns ticks since 1601-01-01 UTC.
    pub timestamp: Option<u64>,
}

/// AV_PAIR ids (MS-NLMP 2.2.2.1).
mod av {
    pub const EOL: u16 = 0;
    pub const NB_COMPUTER_NAME: u16 = 1;
    pub const NB_DOMAIN_NAME: u16 = 2;
    pub const DNS_COMPUTER_NAME: u16 = 3;
    pub const DNS_DOMAIN_NAME: u16 = 4;
    pub const DNS_TREE_NAME: u16 = 5;
    pub const TIMESTAMP: u16 = 7;
}

/// Parse a CHALLENGE_MESSAGE (starting at `NTLMSSP\0`).
pub fn parse_challenge(bytes: &[u8]) -> Result<Challenge, DecodeError> {
    let mut msg = Reader::new(bytes);
    if msg.take(SIGNATURE.len(), "ntlm signature")? != SIGNATURE {
        return Err(DecodeError::invalid(
            "ntlm signature",
            "the message does not start with NTLMSSP\\0",
        ));
    }
    let message_type = msg.u32_le("ntlm message type")?;
    if message_type != MESSAGE_CHALLENGE {
        return Err(DecodeError::invalid(
            "ntlm message type",
            format!("{message_type}, expected 2 (CHALLENGE)"),
        ));
    }
    let target_name_field = Field::read(&mut msg, "ntlm target name fields")?;
    let flags = msg.u32_le("ntlm negotiate flags")?;
    let server_challenge = msg.array("ntlm server challenge")?;
    msg.skip(8, "ntlm reserved")?;
    let target_info_field = Field::read(&mut msg, "ntlm target info fields")?;
    // `msg` is now at CHALLENGE_FIXED_LEN, where the optional Version field starts.

    let mut challenge = Challenge {
        flags,
        server_challenge,
        ..Challenge::default()
    };

    let target_name = target_name_field.slice(bytes, "ntlm target name")?;
    if !target_name.is_empty() {
        // The server answers in Unicode when we offer it (we do); OEM is the fallback charset.
        challenge.target_name = Some(if flags & flags::NEGOTIATE_UNICODE != 0 {
            utf16le(target_name, "ntlm target name")?
        } else {
            target_name.iter().copied().map(char::from).collect()
        });
    }

    let target_info = target_info_field.slice(bytes, "ntlm target info")?;
    read_av_pairs(Reader::new(target_info), &mut challenge)?;

    // Version sits at 48 only when negotiated and when no payload field starts inside it
    // (pre-Vista servers put the payload right at 48). A message too short to hold it simply
    // has no version.
    let payload_clear = [target_name_field, target_info_field]
        .iter()
        .all(|f| f.len == 0 || f.offset >= CHALLENGE_FIXED_LEN + VERSION_LEN);
    if flags & flags::NEGOTIATE_VERSION != 0 && payload_clear {
        challenge.version = read_version(&mut msg).ok();
    }
    Ok(challenge)
}

/// The 8-byte VERSION structure (MS-NLMP 2.2.2.10).
fn read_version(r: &mut Reader<'_>) -> Result<OsVersion, DecodeError> {
    let major = r.u8("ntlm version major")?;
    let minor = r.u8("ntlm version minor")?;
    let build = r.u16_le("ntlm version build")?;
    r.skip(3, "ntlm version reserved")?;
    let revision = r.u8("ntlm version revision")?;
    Ok(OsVersion {
        major,
        minor,
        build,
        revision,
    })
}

/// A security buffer descriptor: `{len u16, maxlen u16, offset u32}` (MS-NLMP 2.2.1.2).
#[derive(Debug, Clone, Copy)]
struct Field {
    len: usize,
    offset: usize,
}

impl Field {
    fn read(r: &mut Reader<'_>, what: &'static str) -> Result<Field, DecodeError> {
        let len = usize::from(r.u16_le(what)?);
        r.skip(2, what)?; // MaxLen: not used when reading
        let offset = usize::try_from(r.u32_le(what)?).unwrap_or(usize::MAX);
        Ok(Field { len, offset })
    }

    /// The bytes the descriptor points at; empty when `len` is 0 (offset then does not matter).
    fn slice<'a>(self, bytes: &'a [u8], what: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.len == 0 {
            return Ok(&[]);
        }
        let mut r = Reader::new(bytes);
        r.skip(self.offset, what)
            .and_then(|()| r.take(self.len, what))
            .map_err(|_| {
                DecodeError::invalid(
                    what,
                    format!(
                        "{} bytes at offset {} run past the {}-byte message",
                        self.len,
                        self.offset,
                        bytes.len()
                    ),
                )
            })
    }
}

/// Walk the TargetInfo AV_PAIR list, filling the name and timestamp fields we know.
fn read_av_pairs(mut info: Reader<'_>, challenge: &mut Challenge) -> Result<(), DecodeError> {
    while !info.is_empty() {
        let id = info.u16_le("ntlm av_pair id")?;
        let len = usize::from(info.u16_le("ntlm av_pair length")?);
        if id == av::EOL {
            break;
        }
        let mut value = info.sub(len, "ntlm av_pair value")?;
        let slot = match id {
            av::NB_COMPUTER_NAME => Some(&mut challenge.nb_computer),
            av::NB_DOMAIN_NAME => Some(&mut challenge.nb_domain),
            av::DNS_COMPUTER_NAME => Some(&mut challenge.dns_computer),
            av::DNS_DOMAIN_NAME => Some(&mut challenge.dns_domain),
            av::DNS_TREE_NAME => Some(&mut challenge.dns_tree),
            _ => None,
        };
        if let Some(slot) = slot {
            *slot = Some(utf16le(value.rest(), "ntlm av_pair name")?);
        } else if id == av::TIMESTAMP {
            if len != 8 {
                return Err(DecodeError::invalid(
                    "ntlm av_pair timestamp",
                    format!("{len} bytes, expected 8"),
                ));
            }
            challenge.timestamp = Some(value.u64_le("ntlm av_pair timestamp")?);
        }
    }
    Ok(())
}

fn utf16le(bytes: &[u8], what: &'static str) -> Result<String, DecodeError> {
    let (units, odd) = bytes.as_chunks::<2>();
    if !odd.is_empty() {
        return Err(DecodeError::invalid(
            what,
            format!("{} bytes is not whole UTF-16 code units", bytes.len()),
        ));
    }
    let units: Vec<u16> = units.iter().copied().map(u16::from_le_bytes).collect();
    Ok(String::from_utf16_lossy(&units))
}

/// FILETIME (100 ns since 1601) to Unix seconds.
pub fn filetime_to_unix_seconds(filetime: u64) -> f64 {
    (filetime as f64 / 10_000_000.0) - 11_644_473_600.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::hex;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn negotiate_matches_nmap_bytes() {
        // rdp-protocol.md §2.2, the 40-byte token inside nmap's TSRequest.
        let expected = hex("4E 54 4C 4D 53 53 50 00 01 00 00 00 B7 82 08 E2 \
             00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \
             0A 00 63 45 00 00 00 0F");
        assert_eq!(negotiate_message(), expected);
    }

    /// Build a CHALLENGE the way Windows lays it out: Version at 48, TargetName at 56, then
    /// TargetInfo.
    fn windows_challenge(target: &str, pairs: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let name = utf16(target);
        let mut info = Vec::new();
        for (id, value) in pairs {
            info.extend_from_slice(&id.to_le_bytes());
            info.extend_from_slice(&u16::try_from(value.len()).expect("small").to_le_bytes());
            info.extend_from_slice(value);
        }
        info.extend_from_slice(&[0, 0, 0, 0]);
        let name_off = 56u32;
        let info_off = name_off + u32::try_from(name.len()).expect("small");
        let mut m = Vec::new();
        m.extend_from_slice(b"NTLMSSP\0");
        m.extend_from_slice(&2u32.to_le_bytes());
        let nl = u16::try_from(name.len()).expect("small").to_le_bytes();
        m.extend_from_slice(&[nl[0], nl[1], nl[0], nl[1]]);
        m.extend_from_slice(&name_off.to_le_bytes());
        m.extend_from_slice(&0xE28A_8215u32.to_le_bytes());
        m.extend_from_slice(&hex("01 23 45 67 89 AB CD EF"));
        m.extend_from_slice(&[0; 8]);
        let il = u16::try_from(info.len()).expect("small").to_le_bytes();
        m.extend_from_slice(&[il[0], il[1], il[0], il[1]]);
        m.extend_from_slice(&info_off.to_le_bytes());
        m.extend_from_slice(&hex("0A 00 7C 4F 00 00 00 0F")); // 10.0.20348 rev 15
        m.extend_from_slice(&name);
        m.extend_from_slice(&info);
        m
    }

    #[test]
    fn windows_server_2022_like_challenge() {
        let msg = windows_challenge(
            "CONTOSO",
            &[
                (2, utf16("CONTOSO")),
                (1, utf16("RDS01")),
                (4, utf16("contoso.local")),
                (3, utf16("rds01.contoso.local")),
                (5, utf16("contoso.local")),
                (7, 0x01DA_1234_5678_9ABCu64.to_le_bytes().to_vec()),
                (6, vec![0, 0, 0, 0]), // MsvAvFlags: ignored
            ],
        );
        let c = parse_challenge(&msg).expect("parses");
        assert_eq!(c.flags, 0xE28A_8215);
        assert_eq!(
            c.server_challenge,
            [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]
        );
        assert_eq!(c.target_name.as_deref(), Some("CONTOSO"));
        assert_eq!(c.nb_domain.as_deref(), Some("CONTOSO"));
        assert_eq!(c.nb_computer.as_deref(), Some("RDS01"));
        assert_eq!(c.dns_domain.as_deref(), Some("contoso.local"));
        assert_eq!(c.dns_computer.as_deref(), Some("rds01.contoso.local"));
        assert_eq!(c.dns_tree.as_deref(), Some("contoso.local"));
        assert_eq!(c.timestamp, Some(0x01DA_1234_5678_9ABC));
        assert_eq!(
            c.version,
            Some(OsVersion {
                major: 10,
                minor: 0,
                build: 20348,
                revision: 15
            })
        );
    }

    #[test]
    fn no_version_when_payload_starts_at_48() {
        let mut msg = windows_challenge("HOST", &[(1, utf16("HOST"))]);
        // Pretend a pre-Vista layout: TargetName at offset 48 overlapping where Version would be.
        msg[16..20].copy_from_slice(&48u32.to_le_bytes());
        let c = parse_challenge(&msg).expect("parses");
        assert_eq!(c.version, None);
        // Without the VERSION flag there is no version either.
        let mut msg = windows_challenge("HOST", &[]);
        msg[23] &= !0x02;
        assert_eq!(parse_challenge(&msg).expect("parses").version, None);
    }

    #[test]
    fn timestamp_converts_to_unix_time() {
        // 2024-01-01T00:00:00Z = 1_704_067_200 Unix = 133_485_408_000_000_000 FILETIME.
        assert_eq!(
            filetime_to_unix_seconds(133_485_408_000_000_000),
            1_704_067_200.0
        );
    }

    #[test]
    fn malformed_challenges_are_errors() {
        let good = windows_challenge("HOST", &[(1, utf16("HOST")), (7, vec![0; 8])]);
        assert!(parse_challenge(&good).is_ok());
        for n in 0..48 {
            assert!(parse_challenge(&good[..n]).is_err(), "prefix {n}");
        }
        // Wrong signature / type.
        let mut bad = good.clone();
        bad[0] = b'X';
        assert!(parse_challenge(&bad).is_err());
        let mut bad = good.clone();
        bad[8] = 3;
        assert!(parse_challenge(&bad).is_err());
        // TargetName past the end, odd length, offset overflow.
        let mut bad = good.clone();
        bad[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        assert!(parse_challenge(&bad).is_err());
        let mut bad = good.clone();
        bad[12] = 7;
        assert!(parse_challenge(&bad).is_err());
        // An AV pair overrunning TargetInfo.
        let mut bad = good.clone();
        let info_off = usize::try_from(u32::from_le_bytes([bad[44], bad[45], bad[46], bad[47]]))
            .expect("fits");
        bad[info_off + 2] = 0x50;
        assert!(parse_challenge(&bad).is_err());
        // A timestamp that is not 8 bytes.
        let bad = windows_challenge("HOST", &[(7, vec![0; 4])]);
        assert!(parse_challenge(&bad).is_err());
    }

    #[test]
    fn stops_at_eol_and_ignores_what_follows() {
        let mut msg = windows_challenge("H", &[(1, utf16("A"))]);
        // Garbage after the EOL pair, still inside TargetInfo: grow TargetInfo by 3 bytes.
        msg.extend_from_slice(&[0xFF, 0xFF, 0xFF]);
        let il = u16::from_le_bytes([msg[40], msg[41]]) + 3;
        msg[40..42].copy_from_slice(&il.to_le_bytes());
        let c = parse_challenge(&msg).expect("parses");
        assert_eq!(c.nb_computer.as_deref(), Some("A"));
    }
}
