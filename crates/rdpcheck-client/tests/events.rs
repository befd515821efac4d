//! The RDP client log's rendered XML and how attempts pair up (src/events.rs).

use rdpcheck_client::events::{attempts_to, parse_event_xml};
use rdpcheck_client::facts::ClientEvent;

const XML_1024: &str = r#"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-TerminalServices-ClientActiveXCore' Guid='{28aa95bb-d444-4719-a36f-40462168127e}'/><EventID>1024</EventID><Version>0</Version><TimeCreated SystemTime='2026-11-20T10:00:00.1234567Z'/><Correlation ActivityID='{AB000000-0000-0000-0000-000000000001}'/></System><EventData><Data Name='Name'>Value</Data><Data Name='Value'>rdp.example.com</Data><Data Name='CustomLevel'>Info</Data></EventData></Event>"#;
const XML_1026: &str = r#"<Event><System><EventID>1026</EventID><TimeCreated SystemTime='2026-11-20T10:00:05Z'/><Correlation ActivityID='{ab000000-0000-0000-0000-000000000001}'/></System><EventData><Data Name='Name'>Value</Data><Data Name='Value'>2308</Data><Data/></EventData></Event>"#;

#[test]
fn reads_the_fields_of_a_rendered_event() {
    let e = parse_event_xml(XML_1024).expect("an event");
    assert_eq!(e.id, 1024);
    assert_eq!(e.time, "2026-11-20T10:00:00.1234567Z");
    assert_eq!(
        e.activity.as_deref(),
        Some("{AB000000-0000-0000-0000-000000000001}")
    );
    assert_eq!(e.data, ["Value", "rdp.example.com", "Info"]);
    let d = parse_event_xml(XML_1026).expect("an event");
    assert_eq!(d.data, ["Value", "2308", ""]);
    assert!(parse_event_xml("<Event><System></System></Event>").is_none());
    assert_eq!(
        parse_event_xml("<Event><EventID>1</EventID><Data>a &amp; b</Data></Event>")
            .map(|e| e.data),
        Some(vec!["a & b".to_string()])
    );
}

#[test]
fn pairs_attempts_by_activity_or_by_order() {
    let a = parse_event_xml(XML_1024).expect("1024");
    let b = parse_event_xml(XML_1026).expect("1026");
    let got = attempts_to(&[b.clone(), a.clone()], "RDP.example.com");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].reason, Some(2308));
    assert!(attempts_to(&[a.clone(), b.clone()], "other.example.com").is_empty());
    // Without activity ids: the next 1026 before another attempt.
    let strip = |mut e: ClientEvent| {
        e.activity = None;
        e
    };
    let mut other = strip(a.clone());
    other.time = "2026-11-20T10:00:03Z".into();
    other.data = vec!["other.example.com".into()];
    let got = attempts_to(
        &[strip(a.clone()), other, strip(b.clone())],
        "rdp.example.com",
    );
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].reason, None, "the 1026 follows another attempt");
    let got = attempts_to(&[strip(a), strip(b)], "rdp.example.com");
    assert_eq!(got[0].reason, Some(2308));
}
