//! Loads the data compiled into the crate (authored as TOML in data/, turned into JSON by build.rs) (once, on first use) and builds the indexes.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{Article, Cause, CodeTable, Combo, Evidence, FindingInfo};

/// Table files, in the order bare numbers are tried against them.
const TABLE_SOURCES: [(&str, &str); 7] = [
    (
        "client_codes.toml",
        include_str!(concat!(env!("OUT_DIR"), "/client_codes.json")),
    ),
    (
        "extended_codes.toml",
        include_str!(concat!(env!("OUT_DIR"), "/extended_codes.json")),
    ),
    (
        "errinfo.toml",
        include_str!(concat!(env!("OUT_DIR"), "/errinfo.json")),
    ),
    (
        "freerdp.toml",
        include_str!(concat!(env!("OUT_DIR"), "/freerdp.json")),
    ),
    (
        "gateway.toml",
        include_str!(concat!(env!("OUT_DIR"), "/gateway.json")),
    ),
    (
        "neg_failure.toml",
        include_str!(concat!(env!("OUT_DIR"), "/neg_failure.json")),
    ),
    (
        "tls_alerts.toml",
        include_str!(concat!(env!("OUT_DIR"), "/tls_alerts.json")),
    ),
];

const ARTICLE_SOURCES: [(&str, &str); 5] = [
    (
        "articles/network.toml",
        include_str!(concat!(env!("OUT_DIR"), "/articles_network.json")),
    ),
    (
        "articles/security.toml",
        include_str!(concat!(env!("OUT_DIR"), "/articles_security.json")),
    ),
    (
        "articles/host.toml",
        include_str!(concat!(env!("OUT_DIR"), "/articles_host.json")),
    ),
    (
        "articles/client.toml",
        include_str!(concat!(env!("OUT_DIR"), "/articles_client.json")),
    ),
    (
        "articles/sessions.toml",
        include_str!(concat!(env!("OUT_DIR"), "/articles_sessions.json")),
    ),
];

const FINDINGS_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/findings.json"));
const COMBOS_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/combos.json"));

#[derive(Deserialize)]
struct ArticleFile {
    article: Vec<Article>,
}

#[derive(Deserialize)]
struct FindingFile {
    finding: Vec<FindingInfo>,
}

#[derive(Deserialize)]
struct ComboFile {
    combo: Vec<Combo>,
}

/// Everything, loaded and indexed.
pub(crate) struct Kb {
    pub tables: Vec<CodeTable>,
    pub articles: Vec<Article>,
    pub findings: Vec<FindingInfo>,
    pub combos: Vec<Combo>,
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

pub(crate) fn kb() -> &'static Kb {
    KB.get_or_init(load)
}

/// Formats a value the way its table writes it.
pub(crate) fn format_hex(value: u32, digits: usize) -> String {
    format!("0x{value:0digits$X}")
}

fn load() -> Kb {
    let mut tables: Vec<CodeTable> = TABLE_SOURCES
        .iter()
        .map(|(file, text)| {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("rdpcheck-kb data/{file}: {e}"))
        })
        .collect();
    let mut articles = Vec::new();
    for (file, text) in ARTICLE_SOURCES {
        let parsed: ArticleFile =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("rdpcheck-kb data/{file}: {e}"));
        articles.extend(parsed.article);
    }
    let findings: FindingFile = serde_json::from_str(FINDINGS_SOURCE)
        .unwrap_or_else(|e| panic!("rdpcheck-kb data/findings.toml: {e}"));
    let mut combos: ComboFile = serde_json::from_str(COMBOS_SOURCE)
        .unwrap_or_else(|e| panic!("rdpcheck-kb data/combos.toml: {e}"));

    let mut names: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (ti, table) in tables.iter_mut().enumerate() {
        let groups = table.groups.clone();
        for (ei, entry) in table.entries.iter_mut().enumerate() {
            entry.hex = format_hex(entry.value, table.hex_digits);
            entry.decimal = entry.value;
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
        for combo in &mut combos.combo {
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
        findings: findings.finding,
        combos: combos.combo,
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
