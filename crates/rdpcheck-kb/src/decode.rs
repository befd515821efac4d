//! The bundle's JSON read into the model by hand, from a `serde_json::Value`. serde's derived
//! readers for the fifteen data types would be about 40 KiB of the web page's wasm; this is a
//! few. Same rules as the derives (required and defaulted fields, renames, unknown keys
//! ignored): the test `manual_reader_matches_serde` holds the two equal on the real data, and
//! every struct is built with all its fields named, so a new field does not compile until it
//! is read here.

use serde_json::{Map, Value};

use crate::model::{
    Article, Cause, Check, ClientFamily, CodeEntry, CodeGroup, CodeRange, CodeTable, Combo,
    Command, Evidence, FindingInfo, Source, Step,
};

pub(crate) type R<T> = Result<T, String>;

/// The decoded bundle: tables, articles (all files), findings, combos, client families.
pub(crate) struct Decoded {
    pub tables: Vec<CodeTable>,
    pub articles: Vec<Article>,
    pub findings: Vec<FindingInfo>,
    pub combos: Vec<Combo>,
    pub clients: Vec<ClientFamily>,
}

/// One JSON object being read; `at` names it in errors.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    at: String,
}

fn obj<'a>(v: &'a Value, at: String) -> R<Obj<'a>> {
    match v {
        Value::Object(map) => Ok(Obj { map, at }),
        _ => Err(format!("{at}: expected a table")),
    }
}

impl<'a> Obj<'a> {
    /// The value at `key`; `None` when absent or null (an absent Option, as serde reads it).
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&self, key: &str) -> String {
        format!("{}: missing `{key}`", self.at)
    }

    fn wrong(&self, key: &str, what: &str) -> String {
        format!("{} {key}: expected {what}", self.at)
    }

    fn opt_str(&self, key: &str) -> R<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    fn str(&self, key: &str) -> R<String> {
        self.opt_str(key)?.ok_or_else(|| self.missing(key))
    }

    fn str_or_default(&self, key: &str) -> R<String> {
        Ok(self.opt_str(key)?.unwrap_or_default())
    }

    fn opt_u32(&self, key: &str) -> R<Option<u32>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| self.wrong(key, "a number from 0 to 4294967295")),
        }
    }

    fn u32(&self, key: &str) -> R<u32> {
        self.opt_u32(key)?.ok_or_else(|| self.missing(key))
    }

    fn bool_or(&self, key: &str, default: bool) -> R<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.as_bool().ok_or_else(|| self.wrong(key, "true or false")),
        }
    }

    fn opt_list<T>(
        &self,
        key: &str,
        item: impl Fn(&'a Value, String) -> R<T>,
    ) -> R<Option<Vec<T>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| item(v, format!("{} {key}[{i}]", self.at)))
                .collect::<R<Vec<T>>>()
                .map(Some),
            Some(_) => Err(self.wrong(key, "a list")),
        }
    }

    fn list<T>(&self, key: &str, item: impl Fn(&'a Value, String) -> R<T>) -> R<Vec<T>> {
        self.opt_list(key, item)?.ok_or_else(|| self.missing(key))
    }

    fn list_or_default<T>(&self, key: &str, item: impl Fn(&'a Value, String) -> R<T>) -> R<Vec<T>> {
        Ok(self.opt_list(key, item)?.unwrap_or_default())
    }
}

fn string(v: &Value, at: String) -> R<String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{at}: expected a string"))
}

fn number(v: &Value, at: String) -> R<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("{at}: expected a number from 0 to 4294967295"))
}

fn table(v: &Value, at: String) -> R<CodeTable> {
    let o = obj(v, at)?;
    Ok(CodeTable {
        id: o.str("id")?,
        title: o.str("title")?,
        label: o.str("label")?,
        description: o.str("description")?,
        hex_digits: o.opt_u32("hex_digits")?.unwrap_or(0) as usize,
        related_table: o.opt_str("related_table")?,
        source: o.str_or_default("source")?,
        numbers: o.bool_or("numbers", true)?,
        groups: o.list_or_default("group", group)?,
        entries: o.list_or_default("code", entry)?,
        ranges: o.list_or_default("range", range)?,
    })
}

fn group(v: &Value, at: String) -> R<CodeGroup> {
    let o = obj(v, at)?;
    Ok(CodeGroup {
        id: o.str("id")?,
        title: o.str("title")?,
        articles: o.list_or_default("articles", string)?,
    })
}

fn entry(v: &Value, at: String) -> R<CodeEntry> {
    let o = obj(v, at)?;
    Ok(CodeEntry {
        value: o.u32("value")?,
        hex: o.str_or_default("hex")?,
        decimal: o.opt_u32("decimal")?.unwrap_or(0),
        alt_values: o.list_or_default("alt_values", number)?,
        name: o.str("name")?,
        aliases: o.list_or_default("aliases", string)?,
        phrases: o.list_or_default("phrases", string)?,
        documented: o.bool_or("documented", true)?,
        group: o.opt_str("group")?,
        group_title: o.opt_str("group_title")?,
        short: o.str_or_default("short")?,
        meaning: o.str("meaning")?,
        source: o.str_or_default("source")?,
        articles: o.opt_list("articles", string)?,
        causes: o.list_or_default("causes", cause)?,
    })
}

fn range(v: &Value, at: String) -> R<CodeRange> {
    let o = obj(v, at)?;
    Ok(CodeRange {
        start: o.u32("start")?,
        end: o.u32("end")?,
        name: o.str("name")?,
        short: o.str_or_default("short")?,
        meaning: o.str("meaning")?,
        related_low16: o.bool_or("related_low16", false)?,
        source: o.str_or_default("source")?,
        articles: o.list_or_default("articles", string)?,
    })
}

fn cause(v: &Value, at: String) -> R<Cause> {
    let o = obj(v, at)?;
    Ok(Cause {
        article: o.str("article")?,
        why: o.str_or_default("why")?,
        evidence: o.list_or_default("evidence", evidence)?,
    })
}

fn evidence(v: &Value, at: String) -> R<Evidence> {
    let o = obj(v, at)?;
    Ok(Evidence {
        finding: o.opt_str("finding")?,
        means: o.str("means")?,
    })
}

fn combo(v: &Value, at: String) -> R<Combo> {
    let o = obj(v, at)?;
    Ok(Combo {
        client: o.u32("client")?,
        extended: o.u32("extended")?,
        title: o.str("title")?,
        summary: o.str("summary")?,
        notes: o.list_or_default("notes", string)?,
        causes: o.list_or_default("causes", cause)?,
    })
}

fn article(v: &Value, at: String) -> R<Article> {
    let o = obj(v, at)?;
    Ok(Article {
        id: o.str("id")?,
        title: o.str("title")?,
        summary: o.str("summary")?,
        symptoms: o.str("symptoms")?,
        client_codes: o.list_or_default("client_codes", string)?,
        notes: o.list_or_default("notes", string)?,
        confirm: o.list("confirm", check)?,
        fix_user: o.list_or_default("fix_user", step)?,
        fix_host: o.list_or_default("fix_host", step)?,
        none_user: o.opt_str("none_user")?,
        none_host: o.opt_str("none_host")?,
        if_not_helped: o.str("if_not_helped")?,
        sources: o.list_or_default("sources", source)?,
    })
}

fn check(v: &Value, at: String) -> R<Check> {
    let o = obj(v, at)?;
    Ok(Check {
        finding: o.opt_str("finding")?,
        text: o.str("text")?,
        command: o.opt_str("command")?,
    })
}

fn step(v: &Value, at: String) -> R<Step> {
    let o = obj(v, at)?;
    Ok(Step {
        text: o.str("text")?,
        commands: o.list_or_default("commands", command)?,
    })
}

fn command(v: &Value, at: String) -> R<Command> {
    let o = obj(v, at)?;
    Ok(Command {
        shell: o.str("shell")?,
        code: o.str("code")?,
    })
}

fn client(v: &Value, at: String) -> R<ClientFamily> {
    let o = obj(v, at)?;
    Ok(ClientFamily {
        id: o.str("id")?,
        name: o.str("name")?,
        covers: o.str("covers")?,
        embeds: o.list_or_default("embeds", string)?,
        tls_stack: o.str("tls_stack")?,
        tls_on: o.list_or_default("tls_on", string)?,
        tls_off: o.list_or_default("tls_off", string)?,
        tls_unknown: o.list_or_default("tls_unknown", string)?,
        suites: o.list_or_default("suites", string)?,
        suites_known: o.bool_or("suites_known", true)?,
        key: o.str("key")?,
        nla: o.str("nla")?,
        security_layers: o.str("security_layers")?,
        sources: o.list("sources", source)?,
    })
}

fn source(v: &Value, at: String) -> R<Source> {
    let o = obj(v, at)?;
    Ok(Source {
        url: o.str("url")?,
        says: o.str("says")?,
        verified: o.bool_or("verified", true)?,
    })
}

fn finding(v: &Value, at: String) -> R<FindingInfo> {
    let o = obj(v, at)?;
    Ok(FindingInfo {
        code: o.str("code")?,
        meaning: o.str("meaning")?,
        articles: o.list("articles", string)?,
    })
}

/// Reads the whole bundle; `file(part, index)` names the data file an error is in.
pub(crate) fn bundle(v: &Value, file: impl Fn(&str, usize) -> String) -> R<Decoded> {
    let o = obj(v, "the bundle".into())?;
    let tables = o.list("tables", |v, _| Ok(v))?;
    let articles = o.list("articles", |v, _| Ok(v))?;
    let tables = tables
        .into_iter()
        .enumerate()
        .map(|(i, t)| table(t, file("tables", i)))
        .collect::<R<Vec<_>>>()?;
    let mut all_articles = Vec::new();
    for (i, a) in articles.into_iter().enumerate() {
        let at = file("articles", i);
        all_articles.extend(obj(a, at.clone())?.list("article", article)?);
    }
    let findings = obj(
        o.get("findings").ok_or_else(|| o.missing("findings"))?,
        file("findings", 0),
    )?
    .list("finding", finding)?;
    let combos = obj(
        o.get("combos").ok_or_else(|| o.missing("combos"))?,
        file("combos", 0),
    )?
    .list("combo", combo)?;
    let clients = obj(
        o.get("clients").ok_or_else(|| o.missing("clients"))?,
        file("clients", 0),
    )?
    .list("client", client)?;
    Ok(Decoded {
        tables,
        articles: all_articles,
        findings,
        combos,
        clients,
    })
}
