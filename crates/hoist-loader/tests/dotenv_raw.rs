//! `format: raw` env files (docker's `--env-file` rules).
//!
//! Cases are ported from docker/cli's `pkg/kvfile/kvfile_test.go` and checked against Docker
//! Compose v5.6.1 (a service `env_file` with `format: raw`, `config --format json`). The
//! version inside the oracle keeps quotes around values as written.

use hoist_loader::dotenv::parse_raw_with_lookup as parse_raw;
use hoist_loader::FileId;
use indexmap::IndexMap;

fn lookup(name: &str) -> Option<String> {
    (name == "DEFINED_VAR").then(|| "defined-value".to_string())
}

fn map(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Text -> variables in order.
const OK_CASES: &[(&str, &[(&str, &str)])] = &[
    // TestParseWithLookup / TestParseFromReaderWithLookup
    (
        "# comment=\nVAR=VAR_VALUE\nEMPTY_VAR=\nUNDEFINED_VAR\nDEFINED_VAR\n",
        &[("VAR", "VAR_VALUE"), ("EMPTY_VAR", ""), ("DEFINED_VAR", "defined-value")],
    ),
    // TestParseFromReaderGoodFile
    (
        "foo=bar\n    baz=quux\n# comment\n\n_foobar=foobaz\nwith.dots=working\nand_underscore=working too\n\n    \t  ",
        &[
            ("foo", "bar"),
            ("baz", "quux"),
            ("_foobar", "foobaz"),
            ("with.dots", "working"),
            ("and_underscore", "working too"),
        ],
    ),
    // TestParseFromReaderEmptyFile
    ("", &[]),
    // checked against the oracle
    ("\u{FEFF}A=1\n", &[("A", "1")]),
    (
        "A=x=y\nB= spaced  \nC=\"q\"\nD='s'\nE=#notcomment\n",
        &[("A", "x=y"), ("B", " spaced  "), ("C", "\"q\""), ("D", "'s'"), ("E", "#notcomment")],
    ),
    ("A=1\r\nB\r\n", &[("A", "1")]),
    ("\tA=1\n", &[("A", "1")]),
    ("A=$DEFINED_VAR ${X:-y}\n", &[("A", "$DEFINED_VAR ${X:-y}")]),
    ("A=1\nA=2\n", &[("A", "2")]),
    ("A=1\nDEFINED_VAR", &[("A", "1"), ("DEFINED_VAR", "defined-value")]),
];

#[test]
fn raw_table() {
    for (text, expected) in OK_CASES {
        let vars = parse_raw(text, FileId(0), &lookup).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(vars, map(expected), "{text:?}");
    }
}

/// Text -> error message (compose prefixes it with `failed to parse env_file <file>: `), and
/// the 1-based line of the span.
const ERROR_CASES: &[(&str, &str, u32)] = &[
    // TestParseFromReaderBadlyFormattedFile
    (
        "foo=bar\n    f   =quux\n",
        "variable 'f   ' contains whitespaces",
        2,
    ),
    // TestParseFromReaderRandomFile
    (
        "first line\nanother invalid line",
        "variable 'first line' contains whitespaces",
        1,
    ),
    // TestParseFromReaderWithNoName
    (
        "# comment=\n=blank variable names are an error case\n",
        "no variable name on line '=blank variable names are an error case'",
        2,
    ),
    // checked against the oracle
    ("A\tB=1\n", "variable 'A\tB' contains whitespaces", 1),
    (
        "DEFINED_VAR \n",
        "variable 'DEFINED_VAR ' contains whitespaces",
        1,
    ),
];

#[test]
fn raw_errors() {
    for (text, message, line) in ERROR_CASES {
        let err = parse_raw(text, FileId(2), &lookup).unwrap_err();
        assert_eq!(err.message, *message, "{text:?}");
        let span = err.span.expect("span");
        assert_eq!((span.file, span.line), (FileId(2), *line), "{text:?}");
    }
}

#[test]
fn raw_error_span_points_past_leading_space() {
    let err = parse_raw("A=1\n    f   =quux\n", FileId(0), &lookup).unwrap_err();
    assert_eq!(err.span.map(|s| (s.line, s.col)), Some((2, 5)));
}

/// `fixtures/dotenv/oracle_raw_env_files.json`: ~230 generated texts used as a `format: raw`
/// service `env_file` by the oracle (`config --format json`, DEFINED_VAR=defined-value in
/// the environment, `$$` in its output keys and values turned back into `$`): the variables, or the error
/// text without the `failed to parse env_file <file>: ` prefix.
#[test]
fn matches_the_oracle_on_generated_raw_files() {
    use serde_json::Value as Json;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dotenv/oracle_raw_env_files.json");
    let corpus: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(corpus.len() > 200);
    let mut failures = Vec::new();
    for case in &corpus {
        let text = case["text"].as_str().unwrap();
        let result = parse_raw(text, FileId(0), &lookup);
        match (&result, case.get("error")) {
            (Ok(vars), None) => {
                let got: serde_json::Map<String, Json> = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                    .collect();
                if Json::Object(got.clone()) != case["vars"] {
                    failures.push(format!("{text:?}: got {got:?}, oracle {case}"));
                }
            }
            (Err(err), Some(expected)) => {
                if err.message != expected.as_str().unwrap() {
                    failures.push(format!(
                        "{text:?}: got error {:?}, oracle {expected}",
                        err.message
                    ));
                }
            }
            _ => failures.push(format!("{text:?}: got {result:?}, oracle {case}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        corpus.len(),
        failures.join("\n")
    );
}

#[test]
fn overlong_lines_are_rejected() {
    // TestParseFromReaderLineTooLongFile; the 65535/65536 boundary checked against the oracle
    let line = |n: usize| format!("foo={}", "a".repeat(n));
    for text in [line(64 * 1024 + 42), line(65532) + "\n", line(65532)] {
        assert_eq!(
            parse_raw(&text, FileId(0), &lookup).unwrap_err().message,
            "bufio.Scanner: token too long"
        );
    }
    assert_eq!(
        parse_raw(&(line(65531) + "\n"), FileId(0), &lookup)
            .unwrap()
            .len(),
        1
    );
}
