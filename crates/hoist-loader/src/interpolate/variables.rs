//! Variable extraction for `config --variables`: compose-go's `template.ExtractVariables`.
//!
//! This runs on the tree *before* interpolation and lists every variable a template refers
//! to, with its default (`:-` / `-`), alternate value (`:+` / `+`) and whether it is required
//! (`:?` / `?`). Variables named inside defaults and alternate values are listed too.

use super::template::{first_closing_brace, match_at, MatchKind, MAX_NESTING};

/// One variable a compose file uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VariableUse {
    /// The variable name.
    pub name: String,
    /// The default after `:-` or `-` (empty when none).
    pub default_value: String,
    /// The alternate value after `:+` or `+` (empty when none).
    pub presence_value: String,
    /// True for `:?` and `?`.
    pub required: bool,
}

/// The variables used in one string, in the order upstream finds them: the text after a
/// `${...}` before the variable itself, then the variables inside its default or alternate
/// value. A name may appear several times; [`fn@crate::interpolate::variables`] merges them.
pub fn variables_in(text: &str) -> Vec<VariableUse> {
    let mut out = Vec::new();
    collect(text, &mut out, 0);
    out
}

/// Scans `text`; `depth` counts nested defaults, and scanning stops below [`MAX_NESTING`].
fn collect(text: &str, out: &mut Vec<VariableUse>, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    let mut pos = 0;
    while let Some(found) = text[pos..].find('$') {
        let start = pos + found;
        let Some((kind, end)) = match_at(text, start) else {
            pos = start + 1;
            continue;
        };
        pos = end;
        let matched = &text[start..end];
        let spec: &str = match kind {
            MatchKind::Escaped => continue,
            MatchKind::Named => &matched[1..],
            MatchKind::Invalid => "",
            MatchKind::Braced => match first_closing_brace(matched) {
                Some(i) if i > 0 => {
                    collect(&matched[i + 1..], out, depth + 1);
                    matched.get(2..i).unwrap_or("")
                }
                _ => matched
                    .get(2..matched.len().saturating_sub(1))
                    .unwrap_or(""),
            },
        };
        let mut var = VariableUse {
            name: spec.to_string(),
            ..VariableUse::default()
        };
        let cut = spec.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        if let Some(i) = cut.filter(|&i| i > 0) {
            var.name = spec[..i].to_string();
            let rest = &spec[i..];
            if rest.starts_with(":?") || rest.starts_with('?') {
                var.required = true;
            } else if let Some(d) = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-')) {
                var.default_value = d.to_string();
            } else if let Some(p) = rest.strip_prefix(":+").or_else(|| rest.strip_prefix('+')) {
                var.presence_value = p.to_string();
            }
        }
        let default_value = var.default_value.clone();
        let presence_value = var.presence_value.clone();
        out.push(var);
        if !default_value.is_empty() {
            collect(&default_value, out, depth + 1);
        }
        if !presence_value.is_empty() {
            collect(&presence_value, out, depth + 1);
        }
    }
}
