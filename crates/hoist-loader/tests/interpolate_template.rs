//! Conformance table for the `${VAR}` template language.
//!
//! Cases are ported from compose-go's `template/template_test.go` (environment FOO=first,
//! BAR="" and JSON={"json":2}), plus cases checked against Docker Compose v5.6.1.

use hoist_loader::interpolate::{
    substitute_with_warnings as substitute, unset_warning, SubstituteError,
};

fn upstream_env(name: &str) -> Option<String> {
    match name {
        "FOO" => Some("first".to_string()),
        "BAR" => Some(String::new()),
        "JSON" => Some(r#"{"json":2}"#.to_string()),
        _ => None,
    }
}

fn run(template: &str) -> Result<String, SubstituteError> {
    substitute(template, &upstream_env, &mut Vec::new())
}

/// template -> expected value.
const OK_CASES: &[(&str, &str)] = &[
    // TestEscaped, TestSubstituteNoMatch
    ("$${foo}", "${foo}"),
    ("foo", "foo"),
    // TestUnescaped: a `$` that starts nothing is kept
    ("a $ string", "a $ string"),
    ("^REGEX$", "^REGEX$"),
    ("$}", "$}"),
    ("$", "$"),
    // TestNonBraced
    ("$FOO-bar", "first-bar"),
    // TestNoValueNoDefault
    ("This ${missing} var", "This  var"),
    ("This ${BAR} var", "This  var"),
    // TestValueNoDefault
    ("This $FOO var", "This first var"),
    ("This ${FOO} var", "This first var"),
    // TestNoValueWithDefault
    ("ok ${missing:-def}", "ok def"),
    ("ok ${missing-def}", "ok def"),
    // TestLazyDefault*
    ("${A:+${A},}B", "B"),
    ("${A:-${B}}", ""),
    // soft and hard defaults
    ("ok ${BAR:-def}", "ok def"),
    ("ok ${FOO:-def}", "ok first"),
    ("ok ${BAR-def}", "ok "),
    // presence values
    ("ok ${UNSET_VAR:+presence_value}", "ok "),
    ("ok ${UNSET_VAR+presence_value}", "ok "),
    ("ok ${FOO:+presence_value}", "ok presence_value"),
    ("ok ${FOO+presence_value}", "ok presence_value"),
    ("ok ${BAR+presence_value}", "ok presence_value"),
    ("ok ${BAR:+presence_value}", "ok "),
    // TestNonAlphanumericDefault
    ("ok ${BAR:-/non:-alphanumeric}", "ok /non:-alphanumeric"),
    // TestInterpolationExternalInterference
    ("-ok ${BAR:-defaultValue}", "-ok defaultValue"),
    ("+ok ${UNSET:-${BAR-defaultValue}}", "+ok "),
    ("-ok ${FOO:-defaultValue}", "-ok first"),
    (":-ok ${UNSET-defaultValue}", ":-ok defaultValue"),
    (":-ok ${BAR-defaultValue}", ":-ok "),
    (":?ok ${BAR-defaultValue}", ":?ok "),
    (":?ok ${BAR:-defaultValue}", ":?ok defaultValue"),
    (":+ok ${BAR:-defaultValue}", ":+ok defaultValue"),
    ("+ok ${BAR-defaultValue}", "+ok "),
    ("?ok ${BAR:-defaultValue}", "?ok defaultValue"),
    // TestDefaultsWithNestedExpansion
    ("ok ${UNSET_VAR-$FOO}", "ok first"),
    ("ok ${UNSET_VAR-${FOO}}", "ok first"),
    ("ok ${UNSET_VAR-${FOO} ${FOO}}", "ok first first"),
    ("ok ${BAR:-$FOO}", "ok first"),
    ("ok ${BAR:-${FOO}}", "ok first"),
    ("ok ${BAR:-${FOO} ${FOO}}", "ok first first"),
    ("ok ${BAR+$FOO}", "ok first"),
    ("ok ${BAR+$FOO ${FOO:+second}}", "ok first second"),
    // TestDefaultsForMandatoryVariables
    ("ok ${FOO:?err}", "ok first"),
    ("ok ${FOO?err}", "ok first"),
    ("ok ${BAR?err}", "ok "),
    // TestSubstituteWithReplacementFunc (last case)
    ("ok ${SUBDOMAIN:-redis}.${FOO:?}", "ok redis.first"),
    // TestPrecedence
    ("${UNSET_VAR-myerror?msg}", "myerror?msg"),
    ("${FOO?bar-baz}", "first"),
    (
        "${BAR:-default_value_for_empty_var}",
        "default_value_for_empty_var",
    ),
    (
        "${UNSET_VAR-default_value_for_unset_var}",
        "default_value_for_unset_var",
    ),
    // TestSubstitutionFunctionChoice, as observable results: the operator right after the
    // name wins, whatever the default contains
    ("${VARNAME:-val?ue}", "val?ue"),
    ("${VARNAME-va:-lu:?e}", "va:-lu:?e"),
    ("${VARNAME-va+lu?e}", "va+lu?e"),
    ("${VARNAME-va?lu+e}", "va?lu+e"),
    ("${FOO:+va:?lu:-e}", "va:?lu:-e"),
    ("${FOO+va:+lue}", "va:+lue"),
    ("${FOO+va?lu-e}", "va?lu-e"),
    ("${FOO+va-lu?e}", "va-lu?e"),
    ("${FOO?val:?ue}", "first"),
    ("${FOO:?val?ue}", "first"),
    // TestNoValueWithCurlyBracesDefault / TestValueWithCurlyBracesDefault
    (r#"ok ${missing:-{"json":1}}"#, r#"ok {"json":1}"#),
    (r#"ok ${missing-{"json":1}}"#, r#"ok {"json":1}"#),
    (r#"ok ${JSON:-{"json":1}}"#, r#"ok {"json":2}"#),
    (r#"ok ${JSON-{"json":1}}"#, r#"ok {"json":2}"#),
    // interpolation_test.go TestValidUnexistentInterpolation (FOO and BAR unset there; here
    // with names that are unset in this environment)
    ("{{{ ${X:-foo_} }}}", "{{{ foo_ }}}"),
    ("{{{ ${X:-foo-bar-value} }}}", "{{{ foo-bar-value }}}"),
    ("{{{ ${X:-foo?bar?value} }}}", "{{{ foo?bar?value }}}"),
    ("{{{ ${X:-foo:?bar:?value} }}}", "{{{ foo:?bar:?value }}}"),
    (
        "{{{ ${X:-foo} ${Y:-DEFAULT_VALUE} }}}",
        "{{{ foo DEFAULT_VALUE }}}",
    ),
    ("{{{ ${Y} }}}", "{{{  }}}"),
    ("${X:-baz} }}}", "baz }}}"),
    ("${X-baz} }}}", "baz }}}"),
    ("${X:-${Y:-${Z:-qix}}}", "qix"),
    ("${X:-${Y:-x}_test_${Y:-y}}", "x_test_y"),
    ("${X:-${Y:-x}_test}", "x_test"),
    ("${X:-${Y:-${Z:-x}}_test}", "x_test"),
    // More corners, checked against the oracle
    ("$$$", "$$"),
    ("$$FOO", "$FOO"),
    ("$1", "$1"),
    ("$-x", "$-x"),
    ("price: 5$", "price: 5$"),
    ("${FOO}${FOO}", "firstfirst"),
    ("$FOO$FOO", "firstfirst"),
    ("$FOO_BAR", ""),
    ("${FOO}_BAR", "first_BAR"),
    ("${foo:-low}", "low"),
    ("${FOO:-a}b}", "firstb}"),
    ("${X:-a}b}", "ab}"),
    ("${FOO-}", "first"),
    ("${X-}", ""),
    ("${X:-}", ""),
    ("${X:+}", ""),
    ("${FOO:+}", ""),
    ("${_}", ""),
    ("${_x1:-d}", "d"),
    ("a\n${X:-b}\nc", "a\nb\nc"),
    ("${X:-$$}", "$"),
    ("${X:-$$FOO}", "$FOO"),
    ("${X:-${FOO:+${JSON}}}", r#"{"json":2}"#),
    ("${X:-{}}", "{}"),
    ("${X:-{a}}", "{a}"),
    ("$FOO}", "first}"),
];

#[test]
fn upstream_template_values() {
    let mut failures = Vec::new();
    for (template, expected) in OK_CASES {
        match run(template) {
            Ok(got) if got == *expected => {}
            other => failures.push(format!(
                "{template:?}: expected {expected:?}, got {other:?}"
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

/// template -> exact error text.
const ERROR_CASES: &[(&str, &str)] = &[
    // TestInvalid
    ("${", "Invalid template: \"${\""),
    ("${}", "Invalid template: \"${}\""),
    ("${ }", "Invalid template: \"${ }\""),
    ("${ foo}", "Invalid template: \"${ foo}\""),
    ("${foo }", "Invalid template: \"${foo }\""),
    ("${foo!}", "Invalid template: \"${foo!}\""),
    // more invalid forms
    ("${1x}", "Invalid template: \"${1x}\""),
    ("${VAR/a/b}", "Invalid template: \"${VAR/a/b}\""),
    ("${A:0:1}", "Invalid template: \"${A:0:1}\""),
    ("${FOO:}", "Invalid template: \"${FOO:}\""),
    ("${FOO:-a\n}", "Invalid template: \"${FOO:-a\\n}\""),
    ("x ${FOO} ${", "Invalid template: \"x ${FOO} ${\""),
    // a bad template inside a default is reported with the default's text
    ("${X:-${}", "Invalid template: \"${\""),
    // TestMandatoryVariableErrors
    (
        "not ok ${UNSET_VAR:?Mandatory Variable Unset}",
        "required variable UNSET_VAR is missing a value: Mandatory Variable Unset",
    ),
    (
        "not ok ${BAR:?Mandatory Variable Empty}",
        "required variable BAR is missing a value: Mandatory Variable Empty",
    ),
    (
        "not ok ${UNSET_VAR:?}",
        "required variable UNSET_VAR is missing a value",
    ),
    (
        "not ok ${UNSET_VAR?Mandatory Variable Unset}",
        "required variable UNSET_VAR is missing a value: Mandatory Variable Unset",
    ),
    (
        "not ok ${UNSET_VAR?}",
        "required variable UNSET_VAR is missing a value",
    ),
    // TestMandatoryVariableErrorsWithNestedExpansion
    (
        "not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}",
        "required variable UNSET_VAR is missing a value: Mandatory Variable first",
    ),
    (
        "not ok ${UNSET_VAR?Mandatory Variable ${FOO}}",
        "required variable UNSET_VAR is missing a value: Mandatory Variable first",
    ),
    // TestPrecedence
    (
        "${UNSET_VAR?bar-baz}",
        "required variable UNSET_VAR is missing a value: bar-baz",
    ),
    // interpolation_test.go: the first failing substitution wins
    (
        "{{{ ${X:?foo_} }}}",
        "required variable X is missing a value: foo_",
    ),
    (
        "{{{ ${X:?foo-bar-value} }}}",
        "required variable X is missing a value: foo-bar-value",
    ),
    (
        "{{{ ${X:?foo} ${Y:-DEFAULT_VALUE} }}}",
        "required variable X is missing a value: foo",
    ),
    (
        "${X:?foo} ${Y:?bar}",
        "required variable X is missing a value: foo",
    ),
    (
        "${X:?baz} }}}",
        "required variable X is missing a value: baz",
    ),
    (
        "${X?baz} }}}",
        "required variable X is missing a value: baz",
    ),
    (
        "${FOO:?ok} ${BAR:?empty}",
        "required variable BAR is missing a value: empty",
    ),
];

#[test]
fn upstream_template_errors() {
    let mut failures = Vec::new();
    for (template, expected) in ERROR_CASES {
        match run(template) {
            Err(err) if err.to_string() == *expected => {}
            other => failures.push(format!(
                "{template:?}: expected error {expected:?}, got {other:?}"
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

#[test]
fn error_kinds() {
    assert_eq!(
        run("${UNSET_VAR?bar-baz}"),
        Err(SubstituteError::MissingRequired {
            variable: "UNSET_VAR".into(),
            reason: "bar-baz".into()
        })
    );
    assert_eq!(
        run("${ foo}"),
        Err(SubstituteError::InvalidTemplate {
            template: "${ foo}".into()
        })
    );
}

/// template -> the variables warned about, in order.
const WARNING_CASES: &[(&str, &[&str])] = &[
    // TestLazyDefaultDoesNotWarn / TestLazyDefaultWarnsWhenUsed
    ("${A:+${A},}B", &[]),
    ("${A:-${B}}", &["B"]),
    ("$FOO ${BAR}", &[]),
    ("$X ${Y}", &["X", "Y"]),
    ("${X-d} ${X:-d} ${X+a} ${X:+a}", &[]),
    ("$X$X", &["X", "X"]),
    ("$$X", &[]),
];

#[test]
fn unset_variable_warnings() {
    for (template, names) in WARNING_CASES {
        let mut warnings = Vec::new();
        let _ = substitute(template, &upstream_env, &mut warnings);
        let expected: Vec<String> = names.iter().map(|n| unset_warning(n)).collect();
        assert_eq!(warnings, expected, "{template:?}");
    }
}

#[test]
fn lazy_required_message_does_not_warn() {
    // TestLazyRequiredMessageDoesNotWarn
    let lookup = |name: &str| (name == "A").then(|| "value".to_string());
    let mut warnings = Vec::new();
    assert_eq!(
        substitute("${A?${B}}", &lookup, &mut warnings).unwrap(),
        "value"
    );
    assert!(warnings.is_empty());
}

#[test]
fn warning_text_matches_compose() {
    assert_eq!(
        unset_warning("UNSET1"),
        "The \"UNSET1\" variable is not set. Defaulting to a blank string."
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let nested = |depth: usize| "${A:-".repeat(depth) + "x" + &"}".repeat(depth);
    assert_eq!(run(&nested(10)).as_deref(), Ok("x"));
    assert_eq!(run(&nested(64)).as_deref(), Ok("x"));
    assert_eq!(run(&nested(5000)), Err(SubstituteError::TooDeep));
    assert!(hoist_loader::interpolate::variables_in(&nested(5000)).len() > 10);
}

/// Small deterministic generator, so that the no-panic sweep needs no extra crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound
    }
}

#[test]
fn never_panics_on_generated_templates() {
    let atoms = [
        "$", "{", "}", ":", "-", "+", "?", "FOO", "BAR", "x", "é", "\u{212A}", "\n", "$$", "${",
        ":-", "\\", " ", "_", "1",
    ];
    let mut rng = Lcg(7);
    for _ in 0..5000 {
        let len = rng.next(12);
        let text: String = (0..len).map(|_| atoms[rng.next(atoms.len())]).collect();
        let _ = substitute(&text, &upstream_env, &mut Vec::new());
        let _ = hoist_loader::interpolate::variables_in(&text);
    }
}
