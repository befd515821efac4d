//! A saved connection read on the check screen, as a user would: the .rdp file's text pasted
//! into the form (the browser reads it, nothing is uploaded) fills host and port and says what
//! Windows shows when the file is opened — unsigned: "Caution: Unknown remote connection" — and
//! what it asks to share; the link opens the knowledge-base article on signing .rdp files.

use fantoccini::Locator;

use super::harness::{Relay, RelayOptions};
use super::{click, text_of, type_into, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_rdp_file_says_what_windows_shows_and_what_it_asks_for() {
    let relay = Relay::start(RelayOptions::args(&[])).await;
    let base = format!("http://127.0.0.1:{}", relay.port);
    let driver = Driver::start().await;
    let c = driver.browser(1280, 1200).await;
    c.goto(&format!("{base}/check")).await.expect("open /check");
    click(&c, ".rdp-file details summary", "the paste box").await;
    type_into(
        &c,
        "#check-rdp-text",
        "full address:s:rdp.example.test:3390\nredirectclipboard:i:1\ndrivestoredirect:s:*\nredirectsmartcards:i:0\n",
    )
    .await;
    click(&c, ".rdp-file details button", "the fill button").await;
    let note = text_of(&c, ".rdp-file .note").await;
    assert!(note.contains("rdp.example.test:3390"), "{note}");
    assert!(
        note.contains("Signature: unsigned") && note.contains("Caution: Unknown remote connection"),
        "{note}"
    );
    assert!(
        note.contains(
            "Asks to share: Drives (drivestoredirect:s:*); Clipboard (redirectclipboard:i:1)"
        ),
        "{note}"
    );
    let host = c
        .find(Locator::Css("#check-host"))
        .await
        .expect("host field")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(host.as_deref(), Some("rdp.example.test"));
    super::shot(&c, "5-rdp-file-unsigned.png").await;

    click(&c, ".rdp-file .note a", "the article link").await;
    let title = text_of(&c, "main h1, main h2").await;
    assert!(title.contains("Unknown remote connection"), "{title}");
    let article = text_of(&c, "main").await;
    assert!(article.contains("rdpsign"), "the fix is named: {article}");
    c.close().await.expect("close the session");
}
