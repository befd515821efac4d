//! Searching the knowledge base: codes (by number, hex or name), articles and finding codes.

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hit {
    Article {
        id: String,
        title: String,
    },
    Code {
        table: String,
        table_title: String,
        hex: String,
        name: String,
        short: String,
    },
    Finding {
        code: String,
        meaning: String,
    },
}

/// Every word of `query` (case-insensitive: the knowledge base is English, ASCII case folding is
/// enough, and it spares the page Unicode's case tables) must occur; at most `limit` hits,
/// articles first.
pub fn search(query: &str, limit: usize) -> Vec<Hit> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let all = |hay: &str| {
        let hay = hay.to_ascii_lowercase();
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let mut out = Vec::new();
    for a in rdpcheck_kb::articles() {
        let hay = format!(
            "{} {} {} {} {}",
            a.id,
            a.title,
            a.summary,
            a.symptoms,
            a.client_codes.join(" ")
        );
        if all(&hay) {
            out.push(Hit::Article {
                id: a.id.clone(),
                title: a.title.clone(),
            });
        }
    }
    for t in rdpcheck_kb::tables() {
        for e in &t.entries {
            let hay = format!(
                "{} {} {} {} {} {}",
                e.hex,
                e.decimal,
                e.name,
                e.aliases.join(" "),
                e.short,
                e.meaning
            );
            if all(&hay) {
                out.push(Hit::Code {
                    table: t.id.clone(),
                    table_title: t.title.clone(),
                    hex: e.hex.clone(),
                    name: e.name.clone(),
                    short: if e.short.is_empty() {
                        e.meaning.chars().take(90).collect()
                    } else {
                        e.short.clone()
                    },
                });
            }
        }
    }
    for f in rdpcheck_kb::findings() {
        if all(&format!("{} {}", f.code, f.meaning)) {
            out.push(Hit::Finding {
                code: f.code.clone(),
                meaning: f.meaning.clone(),
            });
        }
    }
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_articles_and_findings() {
        let h = search("0x904", 50);
        assert!(
            h.iter()
                .any(|h| matches!(h, Hit::Code { hex, .. } if hex == "0x904")),
            "{h:?}"
        );
        let h = search("CERTIFICATE", 50);
        assert!(h
            .iter()
            .any(|h| matches!(h, Hit::Article { id, .. } if id == "server-certificate")));
        let h = search("closed_after_hello", 50);
        assert!(h.iter().any(|h| matches!(h, Hit::Finding { .. })));
        assert!(search("  ", 50).is_empty());
        assert_eq!(search("e", 3).len(), 3);
    }
}
