//! A tiny DNS responder on 127.0.0.1 for the relay's `--dns-server`. It is a FAKE, by necessity:
//! the refusal tests need names that resolve *inward* (to loopback, to cloud metadata), and no
//! real resolver on this machine serves such names for made-up domains without network access or
//! editing system files. Same approach as crates/rdpcheck-probe/tests/dns.rs: read the question,
//! answer from a fixed table, NXDOMAIN for anything else.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

/// Names this responder knows, and the one address each resolves to.
pub const RECORDS: &[(&str, &str)] = &[
    ("inward.rdpcheck.test", "127.0.0.1"),
    ("meta.rdpcheck.test", "169.254.169.254"),
    ("inward6.rdpcheck.test", "::1"),
    ("private.rdpcheck.test", "10.1.2.3"),
];

const TYPE_A: u16 = 1;
const TYPE_AAAA: u16 = 28;

pub struct FakeDns {
    pub addr: SocketAddr,
    queries: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl FakeDns {
    pub async fn start() -> FakeDns {
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind the fake DNS socket");
        let addr = socket.local_addr().expect("local addr");
        let queries = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&queries);
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
                counter.fetch_add(1, Ordering::SeqCst);
                if let Some(reply) = answer(&buf[..n]) {
                    let _ = socket.send_to(&reply, peer).await;
                }
            }
        });
        FakeDns {
            addr,
            queries,
            task,
        }
    }

    /// How many queries arrived so far.
    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::SeqCst)
    }
}

impl Drop for FakeDns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The reply to one query: the table's address when the type matches (A for IPv4, AAAA for
/// IPv6), an empty NOERROR answer when the name is known but has no record of that type,
/// NXDOMAIN otherwise.
fn answer(query: &[u8]) -> Option<Vec<u8>> {
    // Question: labels from offset 12 to a zero byte, then QTYPE and QCLASS.
    let mut pos = 12;
    let mut labels = Vec::new();
    while *query.get(pos)? != 0 {
        let len = usize::from(query[pos]);
        labels.push(String::from_utf8_lossy(query.get(pos + 1..pos + 1 + len)?).to_lowercase());
        pos += 1 + len;
    }
    let name = labels.join(".");
    let qtype = u16::from_be_bytes([*query.get(pos + 1)?, *query.get(pos + 2)?]);
    let question = query.get(12..pos + 5)?;
    let known = RECORDS.iter().find(|(n, _)| *n == name);
    let rdata: Option<Vec<u8>> = known.and_then(|(_, ip)| match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) if qtype == TYPE_A => Some(v4.octets().to_vec()),
        Ok(IpAddr::V6(v6)) if qtype == TYPE_AAAA => Some(v6.octets().to_vec()),
        _ => None,
    });
    let rcode = if known.is_some() { 0u8 } else { 3 };
    let mut out = Vec::new();
    out.extend_from_slice(&query[..2]); // id
    out.extend_from_slice(&[0x81, 0x80 | rcode]); // response, RD, RA
    out.extend_from_slice(&[0, 1, 0, u8::from(rdata.is_some()), 0, 0, 0, 0]);
    out.extend_from_slice(question);
    if let Some(rdata) = rdata {
        out.extend_from_slice(&[0xC0, 0x0C]); // the name: a pointer to the question
        out.extend_from_slice(&qtype.to_be_bytes());
        out.extend_from_slice(&[0, 1, 0, 0, 0, 60]); // class IN, TTL 60
        out.extend_from_slice(&u16::try_from(rdata.len()).ok()?.to_be_bytes());
        out.extend_from_slice(&rdata);
    }
    Some(out)
}
