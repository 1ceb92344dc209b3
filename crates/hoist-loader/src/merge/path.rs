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

/// A path from the root of a model as a chain of borrowed steps, built on the stack while a
/// tree is walked; it is turned into text only when an error needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Trail<'a> {
    /// The root.
    Root,
    /// A mapping key below a parent path.
    Key(&'a Trail<'a>, &'a str),
    /// A sequence index below a parent path.
    Index(&'a Trail<'a>, usize),
}

impl Trail<'_> {
    /// The path as a [`KeyPath`].
    pub(crate) fn key_path(&self) -> KeyPath {
        let mut steps = Vec::new();
        let mut at = self;
        loop {
            match at {
                Trail::Root => break,
                Trail::Key(parent, key) => {
                    steps.push((*key).to_string());
                    at = parent;
                }
                Trail::Index(parent, i) => {
                    steps.push(format!("[{i}]"));
                    at = parent;
                }
            }
        }
        steps.reverse();
        KeyPath { segments: steps }
    }

    /// The path as written in messages: `services.web.ports[0]`.
    pub(crate) fn display(&self) -> String {
        self.key_path().display()
    }

    /// The path as compose-go prints it in interpolation errors: keys joined by `.`, every
    /// sequence index as `[]` (`services.web.ports.[].target`).
    pub(crate) fn pattern_text(&self) -> String {
        let path = self.key_path();
        let segments: Vec<&str> = path
            .segments
            .iter()
            .map(|s| if s.starts_with('[') { "[]" } else { s.as_str() })
            .collect();
        segments.join(".")
    }
}

/// A table of compose-go path patterns (`services.*.ports.[].target`) matched one step at a
/// time while a tree is walked, so that no path is ever built as text: `*` matches any key or
/// index, `[]` any index, any other segment one key exactly. The first pattern that matches
/// wins. A table holds at most 64 patterns.
pub(crate) struct PatternTable<T: 'static> {
    entries: &'static [(&'static str, T)],
    /// Per depth: the patterns that go at least one segment deeper, whatever the key.
    deeper: Vec<Depth>,
    /// Per pattern: its number of segments.
    lengths: Vec<usize>,
}

/// The patterns of a table that accept a step at one depth, as bit masks.
#[derive(Debug, Default)]
struct Depth {
    /// Segment `*`: any key or index.
    any: u64,
    /// Segment `[]`: any index.
    index: u64,
    /// Literal segments, each with the patterns that have it there.
    keys: Vec<(&'static str, u64)>,
}

/// Which patterns of a [`PatternTable`] still match the path walked so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PatternCursor {
    alive: u64,
    depth: usize,
}

impl PatternCursor {
    /// True when no pattern can match this path or any path below it.
    pub(crate) fn is_dead(self) -> bool {
        self.alive == 0
    }
}

impl<T: Copy> PatternTable<T> {
    /// Compiles dotted patterns (at most 64).
    pub(crate) fn new(entries: &'static [(&'static str, T)]) -> Self {
        assert!(
            entries.len() <= 64,
            "a pattern table holds at most 64 patterns"
        );
        let mut deeper: Vec<Depth> = Vec::new();
        let mut lengths = Vec::with_capacity(entries.len());
        for (i, (pattern, _)) in entries.iter().enumerate() {
            let bit = 1u64 << i;
            let segments: Vec<&'static str> = pattern.split('.').collect();
            lengths.push(segments.len());
            for (depth, seg) in segments.into_iter().enumerate() {
                if deeper.len() <= depth {
                    deeper.push(Depth::default());
                }
                let at = &mut deeper[depth];
                match seg {
                    "*" => at.any |= bit,
                    "[]" => at.index |= bit,
                    key => match at.keys.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, mask)) => *mask |= bit,
                        None => at.keys.push((key, bit)),
                    },
                }
            }
        }
        PatternTable {
            entries,
            deeper,
            lengths,
        }
    }

    /// The cursor at the root: every pattern is still possible.
    pub(crate) fn root(&self) -> PatternCursor {
        let alive = match self.entries.len() {
            64 => u64::MAX,
            n => (1u64 << n) - 1,
        };
        PatternCursor { alive, depth: 0 }
    }

    /// The cursor one mapping key further down.
    pub(crate) fn key(&self, at: PatternCursor, key: &str) -> PatternCursor {
        let accepted = self.deeper.get(at.depth).map_or(0, |d| {
            let literal = d
                .keys
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(0, |(_, m)| *m);
            d.any | literal
        });
        PatternCursor {
            alive: at.alive & accepted,
            depth: at.depth + 1,
        }
    }

    /// The cursor one sequence item further down.
    pub(crate) fn index(&self, at: PatternCursor) -> PatternCursor {
        let accepted = self.deeper.get(at.depth).map_or(0, |d| d.any | d.index);
        PatternCursor {
            alive: at.alive & accepted,
            depth: at.depth + 1,
        }
    }

    /// The value of the first pattern that matches the path exactly.
    pub(crate) fn matched(&self, at: PatternCursor) -> Option<T> {
        let mut bits = at.alive;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if self.lengths[i] == at.depth {
                return Some(self.entries[i].1);
            }
        }
        None
    }

    /// The value of the first pattern that matches `path`.
    pub(crate) fn lookup(&self, path: &KeyPath) -> Option<T> {
        let mut at = self.root();
        for seg in &path.segments {
            at = if seg.starts_with('[') {
                self.index(at)
            } else {
                self.key(at, seg)
            };
            if at.is_dead() {
                return None;
            }
        }
        self.matched(at)
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
        static PATTERNS: &[(&str, u8)] = &[
            ("services.*.environment", 1),
            ("services.*", 2),
            ("services.*.environment.*", 3),
            ("services.*.ports.[].target", 4),
            ("services.*.labels", 5),
        ];
        let table = PatternTable::new(PATTERNS);
        let lookup = |keys: &[&str]| table.lookup(&KeyPath::from_keys(keys));
        assert_eq!(lookup(&["services", "web", "environment"]), Some(1));
        assert_eq!(lookup(&["services", "web"]), Some(2));
        assert_eq!(lookup(&["services", "web", "environment", "A"]), Some(3));
        assert_eq!(lookup(&["services", "a.b", "labels"]), Some(5));
        assert_eq!(lookup(&["services", "web", "image"]), None);
        assert_eq!(lookup(&["volumes", "data"]), None);
        let mut ports = KeyPath::from_keys(&["services", "web", "ports"]);
        ports.push_index(0);
        ports.push_key("target");
        assert_eq!(table.lookup(&ports), Some(4));
        // The cursor dies as soon as no pattern can match below.
        let at = table.key(table.root(), "volumes");
        assert!(at.is_dead());
        let at = table.key(table.key(table.root(), "services"), "web");
        assert!(!at.is_dead());
        assert_eq!(table.matched(at), Some(2));
        // `[]` stands for an index only, `*` for an index too.
        assert!(table.key(table.key(at, "ports"), "0").is_dead());
    }

    #[test]
    fn trails_render_like_key_paths() {
        let root = Trail::Root;
        let services = Trail::Key(&root, "services");
        let web = Trail::Key(&services, "web");
        let ports = Trail::Key(&web, "ports");
        let item = Trail::Index(&ports, 2);
        let target = Trail::Key(&item, "target");
        assert_eq!(target.display(), "services.web.ports[2].target");
        assert_eq!(target.pattern_text(), "services.web.ports.[].target");
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
