//! The page's pure logic: no DOM, no clock, no network. Everything here builds and is unit-tested
//! natively (`cargo test -p rdpcheck-web`); the Yew components in `ui` only render its results.
//! What only a finished report needs (reading it, its markup, Markdown, share links) is in the
//! report module, web/report (crate rdpcheck-web-report), which the page loads on demand; what
//! only the explain and knowledge-base screens need (the knowledge base, its markup, its search)
//! is in the knowledge-base module, web/kb (crate rdpcheck-web-kb), loaded with the knowledge
//! base. The page's paths and a check's evidence are that crate's too, shared with the shell.

pub mod downloads;
pub mod errors;
pub mod format;
pub mod json;
pub mod markup;
pub mod rdp;
pub mod session;
pub mod share;
pub mod validate;

pub use rdpcheck_web_kb::{evidence, route};
