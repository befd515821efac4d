//! Seeds for the fuzz corpora, made only from data the repository already holds, so
//! `cargo xtask fuzz --seed` rebuilds the same corpus anywhere:
//!
//! - byte decoders: the real-server transcripts (crates/rdpcheck-proto/tests/data/*.bin), the
//!   NTLM CHALLENGE cut out of the CredSSP transcript, the X.224 Disconnect that follows xrdp's
//!   TLS alert, and RDP-UDP SYN+ACKs laid out as MS-RDPEUDP 3.1.5.1.3 says (no real capture yet);
//! - `rdp_file`: the `.rdp` files of tests/data/rdp/;
//! - `target_addr`, `relay_target`: every string of the shared target table
//!   (tests/data/target_cases.rs) plus the relay's `xn--` cases;
//! - `wire_client_message`: relay/PROTOCOL.md's request and variants of it;
//! - `wire_server_message`: PROTOCOL.md's messages, and messages built from the real lab reports
//!   (crates/rdpcheck-words/tests/fixtures, web/tests/fixtures) the way the relay streams them:
//!   every stage result and finding, and the report itself; the reports as they are, too;
//! - `share_link`: the v1 share links (crates/rdpcheck-report/tests/data/v1_links.json) and
//!   signed-report JSON made from the lab reports.
//!
//! No JSON library (xtask has no dependencies): the fixtures are compact-printed and cut with
//! the small string-aware scanner of json.rs, which is enough for well-formed input.
//!
//! `proto.rs` seeds the byte decoders and the target grammar, `wire.rs` the messages, reports and
//! share links; this file picks a target's seeds and reads the repository's files.

use std::collections::BTreeSet;
use std::path::Path;

mod json;
mod proto;
mod wire;

#[cfg(test)]
mod tests;

/// One seed: a file name (for people reading the seed directory) and its bytes.
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
}

const PROTO_DATA: &str = "crates/rdpcheck-proto/tests/data";

/// The seeds of `target`; an unknown target has none (it starts from an empty corpus).
pub fn seeds(root: &Path, target: &str) -> Result<Vec<Seed>, String> {
    let mut seeds = match target {
        "x224_reply" | "tls_server_reply" | "ts_request" | "ntlm_challenge" | "rdpudp_synack" => {
            let mut s = proto::transcripts(root)?;
            s.extend(match target {
                "x224_reply" => proto::x224_after_alert(root)?,
                "ntlm_challenge" => proto::ntlm_challenge(root)?,
                "rdpudp_synack" => proto::syn_acks(),
                _ => Vec::new(),
            });
            s
        }
        "rdp_file" => files(&root.join(PROTO_DATA).join("rdp"), "rdp")?,
        "target_addr" | "relay_target" => proto::targets(root)?,
        "wire_client_message" => wire::client_messages(root)?,
        "wire_server_message" => wire::server_messages(root)?,
        "share_link" => wire::share_links(root)?,
        _ => Vec::new(),
    };
    let mut seen = BTreeSet::new();
    seeds.retain(|s| seen.insert(s.bytes.clone()));
    Ok(seeds)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn seed(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Seed {
    Seed {
        name: name.into(),
        bytes: bytes.into(),
    }
}

/// Every `*.ext` file of `dir`, sorted by name.
fn files(dir: &Path, ext: &str) -> Result<Vec<Seed>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            Ok(seed(name.unwrap_or_default(), read(p)?))
        })
        .collect()
}
