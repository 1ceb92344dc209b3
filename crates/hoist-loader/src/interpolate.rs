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
//! Warnings (unset variables, YAML 1.1 booleans such as `yes`) are worded exactly as compose
//! prints them after `WARN[0000] `. The plain functions ([`substitute`], [`interpolate_tree`])
//! send them to the loader's thread-local sink, [`crate::warnings`] (which drops repeats);
//! the `*_with_warnings` variants append them to a caller's `Vec` instead, one per
//! occurrence. The template language itself lives in [`template`]; variable extraction for
//! `config --variables` in [`mod@variables`].

pub mod template;
pub mod variables;

use crate::error::{LoadError, Result};
use crate::merge::path::{PatternCursor, PatternTable, Trail};
use crate::node::{Entry, Node, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub use template::{substitute_with_warnings, unset_warning, Lookup, SubstituteError, MAX_NESTING};
pub use variables::{variables_in, VariableUse};

use template::go_quote;

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

/// Substitutes `${VAR}`, `$VAR`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?m}`, `${VAR?m}`,
/// `${VAR:+a}`, `${VAR+a}` and `$$` in one string (see [`template`] for the exact rules).
/// Warnings go to [`crate::warnings`].
pub fn substitute(
    template: &str,
    lookup: Lookup<'_>,
) -> std::result::Result<String, SubstituteError> {
    let mut warnings = Vec::new();
    let result = substitute_with_warnings(template, lookup, &mut warnings);
    forward(warnings);
    result
}

/// Interpolates every string value (never keys) of a compose tree in place, then applies
/// compose-go's type casts ([`CAST_PATHS`]). Warnings go to [`crate::warnings`]; see
/// [`interpolate_tree_with_warnings`] for the details.
pub fn interpolate_tree(root: &mut Node, lookup: Lookup<'_>) -> Result<()> {
    let mut warnings = Vec::new();
    let result = interpolate_tree_with_warnings(root, lookup, &mut warnings);
    forward(warnings);
    result
}

/// Sends warnings to the loader's sink.
pub(crate) fn forward(warnings: Vec<String>) {
    for w in warnings {
        crate::warnings::warn(w);
    }
}

/// Interpolates every string value of `root` in place, then applies the casts of
/// [`CAST_PATHS`]. Warnings are appended to `warnings`.
///
/// Values are visited in source order and the first error stops the walk. Errors carry the
/// value's span, its key path (`services.web.ports[0].target`) and compose's wording:
/// `error while interpolating services.web.image: required variable X is missing a value: m`,
/// `invalid interpolation format for services.web.image.\nYou may need to escape any $ with
/// another $.\n${`, or `error while interpolating services.web.init: failed to cast to
/// expected type: invalid boolean: maybe`.
pub fn interpolate_tree_with_warnings(
    root: &mut Node,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let table = cast_table();
    walk(root, &Trail::Root, table.root(), table, lookup, warnings)
}

/// [`CAST_PATHS`], compiled.
fn cast_table() -> &'static PatternTable<Cast> {
    static TABLE: OnceLock<PatternTable<Cast>> = OnceLock::new();
    TABLE.get_or_init(|| PatternTable::new(CAST_PATHS))
}

fn walk(
    node: &mut Node,
    path: &Trail<'_>,
    at: PatternCursor,
    table: &PatternTable<Cast>,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    match &mut node.value {
        Value::String(text) => {
            let cast = table.matched(at);
            // Most strings hold no variable and need no cast: leave them untouched.
            if cast.is_none() && !text.contains('$') {
                return Ok(());
            }
            let substituted = match substitute_with_warnings(text, lookup, warnings) {
                Ok(s) => s,
                Err(err) => return Err(substitute_error(&err, path, node.span)),
            };
            node.value = match cast {
                None => Value::String(substituted),
                Some(cast) => match apply_cast(cast, &substituted, warnings) {
                    Ok(v) => v,
                    Err(msg) => {
                        return Err(LoadError::at(
                            node.span,
                            format!(
                            "error while interpolating {}: failed to cast to expected type: {msg}",
                            path.pattern_text()
                        ),
                        )
                        .with_path(path.display())
                        .with_hint(cast_hint(cast)))
                    }
                },
            };
            Ok(())
        }
        Value::Map(map) => {
            for Entry { key, value, .. } in &mut map.entries {
                let below = table.key(at, key);
                walk(
                    value,
                    &Trail::Key(path, key),
                    below,
                    table,
                    lookup,
                    warnings,
                )?;
            }
            Ok(())
        }
        Value::Seq(items) => {
            let below = table.index(at);
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &Trail::Index(path, i), below, table, lookup, warnings)?;
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => Ok(()),
    }
}

fn substitute_error(err: &SubstituteError, path: &Trail<'_>, span: crate::Span) -> LoadError {
    match err {
        SubstituteError::InvalidTemplate { template } => LoadError::at(
            span,
            format!(
                "invalid interpolation format for {}.\nYou may need to escape any $ with another $.\n{template}",
                path.pattern_text()
            ),
        )
        .with_path(path.display())
        .with_hint("write a literal `$` as `$$`; variables are `$NAME` or `${NAME}` with `:-` `-` `:?` `?` `:+` `+`"),
        SubstituteError::TooDeep => LoadError::at(
            span,
            format!("error while interpolating {}: {err}", path.pattern_text()),
        )
        .with_path(path.display()),
        SubstituteError::MissingRequired { variable, .. } => {
            LoadError::at(span, format!("error while interpolating {}: {err}", path.pattern_text()))
                .with_path(path.display())
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

/// Go's `ParseFloat`: decimal (`1.5`, `.5`, `1.`, `1e-3`) and hexadecimal (`0x1p-2`, the
/// `p` exponent is required) literals with `_` allowed between digits, `inf`/`infinity`
/// (optionally signed) and unsigned `nan`, case-insensitively. A finite input that overflows
/// is a range error; underflow gives zero. With `single`, the value is rounded to `f32` and
/// kept as the shortest decimal of that `f32` (what compose prints for a `float32` field).
fn parse_go_float(text: &str, single: bool) -> std::result::Result<f64, NumError> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return if body.len() == text.len() {
            Ok(f64::NAN)
        } else {
            Err(NumError::Syntax)
        };
    }
    if !go_underscores_ok(text) {
        return Err(NumError::Syntax);
    }
    let digits: String = body.chars().filter(|&c| c != '_').collect();
    let magnitude = if lower.len() > 2 && lower.starts_with("0x") {
        parse_hex_float(&digits[2..]).ok_or(NumError::Syntax)?
    } else {
        let decimal_chars =
            |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-');
        if digits.is_empty() || digits.starts_with(['+', '-']) || !digits.bytes().all(decimal_chars)
        {
            return Err(NumError::Syntax);
        }
        if single {
            f64::from(digits.parse::<f32>().map_err(|_| NumError::Syntax)?)
        } else {
            digits.parse::<f64>().map_err(|_| NumError::Syntax)?
        }
    };
    let value = if negative { -magnitude } else { magnitude };
    if single {
        let narrowed = value as f32;
        if narrowed.is_infinite() {
            return Err(NumError::Range);
        }
        return Ok(narrowed
            .to_string()
            .parse::<f64>()
            .unwrap_or(f64::from(narrowed)));
    }
    if value.is_infinite() {
        return Err(NumError::Range);
    }
    Ok(value)
}

/// A hexadecimal float after its `0x`: hex digits with an optional `.`, then a mandatory
/// `p` and a signed decimal exponent.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = s.split_once(['p', 'P'])?;
    let exponent: i32 = match exponent.strip_prefix('+') {
        Some(e) if !e.starts_with(['+', '-']) => e.parse().ok()?,
        _ => exponent.parse().ok()?,
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let scale = exponent.saturating_sub(4 * i32::try_from(frac_part.len()).ok()?);
    Some(value * 2f64.powi(scale))
}

/// Go's rule for `_` in number literals: only between digits, or right after a base prefix.
fn go_underscores_ok(text: &str) -> bool {
    let s = text.strip_prefix(['+', '-']).unwrap_or(text).as_bytes();
    // What came before: 'd' a digit or base prefix, '_' an underscore, '^' the start, '!'
    // anything else.
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'd';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'd';
        } else if c == b'_' {
            if saw != b'd' {
                return false;
            }
            saw = b'_';
        } else if saw == b'_' {
            return false;
        } else {
            saw = b'!';
        }
    }
    saw != b'_'
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
        // checked against the oracle (`cpus`, a float32 field)
        assert_eq!(parse_go_float("1_000", true), Ok(1000.0));
        assert_eq!(parse_go_float("0x1p-2", true), Ok(0.25));
        assert_eq!(parse_go_float("0X1P2", true), Ok(4.0));
        assert_eq!(parse_go_float("0x10", true), Err(NumError::Syntax));
        assert_eq!(parse_go_float("1e-400", true), Ok(0.0));
        assert_eq!(parse_go_float("3.4028235e38", true), Ok(3.4028235e38));
        assert_eq!(parse_go_float("3.5e38", true), Err(NumError::Range));
        assert_eq!(parse_go_float("1.", true), Ok(1.0));
        for bad in [
            ".e1", "1e", "+-1", "\u{661}", ".", " 1", "1 ", "1__0", "_1", "1_", "1_.5", "0x_1p0x",
        ] {
            assert_eq!(parse_go_float(bad, false), Err(NumError::Syntax), "{bad}");
        }
    }

    #[test]
    fn paths_match_like_compose() {
        let table = cast_table();
        let root = Trail::Root;
        let services = Trail::Key(&root, "services");
        let web = Trail::Key(&services, "web");
        let ports = Trail::Key(&web, "ports");
        let item = Trail::Index(&ports, 0);
        let target = Trail::Key(&item, "target");
        let mut at = table.root();
        for key in ["services", "web", "ports"] {
            at = table.key(at, key);
        }
        at = table.key(table.index(at), "target");
        assert_eq!(table.matched(at), Some(Cast::Int));
        assert_eq!(target.pattern_text(), "services.web.ports.[].target");
        assert_eq!(target.display(), "services.web.ports[0].target");
        let ulimit = table.key(
            table.key(
                table.key(table.key(table.root(), "services"), "web"),
                "ulimits",
            ),
            "nofile",
        );
        assert_eq!(table.matched(ulimit), Some(Cast::Int));
        assert_eq!(table.matched(table.key(ulimit, "soft")), Some(Cast::Int));
        let image = table.key(
            table.key(table.key(table.root(), "services"), "web"),
            "image",
        );
        assert_eq!(table.matched(image), None);
        assert!(image.is_dead());
    }
}
