//! What the listener holds against a client that opens many connections or never finishes a
//! request: the per-client and total caps, the header deadline, the idle deadline, the open-file
//! limit. "Another client" is another loopback source address (127.0.0.2): on Linux the whole
//! 127.0.0.0/8 is this host. Every flood here is bounded in count, and every wait in time.

use crate::harness::http::metric_sample;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{connect_from, get_request, raw_http, Relay, RelayOptions, STEP};

const OTHER_CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

/// Read until the relay closes the connection (EOF or reset); how long that took from `since`,
/// or `None` if it stayed open for `limit`.
async fn closed_after(mut stream: TcpStream, since: Instant, limit: Duration) -> Option<Duration> {
    let mut buf = [0u8; 4096];
    let end = since + limit;
    loop {
        match tokio::time::timeout_at(end.into(), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(since.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

/// Whether an answer is the relay turning a connection away: its one-line 503, or (when the
/// request arrived after the relay closed) a reset or an empty answer.
fn turned_away(answer: &Result<(u16, String), String>) -> bool {
    match answer {
        Ok((503, body)) => body.contains("connections"),
        Ok(_) => false,
        Err(e) => e.contains("reset") || e.contains("no end of headers") || e.contains("write"),
    }
}

/// A sample's value in Prometheus text; 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    metric_sample(text, series).unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_half_requests_is_capped_timed_out_and_healthz_answers_others() {
    const FLOOD: usize = 300;
    const CAP: usize = 20;
    let mut relay = Relay::start(RelayOptions::default().with_config(&format!(
        "[limits]\nmax_connections_per_client = {CAP}\nheader_timeout_s = 2\n"
    )))
    .await;
    let port = relay.port;
    let half = format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");

    // FLOOD connections from 127.0.0.1, each sending half a request head and then nothing.
    let start = Instant::now();
    let mut watchers = Vec::new();
    for _ in 0..FLOOD {
        let mut s = tokio::time::timeout(STEP, connect_from(None, port))
            .await
            .expect("connect in time")
            .expect("connect");
        // A connection turned away may already be closed: the write may fail, that is fine.
        let _ = s.write_all(half.as_bytes()).await;
        watchers.push(tokio::spawn(closed_after(
            s,
            start,
            Duration::from_secs(15),
        )));
    }
    let opened = start.elapsed();

    // While the flood is held: another client gets /healthz, the flooding one a 503.
    let t = Instant::now();
    let (status, body) = raw_http(
        port,
        Some(OTHER_CLIENT),
        &get_request("/healthz", &format!("127.0.0.1:{port}")),
    )
    .await
    .expect("healthz from another client during the flood");
    let healthz_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    let answer = raw_http(
        port,
        None,
        &get_request("/healthz", &format!("127.0.0.1:{port}")),
    )
    .await;
    assert!(turned_away(&answer), "the flooding client got {answer:?}");

    let mut ends = Vec::new();
    for w in watchers {
        ends.push(w.await.expect("watcher"));
    }
    let still_open = ends.iter().filter(|e| e.is_none()).count();
    assert_eq!(still_open, 0, "connections the relay never closed");
    let mut ends: Vec<Duration> = ends.into_iter().flatten().collect();
    ends.sort();
    // The ones over the cap are closed at once; the CAP held ones by the header deadline (2 s).
    let held: Vec<&Duration> = ends
        .iter()
        .filter(|d| **d >= Duration::from_millis(1500))
        .collect();
    eprintln!(
        "flood: {FLOOD} opened in {opened:?}; healthz from another client in {healthz_ms:.1} ms; \
         {} closed at once, {} held until {:?}",
        ends.len() - held.len(),
        held.len(),
        ends.last()
    );
    assert_eq!(held.len(), CAP, "held connections: {ends:?}");
    assert!(
        held.iter().all(|d| **d < Duration::from_secs(8)),
        "the header deadline did not close them in time: {held:?}"
    );

    // The client may connect again once its connections are gone.
    let text = relay.get("/metrics").await;
    assert!(
        sample(
            &text,
            "rdpcheck_connections_refused_total{reason=\"per_client\"}"
        ) >= (FLOOD - CAP) as f64,
        "{text}"
    );
    assert!(
        sample(
            &text,
            "rdpcheck_connections_timed_out_total{reason=\"header_timeout\"}"
        ) >= CAP as f64,
        "{text}"
    );
    relay.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_deadline_closes_silent_trickling_and_idle_keep_alive_connections() {
    let relay = Relay::start(
        RelayOptions::default()
            .with_config("[limits]\nheader_timeout_s = 1\nidle_timeout_s = 30\n"),
    )
    .await;
    let port = relay.port;
    let limit = Duration::from_secs(6);

    // Connected, nothing sent.
    let start = Instant::now();
    let silent = connect_from(None, port).await.expect("connect");
    let silent = tokio::spawn(closed_after(silent, start, limit));

    // A head that trickles in, a byte every 200 ms, never finishing: the deadline is for the
    // whole head, not between bytes.
    let mut trickle = connect_from(None, port).await.expect("connect");
    let trickle_start = Instant::now();
    let trickled = async {
        for b in b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if trickle.write_all(&[*b]).await.is_err() {
                return Some(trickle_start.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None
    };
    let cut = tokio::time::timeout(limit, trickled)
        .await
        .expect("bounded")
        .expect("the relay let a head trickle in for longer than the whole loop");

    // A keep-alive connection after one answer: the next head must come within the deadline too.
    let mut keep = connect_from(None, port).await.expect("connect");
    keep.write_all(format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut buf = vec![0u8; 8192];
    let n = tokio::time::timeout(STEP, keep.read(&mut buf))
        .await
        .expect("an answer in time")
        .expect("read");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let answered = Instant::now();
    let keep = closed_after(keep, answered, limit).await;

    let silent = silent.await.expect("silent");
    eprintln!("header deadline 1 s: silent closed after {silent:?}, trickle cut after {cut:?}, keep-alive idle closed after {keep:?}");
    // The keep-alive clock starts when the relay has written its answer, a little before this
    // side has read it.
    for (what, after, at_least) in [("silent", silent, 900), ("keep-alive", keep, 500)] {
        let after = after.unwrap_or_else(|| panic!("{what}: still open after {limit:?}"));
        assert!(
            after >= Duration::from_millis(at_least) && after < Duration::from_secs(4),
            "{what}: closed after {after:?}"
        );
    }
    assert!(
        cut >= Duration::from_millis(900) && cut < Duration::from_secs(4),
        "trickle: cut after {cut:?}"
    );
}

/// A client that pipelines requests and never reads the answers: the relay's writes fill the
/// socket buffers and stop, nothing moves, and the idle deadline closes the connection (the
/// header deadline does not apply: the relay is not waiting for a head).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_deadline_closes_a_connection_that_stops_reading_its_answers() {
    let relay = Relay::start(
        RelayOptions::default()
            .with_config("[limits]\nheader_timeout_s = 60\nidle_timeout_s = 1\n"),
    )
    .await;
    let port = relay.port;
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    socket.set_tcp_mss(536).expect("TCP_MAXSEG");
    socket
        .connect(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())
        .expect("connect");
    socket.set_nonblocking(true).expect("nonblocking");
    let mut s = TcpStream::from_std(socket.into()).expect("tokio stream");
    let one = format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    let pipelined = one.repeat(4000);
    let start = Instant::now();
    // The writes stop too once the relay stops reading; they end when it closes.
    let writer = tokio::spawn(async move {
        let _ =
            tokio::time::timeout(Duration::from_secs(15), s.write_all(pipelined.as_bytes())).await;
        s
    });
    let deadline = start + Duration::from_secs(10);
    let closed_after = loop {
        let text = relay.get("/metrics").await;
        if sample(
            &text,
            "rdpcheck_connections_timed_out_total{reason=\"idle_timeout\"}",
        ) >= 1.0
        {
            break start.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "not closed by the idle deadline: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!("a client that does not read its answers: closed after {closed_after:?}");
    assert!(
        closed_after >= Duration::from_millis(900),
        "{closed_after:?}"
    );
    drop(writer.await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_total_cap_turns_away_new_connections_and_recovers() {
    let relay = Relay::start(RelayOptions::default().with_config(
        "[limits]\nmax_connections = 8\nmax_connections_per_client = 100\nheader_timeout_s = 30\n",
    ))
    .await;
    let port = relay.port;
    let host = format!("127.0.0.1:{port}");
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(connect_from(None, port).await.expect("connect"));
    }
    // Give the relay a moment to accept them all.
    let deadline = Instant::now() + STEP;
    loop {
        let answer = raw_http(port, Some(OTHER_CLIENT), &get_request("/healthz", &host)).await;
        if turned_away(&answer) {
            if let Ok((_, body)) = &answer {
                assert!(body.contains("as many connections as it allows"), "{body}");
            }
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the 9th connection was never turned away: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(held);
    let deadline = Instant::now() + STEP;
    loop {
        if let Ok((200, _)) =
            raw_http(port, Some(OTHER_CLIENT), &get_request("/healthz", &host)).await
        {
            break;
        }
        assert!(Instant::now() < deadline, "the slots did not come back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_soft_open_file_limit_is_raised_to_the_hard_limit() {
    let relay = Relay::start(RelayOptions {
        soft_nofile: Some(256),
        ..RelayOptions::default()
    })
    .await;
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", relay.pid())).expect("limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("a Max open files line");
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (soft, hard) = (fields[3], fields[4]);
    eprintln!("relay: {line}");
    assert_eq!(soft, hard, "{line}");
    assert_ne!(soft, "256", "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_head_is_refused() {
    let relay = Relay::start(RelayOptions::default()).await;
    let port = relay.port;
    let big = format!(
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(40 * 1024)
    );
    let (status, _) = raw_http(port, None, &big).await.expect("an answer");
    assert_eq!(status, 431);
    let small = format!(
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(8 * 1024)
    );
    let (status, _) = raw_http(port, None, &small).await.expect("an answer");
    assert_eq!(status, 200);
}
