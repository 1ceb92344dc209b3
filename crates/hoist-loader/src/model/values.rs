//! Value types of the compose model that have their own wire format in compose-go (byte sizes,
//! durations, file modes, ulimits, Go maps, `x-*` extensions), plus the output mode switch.
//!
//! The typed model is serialised twice: once like Go's `encoding/json` (for `config --format
//! json` and the config hash) and once like go-yaml (for `config`). The two differ in which zero
//! values they drop and in map key order, so serialisation reads a thread-local [`OutputMode`]
//! set by [`with_mode`].

use super::go_duration::{format_go_duration, parse_go_duration};
use serde::de::Error as _;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value as Json;
use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Which Go encoder the serialisation imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// Go `encoding/json` with compose-go's `json` tags.
    Json,
    /// go-yaml with compose-go's `yaml` tags.
    Yaml,
}

thread_local! {
    static MODE: Cell<OutputMode> = const { Cell::new(OutputMode::Json) };
}

/// Runs `f` with the serialisation mode set to `mode`, restoring the previous mode afterwards.
pub fn with_mode<T>(mode: OutputMode, f: impl FnOnce() -> T) -> T {
    let previous = MODE.with(|m| m.replace(mode));
    let out = f();
    MODE.with(|m| m.set(previous));
    out
}

/// True while serialising like go-yaml.
pub fn yaml_mode() -> bool {
    MODE.with(|m| m.get()) == OutputMode::Yaml
}

// ---- skip_serializing_if helpers (Go `omitempty` semantics) ----

pub(crate) fn is_false(v: &bool) -> bool {
    !*v
}
pub(crate) fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}
pub(crate) fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}
/// A struct-valued field without a pointer: Go's JSON always prints it, go-yaml's `omitempty`
/// drops it when every field is zero.
pub(crate) fn yaml_zero<T: Default + PartialEq>(v: &T) -> bool {
    yaml_mode() && *v == T::default()
}
/// `command` / `entrypoint`: JSON prints `null`, YAML omits a nil list.
pub(crate) fn yaml_none<T>(v: &Option<T>) -> bool {
    yaml_mode() && v.is_none()
}
/// Fields tagged `json:"-"` that go-yaml still prints (extensions).
pub(crate) fn extensions_hidden(v: &Extensions) -> bool {
    !yaml_mode() || v.0.is_empty()
}

// ---- map key order ----

/// Go's `unicode.IsDigit` (approximated by Rust's numeric property).
fn go_is_digit(c: char) -> bool {
    c.is_numeric()
}

/// A digit's value the way go-yaml computes it (`r - '0'`, also for non-ASCII digits).
fn go_digit_value(c: char) -> i64 {
    i64::from(u32::from(c)) - i64::from(u32::from('0'))
}

/// go-yaml's map key order: like byte order, but runs of digits compare as numbers and letters
/// sort after other characters in a few cases.
pub fn go_yaml_key_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        // Bytes are characters here: no need to decode.
        return go_yaml_rune_cmp(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    go_yaml_rune_cmp(&ar, &br)
}

/// [`go_yaml_key_cmp`] on decoded characters (or ASCII bytes).
fn go_yaml_rune_cmp<C: Copy + Into<char>>(ar: &[C], br: &[C]) -> Ordering {
    let digit = |c: C| go_is_digit(c.into());
    let mut digits = false;
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        let (ca, cb): (char, char) = (ar[i].into(), br[i].into());
        if ca == cb {
            digits = go_is_digit(ca);
            i += 1;
            continue;
        }
        let al = ca.is_alphabetic();
        let bl = cb.is_alphabetic();
        if al && bl {
            return ca.cmp(&cb);
        }
        if al || bl {
            let a_first = if digits { al } else { bl };
            return if a_first {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ca == '0' || cb == '0' {
            let mut j = i;
            while j > 0 && digit(ar[j - 1]) {
                j -= 1;
                if Into::<char>::into(ar[j]) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(go_digit_value(ar[ai].into()));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(go_digit_value(br[bi].into()));
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ca.cmp(&cb);
    }
    ar.len().cmp(&br.len())
}

/// Serialises map entries in the order the current Go encoder would use.
fn serialize_sorted<'a, S, V, I>(entries: I, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    V: Serialize + 'a,
    I: IntoIterator<Item = (&'a String, V)>,
{
    let mut items: Vec<(&String, V)> = entries.into_iter().collect();
    if yaml_mode() {
        items.sort_by(|a, b| go_yaml_key_cmp(a.0, b.0));
    } else {
        items.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    }
    let mut map = serializer.serialize_map(Some(items.len()))?;
    for (k, v) in items {
        map.serialize_entry(k, &v)?;
    }
    map.end()
}

/// A Go map with string keys whose values are typed (`networks`, `depends_on`, `ulimits`…).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(transparent)]
pub struct SortedMap<V>(pub BTreeMap<String, V>);

impl<V: Serialize> Serialize for SortedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_sorted(self.0.iter(), serializer)
    }
}

impl<V> SortedMap<V> {
    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A `map[string]string` (labels, options, sysctls…), read from a mapping or a `KEY=VALUE` list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StringMap(pub BTreeMap<String, String>);

impl StringMap {
    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for StringMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_sorted(self.0.iter(), serializer)
    }
}

/// Scalar JSON to the string Go would hold for it.
fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Null => Some(String::new()),
        _ => None,
    }
}

/// The `(key, value)` pairs of a mapping, or of a list of `KEY=VALUE` strings (a bare `KEY`
/// has a `null` value); `null` has none. Read entry by entry, without building the whole
/// value first.
fn entries_of<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Json)>, D::Error> {
    struct Entries;

    fn not_entries<E: serde::de::Error>(found: Json) -> E {
        E::custom(format!(
            "expected a mapping or a list of `KEY=VALUE` strings, found {found}"
        ))
    }

    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<(String, Json)>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a mapping or a list of `KEY=VALUE` strings")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(entry) = map.next_entry::<String, Json>()? {
                out.push(entry);
            }
            Ok(out)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq.next_element::<Json>()? {
                match item {
                    Json::String(s) => out.push(match s.split_once('=') {
                        Some((k, v)) => (k.to_string(), Json::String(v.to_string())),
                        None => (s, Json::Null),
                    }),
                    other => {
                        return Err(A::Error::custom(format!(
                            "expected a `KEY=VALUE` string, found {other}"
                        )))
                    }
                }
            }
            Ok(out)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Err(not_entries(Json::Bool(v)))
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Err(not_entries(Json::from(v)))
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Err(not_entries(Json::from(v)))
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Err(not_entries(Json::from(v)))
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Err(not_entries(Json::String(v.to_string())))
        }
    }

    d.deserialize_any(Entries)
}

impl<'de> Deserialize<'de> for StringMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut out = BTreeMap::new();
        for (k, v) in entries_of(d)? {
            let text = scalar_text(&v).ok_or_else(|| {
                D::Error::custom(format!("value of `{k}` must be a string, found {v}"))
            })?;
            out.insert(k, text);
        }
        Ok(StringMap(out))
    }
}

/// A `map[string]*string` (`environment`, build `args`): a key without value is `null`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnvMap(pub BTreeMap<String, Option<String>>);

impl EnvMap {
    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for EnvMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_sorted(self.0.iter(), serializer)
    }
}

impl<'de> Deserialize<'de> for EnvMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut out = BTreeMap::new();
        for (k, v) in entries_of(d)? {
            let value = match &v {
                Json::Null => None,
                other => Some(scalar_text(other).ok_or_else(|| {
                    D::Error::custom(format!("value of `{k}` must be a string, found {v}"))
                })?),
            };
            out.insert(k, value);
        }
        Ok(EnvMap(out))
    }
}

/// A `map[string][]string` (`provider.options`): a scalar value becomes a one-item list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MultiOptions(pub BTreeMap<String, Vec<String>>);

impl MultiOptions {
    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for MultiOptions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_sorted(self.0.iter(), serializer)
    }
}

impl<'de> Deserialize<'de> for MultiOptions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Json::deserialize(d)?;
        let Json::Object(o) = v else {
            return Err(D::Error::custom("expected a mapping"));
        };
        let mut out = BTreeMap::new();
        for (k, v) in o {
            let list = match v {
                Json::Array(items) => items.iter().filter_map(scalar_text).collect(),
                other => scalar_text(&other).into_iter().collect(),
            };
            out.insert(k, list);
        }
        Ok(MultiOptions(out))
    }
}

/// `x-*` keys of a mapping, kept as free-form values; go-yaml prints them inline at the end of
/// their struct, Go's JSON drops them (except at the project level).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(transparent)]
pub struct Extensions(pub BTreeMap<String, Json>);

impl Extensions {
    /// True when there is no extension.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Extensions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_sorted(self.0.iter().map(|(k, v)| (k, AnyValue(v))), serializer)
    }
}

/// A free-form value (Go `any`): maps inside it are Go maps, so their keys get sorted.
#[derive(Debug, Clone, Copy)]
pub struct AnyValue<'a>(pub &'a Json);

impl Serialize for AnyValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Json::Object(o) => {
                serialize_sorted(o.iter().map(|(k, v)| (k, AnyValue(v))), serializer)
            }
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&AnyValue(item))?;
                }
                seq.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// A Go `float32`: printed with the shortest text that reads back as the same `float32`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct F32(pub f32);

impl F32 {
    /// True for `0`.
    pub fn is_zero(&self) -> bool {
        self.0 == 0.0
    }
}

impl Serialize for F32 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let wide: f64 = format!("{}", self.0).parse().unwrap_or(0.0);
        serializer.serialize_f64(wide)
    }
}

impl<'de> Deserialize<'de> for F32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Number(n) => Ok(F32(n.as_f64().unwrap_or(0.0) as f32)),
            Json::String(s) => s
                .trim()
                .parse::<f32>()
                .map(F32)
                .map_err(|_| D::Error::custom(format!("`{s}` is not a number"))),
            Json::Null => Ok(F32(0.0)),
            other => Err(D::Error::custom(format!(
                "expected a number, found {other}"
            ))),
        }
    }
}

/// A size in bytes (`UnitBytes`): read from `512m`/`1g`/a number, printed as a quoted integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitBytes(pub i64);

impl UnitBytes {
    /// True for `0` (treated as unset).
    pub fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl Serialize for UnitBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

/// Parses a byte size the way docker's `units.RAMInBytes` does (binary multiples).
pub fn parse_byte_size(text: &str) -> Option<i64> {
    let s = text.trim().to_ascii_lowercase();
    if let Ok(bytes) = s.parse::<i64>() {
        return Some(bytes);
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let number: f64 = num.parse().ok()?;
    let unit = unit.trim();
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(unit);
    let scale: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024f64.powi(4),
        "p" => 1024f64.powi(5),
        _ => return None,
    };
    Some((number * scale) as i64)
}

impl<'de> Deserialize<'de> for UnitBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .map(UnitBytes)
                .ok_or_else(|| D::Error::custom("invalid byte size")),
            Json::String(s) => parse_byte_size(&s).map(UnitBytes).ok_or_else(|| {
                D::Error::custom(format!("`{s}` is not a byte size (like `512m` or `1g`)"))
            }),
            Json::Null => Ok(UnitBytes(0)),
            other => Err(D::Error::custom(format!(
                "expected a byte size, found {other}"
            ))),
        }
    }
}

/// A Go `time.Duration` in nanoseconds, printed like `1m30s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration(pub i64);

impl Duration {
    /// True for a zero duration.
    pub fn is_zero(&self) -> bool {
        self.0 == 0
    }
    /// The duration as a [`std::time::Duration`] (negative durations become zero).
    pub fn to_std(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(u64::try_from(self.0).unwrap_or(0))
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_go_duration(self.0))
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::String(s) => parse_go_duration(&s)
                .map(Duration)
                .ok_or_else(|| D::Error::custom(format!("`{s}` is not a duration (like `1m30s`)"))),
            Json::Number(n) => n
                .as_i64()
                .and_then(|secs| secs.checked_mul(1_000_000_000))
                .map(Duration)
                .ok_or_else(|| D::Error::custom("invalid duration")),
            other => Err(D::Error::custom(format!(
                "expected a duration, found {other}"
            ))),
        }
    }
}

/// A Unix file mode, printed as an octal string (`"0440"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileMode(pub i64);

impl Serialize for FileMode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0{:o}", self.0))
    }
}

impl<'de> Deserialize<'de> for FileMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::String(s) => i64::from_str_radix(s.trim(), 8)
                .map(FileMode)
                .map_err(|_| D::Error::custom(format!("`{s}` is not an octal file mode"))),
            Json::Number(n) => n
                .as_i64()
                .map(FileMode)
                .ok_or_else(|| D::Error::custom("invalid file mode")),
            other => Err(D::Error::custom(format!(
                "expected a file mode, found {other}"
            ))),
        }
    }
}

/// A device count: a number, or `all` (stored as `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceCount(pub i64);

impl DeviceCount {
    /// True when unset.
    pub fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl Serialize for DeviceCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for DeviceCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Number(n) => n
                .as_i64()
                .map(DeviceCount)
                .ok_or_else(|| D::Error::custom("invalid device count")),
            Json::String(s) if s == "all" => Ok(DeviceCount(-1)),
            Json::String(s) => s.parse().map(DeviceCount).map_err(|_| {
                D::Error::custom(format!(
                    "invalid value `{s}`: the only values allowed are `all` or a number"
                ))
            }),
            other => Err(D::Error::custom(format!("invalid device count {other}"))),
        }
    }
}

/// A ulimit: a single value (`nofile: 1024`) or a soft/hard pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ulimit {
    /// The single value; when non-zero, soft and hard are unused.
    pub single: i64,
    /// Soft limit.
    pub soft: i64,
    /// Hard limit.
    pub hard: i64,
}

impl Serialize for Ulimit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.single != 0 {
            return serializer.serialize_i64(self.single);
        }
        let yaml = yaml_mode();
        let mut map = serializer.serialize_map(None)?;
        if yaml || self.soft != 0 {
            map.serialize_entry("soft", &self.soft)?;
        }
        if yaml || self.hard != 0 {
            map.serialize_entry("hard", &self.hard)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Ulimit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let int = |v: Option<&Json>, name: &str| -> Result<i64, D::Error> {
            match v {
                None | Some(Json::Null) => Ok(0),
                Some(Json::Number(n)) => n
                    .as_i64()
                    .ok_or_else(|| D::Error::custom(format!("invalid `{name}`"))),
                Some(Json::String(s)) => s
                    .parse()
                    .map_err(|_| D::Error::custom(format!("`{name}` must be an integer"))),
                Some(other) => Err(D::Error::custom(format!(
                    "`{name}` must be an integer, found {other}"
                ))),
            }
        };
        match Json::deserialize(d)? {
            v @ (Json::Number(_) | Json::String(_)) => Ok(Ulimit {
                single: int(Some(&v), "ulimit")?,
                soft: 0,
                hard: 0,
            }),
            Json::Object(o) => Ok(Ulimit {
                single: int(o.get("single"), "single")?,
                soft: int(o.get("soft"), "soft")?,
                hard: int(o.get("hard"), "hard")?,
            }),
            other => Err(D::Error::custom(format!(
                "expected an integer or `{{soft, hard}}`, found {other}"
            ))),
        }
    }
}

/// An SSH agent socket or key for builds: `default`, or `id=path`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SshKey {
    /// The key id (`default` for the agent).
    pub id: String,
    /// The key or socket path, if any.
    pub path: String,
}

impl Serialize for SshKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.path.is_empty() {
            serializer.serialize_str(&self.id)
        } else if yaml_mode() {
            serializer.serialize_str(&format!("{}: {}", self.id, self.path))
        } else {
            serializer.serialize_str(&format!("{}={}", self.id, self.path))
        }
    }
}

impl<'de> Deserialize<'de> for SshKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let (id, path) = match s.split_once('=').or_else(|| s.split_once(": ")) {
            Some((id, path)) => (id.to_string(), path.to_string()),
            None => (s, String::new()),
        };
        Ok(SshKey { id, path })
    }
}

/// A boolean that defaults to `true` and is printed only when `false` (Go `OptOut`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OptOut(pub bool);

impl Default for OptOut {
    fn default() -> Self {
        OptOut(true)
    }
}

impl OptOut {
    /// True when the value is the default `true` (so it is not printed).
    pub fn is_default(&self) -> bool {
        self.0
    }
}

/// A list read from a single string or a list of strings/numbers (`dns`, `tmpfs`, `expose`…).
pub(crate) fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    match Json::deserialize(d)? {
        Json::Null => Ok(Vec::new()),
        Json::Array(items) => items
            .iter()
            .map(|v| match v {
                Json::Array(_) | Json::Object(_) | Json::Null => {
                    Err(D::Error::custom(format!("expected a string, found {v}")))
                }
                other => Ok(scalar_text(other).unwrap_or_default()),
            })
            .collect(),
        other => scalar_text(&other).map(|s| vec![s]).ok_or_else(|| {
            D::Error::custom(format!(
                "expected a string or a list of strings, found {other}"
            ))
        }),
    }
}

/// `extra_hosts`: a list of `host=ip` / `host:ip` strings or a `host: ip` mapping, kept as
/// `host=ip` strings in order.
pub(crate) fn hosts_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    match Json::deserialize(d)? {
        Json::Null => Ok(Vec::new()),
        Json::Object(o) => {
            let mut out = Vec::new();
            for (host, ips) in o {
                match ips {
                    Json::Array(items) => out.extend(
                        items
                            .iter()
                            .filter_map(scalar_text)
                            .map(|ip| format!("{host}={ip}")),
                    ),
                    other => out.push(format!(
                        "{host}={}",
                        scalar_text(&other).unwrap_or_default()
                    )),
                }
            }
            Ok(out)
        }
        Json::Array(items) => items
            .iter()
            .map(|v| {
                let s = v
                    .as_str()
                    .ok_or_else(|| D::Error::custom(format!("expected `host=ip`, found {v}")))?;
                Ok(if s.contains('=') {
                    s.to_string()
                } else if let Some((host, ip)) = s.split_once(':') {
                    format!("{host}={ip}")
                } else {
                    s.to_string()
                })
            })
            .collect(),
        other => Err(D::Error::custom(format!(
            "expected a list of `host=ip`, found {other}"
        ))),
    }
}

/// `command` / `entrypoint`: `null`, a list, or a string (split like a shell would).
pub(crate) fn shell_command<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    match Json::deserialize(d)? {
        Json::Null => Ok(None),
        Json::String(s) => Ok(Some(split_shell_words(&s))),
        Json::Array(items) => items
            .iter()
            .map(|v| {
                scalar_text(v)
                    .ok_or_else(|| D::Error::custom(format!("expected a string, found {v}")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => Err(D::Error::custom(format!(
            "expected a string or a list of strings, found {other}"
        ))),
    }
}

/// Splits a command line into words with POSIX shell quoting rules (no expansion).
pub fn split_shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    current.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => current.push(n),
                            Some('\n') => {}
                            Some(n) => {
                                current.push('\\');
                                current.push(n);
                            }
                            None => current.push('\\'),
                        },
                        other => current.push(other),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(n) => current.push(n),
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            other => {
                in_word = true;
                current.push(other);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_yaml_key_order() {
        // Order printed by Docker Compose v5.6.1 for these `environment` keys.
        let expected = [
            "_a",
            "1a",
            "A_B",
            "AB",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "a",
            "a.b",
            "a1",
            "a01",
            "a2",
            "a10",
            "ab",
            "b",
            "É",
        ];
        let mut keys = expected.to_vec();
        keys.reverse();
        keys.sort_by(|a, b| go_yaml_key_cmp(a, b));
        assert_eq!(keys, expected.to_vec());
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_byte_size("1g"), Some(1073741824));
        assert_eq!(parse_byte_size("512m"), Some(536870912));
        assert_eq!(parse_byte_size("12mb"), Some(12582912));
        assert_eq!(parse_byte_size("1024k"), Some(1048576));
        assert_eq!(parse_byte_size("120"), Some(120));
        assert_eq!(parse_byte_size("-1"), Some(-1));
        assert_eq!(parse_byte_size("x"), None);
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            split_shell_words("echo 'a b' \"c\\\"d\" e\\ f"),
            vec!["echo", "a b", "c\"d", "e f"]
        );
        assert!(split_shell_words("").is_empty());
    }
}
