//! The page's pure logic: no DOM, no clock, no network. Everything here builds and is unit-tested
//! natively (`cargo test -p rdpcheck-web`); the Yew components in `ui` only render its results.

pub mod errors;
pub mod evidence;
pub mod format;
pub mod kbsearch;
pub mod markdown;
pub mod rdp;
pub mod route;
pub mod session;
pub mod share;
pub mod symptoms;
pub mod timeline;
pub mod validate;
