//! YAML text exactly as go-yaml (the encoder behind `docker compose config`) writes it.
//!
//! Input is the model serialised in YAML mode into a [`Tree`] whose mapping order is the
//! output order, `#extensions` keys already spliced into their parent mappings as go-yaml's
//! `,inline` does. Scalars get go-yaml's style choice: strings that would read back as another
//! type are double-quoted, YAML 1.1 booleans and sexagesimal numbers single-quoted, strings the
//! plain style cannot carry single- or double-quoted, multi-line strings as `|` blocks; long
//! lines are folded at spaces after column 80.

use super::yaml_tree::Tree;
use serde_json::Value as Json;
use std::borrow::Cow;

const BEST_WIDTH: usize = 80;
const INDENT: usize = 2;
/// Keys longer than this (in bytes) are written as complex keys (`? key`).
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Writes `value` (a mapping; a `#extensions` key is spliced into its parent mapping) as a
/// go-yaml document, ending with a newline.
pub fn to_go_yaml(value: &Json) -> String {
    emit(&Tree::from_json(value))
}

/// Writes `value` (a mapping) as a go-yaml document, ending with a newline.
pub fn emit(value: &Tree) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
    };
    match value {
        Tree::Map(entries) if entries.is_empty() => e.write("{}"),
        Tree::Map(entries) => e.mapping(entries, 0, true),
        other => e.value_inline(other, 0),
    }
    e.write("\n");
    e.out
}

/// Writes `value` (a mapping) like [`emit`], except that the mapping under its top-level key
/// `key` (empty in `value`) is written with the entries `entries` yields, one at a time, so
/// that their trees never all exist at once.
pub fn emit_streaming<I>(value: &Tree, key: &str, entries: I) -> String
where
    I: Iterator<Item = (String, Tree)>,
{
    let Tree::Map(top) = value else {
        return emit(value);
    };
    if top.is_empty() {
        return emit(value);
    }
    let mut entries = entries.peekable();
    let mut e = Emitter {
        out: String::new(),
        column: 0,
    };
    for (i, (k, v)) in top.iter().enumerate() {
        let new_line = i > 0;
        if k == key && entries.peek().is_some() {
            e.key(k, 0, new_line);
            for (name, tree) in entries.by_ref() {
                e.entry(&name, &tree, INDENT, true);
            }
        } else {
            e.entry(k, v, 0, new_line);
        }
    }
    e.write("\n");
    e.out
}

struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn write(&mut self, s: &str) {
        if s.is_ascii() && !s.contains('\n') {
            self.column += s.len();
            self.out.push_str(s);
            return;
        }
        match s.rfind('\n') {
            Some(i) => self.column = s[i + 1..].chars().count(),
            None => self.column += s.chars().count(),
        }
        self.out.push_str(s);
    }

    /// Writes a number's text (ASCII, one line) without an intermediate string.
    fn write_display(&mut self, value: impl std::fmt::Display) {
        use std::fmt::Write as _;
        let before = self.out.len();
        let _ = write!(self.out, "{value}");
        self.column += self.out.len() - before;
    }

    fn write_char(&mut self, c: char) {
        if c == '\n' {
            self.column = 0;
        } else {
            self.column += 1;
        }
        self.out.push(c);
    }

    fn newline_indent(&mut self, indent: usize) {
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.column = indent;
    }

    /// A block mapping at `indent`; with `inline_first` the first key continues the current line.
    fn mapping(
        &mut self,
        entries: &[(Cow<'static, str>, Tree)],
        indent: usize,
        inline_first: bool,
    ) {
        for (i, (key, value)) in entries.iter().enumerate() {
            self.entry(key, value, indent, i > 0 || !inline_first);
        }
    }

    /// One `key: value` of a block mapping at `indent`, on a new line unless `inline` is false.
    fn entry(&mut self, key: &str, value: &Tree, indent: usize, new_line: bool) {
        self.key(key, indent, new_line);
        match value {
            Tree::Map(inner) if !inner.is_empty() => {
                self.mapping(inner, indent + INDENT, false);
            }
            Tree::Seq(items) if !items.is_empty() => {
                self.sequence(items, indent + INDENT, false);
            }
            other => {
                self.write_char(' ');
                self.value_inline(other, indent + INDENT);
            }
        }
    }

    /// A mapping key and its `:`.
    fn key(&mut self, key: &str, indent: usize, new_line: bool) {
        if new_line {
            self.newline_indent(indent);
        }
        if key.len() > MAX_SIMPLE_KEY_LEN || key.contains('\n') {
            // Too long (or multi-line) for a simple key: go-yaml writes `? key` / `: value`.
            self.write("? ");
            self.scalar_string(key, indent + INDENT, false);
            self.newline_indent(indent);
        } else {
            self.scalar_string(key, indent, true);
        }
        self.write_char(':');
    }

    /// A block sequence whose dashes sit at `indent`.
    fn sequence(&mut self, items: &[Tree], indent: usize, inline_first: bool) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 || !inline_first {
                self.newline_indent(indent);
            }
            self.write("- ");
            match item {
                Tree::Map(inner) if !inner.is_empty() => {
                    self.mapping(inner, indent + INDENT, true);
                }
                Tree::Seq(inner) if !inner.is_empty() => {
                    self.sequence(inner, indent + INDENT, true)
                }
                other => self.value_inline(other, indent + INDENT),
            }
        }
    }

    /// A scalar or empty collection after `key: ` or `- `; `indent` is for continuation lines.
    fn value_inline(&mut self, value: &Tree, indent: usize) {
        match value {
            Tree::Null => self.write("null"),
            Tree::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Tree::Int(i) => self.write_display(i),
            Tree::UInt(u) => self.write_display(u),
            Tree::Float(f) => self.write(&go_yaml_float(*f)),
            Tree::Str(s) => self.scalar_string(s, indent, false),
            Tree::Seq(_) => self.write("[]"),
            Tree::Map(_) => self.write("{}"),
        }
    }

    fn scalar_string(&mut self, s: &str, indent: usize, simple_key: bool) {
        let simple = is_simple(s);
        let a = if simple { SIMPLE } else { analyze(s) };
        let style = choose_style(s, &a, simple_key);
        if simple && style == Style::Plain {
            // Nothing to fold, quote or escape.
            self.out.push_str(s);
            self.column += s.len();
            return;
        }
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_folded(s, indent, allow_breaks, false),
            Style::Single => {
                self.write_char('\'');
                self.write_folded(s, indent, allow_breaks, true);
                self.write_char('\'');
            }
            Style::Double => self.write_double(s, indent, allow_breaks),
            Style::Literal => self.write_literal(s, indent),
        }
    }

    /// Plain or single-quoted text, folding at a space once past the line width.
    fn write_folded(&mut self, s: &str, indent: usize, allow_breaks: bool, single: bool) {
        let needs_care = s.contains([' ', '\r', '\n', '\u{85}', '\u{2028}', '\u{2029}'])
            || (single && s.contains('\''));
        if !needs_care {
            // Nothing to fold, break or escape: the text goes out as it is.
            self.write(s);
            return;
        }
        let mut chars = s.chars().peekable();
        let mut first = true;
        let mut spaces = false;
        let mut breaks = false;
        while let Some(c) = chars.next() {
            let at_start = std::mem::replace(&mut first, false);
            if is_break(c) {
                // Only U+2028/U+2029 get here (other breaks force another style): written
                // raw, and the text after them is indented.
                self.out.push(c);
                self.column = 0;
                breaks = true;
                continue;
            }
            if breaks && c != ' ' {
                while self.column < indent {
                    self.write_char(' ');
                }
                breaks = false;
            }
            if c == ' ' {
                let next = chars.peek();
                let next_is_space = next == Some(&' ');
                let edge_ok = !single || (!at_start && next.is_some());
                if allow_breaks && !spaces && self.column > BEST_WIDTH && edge_ok && !next_is_space
                {
                    self.newline_indent(indent);
                } else {
                    self.write_char(' ');
                }
                spaces = true;
            } else {
                if single && c == '\'' {
                    self.write_char('\'');
                }
                self.write_char(c);
                spaces = false;
            }
        }
    }

    fn write_double(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.write_char('"');
        let mut chars = s.chars().peekable();
        let mut first = true;
        let mut spaces = false;
        while let Some(c) = chars.next() {
            let at_start = std::mem::replace(&mut first, false);
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && !at_start
                    && chars.peek().is_some()
                {
                    self.newline_indent(indent);
                    if chars.peek() == Some(&' ') {
                        self.write_char('\\');
                    }
                } else {
                    self.write_char(' ');
                }
                spaces = true;
                continue;
            }
            spaces = false;
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                let escaped = match c {
                    '\0' => "\\0".to_string(),
                    '\u{7}' => "\\a".to_string(),
                    '\u{8}' => "\\b".to_string(),
                    '\t' => "\\t".to_string(),
                    '\n' => "\\n".to_string(),
                    '\u{b}' => "\\v".to_string(),
                    '\u{c}' => "\\f".to_string(),
                    '\r' => "\\r".to_string(),
                    '\u{1b}' => "\\e".to_string(),
                    '"' => "\\\"".to_string(),
                    '\\' => "\\\\".to_string(),
                    '\u{85}' => "\\N".to_string(),
                    '\u{a0}' => "\\_".to_string(),
                    '\u{2028}' => "\\L".to_string(),
                    '\u{2029}' => "\\P".to_string(),
                    c if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
                    c if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
                    c => format!("\\U{:08X}", c as u32),
                };
                self.write(&escaped);
            } else {
                self.write_char(c);
            }
        }
        self.write_char('"');
    }

    fn write_literal(&mut self, s: &str, indent: usize) {
        self.write_char('|');
        if s.starts_with(' ') {
            self.write(&INDENT.to_string());
        }
        let trailing = s.len() - s.trim_end_matches('\n').len();
        match trailing {
            0 => self.write_char('-'),
            1 => {}
            _ => self.write_char('+'),
        }
        let mut lines: Vec<&str> = s.split('\n').collect();
        if trailing > 0 {
            lines.pop();
        }
        for line in lines {
            if line.is_empty() {
                self.write_char('\n');
            } else {
                self.newline_indent(indent);
                self.write(line);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// What the plain, quoted and block styles can carry for a string (libyaml's analysis).
#[derive(Debug, Default, PartialEq)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c) || c == '\0',
    }
}

/// go-yaml's notion of a printable character (4-byte UTF-8 characters are not).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0a
        || (0x20..=0x7e).contains(&u)
        || (0xa0..=0xd7ff).contains(&u)
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
}

/// True for the common plain-looking strings (names, paths, image references): ASCII
/// letters, digits and `_./-:=@+`, where none of `-:@+` starts the string and `:` does not end
/// it, not starting with `...`. Such a string has no indicator, space, break or special
/// character, so every style can carry it.
fn is_simple(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    !matches!(first, b'-' | b':' | b'@' | b'+')
        && last != b':'
        && !s.starts_with("...")
        && b.iter().all(|&c| {
            c.is_ascii_alphanumeric()
                || matches!(c, b'_' | b'.' | b'/' | b'-' | b':' | b'=' | b'@' | b'+')
        })
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    if is_simple(s) {
        return SIMPLE;
    }
    analyze_chars(s)
}

/// The analysis of every [`is_simple`] string: any style can carry it.
const SIMPLE: Analysis = Analysis {
    multiline: false,
    block_plain_allowed: true,
    single_quoted_allowed: true,
    block_allowed: true,
};

/// libyaml's analysis, character by character.
fn analyze_chars(s: &str) -> Analysis {
    let mut block_indicators = false;
    let mut special_characters = false;
    let mut tab_characters = false;
    let mut line_breaks = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut chars = s.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_whitespace = is_blankz(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' if followed_by_whitespace => block_indicators = true,
                '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if c == '\t' {
            tab_characters = true;
        } else if !is_printable(c) {
            special_characters = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        let last = next.is_none();
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        i += 1;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

fn choose_style(s: &str, a: &Analysis, simple_key: bool) -> Style {
    // What go-yaml's encoder asks for.
    let mut style = if s.contains('\n') {
        // go-yaml keeps whitespace-only multi-line strings double-quoted.
        if s.chars().all(char::is_whitespace) {
            Style::Double
        } else {
            Style::Literal
        }
    } else if resolves_to_non_string(s) {
        Style::Double
    } else if is_old_bool(s) || is_base60_float(s) {
        Style::Single
    } else {
        Style::Plain
    };
    // What the emitter makes of it.
    if simple_key && a.multiline {
        return Style::Double;
    }
    if style == Style::Plain && !a.block_plain_allowed {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::Double;
    }
    style
}

fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - start < 2 {
            i += 1;
        }
        let group = &b[start..i];
        let ok = match group.len() {
            1 => true,
            2 => group[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// True when go-yaml would read the plain scalar `s` back as something other than a string.
fn resolves_to_non_string(s: &str) -> bool {
    if matches!(
        s,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | "<<"
    ) {
        return true;
    }
    let Some(first) = s.chars().next() else {
        return true;
    };
    if !(first.is_ascii_digit() || matches!(first, '+' | '-' | '.')) {
        return false;
    }
    if is_timestamp(s) {
        return true;
    }
    let plain: std::borrow::Cow<'_, str> = if s.contains('_') {
        s.chars().filter(|c| *c != '_').collect::<String>().into()
    } else {
        s.into()
    };
    go_parse_int(&plain) || is_yaml_float(&plain)
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` success, ignoring range.
fn go_parse_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let b = body.as_bytes();
    let (digits, radix) = match b {
        [b'0', b'x' | b'X', ..] => (&b[2..], 16),
        [b'0', b'o' | b'O', ..] => (&b[2..], 8),
        [b'0', b'b' | b'B', ..] => (&b[2..], 2),
        [b'0', _, ..] => (&b[1..], 8),
        _ => (b, 10),
    };
    !digits.is_empty() && digits.iter().all(|&c| char::from(c).is_digit(radix))
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    if b.get(i) == Some(&b'.') {
        let j = digits_from(i + 1);
        if j == i + 1 {
            return false;
        }
        i = j;
    } else {
        let j = digits_from(i);
        if j == i {
            return false;
        }
        i = j;
        if b.get(i) == Some(&b'.') {
            i = digits_from(i + 1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let j = digits_from(i);
        if j == i {
            return false;
        }
        i = j;
    }
    i == b.len()
}

/// go-yaml's timestamp forms: `2006-1-2`, optionally followed by a time (`T`, `t` or space).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let number = |i: &mut usize, min: usize, max: usize| -> bool {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        *i - start >= min
    };
    let mut i = 0;
    if !number(&mut i, 4, 4) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !number(&mut i, 1, 2) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !number(&mut i, 1, 2) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let with_zone = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    for sep in [b':', b':'] {
        if !number(&mut i, 1, 2) || b.get(i) != Some(&sep) {
            return false;
        }
        i += 1;
    }
    if !number(&mut i, 1, 2) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !number(&mut i, 1, 9) {
            return false;
        }
    }
    if !with_zone {
        return i == b.len();
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i += 1;
            number(&mut i, 2, 2) && b.get(i) == Some(&b':') && {
                i += 1;
                number(&mut i, 2, 2) && i == b.len()
            }
        }
        _ => false,
    }
}

/// go-yaml's float text: Go's `%g` with the shortest digits (`1.5`, `50`, `1e+06`).
pub fn go_yaml_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".to_string()
        } else {
            "-.inf".to_string()
        };
    }
    if f == 0.0 {
        return "0".to_string();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.unsigned_abs());
    }
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings go-yaml would read back as numbers (so it quotes them), per Go's
    /// `strconv.ParseInt(s, 0, 64)` and the YAML float pattern, `_` separators ignored.
    #[test]
    fn number_like_strings_are_recognised() {
        for s in [
            "0", "8000", "-12", "+7", "0x1F", "0X1f", "-0x1", "0o17", "0O17", "0b101", "0B1",
            "017", "1_000", "0x_1F", "08", "1.5", ".5", "1e3", "-1.5E-3", "1_0.5",
        ] {
            assert!(resolves_to_non_string(s), "{s} reads back as a number");
        }
        for s in [
            "0x", "0o", "0b", "0xG", "0o8", "0b2", "1.2.3", "8000/tcp", "80:80", "-", "+", "1e",
            "abc", "0x1g",
        ] {
            assert!(!resolves_to_non_string(s), "{s} stays a string");
        }
    }

    fn style_of(s: &str) -> Style {
        choose_style(s, &analyze(s), false)
    }

    #[test]
    fn simple_strings_analyse_like_the_full_analysis() {
        for s in [
            "web",
            "svc12",
            "/tmp/data/svc0",
            "registry.example.com/team/svc0:1.0",
            "a=b",
            "user@host",
            "1.5",
            "a-",
            ".hidden",
            "_x",
            "C++",
            "a:b:c",
            "..",
        ] {
            assert!(is_simple(s), "{s:?}");
            assert_eq!(analyze(s), analyze_chars(s), "{s:?}");
        }
        for s in [
            "-", "-a", ":a", "a:", "@a", "+1", "...x", "a b", "a#b", "a,b", "é", "",
        ] {
            assert!(!is_simple(s), "{s:?}");
        }
    }

    #[test]
    fn quoting_matches_oracle() {
        // Styles observed in `docker compose config` output (Docker Compose v5.6.1).
        for s in [
            "",
            "true",
            "null",
            "~",
            "1",
            "-1",
            "1.5",
            "1e3",
            ".5",
            "0x1F",
            "0o17",
            "017",
            "08",
            "1_000",
            "1.",
            "2001-12-14",
            "a\tb",
            "a\r\nb",
            "emoji \u{1F600}",
            "x  \ny",
        ] {
            assert_eq!(style_of(s), Style::Double, "{s:?}");
        }
        for s in [
            " ", " lead", "trail ", "a: b", "a #b", "#x", "-", "- a", "---", "?", ":", "a:", "[x",
            "*x", "'", "y", "Y", "yes", "on", "1:30", "12:30:00", "'quoted'",
        ] {
            assert_eq!(style_of(s), Style::Single, "{s:?}");
        }
        for s in [
            "a:b",
            "a#b",
            "-a",
            "--",
            "?a",
            ":a",
            "a,b",
            "a\"b",
            "NaN",
            "inf",
            "0.0.0.0",
            "1.2.3",
            "1e",
            "e3",
            "+",
            "a\\b",
            "http://x",
            "a'b",
            "12e",
            "0x",
            "uni é",
            "02:42:ac:11:65:43",
            "C:\\data",
        ] {
            assert_eq!(style_of(s), Style::Plain, "{s:?}");
        }
        for s in ["a\nb", "a\nb\n", "\nlead", "trail\n\n", " lead\nx"] {
            assert_eq!(style_of(s), Style::Literal, "{s:?}");
        }
    }
}
