//! JSON text exactly as Go's `encoding/json` writes it: `MarshalIndent` with two spaces for
//! `config --format json`, compact `Marshal` for config hashes.
//!
//! Differences from serde_json's writer that matter for byte equality: `<`, `>`, `&`, U+2028
//! and U+2029 are escaped as `\u003c`…; floats use Go's shortest form (`1.5`, `50`, `1e+21`).

use serde_json::Value as Json;

/// Writes `value` like Go's `json.MarshalIndent(value, "", "  ")` (no trailing newline).
pub fn to_go_json_pretty(value: &Json) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some(0));
    out
}

/// Writes `value` like Go's `json.Marshal(value)`.
pub fn to_go_json_compact(value: &Json) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None);
    out
}

fn newline(out: &mut String, indent: Option<usize>) {
    if let Some(level) = indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str("  ");
        }
    }
}

fn write_value(out: &mut String, value: &Json, indent: Option<usize>) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.push_str(&n.to_string());
            } else {
                out.push_str(&go_json_float(n.as_f64().unwrap_or(0.0)));
            }
        }
        Json::String(s) => write_string(out, s),
        Json::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            let inner = indent.map(|l| l + 1);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, inner);
                write_value(out, item, inner);
            }
            newline(out, indent);
            out.push(']');
        }
        Json::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            let inner = indent.map(|l| l + 1);
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, inner);
                write_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, v, inner);
            }
            newline(out, indent);
            out.push('}');
        }
    }
}

/// A JSON string literal with Go's escaping (HTML-safe).
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's JSON float text: shortest digits, exponent form below 1e-6 and from 1e21.
pub fn go_json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".to_string();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        // Go pads the exponent to two digits, then JSON trims "e-07" to "e-7".
        let digits = exp.unsigned_abs();
        if exp < 0 {
            format!("{mantissa}e{sign}{digits}")
        } else {
            format!("{mantissa}e{sign}{digits:02}")
        }
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_escaping_and_layout() {
        let v: Json = serde_json::json!({"E3": "a<b>&c", "n": null, "l": [], "m": {}, "f": 0.5});
        assert_eq!(
            to_go_json_pretty(&v),
            "{\n  \"E3\": \"a\\u003cb\\u003e\\u0026c\",\n  \"n\": null,\n  \"l\": [],\n  \"m\": {},\n  \"f\": 0.5\n}"
        );
        assert_eq!(
            to_go_json_compact(&serde_json::json!({"a": [1, "x"]})),
            "{\"a\":[1,\"x\"]}"
        );
    }

    #[test]
    fn go_float_text() {
        assert_eq!(go_json_float(1.5), "1.5");
        assert_eq!(go_json_float(50.0), "50");
        assert_eq!(go_json_float(1e21), "1e+21");
        assert_eq!(go_json_float(1e-7), "1e-7");
    }
}
