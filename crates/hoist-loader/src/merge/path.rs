//! Key paths inside a model (`services.web.ports[0]`) and compose-go's path patterns
//! (`services.*.environment`), used to pick the merge rule, the de-duplication key and the
//! paths marked by `!reset` / `!override`.

use crate::node::Node;

/// A path from the root of a model: mapping keys, and `[i]` for sequence items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyPath {
    segments: Vec<String>,
}

impl KeyPath {
    /// The root path.
    pub(crate) fn root() -> Self {
        KeyPath::default()
    }

    /// A path from its segments (mapping keys).
    pub(crate) fn from_keys(keys: &[&str]) -> Self {
        KeyPath {
            segments: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    /// Appends a mapping key.
    pub(crate) fn push_key(&mut self, key: &str) {
        self.segments.push(key.to_string());
    }

    /// Appends a sequence index.
    pub(crate) fn push_index(&mut self, index: usize) {
        self.segments.push(format!("[{index}]"));
    }

    /// Removes the last segment.
    pub(crate) fn pop(&mut self) {
        self.segments.pop();
    }

    /// The segments.
    pub(crate) fn segments(&self) -> &[String] {
        &self.segments
    }

    /// True when the path matches a dotted pattern in which `*` stands for any one segment.
    pub(crate) fn matches(&self, pattern: &str) -> bool {
        let mut parts = pattern.split('.');
        for seg in &self.segments {
            match parts.next() {
                Some("*") => {}
                Some(p) if p == seg => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    /// True when this path equals `other`, a `*` segment of `other` matching anything.
    pub(crate) fn matches_path(&self, other: &KeyPath) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|(s, o)| o == "*" || s == o)
    }

    /// The path as written in messages: `services.web.ports[0]`.
    pub(crate) fn display(&self) -> String {
        let mut out = String::new();
        for seg in &self.segments {
            if !out.is_empty() && !seg.starts_with('[') {
                out.push('.');
            }
            out.push_str(seg);
        }
        out
    }
}

/// True when two nodes hold the same value, whatever their spans and tags.
pub(crate) fn same_value(a: &Node, b: &Node) -> bool {
    a.to_json() == b.to_json()
}

/// Formats a scalar the way Go's `%v` prints it (used for `key=value` strings).
pub(crate) fn go_format(node: &Node) -> String {
    use crate::node::Value;
    match &node.value {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => go_float(*f),
        Value::String(s) => s.clone(),
        Value::Seq(items) => {
            let inner: Vec<String> = items.iter().map(go_format).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Map(m) => {
            let mut inner: Vec<String> = m
                .entries
                .iter()
                .map(|e| format!("{}:{}", e.key, go_format(&e.value)))
                .collect();
            inner.sort();
            format!("map[{}]", inner.join(" "))
        }
    }
}

/// Go's `%v` for a float64: shortest form, exponent form below 1e-4 and from 1e21.
fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e21).contains(&abs) {
        // Rust prints `1e21` / `1.5e-5`; Go prints `1e+21` / `1.5e-05`.
        let s = format!("{f:e}");
        if let Some((mant, exp)) = s.split_once('e') {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            let digits = if digits.len() < 2 {
                format!("0{digits}")
            } else {
                digits.to_string()
            };
            return format!("{mant}e{sign}{digits}");
        }
        return s;
    }
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn patterns_match_segment_by_segment() {
        let p = KeyPath::from_keys(&["services", "web", "environment"]);
        assert!(p.matches("services.*.environment"));
        assert!(!p.matches("services.*"));
        assert!(!p.matches("services.*.environment.*"));
        let dotted = KeyPath::from_keys(&["services", "a.b", "labels"]);
        assert!(dotted.matches("services.*.labels"));
    }

    #[test]
    fn displays_indices_without_dots() {
        let mut p = KeyPath::from_keys(&["services", "web", "ports"]);
        p.push_index(2);
        assert_eq!(p.display(), "services.web.ports[2]");
    }

    #[test]
    fn formats_like_go() {
        let n = |v: serde_json::Value| Node::from_json(&v, Span::SYNTHETIC);
        assert_eq!(go_format(&n(serde_json::json!(1.5))), "1.5");
        assert_eq!(go_format(&n(serde_json::json!(1e21))), "1e+21");
        assert_eq!(go_format(&n(serde_json::json!(true))), "true");
        assert_eq!(go_format(&n(serde_json::json!(42))), "42");
    }
}
