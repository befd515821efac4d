//! What a TLS cipher suite is, and which client families offer it by default. The facts and their
//! sources are in the knowledge base (`crates/rdpcheck-kb/data/clients.toml`); the test
//! `tests/clients_kb.rs` holds this table and that file equal.
//!
//! - Schannel (mstsc): "TLS Cipher Suites in Windows 10 v1903, v1909, and v2004" and "TLS Cipher
//!   Suites in Windows 11" (learn.microsoft.com, MicrosoftDocs/win32
//!   desktop-src/SecAuthN/tls-cipher-suites-in-windows-*.md): the same TLS 1.2 list, enabled by
//!   default — ECDHE AES-GCM and AES-CBC, DHE-RSA AES-GCM (not DHE CBC), static RSA AES-GCM and
//!   AES-CBC, TLS_RSA_WITH_3DES_EDE_CBC_SHA; no ChaCha20 for TLS 1.2, no RC4.
//! - OpenSSL 3 `DEFAULT` (FreeRDP sets no cipher list unless `/tls:ciphers`): ECDHE and DHE with
//!   AES-GCM, ChaCha20 and AES-CBC, static RSA AES-GCM and AES-CBC; no 3DES, RC4, Camellia or
//!   ARIA (`openssl ciphers -v DEFAULT` on OpenSSL 3.0.19, Debian 12).

use rdpcheck_report::ClientId;

/// How a suite agrees on its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExchange {
    /// TLS 1.3: always ephemeral (EC)DHE.
    Tls13,
    Ecdhe,
    Dhe,
    /// Static RSA: the premaster secret travels encrypted to the certificate key (no forward
    /// secrecy).
    Rsa,
    Other,
}

/// The bulk cipher of a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cipher {
    AesGcm,
    ChaCha20,
    AesCbc,
    TripleDes,
    Rc4,
    Other,
}

/// Key exchange and cipher of a suite number (IANA "TLS Cipher Suites").
pub fn classify(suite: u16) -> (KeyExchange, Cipher) {
    use Cipher::*;
    use KeyExchange::*;
    match suite {
        0x1301 | 0x1302 => (Tls13, AesGcm),
        0x1303 => (Tls13, ChaCha20),
        0xC02B | 0xC02C | 0xC02F | 0xC030 => (Ecdhe, AesGcm),
        0xCCA8 | 0xCCA9 => (Ecdhe, ChaCha20),
        0xC009 | 0xC00A | 0xC013 | 0xC014 | 0xC023 | 0xC024 | 0xC027 | 0xC028 => (Ecdhe, AesCbc),
        0xC008 | 0xC012 => (Ecdhe, TripleDes),
        0xC007 | 0xC011 => (Ecdhe, Rc4),
        0x009E | 0x009F => (Dhe, AesGcm),
        0xCCAA => (Dhe, ChaCha20),
        0x0033 | 0x0039 | 0x0067 | 0x006B | 0x0032 | 0x0038 => (Dhe, AesCbc),
        0x0013 | 0x0016 => (Dhe, TripleDes),
        0x009C | 0x009D => (Rsa, AesGcm),
        0x002F | 0x0035 | 0x003C | 0x003D => (Rsa, AesCbc),
        0x000A => (Rsa, TripleDes),
        0x0004 | 0x0005 => (Rsa, Rc4),
        0x0009 | 0x0041 | 0x0084 | 0x0001 | 0x0002 | 0x003B => (Rsa, Cipher::Other),
        _ => (KeyExchange::Other, Cipher::Other),
    }
}

/// No forward secrecy: the session keys can be recovered from the certificate's private key.
pub fn static_rsa(suite: u16) -> bool {
    classify(suite).0 == KeyExchange::Rsa
}

/// A suite current default stacks have dropped (3DES, RC4, DES, NULL, export, Camellia…): a
/// server that picks one from rdpcheck's broad offer has nothing better in common with it.
pub fn obsolete(suite: u16) -> bool {
    !matches!(
        classify(suite).1,
        Cipher::AesGcm | Cipher::ChaCha20 | Cipher::AesCbc
    )
}

/// Whether `client` offers `suite` by default: `Some(true)` / `Some(false)`, `None` when not known.
pub fn offered_by(client: ClientId, suite: u16) -> Option<bool> {
    let (kx, cipher) = classify(suite);
    match client {
        ClientId::MstscWin10 | ClientId::MstscWin11Early | ClientId::MstscWin11 => Some(matches!(
            (kx, cipher),
            (KeyExchange::Tls13, Cipher::AesGcm)
                | (KeyExchange::Ecdhe, Cipher::AesGcm | Cipher::AesCbc)
                | (KeyExchange::Dhe, Cipher::AesGcm)
                | (
                    KeyExchange::Rsa,
                    Cipher::AesGcm | Cipher::AesCbc | Cipher::TripleDes
                )
        )),
        ClientId::FreeRdp => Some(matches!(
            (kx, cipher),
            (KeyExchange::Tls13, _)
                | (
                    KeyExchange::Ecdhe | KeyExchange::Dhe,
                    Cipher::AesGcm | Cipher::ChaCha20 | Cipher::AesCbc
                )
                | (KeyExchange::Rsa, Cipher::AesGcm | Cipher::AesCbc)
        )),
        // Nothing published about the Windows App's TLS stack; a default Windows host's suite
        // (ECDHE-RSA with AES-GCM) is what it exists to connect to.
        ClientId::WindowsApp => {
            matches!((kx, cipher), (KeyExchange::Ecdhe, Cipher::AesGcm)).then_some(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdpcheck_proto::tls_hello::LEGACY_CIPHER_SUITES;

    #[test]
    fn every_suite_of_the_legacy_hello_is_classified() {
        for suite in LEGACY_CIPHER_SUITES
            .iter()
            .copied()
            .filter(|s| *s != 0x00FF)
        {
            assert_ne!(
                classify(suite),
                (KeyExchange::Other, Cipher::Other),
                "{suite:#06x}"
            );
        }
    }

    #[test]
    fn what_each_family_offers() {
        // RSA key exchange: everyone but the unknown Windows App.
        assert_eq!(offered_by(ClientId::MstscWin11, 0x009D), Some(true));
        assert_eq!(offered_by(ClientId::FreeRdp, 0x009D), Some(true));
        assert!(static_rsa(0x009D) && !obsolete(0x009D));
        // 3DES: Schannel still has TLS_RSA_WITH_3DES_EDE_CBC_SHA, OpenSSL 3 DEFAULT does not.
        assert_eq!(offered_by(ClientId::MstscWin10, 0x000A), Some(true));
        assert_eq!(offered_by(ClientId::FreeRdp, 0x000A), Some(false));
        assert_eq!(offered_by(ClientId::MstscWin10, 0xC012), Some(false));
        assert!(obsolete(0x000A) && obsolete(0x0005));
        // DHE with CBC: OpenSSL yes, Schannel not by default.
        assert_eq!(offered_by(ClientId::FreeRdp, 0x0033), Some(true));
        assert_eq!(offered_by(ClientId::MstscWin11, 0x0033), Some(false));
        // ChaCha20 in TLS 1.2: OpenSSL only.
        assert_eq!(offered_by(ClientId::MstscWin11, 0xCCA8), Some(false));
        assert_eq!(offered_by(ClientId::WindowsApp, 0xC030), Some(true));
        assert_eq!(offered_by(ClientId::WindowsApp, 0x009D), None);
    }
}
