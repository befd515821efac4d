//! One load of one screen in a fresh browser session: the Resource Timing entries of the
//! navigation and every resource, and the page's own marks, once the page is ready.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::screens::Screen;
use crate::servers::Driver;
use crate::{MARK_GRACE, STEP};

/// What the browser reports for one load.
const COLLECT: &str = r#"
const pick = (e) => ({
  name: e.name, type: e.initiatorType || "navigation", transfer: e.transferSize,
  encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  encoding: e.contentEncoding === undefined ? null : e.contentEncoding,
  protocol: e.nextHopProtocol, end: e.responseEnd,
});
const mark = (n) => { const m = performance.getEntriesByName(n, "mark")[0]; return m ? m.startTime : null; };
const nav = performance.getEntriesByType("navigation")[0];
return {
  ready: document.readyState,
  nav: pick(nav),
  dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
  resources: performance.getEntriesByType("resource").map(pick),
  marks: Object.fromEntries(arguments[0].map((n) => [n, mark(n)])),
  interactive_ok: document.querySelector("main a, main button, main textarea, main input") !== null,
  shown: document.querySelector(arguments[1]) !== null,
};
"#;

#[derive(Debug, Clone)]
pub struct Entry {
    pub path: String,
    pub transfer: u64,
    pub encoded: u64,
    pub decoded: u64,
    pub encoding: String,
    pub protocol: String,
}

#[derive(Debug, Clone)]
pub struct Load {
    pub entries: Vec<Entry>,
    pub marks: BTreeMap<String, f64>,
    pub dcl: f64,
    pub load: f64,
}

fn entry(v: &Value) -> Entry {
    let n = |k: &str| v[k].as_f64().unwrap_or(0.0) as u64;
    let name = v["name"].as_str().unwrap_or_default();
    let path = name
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| name.to_string());
    Entry {
        path,
        transfer: n("transfer"),
        encoded: n("encoded"),
        decoded: n("decoded"),
        encoding: match &v["encoding"] {
            Value::String(s) if s.is_empty() => "identity".into(),
            Value::String(s) => s.clone(),
            _ => "?".into(),
        },
        protocol: v["protocol"].as_str().unwrap_or_default().to_string(),
    }
}

pub async fn load_once(driver: &Driver, url: &str, screen: &Screen) -> Result<Load, String> {
    let profile = tempfile::Builder::new()
        .prefix("rdpcheck-bench-page-profile-")
        .tempdir()
        .map_err(|e| format!("profile dir: {e}"))?;
    let client = driver.browser(profile.path()).await?;
    let result = measure(&client, url, screen).await;
    let _ = client.close().await;
    result
}

async fn measure(client: &Client, url: &str, screen: &Screen) -> Result<Load, String> {
    let marks = screen.marks;
    client
        .goto(url)
        .await
        .map_err(|e| format!("open {url}: {e}"))?;
    let args = vec![serde_json::json!(marks), serde_json::json!(screen.ready)];
    let deadline = Instant::now() + STEP;
    // Ready: every mark set, the document loaded, and no new resource for 300 ms.
    let mut last_count = usize::MAX;
    let mut stable_since = Instant::now();
    let mut loaded_at = None;
    loop {
        let v = client
            .execute(COLLECT, args.clone())
            .await
            .map_err(|e| format!("read timings: {e}"))?;
        let count = v["resources"].as_array().map_or(0, Vec::len);
        if count != last_count {
            last_count = count;
            stable_since = Instant::now();
        }
        let all_marks = marks.iter().all(|m| v["marks"][m].is_number());
        let complete = v["ready"] == "complete";
        if complete && loaded_at.is_none() {
            loaded_at = Some(Instant::now());
        }
        // A page without the marks (built before them) is measured without its times.
        let unmarked = loaded_at.is_some_and(|t| t.elapsed() > MARK_GRACE);
        if (all_marks || unmarked)
            && v["shown"] == true
            && complete
            && stable_since.elapsed() > Duration::from_millis(300)
        {
            if v["interactive_ok"] != true {
                return Err(format!(
                    "{url}: marked interactive but nothing to use on it"
                ));
            }
            let mut entries = vec![entry(&v["nav"])];
            entries.extend(v["resources"].as_array().into_iter().flatten().map(entry));
            let marks = marks
                .iter()
                .filter_map(|m| Some((m.to_string(), v["marks"][m].as_f64()?)))
                .collect();
            return Ok(Load {
                entries,
                marks,
                dcl: v["dcl"].as_f64().unwrap_or(0.0),
                load: v["load"].as_f64().unwrap_or(0.0),
            });
        }
        if Instant::now() > deadline {
            return Err(format!("{url}: not ready within {STEP:?}: {v}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
