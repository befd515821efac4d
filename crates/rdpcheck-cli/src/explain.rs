//! `rdpcheck explain WORDS...`: explains Remote Desktop error codes using the knowledge base.

use std::io::Write as _;

use rdpcheck_kb::{explain, render_text, ExplainError, EXAMPLE_INPUT};

/// Writes to stdout, ignoring a closed pipe (`rdpcheck explain 0x904 | head`).
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Joins `words`, explains them and prints the answer to stdout (plain text, or one JSON document
/// with `json`). Returns the exit code: 0 when everything was understood, 2 when nothing or only
/// part of the input was understood (what was not understood goes to stderr, with an example).
pub fn run(words: &[String], json: bool) -> u8 {
    let input = words.join(" ");
    match explain(&input) {
        Ok(ex) => {
            if json {
                match serde_json::to_string_pretty(&ex) {
                    Ok(s) => out(&format!("{s}\n")),
                    Err(e) => {
                        eprintln!("rdpcheck explain: cannot encode JSON: {e}");
                        return 2;
                    }
                }
            } else {
                out(&render_text(&ex));
            }
            if ex.fully_understood {
                0
            } else {
                eprintln!("rdpcheck explain: part of the input was not understood:");
                for u in &ex.unknown {
                    eprintln!("  {}: {}", u.text, u.hint);
                }
                eprintln!("Example of accepted input: {EXAMPLE_INPUT}");
                2
            }
        }
        Err(err) => {
            if json {
                if let Ok(s) = serde_json::to_string_pretty(&err) {
                    out(&format!("{s}\n"));
                }
            }
            match &err {
                ExplainError::Empty { .. } | ExplainError::NotUnderstood { .. } => {
                    eprintln!("rdpcheck explain: {err}");
                }
            }
            2
        }
    }
}
