//! The data types of the knowledge base. They are deserialized from the TOML files in `data/`
//! and serialized (JSON) in lookup and explain results.

use serde::{Deserialize, Serialize};

fn yes() -> bool {
    true
}

/// One code table, e.g. the client disconnect reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTable {
    /// Stable id: `client`, `extended`, `errinfo`, `neg_failure`, `tls_alert`, `freerdp`, `gateway`.
    pub id: String,
    pub title: String,
    /// What the code is called where users see it ("Error code", "Extended error code").
    pub label: String,
    pub description: String,
    /// Hex digits to pad to (0 = as short as possible).
    #[serde(default)]
    pub hex_digits: usize,
    /// Table whose entries carry the same numbers (extended ↔ errinfo, freerdp ERRINFO class).
    #[serde(default)]
    pub related_table: Option<String>,
    /// Where the table's codes and meanings come from; entries without their own inherit it.
    #[serde(default)]
    pub source: String,
    /// False: the entries are known by name or message text only, and `value` is an index
    /// that no number in the input is matched against (other clients' messages).
    #[serde(default = "yes")]
    pub numbers: bool,
    #[serde(default, rename = "group")]
    pub groups: Vec<CodeGroup>,
    #[serde(default, rename = "code")]
    pub entries: Vec<CodeEntry>,
    #[serde(default, rename = "range")]
    pub ranges: Vec<CodeRange>,
}

/// A family of codes inside a table; entries without their own articles inherit the group's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeGroup {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub articles: Vec<String>,
}

/// One code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    pub value: u32,
    /// Filled in at load time from `value` and the table's `hex_digits`.
    #[serde(default)]
    pub hex: String,
    /// Filled in at load time (= value).
    #[serde(default)]
    pub decimal: u32,
    /// Other numbers that mean the same code (e.g. the bare 0x59DD form of an HRESULT).
    #[serde(default)]
    pub alt_values: Vec<u32>,
    /// Symbolic name as the source spells it.
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Texts a client prints for this code, recognised case-insensitively anywhere in the input.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// False when the code is known only from type libraries or field reports.
    #[serde(default = "yes")]
    pub documented: bool,
    /// Group (family) id inside the table.
    #[serde(default)]
    pub group: Option<String>,
    /// Filled in at load time from the group.
    #[serde(default)]
    pub group_title: Option<String>,
    /// A few words, as the vendor's documentation puts it.
    #[serde(default)]
    pub short: String,
    /// Plain-language meaning.
    pub meaning: String,
    /// Where the meaning comes from. Filled in at load time from the table's when empty.
    #[serde(default)]
    pub source: String,
    /// Candidate articles, most likely first. `None` = use the group's.
    #[serde(default)]
    pub articles: Option<Vec<String>>,
    /// Detailed candidate causes (with evidence). When empty at load time, built from `articles`.
    #[serde(default)]
    pub causes: Vec<Cause>,
}

/// A range of values with one meaning (e.g. the extended "protocol range").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRange {
    pub start: u32,
    pub end: u32,
    pub name: String,
    #[serde(default)]
    pub short: String,
    pub meaning: String,
    /// The low 16 bits name an entry of the table's `related_table` (FreeRDP ERRINFO class).
    #[serde(default)]
    pub related_low16: bool,
    /// Where the meaning comes from. Filled in at load time from the table's when empty.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub articles: Vec<String>,
}

/// A candidate cause of a code: an article, why it fits, and what evidence separates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub article: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// One piece of evidence: a probe finding (or another check) and what it means for the cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default)]
    pub finding: Option<String>,
    pub means: String,
}

/// A client + extended code pair with its own explanation (0x904 / 0x7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Combo {
    pub client: u32,
    pub extended: u32,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub notes: Vec<String>,
    /// When empty in the data, inherited from the client code's causes at load time.
    #[serde(default)]
    pub causes: Vec<Cause>,
}

/// One article: a cause, how to confirm it, and how to fix it on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// kebab-case id.
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Which codes and findings point here, in prose.
    pub symptoms: String,
    /// Client error codes (as written in the dialog) that point here.
    #[serde(default)]
    pub client_codes: Vec<String>,
    /// Honest caveats: unverified claims, undocumented behaviour.
    #[serde(default)]
    pub notes: Vec<String>,
    /// How to confirm or rule out the cause.
    pub confirm: Vec<Check>,
    /// Fix steps for the person at the client, in order.
    #[serde(default)]
    pub fix_user: Vec<Step>,
    /// Fix steps for the host's administrator, in order.
    #[serde(default)]
    pub fix_host: Vec<Step>,
    /// Set when there is deliberately nothing to do on the user's side.
    #[serde(default)]
    pub none_user: Option<String>,
    /// Set when there is deliberately nothing to do on the host's side.
    #[serde(default)]
    pub none_host: Option<String>,
    pub if_not_helped: String,
    /// Where the article's facts come from (`verified = false` for an inference).
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// A check that confirms or rules out a cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The rdpcheck finding this check is about, if any.
    #[serde(default)]
    pub finding: Option<String>,
    pub text: String,
    /// A command to run (`rdpcheck probe HOST`, PowerShell...).
    #[serde(default)]
    pub command: Option<String>,
}

/// One fix step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub text: String,
    #[serde(default)]
    pub commands: Vec<Command>,
}

/// A command to paste. `shell`: powershell, cmd, registry, rdp-file, azure-cli, bash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    pub shell: String,
    pub code: String,
}

/// What a probe finding code means and which articles explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingInfo {
    pub code: String,
    pub meaning: String,
    pub articles: Vec<String>,
}

/// A client family: its defaults and the sources behind them (`data/clients.toml`). `id` is the
/// report's client id (`mstsc-win11`, `freerdp`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFamily {
    pub id: String,
    pub name: String,
    /// Which releases or products the family covers.
    pub covers: String,
    /// Programs that share this family's client stack.
    #[serde(default)]
    pub embeds: Vec<String>,
    pub tls_stack: String,
    /// TLS versions on by default, off by default, and not known (`TLSv1.2`, `SSLv3`, …).
    #[serde(default)]
    pub tls_on: Vec<String>,
    #[serde(default)]
    pub tls_off: Vec<String>,
    #[serde(default)]
    pub tls_unknown: Vec<String>,
    /// IANA names of the suites of rdpcheck's TLS 1.0–1.2 hello the family offers by default.
    #[serde(default)]
    pub suites: Vec<String>,
    /// False: `suites` is only what can be inferred; the rest is unknown.
    #[serde(default = "yes")]
    pub suites_known: bool,
    /// Key limits and certificate handling, in words.
    pub key: String,
    /// NLA / CredSSP behaviour, in words.
    pub nla: String,
    /// The security layers it asks for and falls back to, in words.
    pub security_layers: String,
    pub sources: Vec<Source>,
}

/// Where a fact comes from: an address (or `lab: …` for a lab measurement) and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub url: String,
    pub says: String,
    /// False for an inference or a claim not read in a primary source.
    #[serde(default = "yes")]
    pub verified: bool,
}
