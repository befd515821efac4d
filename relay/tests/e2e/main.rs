//! End to end in a real browser: the real relay serving the built page, a real xrdp on
//! loopback, headless Chromium driven through chromedriver. The browser types the host, runs
//! the check, sees the stages stream and the verdict, then opens the share link in a fresh
//! browser session and sees the same report, verified by WebCrypto, and once more with WebCrypto's
//! Ed25519 taken away, verified by the page's own verifier loaded on demand. Before that, the home
//! and explain screens (the knowledge base arrives as a file of its own, with the module that
//! writes those screens, web/kb; the home screen fetches neither). The reports are rendered
//! by the page's report module (web/report), which the page loads only when a check starts or a
//! report is shown: the home and explain screens never fetch it. Screenshots go to
//! tests/output/e2e/.
//!
//! Needs the page built into the relay (`cargo xtask test` builds it first) and Debian's
//! chromium + chromium-driver; it fails loudly, never skips, when either is missing.
//! Over the ~400-line rule on purpose: one browser journey, step after step, in one file.

mod downloads;
#[allow(dead_code)]
#[path = "../ws/harness.rs"]
mod harness;
mod rdp_file;
mod vantage;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use harness::{public_key, Relay, RelayOptions};
use rdpcheck_labtests::certs::TestCert;
use rdpcheck_labtests::process::free_port;
use rdpcheck_labtests::xrdp::{SecurityLayer, Xrdp};

const WAIT: Duration = Duration::from_secs(30);

/// chromedriver (and the browsers it starts) in its own process group, killed on drop; the
/// browser profiles are temp dirs removed on drop.
struct Driver {
    child: Child,
    port: u16,
    profiles: std::sync::Mutex<Vec<tempfile::TempDir>>,
}

impl Driver {
    async fn start() -> Driver {
        let bin = "/usr/bin/chromedriver";
        assert!(
            std::path::Path::new(bin).exists(),
            "{bin} is missing: apt-get install chromium chromium-driver (cargo xtask test installs it)"
        );
        let port = free_port();
        let child = Command::new(bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let start = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Driver {
            child,
            port,
            profiles: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// A new browser session with its own empty profile (a fresh browser context).
    async fn browser(&self, width: u32, height: u32) -> Client {
        let profile = std::env::temp_dir().join(format!(
            "rdpcheck-e2e-{}-{}",
            std::process::id(),
            free_port()
        ));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a chromedriver session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started, even after a
        // failed assertion left a session open.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let _ = self.child.wait();
        // Only now, with every browser gone, remove their profiles.
        if let Ok(mut profiles) = self.profiles.lock() {
            profiles.clear();
        }
    }
}

fn output_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/output/e2e");
    std::fs::create_dir_all(&dir).expect("create tests/output/e2e");
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(output_dir().join(name), png).expect("write screenshot");
}

/// The URLs of every resource the page fetched so far (Resource Timing).
async fn resources(c: &Client) -> Vec<String> {
    let v = c
        .execute(
            "return performance.getEntriesByType('resource').map((e) => e.name);",
            vec![],
        )
        .await
        .expect("resource timing");
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
        .text()
        .await
        .expect("element text")
}

/// Clicks the element at `css` (`what` names it in a failure).
async fn click(c: &Client, css: &str, what: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what} ({css}) is missing: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("{what} ({css}) cannot be clicked: {e}"));
}

async fn type_into(c: &Client, css: &str, value: &str) {
    let el = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .expect(css);
    el.clear().await.expect("clear");
    el.send_keys(value).await.expect("type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_a_real_host_and_share_the_verified_result() {
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let port = xrdp.port.to_string();
    let relay = Relay::start(RelayOptions::args(&[
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &port,
    ]))
    .await;
    let health = relay.get("/healthz").await;
    assert!(
        health.contains("\"page_built\":true"),
        "the relay was built without the page: run `trunk build --release` first (cargo xtask test does)\n{health}"
    );
    let (key_id, _) = public_key(&relay).await;
    let driver = Driver::start().await;
    let base = format!("http://127.0.0.1:{}", relay.port);

    // 0. Home, then the explain screen, which fetches the knowledge base when it needs it.
    let c = driver.browser(1280, 1000).await;
    c.goto(&format!("{base}/")).await.expect("open /");
    text_of(&c, "#paste-text").await;
    let interactive = c
        .execute(
            "const m = performance.getEntriesByName('rdpcheck:interactive')[0]; return m ? m.startTime : null;",
            vec![],
        )
        .await
        .expect("read the mark");
    eprintln!("home interactive {interactive} ms after navigation start (performance mark)");
    shot(&c, "0-home.png").await;
    assert!(
        !resources(&c)
            .await
            .iter()
            .any(|r| r.contains("rdpcheck-report")
                || r.contains("rdpcheck-kbview")
                || r.contains("/kb-")),
        "the home screen loads neither the report module nor the knowledge base and its module"
    );
    c.goto(&format!("{base}/explain?q=0x904%200x7"))
        .await
        .expect("open /explain");
    let meaning = text_of(&c, "#meaning-title").await;
    assert!(meaning.contains("What it means"), "{meaning}");
    let explained = text_of(&c, "main").await;
    assert!(
        explained.contains("0x904") && explained.contains("Together:"),
        "the 0x904 + 0x7 explanation: {explained}"
    );
    assert!(
        resources(&c).await.iter().any(|r| r.contains("/kb-")),
        "the knowledge base came as a file of its own"
    );
    assert!(
        resources(&c)
            .await
            .iter()
            .any(|r| r.contains("/rdpcheck-kbview-")),
        "the explain screen was written by the knowledge-base module"
    );
    shot(&c, "0-explain.png").await;
    assert!(
        !resources(&c)
            .await
            .iter()
            .any(|r| r.contains("rdpcheck-report")),
        "the explain screen does not load the report module"
    );
    // The explain screen's own check: the causes are marked with what it found (the findings and
    // stage results the relay streamed), and its report shows below.
    type_into(&c, "#check-host", "127.0.0.1").await;
    type_into(&c, "#check-port", &port).await;
    click(
        &c,
        "form.check-form button[type=submit]",
        "the explain screen's run button",
    )
    .await;
    let explained_verdict = text_of(&c, ".report-body #verdict-title").await;
    assert!(explained_verdict.contains("Healthy"), "{explained_verdict}");
    let marks = c
        .find_all(Locator::Css("ol.causes .seen"))
        .await
        .expect("the causes' evidence");
    assert!(
        !marks.is_empty(),
        "the causes are marked with the check's evidence"
    );
    let note = text_of(&c, "#causes-title + p.note").await;
    assert!(
        note.contains("Marked with the result of your check"),
        "{note}"
    );
    c.execute(
        "document.querySelector('ol.causes').scrollIntoView();",
        vec![],
    )
    .await
    .expect("scroll to the causes");
    shot(&c, "0-explain-marked.png").await;
    // In-page navigation to a code table of the knowledge base (already loaded).
    click(
        &c,
        "a[href='/kb/codes/client']",
        "a link to the client code table",
    )
    .await;
    let row = text_of(&c, "table.codes tr#code-0x904").await;
    assert!(row.contains("0x904"), "{row}");
    shot(&c, "0-kb-table.png").await;
    // Opened directly (a fresh load: the knowledge base arrives after the screen is chosen), a
    // code table and an article show their content, not "not found".
    let article = c
        .find(Locator::Css("table.codes tr#code-0x904 a[href^='/kb/']"))
        .await
        .expect("an article link in the row")
        .attr("href")
        .await
        .expect("its href")
        .expect("an href");
    c.goto(&format!("{base}/kb/codes/client"))
        .await
        .expect("open a code table directly");
    let row = text_of(&c, "table.codes tr#code-0x904").await;
    assert!(row.contains("0x904"), "{row}");
    c.goto(&format!("{base}{article}"))
        .await
        .expect("open an article directly");
    let title = text_of(&c, "#article-title").await;
    assert!(!title.is_empty(), "the article {article} shows its title");

    // 1. Open the check screen; measure the time until the form is usable.
    let start = Instant::now();
    c.goto(&format!("{base}/check")).await.expect("open /check");
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#check-host"))
        .await
        .expect("the form renders");
    eprintln!("page interactive after {:?}", start.elapsed());
    // This relay has no downloads: the offer says how to get rdpcheck, with no link.
    let offer = text_of(&c, ".check-form .download-offer").await;
    assert!(offer.contains("offers no download"), "{offer}");
    assert!(
        c.find_all(Locator::Css(".download-offer a"))
            .await
            .expect("links")
            .is_empty(),
        "no dead link"
    );
    type_into(&c, "#check-host", "127.0.0.1").await;
    type_into(&c, "#check-port", &port).await;
    click(&c, "button[type=submit]", "run button").await;

    // 2. Stages stream in, then the verdict.
    let first_stage = text_of(&c, ".stage-list li").await;
    c.execute("document.querySelector('.live').scrollIntoView();", vec![])
        .await
        .expect("scroll to the progress");
    shot(&c, "1-running.png").await;
    assert!(
        !first_stage.trim().is_empty(),
        "a stage row appears while the check runs"
    );
    let verdict = text_of(&c, "#verdict-title").await;
    shot(&c, "1-verdict.png").await;
    assert!(
        verdict.contains("Healthy"),
        "verdict for a working xrdp: {verdict:?}"
    );
    let timeline = text_of(&c, "#timeline-title").await;
    assert!(timeline.contains("Timeline"));
    let page = c.source().await.expect("page source");
    for stage in ["security_layers", "stability", "udp"] {
        assert!(page.contains(stage), "the report shows the {stage} stage");
    }
    // The report module rendered it: its markup is in the page's container, and the module
    // came under its content-hashed name.
    let rendered = text_of(&c, ".report-body .verdict").await;
    assert!(rendered.contains("Healthy"), "{rendered}");
    let stages = c
        .find_all(Locator::Css(".report-body table.stages tbody tr"))
        .await
        .expect("the stages table");
    assert!(stages.len() >= 7, "one row per stage: {}", stages.len());
    let loaded = resources(&c).await;
    assert!(
        loaded
            .iter()
            .any(|r| r.contains("/rdpcheck-report-") && r.ends_with("_bg.wasm")),
        "the report module was loaded: {loaded:?}"
    );
    let markdown = text_of(&c, ".share .actions").await;
    assert!(markdown.contains("Copy as Markdown"), "{markdown}");

    // 3. The share link, opened in a fresh browser session, shows the same report, verified.
    let link = c
        .find(Locator::Css("#share-link"))
        .await
        .expect("share link field")
        .prop("value")
        .await
        .expect("its value")
        .expect("a link");
    assert!(
        link.starts_with(&format!("{base}/r#v1.")),
        "share link format: {link}"
    );
    c.close().await.expect("close the first session");

    let fresh = driver.browser(390, 900).await;
    fresh.goto(&link).await.expect("open the share link");
    let banner = text_of(&fresh, ".banner").await;
    shot(&fresh, "2-shared-verified-phone.png").await;
    assert!(
        banner.contains(&format!("Signed by relay {key_id} — verified")),
        "banner on the shared report: {banner:?}"
    );
    let shared_verdict = text_of(&fresh, "#verdict-title").await;
    assert_eq!(
        shared_verdict, verdict,
        "the shared report shows the same verdict"
    );
    assert!(
        !resources(&fresh)
            .await
            .iter()
            .any(|r| r.contains("rdpcheck-verify")),
        "WebCrypto checked it: the fallback verifier was not loaded"
    );
    let shared_loaded = resources(&fresh).await;
    assert!(
        shared_loaded.iter().any(|r| r.contains("/kb-"))
            && !shared_loaded.iter().any(|r| r.contains("rdpcheck-kbview")),
        "a report needs the knowledge base's text (its fixes), not the knowledge-base module: {shared_loaded:?}"
    );

    // 3b. A browser without Ed25519 in WebCrypto: the page loads its own verifier, and the link
    // still verifies. (WebCrypto's importKey is made to refuse Ed25519, then the link is opened
    // in-page, as the router does for a link followed inside the page.)
    let path = link.trim_start_matches(&base).to_string();
    fresh.goto(&format!("{base}/")).await.expect("back home");
    text_of(&fresh, "#paste-text").await;
    fresh
        .execute(
            "crypto.subtle.importKey = () => Promise.reject(new DOMException('no Ed25519', 'NotSupportedError'));\n\
             history.pushState(null, '', arguments[0]);\n\
             dispatchEvent(new PopStateEvent('popstate'));",
            vec![serde_json::json!(path)],
        )
        .await
        .expect("take Ed25519 away and open the link");
    let banner = text_of(&fresh, ".banner").await;
    assert!(
        banner.contains(&format!("Signed by relay {key_id} — verified")),
        "banner with the fallback verifier: {banner:?}"
    );
    assert!(
        resources(&fresh)
            .await
            .iter()
            .any(|r| r.contains("/rdpcheck-verify-") && r.ends_with("_bg.wasm")),
        "the fallback verifier was loaded"
    );
    shot(&fresh, "2-shared-verified-fallback-phone.png").await;

    // 4. A link whose report was edited is not verified.
    let (head, payload) = link.split_once("#v1.").expect("fragment");
    let tampered = match tamper(payload) {
        Some(p) => format!("{head}#v1.{p}"),
        None => panic!("could not re-encode the link"),
    };
    fresh
        .goto(&format!("{base}/"))
        .await
        .expect("leave the page");
    fresh.goto(&tampered).await.expect("open the tampered link");
    let banner = text_of(&fresh, ".banner").await;
    shot(&fresh, "3-shared-tampered-phone.png").await;
    assert!(
        banner.contains("Not verified"),
        "banner on a tampered link: {banner:?}"
    );
    fresh.close().await.expect("close the second session");
    drop(xrdp);
}

/// Decode a link, change one character of the signed report's text (still a valid report),
/// re-encode it.
fn tamper(payload: &str) -> Option<String> {
    let mut signed = rdpcheck_report::share::decode(&format!("v1.{payload}")).ok()?;
    let edited = signed
        .report
        .replacen("reach the logon", "reach the log0n", 1);
    if edited == signed.report {
        return None;
    }
    signed.report = edited;
    Some(
        rdpcheck_report::share::encode(&signed)
            .trim_start_matches("v1.")
            .to_string(),
    )
}
