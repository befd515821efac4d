//! Plain-text rendering of an explanation for a terminal (about 100 columns).

use std::fmt::Write as _;

use crate::explain::Explanation;
use crate::model::{Article, Step};

const WIDTH: usize = 100;

/// The "Source:" line under a meaning (none for an undocumented entry).
fn source(o: &mut String, source: &str) {
    if !source.is_empty() {
        para(o, &format!("Source: {source}"), 2);
    }
}

/// Renders an explanation as plain text.
pub fn render_text(ex: &Explanation) -> String {
    let mut o = String::new();
    for m in &ex.codes {
        let name_line = match (&m.entry, &m.range) {
            (Some(e), _) => {
                let mut s = e.name.clone();
                if !e.short.is_empty() {
                    s = format!("{s}: {}", e.short);
                }
                if !e.documented {
                    s.push_str("  [not in Microsoft's documentation]");
                }
                s
            }
            (None, Some(r)) => format!("{} ({}-{}): {}", r.name, r.start, r.end, r.short),
            (None, None) => String::new(),
        };
        let numbered = crate::data::kb()
            .table(&m.table)
            .is_none_or(|(_, t)| t.numbers);
        if numbered {
            let _ = writeln!(
                o,
                "{} {} ({})  -  {}",
                m.label.to_uppercase(),
                m.hex,
                m.decimal,
                m.table_title
            );
        } else {
            let _ = writeln!(o, "{}  -  {}", m.label.to_uppercase(), m.table_title);
        }
        para(&mut o, &name_line, 2);
        if let Some(g) = m.entry.as_ref().and_then(|e| e.group_title.as_ref()) {
            if m.table == "client" {
                para(&mut o, &format!("Family: {g}"), 2);
            }
        }
        if let Some(e) = &m.entry {
            para(&mut o, &e.meaning, 2);
            source(&mut o, &e.source);
        } else if let Some(r) = &m.range {
            para(&mut o, &r.meaning, 2);
            source(&mut o, &r.source);
        }
        for r in &m.related {
            para(
                &mut o,
                &format!(
                    "Same number in {}: {} {} - {}",
                    r.table_title, r.hex, r.name, r.meaning
                ),
                2,
            );
        }
        if !m.also.is_empty() {
            let list: Vec<String> = m
                .also
                .iter()
                .map(|r| format!("{} {} ({})", r.hex, r.name, r.table_title))
                .collect();
            para(
                &mut o,
                &format!(
                    "Read as: {}. The same number also means: {}",
                    m.interpretation,
                    list.join("; ")
                ),
                2,
            );
        } else if m.interpretation != "hexadecimal" && m.interpretation != "symbolic name" {
            para(&mut o, &format!("Read as: {}", m.interpretation), 2);
        }
        o.push('\n');
    }
    for f in &ex.findings {
        let _ = writeln!(o, "FINDING {}", f.code);
        para(&mut o, &f.meaning, 2);
        o.push('\n');
    }
    if let Some(c) = &ex.combination {
        let _ = writeln!(o, "TOGETHER: {}", c.title);
        para(&mut o, &c.summary, 2);
        for n in &c.notes {
            para(&mut o, &format!("Note: {n}"), 2);
        }
        o.push('\n');
    }
    if ex.causes.is_empty() {
        let _ = writeln!(
            o,
            "No fault to chase: these codes describe a normal end of the session or a client-local \
             condition."
        );
    } else {
        let _ = writeln!(o, "LIKELY CAUSES (most likely first)");
        for c in &ex.causes {
            let _ = writeln!(o, "  {}. {}  [{}]", c.rank, c.title, c.article);
            for w in &c.why {
                para(&mut o, w, 5);
            }
            for e in &c.evidence {
                let line = match &e.finding {
                    Some(f) => format!("{f}: {}", e.means),
                    None => format!("check: {}", e.means),
                };
                hang(&mut o, "- ", &line, 5);
            }
        }
        o.push('\n');
        let _ = writeln!(o, "HOW TO TELL THEM APART");
        para(
            &mut o,
            &format!(
                "Run `{}` from the affected computer (and, if you can, from a machine on the \
                 host's own network). Each finding above points to one cause; a clean probe from \
                 everywhere points to data stored on the client or to something after logon.",
                ex.check_command
            ),
            2,
        );
        o.push('\n');
        let _ = writeln!(o, "FIXES, BY CAUSE");
        for (i, a) in ex.articles.iter().enumerate() {
            article(&mut o, i + 1, a);
        }
    }
    if !ex.unknown.is_empty() {
        let _ = writeln!(o, "NOT UNDERSTOOD");
        for u in &ex.unknown {
            hang(&mut o, "- ", &format!("{}: {}", u.text, u.hint), 2);
        }
    }
    o
}

fn article(o: &mut String, n: usize, a: &Article) {
    let _ = writeln!(o, "== {n}. {} [{}] ==", a.title, a.id);
    para(o, &a.summary, 2);
    for note in &a.notes {
        para(o, &format!("Note: {note}"), 2);
    }
    let _ = writeln!(o, "  Confirm:");
    for c in &a.confirm {
        let text = match &c.finding {
            Some(f) => format!("[{f}] {}", c.text),
            None => c.text.clone(),
        };
        hang(o, "- ", &text, 4);
        if let Some(cmd) = &c.command {
            code(o, cmd, 8);
        }
    }
    side(o, "On your computer:", &a.fix_user, a.none_user.as_deref());
    side(o, "On the host:", &a.fix_host, a.none_host.as_deref());
    let _ = writeln!(o, "  If this did not help:");
    para(o, &a.if_not_helped, 4);
    if !a.sources.is_empty() {
        let _ = writeln!(o, "  Sources:");
        for s in &a.sources {
            let mark = if s.verified { "" } else { " (not verified)" };
            hang(o, "- ", &format!("{}: {}{mark}", s.url, s.says), 4);
        }
    }
    o.push('\n');
}

fn side(o: &mut String, title: &str, steps: &[Step], none: Option<&str>) {
    let _ = writeln!(o, "  {title}");
    if steps.is_empty() {
        para(o, none.unwrap_or("Nothing to do on this side."), 4);
        return;
    }
    for (i, s) in steps.iter().enumerate() {
        hang(o, &format!("{}. ", i + 1), &s.text, 4);
        for c in &s.commands {
            let _ = writeln!(o, "{}({})", " ".repeat(8), c.shell);
            code(o, &c.code, 8);
        }
    }
}

fn code(o: &mut String, text: &str, indent: usize) {
    for line in text.lines() {
        let _ = writeln!(o, "{}{}", " ".repeat(indent), line);
    }
}

/// Paragraph text: single newlines are soft wraps, blank lines separate paragraphs.
fn normalise(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

fn para(o: &mut String, text: &str, indent: usize) {
    for p in normalise(text) {
        wrap(o, &p, indent, indent);
    }
}

fn hang(o: &mut String, bullet: &str, text: &str, indent: usize) {
    let mut first = true;
    for p in normalise(text) {
        if first {
            let head = format!("{}{}", " ".repeat(indent), bullet);
            let rest = indent + bullet.chars().count();
            wrap_with_head(o, &head, &p, rest);
            first = false;
        } else {
            let rest = indent + bullet.chars().count();
            wrap(o, &p, rest, rest);
        }
    }
}

fn wrap(o: &mut String, text: &str, first_indent: usize, rest_indent: usize) {
    wrap_with_head(o, &" ".repeat(first_indent), text, rest_indent);
}

fn wrap_with_head(o: &mut String, head: &str, text: &str, rest_indent: usize) {
    let mut line = head.to_string();
    let mut len = line.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let wl = word.chars().count();
        if !empty && len + 1 + wl > WIDTH {
            o.push_str(line.trim_end());
            o.push('\n');
            line = " ".repeat(rest_indent);
            len = rest_indent;
            empty = true;
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += wl;
        empty = false;
    }
    o.push_str(line.trim_end());
    o.push('\n');
}
