//! Interpolation of whole compose trees: substitution on values, error wording with paths,
//! and compose-go's type casts.
//!
//! Cases are ported from compose-go's `interpolation/interpolation_test.go` and from its
//! `loader/interpolate.go` cast table; the cast results and error texts were checked against
//! Docker Compose v5.6.1 (`config --format json`).

use hoist_loader::interpolate::interpolate_tree_with_warnings as interpolate_tree;
use hoist_loader::{FileId, Node, Span, Value};
use serde_json::{json, Value as Json};

const SPAN: Span = Span {
    file: FileId(0),
    line: 3,
    col: 12,
    offset: 40,
};

fn env_from(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// Interpolates `input`; returns the resulting JSON and the warnings.
fn run(
    input: Json,
    env: &dyn Fn(&str) -> Option<String>,
) -> (Result<Json, hoist_loader::LoadError>, Vec<String>) {
    let mut node = Node::from_json(&input, SPAN);
    let mut warnings = Vec::new();
    let result = interpolate_tree(&mut node, env, &mut warnings).map(|()| node.to_json());
    (result, warnings)
}

const UPSTREAM_ENV: &[(&str, &str)] = &[
    ("USER", "jenny"),
    ("FOO", "bar"),
    ("count", "5"),
    ("REQUIRED", "true"),
];

#[test]
fn interpolates_values_at_any_depth() {
    // TestInterpolate
    let input = json!({"servicea": {
        "image": "example:${USER}",
        "volumes": ["$FOO:/target"],
        "logging": {"driver": "${FOO}", "options": {"user": "$USER"}}
    }});
    let expected = json!({"servicea": {
        "image": "example:jenny",
        "volumes": ["bar:/target"],
        "logging": {"driver": "bar", "options": {"user": "jenny"}}
    }});
    let (result, warnings) = run(input, &env_from(UPSTREAM_ENV));
    assert_eq!(result.unwrap(), expected);
    assert!(warnings.is_empty());
}

#[test]
fn keys_and_non_strings_are_left_alone() {
    let input = json!({"services": {"web": {"labels": {"$FOO": "${FOO}"}, "x": 5, "y": true, "z": null, "f": 1.5}}});
    let expected = json!({"services": {"web": {"labels": {"$FOO": "bar"}, "x": 5, "y": true, "z": null, "f": 1.5}}});
    assert_eq!(run(input, &env_from(UPSTREAM_ENV)).0.unwrap(), expected);
}

#[test]
fn invalid_template_error_names_the_path() {
    // TestInvalidInterpolation
    let (result, _) = run(
        json!({"servicea": {"image": "${"}}),
        &env_from(UPSTREAM_ENV),
    );
    let err = result.unwrap_err();
    assert_eq!(err.message, "invalid interpolation format for servicea.image.\nYou may need to escape any $ with another $.\n${");
    assert_eq!(err.path.as_deref(), Some("servicea.image"));
    assert_eq!(err.span, Some(SPAN));
    assert!(err.hint.is_some());
}

/// TestValidUnexistentInterpolation: value of `myservice.environment.TESTVAR` with no
/// variables set -> expected value, or the message of the required-variable error.
const UNSET_CASES: &[(&str, Result<&str, &str>)] = &[
    ("{{{ ${FOO:-foo_} }}}", Ok("{{{ foo_ }}}")),
    ("{{{ ${FOO:-foo-bar-value} }}}", Ok("{{{ foo-bar-value }}}")),
    ("{{{ ${FOO:-foo?bar?value} }}}", Ok("{{{ foo?bar?value }}}")),
    (
        "{{{ ${FOO:-foo:?bar:?value} }}}",
        Ok("{{{ foo:?bar:?value }}}"),
    ),
    (
        "{{{ ${FOO:-foo} ${BAR:-DEFAULT_VALUE} }}}",
        Ok("{{{ foo DEFAULT_VALUE }}}"),
    ),
    ("{{{ ${BAR} }}}", Ok("{{{  }}}")),
    ("${FOO:-baz} }}}", Ok("baz }}}")),
    ("${FOO-baz} }}}", Ok("baz }}}")),
    ("{{{ ${FOO:?foo_} }}}", Err("foo_")),
    ("{{{ ${FOO:?foo-bar-value} }}}", Err("foo-bar-value")),
    ("{{{ ${FOO:?foo} ${BAR:-DEFAULT_VALUE} }}}", Err("foo")),
    ("${FOO:?foo} ${BAR:?bar}", Err("foo")),
    ("${FOO:?baz} }}}", Err("baz")),
    ("${FOO?baz} }}}", Err("baz")),
    ("${FOO:-${BAR:-${ZOT:-qix}}}", Ok("qix")),
    ("${FOO:-${BAR:-x}_test_${BAR:-y}}", Ok("x_test_y")),
    ("${FOO:-${BAR:-x}_test}", Ok("x_test")),
    ("${FOO:-${BAR:-${ZOT:-x}}_test}", Ok("x_test")),
];

#[test]
fn upstream_unset_variable_table() {
    let none = |_: &str| None;
    for (template, expected) in UNSET_CASES {
        let (result, _) = run(
            json!({"myservice": {"environment": {"TESTVAR": template}}}),
            &none,
        );
        match expected {
            Ok(value) => {
                assert_eq!(
                    result.unwrap(),
                    json!({"myservice": {"environment": {"TESTVAR": value}}}),
                    "{template}"
                )
            }
            Err(reason) => {
                let err = result.unwrap_err();
                assert_eq!(
                    err.message,
                    format!(
                        "error while interpolating myservice.environment.TESTVAR: required variable FOO is missing a value: {reason}"
                    ),
                    "{template}"
                );
                assert_eq!(err.path.as_deref(), Some("myservice.environment.TESTVAR"));
            }
        }
    }
}

/// TestValidExistentInterpolation, with USER=jenny and FOO=bar.
const SET_CASES: &[(&str, &str)] = &[
    ("{{{ ${FOO:-foo_} }}}", "{{{ bar }}}"),
    ("{{{ ${FOO:-foo-bar-value} }}}", "{{{ bar }}}"),
    (
        "{{{ ${FOO:-foo} ${BAR:-DEFAULT_VALUE} }}}",
        "{{{ bar DEFAULT_VALUE }}}",
    ),
    ("{{{ ${BAR} }}}", "{{{  }}}"),
    ("${FOO:-baz} }}}", "bar }}}"),
    ("${FOO-baz} }}}", "bar }}}"),
    ("{{{ ${FOO:-foo} ${USER:-bar} }}}", "{{{ bar jenny }}}"),
    ("{{{ ${USER} }}}", "{{{ jenny }}}"),
];

#[test]
fn upstream_set_variable_table() {
    for (template, value) in SET_CASES {
        let (result, _) = run(
            json!({"myservice": {"environment": {"TESTVAR": template}}}),
            &env_from(UPSTREAM_ENV),
        );
        assert_eq!(
            result.unwrap(),
            json!({"myservice": {"environment": {"TESTVAR": value}}}),
            "{template}"
        );
    }
}

#[test]
fn unset_variables_warn() {
    let (result, warnings) = run(
        json!({"services": {"web": {"image": "$UNSET1 ${UNSET2}"}}}),
        &|_: &str| None,
    );
    assert_eq!(
        result.unwrap(),
        json!({"services": {"web": {"image": " "}}})
    );
    assert_eq!(
        warnings,
        vec![
            "The \"UNSET1\" variable is not set. Defaulting to a blank string.",
            "The \"UNSET2\" variable is not set. Defaulting to a blank string.",
        ]
    );
}

#[test]
fn required_variable_error_as_compose_prints_it() {
    let (result, warnings) = run(
        json!({"services": {"web": {"image": "${FOO:?oops $BAR}"}}}),
        &|_: &str| None,
    );
    let err = result.unwrap_err();
    assert_eq!(err.message, "error while interpolating services.web.image: required variable FOO is missing a value: oops ");
    assert_eq!(err.path.as_deref(), Some("services.web.image"));
    assert_eq!(
        warnings,
        vec!["The \"BAR\" variable is not set. Defaulting to a blank string."]
    );
}

#[test]
fn invalid_format_in_a_sequence_uses_compose_path_and_real_index() {
    let input = json!({"services": {"web": {"image": "x", "ports": ["80", {"target": "${X"}]}}});
    let err = run(input, &|_: &str| None).0.unwrap_err();
    assert_eq!(
        err.message,
        "invalid interpolation format for services.web.ports.[].target.\nYou may need to escape any $ with another $.\n${X"
    );
    assert_eq!(err.path.as_deref(), Some("services.web.ports[1].target"));
}

const CAST_ENV: &[(&str, &str)] = &[
    ("R", "4"),
    ("T", "8080"),
    ("B", "TRUE"),
    ("C", "1.5"),
    ("EMPTY", ""),
];

/// A full service whose string values are cast (checked against the oracle).
#[test]
fn casts_strings_at_compose_paths() {
    let input = json!({
        "services": {"web": {
            "image": "img:${TAG:-latest}",
            "init": "${INIT:-true}",
            "privileged": "no",
            "read_only": "False",
            "stdin_open": "ON",
            "tty": "n",
            "oom_kill_disable": "true",
            "oom_score_adj": "${ADJ:--500}",
            "cpu_shares": "512",
            "cpu_count": "2",
            "cpu_period": "100000",
            "cpu_quota": "50000",
            "cpu_rt_period": "1000",
            "cpu_rt_runtime": "-1",
            "cpus": "${CPUS:-0.123456789}",
            "cpu_percent": "50",
            "pids_limit": "100",
            "scale": "${R}",
            "depends_on": {"db": {"condition": "service_started", "required": "false", "restart": "yes"}},
            "healthcheck": {"test": ["CMD", "true"], "retries": "${RETRIES:-3}", "disable": "false", "interval": "10s"},
            "ulimits": {"nproc": "65535", "nofile": {"soft": "20000", "hard": "${HARD:-40000}"}},
            "ports": [{"target": "${PORT:-80}", "published": "${T}"}, "${T}:80"],
            "volumes": [{"type": "volume", "source": "data", "target": "/data", "read_only": "true",
                         "volume": {"nocopy": "true"}}, "data:/x:ro"],
            "deploy": {
                "replicas": "3",
                "update_config": {"parallelism": "2", "max_failure_ratio": "0.5"},
                "rollback_config": {"parallelism": "1", "max_failure_ratio": "0.25"},
                "restart_policy": {"max_attempts": "5", "delay": "5s"},
                "placement": {"max_replicas_per_node": "4"}
            },
            "environment": {"COUNT": "5", "FLAG": "true"},
            "command": ["true", "5"]
        }},
        "networks": {"front": {"external": "true"}, "back": {"internal": "${B}", "attachable": "yes",
                     "enable_ipv6": "false", "enable_ipv4": "true"}},
        "volumes": {"data": {"external": "false"}},
        "secrets": {"s": {"external": "true"}},
        "configs": {"c": {"external": "true"}}
    });
    let expected = json!({
        "services": {"web": {
            "image": "img:latest",
            "init": true,
            "privileged": false,
            "read_only": false,
            "stdin_open": true,
            "tty": false,
            "oom_kill_disable": true,
            "oom_score_adj": -500,
            "cpu_shares": 512,
            "cpu_count": 2,
            "cpu_period": 100000,
            "cpu_quota": 50000,
            "cpu_rt_period": 1000,
            "cpu_rt_runtime": -1,
            "cpus": 0.12345679,
            "cpu_percent": 50.0,
            "pids_limit": 100,
            "scale": 4,
            "depends_on": {"db": {"condition": "service_started", "required": false, "restart": true}},
            "healthcheck": {"test": ["CMD", "true"], "retries": 3, "disable": false, "interval": "10s"},
            "ulimits": {"nproc": 65535, "nofile": {"soft": 20000, "hard": 40000}},
            "ports": [{"target": 80, "published": "8080"}, "8080:80"],
            "volumes": [{"type": "volume", "source": "data", "target": "/data", "read_only": true,
                         "volume": {"nocopy": true}}, "data:/x:ro"],
            "deploy": {
                "replicas": 3,
                "update_config": {"parallelism": 2, "max_failure_ratio": 0.5},
                "rollback_config": {"parallelism": 1, "max_failure_ratio": 0.25},
                "restart_policy": {"max_attempts": 5, "delay": "5s"},
                "placement": {"max_replicas_per_node": 4}
            },
            "environment": {"COUNT": "5", "FLAG": "true"},
            "command": ["true", "5"]
        }},
        "networks": {"front": {"external": true}, "back": {"internal": true, "attachable": true,
                     "enable_ipv6": false, "enable_ipv4": true}},
        "volumes": {"data": {"external": false}},
        "secrets": {"s": {"external": true}},
        "configs": {"c": {"external": true}}
    });
    let (result, warnings) = run(input, &env_from(CAST_ENV));
    assert_eq!(result.unwrap(), expected);
    assert_eq!(
        warnings,
        vec![
            "\"no\" for boolean is not supported by YAML 1.2, please use `false`",
            "\"ON\" for boolean is not supported by YAML 1.2, please use `true`",
            "\"n\" for boolean is not supported by YAML 1.2, please use `false`",
            "\"yes\" for boolean is not supported by YAML 1.2, please use `true`",
            "\"yes\" for boolean is not supported by YAML 1.2, please use `true`",
        ]
    );
}

#[test]
fn cast_values_have_the_right_node_types() {
    let mut node = Node::from_json(
        &json!({"services": {"w": {"scale": "2", "cpus": "1.5", "init": "y"}}}),
        SPAN,
    );
    interpolate_tree(&mut node, &|_: &str| None, &mut Vec::new()).unwrap();
    let service = node
        .as_map()
        .and_then(|m| m.get("services"))
        .and_then(|n| n.as_map())
        .and_then(|m| m.get("w"));
    let service = service.and_then(|n| n.as_map()).unwrap();
    assert_eq!(service.get("scale").map(|n| &n.value), Some(&Value::Int(2)));
    assert_eq!(
        service.get("cpus").map(|n| &n.value),
        Some(&Value::Float(1.5))
    );
    assert_eq!(
        service.get("init").map(|n| &n.value),
        Some(&Value::Bool(true))
    );
    assert_eq!(service.get("init").map(|n| n.span), Some(SPAN));
}

/// (service attribute, value) -> message after `error while interpolating services.web.<attr>: `.
const CAST_ERRORS: &[(&str, &str, &str)] = &[
    ("init", "maybe", "failed to cast to expected type: invalid boolean: maybe"),
    ("init", "", "failed to cast to expected type: invalid boolean: "),
    ("tty", "1", "failed to cast to expected type: invalid boolean: 1"),
    ("scale", "abc", "failed to cast to expected type: strconv.Atoi: parsing \"abc\": invalid syntax"),
    ("scale", "99999999999999999999", "failed to cast to expected type: strconv.Atoi: parsing \"99999999999999999999\": value out of range"),
    ("scale", " 3", "failed to cast to expected type: strconv.Atoi: parsing \" 3\": invalid syntax"),
    ("scale", "1.0", "failed to cast to expected type: strconv.Atoi: parsing \"1.0\": invalid syntax"),
    ("scale", "${EMPTY}", "failed to cast to expected type: strconv.Atoi: parsing \"\": invalid syntax"),
    ("cpu_count", "x", "failed to cast to expected type: strconv.ParseInt: parsing \"x\": invalid syntax"),
    ("pids_limit", "1e3", "failed to cast to expected type: strconv.ParseInt: parsing \"1e3\": invalid syntax"),
    ("cpus", "abc", "failed to cast to expected type: strconv.ParseFloat: parsing \"abc\": invalid syntax"),
    ("cpus", "1e400", "failed to cast to expected type: strconv.ParseFloat: parsing \"1e400\": value out of range"),
    ("cpu_percent", "1,5", "failed to cast to expected type: strconv.ParseFloat: parsing \"1,5\": invalid syntax"),
    ("scale", "1_000", "failed to cast to expected type: strconv.Atoi: parsing \"1_000\": invalid syntax"),
    ("scale", "0x10", "failed to cast to expected type: strconv.Atoi: parsing \"0x10\": invalid syntax"),
    ("pids_limit", "\u{661}", "failed to cast to expected type: strconv.ParseInt: parsing \"\u{661}\": invalid syntax"),
    ("cpus", "0x10", "failed to cast to expected type: strconv.ParseFloat: parsing \"0x10\": invalid syntax"),
    ("cpus", "+nan", "failed to cast to expected type: strconv.ParseFloat: parsing \"+nan\": invalid syntax"),
    ("cpus", ".e1", "failed to cast to expected type: strconv.ParseFloat: parsing \".e1\": invalid syntax"),
    ("cpus", "1e", "failed to cast to expected type: strconv.ParseFloat: parsing \"1e\": invalid syntax"),
    ("cpus", "+-1", "failed to cast to expected type: strconv.ParseFloat: parsing \"+-1\": invalid syntax"),
    ("cpus", "1 ", "failed to cast to expected type: strconv.ParseFloat: parsing \"1 \": invalid syntax"),
    ("cpus", "3.5e38", "failed to cast to expected type: strconv.ParseFloat: parsing \"3.5e38\": value out of range"),
    ("init", "true ", "failed to cast to expected type: invalid boolean: true "),
];

#[test]
fn cast_errors_as_compose_prints_them() {
    for (attr, value, expected) in CAST_ERRORS {
        let input = json!({"services": {"web": {"image": "x", *attr: value}}});
        let err = run(input, &env_from(CAST_ENV)).0.unwrap_err();
        assert_eq!(
            err.message,
            format!("error while interpolating services.web.{attr}: {expected}"),
            "{attr}: {value}"
        );
        assert_eq!(err.path, Some(format!("services.web.{attr}")));
        assert_eq!(err.span, Some(SPAN));
    }
}

/// (attribute, value) -> cast result, for the number syntaxes Go accepts.
#[test]
fn number_syntaxes() {
    let cases: Vec<(&str, &str, Json)> = vec![
        ("scale", "+3", json!(3)),
        ("scale", "-0", json!(0)),
        ("scale", "007", json!(7)),
        ("pids_limit", "-1", json!(-1)),
        (
            "cpu_period",
            "9223372036854775807",
            json!(9223372036854775807i64),
        ),
        ("cpus", "0.1", json!(0.1)),
        ("cpus", "2", json!(2.0)),
        ("cpus", ".5", json!(0.5)),
        ("cpus", "1_000", json!(1000.0)),
        ("cpus", "0x1p-2", json!(0.25)),
        ("cpus", "0X1P2", json!(4.0)),
        ("cpus", "1.", json!(1.0)),
        ("cpus", "1e-400", json!(0.0)),
        ("cpus", "3.4028235e38", json!(3.4028235e38)),
        ("cpus", "1e5", json!(100000.0)),
        ("scale", "+0", json!(0)),
        ("cpu_percent", "1e2", json!(100.0)),
    ];
    for (attr, value, expected) in cases {
        let input = json!({"services": {"web": {attr: value}}});
        let got = run(input, &|_: &str| None).0.unwrap();
        assert_eq!(got["services"]["web"][attr], expected, "{attr}: {value}");
    }
}

#[test]
fn casts_do_not_apply_elsewhere() {
    // Same key names outside the cast paths stay strings.
    let input = json!({
        "services": {"web": {"labels": {"init": "true"}, "build": {"args": {"scale": "2"}},
                     "ports": ["8080:80"], "deploy": {"resources": {"limits": {"cpus": "0.5"}}}}},
        "x-ext": {"init": "true"},
        "networks": {"n": {"labels": {"external": "true"}}}
    });
    let expected = input.clone();
    assert_eq!(run(input, &|_: &str| None).0.unwrap(), expected);
}

#[test]
fn errors_stop_at_the_first_value_in_document_order() {
    let input = json!({"services": {"a": {"image": "${A?first}"}, "b": {"image": "${B?second}"}}});
    let err = run(input, &|_: &str| None).0.unwrap_err();
    assert_eq!(
        err.message,
        "error while interpolating services.a.image: required variable A is missing a value: first"
    );
}

#[test]
fn plain_api_sends_warnings_to_the_loader_sink() {
    let _ = hoist_loader::take_warnings();
    let mut node = Node::from_json(
        &json!({"services": {"w": {"image": "$NOPE $NOPE", "init": "yes"}}}),
        SPAN,
    );
    hoist_loader::interpolate::interpolate_tree(&mut node, &|_: &str| None).unwrap();
    assert_eq!(
        hoist_loader::take_warnings(),
        vec![
            "The \"NOPE\" variable is not set. Defaulting to a blank string.",
            "\"yes\" for boolean is not supported by YAML 1.2, please use `true`",
        ]
    );
    assert_eq!(
        hoist_loader::interpolate::substitute("a${B}", &|_: &str| None).unwrap(),
        "a"
    );
    let vars = hoist_loader::dotenv::parse("X=$C\n", FileId(0), &|_: &str| None).unwrap();
    assert_eq!(vars.get("X").map(String::as_str), Some(""));
    assert_eq!(
        hoist_loader::take_warnings(),
        vec![
            "The \"B\" variable is not set. Defaulting to a blank string.",
            "The \"C\" variable is not set. Defaulting to a blank string.",
        ]
    );
}

/// More shapes checked against the oracle.
#[test]
fn oracle_shapes() {
    let none = |_: &str| None;
    let err = run(
        json!({"services": {"web": {"ulimits": {"nofile": "unlimited"}}}}),
        &none,
    )
    .0
    .unwrap_err();
    assert_eq!(
        err.message,
        "error while interpolating services.web.ulimits.nofile: failed to cast to expected type: strconv.Atoi: parsing \"unlimited\": invalid syntax"
    );
    let (result, warnings) = run(
        json!({"services": {"web": {"deploy": {"replicas": "${R}"}}}}),
        &none,
    );
    assert_eq!(
        result.unwrap_err().message,
        "error while interpolating services.web.deploy.replicas: failed to cast to expected type: strconv.Atoi: parsing \"\": invalid syntax"
    );
    assert_eq!(
        warnings,
        vec!["The \"R\" variable is not set. Defaulting to a blank string."]
    );
    let input = json!({"services": {"web": {"x-foo": {"init": "maybe"}}}});
    assert_eq!(run(input.clone(), &none).0.unwrap(), input);
    let err = run(
        json!({"services": {"web": {"labels": ["A=${X:?need}"]}}}),
        &none,
    )
    .0
    .unwrap_err();
    assert_eq!(err.message, "error while interpolating services.web.labels.[]: required variable X is missing a value: need");
    assert_eq!(err.path.as_deref(), Some("services.web.labels[0]"));
}
