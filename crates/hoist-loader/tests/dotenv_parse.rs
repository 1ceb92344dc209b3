//! `.env` parsing with compose's rules.
//!
//! Cases are ported from compose-go's `dotenv/godotenv_test.go`,
//! `dotenv/godotenv_var_expansion_test.go` and `dotenv/parser_test.go` (fixtures under
//! `tests/fixtures/dotenv/`), plus cases checked against Docker Compose v5.6.1 through a
//! service `env_file` (`config --format json`).

use hoist_loader::dotenv::{parse_into, parse_with_warnings as parse};
use hoist_loader::FileId;
use indexmap::IndexMap;
use std::path::Path;

fn no_env(_: &str) -> Option<String> {
    None
}

fn parse_plain(text: &str) -> IndexMap<String, String> {
    match parse(text, FileId(0), &no_env, &mut Vec::new()) {
        Ok(vars) => vars,
        Err(err) => panic!("{text:?}: {err}"),
    }
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dotenv")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn map(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `TestParsing`: one line -> (key, value).
const LINE_CASES: &[(&str, &str, &str)] = &[
    ("FOO=bar", "FOO", "bar"),
    ("FOO =bar", "FOO", "bar"),
    ("FOO= bar", "FOO", "bar"),
    (r#"FOO="bar""#, "FOO", "bar"),
    ("FOO='bar'", "FOO", "bar"),
    (r#"FOO="escaped\"bar""#, "FOO", r#"escaped"bar"#),
    (r#"FOO="\"quoted\"""#, "FOO", r#""quoted""#),
    (r#"FOO="'d'""#, "FOO", "'d'"),
    ("OPTION_A: 1", "OPTION_A", "1"),
    ("OPTION_A: Foo=bar", "OPTION_A", "Foo=bar"),
    ("OPTION_A=1:B", "OPTION_A", "1:B"),
    ("export OPTION_A=2", "OPTION_A", "2"),
    (r"export OPTION_B='\n'", "OPTION_B", r"\n"),
    ("export exportFoo=2", "exportFoo", "2"),
    ("exportFOO=2", "exportFOO", "2"),
    ("export_FOO =2", "export_FOO", "2"),
    ("export.FOO= 2", "export.FOO", "2"),
    ("export\tOPTION_A=2", "OPTION_A", "2"),
    ("  export OPTION_A=2", "OPTION_A", "2"),
    ("\texport OPTION_A=2", "OPTION_A", "2"),
    (r#"export OPTION_A="export A""#, "OPTION_A", "export A"),
    (r#"FOO="bar\nbaz""#, "FOO", "bar\nbaz"),
    (r"FOO=a\tb", "FOO", r"a\tb"),
    (r#"FOO="a\tb""#, "FOO", "a\tb"),
    (
        r#"KEY="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z""#,
        "KEY",
        "Z\u{7}Z\u{8}Z\u{c}Z\nZ\rZ\tZ\u{b}Z\\ZSZ",
    ),
    ("FOO.BAR=foobar", "FOO.BAR", "foobar"),
    ("FOO=foobar=", "FOO", "foobar="),
    ("FOO=bar ", "FOO", "bar"),
    ("FOO=bar # this is foo", "FOO", "bar"),
    ("FOO=bar #this is foo", "FOO", "bar"),
    ("FOO=bar #", "FOO", "bar"),
    (
        "FOO=123#not-an-inline-comment",
        "FOO",
        "123#not-an-inline-comment",
    ),
    (r#"FOO="bar#baz""#, "FOO", "bar#baz"),
    (r##"FOO="bar#baz"#"##, "FOO", "bar#baz"),
    (r#"FOO="bar#baz" # comment"#, "FOO", "bar#baz"),
    ("FOO='bar#baz' # comment", "FOO", "bar#baz"),
    (r#"FOO="bar#baz#bang" # comment"#, "FOO", "bar#baz#bang"),
    (r#"FOO="ba#r""#, "FOO", "ba#r"),
    ("FOO='ba#r'", "FOO", "ba#r"),
    (r#"FOO="bar\n\ b\az""#, "FOO", "bar\n\\ b\u{7}z"),
    (r#"FOO="bar\\\n\ b\az""#, "FOO", "bar\\\n\\ b\u{7}z"),
    (r#"FOO="bar\\r\ b\az""#, "FOO", "bar\\r\\ b\u{7}z"),
    (r#"FOO="bar\nbaz\\""#, "FOO", "bar\nbaz\\"),
    (r#"="value""#, "", "value"),
    (" KEY =value", "KEY", "value"),
    ("   KEY=value", "KEY", "value"),
    ("\tKEY=value", "KEY", "value"),
    (r#"KEY="\0123""#, "KEY", "S"),
    (r#"KEY="\x07""#, "KEY", r"\x07"),
    (r#"KEY="\u12e4""#, "KEY", r"\u12e4"),
    (r#"KEY="\U00101234""#, "KEY", r"\U00101234"),
    // checked against the oracle
    (r#"A="x\ny\t\$B\0101\a""#, "A", "x\ny\t$BA\u{7}"),
    (r#"A="a\\b" "#, "A", r"a\b"),
    (r"B='a\\b'", "B", r"a\\b"),
    (r#"C="\x41\u0041""#, "C", r"\x41\u0041"),
    ("A:=1", "A", "=1"),
    ("A = 1 2 3   ", "A", "1 2 3"),
    ("A=tab\t#c", "A", "tab\t#c"),
    ("export   A=1", "A", "1"),
    ("A[1]=x", "A[1]", "x"),
    ("d-e=z", "d-e", "z"),
    ("A='${OSVAR}'", "A", "${OSVAR}"),
    (r"A='it\'s'", "A", "it's"),
    (r#"A="\0377""#, "A", "\u{FF}"),
    (r#"A="\01""#, "A", r"\1"),
    ("A=$$x", "A", "$x"),
    (r#"B="$$y""#, "B", "$y"),
    (r#"C="\$z""#, "C", "$z"),
    ("A\tB=1", "A\tB", "1"),
    ("A=1\r", "A", "1"),
    ("A=", "A", ""),
    ("Kéy=1", "Kéy", "1"),
    ("1A=x", "1A", "x"),
    ("A=$1A", "A", "$1A"),
    (r"B=\$X", "B", r"\"),
    ("=1", "", "1"),
];

#[test]
fn upstream_line_table() {
    let mut failures = Vec::new();
    for (line, key, value) in LINE_CASES {
        match parse(line, FileId(0), &no_env, &mut Vec::new()) {
            Ok(vars) if vars.get(*key).map(String::as_str) == Some(*value) => {}
            other => failures.push(format!(
                "{line:?}: expected {key:?}={value:?}, got {other:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whole texts -> all variables, in order.
const TEXT_CASES: &[(&str, &[(&str, &str)])] = &[
    // TestParse
    ("ONE=1\nTWO='2'\nTHREE = \"3\"", &[("ONE", "1"), ("TWO", "2"), ("THREE", "3")]),
    // TestExpanding
    ("FOO=test\nBAR=$FOO", &[("FOO", "test"), ("BAR", "test")]),
    ("FOO=test\nBAR=${FOO}bar", &[("FOO", "test"), ("BAR", "testbar")]),
    ("BAR=$FOO", &[("BAR", "")]),
    ("FOO=test\nBAR=\"quote $FOO\"", &[("FOO", "test"), ("BAR", "quote test")]),
    ("BAR='quote $FOO'", &[("BAR", "quote $FOO")]),
    (r#"FOO="foo\$BAR""#, &[("FOO", "foo$BAR")]),
    (r#"FOO="foo\${BAR}""#, &[("FOO", "foo${BAR}")]),
    ("FOO=test\nBAR=\"foo\\${FOO} ${FOO}\"", &[("FOO", "test"), ("BAR", "foo${FOO} test")]),
    // TestVariableStringValueSeparator
    (
        "TEST_URLS=\"stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443\"",
        &[("TEST_URLS", "stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443")],
    ),
    // TestLinesToIgnore
    ("\n", &[]),
    ("\r\n", &[]),
    ("\t\t ", &[]),
    ("# Comment", &[]),
    ("\t # comment", &[]),
    ("", &[]),
    // TestParseBytes
    (
        "\na=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n",
        &[("a", "b"), ("a[1]", "c"), ("a.propertyKey", "d"), ("árvíztűrő-TÜKÖRFÚRÓGÉP", "ÁRVÍZTŰRŐ-tükörfúrógép")],
    ),
    // checked against the oracle
    ("A=x\nB=${A:-d} $A", &[("A", "x"), ("B", "x x")]),
    ("A=1\nA=2\n", &[("A", "2")]),
    ("A=\"multi\nline\" B=2\nC=3\n", &[("A", "multi\nline"), ("B", "2"), ("C", "3")]),
    ("A=\"x\"abc\n", &[("A", "x")]),
    ("A[1]=x\nb.c=y\nd-e=z\n", &[("A[1]", "x"), ("b.c", "y"), ("d-e", "z")]),
    ("  # comment\n\t\n  A=1  # c\n", &[("A", "1")]),
    ("A=1\r\nB=\"2\"\r\nC='3'\r\n", &[("A", "1"), ("B", "2"), ("C", "3")]),
    ("A=\nB=\n", &[("A", ""), ("B", "")]),
    ("A=1\nexport", &[("A", "1"), ("", "export")]),
    ("A=1\nB", &[("A", "1"), ("", "B")]),
    ("A=1\nB\n", &[("A", "1")]),
    ("A=1\n\n# c\n\nB=2\n", &[("A", "1"), ("B", "2")]),
    ("\u{FEFF}A=bom\n", &[("A", "bom")]),
];

#[test]
fn upstream_text_table() {
    for (text, expected) in TEXT_CASES {
        assert_eq!(parse_plain(text), map(expected), "{text:?}");
    }
}

/// Text -> exact error message (compose prefixes it with `failed to read <file>: `).
const ERROR_CASES: &[(&str, &str)] = &[
    // TestUnterminatedQuotes
    (r#"KEY=""#, "line 1: unterminated quoted value \""),
    (r#"KEY="value"#, "line 1: unterminated quoted value \"value"),
    (
        r#"KEY="value\""#,
        "line 1: unterminated quoted value \"value\\\"",
    ),
    (
        r#"KEY="value'"#,
        "line 1: unterminated quoted value \"value'",
    ),
    ("KEY='", "line 1: unterminated quoted value '"),
    ("KEY='value", "line 1: unterminated quoted value 'value"),
    (
        r"KEY='value\'",
        r"line 1: unterminated quoted value 'value\'",
    ),
    (
        r#"KEY='value""#,
        "line 1: unterminated quoted value 'value\"",
    ),
    // TestParsing (bad line), TestParseVariable
    (
        "lol$wut",
        "line 1: unexpected character \"$\" in variable name \"lol$wut\"",
    ),
    (
        "%!(EXTRA string)=foo",
        "line 1: unexpected character \"%\" in variable name \"%!(EXTRA string)=foo\"",
    ),
    // checked against the oracle
    ("A=\"abc\n", "line 2: unterminated quoted value \"abc"),
    ("A B=1\n", "line 1: key cannot contain a space"),
    (
        "A=x\n  @B=1\n",
        "line 2: unexpected character \"@\" in variable name \"@B=1\"",
    ),
    ("A=1\n\n\n  B C=1\n", "line 4: key cannot contain a space"),
    (
        "A=\"a\"\n\"B\"=1\n",
        "line 2: unexpected character \"\\\"\" in variable name \"\\\"B\\\"=1\"",
    ),
    ("A=1\nexport ", "zero length string"),
    ("A=${\n", "Invalid template: \"${\""),
    ("B=${A:0:1}\n", "Invalid template: \"${A:0:1}\""),
    ("A=\"${\n\"\n", "Invalid template: \"${\\n\""),
    (
        "A=${X:?msg}\n",
        "required variable X is missing a value: msg",
    ),
];

#[test]
fn upstream_error_table() {
    let mut failures = Vec::new();
    for (text, expected) in ERROR_CASES {
        match parse(text, FileId(0), &no_env, &mut Vec::new()) {
            Err(err) if err.message == *expected && err.span.is_some() => {}
            other => failures.push(format!("{text:?}: expected {expected:?}, got {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn error_spans_point_at_the_key_or_value() {
    let err = parse("A=1\n\n\n  B C=1\n", FileId(7), &no_env, &mut Vec::new()).unwrap_err();
    let span = err.span.unwrap();
    assert_eq!((span.file, span.line, span.col), (FileId(7), 4, 3));
    let err = parse("A=x\n  @B=1\n", FileId(7), &no_env, &mut Vec::new()).unwrap_err();
    let span = err.span.unwrap();
    assert_eq!((span.line, span.col), (2, 3));
    let err = parse("A=1\nB=${X:?msg}\n", FileId(7), &no_env, &mut Vec::new()).unwrap_err();
    let span = err.span.unwrap();
    assert_eq!((span.line, span.col), (2, 3));
}

#[test]
fn fixture_plain() {
    // TestReadPlainEnv. Compose keeps `456` (only godotenv's `Read` drops digit-led keys).
    let expected = map(&[
        ("OPTION_A", "1"),
        ("OPTION_B", "2"),
        ("OPTION_C", "3"),
        ("OPTION_D", "4"),
        ("OPTION_E", "5"),
        ("456", "ABC"),
        ("OPTION_F", ""),
        ("OPTION_G", ""),
        ("OPTION_H", "my string"),
    ]);
    assert_eq!(parse_plain(&fixture("plain.env")), expected);
    // TestUTF8BOM
    assert_eq!(parse_plain(&fixture("utf8-bom.env")), expected);
}

#[test]
fn fixture_quoted() {
    // TestLoadQuotedEnv
    let expected = map(&[
        ("OPTION_A", "1"),
        ("OPTION_B", "2"),
        ("OPTION_C", ""),
        ("OPTION_D", r"\n"),
        ("OPTION_E", "1"),
        ("OPTION_F", "2"),
        ("OPTION_G", ""),
        ("OPTION_H", "\n"),
        ("OPTION_I", "echo 'asd'"),
        ("OPTION_J", "first line\nsecond line\nthird line\nand so on"),
        ("OPTION_K", "Let's go!"),
        ("OPTION_Z", "last value"),
    ]);
    assert_eq!(parse_plain(&fixture("quoted.env")), expected);
}

#[test]
fn fixtures_unquoted_exported_equals_special() {
    // TestLoadUnquotedEnv, TestLoadExportedEnv, TestLoadEqualsEnv, TestDash
    assert_eq!(
        parse_plain(&fixture("unquoted.env")),
        map(&[
            ("OPTION_A", "some quoted phrase"),
            ("OPTION_B", "first one with an unquoted phrase"),
            ("OPTION_C", "then another one with an unquoted phrase"),
            (
                "OPTION_D",
                "then another one with an unquoted phrase special è char"
            ),
            ("OPTION_E", "then another one quoted phrase"),
        ])
    );
    assert_eq!(
        parse_plain(&fixture("exported.env")),
        map(&[("OPTION_A", "2"), ("OPTION_B", r"\n")])
    );
    assert_eq!(
        parse_plain(&fixture("equals.env")),
        map(&[(
            "OPTION_A",
            "postgres://localhost:5432/database?sslmode=disable"
        )])
    );
    assert_eq!(
        parse_plain(&fixture("special.env")),
        map(&[
            ("VAR.WITH.DOTS", "dots"),
            ("VAR_WITH_UNDERSCORES", "underscores"),
            ("VAR-WITH-DASHES", "dashes")
        ])
    );
}

#[test]
fn fixture_invalid() {
    // TestErrorParsing
    let err = parse(
        &fixture("invalid1.env"),
        FileId(0),
        &no_env,
        &mut Vec::new(),
    )
    .unwrap_err();
    assert_eq!(err.message, "line 7: key cannot contain a space");
    assert_eq!(err.span.map(|s| (s.line, s.col)), Some((7, 1)));
}

#[test]
fn fixtures_substitutions() {
    let os_a = |name: &str| (name == "OPTION_A").then(|| "5".to_string());
    let mut warnings = Vec::new();
    // TestSubstitutions
    let vars = parse(
        &fixture("substitutions.env"),
        FileId(0),
        &no_env,
        &mut warnings,
    )
    .unwrap();
    let expected = [
        ("OPTION_A", "1"),
        ("OPTION_B", "1"),
        ("OPTION_C", "1"),
        ("OPTION_D", "1_1"),
        ("OPTION_E", ""),
    ];
    assert_eq!(vars, map(&expected));
    assert_eq!(
        warnings,
        vec!["The \"OPTION_NOT_DEFINED\" variable is not set. Defaulting to a blank string."]
    );
    // TestSubstitutionsWithEnvFilePrecedence: the outer environment wins over the file
    let vars = parse(
        &fixture("substitutions.env"),
        FileId(0),
        &os_a,
        &mut Vec::new(),
    )
    .unwrap();
    let expected = [
        ("OPTION_A", "1"),
        ("OPTION_B", "5"),
        ("OPTION_C", "5"),
        ("OPTION_D", "5_5"),
        ("OPTION_E", ""),
    ];
    assert_eq!(vars, map(&expected));
    // TestSubstitutionsWithEnvFileDefaultValuePrecedence
    let vars = parse(
        &fixture("substitutions-default.env"),
        FileId(0),
        &os_a,
        &mut Vec::new(),
    )
    .unwrap();
    let expected = [
        ("OPTION_A", "5"),
        ("OPTION_B", "5"),
        ("OPTION_C", "5"),
        ("OPTION_D", "5_5"),
        ("OPTION_E", ""),
    ];
    assert_eq!(vars, map(&expected));
    // TestSubstitutionsWithUnsetVarEnvFileDefaultValuePrecedence
    let vars = parse(
        &fixture("substitutions-default.env"),
        FileId(0),
        &no_env,
        &mut Vec::new(),
    )
    .unwrap();
    let expected = [
        ("OPTION_A", "1"),
        ("OPTION_B", "1"),
        ("OPTION_C", "1"),
        ("OPTION_D", "1_1"),
        ("OPTION_E", ""),
    ];
    assert_eq!(vars, map(&expected));
}

#[test]
fn fixtures_inherited() {
    let os = |name: &str| {
        (name == "VAR_TO_BE_LOADED_FROM_OS_ENV").then(|| "SOME_RANDOM_VALUE".to_string())
    };
    // TestInheritedEnvVariableSameSize
    assert_eq!(
        parse(
            &fixture("inherited-multi-var.env"),
            FileId(0),
            &os,
            &mut Vec::new()
        )
        .unwrap(),
        map(&[
            ("foo", "bar"),
            ("VAR_TO_BE_LOADED_FROM_OS_ENV", "SOME_RANDOM_VALUE"),
            ("bar", "baz")
        ])
    );
    // TestInheritedEnvVariableSingleVar
    assert_eq!(
        parse(
            &fixture("inherited-single-var.env"),
            FileId(0),
            &os,
            &mut Vec::new()
        )
        .unwrap(),
        map(&[("VAR_TO_BE_LOADED_FROM_OS_ENV", "SOME_RANDOM_VALUE")])
    );
    // TestInheritedEnvVariableNotFound(WithLookup): left out, and the lookup was asked
    let asked = std::cell::RefCell::new(Vec::new());
    let recording = |name: &str| {
        asked.borrow_mut().push(name.to_string());
        None
    };
    assert_eq!(
        parse(
            &fixture("inherited-not-found.env"),
            FileId(0),
            &recording,
            &mut Vec::new()
        )
        .unwrap(),
        map(&[])
    );
    assert_eq!(asked.borrow().as_slice(), ["VARIABLE_NOT_FOUND"]);
    // a bare key asks only the outer environment (oracle)
    let os = |name: &str| (name == "OSVAR").then(|| "fromos".to_string());
    assert_eq!(
        parse_plain_with("OSVAR\nUNKNOWN\n", &os),
        map(&[("OSVAR", "fromos")])
    );
    assert_eq!(
        parse_plain_with("OSVAR=over\nB=$OSVAR\n", &os),
        map(&[("OSVAR", "over"), ("B", "fromos")])
    );
    assert_eq!(parse_plain_with("A=1\nA\n", &no_env), map(&[("A", "1")]));
}

fn parse_plain_with(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> IndexMap<String, String> {
    parse(text, FileId(0), lookup, &mut Vec::new()).unwrap()
}

#[test]
fn lookup_is_used_for_interpolation() {
    // TestExpandingEnvironmentWithLookup
    let lookup = |name: &str| (name == "ME").then(|| "YES".to_string());
    assert_eq!(
        parse_plain_with("TEST=$ME", &lookup),
        map(&[("TEST", "YES")])
    );
}

#[test]
fn several_files_build_on_each_other() {
    // TestMultipleFiles: later files override, interpolation sees the outer environment first
    // and then what earlier files defined.
    let base = "\nENV_HOSTNAME=localhost\nENV_MY_URL=\"http://${ENV_HOSTNAME}\"\n";
    let override_ = "\nENV_HOSTNAME=dev.my-company.com\nENV_MY_URL=\"http://${ENV_HOSTNAME}\"\n";
    let mut vars = IndexMap::new();
    parse_into(base, FileId(0), &mut vars, &no_env).unwrap();
    parse_into(override_, FileId(1), &mut vars, &no_env).unwrap();
    assert_eq!(
        vars,
        map(&[
            ("ENV_HOSTNAME", "dev.my-company.com"),
            ("ENV_MY_URL", "http://dev.my-company.com")
        ])
    );

    let os = |name: &str| (name == "ENV_HOSTNAME").then(|| "host.local".to_string());
    let mut vars = IndexMap::new();
    parse_into(base, FileId(0), &mut vars, &os).unwrap();
    parse_into(override_, FileId(1), &mut vars, &os).unwrap();
    assert_eq!(
        vars,
        map(&[
            ("ENV_HOSTNAME", "dev.my-company.com"),
            ("ENV_MY_URL", "http://host.local")
        ])
    );
}

/// `godotenv_var_expansion_test.go`: earlier values EMPTY_VAR="" and TEST_VAR="Test Value",
/// no outer environment. Line -> value of RESULT, or the error message.
const EXPANSION_CASES: &[(&str, Result<&str, &str>)] = &[
    ("RESULT=${UNSET_VAR:-Default Value}", Ok("Default Value")),
    ("RESULT=${EMPTY_VAR:-Default Value}", Ok("Default Value")),
    ("RESULT=${TEST_VAR:-Default Value}", Ok("Test Value")),
    ("RESULT=${UNSET_VAR-Default Value}", Ok("Default Value")),
    ("RESULT=${EMPTY_VAR-Default Value}", Ok("")),
    ("RESULT=${TEST_VAR-Default Value}", Ok("Test Value")),
    (
        "RESULT=${UNSET_VAR:?Test error}",
        Err("required variable UNSET_VAR is missing a value: Test error"),
    ),
    (
        "RESULT=${EMPTY_VAR:?Test error}",
        Err("required variable EMPTY_VAR is missing a value: Test error"),
    ),
    ("RESULT=${TEST_VAR:?Default Value}", Ok("Test Value")),
    (
        "RESULT=${UNSET_VAR?Test error}",
        Err("required variable UNSET_VAR is missing a value: Test error"),
    ),
    ("RESULT=${EMPTY_VAR?Test error}", Ok("")),
    ("RESULT=${TEST_VAR?Default Value}", Ok("Test Value")),
];

#[test]
fn upstream_expansion_table() {
    for (line, expected) in EXPANSION_CASES {
        let mut vars = map(&[("EMPTY_VAR", ""), ("TEST_VAR", "Test Value")]);
        let result = parse_into(line, FileId(0), &mut vars, &no_env);
        match expected {
            Ok(value) => {
                assert!(result.is_ok(), "{line}: {result:?}");
                assert_eq!(
                    vars.get("RESULT").map(String::as_str),
                    Some(*value),
                    "{line}"
                );
            }
            Err(message) => assert_eq!(result.unwrap_err().message, *message, "{line}"),
        }
    }
}

#[test]
fn many_lines() {
    // TestMemoryExplosion (size only)
    let text: Vec<String> = (0..1000).map(|i| format!("KEY{i}=VALUE{i}")).collect();
    let vars = parse_plain(&text.join("\n"));
    assert_eq!(vars.len(), 1000);
    assert_eq!(vars.get("KEY999").map(String::as_str), Some("VALUE999"));
}

#[test]
fn unset_variables_in_values_warn() {
    let mut warnings = Vec::new();
    let vars = parse(
        "A=$UNSETX\nB='$NOPE'\nC=\"${ALSO}\"\n",
        FileId(0),
        &no_env,
        &mut warnings,
    )
    .unwrap();
    assert_eq!(vars, map(&[("A", ""), ("B", "$NOPE"), ("C", "")]));
    assert_eq!(
        warnings,
        vec![
            "The \"UNSETX\" variable is not set. Defaulting to a blank string.",
            "The \"ALSO\" variable is not set. Defaulting to a blank string.",
        ]
    );
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "\"",
        "'",
        "=",
        ":",
        "export",
        "export\n",
        "export \n",
        "\\",
        "A=\"\\",
        "A=\"\\0",
        "A=\"é\\é\"",
        "A=${é}",
        "A=$",
        "A=${",
        "#",
        "\u{FEFF}",
        "\u{FEFF}=",
        "é",
        "A=\"\u{85}\"",
        "A\u{A0}=1",
        "\u{2028}A=1",
    ];
    for input in inputs {
        let _ = parse(input, FileId(0), &no_env, &mut Vec::new());
    }
}

#[test]
fn project_env_files_inherit_from_earlier_files() {
    // `--env-file a.env --env-file b.env`, checked against the oracle: b's bare `B` takes a's
    // value, interpolation prefers the OS environment, and unknown bare keys stay unset.
    let a = "H=localhost\nU=\"http://${H}\"\nB=fromA\n";
    let b = "H=dev\nU=\"http://${H}\"\nB\nC\n";
    let vars =
        hoist_loader::dotenv::parse_files([(a, FileId(0)), (b, FileId(1))], &no_env).unwrap();
    assert_eq!(
        vars,
        map(&[("H", "dev"), ("U", "http://dev"), ("B", "fromA")])
    );
    let os = |name: &str| (name == "H").then(|| "os".to_string());
    let vars = hoist_loader::dotenv::parse_files([(a, FileId(0)), (b, FileId(1))], &os).unwrap();
    assert_eq!(
        vars,
        map(&[("H", "dev"), ("U", "http://os"), ("B", "fromA")])
    );
    // an error carries the span of the file it is in
    let err = hoist_loader::dotenv::parse_files([(a, FileId(0)), ("X Y=1", FileId(1))], &no_env)
        .unwrap_err();
    assert_eq!(err.span.map(|s| s.file), Some(FileId(1)));
}

#[test]
fn never_panics_on_generated_files() {
    let atoms = [
        "A", "=", ":", " ", "\t", "\n", "#", " #", "\"", "'", "\\", "\\0", "$A", "${A", "}",
        "export ", "é", "\u{FEFF}", "\r", "\u{85}", "\u{2028}",
    ];
    let mut state = 11u64;
    let mut next = |bound: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % bound
    };
    for _ in 0..5000 {
        let len = next(14);
        let text: String = (0..len).map(|_| atoms[next(atoms.len())]).collect();
        let _ = parse(&text, FileId(0), &no_env, &mut Vec::new());
        let _ = hoist_loader::dotenv::parse_raw(&text, FileId(0));
    }
}
