//! The data: authored as TOML in data/, compiled by build.rs into one JSON bundle, parsed once
//! and indexed. With the `embedded` feature (the default) the bundle is compiled into the crate
//! and parsed on first use; without it (the web page), [`load_bundle`] installs a bundle fetched
//! at run time, and until then every lookup sees an empty knowledge base.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::decode::{self, Decoded};
use crate::model::{Article, Cause, ClientFamily, CodeTable, Combo, Evidence, FindingInfo};

/// The bundle's file name, `kb-<content hash>.json`.
pub const BUNDLE_FILE: &str = include!(concat!(env!("OUT_DIR"), "/bundle_name.rs"));

/// The data file on each line of the bundle (empty for the lines between files).
const BUNDLE_LINES: &[&str] = include!(concat!(env!("OUT_DIR"), "/bundle_lines.rs"));

#[cfg(feature = "embedded")]
pub const BUNDLE: &str = include_str!(concat!(env!("OUT_DIR"), "/bundle.json"));

/// Everything, loaded and indexed.
pub(crate) struct Kb {
    pub tables: Vec<CodeTable>,
    pub articles: Vec<Article>,
    pub findings: Vec<FindingInfo>,
    pub combos: Vec<Combo>,
    pub clients: Vec<ClientFamily>,
    /// lower-case symbolic name → (table index, entry index), first match first.
    pub names: HashMap<String, Vec<(usize, usize)>>,
}

impl Kb {
    pub fn table(&self, id: &str) -> Option<(usize, &CodeTable)> {
        self.tables.iter().enumerate().find(|(_, t)| t.id == id)
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    pub fn finding(&self, code: &str) -> Option<&FindingInfo> {
        self.findings.iter().find(|f| f.code == code)
    }
}

static KB: OnceLock<Kb> = OnceLock::new();

#[cfg(feature = "embedded")]
pub(crate) fn kb() -> &'static Kb {
    KB.get_or_init(|| parse(BUNDLE).unwrap_or_else(|e| panic!("{e}")))
}

#[cfg(not(feature = "embedded"))]
pub(crate) fn kb() -> &'static Kb {
    static EMPTY: OnceLock<Kb> = OnceLock::new();
    KB.get().unwrap_or_else(|| {
        EMPTY.get_or_init(|| {
            index(Decoded {
                tables: Vec::new(),
                articles: Vec::new(),
                findings: Vec::new(),
                combos: Vec::new(),
                clients: Vec::new(),
            })
        })
    })
}

/// Installs a bundle (the text of [`BUNDLE_FILE`]); the first one loaded stays.
pub fn load_bundle(text: &str) -> Result<(), String> {
    if KB.get().is_none() {
        let _ = KB.set(parse(text)?);
    }
    Ok(())
}

/// Whether the data is there (always, with the `embedded` feature).
pub fn is_loaded() -> bool {
    cfg!(feature = "embedded") || KB.get().is_some()
}

fn parse(text: &str) -> Result<Kb, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let file = BUNDLE_LINES
            .get(e.line().saturating_sub(1))
            .copied()
            .filter(|f| !f.is_empty())
            .unwrap_or("the bundle");
        format!("rdpcheck-kb data/{file}: {e}")
    })?;
    let decoded = decode::bundle(&value, data_file).map_err(|e| format!("rdpcheck-kb {e}"))?;
    Ok(index(decoded))
}

/// `data/<file>` of the bundle's `part` (tables, articles, findings, combos) number `i`.
fn data_file(part: &str, i: usize) -> String {
    let files = BUNDLE_LINES.iter().filter(|f| !f.is_empty());
    let file = match part {
        "articles" => files.filter(|f| f.starts_with("articles/")).nth(i),
        "findings" => Some(&"findings.toml"),
        "combos" => Some(&"combos.toml"),
        "clients" => Some(&"clients.toml"),
        _ => files
            .filter(|f| {
                !f.starts_with("articles/")
                    && **f != "findings.toml"
                    && **f != "combos.toml"
                    && **f != "clients.toml"
            })
            .nth(i),
    };
    format!("data/{}", file.copied().unwrap_or("?"))
}

/// Formats a value the way its table writes it.
pub(crate) fn format_hex(value: u32, digits: usize) -> String {
    format!("0x{value:0digits$X}")
}

fn index(decoded: Decoded) -> Kb {
    let Decoded {
        mut tables,
        articles,
        findings,
        mut combos,
        clients,
    } = decoded;

    let mut names: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (ti, table) in tables.iter_mut().enumerate() {
        let groups = table.groups.clone();
        let source = table.source.clone();
        for r in table.ranges.iter_mut().filter(|r| r.source.is_empty()) {
            r.source.clone_from(&source);
        }
        for (ei, entry) in table.entries.iter_mut().enumerate() {
            entry.hex = format_hex(entry.value, table.hex_digits);
            entry.decimal = entry.value;
            // An undocumented entry does not borrow the table's source: it is not in it.
            if entry.source.is_empty() && entry.documented {
                entry.source.clone_from(&source);
            }
            let group = entry
                .group
                .as_ref()
                .and_then(|g| groups.iter().find(|x| &x.id == g));
            entry.group_title = group.map(|g| g.title.clone());
            if entry.causes.is_empty() {
                let ids = match (&entry.articles, group) {
                    (Some(own), _) => own.clone(),
                    (None, Some(g)) => g.articles.clone(),
                    (None, None) => Vec::new(),
                };
                entry.causes = ids
                    .into_iter()
                    .map(|article| Cause {
                        article,
                        why: String::new(),
                        evidence: Vec::new(),
                    })
                    .collect();
            }
            if !entry.name.starts_with('(') {
                for n in std::iter::once(&entry.name).chain(entry.aliases.iter()) {
                    names
                        .entry(n.to_ascii_lowercase())
                        .or_default()
                        .push((ti, ei));
                }
            }
        }
    }

    // Combos without their own causes inherit the client code's.
    if let Some(client) = tables.iter().find(|t| t.id == "client") {
        for combo in &mut combos {
            if combo.causes.is_empty() {
                if let Some(e) = client.entries.iter().find(|e| e.value == combo.client) {
                    combo.causes = e.causes.clone();
                }
            }
        }
    }

    let mut kb = Kb {
        tables,
        articles,
        findings,
        combos,
        clients,
        names,
    };
    fill_evidence(&mut kb);
    kb
}

/// Causes written as a bare article id get their evidence from the article's confirmations.
fn fill_evidence(kb: &mut Kb) {
    let mut by_article: HashMap<String, Vec<Evidence>> = HashMap::new();
    for a in &kb.articles {
        let ev = a
            .confirm
            .iter()
            .filter_map(|c| c.finding.as_ref())
            .map(|f| Evidence {
                finding: Some(f.clone()),
                means: kb
                    .findings
                    .iter()
                    .find(|x| &x.code == f)
                    .map(|x| x.meaning.clone())
                    .unwrap_or_default(),
            })
            .collect();
        by_article.insert(a.id.clone(), ev);
    }
    let fill = |c: &mut Cause| {
        if c.evidence.is_empty() {
            if let Some(ev) = by_article.get(&c.article) {
                c.evidence = ev.clone();
            }
        }
    };
    for t in &mut kb.tables {
        for e in &mut t.entries {
            e.causes.iter_mut().for_each(fill);
        }
    }
    for c in &mut kb.combos {
        c.causes.iter_mut().for_each(fill);
    }
}

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_is_named_by_its_content_and_parses() {
        let hash = BUNDLE_FILE
            .strip_prefix("kb-")
            .and_then(|n| n.strip_suffix(".json"))
            .expect("kb-<hash>.json");
        assert!(hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(BUNDLE.lines().count(), BUNDLE_LINES.len());
        let kb = parse(BUNDLE).expect("the embedded bundle parses");
        assert_eq!(kb.tables.len(), 9);
        assert_eq!(kb.tables[0].id, "client");
        assert!(!kb.articles.is_empty() && !kb.findings.is_empty());
    }

    /// The hand-written reader (decode.rs) and serde's derived one read the same model.
    #[test]
    fn manual_reader_matches_serde() {
        #[derive(serde::Deserialize)]
        struct Bundle {
            tables: Vec<CodeTable>,
            articles: Vec<ArticleFile>,
            findings: FindingFile,
            combos: ComboFile,
            clients: ClientFile,
        }
        #[derive(serde::Deserialize)]
        struct ClientFile {
            client: Vec<ClientFamily>,
        }
        #[derive(serde::Deserialize)]
        struct ArticleFile {
            article: Vec<Article>,
        }
        #[derive(serde::Deserialize)]
        struct FindingFile {
            finding: Vec<FindingInfo>,
        }
        #[derive(serde::Deserialize)]
        struct ComboFile {
            combo: Vec<Combo>,
        }
        let serde: Bundle = serde_json::from_str(BUNDLE).expect("serde reads the bundle");
        let value: serde_json::Value = serde_json::from_str(BUNDLE).expect("JSON");
        let manual = decode::bundle(&value, data_file).expect("decode.rs reads the bundle");
        assert_eq!(manual.tables, serde.tables);
        let articles: Vec<Article> = serde.articles.into_iter().flat_map(|f| f.article).collect();
        assert_eq!(manual.articles, articles);
        assert_eq!(manual.findings, serde.findings.finding);
        assert_eq!(manual.combos, serde.combos.combo);
        assert_eq!(manual.clients, serde.clients.client);
    }

    #[test]
    fn a_missing_field_names_the_file_and_the_place() {
        let mut value: serde_json::Value = serde_json::from_str(BUNDLE).expect("JSON");
        value["tables"][2]["code"][1]
            .as_object_mut()
            .expect("an entry")
            .remove("meaning");
        let e = decode::bundle(&value, data_file)
            .err()
            .expect("an entry without a meaning does not load");
        assert_eq!(e, "data/errinfo.toml code[1]: missing `meaning`");
    }

    #[test]
    fn a_load_error_names_the_data_file() {
        let broken: Vec<&str> = BUNDLE
            .lines()
            .enumerate()
            .map(|(i, l)| if i == 2 { "{\"id\":5}," } else { l })
            .collect();
        let e = parse(&broken.join("\n"))
            .err()
            .expect("a table with a numeric id does not load");
        assert!(e.contains("data/extended_codes.toml"), "{e}");
    }
}
