//! What the page reads from JSON (the relay's messages, its key, a share link's signed report)
//! read from a `serde_json::Value`, the one JSON reader the page carries anyway for the
//! knowledge base: no derived deserializer per type (each is several KiB of wasm). The rules
//! are serde's: a missing or null optional field is `None`, unknown fields are ignored, numbers
//! may be integers.

use serde_json::{Map, Value};

/// One JSON object being read.
pub struct Obj<'a>(&'a Map<String, Value>);

/// `text` as a JSON object.
pub fn object(v: &Value) -> Result<Obj<'_>, String> {
    v.as_object()
        .map(Obj)
        .ok_or_else(|| "expected a JSON object".to_string())
}

/// Parses `text`, which must be one JSON value.
pub fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

impl<'a> Obj<'a> {
    /// The value at `key`; `None` when absent or null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub fn str(&self, key: &str) -> Result<&'a str, String> {
        match self.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(format!("`{key}` is not a string")),
            None => Err(format!("missing field `{key}`")),
        }
    }

    pub fn string(&self, key: &str) -> Result<String, String> {
        self.str(key).map(str::to_string)
    }

    pub fn f64(&self, key: &str) -> Result<f64, String> {
        match self.get(key) {
            Some(v) => v.as_f64().ok_or_else(|| format!("`{key}` is not a number")),
            None => Err(format!("missing field `{key}`")),
        }
    }

    /// A value parsed from a string field (`Stage`, `FindingCode`).
    pub fn parsed<T: std::str::FromStr>(&self, key: &str) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        self.str(key)?
            .parse()
            .map_err(|e: T::Err| format!("`{key}`: {e}"))
    }

    /// An optional object field.
    pub fn opt_obj(&self, key: &str) -> Result<Option<Obj<'a>>, String> {
        self.get(key).map(object).transpose()
    }

    pub fn obj(&self, key: &str) -> Result<Obj<'a>, String> {
        self.opt_obj(key)?
            .ok_or_else(|| format!("missing field `{key}`"))
    }

    /// An array field.
    pub fn array(&self, key: &str) -> Result<&'a [Value], String> {
        self.get(key)
            .ok_or_else(|| format!("missing field `{key}`"))?
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| format!("`{key}`: expected an array"))
    }

    /// An optional string field: `None` when absent or null, an error when not a string.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key)
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}`: expected a string"))
            })
            .transpose()
    }

    /// A string field that must be one of `names`: its index.
    pub fn one_of(&self, key: &str, names: &[&str]) -> Result<usize, String> {
        let s = self.str(key)?;
        names
            .iter()
            .position(|n| *n == s)
            .ok_or_else(|| format!("`{key}`: unknown variant `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_as_serde_reads_them() {
        let v = parse(r#"{"s":"x","n":2,"f":1.5,"z":null,"o":{"a":"b"},"e":"two"}"#).expect("json");
        let o = object(&v).expect("an object");
        assert_eq!(o.str("s"), Ok("x"));
        assert_eq!(o.f64("n"), Ok(2.0));
        assert_eq!(o.f64("f"), Ok(1.5));
        assert!(o.opt_obj("z").expect("null is absent").is_none());
        assert!(o.opt_obj("missing").expect("absent").is_none());
        assert_eq!(o.obj("o").and_then(|o| o.string("a")), Ok("b".to_string()));
        assert_eq!(o.one_of("e", &["one", "two"]), Ok(1));
        assert!(o.one_of("e", &["one"]).is_err());
        assert!(o.str("n").is_err() && o.f64("s").is_err() && o.str("z").is_err());
        assert!(o.parsed::<rdpcheck_report::Stage>("s").is_err());
        assert!(object(&parse("[]").expect("json")).is_err());
        assert!(parse("nonsense").is_err());
    }
}
