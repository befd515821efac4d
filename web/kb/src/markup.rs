//! The read-only parts of the explain and knowledge-base screens, written as markup text: what
//! a code means, the likely causes (marked with a check's evidence), whole articles, the code
//! tables, search hits. The screens insert it into a container that wires its links (in-page
//! navigation) and copy buttons by event delegation (ui/markup.rs); the interactive parts (paste
//! box, search box, check form) stay components. Text is escaped
//! (`rdpcheck_web_report::html`); articles are written by the same code as the report module's
//! fixes (`rdpcheck_web_report::article`). Written as text because that is about a third of the
//! wasm the same markup takes as Yew components.

mod explain;
mod kb;

pub use explain::*;
pub use kb::*;

#[cfg(test)]
mod tests;
