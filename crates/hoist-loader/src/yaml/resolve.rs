//! Scalar resolution: the raw text of a YAML scalar, its style and its tag, to a typed value.
//!
//! This is the part of stage 3 ([`crate::yaml`]) that decides whether `0755` is a number and
//! `yes` a string. The rules are those of compose's YAML library (go-yaml v4): the YAML 1.2
//! core schema for `null` and booleans, Go's `ParseInt` with base prefixes (so a leading `0`
//! means octal), a float fallback (`08` is 8.0), unsigned integers beyond `i64`, and
//! timestamps, which compose turns into RFC 3339 strings.

use std::borrow::Cow;

/// What a scalar resolved to, before it becomes a [`crate::node::Value`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    /// `null`, `~`, empty.
    Null,
    /// `true` / `false` in one of the three accepted spellings.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer that only fits `u64` (kept as a float by the tree, which has no `u64`).
    UInt(u64),
    /// A floating-point number.
    Float(f64),
    /// A timestamp, already rendered the way compose prints it (RFC 3339, nanoseconds trimmed).
    Timestamp(String),
    /// Anything else.
    Str(String),
}

impl Scalar {
    /// The YAML core tag name of the resolved kind (`int`, `str`…), for error messages.
    pub(crate) fn tag_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "bool",
            Scalar::Int(_) | Scalar::UInt(_) => "int",
            Scalar::Float(_) => "float",
            Scalar::Timestamp(_) => "timestamp",
            Scalar::Str(_) => "str",
        }
    }
}

/// Resolves a plain (unquoted, untagged) scalar.
pub(crate) fn resolve_plain<'a>(text: impl Into<Cow<'a, str>>) -> Scalar {
    let text = text.into();
    if let Some(fixed) = fixed_word(&text) {
        return fixed;
    }
    match text.as_bytes().first() {
        Some(b'.') => match go_parse_float(&text) {
            Some(f) => Scalar::Float(f),
            None => Scalar::Str(text.into_owned()),
        },
        Some(b'0'..=b'9' | b'+' | b'-') => resolve_numeric(&text, true),
        // A string the parser already owns is kept, not copied.
        _ => Scalar::Str(text.into_owned()),
    }
}

/// Resolves a scalar carrying an explicit core tag (`!!int`, `!!float`…), whatever its style.
///
/// Returns `Err(message)` when the text cannot be read as the tag asks (go-yaml's wording).
pub(crate) fn resolve_tagged(tag: &str, text: &str) -> Result<Scalar, String> {
    let resolved = match tag {
        "str" => return Ok(Scalar::Str(text.to_string())),
        "binary" => {
            return match decode_base64(text) {
                Some(bytes) => Ok(Scalar::Str(String::from_utf8_lossy(&bytes).into_owned())),
                None => Err("!!binary value contains invalid base64 data".to_string()),
            };
        }
        "null" | "bool" | "int" | "float" => {
            if let Some(fixed) = fixed_word(text) {
                fixed
            } else {
                match text.as_bytes().first() {
                    Some(b'.') => go_parse_float(text)
                        .map(Scalar::Float)
                        .unwrap_or(Scalar::Str(text.to_string())),
                    Some(b'0'..=b'9' | b'+' | b'-') => resolve_numeric(text, false),
                    _ => Scalar::Str(text.to_string()),
                }
            }
        }
        "timestamp" => {
            if let Some(fixed) = fixed_word(text) {
                fixed
            } else {
                match text.as_bytes().first() {
                    Some(b'.') => go_parse_float(text)
                        .map(Scalar::Float)
                        .unwrap_or(Scalar::Str(text.to_string())),
                    Some(b'0'..=b'9' | b'+' | b'-') => resolve_numeric(text, true),
                    _ => Scalar::Str(text.to_string()),
                }
            }
        }
        // Tags that do not describe a scalar kind (`!!seq`, `!!map`, `!!merge`, unknown `!!x`)
        // leave the text as it is.
        _ => return Ok(Scalar::Str(text.to_string())),
    };
    let fits = matches!(
        (tag, &resolved),
        ("null", Scalar::Null)
            | ("bool", Scalar::Bool(_))
            | ("timestamp", Scalar::Timestamp(_))
            | ("int", Scalar::Int(_) | Scalar::UInt(_))
            | ("float", Scalar::Float(_))
    );
    if fits {
        return Ok(resolved);
    }
    match (tag, resolved) {
        ("float", Scalar::Int(i)) => Ok(Scalar::Float(i as f64)),
        ("float", Scalar::UInt(u)) => Ok(Scalar::Float(u as f64)),
        (_, other) => Err(format!(
            "cannot construct !!{} `{}` as a !!{}",
            other.tag_name(),
            text,
            tag
        )),
    }
}

/// The words with a fixed meaning: null, booleans, special floats, negative zero.
fn fixed_word(text: &str) -> Option<Scalar> {
    Some(match text {
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "true" | "True" | "TRUE" => Scalar::Bool(true),
        "false" | "False" | "FALSE" => Scalar::Bool(false),
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        "-0" | "-0.0" => Scalar::Float(-0.0),
        _ => return None,
    })
}

/// Text starting with a digit or a sign: a timestamp, an integer, an unsigned integer, a float,
/// or else a string.
fn resolve_numeric(text: &str, try_timestamp: bool) -> Scalar {
    if try_timestamp {
        if let Some(ts) = parse_timestamp(text) {
            return Scalar::Timestamp(ts);
        }
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Scalar::Int(i);
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Scalar::UInt(u);
    }
    if is_yaml_style_float(&plain) {
        if let Some(f) = go_parse_float(&plain) {
            return Scalar::Float(f);
        }
    }
    Scalar::Str(text.to_string())
}

/// Go's `strconv.ParseUint(s, 0, 64)` on text without underscores: base prefixes `0x`, `0o`,
/// `0b` (any case) and a bare leading `0` for octal; no sign.
fn go_parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let bytes = s.as_bytes();
    let (base, digits) = if bytes[0] == b'0' && s.len() > 1 {
        match bytes.get(1).map(u8::to_ascii_lowercase) {
            Some(b'x') if s.len() >= 3 => (16, &s[2..]),
            Some(b'o') if s.len() >= 3 => (8, &s[2..]),
            Some(b'b') if s.len() >= 3 => (2, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(base)?;
        value = value
            .checked_mul(u64::from(base))?
            .checked_add(u64::from(d))?;
    }
    Some(value)
}

/// Go's `strconv.ParseInt(s, 0, 64)`: an optional sign, then [`go_parse_uint`], within `i64`.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(rest)?;
    if negative {
        if magnitude <= i64::MAX as u64 {
            Some(-(magnitude as i64))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(i64::MIN)
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, go-yaml's gate for float text.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let count_digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    if b.get(i) == Some(&b'.') {
        let n = count_digits(i + 1);
        if n == 0 {
            return false;
        }
        i += 1 + n;
    } else {
        let n = count_digits(i);
        if n == 0 {
            return false;
        }
        i += n;
        if b.get(i) == Some(&b'.') {
            i += 1 + count_digits(i + 1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = count_digits(i);
        if n == 0 {
            return false;
        }
        i += n;
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms go-yaml lets through: out-of-range
/// values are errors (no infinities from overflow), and no words such as `inf` or `nan`.
fn go_parse_float(s: &str) -> Option<f64> {
    if !s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// Decodes standard padded base64 (line breaks ignored), for `!!binary`.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|c| !matches!(c, b'\r' | b'\n'))
        .collect();
    if symbols.len() % 4 != 0 {
        return None;
    }
    let padding = symbols.iter().rev().take_while(|&&c| c == b'=').count();
    if padding > 2 {
        return None;
    }
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    for &c in &symbols[..symbols.len() - padding] {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    Some(out)
}

/// Parses the timestamp forms go-yaml accepts and renders them as Go's RFC 3339 with
/// nanoseconds (`2001-12-14T21:59:43.1Z`), which is what compose prints for them.
///
/// Accepted: `YYYY-M-D`, `YYYY-M-D h:m:s[.frac]` (UTC) and `YYYY-M-DTh:m:s[.frac](Z|±hh:mm)`
/// (`t` also accepted), with one- or two-digit month, day, hour, minute and second.
pub(crate) fn parse_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut cur = Cursor { b, i: 0 };
    let year = cur.digits(4, 4)?;
    cur.expect(b'-')?;
    let month = cur.digits(1, 2)?;
    cur.expect(b'-')?;
    let day = cur.digits(1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if cur.done() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let with_zone = match cur.next()? {
        b'T' | b't' => true,
        b' ' => false,
        _ => return None,
    };
    let hour = cur.digits(1, 2)?;
    cur.expect(b':')?;
    let minute = cur.digits(1, 2)?;
    cur.expect(b':')?;
    let second = cur.digits(1, 2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut fraction = String::new();
    if cur.peek() == Some(b'.') {
        cur.i += 1;
        let start = cur.i;
        while cur.peek().is_some_and(|c| c.is_ascii_digit()) {
            cur.i += 1;
        }
        if cur.i == start {
            return None;
        }
        let digits = &s[start..cur.i];
        let digits = if digits.len() > 9 {
            &digits[..9]
        } else {
            digits
        };
        fraction = digits.trim_end_matches('0').to_string();
    }
    let zone = if with_zone {
        match cur.next()? {
            b'Z' => "Z".to_string(),
            sign @ (b'+' | b'-') => {
                let zh = cur.digits(2, 2)?;
                cur.expect(b':')?;
                let zm = cur.digits(2, 2)?;
                if zh > 23 || zm > 59 {
                    return None;
                }
                if zh == 0 && zm == 0 {
                    "Z".to_string()
                } else {
                    format!("{}{zh:02}:{zm:02}", sign as char)
                }
            }
            _ => return None,
        }
    } else {
        "Z".to_string()
    };
    if !cur.done() {
        return None;
    }
    let fraction = if fraction.is_empty() {
        String::new()
    } else {
        format!(".{fraction}")
    };
    Some(format!(
        "{date}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}"
    ))
}

/// A byte cursor for [`parse_timestamp`].
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    /// Reads between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut n = 0u32;
        let mut count = 0;
        while count < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    n = n * 10 + u32::from(c - b'0');
                    self.i += 1;
                    count += 1;
                }
                _ => break,
            }
        }
        (count >= min).then_some(n)
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_integer_rules() {
        assert_eq!(go_parse_int("0755"), Some(493));
        assert_eq!(go_parse_int("0"), Some(0));
        assert_eq!(go_parse_int("00"), Some(0));
        assert_eq!(go_parse_int("08"), None);
        assert_eq!(go_parse_int("0x"), None);
        assert_eq!(go_parse_int("-0x1F"), Some(-31));
        assert_eq!(go_parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(go_parse_int("9223372036854775808"), None);
        assert_eq!(go_parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(go_parse_uint("18446744073709551616"), None);
    }

    #[test]
    fn float_gate() {
        for ok in ["1", "1.", ".5", "-.5", "1e3", "1.5E-3", "+2"] {
            assert!(is_yaml_style_float(ok), "{ok}");
        }
        for bad in ["", ".", "e3", "1e", "1.2.3", "0x1", "-", "1e+"] {
            assert!(!is_yaml_style_float(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps_render_like_go() {
        assert_eq!(
            parse_timestamp("2001-12-14").as_deref(),
            Some("2001-12-14T00:00:00Z")
        );
        assert_eq!(
            parse_timestamp("2001-12-14 21:59:43.10").as_deref(),
            Some("2001-12-14T21:59:43.1Z")
        );
        assert_eq!(
            parse_timestamp("2001-12-14T21:59:43Z").as_deref(),
            Some("2001-12-14T21:59:43Z")
        );
        assert_eq!(
            parse_timestamp("2001-1-4t1:2:3+05:30").as_deref(),
            Some("2001-01-04T01:02:03+05:30")
        );
        assert_eq!(parse_timestamp("2001-02-30"), None);
        assert_eq!(parse_timestamp("2001-12-14T21:59:43"), None);
        assert_eq!(parse_timestamp("12-12-14"), None);
    }

    #[test]
    fn base64_for_binary() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("/w==").as_deref(), Some(&[0xffu8][..]));
        assert_eq!(decode_base64("a*b"), None);
        assert_eq!(decode_base64("aGVsbG8"), None);
    }
}
