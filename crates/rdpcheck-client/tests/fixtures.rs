//! Every fixture in tests/fixtures/ (README there): client facts + host facts → exactly the
//! expected findings, fact states and clear steps. Pure, on any OS.

use std::collections::BTreeMap;
use std::path::Path;

use rdpcheck_client::{judge, ClientFacts, HostFacts};
use rdpcheck_report::{ClientFactKey, FactState, Provenance};
use serde_json::Value;

/// A case's `host` and `client` fields replace the base's, field by field.
fn merge(base: &mut Value, over: &Value) {
    for part in ["host", "client", "expect"] {
        if let (Some(b), Some(o)) = (
            base.get_mut(part).and_then(Value::as_object_mut),
            over.get(part).and_then(Value::as_object),
        ) {
            for (k, v) in o {
                b.insert(k.clone(), v.clone());
            }
        } else if let (Some(b), Some(o)) = (base.as_object_mut(), over.get(part)) {
            b.insert(part.to_string(), o.clone());
        }
    }
}

fn load(dir: &Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    if let Some(base) = v.get("base").and_then(Value::as_str).map(str::to_string) {
        let mut b = load(dir, &base);
        if let Value::Object(m) = &mut b {
            m.remove("expect");
        }
        merge(&mut b, &v);
        v = b;
    }
    v
}

fn key_name(k: ClientFactKey) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn state_name(s: FactState) -> &'static str {
    match s {
        FactState::Known => "known",
        FactState::Absent => "absent",
        FactState::Unknown => "unknown",
    }
}

fn check(name: &str, case: &Value) -> Result<(), String> {
    let host: HostFacts =
        serde_json::from_value(case["host"].clone()).map_err(|e| format!("host: {e}"))?;
    let client: ClientFacts =
        serde_json::from_value(case["client"].clone()).map_err(|e| format!("client: {e}"))?;
    let j = judge(&client, &host, "fixture");
    let expect = &case["expect"];
    let dump = || {
        serde_json::to_string_pretty(
            &serde_json::json!({"findings": j.findings, "section": j.section}),
        )
        .unwrap_or_default()
    };
    let mut want: Vec<(String, String)> = expect["findings"]
        .as_array()
        .ok_or("expect.findings")?
        .iter()
        .map(|f| {
            (
                f[0].as_str().unwrap_or("").to_string(),
                f[1].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut got: Vec<(String, String)> = j
        .findings
        .iter()
        .map(|f| {
            let sev = serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string));
            (f.code.to_string(), sev.unwrap_or_default())
        })
        .collect();
    want.sort();
    got.sort();
    if want != got {
        return Err(format!(
            "{name}: findings {got:?}, expected {want:?}\n{}",
            dump()
        ));
    }
    let states: BTreeMap<String, FactState> = j
        .section
        .facts
        .iter()
        .map(|f| (key_name(f.key), f.state))
        .collect();
    for (k, v) in expect["facts"].as_object().into_iter().flatten() {
        let got = states.get(k).map(|s| state_name(*s));
        if got != v.as_str() {
            return Err(format!(
                "{name}: fact {k} is {got:?}, expected {v}\n{}",
                dump()
            ));
        }
    }
    for f in &j.section.facts {
        let ok = match f.state {
            FactState::Unknown => f.reason.is_some() && f.value.is_none(),
            _ => f.value.is_some() && f.reason.is_none(),
        };
        if !ok || f.source.is_empty() {
            return Err(format!(
                "{name}: fact {:?} is not worded for its state\n{}",
                f.key,
                dump()
            ));
        }
    }
    let steps = j.section.clear_steps.join("\n");
    for s in expect["steps"].as_array().into_iter().flatten() {
        let s = s.as_str().unwrap_or_default();
        if !j.section.clear_steps.iter().any(|step| step == s) {
            return Err(format!("{name}: no step {s:?} in\n{steps}"));
        }
    }
    for s in expect["no_steps"].as_array().into_iter().flatten() {
        let s = s.as_str().unwrap_or_default();
        if steps.contains(s) {
            return Err(format!("{name}: a step mentions {s:?}:\n{steps}"));
        }
    }
    for k in expect["personal"].as_array().into_iter().flatten() {
        let k = k.as_str().unwrap_or_default();
        if !j
            .section
            .facts
            .iter()
            .any(|f| key_name(f.key) == k && f.personal)
        {
            return Err(format!("{name}: fact {k} is not marked personal"));
        }
    }
    for k in expect["unverified"].as_array().into_iter().flatten() {
        let k = k.as_str().unwrap_or_default();
        if !j
            .section
            .facts
            .iter()
            .any(|f| key_name(f.key) == k && f.provenance == Provenance::Unverified)
        {
            return Err(format!(
                "{name}: fact {k} is not labelled unverified\n{}",
                dump()
            ));
        }
    }
    let summaries: String = j
        .findings
        .iter()
        .map(|f| f.summary.clone())
        .collect::<Vec<_>>()
        .join("\n");
    for s in expect["summary_has"].as_array().into_iter().flatten() {
        let s = s.as_str().unwrap_or_default();
        if !summaries.contains(s) {
            return Err(format!("{name}: no summary says {s:?}:\n{summaries}"));
        }
    }
    Ok(())
}

#[test]
fn every_fixture_judges_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 30, "{names:?}");
    let failures: Vec<String> = names
        .iter()
        .filter_map(|n| check(n, &load(&dir, n)).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
    println!("{} fixtures judged as expected", names.len());
}

/// Every `client.` code is produced by at least one fixture.
#[test]
fn every_client_code_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let all: String = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    for code in rdpcheck_report::FindingCode::all()
        .into_iter()
        .filter(|c| c.is_client())
    {
        assert!(
            all.contains(&format!("\"{code}\"")),
            "no fixture produces {code}"
        );
    }
}
