//! The page's pure logic: no DOM, no clock, no network. Everything here builds and is unit-tested
//! natively (`cargo test -p rdpcheck-web`); the Yew components in `ui` only render its results.
//! What only a finished report needs (reading it, its markup, Markdown, share links) is in the
//! report module, web/report (crate rdpcheck-web-report), which the page loads on demand.

pub mod downloads;
pub mod errors;
pub mod evidence;
pub mod format;
pub mod json;
pub mod kbsearch;
pub mod markup;
pub mod rdp;
pub mod route;
pub mod session;
pub mod share;
pub mod symptoms;
pub mod validate;
