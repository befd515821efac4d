//! The report's words for the page: one wording with the CLI and the Markdown export
//! (`rdpcheck-words`), re-exported where the page's modules look for them.

pub use rdpcheck_words::{fixed, ms, opt_ms, severity_word, skew, stage_title, status_word};
