//! Builds a full explanation from a lookup: meanings, ranked causes, checks and fixes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::data::kb;
use crate::lookup::{lookup, CodeMatch, FindingMatch, Unknown};
use crate::model::{Article, Combo, Evidence};

/// The probe command every explanation points to.
pub const PROBE_COMMAND: &str = "rdpcheck probe HOST";

/// An example of input that is understood, for error messages.
pub const EXAMPLE_INPUT: &str =
    "rdpcheck explain \"Error code: 0x904 Extended error code: 0x7\"  (also: 0x204, 2308, \
     ERRCONNECT_CONNECT_TRANSPORT_FAILED, tls.closed_after_hello)";

/// Everything a person needs to act on one or more codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub input: String,
    pub codes: Vec<CodeMatch>,
    pub findings: Vec<FindingMatch>,
    pub combination: Option<Combo>,
    /// Candidate causes, most likely first, merged over all recognised codes.
    pub causes: Vec<ExplainedCause>,
    /// The articles behind `causes`, in the same order, with their checks and fixes.
    pub articles: Vec<Article>,
    /// The command that tells the causes apart.
    pub check_command: String,
    /// Code-like parts of the input that were not understood.
    pub unknown: Vec<Unknown>,
    pub fully_understood: bool,
}

/// One candidate cause with the evidence that confirms or rules it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedCause {
    pub rank: usize,
    pub article: String,
    pub title: String,
    /// Why each code points here (empty strings dropped).
    pub why: Vec<String>,
    /// Probe findings (or other checks) that separate this cause from the others.
    pub evidence: Vec<Evidence>,
    /// The input codes (hex or finding code) that led here.
    pub because_of: Vec<String>,
}

/// Why nothing could be explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ExplainError {
    /// The input was empty.
    Empty { example: String },
    /// No code was recognised.
    NotUnderstood {
        input: String,
        unknown: Vec<Unknown>,
        example: String,
    },
}

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::Empty { example } => {
                write!(
                    f,
                    "nothing to explain: give an error code. Example: {example}"
                )
            }
            ExplainError::NotUnderstood {
                input,
                unknown,
                example,
            } => {
                write!(f, "no Remote Desktop error code recognised in \"{input}\"")?;
                for u in unknown {
                    write!(f, "\n  {}: {}", u.text, u.hint)?;
                }
                write!(f, "\nExample: {example}")
            }
        }
    }
}

impl std::error::Error for ExplainError {}

/// Explains every code in `input`. Never panics.
pub fn explain(input: &str) -> Result<Explanation, ExplainError> {
    if input.trim().is_empty() {
        return Err(ExplainError::Empty {
            example: EXAMPLE_INPUT.to_string(),
        });
    }
    let l = lookup(input);
    if l.codes.is_empty() && l.findings.is_empty() {
        return Err(ExplainError::NotUnderstood {
            input: input.trim().to_string(),
            unknown: l.unknown,
            example: EXAMPLE_INPUT.to_string(),
        });
    }
    let kb = kb();
    let mut causes: Vec<ExplainedCause> = Vec::new();
    let mut add = |article: &str, why: &str, evidence: &[Evidence], from: &str| {
        let Some(a) = kb.article(article) else {
            return;
        };
        let c = match causes.iter_mut().find(|c| c.article == article) {
            Some(c) => c,
            None => {
                causes.push(ExplainedCause {
                    rank: 0,
                    article: a.id.clone(),
                    title: a.title.clone(),
                    why: Vec::new(),
                    evidence: Vec::new(),
                    because_of: Vec::new(),
                });
                let n = causes.len() - 1;
                &mut causes[n]
            }
        };
        if !why.is_empty() && !c.why.iter().any(|w| w == why) {
            c.why.push(why.to_string());
        }
        for e in evidence {
            let dup = match &e.finding {
                Some(f) => c.evidence.iter().any(|x| x.finding.as_ref() == Some(f)),
                None => c.evidence.contains(e),
            };
            if !dup {
                c.evidence.push(e.clone());
            }
        }
        if !c.because_of.iter().any(|b| b == from) {
            c.because_of.push(from.to_string());
        }
    };

    if let Some(combo) = &l.combination {
        let from = format!(
            "{} + {}",
            crate::data::format_hex(combo.client, 0),
            crate::data::format_hex(combo.extended, 0)
        );
        for c in &combo.causes {
            add(&c.article, &c.why, &c.evidence, &from);
        }
    }
    for m in &l.codes {
        let from = format!("{} {}", m.label, m.hex);
        for c in &m.causes {
            add(&c.article, &c.why, &c.evidence, &from);
        }
    }
    for f in &l.findings {
        for a in &f.articles {
            let ev = [Evidence {
                finding: Some(f.code.clone()),
                means: f.meaning.clone(),
            }];
            add(a, "", &ev, &f.code);
        }
    }
    for (i, c) in causes.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    let articles = causes
        .iter()
        .filter_map(|c| kb.article(&c.article).cloned())
        .collect();
    let fully_understood = l.fully_understood();
    Ok(Explanation {
        input: input.to_string(),
        codes: l.codes,
        findings: l.findings,
        combination: l.combination,
        causes,
        articles,
        check_command: PROBE_COMMAND.to_string(),
        unknown: l.unknown,
        fully_understood,
    })
}
