//! Shell-style splitting of `command` / `entrypoint` strings, with the rules of the
//! `go-shellwords` parser compose-go uses (no variable or backtick expansion).
//!
//! Quotes group words; a backslash escapes the next character outside single quotes; an
//! unquoted `;`, `&`, `|`, `<` or `>` ends the command (a digit-only word before `>` is a file
//! descriptor and is dropped); `$( … )` and backtick sections are kept verbatim as words.

/// Splits a command line into words; `Err` for unbalanced quotes or parentheses.
pub fn split_command_line(line: &str) -> Result<Vec<String>, String> {
    const INVALID: &str = "invalid command line string";
    let mut args = Vec::new();
    let mut buf = String::new();
    let mut has_word = false;
    let (mut escaped, mut double, mut single, mut back, mut dollar) =
        (false, false, false, false, false);
    for ch in line.chars() {
        if escaped {
            buf.push(ch);
            escaped = false;
            has_word = true;
            continue;
        }
        if ch == '\\' {
            if single {
                buf.push(ch);
            } else {
                escaped = true;
            }
            continue;
        }
        if is_space(ch) {
            if single || double || back || dollar {
                buf.push(ch);
            } else if has_word {
                args.push(std::mem::take(&mut buf));
                has_word = false;
            }
            continue;
        }
        match ch {
            '`' if !single && !double && !dollar => back = !back,
            ')' if !single && !double && !back => {
                if !dollar {
                    return Err(INVALID.to_string());
                }
                dollar = false;
            }
            '(' if !single && !double && !back => {
                if !dollar && buf.ends_with('$') {
                    dollar = true;
                    buf.push('(');
                    continue;
                }
                return Err(INVALID.to_string());
            }
            '"' if !single && !dollar => {
                if double {
                    has_word = true;
                }
                double = !double;
                continue;
            }
            '\'' if !double && !dollar => {
                if single {
                    has_word = true;
                }
                single = !single;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !(single || double || back || dollar) => {
                if ch == '>' && buf.starts_with(|c: char| c.is_ascii_digit()) {
                    has_word = false;
                }
                break;
            }
            _ => {}
        }
        has_word = true;
        buf.push(ch);
    }
    if has_word {
        args.push(buf);
    }
    if escaped || single || double || back || dollar {
        return Err(INVALID.to_string());
    }
    Ok(args)
}

fn is_space(ch: char) -> bool {
    matches!(ch, ' ' | '\t' | '\r' | '\n')
}

#[cfg(test)]
mod tests {
    use super::split_command_line;

    // Expected values observed with Docker Compose v5.6.1 (`config --format json`).
    #[test]
    fn splits_like_docker_compose() {
        let cases: &[(&str, &[&str])] = &[
            ("echo a && echo b", &["echo", "a"]),
            (
                "sh -c \"echo \\\"hi\\\" $HOME\"",
                &["sh", "-c", "echo \"hi\" $HOME"],
            ),
            ("a 'b\\c' \"d\\e\" f\\g ''", &["a", "b\\c", "de", "fg", ""]),
            ("", &[]),
            ("  ", &[]),
            ("x >out", &["x"]),
            ("a\tb\nc", &["a", "b", "c"]),
            ("a #b c", &["a", "#b", "c"]),
            ("echo $(x y) z", &["echo", "$(x y)", "z"]),
            ("echo `a b` c", &["echo", "`a b`", "c"]),
            ("a 2>x", &["a"]),
            ("a b2>x", &["a", "b2"]),
            ("a \"b\"c'd e'", &["a", "bcd e"]),
            ("a|b", &["a"]),
            ("\"\"", &[""]),
        ];
        for (line, want) in cases {
            let got = split_command_line(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
            assert_eq!(
                got,
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{line:?}"
            );
        }
    }

    #[test]
    fn rejects_what_docker_compose_rejects() {
        for line in ["a (b)", "a b)c", "a 'b", "a \"b", "a \\"] {
            assert!(split_command_line(line).is_err(), "{line:?}");
        }
    }
}
