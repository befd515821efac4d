//! Name what answered when the first bytes on an RDP port are not a TPKT frame.

/// A guess at the protocol behind a reply, from its first bytes only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// Starts like a TPKT frame (`03 00`).
    Tpkt,
    /// A TLS record (`16 03 xx` handshake or `15 03 xx` alert): a TLS-first service.
    Tls,
    /// An HTTP response line.
    Http { status_line: String },
    /// An SSH identification string.
    Ssh { banner: String },
    /// Printable text of another kind (SMTP/FTP banners, …).
    Text { line: String },
    /// Anything else.
    Binary,
}

impl Peer {
    pub fn describe(&self) -> String {
        match self {
            Peer::Tpkt => "an X.224 frame".into(),
            Peer::Tls => "a TLS record (a TLS-first service such as HTTPS)".into(),
            Peer::Http { status_line } => format!("an HTTP server (\"{status_line}\")"),
            Peer::Ssh { banner } => format!("an SSH server (\"{banner}\")"),
            Peer::Text { line } => format!("a text protocol (\"{line}\")"),
            Peer::Binary => "unrecognised binary data".into(),
        }
    }
}

/// Classify the first bytes a server sent.
pub fn classify(bytes: &[u8]) -> Peer {
    match bytes {
        [0x03, 0x00, ..] => Peer::Tpkt,
        [0x16 | 0x15, 0x03, minor, ..] if *minor <= 0x04 => Peer::Tls,
        _ if bytes.starts_with(b"HTTP/") => Peer::Http {
            status_line: first_line(bytes),
        },
        _ if bytes.starts_with(b"SSH-") => Peer::Ssh {
            banner: first_line(bytes),
        },
        _ if !bytes.is_empty()
            && bytes
                .iter()
                .take(64)
                .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) =>
        {
            Peer::Text {
                line: first_line(bytes),
            }
        }
        _ => Peer::Binary,
    }
}

fn first_line(bytes: &[u8]) -> String {
    let line: Vec<u8> = bytes
        .iter()
        .copied()
        .take_while(|b| *b != b'\r' && *b != b'\n')
        .take(80)
        .collect();
    String::from_utf8_lossy(&line).into_owned()
}

/// Lower-case hex of at most `max` bytes, for evidence strings.
pub fn hex_prefix(bytes: &[u8], max: usize) -> String {
    let mut out: Vec<String> = bytes.iter().take(max).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > max {
        out.push("…".into());
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_peers() {
        assert_eq!(classify(&[3, 0, 0, 19]), Peer::Tpkt);
        assert_eq!(classify(&[0x16, 3, 1, 0, 5]), Peer::Tls);
        assert_eq!(classify(&[0x15, 3, 3, 0, 2, 2, 40]), Peer::Tls);
        assert_eq!(
            classify(b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n"),
            Peer::Http {
                status_line: "HTTP/1.1 400 Bad Request".into()
            }
        );
        assert_eq!(
            classify(b"SSH-2.0-OpenSSH_9.2\r\n"),
            Peer::Ssh {
                banner: "SSH-2.0-OpenSSH_9.2".into()
            }
        );
        assert_eq!(
            classify(b"220 mail ESMTP\r\n"),
            Peer::Text {
                line: "220 mail ESMTP".into()
            }
        );
        assert_eq!(classify(&[0xde, 0xad, 0xbe, 0xef]), Peer::Binary);
        assert_eq!(classify(&[]), Peer::Binary);
    }

    #[test]
    fn hex_prefix_truncates() {
        assert_eq!(hex_prefix(&[1, 2, 3], 2), "01 02 …");
    }
}
