//! The download offer and the client choice on the check screen: a relay started with a
//! downloads folder holding `rdpcheck-windows-x86_64.exe` (a small stand-in file) offers it
//! below the form — link, size, SHA-256 and the command line for the host as typed and this
//! relay's URL — and again with a policy refusal; the client chosen in the form is the one the
//! verdict is judged for. (A relay without downloads says how to get rdpcheck instead: the
//! main test checks that, main.rs.)

use fantoccini::Locator;
use rdpcheck_labtests::certs::TestCert;
use rdpcheck_labtests::xrdp::{SecurityLayer, Xrdp};

use super::harness::{Relay, RelayOptions};
use super::{click, text_of, type_into, Driver};

/// SHA-256 of the stand-in file's bytes (`printf 'not really rdpcheck\n' | sha256sum`).
const BYTES: &[u8] = b"not really rdpcheck\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_screen_offers_the_windows_download_and_a_client_choice() {
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let port = xrdp.port.to_string();
    let downloads = tempfile::tempdir().expect("a temp dir");
    std::fs::write(downloads.path().join("rdpcheck-windows-x86_64.exe"), BYTES)
        .expect("write the stand-in download");
    let dir = downloads.path().display().to_string();
    let relay = Relay::start(RelayOptions::args(&[
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &port,
        "--downloads-dir",
        &dir,
    ]))
    .await;
    let listing = relay.get("/downloads/").await;
    let v: serde_json::Value = serde_json::from_str(&listing).expect("the listing");
    let sha256 = v["files"][0]["sha256"]
        .as_str()
        .expect("a hash")
        .to_string();
    let base = format!("http://127.0.0.1:{}", relay.port);

    let driver = Driver::start().await;
    let c = driver.browser(1280, 1400).await;
    c.goto(&format!("{base}/check")).await.expect("open /check");
    type_into(&c, "#check-host", "127.0.0.1").await;
    type_into(&c, "#check-port", &port).await;
    let offer = text_of(&c, ".check-form .download-offer a.download").await;
    assert!(offer.contains("rdpcheck-windows-x86_64.exe"), "{offer}");
    let href = c
        .find(Locator::Css(".download-offer a.download"))
        .await
        .expect("the link")
        .attr("href")
        .await
        .expect("its href");
    assert_eq!(
        href.as_deref(),
        Some("/downloads/rdpcheck-windows-x86_64.exe")
    );
    let box_text = text_of(&c, ".check-form .download-offer").await;
    assert!(box_text.contains(&sha256), "{box_text}");
    assert!(
        box_text.contains(&format!("{} bytes", BYTES.len())),
        "{box_text}"
    );
    let command = format!(".\\rdpcheck-windows-x86_64.exe probe 127.0.0.1:{port} --relay {base}");
    assert!(box_text.contains(&command), "{command} in {box_text}");
    c.execute(
        "document.querySelector('.download-offer').scrollIntoView();",
        vec![],
    )
    .await
    .expect("scroll to the offer");
    super::shot(&c, "4-download-offer.png").await;

    // The client choice: the verdict is judged for FreeRDP.
    click(
        &c,
        "#check-client option[value='freerdp']",
        "FreeRDP is a choice",
    )
    .await;
    click(&c, "form.check-form button[type=submit]", "run button").await;
    let verdict = text_of(&c, ".report-body #verdict-title").await;
    assert!(verdict.contains("FreeRDP"), "judged for FreeRDP: {verdict}");

    // A refusal (a port outside the policy) offers the download for the target as sent.
    type_into(&c, "#check-port", "1").await;
    click(&c, "form.check-form button[type=submit]", "run button").await;
    let error = text_of(&c, ".card.error h2").await;
    assert!(error.contains("not allowed to check"), "{error}");
    let refusal = text_of(&c, ".card.error + .card .download-offer").await;
    assert!(
        refusal.contains(".\\rdpcheck-windows-x86_64.exe probe 127.0.0.1:1 --relay"),
        "{refusal}"
    );
    assert!(
        c.find_all(Locator::Css(".download-offer"))
            .await
            .expect("offers")
            .len()
            == 1,
        "one offer at a time"
    );
    c.close().await.expect("close the session");
    drop(xrdp);
}
