//! A plain HTTP/1.1 GET over a raw TCP stream (chunked bodies decoded), bounded by [`STEP`].

use std::net::{Ipv4Addr, SocketAddr};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::STEP;

/// Send `request` as written (all of it, then nothing) over a new TCP connection to the relay,
/// from `source` (any 127.0.0.0/8 address is this host; another one is another client), and
/// read the answer to its end: (status, body). Bounded by [`STEP`].
pub async fn raw_http(
    port: u16,
    source: Option<std::net::IpAddr>,
    request: &str,
) -> Result<(u16, String), String> {
    let work = async {
        let mut stream = connect_from(source, port)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| format!("read: {e}"))?;
        parse_response(&raw)
    };
    tokio::time::timeout(STEP, work)
        .await
        .map_err(|_| format!("no answer within {STEP:?}"))?
}

/// A TCP connection to the relay on 127.0.0.1:`port`, from `source` if given.
pub async fn connect_from(
    source: Option<std::net::IpAddr>,
    port: u16,
) -> std::io::Result<TcpStream> {
    let relay = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    match source {
        None => TcpStream::connect(relay).await,
        Some(ip) => {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::new(ip, 0))?;
            socket.connect(relay).await
        }
    }
}

/// `GET path` with `Host: host` and `Connection: close`, as one raw request.
pub fn get_request(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

/// A plain HTTP/1.1 GET over a raw TCP stream: (status, body).
pub async fn try_http_get(
    port: u16,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<(u16, String), String> {
    let work = async {
        let mut stream = TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let mut request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| format!("read: {e}"))?;
        parse_response(&raw)
    };
    tokio::time::timeout(STEP, work)
        .await
        .map_err(|_| format!("GET {path} timed out after {STEP:?}"))?
}

fn parse_response(raw: &[u8]) -> Result<(u16, String), String> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no end of headers in {text:?}"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> Result<String, String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body
            .split_once("\r\n")
            .ok_or_else(|| format!("bad chunk in {body:?}"))?;
        let size =
            usize::from_str_radix(size.trim(), 16).map_err(|e| format!("chunk size: {e}"))?;
        if size == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..size).ok_or("short chunk")?);
        body = rest.get(size + 2..).ok_or("short chunk")?;
    }
}

/// The value of the sample `series` (`name` or `name{labels}`) in the Prometheus text of
/// `/metrics`, if present.
pub fn metric_sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}
