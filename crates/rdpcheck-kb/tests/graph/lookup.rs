//! `lookup` reads every code back: hex, decimal, labelled and symbolic forms, dialog text,
//! FreeRDP log lines, and a family hint for what it does not know.

use rdpcheck_kb::{explain, lookup, tables, CodeMatch, RelatedCode};

/// Whether `m` lists, under `also` or `related`, a code that `pick` picks.
fn listed_with(m: &CodeMatch, pick: impl Fn(&RelatedCode) -> bool) -> bool {
    m.also.iter().chain(m.related.iter()).any(pick)
}

#[test]
fn every_code_parses_back_from_hex_and_decimal() {
    for t in tables() {
        for e in &t.entries {
            let mut forms = vec![
                format!("0x{:X}", e.value),
                format!("0x{:08X}", e.value),
                e.hex.clone(),
            ];
            for alt in &e.alt_values {
                forms.push(format!("0x{alt:08X}"));
            }
            // A table without numbers (messages) has only an index: its entries are read by
            // text and name.
            if !t.numbers {
                forms.clear();
            }
            for form in forms {
                let labelled = format!("{} {}", t.label, form);
                for input in [form.clone(), labelled] {
                    let l = lookup(&input);
                    let hit = l.codes.iter().any(|m| {
                        m.entry.as_ref().map(|x| x.name.as_str()) == Some(e.name.as_str())
                            || (m.table == t.id && m.value == e.value)
                    });
                    let also = l
                        .codes
                        .iter()
                        .any(|m| listed_with(m, |r| r.table == t.id && r.name == e.name));
                    // Unlabelled numbers resolve to the first table that knows them; the entry
                    // must then be listed under "also".
                    assert!(
                        hit || also,
                        "{} {} not found from {input:?}: {:?}",
                        t.id,
                        e.name,
                        l.codes.first().map(|c| &c.table)
                    );
                }
            }
            // Decimal, labelled with the table's own label.
            let input = format!("{}: {}", t.label, e.value);
            let l = lookup(&input);
            if t.id != "client" && t.numbers {
                assert!(
                    l.codes
                        .iter()
                        .any(|m| m.table == t.id && m.value == e.value)
                        || l.codes
                            .iter()
                            .any(|m| listed_with(m, |r| r.table == t.id && r.name == e.name)),
                    "{} {} not found from {input:?}",
                    t.id,
                    e.name
                );
            }
            // Symbolic name.
            if !e.name.starts_with('(') {
                let l = lookup(&e.name);
                assert!(
                    l.codes
                        .iter()
                        .any(|m| m.entry.as_ref().map(|x| &x.name) == Some(&e.name))
                        || l.codes.iter().any(|m| listed_with(m, |r| r.name == e.name)),
                    "name {} not found",
                    e.name
                );
            }
        }
    }
}

#[test]
fn client_codes_parse_from_decimal() {
    let client = tables()
        .iter()
        .find(|t| t.id == "client")
        .expect("client table");
    for e in &client.entries {
        let l = lookup(&format!("Error code: {}", e.value));
        let m = &l.codes[0];
        // Small values read the same either way; others may be read as hex when that is a known code.
        assert_eq!(m.table, "client", "{}", e.name);
        let l = lookup(&e.value.to_string());
        assert!(
            l.codes.iter().any(|m| m.table == "client"),
            "decimal {} of {}",
            e.value,
            e.name
        );
    }
}

#[test]
fn dialog_text_parses() {
    let dialog = "Remote Desktop Connection\n\nThis computer can't connect to the remote computer.\n\n\
        Try connecting again. If the problem continues, contact the owner of the remote computer or \
        your network administrator.\n\nError code: 0x904\nExtended error code: 0x7\n\n\
        Timestamp (UTC): 2025-03-14T09:12:44.123Z\nActivity ID: 5b1d7a2e-0a4c-4f3e-9d51-000000000000\n";
    let l = lookup(dialog);
    assert!(l.fully_understood(), "{:?}", l.unknown);
    assert_eq!(l.codes.len(), 2);
    assert_eq!(
        (l.codes[0].table.as_str(), l.codes[0].value),
        ("client", 0x904)
    );
    assert_eq!(
        (l.codes[1].table.as_str(), l.codes[1].value),
        ("extended", 7)
    );
    assert!(l.combination.is_some());

    for short in [
        "Error code: 0x904 Extended error code: 0x7",
        "error code 0x904, extended error code 0x7",
        "0x904 0x7",
        "ERROR CODE:0x904  EXTENDED ERROR CODE:0x7",
    ] {
        let l = lookup(short);
        assert!(l.combination.is_some(), "{short}");
        assert!(l.fully_understood(), "{short}: {:?}", l.unknown);
    }
    let l = lookup("  0x00000904 ");
    assert_eq!(l.codes[0].value, 0x904);
    let l = lookup("Error code 0x204");
    assert_eq!(
        l.codes[0].entry.as_ref().map(|e| e.name.as_str()),
        Some("disconnectReasonSocketConnectFailed")
    );
}

#[test]
fn freerdp_forms_parse() {
    let l = lookup("[14:02:11:532] [3121:3122] [ERROR][com.freerdp.core] - freerdp_set_last_error_ex ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]");
    assert!(l.fully_understood(), "{:?}", l.unknown);
    assert_eq!(l.codes.len(), 1);
    assert_eq!(l.codes[0].table, "freerdp");
    assert_eq!(l.codes[0].value, 0x0002_000D);

    let l = lookup("ERRINFO_SERVER_DENIED_CONNECTION");
    assert_eq!(l.codes[0].table, "errinfo");
    assert_eq!(l.codes[0].value, 7);

    let l = lookup("errinfo_server_denied_connection [0x00010007]");
    assert_eq!(
        l.codes.len(),
        1,
        "ERRINFO name and its FreeRDP number are one code"
    );

    let l = lookup("E_PROXY_TS_CONNECTFAILED 0x000059DD");
    assert_eq!(l.codes.len(), 1);
    assert_eq!(l.codes[0].table, "gateway");

    let l = lookup("tls.alert.handshake_failure");
    assert_eq!(l.findings.len(), 1);
}

#[test]
fn unknown_input_gets_family_hint() {
    let l = lookup("Error code: 0xF04");
    assert!(l.codes.is_empty());
    assert_eq!(l.unknown.len(), 1);
    assert!(
        l.unknown[0].hint.contains("socket"),
        "{}",
        l.unknown[0].hint
    );
    assert!(l.unknown[0].hint.contains("not a known"));
    let l = lookup("Error code: 0x3307");
    assert!(l.unknown[0].hint.contains("Network Level Authentication"));
    assert!(explain("hello world").is_err());
    assert!(explain("").is_err());
    let ex = explain("0x904 0xF04").expect("partly understood");
    assert!(!ex.fully_understood);
}
