//! `.env` and `env_file` parsing with compose's own rules (compose-go's `dotenv` package).
//!
//! Pipeline position: before YAML decoding. The project `.env` (or `--env-file`s) feeds the
//! interpolation environment, and each service's `env_file` feeds its container environment.
//!
//! Two formats:
//! * [`parse`] / [`parse_into`]: the default format. `KEY=VAL` or `KEY: VAL`, optional
//!   `export `, comments, single quotes (literal, `\'` escapes a quote), double quotes (shell
//!   escapes `\n \t \r \\ \" \$ \a \b \f \v \0NNN`, then interpolation), unquoted values
//!   (cut at ` #`, right-trimmed, interpolated), multi-line quoted values, bare `KEY` lines that
//!   inherit from the lookup, a leading UTF-8 BOM.
//! * [`parse_raw`]: `format: raw` (docker's `--env-file` rules): one `KEY=VALUE` per line,
//!   taken verbatim; no quotes, no interpolation, no comments after values.
//!
//! Error messages are upstream's (`line 3: unterminated quoted value "abc`); the caller adds
//! the file prefix compose prints (`failed to read /p/.env: ` for the default format,
//! `failed to parse env_file /p/raw.env: ` for raw). Each error also carries the span of the
//! offending key or value. Note that the `line N` in upstream's text is upstream's own count,
//! which can run ahead of the real line (it is taken after the whole quoted value was read);
//! the span always points at the real place.
//!
//! Warnings from interpolation (unset variables) are appended to the `warnings` sink.

use crate::error::{LoadError, Result};
use crate::interpolate::forward;
use crate::interpolate::template::{go_quote, substitute_with_warnings, Lookup};
use crate::source::{FileId, Span};
use indexmap::IndexMap;

/// Parses env-file text with compose's default rules and returns the variables in file order.
///
/// `lookup` is the outer environment (the OS / project environment). Interpolation asks
/// `lookup` first and then the values defined earlier in this text, as upstream does; a bare
/// `KEY` line asks `lookup` only and is left out when the key is unknown there. Warnings
/// (unset variables in values) go to [`crate::warnings`].
pub fn parse(text: &str, file: FileId, lookup: Lookup<'_>) -> Result<IndexMap<String, String>> {
    let mut warnings = Vec::new();
    let result = parse_with_warnings(text, file, lookup, &mut warnings);
    forward(warnings);
    result
}

/// [`parse`], with the warnings appended to `warnings` (one per occurrence).
pub fn parse_with_warnings(
    text: &str,
    file: FileId,
    lookup: Lookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<IndexMap<String, String>> {
    let mut vars = IndexMap::new();
    parse_with(text, file, &mut vars, lookup, false, warnings)?;
    Ok(vars)
}

/// Like [`parse`], but adds to `vars`, which may already hold the values of earlier files:
/// later keys override, and interpolation falls back to `vars` after `lookup`. Bare `KEY`
/// lines still ask `lookup` only (this is how compose reads a service's `env_file` list).
pub fn parse_into(
    text: &str,
    file: FileId,
    vars: &mut IndexMap<String, String>,
    lookup: Lookup<'_>,
) -> Result<()> {
    let mut warnings = Vec::new();
    let result = parse_with(text, file, vars, lookup, false, &mut warnings);
    forward(warnings);
    result
}

/// Reads the project env files (`--env-file a --env-file b`, or `.env`) the way compose does:
/// in order, later files overriding earlier keys, with both interpolation and bare `KEY`
/// lines answered by `lookup` (the OS environment) first and then by the values read so far.
///
/// The result holds only what the files define; the caller merges it under the OS
/// environment (which always wins). An error names the file through its span.
pub fn parse_files<'t>(
    files: impl IntoIterator<Item = (&'t str, FileId)>,
    lookup: Lookup<'_>,
) -> Result<IndexMap<String, String>> {
    let mut vars = IndexMap::new();
    let mut warnings = Vec::new();
    let mut result = Ok(());
    for (text, file) in files {
        result = parse_with(text, file, &mut vars, lookup, true, &mut warnings);
        if result.is_err() {
            break;
        }
    }
    forward(warnings);
    result.map(|()| vars)
}

fn parse_with(
    text: &str,
    file: FileId,
    vars: &mut IndexMap<String, String>,
    lookup: Lookup<'_>,
    inherit_from_vars: bool,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let mut parser = Parser {
        text,
        file,
        line: 1,
        pos: start,
    };
    parser.run(vars, lookup, inherit_from_vars, warnings)
}

/// Byte offset to a [`Span`] in `text`.
fn span_at(text: &str, file: FileId, offset: usize) -> Span {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) as u32 + 1;
    Span {
        file,
        line,
        col,
        offset,
    }
}

/// Spaces that do not end a line (upstream's `isSpace`).
fn is_inline_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{85}' | '\u{A0}'
    )
}

/// Go's `unicode.IsSpace`.
fn is_unicode_space(c: char) -> bool {
    c.is_whitespace()
}

/// A cursor over the text; `line` is upstream's line counter, used in messages.
struct Parser<'a> {
    text: &'a str,
    file: FileId,
    line: u32,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn error(&self, offset: usize, message: String) -> LoadError {
        LoadError::at(span_at(self.text, self.file, offset), message)
    }

    fn run(
        &mut self,
        vars: &mut IndexMap<String, String>,
        lookup: Lookup<'_>,
        inherit_from_vars: bool,
        warnings: &mut Vec<String>,
    ) -> Result<()> {
        loop {
            if !self.skip_to_statement() {
                return Ok(());
            }
            let key_offset = self.pos;
            let (key, inherited) = self.read_key()?;
            if key.contains(' ') {
                return Err(self
                    .error(
                        key_offset,
                        format!("line {}: key cannot contain a space", self.line),
                    )
                    .with_hint("keys are letters, digits and `_ . - [ ]`; write `KEY=value`"));
            }
            if inherited {
                let known = || inherit_from_vars.then(|| vars.get(&key).cloned()).flatten();
                if let Some(value) = lookup(&key).or_else(known) {
                    vars.insert(key, value);
                }
                continue;
            }
            let value = self.read_value(vars, lookup, warnings)?;
            vars.insert(key, value);
        }
    }

    /// Skips blank space and comment lines; false at the end of the text.
    fn skip_to_statement(&mut self) -> bool {
        loop {
            let rest = self.rest();
            let Some((i, _)) = rest.char_indices().find(|&(_, c)| !is_unicode_space(c)) else {
                self.line += rest.matches('\n').count() as u32;
                self.pos = self.text.len();
                return false;
            };
            self.line += rest[..i].matches('\n').count() as u32;
            self.pos += i;
            if !self.rest().starts_with('#') {
                return true;
            }
            match self.rest().find('\n') {
                Some(nl) => self.pos += nl,
                None => {
                    self.pos = self.text.len();
                    return false;
                }
            }
        }
    }

    /// Reads `[export ]KEY` up to `=`, `:` or a newline (a bare, inherited key).
    fn read_key(&mut self) -> Result<(String, bool)> {
        if let Some(after) = self.rest().strip_prefix("export") {
            // `export` must be followed by ASCII white space (Go's `\s`).
            if after.starts_with([' ', '\t', '\n', '\u{C}', '\r']) {
                self.pos += "export".len();
                let skipped =
                    self.rest().len() - self.rest().trim_start_matches(is_inline_space).len();
                self.pos += skipped;
            }
        }
        let src = self.rest();
        if src.is_empty() {
            return Err(self.error(self.pos, "zero length string".to_string()));
        }
        let mut end: Option<(usize, char)> = None;
        for (i, c) in src.char_indices() {
            if is_inline_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    end = Some((i, c));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if c.is_alphabetic() || c.is_numeric() => {}
                c => {
                    let first_line = src.split('\n').next().unwrap_or("");
                    return Err(self
                        .error(
                            self.pos + i,
                            format!(
                                "line {}: unexpected character {} in variable name {}",
                                self.line,
                                go_quote(&c.to_string()),
                                go_quote(first_line)
                            ),
                        )
                        .with_hint(
                            "keys are letters, digits and `_ . - [ ]`, followed by `=` or `:`",
                        ));
                }
            }
        }
        // Without a separator (last line, no newline) upstream takes an empty key and reads
        // the whole line as its value.
        let (key, offset, inherited) = match end {
            Some((i, c)) => (&src[..i], i + c.len_utf8(), c == '\n'),
            None => ("", 0, false),
        };
        if inherited && !key.contains(' ') {
            self.line += 1;
        }
        let key = key.trim_end_matches(is_unicode_space).to_string();
        self.pos += offset;
        let skipped = self.rest().len() - self.rest().trim_start_matches(is_inline_space).len();
        self.pos += skipped;
        Ok((key, inherited))
    }

    /// Reads a quoted or unquoted value and interpolates it where compose does.
    fn read_value(
        &mut self,
        vars: &IndexMap<String, String>,
        lookup: Lookup<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<String> {
        let value_offset = self.pos;
        let src = self.rest();
        let quote = match src.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                let (line, consumed) = match src.find('\n') {
                    Some(nl) => (&src[..nl], nl + 1),
                    None => (src, src.len()),
                };
                self.line += 1;
                let value = line
                    .split(" #")
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(is_unicode_space);
                let value = value.to_string();
                self.pos += consumed;
                return self.expand(&value, value_offset, vars, lookup, warnings);
            }
        };
        let bytes = src.as_bytes();
        let mut chars: Vec<u8> = Vec::new();
        let mut escaped = false;
        let mut i = 1;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'\n' {
                self.line += 1;
            }
            if c != quote {
                if !escaped && c == b'\\' {
                    escaped = true;
                } else {
                    if escaped {
                        escaped = false;
                        chars.push(b'\\');
                    }
                    chars.push(c);
                }
                i += 1;
                continue;
            }
            if escaped {
                escaped = false;
                chars.push(c);
                i += 1;
                continue;
            }
            // Closing quote. Only ASCII bytes were dropped, so this is valid UTF-8.
            let raw = String::from_utf8_lossy(&chars).into_owned();
            self.pos += i + 1;
            if quote == b'"' {
                return self.expand(&expand_escapes(&raw), value_offset, vars, lookup, warnings);
            }
            return Ok(raw);
        }
        let first_line = src.split('\n').next().unwrap_or("");
        Err(self
            .error(
                value_offset,
                format!("line {}: unterminated quoted value {first_line}", self.line),
            )
            .with_hint("close the quote; quoted values may span lines"))
    }

    fn expand(
        &self,
        value: &str,
        offset: usize,
        vars: &IndexMap<String, String>,
        lookup: Lookup<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<String> {
        let resolve = |name: &str| lookup(name).or_else(|| vars.get(name).cloned());
        substitute_with_warnings(value, &resolve, warnings).map_err(|err| {
            self.error(offset, err.to_string())
                .with_hint("write a literal `$` as `$$` (or `\\$` inside double quotes)")
        })
    }
}

/// Expands the escapes compose accepts inside double quotes. `\$` becomes `$$` so that the
/// following interpolation yields a literal `$`. Unknown escapes are kept as written.
fn expand_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(c) = after.chars().next() else {
            out.push('\\');
            rest = after;
            break;
        };
        let simple = match c {
            'a' => Some("\u{7}"),
            'b' => Some("\u{8}"),
            'f' => Some("\u{C}"),
            'n' => Some("\n"),
            'r' => Some("\r"),
            't' => Some("\t"),
            'v' => Some("\u{B}"),
            '"' => Some("\""),
            '\\' => Some("\\"),
            '$' => Some("$$"),
            _ => None,
        };
        if let Some(text) = simple {
            out.push_str(text);
            rest = &after[1..];
        } else if c == 'c' {
            // Matched by upstream's pattern, but not a valid escape: kept.
            out.push_str("\\c");
            rest = &after[1..];
        } else if c == '0' {
            // `\0` and up to three more digits; exactly three octal digits up to 0o377 give
            // that character. Anything else is kept, minus the `0` (upstream rewrites `\0` to
            // `\` before decoding and keeps the rewritten text when decoding fails).
            let digits = after[1..]
                .bytes()
                .take(3)
                .take_while(u8::is_ascii_digit)
                .count();
            let sequence = &after[1..1 + digits];
            let decoded = (digits == 3)
                .then(|| u32::from_str_radix(sequence, 8).ok())
                .flatten()
                .filter(|&v| v <= 0o377)
                .and_then(char::from_u32);
            match decoded {
                Some(ch) => out.push(ch),
                None => {
                    out.push('\\');
                    out.push_str(sequence);
                }
            }
            rest = &after[1 + digits..];
        } else {
            out.push('\\');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Longest line docker's raw env-file reader accepts, plus one (its 64 KiB line buffer).
const MAX_RAW_LINE: usize = 64 * 1024;

/// Parses a `format: raw` env file without an outer environment: bare `KEY` lines are left
/// out. Compose resolves them from the project environment; use [`parse_raw_with_lookup`]
/// for that.
pub fn parse_raw(text: &str, file: FileId) -> Result<IndexMap<String, String>> {
    parse_raw_with_lookup(text, file, &|_: &str| None)
}

/// Parses a `format: raw` env file (docker's `--env-file` rules) and returns the variables in
/// file order.
///
/// Each line is left-trimmed; empty lines and lines starting with `#` are skipped; `KEY=VALUE`
/// is taken verbatim (quotes and trailing spaces included, a trailing `\r` dropped); a bare
/// `KEY` is looked up with `lookup` and left out when unknown. Errors: an empty key
/// (`no variable name on line '=x'`), a key with a space or tab (`variable 'A B'
/// contains whitespaces`) and a line of 64 KiB or more (`bufio.Scanner: token too long`).
pub fn parse_raw_with_lookup(
    text: &str,
    file: FileId,
    lookup: Lookup<'_>,
) -> Result<IndexMap<String, String>> {
    let mut vars = IndexMap::new();
    let mut offset = 0;
    let mut first = true;
    for raw_line in text.split_inclusive('\n') {
        let line_offset = offset;
        offset += raw_line.len();
        let mut line = raw_line.strip_suffix('\n').unwrap_or(raw_line);
        if line.len() >= MAX_RAW_LINE {
            return Err(LoadError::at(
                span_at(text, file, line_offset),
                "bufio.Scanner: token too long",
            )
            .with_hint(format!(
                "raw env file lines must be shorter than {MAX_RAW_LINE} bytes"
            )));
        }
        line = line.strip_suffix('\r').unwrap_or(line);
        let mut start = line_offset;
        if first {
            first = false;
            if let Some(stripped) = line.strip_prefix('\u{FEFF}') {
                line = stripped;
                start += '\u{FEFF}'.len_utf8();
            }
        }
        let trimmed = line.trim_start_matches(is_unicode_space);
        start += line.len() - trimmed.len();
        let line = trimmed;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (line, None),
        };
        let span = span_at(text, file, start);
        if key.is_empty() {
            return Err(
                LoadError::at(span, format!("no variable name on line '{line}'"))
                    .with_hint("each line is `KEY=VALUE` or a bare `KEY`"),
            );
        }
        if key.contains([' ', '\t']) {
            return Err(
                LoadError::at(span, format!("variable '{key}' contains whitespaces"))
                    .with_hint("raw env files take `KEY=VALUE` with nothing around the `=`"),
            );
        }
        match value {
            Some(v) => {
                vars.insert(key.to_string(), v.to_string());
            }
            None => {
                if let Some(v) = lookup(line) {
                    vars.insert(key.to_string(), v);
                }
            }
        }
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn escapes() {
        assert_eq!(expand_escapes(r"a\0123b"), "aSb");
        assert_eq!(expand_escapes(r"\01"), r"\1");
        assert_eq!(expand_escapes(r"\0400"), r"\400");
        assert_eq!(expand_escapes(r"\0"), r"\");
        assert_eq!(expand_escapes(r"\01234"), "S4");
        assert_eq!(expand_escapes(r"\0377"), "\u{FF}");
        assert_eq!(expand_escapes(r"\x07\c\$"), r"\x07\c$$");
        assert_eq!(expand_escapes("end\\"), "end\\");
    }

    #[test]
    fn spans_point_at_the_offending_text() {
        let err =
            parse_with_warnings("A=1\nB=\"open\n", FileId(3), &none, &mut Vec::new()).unwrap_err();
        assert_eq!(err.message, "line 3: unterminated quoted value \"open");
        let span = err.span.unwrap();
        assert_eq!((span.file, span.line, span.col), (FileId(3), 2, 3));
    }
}
