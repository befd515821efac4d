//! The download offer: rdpcheck for Windows from the relay's `/downloads/` listing (PROTOCOL.md:
//! `{"files":[{"name","size","sha256"}]}`), with the command line that runs the same check from
//! the user's computer and compares it with this relay's (`rdpcheck probe HOST --relay URL`,
//! crates/rdpcheck-cli). Without the file in the listing the offer says how to get rdpcheck
//! instead, never a dead link. As escaped markup (`html::Out`), like the other read-only parts.

use rdpcheck_web_report::article::code_block;
use rdpcheck_web_report::html::Out;

use super::json;

/// Where the relay lists its downloads.
pub const LISTING_PATH: &str = "/downloads/";
/// The Windows build `cargo xtask dist` makes.
pub const WINDOWS_FILE: &str = "rdpcheck-windows-x86_64.exe";

/// The Windows build as the relay lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub size: u64,
    pub sha256: String,
}

/// The Windows build in a listing's text; `None` when it is not listed (or the text is not a
/// listing).
pub fn windows_offer(listing: &str) -> Option<Offer> {
    let v = json::parse(listing).ok()?;
    let files = json::object(&v).ok()?.get("files")?.as_array()?;
    files.iter().find_map(|f| {
        let f = json::object(f).ok()?;
        (f.str("name").ok()? == WINDOWS_FILE).then_some(())?;
        let sha256 = f.string("sha256").ok()?;
        let size = f.get("size")?.as_u64()?;
        sha256
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then_some(Offer { size, sha256 })
    })
}

/// `3.4 MiB`, `812 KiB`, `95 bytes` (integers only: the page has no float formatter).
pub fn size_words(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        format!("{}.{} MiB", tenths / 10, tenths % 10)
    } else if bytes >= KIB {
        format!("{} KiB", (bytes + KIB / 2) / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The target as the CLI takes it: what the user typed in the host field, `:PORT` added when
/// the port field has one (an IPv6 address in brackets); `HOST` when nothing is typed yet.
pub fn cli_target(host: &str, port: &str) -> String {
    let (host, port) = (host.trim(), port.trim());
    match (host.is_empty(), port.is_empty()) {
        (true, _) => "HOST".to_string(),
        (false, true) => host.to_string(),
        (false, false) if host.contains(':') && !host.starts_with('[') => {
            format!("[{host}]:{port}")
        }
        (false, false) => format!("{host}:{port}"),
    }
}

/// The command line that runs the check from the user's computer and compares it with this
/// relay's: `.\rdpcheck-windows-x86_64.exe probe TARGET --relay ORIGIN` (Command Prompt or
/// PowerShell, in the folder the file was saved to).
pub fn command_line(target: &str, origin: &str) -> String {
    format!(
        ".\\{WINDOWS_FILE} probe {target} --relay {}",
        origin.trim_end_matches('/')
    )
}

/// The offer as markup: the link, its size and SHA-256 and the command line, or how to get
/// rdpcheck when the relay does not offer it (`offer` is `None`).
pub fn offer_html(offer: Option<&Offer>, target: &str, origin: &str) -> String {
    let mut o = Out::new();
    o.m("<section class=\"download-offer\"><h3>Check from your own computer too</h3><p>rdpcheck for Windows runs the same check from your computer and compares it with this relay's: where the two differ is where the path breaks.</p>");
    match offer {
        Some(f) => {
            // The page's markup container leaves /downloads/ links to the browser.
            o.m("<p><a class=\"download\" href=\"")
                .t(LISTING_PATH)
                .t(WINDOWS_FILE)
                .m("\">Download ")
                .t(WINDOWS_FILE)
                .m("</a> <span class=\"muted\">")
                .t(&size_words(f.size))
                .m("</span></p><p class=\"hash\">SHA-256 <code class=\"wrap\">")
                .t(&f.sha256)
                .m("</code></p><p>Then, in a Command Prompt in the folder you saved it to:</p>");
            command(&mut o, &command_line(target, origin));
        }
        None => {
            o.m("<p>This relay offers no download. Get <code>")
                .t(WINDOWS_FILE)
                .m("</code> from whoever runs this relay, or build it from the rdpcheck sources with <code>cargo xtask dist</code>; then run:</p>");
            command(
                &mut o,
                &format!(
                    "rdpcheck probe {target} --relay {}",
                    origin.trim_end_matches('/')
                ),
            );
        }
    }
    o.m("</section>");
    o.0
}

/// A command with its copy button (wired by the page's markup container).
fn command(o: &mut Out, line: &str) {
    code_block(o, line, "Command Prompt");
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdpcheck_web_report::html::{audit, esc};

    const LISTING: &str = r#"{"files":[{"name":"rdpcheck-linux-x86_64","size":1,"sha256":"00"},
        {"name":"rdpcheck-windows-x86_64.exe","size":3565158,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}"#;

    #[test]
    fn the_windows_build_is_found_in_the_listing() {
        let o = windows_offer(LISTING).expect("listed");
        assert_eq!(o.size, 3_565_158);
        assert!(o.sha256.starts_with("9f86d0"));
        assert_eq!(windows_offer("{\"files\":[]}"), None);
        assert_eq!(windows_offer("not json"), None);
        assert_eq!(windows_offer("{\"files\":{}}"), None);
        // A hash that is not hex is not offered (it would be shown as a hash).
        assert_eq!(
            windows_offer(
                r#"{"files":[{"name":"rdpcheck-windows-x86_64.exe","size":1,"sha256":"<b>"}]}"#
            ),
            None
        );
    }

    #[test]
    fn sizes_and_targets_read_as_typed() {
        assert_eq!(size_words(3_565_158), "3.4 MiB");
        assert_eq!(size_words(2048), "2 KiB");
        assert_eq!(size_words(95), "95 bytes");
        assert_eq!(cli_target("rdp.example.com", ""), "rdp.example.com");
        assert_eq!(
            cli_target(" rdp.example.com ", "3390"),
            "rdp.example.com:3390"
        );
        assert_eq!(cli_target("2001:db8::1", "3389"), "[2001:db8::1]:3389");
        assert_eq!(cli_target("", "3389"), "HOST");
        assert_eq!(
            command_line("rdp.example.com:3389", "https://relay.example/"),
            ".\\rdpcheck-windows-x86_64.exe probe rdp.example.com:3389 --relay https://relay.example"
        );
    }

    #[test]
    fn the_offer_links_the_file_and_escapes_what_was_typed() {
        let evil = "\"><img src=x onerror=alert(1)>";
        let o = windows_offer(LISTING);
        let h = offer_html(o.as_ref(), evil, "http://127.0.0.1:8080");
        audit(&h).expect("our markup");
        assert!(h.contains("href=\"/downloads/rdpcheck-windows-x86_64.exe\""));
        assert!(h.contains("3.4 MiB") && h.contains("9f86d081884c7d65"));
        assert!(h.contains(&esc(&command_line(evil, "http://127.0.0.1:8080"))));
        let none = offer_html(None, "rdp.example.com", "http://127.0.0.1:8080");
        audit(&none).expect("our markup");
        assert!(!none.contains("href="), "no dead link: {none}");
        assert!(none.contains("rdpcheck probe rdp.example.com --relay http://127.0.0.1:8080"));
    }
}
