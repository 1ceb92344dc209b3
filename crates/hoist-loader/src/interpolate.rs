//! Interpolation of a compose file tree: `${VAR}` substitution on values, then type casts.
//!
//! Pipeline position: right after YAML decoding of each file (and before `include`,
//! `extends`, merge and schema validation). Only string values are substituted, never keys;
//! YAML has already typed unquoted scalars, so `8080` is an int and is left alone.
//!
//! After substitution, strings at a fixed set of paths are converted to the type compose-go
//! expects there ([`CAST_PATHS`]): `services.*.ports[].target` to an integer, `init` to a
//! boolean, `cpus` to a float, and so on. Like upstream, the cast applies to every string at
//! such a path, whether or not it contained a variable (`init: "true"` becomes `true`).
//!
//! Warnings (unset variables, YAML 1.1 booleans such as `yes`) go to a caller-supplied
//! `&mut Vec<String>` sink, one message per occurrence, worded exactly as compose prints
//! them after `WARN[0000] `. The template language itself lives in [`template`]; variable
//! extraction for `config --variables` in [`variables`].

pub mod template;
pub mod variables;

use crate::error::{LoadError, Result};
use crate::node::{Node, Value};
use std::collections::BTreeMap;

pub use template::{substitute, unset_warning, Lookup, SubstituteError};
pub use variables::{variables_in, VariableUse};

use template::go_quote;

/// One step of a path into the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// The type a cast path converts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    /// Go `strconv.Atoi`: a decimal `int` (64-bit).
    Int,
    /// Go `strconv.ParseInt(s, 10, 64)`.
    Int64,
    /// Go `strconv.ParseFloat(s, 64)`.
    Float,
    /// Go `strconv.ParseFloat(s, 32)`, stored as the shortest decimal of the `f32`.
    Float32,
    /// `true`/`false` in any case; `y`/`yes`/`on` and `n`/`no`/`off` with a warning.
    Bool,
}

/// The paths whose string values are cast after interpolation (compose-go's
/// `interpolateTypeCastMapping`). `*` matches any one key or index, `[]` any index.
pub const CAST_PATHS: &[(&str, Cast)] = &[
    ("services.*.cpu_count", Cast::Int64),
    ("services.*.cpu_percent", Cast::Float),
    ("services.*.cpu_period", Cast::Int64),
    ("services.*.cpu_quota", Cast::Int64),
    ("services.*.cpu_rt_period", Cast::Int64),
    ("services.*.cpu_rt_runtime", Cast::Int64),
    ("services.*.cpus", Cast::Float32),
    ("services.*.cpu_shares", Cast::Int64),
    ("services.*.init", Cast::Bool),
    ("services.*.depends_on.*.required", Cast::Bool),
    ("services.*.depends_on.*.restart", Cast::Bool),
    ("services.*.deploy.replicas", Cast::Int),
    ("services.*.deploy.update_config.parallelism", Cast::Int),
    (
        "services.*.deploy.update_config.max_failure_ratio",
        Cast::Float,
    ),
    ("services.*.deploy.rollback_config.parallelism", Cast::Int),
    (
        "services.*.deploy.rollback_config.max_failure_ratio",
        Cast::Float,
    ),
    ("services.*.deploy.restart_policy.max_attempts", Cast::Int),
    (
        "services.*.deploy.placement.max_replicas_per_node",
        Cast::Int,
    ),
    ("services.*.healthcheck.retries", Cast::Int),
    ("services.*.healthcheck.disable", Cast::Bool),
    ("services.*.oom_kill_disable", Cast::Bool),
    ("services.*.oom_score_adj", Cast::Int64),
    ("services.*.pids_limit", Cast::Int64),
    ("services.*.ports.[].target", Cast::Int),
    ("services.*.privileged", Cast::Bool),
    ("services.*.read_only", Cast::Bool),
    ("services.*.scale", Cast::Int),
    ("services.*.stdin_open", Cast::Bool),
    ("services.*.tty", Cast::Bool),
    ("services.*.ulimits.*", Cast::Int),
    ("services.*.ulimits.*.hard", Cast::Int),
    ("services.*.ulimits.*.soft", Cast::Int),
    ("services.*.volumes.[].read_only", Cast::Bool),
    ("services.*.volumes.[].volume.nocopy", Cast::Bool),
    ("networks.*.external", Cast::Bool),
    ("networks.*.internal", Cast::Bool),
    ("networks.*.attachable", Cast::Bool),
    ("networks.*.enable_ipv4", Cast::Bool),
    ("networks.*.enable_ipv6", Cast::Bool),
    ("volumes.*.external", Cast::Bool),
    ("secrets.*.external", Cast::Bool),
    ("configs.*.external", Cast::Bool),
];

/// Interpolates every string value of `root` in place, then applies the casts of
/// [`CAST_PATHS`]. Warnings are appended to `warnings`.
///
/// Values are visited in source order and the first error stops the walk. Errors carry the
/// value's span, its key path (`services.web.ports[0].target`) and compose's wording:
/// `error while interpolating services.web.image: required variable X is missing a value: m`,
/// `invalid interpolation format for services.web.image.\nYou may need to escape any $ with
/// another $.\n${`, or `error while interpolating services.web.init: failed to cast to
/// expected type: invalid boolean: maybe`.
pub fn interpolate_tree(
    root: &mut Node,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let mut path = Vec::new();
    walk(root, &mut path, lookup, warnings)
}

fn walk(
    node: &mut Node,
    path: &mut Vec<Step>,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    match &mut node.value {
        Value::String(text) => {
            let substituted = match substitute(text, lookup, warnings) {
                Ok(s) => s,
                Err(err) => return Err(substitute_error(&err, path, node.span)),
            };
            node.value = match cast_for(path) {
                None => Value::String(substituted),
                Some(cast) => match apply_cast(cast, &substituted, warnings) {
                    Ok(v) => v,
                    Err(msg) => {
                        return Err(LoadError::at(
                            node.span,
                            format!(
                            "error while interpolating {}: failed to cast to expected type: {msg}",
                            compose_path(path)
                        ),
                        )
                        .with_path(display_path(path))
                        .with_hint(cast_hint(cast)))
                    }
                },
            };
            Ok(())
        }
        Value::Map(map) => {
            for entry in &mut map.entries {
                path.push(Step::Key(entry.key.clone()));
                let result = walk(&mut entry.value, path, lookup, warnings);
                path.pop();
                result?;
            }
            Ok(())
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Step::Index(i));
                let result = walk(item, path, lookup, warnings);
                path.pop();
                result?;
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => Ok(()),
    }
}

fn substitute_error(err: &SubstituteError, path: &[Step], span: crate::Span) -> LoadError {
    match err {
        SubstituteError::InvalidTemplate { template } => LoadError::at(
            span,
            format!(
                "invalid interpolation format for {}.\nYou may need to escape any $ with another $.\n{template}",
                compose_path(path)
            ),
        )
        .with_path(display_path(path))
        .with_hint("write a literal `$` as `$$`; variables are `$NAME` or `${NAME}` with `:-` `-` `:?` `?` `:+` `+`"),
        SubstituteError::MissingRequired { variable, .. } => {
            LoadError::at(span, format!("error while interpolating {}: {err}", compose_path(path)))
                .with_path(display_path(path))
                .with_hint(format!("set {variable} in the environment or in the .env file"))
        }
    }
}

fn cast_hint(cast: Cast) -> &'static str {
    match cast {
        Cast::Int | Cast::Int64 => "this field takes a whole number",
        Cast::Float | Cast::Float32 => "this field takes a number",
        Cast::Bool => "this field takes `true` or `false`",
    }
}

/// The path as compose prints it: keys joined by `.`, sequence items as `[]`.
fn compose_path(path: &[Step]) -> String {
    let parts: Vec<&str> = path
        .iter()
        .map(|s| match s {
            Step::Key(k) => k.as_str(),
            Step::Index(_) => "[]",
        })
        .collect();
    parts.join(".")
}

/// The path as Hoist shows it: `services.web.ports[0].target`.
fn display_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The cast registered for `path`, if any.
fn cast_for(path: &[Step]) -> Option<Cast> {
    CAST_PATHS
        .iter()
        .find(|(pattern, _)| path_matches(path, pattern))
        .map(|&(_, cast)| cast)
}

fn path_matches(path: &[Step], pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('.').collect();
    parts.len() == path.len()
        && parts
            .iter()
            .zip(path)
            .all(|(part, step)| match (*part, step) {
                ("*", _) => true,
                ("[]", Step::Index(_)) => true,
                (p, Step::Key(k)) => p == k,
                (_, Step::Index(_)) => false,
            })
}

/// Converts `text` with `cast`; the error is the Go error text (`strconv.Atoi: parsing "x":
/// invalid syntax`, `invalid boolean: maybe`).
pub fn apply_cast(
    cast: Cast,
    text: &str,
    warnings: &mut Vec<String>,
) -> std::result::Result<Value, String> {
    match cast {
        Cast::Int => parse_go_int(text)
            .map(Value::Int)
            .map_err(|e| go_num_error("Atoi", text, e)),
        Cast::Int64 => parse_go_int(text)
            .map(Value::Int)
            .map_err(|e| go_num_error("ParseInt", text, e)),
        Cast::Float => parse_go_float(text, false)
            .map(Value::Float)
            .map_err(|e| go_num_error("ParseFloat", text, e)),
        Cast::Float32 => parse_go_float(text, true)
            .map(Value::Float)
            .map_err(|e| go_num_error("ParseFloat", text, e)),
        Cast::Bool => parse_bool(text, warnings).map(Value::Bool),
    }
}

/// compose-go's boolean cast.
fn parse_bool(text: &str, warnings: &mut Vec<String>) -> std::result::Result<bool, String> {
    match text.to_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        "y" | "yes" | "on" => {
            warnings.push(format!(
                "{} for boolean is not supported by YAML 1.2, please use `true`",
                go_quote(text)
            ));
            Ok(true)
        }
        "n" | "no" | "off" => {
            warnings.push(format!(
                "{} for boolean is not supported by YAML 1.2, please use `false`",
                go_quote(text)
            ));
            Ok(false)
        }
        _ => Err(format!("invalid boolean: {text}")),
    }
}

/// Why a Go number parse failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumError {
    Syntax,
    Range,
}

fn go_num_error(func: &str, text: &str, err: NumError) -> String {
    let what = match err {
        NumError::Syntax => "invalid syntax",
        NumError::Range => "value out of range",
    };
    format!("strconv.{func}: parsing {}: {what}", go_quote(text))
}

/// Go's base-10 `ParseInt(s, 10, 64)`: optional sign, ASCII digits only. Errors are reported
/// in the order Go finds them (an overflow before a bad character is a range error).
fn parse_go_int(text: &str) -> std::result::Result<i64, NumError> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(NumError::Syntax);
    }
    let mut magnitude: u64 = 0;
    let mut overflowed = false;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err(NumError::Syntax);
        }
        match magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(b - b'0')))
        {
            Some(m) => magnitude = m,
            None => {
                overflowed = true;
                break;
            }
        }
    }
    if overflowed {
        return Err(NumError::Range);
    }
    let limit = if negative {
        1u64 << 63
    } else {
        (1u64 << 63) - 1
    };
    if magnitude > limit {
        return Err(NumError::Range);
    }
    if negative {
        Ok((magnitude as i64).wrapping_neg())
    } else {
        Ok(magnitude as i64)
    }
}

/// Go's `ParseFloat` for decimal input: digits with an optional fraction and exponent,
/// `inf`/`infinity` (optionally signed) and unsigned `nan`, case-insensitively. A finite
/// input that overflows is a range error. With `single`, the value is rounded to `f32` and
/// kept as the shortest decimal of that `f32` (what compose prints for a `float32` field).
/// Hexadecimal floats are not supported.
fn parse_go_float(text: &str, single: bool) -> std::result::Result<f64, NumError> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let lower = unsigned.to_ascii_lowercase();
    let special_inf = lower == "inf" || lower == "infinity";
    if lower == "nan" {
        if unsigned.len() != text.len() {
            return Err(NumError::Syntax);
        }
        return Ok(f64::NAN);
    }
    if !special_inf {
        let valid = !unsigned.is_empty()
            && unsigned
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
        if !valid {
            return Err(NumError::Syntax);
        }
    }
    if single {
        let v: f32 = text.parse().map_err(|_| NumError::Syntax)?;
        if v.is_infinite() && !special_inf {
            return Err(NumError::Range);
        }
        Ok(v.to_string().parse::<f64>().unwrap_or(f64::from(v)))
    } else {
        let v: f64 = text.parse().map_err(|_| NumError::Syntax)?;
        if v.is_infinite() && !special_inf {
            return Err(NumError::Range);
        }
        Ok(v)
    }
}

/// Every variable the string values of `root` use (keys are not templates), for
/// `config --variables`. One entry per name, sorted by name. When a name is used several
/// times the uses are merged as Docker Compose v5.6.1 does: the first non-empty default and
/// the first non-empty alternate value are kept (in upstream's scan order), and the variable
/// is required when any use requires it.
pub fn variables(root: &Node) -> Vec<VariableUse> {
    let mut found = BTreeMap::new();
    collect_variables(root, &mut found);
    found.into_values().collect()
}

fn collect_variables(node: &Node, found: &mut BTreeMap<String, VariableUse>) {
    match &node.value {
        Value::String(s) => {
            for v in variables_in(s) {
                match found.get_mut(&v.name) {
                    None => {
                        found.insert(v.name.clone(), v);
                    }
                    Some(known) => {
                        if known.default_value.is_empty() {
                            known.default_value = v.default_value;
                        }
                        if known.presence_value.is_empty() {
                            known.presence_value = v.presence_value;
                        }
                        known.required |= v.required;
                    }
                }
            }
        }
        Value::Map(m) => m
            .entries
            .iter()
            .for_each(|e| collect_variables(&e.value, found)),
        Value::Seq(items) => items.iter().for_each(|n| collect_variables(n, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_int_parsing() {
        assert_eq!(parse_go_int("+3"), Ok(3));
        assert_eq!(parse_go_int("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_go_int("9223372036854775808"), Err(NumError::Range));
        assert_eq!(parse_go_int("9223372036854775808x"), Err(NumError::Syntax));
        assert_eq!(parse_go_int("99999999999999999999x"), Err(NumError::Range));
        assert_eq!(parse_go_int(" 3"), Err(NumError::Syntax));
        assert_eq!(parse_go_int(""), Err(NumError::Syntax));
        assert_eq!(parse_go_int("-"), Err(NumError::Syntax));
        assert_eq!(parse_go_int("1_000"), Err(NumError::Syntax));
    }

    #[test]
    fn go_float_parsing() {
        assert_eq!(parse_go_float("1.5", false), Ok(1.5));
        assert_eq!(parse_go_float(".5", false), Ok(0.5));
        assert_eq!(parse_go_float("1e400", false), Err(NumError::Range));
        assert_eq!(parse_go_float("1e39", true), Err(NumError::Range));
        assert_eq!(parse_go_float("0.1", true), Ok(0.1));
        assert_eq!(parse_go_float("-Inf", false), Ok(f64::NEG_INFINITY));
        assert_eq!(parse_go_float("+nan", false), Err(NumError::Syntax));
        assert_eq!(parse_go_float("abc", false), Err(NumError::Syntax));
        assert_eq!(parse_go_float("", false), Err(NumError::Syntax));
    }

    #[test]
    fn paths_match_like_compose() {
        let p = vec![
            Step::Key("services".into()),
            Step::Key("web".into()),
            Step::Key("ports".into()),
            Step::Index(0),
            Step::Key("target".into()),
        ];
        assert_eq!(cast_for(&p), Some(Cast::Int));
        assert_eq!(compose_path(&p), "services.web.ports.[].target");
        assert_eq!(display_path(&p), "services.web.ports[0].target");
    }
}
