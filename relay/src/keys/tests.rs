//! The key file, the retired list and rotation.

use super::*;

#[test]
fn created_once_then_reused() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("k/key");
    let a = RelayKey::load_or_create(&path).expect("create");
    let b = RelayKey::load_or_create(&path).expect("load");
    assert_eq!(a.key_id, b.key_id);
    assert_eq!(a.public_key_b64(), b.public_key_b64());
}

#[test]
fn rotation_retires_the_current_key_and_makes_a_new_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("key");
    let first = RelayKey::load_or_create(&path).expect("create");
    let r1 = rotate(&path).expect("rotate");
    assert_eq!(r1.retired_id, first.key_id);
    let second = RelayKey::load_or_create(&path).expect("load");
    assert_eq!(second.key_id, r1.new_id);
    assert_ne!(second.key_id, first.key_id);
    let r2 = rotate(&path).expect("rotate again");
    let third = RelayKey::load_or_create(&path).expect("load");
    let retired = load_retired(&path, &third.key_id).expect("retired");
    let ids: Vec<&str> = retired.iter().map(|r| r.key_id.as_str()).collect();
    assert_eq!(ids, [first.key_id.as_str(), r2.retired_id.as_str()]);
    assert_eq!(retired[0].public_key, first.public_key_b64());
    assert!(!dir.path().join("key.new").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The current key listed as retired (a rotation cut short) is not published twice.
    assert!(load_retired(&path, &first.key_id)
        .expect("retired")
        .iter()
        .all(|r| r.key_id != first.key_id));
}

#[test]
fn rotating_without_a_key_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let e = rotate(&dir.path().join("missing")).expect_err("no key");
    assert!(e.contains("no key at") && e.contains("missing"), "{e}");
}

#[test]
fn a_bad_retired_line_names_the_file_line_and_problem() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("key");
    let cases = [
        ("onlyonefield", "expected"),
        ("!!! 2026-01-01T00:00:00Z", "not base64url"),
        ("AAAA 2026-01-01T00:00:00Z", "3 bytes, not 32"),
        (
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo yesterday",
            "not an RFC 3339 time",
        ),
    ];
    for (line, why) in cases {
        std::fs::write(retired_path(&path), format!("# comment\n\n{line}\n")).expect("write");
        let e = load_retired(&path, "x").expect_err(line);
        assert!(
            e.contains("key.retired line 3: ") && e.contains(why),
            "{line}: {e}"
        );
    }
}

#[test]
fn the_cli_rotates_and_lists() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("key");
    let first = RelayKey::load_or_create(&path).expect("create");
    let args =
        |cmd: &str| ["keys", cmd, "--key-file", path.to_str().expect("utf-8")].map(String::from);
    let out = run_cli(args("rotate")).expect("rotate");
    assert!(
        out.contains(&format!("retired key {}", first.key_id)),
        "{out}"
    );
    let out = run_cli(args("list")).expect("list");
    let now = RelayKey::load_or_create(&path).expect("load");
    assert!(
        out.starts_with(&format!(
            "{} current\n{} retired ",
            now.key_id, first.key_id
        )),
        "{out}"
    );
    let e = run_cli(["keys".to_string(), "spin".to_string()]).expect_err("unknown");
    assert!(e.contains("spin"), "{e}");
}
