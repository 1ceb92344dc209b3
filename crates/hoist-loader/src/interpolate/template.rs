//! The `${VAR}` template language: compose-go's `template` package, rule for rule.
//!
//! This is the innermost layer of interpolation. [`crate::dotenv`] uses it to expand values in
//! env files, and [`crate::interpolate`] uses it on every string of a compose file. It knows
//! nothing about paths or casts; it turns one template string into one value.
//!
//! compose-go drives substitution with a regular expression; the scanner below reproduces
//! what that expression matches, including its quirks:
//!
//! * `$$` is a literal `$`; `$NAME` takes the longest run of `[_A-Za-z0-9]` after a
//!   `[_A-Za-z]` start; a `$` followed by anything else stays as it is.
//! * `${NAME}` must close right after the name. With an operator (`:-` `-` `:?` `?` `:+`
//!   `+`) the match extends to the *last* `}` of the line, then is cut back at the first
//!   balanced `}`; whatever lies between is substituted separately and appended.
//! * any other `${` is an invalid template.
//! * unset variables without an operator expand to `""` and produce a warning.
//!
//! Names follow Go's case-insensitive matching, which also lets the Kelvin sign (U+212A) and
//! the long s (U+017F) through, exactly as the upstream expression does.

use std::fmt;

/// Looks a variable up: `Some(value)` when set (possibly empty), `None` when unset.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Why a template could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubstituteError {
    /// A `${` that does not start a valid substitution. `template` is the string (the whole
    /// value, or the nested default / message) in which it was found.
    InvalidTemplate {
        /// The template text that contains the bad `${`.
        template: String,
    },
    /// `${VAR:?msg}` or `${VAR?msg}` with the variable missing (or empty, for `:?`).
    MissingRequired {
        /// The variable name.
        variable: String,
        /// The message after `?`, itself already substituted; may be empty.
        reason: String,
    },
    /// Defaults nested more than [`MAX_NESTING`] levels deep (Hoist's own guard against
    /// unbounded recursion; compose has no limit).
    TooDeep,
}

/// How deeply defaults, messages and alternate values may nest (`${A:-${B:-${C}}}` is 3).
pub const MAX_NESTING: usize = 64;

impl fmt::Display for SubstituteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubstituteError::InvalidTemplate { template } => {
                write!(f, "Invalid template: {}", go_quote(template))
            }
            SubstituteError::MissingRequired { variable, reason } if reason.is_empty() => {
                write!(f, "required variable {variable} is missing a value")
            }
            SubstituteError::MissingRequired { variable, reason } => {
                write!(
                    f,
                    "required variable {variable} is missing a value: {reason}"
                )
            }
            SubstituteError::TooDeep => write!(
                f,
                "variable substitutions are nested more than {MAX_NESTING} levels deep"
            ),
        }
    }
}

impl std::error::Error for SubstituteError {}

/// The warning compose prints when a variable used without a default is unset.
pub fn unset_warning(name: &str) -> String {
    format!(
        "The {} variable is not set. Defaulting to a blank string.",
        go_quote(name)
    )
}

/// Substitutes every `$` form in `template`, looking variables up with `lookup`.
///
/// Warnings (unset variables) are appended to `warnings`, one per use, in text order. On
/// error, the first error in text order is returned (later parts are still evaluated, so
/// their warnings are still collected, as upstream does). [`crate::interpolate::substitute`]
/// is the same with the warnings sent to [`crate::warnings`].
pub fn substitute_with_warnings(
    template: &str,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<String, SubstituteError> {
    substitute_at(template, lookup, warnings, 0)
}

fn substitute_at(
    template: &str,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
    depth: usize,
) -> Result<String, SubstituteError> {
    if depth > MAX_NESTING {
        return Err(SubstituteError::TooDeep);
    }
    let mut out = String::with_capacity(template.len());
    let mut first_error: Option<SubstituteError> = None;
    let mut pos = 0;
    while let Some(found) = template[pos..].find('$') {
        let start = pos + found;
        out.push_str(&template[pos..start]);
        match match_at(template, start) {
            None => {
                out.push('$');
                pos = start + 1;
            }
            Some((kind, end)) => {
                match replace(&template[start..end], kind, lookup, warnings, depth) {
                    Ok(text) => out.push_str(&text),
                    Err(err) => {
                        if first_error.is_none() {
                            first_error = Some(fill_template(err, template));
                        }
                    }
                }
                pos = end;
            }
        }
    }
    out.push_str(&template[pos..]);
    match first_error {
        Some(err) => Err(err),
        None => Ok(out),
    }
}

/// Names the template an invalid-template error came from, unless a nested call already did.
fn fill_template(err: SubstituteError, template: &str) -> SubstituteError {
    match err {
        SubstituteError::InvalidTemplate { template: t } if t.is_empty() => {
            SubstituteError::InvalidTemplate {
                template: template.to_string(),
            }
        }
        other => other,
    }
}

/// What a `$` at some position starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchKind {
    /// `$$`.
    Escaped,
    /// `$NAME`; the name is the match without its `$`.
    Named,
    /// `${...}` with a valid name (and maybe an operator).
    Braced,
    /// `${` followed by something that is not a valid substitution.
    Invalid,
}

/// True for characters that may start a variable name.
fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || c == '\u{212A}' || c == '\u{17F}'
}

/// True for characters that may continue a variable name.
fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

/// Byte length of the name starting at `from` (0 when there is none).
fn name_len(s: &str, from: usize) -> usize {
    let rest = &s[from..];
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if is_name_start(c) => {}
        _ => return 0,
    }
    rest.char_indices()
        .find(|&(_, c)| !is_name_char(c))
        .map_or(rest.len(), |(i, _)| i)
}

/// What the `$` at byte `start` of `s` matches, and where the match ends (exclusive).
pub(crate) fn match_at(s: &str, start: usize) -> Option<(MatchKind, usize)> {
    let bytes = s.as_bytes();
    let next = start + 1;
    match bytes.get(next) {
        Some(b'$') => Some((MatchKind::Escaped, next + 1)),
        Some(b'{') => {
            let name_start = next + 1;
            let n = name_len(s, name_start);
            if n == 0 {
                return Some((MatchKind::Invalid, name_start));
            }
            let after = name_start + n;
            match bytes.get(after) {
                Some(b'}') => return Some((MatchKind::Braced, after + 1)),
                Some(_) => {}
                None => return Some((MatchKind::Invalid, name_start)),
            }
            let op = if bytes.get(after) == Some(&b':') {
                after + 1
            } else {
                after
            };
            if !matches!(bytes.get(op), Some(b'-' | b'+' | b'?')) {
                return Some((MatchKind::Invalid, name_start));
            }
            // The argument runs to the last `}` before the end of the line.
            let arg_start = op + 1;
            let line_end = s[arg_start..].find('\n').map_or(s.len(), |i| arg_start + i);
            match s[arg_start..line_end].rfind('}') {
                Some(i) => Some((MatchKind::Braced, arg_start + i + 1)),
                None => Some((MatchKind::Invalid, name_start)),
            }
        }
        Some(_) => {
            let n = name_len(s, next);
            if n == 0 {
                None
            } else {
                Some((MatchKind::Named, next + n))
            }
        }
        None => None,
    }
}

/// Index of the `}` that closes the first `{` of `s`, counting nesting. Like upstream, the
/// character right after each `{` is skipped.
pub(crate) fn first_closing_brace(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
        if bytes[i] == b'{' {
            depth += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

/// The six operators, in the order upstream lists them.
const OPERATORS: [&str; 6] = [":?", "?", ":-", "-", ":+", "+"];

/// The operator that occurs first in `text` (upstream picks the operator by where it first
/// appears in the whole match). `None` when no operator occurs at all.
fn first_operator(text: &str) -> Option<&'static str> {
    OPERATORS
        .iter()
        .filter_map(|op| text.find(op).map(|i| (i, *op)))
        .min_by_key(|&(i, _)| i)
        .map(|(_, op)| op)
}

/// Computes the replacement of one match.
fn replace(
    matched: &str,
    kind: MatchKind,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
    depth: usize,
) -> Result<String, SubstituteError> {
    let name = match kind {
        MatchKind::Escaped => return Ok("$".to_string()),
        MatchKind::Invalid => {
            return Err(SubstituteError::InvalidTemplate {
                template: String::new(),
            })
        }
        MatchKind::Named => &matched[1..],
        MatchKind::Braced => {
            let operator = first_operator(matched);
            let (head, rest) = match first_closing_brace(matched) {
                Some(i) => (&matched[..=i], &matched[i + 1..]),
                None => (matched, ""),
            };
            // `head` is `${` + body + `}`.
            let body = head.get(2..head.len().saturating_sub(1)).unwrap_or("");
            if let Some(op) = operator {
                if let Some((var, arg)) = body.split_once(op) {
                    let value = apply_operator(op, var, arg, lookup, warnings, depth + 1)?;
                    let tail = substitute_at(rest, lookup, warnings, depth + 1)?;
                    return Ok(value + &tail);
                }
            }
            body
        }
    };
    match lookup(name) {
        Some(v) => Ok(v),
        None => {
            warnings.push(unset_warning(name));
            Ok(String::new())
        }
    }
}

/// Applies `${var<op>arg}`.
fn apply_operator(
    op: &str,
    var: &str,
    arg: &str,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
    depth: usize,
) -> Result<String, SubstituteError> {
    let value = lookup(var);
    let colon = op.starts_with(':');
    // "missing" means unset, or also empty for the `:` forms.
    let missing = match &value {
        None => true,
        Some(v) => colon && v.is_empty(),
    };
    match op.trim_start_matches(':') {
        "-" => {
            if missing {
                substitute_at(arg, lookup, warnings, depth)
            } else {
                Ok(value.unwrap_or_default())
            }
        }
        "?" => {
            if missing {
                let reason = substitute_at(arg, lookup, warnings, depth)?;
                Err(SubstituteError::MissingRequired {
                    variable: var.to_string(),
                    reason,
                })
            } else {
                Ok(value.unwrap_or_default())
            }
        }
        _ => {
            if missing {
                Ok(value.unwrap_or_default())
            } else {
                substitute_at(arg, lookup, warnings, depth)
            }
        }
    }
}

/// Quotes a string the way Go's `%q` does for the strings compose prints.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "FOO" => Some("first".into()),
            "BAR" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn matches_like_the_upstream_expression() {
        assert_eq!(match_at("$$x", 0), Some((MatchKind::Escaped, 2)));
        assert_eq!(match_at("$FOO-bar", 0), Some((MatchKind::Named, 4)));
        assert_eq!(match_at("${FOO}}", 0), Some((MatchKind::Braced, 6)));
        assert_eq!(match_at("${FOO:-a}b}\n}", 0), Some((MatchKind::Braced, 11)));
        assert_eq!(match_at("${FOO:-a\n}", 0), Some((MatchKind::Invalid, 2)));
        assert_eq!(match_at("${1}", 0), Some((MatchKind::Invalid, 2)));
        assert_eq!(match_at("$1", 0), None);
        assert_eq!(match_at("$", 0), None);
    }

    #[test]
    fn closing_brace_skips_the_character_after_each_open_brace() {
        assert_eq!(first_closing_brace("${A:-${B}}"), Some(9));
        assert_eq!(first_closing_brace("${A-{}}"), None);
        assert_eq!(first_closing_brace("${A:-a}b}"), Some(6));
    }

    #[test]
    fn unset_variables_warn_once_per_use() {
        let mut w = Vec::new();
        assert_eq!(
            substitute_with_warnings("$X ${X} ${X-d} ${X:+a}", &env, &mut w).unwrap(),
            "  d "
        );
        assert_eq!(w, vec![unset_warning("X"), unset_warning("X")]);
        assert_eq!(
            w[0],
            "The \"X\" variable is not set. Defaulting to a blank string."
        );
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\x01\"");
    }
}
