//! Messages other clients print (Guacamole, mRemoteNG, the CredSSP dialog, AVD), recognised as
//! text anywhere in the input: each belongs to the code entry that lists it in `phrases`.

use super::build::build_match;
use super::tokens::Context;
use super::CodeMatch;
use crate::data::Kb;

/// ASCII lower case (no Unicode case tables in the page's wasm; the phrases are ASCII), whitespace
/// collapsed: dialogs wrap and copies add spaces.
fn normalise(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every entry one of whose phrases occurs in `input`, with the phrase that matched.
pub(super) fn phrase_matches(kb: &Kb, input: &str) -> Vec<(String, CodeMatch)> {
    let hay = normalise(input);
    let mut out = Vec::new();
    for (ti, t) in kb.tables.iter().enumerate() {
        for e in &t.entries {
            let Some(p) = e
                .phrases
                .iter()
                .map(|p| normalise(p))
                .find(|p| hay.contains(p))
            else {
                continue;
            };
            let m = build_match(kb, &p, ti, e.value, "message text".into(), Context::None);
            if let Some(mut m) = m {
                // A message's index is no number the user typed.
                m.also.clear();
                out.push((p, m));
            }
        }
    }
    out
}
