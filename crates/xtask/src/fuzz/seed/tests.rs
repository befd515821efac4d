//! The Rust string-literal reader and the JSON scanner the seeds are cut with.

use super::json::{array_items, compact_json, json_string, string_field};
use super::proto::rust_string_literals;

#[test]
fn string_literals_are_unescaped() {
    assert_eq!(
        rust_string_literals(r#"same("a\tb", x), idn("\u{ff11}.\u{3002}", "q\"")"#),
        ["a\tb", "\u{ff11}.\u{3002}", "q\""]
    );
}

#[test]
fn json_helpers_cut_compact_json() {
    let json =
        compact_json("{ \"a\": [ {\"name\": \"x y\"}, {\"b\": [1, \"]\"]} ], \"c\": \"d\\\"\" }");
    assert_eq!(json, r#"{"a":[{"name":"x y"},{"b":[1,"]"]}],"c":"d\""}"#);
    assert_eq!(
        array_items(&json, "a"),
        [r#"{"name":"x y"}"#, r#"{"b":[1,"]"]}"#]
    );
    assert_eq!(string_field(&json, "name").as_deref(), Some("x y"));
    assert_eq!(json_string("a\"\\\n\u{1}"), r#""a\"\\\n\u0001""#);
}
