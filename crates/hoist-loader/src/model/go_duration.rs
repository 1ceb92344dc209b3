//! Go `time.Duration` text: formatting as Go's `Duration.String()` does (`1m30s`, `500ms`,
//! `2m0s`) and parsing Go / compose duration strings (`1h30m`, `1.5s`, `10`).
//!
//! Used by the typed model for `healthcheck.interval`, `stop_grace_period` and friends, which
//! compose-go prints through `Duration.String()`.

/// Formats `nanos` exactly like Go's `time.Duration.String()`.
pub fn format_go_duration(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let negative = nanos < 0;
    let u = nanos.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        // Sub-second: one unit with a fraction.
        let (unit, scale) = if u < 1_000 {
            ("ns", 1u64)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&fraction(u, scale));
        out.push_str(unit);
    } else {
        let hours = u / 3_600_000_000_000;
        let rem = u % 3_600_000_000_000;
        let minutes = rem / 60_000_000_000;
        let rem = rem % 60_000_000_000;
        if hours > 0 {
            out.push_str(&format!("{hours}h"));
        }
        if hours > 0 || minutes > 0 {
            out.push_str(&format!("{minutes}m"));
        }
        out.push_str(&fraction(rem, 1_000_000_000));
        out.push('s');
    }
    if negative {
        out.insert(0, '-');
    }
    out
}

/// `value / scale` as a decimal with trailing zeros of the fraction removed.
fn fraction(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let frac = value % scale;
    if frac == 0 {
        return whole.to_string();
    }
    let width = scale.to_string().len() - 1;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Parses a Go duration string (`1h2m3.5s`, `300ms`, `-1.5h`); a bare number means seconds.
pub fn parse_go_duration(text: &str) -> Option<i64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(secs) = s.parse::<i64>() {
        return secs.checked_mul(1_000_000_000);
    }
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    let total = parse_unit_sequence(rest, true)?;
    if !total.is_finite() || total > i64::MAX as f64 {
        return None;
    }
    let nanos = total.round() as i64;
    Some(if negative { -nanos } else { nanos })
}

/// Parses an unsigned sequence of number-and-unit pairs (`1h30m`, `1.5s`, `300ms`) into
/// nanoseconds, with Go's units (`ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`) and, when
/// `days_and_weeks` is set, compose's `d` and `w`. `None` for empty text, a pair without a
/// number or an unknown unit; a bare number (no unit) is not accepted here.
pub fn parse_unit_sequence(text: &str, days_and_weeks: bool) -> Option<f64> {
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if num_len == 0 {
            return None;
        }
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .bytes()
            .take_while(|b| !(b.is_ascii_digit() || *b == b'.'))
            .count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "d" if days_and_weeks => 86400e9,
            "w" if days_and_weeks => 7.0 * 86400e9,
            _ => return None,
        };
        total += number * scale;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        // Expected texts from Go's time.Duration.String() documentation and the oracle output.
        let cases = [
            (0, "0s"),
            (90_000_000_000, "1m30s"),
            (120_000_000_000, "2m0s"),
            (60_000_000_000, "1m0s"),
            (10_000_000_000, "10s"),
            (500_000_000, "500ms"),
            (1_500_000_000, "1.5s"),
            (3_600_000_000_000, "1h0m0s"),
            (1_500, "1.5µs"),
            (7, "7ns"),
            (-90_000_000_000, "-1m30s"),
        ];
        for (nanos, text) in cases {
            assert_eq!(format_go_duration(nanos), text);
        }
    }

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_go_duration("1m30s"), Some(90_000_000_000));
        assert_eq!(parse_go_duration("500ms"), Some(500_000_000));
        assert_eq!(parse_go_duration("1.5h"), Some(5_400_000_000_000));
        assert_eq!(parse_go_duration("10"), Some(10_000_000_000));
        assert_eq!(parse_go_duration("abc"), None);
        assert_eq!(parse_go_duration(""), None);
        assert_eq!(parse_go_duration("-"), None);
        assert_eq!(parse_go_duration("2d"), Some(172_800_000_000_000));
    }

    #[test]
    fn unit_sequences_take_days_and_weeks_only_when_asked() {
        assert_eq!(parse_unit_sequence("1h30m", false), Some(5_400e9));
        assert_eq!(parse_unit_sequence("250μs", false), Some(250e3));
        assert_eq!(parse_unit_sequence("1w", true), Some(7.0 * 86_400e9));
        assert_eq!(parse_unit_sequence("1d", false), None);
        assert_eq!(parse_unit_sequence("10", false), None);
        assert_eq!(parse_unit_sequence("s", true), None);
        assert_eq!(parse_unit_sequence("", true), None);
    }
}
