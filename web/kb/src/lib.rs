//! The page's knowledge-base module: the screens that read the knowledge base, written as
//! markup. Built into a wasm module of its own (`src/main.rs`, no Yew) that the page loads with
//! the knowledge base the first time a screen needs it, so neither is part of the page's
//! start-up (the home screen, the check form):
//!
//! - [`explain`]: what a pasted text means, its likely causes (marked with a check's
//!   [`Evidence`]) and the fixes by cause;
//! - [`kb_screen`]: the knowledge base's contents, one code table, one article;
//! - [`search`]: the knowledge base's search hits.
//!
//! Pure: no DOM, no clock, no network; native-tested. The shell links only the small parts it
//! needs itself: [`route`] (the page's paths), [`symptoms`] and [`evidence`].

pub mod evidence;
pub mod markup;
pub mod route;
pub mod search;
pub mod symptoms;

pub use evidence::Evidence;
pub use rdpcheck_kb::BUNDLE_FILE;

/// The explain screen's markup below the paste box.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Explained {
    /// What the text means and its likely causes, or why it could not be explained.
    pub head: String,
    /// Whether there are causes to check (the screen then offers the check form, between
    /// `head` and `fixes`).
    pub has_causes: bool,
    /// Every cause's article, folded (empty without causes).
    pub fixes: String,
}

/// Explains `q` (the dialog text, the codes, a FreeRDP line), marking the causes with a
/// check's `evidence` once there is one.
pub fn explain(q: &str, evidence: Option<&Evidence>) -> Explained {
    match rdpcheck_kb::explain(q) {
        Err(e) => Explained {
            head: markup::not_understood(&e),
            ..Explained::default()
        },
        Ok(ex) => {
            let has_causes = !ex.causes.is_empty();
            Explained {
                head: format!("{}{}", markup::meaning(&ex), markup::causes(&ex, evidence)),
                has_causes,
                fixes: if has_causes {
                    markup::fixes_by_cause(&ex)
                } else {
                    String::new()
                },
            }
        }
    }
}

/// The knowledge-base screen at `path`: `/kb/codes/<table>`, `/kb/<article>`, else the
/// contents (every table and article).
pub fn kb_screen(path: &str) -> String {
    match route::Route::from_path(path) {
        route::Route::KbTable { table } => markup::kb_table(&table),
        route::Route::KbArticle { id } => markup::kb_article(&id),
        _ => markup::kb_contents(),
    }
}

/// Search hits for `query`: how many (at most `limit`) and their list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub count: usize,
    pub html: String,
}

pub fn search(query: &str, limit: usize) -> Found {
    let hits = search::search(query, limit);
    Found {
        count: hits.len(),
        html: markup::hits(&hits),
    }
}

/// Reads the knowledge base's bundle (the page fetched it); the error says what is wrong.
pub fn load_kb(bundle: &str) -> Result<(), String> {
    rdpcheck_kb::load_bundle(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screens_come_from_the_knowledge_base() {
        let ex = explain("Error code: 0x904 Extended error code: 0x7", None);
        assert!(ex.has_causes);
        assert!(ex.head.contains("What it means"), "{}", ex.head);
        assert!(ex.fixes.contains("Fixes, by cause"));
        let none = explain("hello", None);
        assert!(!none.has_causes);
        assert!(none
            .head
            .contains("No Remote Desktop error code recognised"));
        assert!(none.fixes.is_empty());
        assert!(kb_screen("/kb/codes/client").contains("<tr id=\"code-0x904\">"));
        assert!(kb_screen("/kb/server-certificate").contains("kb-article"));
        assert!(kb_screen("/kb").contains("Code tables"));
        let found = search("0x904", 60);
        assert!(found.count > 0);
        assert_eq!(found.html.matches("<li>").count(), found.count);
    }
}
