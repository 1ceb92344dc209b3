//! Variable extraction for `config --variables`, ported from compose-go's
//! `template/variables_test.go` (`TestExtractVariables`).

use hoist_loader::interpolate::{variables, variables_in, VariableUse};
use hoist_loader::{Node, Span};
use serde_json::{json, Value as Json};

fn var(name: &str, default_value: &str, presence_value: &str, required: bool) -> VariableUse {
    VariableUse {
        name: name.to_string(),
        default_value: default_value.to_string(),
        presence_value: presence_value.to_string(),
        required,
    }
}

fn extract(input: Json) -> Vec<VariableUse> {
    variables(&Node::from_json(&input, Span::SYNTHETIC))
}

#[test]
fn upstream_extraction_table() {
    let cases: Vec<(&str, Json, Vec<VariableUse>)> = vec![
        ("empty", json!({}), vec![]),
        ("no-variables", json!({"foo": "bar"}), vec![]),
        (
            "variable-without-curly-braces",
            json!({"foo": "$bar"}),
            vec![var("bar", "", "", false)],
        ),
        (
            "variable-with-number-suffix",
            json!({"foo": "$bar_1"}),
            vec![var("bar_1", "", "", false)],
        ),
        (
            "variable",
            json!({"foo": "${bar}"}),
            vec![var("bar", "", "", false)],
        ),
        (
            "required-variable",
            json!({"foo": "${bar?:foo}"}),
            vec![var("bar", "", "", true)],
        ),
        (
            "required-variable-with-number-suffix",
            json!({"foo": "${bar_1?:foo}"}),
            vec![var("bar_1", "", "", true)],
        ),
        (
            "required-variable2",
            json!({"foo": "${bar?foo}"}),
            vec![var("bar", "", "", true)],
        ),
        (
            "default-variable",
            json!({"foo": "${bar:-foo}"}),
            vec![var("bar", "foo", "", false)],
        ),
        (
            "default-variable2",
            json!({"foo": "${bar-foo}"}),
            vec![var("bar", "foo", "", false)],
        ),
        (
            "default-variable-with-number-suffix",
            json!({"foo": "${bar_1:-foo}"}),
            vec![var("bar_1", "foo", "", false)],
        ),
        (
            "default-variable2-with-number-suffix",
            json!({"foo": "${bar_1-foo}"}),
            vec![var("bar_1", "foo", "", false)],
        ),
        (
            "multiple-values",
            json!({
                "foo": "${bar:-foo}",
                "bar": {"foo": "${fruit:-banana}", "bar": "vegetable"},
                "baz": ["foo", "$docker:${project:-cli}", "$toto"]
            }),
            vec![
                var("bar", "foo", "", false),
                var("docker", "", "", false),
                var("fruit", "banana", "", false),
                var("project", "cli", "", false),
                var("toto", "", "", false),
            ],
        ),
        (
            "presence-value-nonEmpty",
            json!({"foo": "${bar:+foo}"}),
            vec![var("bar", "", "foo", false)],
        ),
        (
            "presence-value",
            json!({"foo": "${bar+foo}"}),
            vec![var("bar", "", "foo", false)],
        ),
        (
            "concat",
            json!({"domainname": "${SUBDOMAIN:-redis}.${ROOTDOMAIN:?}"}),
            vec![
                var("ROOTDOMAIN", "", "", true),
                var("SUBDOMAIN", "redis", "", false),
            ],
        ),
        (
            "nested",
            json!({"domainname": "${SUBDOMAIN:-$ROOTDOMAIN}"}),
            vec![
                var("ROOTDOMAIN", "", "", false),
                var("SUBDOMAIN", "$ROOTDOMAIN", "", false),
            ],
        ),
        (
            "nested-array-of-maps",
            json!({"volumes": [{"source": "${SOURCE_LOCATION}", "target": "/location", "type": "volume", "volume": {}}]}),
            vec![var("SOURCE_LOCATION", "", "", false)],
        ),
        // Beyond upstream's table: escapes, keys and non-strings are ignored.
        (
            "escaped",
            json!({"a": "$$NOT ${REAL}"}),
            vec![var("REAL", "", "", false)],
        ),
        (
            "keys-are-not-templates",
            json!({"$KEY": 5, "n": 3, "b": true}),
            vec![],
        ),
        (
            "nested-presence",
            json!({"a": "${A:+x${B:-y}}"}),
            vec![var("A", "", "x${B:-y}", false), var("B", "y", "", false)],
        ),
    ];
    for (name, input, expected) in cases {
        assert_eq!(extract(input), expected, "{name}");
    }
}

#[test]
fn per_string_order_lists_trailing_text_first() {
    // Upstream scans the text after the closing brace before it records the variable itself.
    let found = variables_in("${A:-a}${B}}");
    let names: Vec<&str> = found.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["B", "A"]);
}

/// Several uses of one name are merged (checked against the oracle).
#[test]
fn uses_of_a_name_are_merged() {
    let cases: Vec<(Json, VariableUse)> = vec![
        (json!({"v": "${A:-${A}}"}), var("A", "${A}", "", false)),
        (json!({"v": "${A:-x$A}"}), var("A", "x$A", "", false)),
        (json!({"v": "$A ${A:-d}"}), var("A", "d", "", false)),
        (json!({"v": "${A:-d} $A"}), var("A", "d", "", false)),
        (json!({"v": "${A:-x} ${A:-y}"}), var("A", "y", "", false)),
        (json!({"v": "${A:?} ${A:+p}"}), var("A", "", "p", true)),
        (json!({"v": "${A:+p} ${A:?}"}), var("A", "", "p", true)),
        (json!({"v": "${A:+p} $A"}), var("A", "", "p", false)),
        (json!({"v": "${A:?} $A"}), var("A", "", "", true)),
        (json!({"v": "${A:-d}", "w": "$A"}), var("A", "d", "", false)),
        (
            json!({"image": "$A", "w": "${A:-d}"}),
            var("A", "d", "", false),
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(extract(input.clone()), vec![expected], "{input}");
    }
}
