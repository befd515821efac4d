//! rdpcheck's knowledge base: Remote Desktop error code tables, one article per cause, and the
//! lookups that connect codes and probe findings to causes and fixes.
//!
//! Pure data and functions: no I/O, no clock, no threads, so it also builds for
//! `wasm32-unknown-unknown`. The data lives in `data/*.toml`, compiled at build time into one
//! JSON bundle. With the default `embedded` feature the bundle is compiled into the crate and
//! parsed on first use; without it (the web page) the bundle is a file of its own,
//! [`BUNDLE_FILE`], installed with [`load_bundle`] once fetched.
//!
//! ```
//! let ex = rdpcheck_kb::explain("Error code: 0x904 Extended error code: 0x7").unwrap();
//! assert_eq!(ex.codes[0].hex, "0x904");
//! assert!(ex.combination.is_some());
//! ```

mod data;
mod decode;
mod explain;
mod lookup;
mod model;
mod render;

pub use explain::{
    explain, ExplainError, ExplainedCause, Explanation, EXAMPLE_INPUT, PROBE_COMMAND,
};
pub use lookup::{
    articles_for_finding, lookup, CodeMatch, FindingMatch, Lookup, RelatedCode, Unknown,
};
pub use model::{
    Article, Cause, Check, ClientFamily, CodeEntry, CodeGroup, CodeRange, CodeTable, Combo,
    Command, Evidence, FindingInfo, Source, Step,
};
pub use render::render_text;

pub use data::{is_loaded, load_bundle, BUNDLE_FILE};

/// The bundle's text (what [`BUNDLE_FILE`] holds), for writing it next to the page.
#[cfg(feature = "embedded")]
pub fn bundle() -> &'static str {
    data::BUNDLE
}

/// One article by id.
pub fn article(id: &str) -> Option<&'static Article> {
    data::kb().article(id)
}

/// All articles.
pub fn articles() -> &'static [Article] {
    &data::kb().articles
}

/// All code tables.
pub fn tables() -> &'static [CodeTable] {
    &data::kb().tables
}

/// Every probe finding code the knowledge base knows, with its meaning and articles.
pub fn findings() -> &'static [FindingInfo] {
    &data::kb().findings
}

/// The client families the verdict judges, with their defaults and sources.
pub fn clients() -> &'static [ClientFamily] {
    &data::kb().clients
}

/// One client family by its report id (`mstsc-win11`, `freerdp`, …).
pub fn client(id: &str) -> Option<&'static ClientFamily> {
    data::kb().clients.iter().find(|c| c.id == id)
}

/// The client + extended code pairs that have their own explanation.
pub fn combos() -> &'static [Combo] {
    &data::kb().combos
}
