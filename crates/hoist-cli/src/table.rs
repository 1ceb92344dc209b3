//! Output helpers shared by the read-side commands (`ps`, `ls`, `images`, `top`, …): Go
//! `text/tabwriter`-compatible column alignment, Go-style JSON escaping, the human durations
//! and sizes of `go-units`, and a small Go-template subset for `--format TEMPLATE`.
//!
//! Everything here is pure formatting; the commands collect rows from the engine and hand
//! them to these helpers so that the bytes printed match Docker Compose's.

use std::collections::BTreeMap;

/// Aligns tab-separated cells like Go's `tabwriter.NewWriter(out, min_width, 1, padding, ' ',
/// 0)`: every cell but the last of a line is padded to its column's width, which is the widest
/// cell plus `padding`, at least `min_width`. The last cell of each line is printed as is.
pub fn tabwrite(rows: &[Vec<String>], min_width: usize, padding: usize) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                break;
            }
            let w = cell.chars().count() + padding;
            match widths.get_mut(i) {
                Some(existing) => *existing = (*existing).max(w),
                None => widths.push(w.max(min_width)),
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                let width = widths.get(i).copied().unwrap_or(min_width);
                let pad = width.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// Splits template output lines on tabs and aligns them with [`tabwrite`].
pub fn tabwrite_lines(lines: &[String], min_width: usize, padding: usize) -> String {
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    tabwrite(&rows, min_width, padding)
}

/// Applies the escaping Go's `encoding/json` does by default on top of serde_json's output:
/// `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX` (they can only occur inside strings).
pub fn go_html_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

/// `go-units.HumanDuration`: "Less than a second", "5 seconds", "About a minute", "3 hours"…
pub fn human_duration(seconds: f64) -> String {
    let secs = seconds as i64;
    if secs < 1 {
        return "Less than a second".into();
    }
    if secs == 1 {
        return "1 second".into();
    }
    if secs < 60 {
        return format!("{secs} seconds");
    }
    let minutes = (seconds / 60.0) as i64;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    let hours = (seconds / 3600.0 + 0.5) as i64;
    if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", (seconds / 3600.0) as i64 / 24 / 365)
    }
}

/// `go-units.HumanSizeWithPrecision(size, 3)`: decimal units, three significant digits
/// (`1.98MB`, `0B`, `512kB`).
pub fn human_size(bytes: f64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!(
        "{}{}",
        format_g3(value),
        UNITS.get(unit).copied().unwrap_or("B")
    )
}

/// Go's `%.3g` for values in `[0, 1000)`.
fn format_g3(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let int_digits = if value >= 1.0 {
        value.log10().floor() as i32 + 1
    } else {
        0
    };
    let decimals = (3 - int_digits).max(0) as usize;
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    text
}

/// The docker CLI's `Ellipsis`: at most `max` characters, the last one `…` when cut.
pub fn ellipsis(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Formats Unix seconds as Go's `time.Time.String()` in UTC: `2026-11-28 07:48:28 +0000 UTC`.
pub fn go_time_string(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix(unix);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} +0000 UTC")
}

/// Splits Unix seconds into UTC calendar fields (year, month, day, hour, minute, second).
pub fn civil_from_unix(unix: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix.div_euclid(86_400);
    let rem = unix.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let mut y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    if m <= 2 {
        y += 1;
    }
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
    )
}

/// Days since the Unix epoch of a UTC calendar date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an RFC 3339 timestamp (`2026-11-28T07:12:50.42370809Z`, offsets allowed) into
/// Unix seconds and nanoseconds.
pub fn parse_rfc3339(text: &str) -> Option<(i64, u32)> {
    let text = text.trim();
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let mo: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let rest = text.get(10..)?;
    if rest.is_empty() {
        return Some((days_from_civil(y, mo, d) * 86_400, 0));
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let h: i64 = rest.get(..2)?.parse().ok()?;
    let mi: i64 = rest.get(3..5)?.parse().ok()?;
    let s: i64 = rest.get(6..8)?.parse().ok()?;
    let mut tail = rest.get(8..)?;
    let mut nanos = 0u32;
    if let Some(frac) = tail.strip_prefix('.') {
        let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
        tail = frac.get(digits.len()..)?;
        let mut padded = digits.chars().take(9).collect::<String>();
        while padded.len() < 9 {
            padded.push('0');
        }
        nanos = padded.parse().ok()?;
    }
    let offset = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if tail.starts_with('-') { -1 } else { 1 };
            let body = tail.get(1..)?;
            let (oh, om) = body
                .split_once(':')
                .unwrap_or((body.get(..2)?, body.get(2..)?));
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset;
    Some((secs, nanos))
}

/// Formats Unix seconds + nanoseconds as RFC 3339 with nanoseconds, as Go's JSON encoding of
/// a `time.Time` in UTC does (`2026-11-28T07:48:28.123456789Z`, trailing zeros trimmed).
pub fn rfc3339_nano(unix: i64, nanos: u32) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix(unix);
    let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    if nanos > 0 {
        let mut frac = format!("{nanos:09}");
        while frac.ends_with('0') {
            frac.pop();
        }
        out.push('.');
        out.push_str(&frac);
    }
    out.push('Z');
    out
}

/// One piece of a parsed `--format` template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Literal text.
    Text(String),
    /// `{{.Field}}`.
    Field(String),
    /// `{{json .}}` (`None`) or `{{json .Field}}`.
    Json(Option<String>),
    /// `{{.Label "key"}}`.
    Label(String),
}

/// A parsed Go-template subset: `{{.Field}}`, `{{json .}}`, `{{json .Field}}` and
/// `{{.Label "key"}}`, plus a leading `table ` that asks for a header row and aligned columns.
/// Other actions (`range`, `if`, pipes, functions other than `json`) are refused when parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template started with `table`: print a header and align with a tab writer.
    pub table: bool,
    pieces: Vec<Piece>,
}

/// What a template renders: string fields by name, the label map and the whole object as JSON.
pub trait TemplateData {
    /// The text of field `name` (`None` when the object has no such field).
    fn field(&self, name: &str) -> Option<String>;
    /// The JSON value of field `name` (for `{{json .Field}}`).
    fn field_json(&self, name: &str) -> Option<String> {
        self.field(name)
            .map(|v| go_html_escape(&serde_json::Value::String(v).to_string()))
    }
    /// Value of label `key` (empty when absent).
    fn label(&self, key: &str) -> String;
    /// The whole object as one line of JSON (`{{json .}}`).
    fn json(&self) -> String;
}

impl Template {
    /// Parses `text`; `\t` and `\n` escapes are turned into tabs and newlines first, as the
    /// docker CLI does.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut text = text.trim().replace("\\t", "\t").replace("\\n", "\n");
        let mut table = false;
        if let Some(rest) = text.strip_prefix("table") {
            table = true;
            text = rest.trim_start().to_string();
        }
        let mut pieces = Vec::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("template: unclosed action in {text:?}"))?;
            let action = after[..end].trim().trim_matches('-').trim();
            pieces.push(parse_action(action)?);
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Template { table, pieces })
    }

    /// Renders one object.
    pub fn render(&self, data: &dyn TemplateData) -> Result<String, String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(name) => out.push_str(
                    &data
                        .field(name)
                        .ok_or_else(|| format!("template: can't evaluate field {name}"))?,
                ),
                Piece::Json(None) => out.push_str(&data.json()),
                Piece::Json(Some(name)) => out.push_str(
                    &data
                        .field_json(name)
                        .ok_or_else(|| format!("template: can't evaluate field {name}"))?,
                ),
                Piece::Label(key) => out.push_str(&data.label(key)),
            }
        }
        Ok(out)
    }

    /// Renders the header row: each field replaced by its header (`headers`), or its name.
    pub fn render_header(&self, headers: &BTreeMap<&str, &str>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(name) | Piece::Json(Some(name)) => {
                    out.push_str(headers.get(name.as_str()).copied().unwrap_or(name))
                }
                Piece::Json(None) => {}
                Piece::Label(key) => out.push_str(key),
            }
        }
        out
    }
}

fn parse_action(action: &str) -> Result<Piece, String> {
    if action == "json ." {
        return Ok(Piece::Json(None));
    }
    if let Some(field) = action.strip_prefix("json .") {
        if is_ident(field) {
            return Ok(Piece::Json(Some(field.to_string())));
        }
    }
    if let Some(arg) = action.strip_prefix(".Label ") {
        let key = arg.trim().trim_matches('"');
        return Ok(Piece::Label(key.to_string()));
    }
    if let Some(field) = action.strip_prefix('.') {
        if is_ident(field) {
            return Ok(Piece::Field(field.to_string()));
        }
    }
    Err(format!(
        "template action {{{{{action}}}}} is not supported by Hoist: use {{{{.Field}}}}, {{{{json .}}}}, {{{{json .Field}}}} or {{{{.Label \"key\"}}}}"
    ))
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabwriter_matches_go_padding() {
        let rows = vec![
            vec!["NAME".to_string(), "STATUS".into(), "CONFIG FILES".into()],
            vec![
                "obs1".to_string(),
                "running(3)".into(),
                "/tmp/c.yaml".into(),
            ],
        ];
        assert_eq!(
            tabwrite(&rows, 20, 3),
            "NAME                STATUS              CONFIG FILES\nobs1                running(3)          /tmp/c.yaml\n"
        );
        let rows = vec![
            vec!["SERVICE".to_string(), "".into()],
            vec!["a".to_string(), "x".into()],
        ];
        assert_eq!(tabwrite(&rows, 10, 3), "SERVICE   \na         x\n");
    }

    #[test]
    fn durations_and_sizes_follow_go_units() {
        assert_eq!(human_duration(0.4), "Less than a second");
        assert_eq!(human_duration(1.2), "1 second");
        assert_eq!(human_duration(4.0), "4 seconds");
        assert_eq!(human_duration(61.0), "About a minute");
        assert_eq!(human_duration(35.0 * 60.0), "35 minutes");
        assert_eq!(human_duration(3600.0 * 1.2), "About an hour");
        assert_eq!(human_duration(3600.0 * 5.0), "5 hours");
        assert_eq!(human_duration(3600.0 * 24.0 * 3.0), "3 days");
        assert_eq!(human_size(1_984_250.0), "1.98MB");
        assert_eq!(human_size(0.0), "0B");
        assert_eq!(human_size(4_190_000.0), "4.19MB");
        assert_eq!(human_size(12_300.0), "12.3kB");
    }

    #[test]
    fn ellipsis_and_time_formats() {
        assert_eq!(
            ellipsis("sh -c 'echo hello from web'", 20),
            "sh -c 'echo hello f…"
        );
        assert_eq!(ellipsis("short", 20), "short");
        assert_eq!(go_time_string(0), "1970-01-01 00:00:00 +0000 UTC");
        let (s, n) = parse_rfc3339("2026-11-28T07:12:50.42370809Z").expect("parse");
        assert_eq!(rfc3339_nano(s, n), "2026-11-28T07:12:50.42370809Z");
        assert_eq!(go_time_string(s), "2026-11-28 07:12:50 +0000 UTC");
        assert_eq!(
            parse_rfc3339("2026-11-28T08:12:50+01:00").map(|p| p.0),
            Some(s)
        );
    }

    #[test]
    fn go_escaping() {
        assert_eq!(
            go_html_escape(r#"{"a":"1->2 & <x>"}"#),
            r#"{"a":"1-\u003e2 \u0026 \u003cx\u003e"}"#
        );
    }

    struct Row;
    impl TemplateData for Row {
        fn field(&self, name: &str) -> Option<String> {
            (name == "Name").then(|| "p-web-1".to_string())
        }
        fn label(&self, key: &str) -> String {
            format!("L({key})")
        }
        fn json(&self) -> String {
            "{}".into()
        }
    }

    #[test]
    fn templates() {
        let t = Template::parse(r#"table {{.Name}}\t{{ .Label "x" }}"#).expect("parse");
        assert!(t.table);
        assert_eq!(t.render(&Row).expect("render"), "p-web-1\tL(x)");
        let headers = BTreeMap::from([("Name", "NAME")]);
        assert_eq!(t.render_header(&headers), "NAME\tx");
        assert!(Template::parse("{{range .}}x{{end}}").is_err());
        assert!(Template::parse("{{.Nope}}")
            .expect("parse")
            .render(&Row)
            .is_err());
        assert_eq!(
            Template::parse("{{json .}}")
                .expect("p")
                .render(&Row)
                .expect("r"),
            "{}"
        );
    }
}
