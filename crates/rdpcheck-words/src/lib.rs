//! The report's sentences, written once. The CLI's text report, the Markdown export and the page
//! all call these functions and add only their own markup, so the three say the same thing in the
//! same words. The stage summaries, finding summaries and the verdict summary are written by the
//! diagnosis and travel in the report; this crate words everything around them: headlines,
//! labels, the structured sections (TLS, layers, NLA identity, stability, gateway, UDP, .rdp file).
//! Pure data in, strings out; snapshot tests in tests/ hold the wording still.

mod clients;
mod format;
mod labels;
pub mod release;
mod sections;
pub mod vantage;

pub use clients::{client_about, client_name, client_outcome, other_clients, outcome_word};
pub use format::{fixed, ms, opt_ms, skew, target, target_checked, yes_no};
pub use labels::{
    fails_at, severity_word, stage_title, status_word, verdict_title, verdict_word, CLIENT_HINT,
};
pub use sections::{
    client_fact_label, credssp_version, layer, layer_name, meta, negotiation_flag, os_release,
    rdp_file_dialog, rdp_file_security, sections, Fact, Section, Tone,
};
