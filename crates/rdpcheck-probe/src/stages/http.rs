//! One HTTP/1.1 request over an established TLS stream, parsed by hyper. Never follows redirects.

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper::header::{HeaderValue, LOCATION, SERVER, WWW_AUTHENTICATE};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::time::{timeout_at, Instant};

use super::tls::Tls;
use crate::observe::HttpOutcome;

/// Send `method path` with `headers` and read the response head.
pub async fn request(
    tls: Tls,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    deadline: Instant,
) -> HttpOutcome {
    let method = match Method::from_bytes(method.as_bytes()) {
        Ok(m) => m,
        Err(e) => return HttpOutcome::Error(e.to_string()),
    };
    let exchange = async {
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| HttpOutcome::Error(e.to_string()))?;
        // The connection task ends when the response is read or the peer closes.
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("Host", host);
        for (name, value) in headers {
            req = req.header(*name, value.as_str());
        }
        let req = req
            .body(Empty::<Bytes>::new())
            .map_err(|e| HttpOutcome::Error(e.to_string()))?;
        let resp = sender.send_request(req).await.map_err(|e| {
            if e.is_incomplete_message() || e.is_canceled() || e.is_closed() {
                HttpOutcome::Closed(e.to_string())
            } else {
                HttpOutcome::Error(e.to_string())
            }
        })?;
        let text = |v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
        let schemes = resp
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .flat_map(|v| {
                let v = text(v);
                // "Negotiate, NTLM" or one scheme per header; a scheme may carry parameters.
                v.split(',')
                    .filter_map(|part| part.split_whitespace().next().map(str::to_string))
                    .filter(|s| !s.contains('='))
                    .collect::<Vec<_>>()
            })
            .collect();
        Ok::<_, HttpOutcome>(HttpOutcome::Response {
            status: resp.status().as_u16(),
            reason: resp.status().canonical_reason().unwrap_or("").to_string(),
            schemes,
            server: resp.headers().get(SERVER).map(text),
            location: resp.headers().get(LOCATION).map(text),
        })
    };
    match timeout_at(deadline, exchange).await {
        Err(_) => HttpOutcome::Timeout,
        Ok(Ok(outcome)) | Ok(Err(outcome)) => outcome,
    }
}
