use super::*;
#[test]
fn bare_904_is_hex() {
    let l = lookup("904");
    assert_eq!(l.codes.len(), 1);
    assert_eq!(l.codes[0].table, "client");
    assert_eq!(l.codes[0].value, 0x904);
    assert!(l.codes[0].interpretation.starts_with("hexadecimal 0x904"));
}

#[test]
fn decimal_2308_is_904() {
    let l = lookup("2308");
    assert_eq!(l.codes[0].value, 0x904);
}

#[test]
fn time_and_guid_are_ignored() {
    let l = lookup(
        "Error code: 0x904 Extended error code: 0x7 Timestamp (UTC): 2024-05-01T10:22:33.456Z \
         Activity ID: 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    );
    assert!(l.unknown.is_empty(), "{:?}", l.unknown);
    assert_eq!(l.codes.len(), 2);
    assert!(l.combination.is_some());
}

#[test]
fn protocol_error_context() {
    let l = lookup(
        "Because of a protocol error (code: 0x112f), the remote session will be disconnected.",
    );
    assert_eq!(l.codes[0].table, "errinfo");
    assert_eq!(l.codes[0].value, 0x112F);
}

#[test]
fn extended_range() {
    let l = lookup("Extended error code: 4399");
    assert_eq!(l.codes[0].table, "extended");
    assert!(l.codes[0].range.is_some());
    assert_eq!(
        l.codes[0].related[0].name,
        "ERRINFO_GRAPHICS_SUBSYSTEM_FAILED"
    );
}

#[test]
fn freerdp_errinfo_class() {
    let l = lookup("0x00010007");
    assert_eq!(l.codes[0].table, "freerdp");
    assert_eq!(
        l.codes[0].related[0].name,
        "ERRINFO_SERVER_DENIED_CONNECTION"
    );
}

#[test]
fn finding_prefix() {
    let code = |s: &str| s.parse::<rdpcheck_report::FindingCode>().expect("a code");
    let a = articles_for_finding(code("tls.alert.bad_record_mac"));
    assert!(!a.is_empty());
    assert_eq!(
        articles_for_finding(code("tls.alert.internal_error"))[0],
        "server-certificate"
    );
    let l = lookup("tls.alert.nonsense x224.neg_failure.hybrid_required tls.alert");
    assert_eq!(l.unknown.len(), 1, "{:?}", l.unknown);
    assert_eq!(l.findings.len(), 2);
}
