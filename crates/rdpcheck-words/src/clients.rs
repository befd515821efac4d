//! The client families in words: their names, one line about each, the outcome words, and the
//! sentence that tells who else fails.

use rdpcheck_report::{ClientId, ClientOutcome, ClientVerdict, FindingCode};

/// The family's name as a reader knows it.
pub fn client_name(c: ClientId) -> &'static str {
    match c {
        ClientId::MstscWin11 => "mstsc on Windows 11 24H2+ / Server 2025",
        ClientId::MstscWin11Early => "mstsc on Windows 11 21H2–23H2 / Server 2022",
        ClientId::MstscWin10 => "mstsc on Windows 10 / Server 2016–2019",
        ClientId::FreeRdp => "FreeRDP-based clients (Remmina, Guacamole)",
        ClientId::WindowsApp => "Windows App (macOS, iOS, Android)",
    }
}

/// One line about the family's defaults (`rdpcheck probe --help`).
pub fn client_about(c: ClientId) -> &'static str {
    match c {
        ClientId::MstscWin11 => {
            "Remote Desktop Connection on a current Windows: TLS 1.2+ (TLS 1.0/1.1 off by default), NLA"
        }
        ClientId::MstscWin11Early => {
            "Remote Desktop Connection on Windows 11 before 24H2 or Server 2022: TLS 1.0-1.2, NLA"
        }
        ClientId::MstscWin10 => {
            "Remote Desktop Connection on Windows 10 or Server 2016/2019: TLS 1.0-1.2, no TLS 1.3, NLA"
        }
        ClientId::FreeRdp => {
            "FreeRDP 2/3 on OpenSSL 3 (xfreerdp, Remmina, Guacamole): TLS 1.2+, RSA keys of 1024 bits+"
        }
        ClientId::WindowsApp => {
            "Windows App on macOS, iOS, Android: little is published, most TLS details stay unknown"
        }
    }
}

/// `connects`, `connects after a warning`, `fails`, `unknown`.
pub fn outcome_word(o: ClientOutcome) -> &'static str {
    match o {
        ClientOutcome::Connects => "connects",
        ClientOutcome::Warns => "connects after a warning",
        ClientOutcome::Fails => "fails",
        ClientOutcome::Unknown => "unknown",
    }
}

/// A client's outcome and why: `fails: tls.legacy_only`, `connects`.
pub fn client_outcome(v: &ClientVerdict) -> String {
    if v.why.is_empty() || v.outcome == ClientOutcome::Connects {
        return outcome_word(v.outcome).to_string();
    }
    format!("{}: {}", outcome_word(v.outcome), codes(&v.why))
}

fn codes(list: &[FindingCode]) -> String {
    list.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn gets_through(o: ClientOutcome) -> bool {
    matches!(o, ClientOutcome::Connects | ClientOutcome::Warns)
}

/// Who else fails, or gets through where `chosen` fails: `Other clients that fail: FreeRDP-based
/// clients (Remmina, Guacamole) (tls.legacy_only). Other clients that get through: mstsc on
/// Windows 10 / Server 2016–2019.` `None` when that is no news (nobody else fails, or everyone
/// fails alike).
pub fn other_clients(chosen: ClientId, clients: &[ClientVerdict]) -> Option<String> {
    let mine = clients.iter().find(|c| c.client == chosen)?;
    let others: Vec<&ClientVerdict> = clients.iter().filter(|c| c.client != chosen).collect();
    let failing: Vec<&ClientVerdict> = others
        .iter()
        .copied()
        .filter(|c| c.outcome == ClientOutcome::Fails)
        .collect();
    let through: Vec<&ClientVerdict> = others
        .iter()
        .copied()
        .filter(|c| gets_through(c.outcome))
        .collect();
    let mine_fails = mine.outcome == ClientOutcome::Fails;
    let mut parts = Vec::new();
    // Failures are news unless everyone fails alike; getting through is news when `chosen` fails.
    let everyone_fails_alike = mine_fails && failing.len() == others.len();
    if !failing.is_empty() && !everyone_fails_alike {
        let mut why: Vec<FindingCode> = Vec::new();
        for code in failing.iter().flat_map(|c| &c.why) {
            if !why.contains(code) {
                why.push(*code);
            }
        }
        parts.push(format!(
            "Other clients that fail: {} ({}).",
            names(&failing),
            codes(&why)
        ));
    }
    if mine_fails && !through.is_empty() {
        parts.push(format!(
            "Other clients that get through: {}.",
            names(&through)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn names(list: &[&ClientVerdict]) -> String {
    let names: Vec<&str> = list.iter().map(|c| client_name(c.client)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdpcheck_report::Plain;

    fn v(client: ClientId, outcome: ClientOutcome, why: &[Plain]) -> ClientVerdict {
        ClientVerdict {
            client,
            outcome,
            why: why.iter().map(|p| FindingCode::Plain(*p)).collect(),
        }
    }

    #[test]
    fn who_else_fails() {
        let legacy = [
            v(
                ClientId::MstscWin11,
                ClientOutcome::Fails,
                &[Plain::TlsLegacyOnly],
            ),
            v(ClientId::MstscWin11Early, ClientOutcome::Connects, &[]),
            v(
                ClientId::MstscWin10,
                ClientOutcome::Warns,
                &[Plain::TlsCertSelfSigned],
            ),
            v(
                ClientId::FreeRdp,
                ClientOutcome::Fails,
                &[Plain::TlsLegacyOnly],
            ),
            v(
                ClientId::WindowsApp,
                ClientOutcome::Unknown,
                &[Plain::TlsLegacyOnly],
            ),
        ];
        assert_eq!(
            other_clients(ClientId::MstscWin11, &legacy).as_deref(),
            Some("Other clients that fail: FreeRDP-based clients (Remmina, Guacamole) (tls.legacy_only). Other clients that get through: mstsc on Windows 11 21H2–23H2 / Server 2022 and mstsc on Windows 10 / Server 2016–2019.")
        );
        assert_eq!(
            other_clients(ClientId::MstscWin10, &legacy).as_deref(),
            Some("Other clients that fail: mstsc on Windows 11 24H2+ / Server 2025 and FreeRDP-based clients (Remmina, Guacamole) (tls.legacy_only).")
        );
        let refused: Vec<ClientVerdict> = ClientId::ALL
            .into_iter()
            .map(|c| v(c, ClientOutcome::Fails, &[Plain::TcpRefused]))
            .collect();
        assert_eq!(other_clients(ClientId::FreeRdp, &refused), None);
        assert_eq!(client_outcome(&legacy[0]), "fails: tls.legacy_only");
        assert_eq!(client_outcome(&legacy[1]), "connects");
        assert_eq!(
            client_outcome(&legacy[2]),
            "connects after a warning: tls.cert_self_signed"
        );
    }
}
