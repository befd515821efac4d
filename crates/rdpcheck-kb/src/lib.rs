//! rdpcheck's knowledge base: Remote Desktop error code tables, one article per cause, and the
//! lookups that connect codes and probe findings to causes and fixes.
//!
//! Pure data and functions: no I/O, no clock, no threads, so it also builds for
//! `wasm32-unknown-unknown`. The data lives in `data/*.toml` and is parsed on first use.
//!
//! ```
//! let ex = rdpcheck_kb::explain("Error code: 0x904 Extended error code: 0x7").unwrap();
//! assert_eq!(ex.codes[0].hex, "0x904");
//! assert!(ex.combination.is_some());
//! ```

mod data;
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
    Article, Cause, Check, CodeEntry, CodeGroup, CodeRange, CodeTable, Combo, Command, Evidence,
    FindingInfo, Step,
};
pub use render::render_text;

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

/// The client + extended code pairs that have their own explanation.
pub fn combos() -> &'static [Combo] {
    &data::kb().combos
}
