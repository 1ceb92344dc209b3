//! Differential corpus: ~700 generated templates and what Docker Compose v5.6.1 made of them.
//!
//! `fixtures/dotenv/oracle_templates.json` was produced by putting each template in
//! `services.web.labels.v` and running the oracle's `config --format json` with FOO=first,
//! BAR="" and JSON={"json":2} (and `$$` in its output turned back into `$`). Each entry has
//! the value and the warnings printed, or the full error text.

use hoist_loader::interpolate::interpolate_tree_with_warnings as interpolate_tree;
use hoist_loader::{Node, Span};
use serde_json::{json, Value as Json};
use std::path::Path;

fn env(name: &str) -> Option<String> {
    match name {
        "FOO" => Some("first".to_string()),
        "BAR" => Some(String::new()),
        "JSON" => Some(r#"{"json":2}"#.to_string()),
        _ => None,
    }
}

#[test]
fn matches_the_oracle_on_generated_templates() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dotenv/oracle_templates.json");
    let corpus: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(corpus.len() > 500);
    let mut failures = Vec::new();
    for case in &corpus {
        let template = case["template"].as_str().unwrap();
        let input = json!({"services": {"web": {"image": "x", "labels": {"v": template}}}});
        let mut node = Node::from_json(&input, Span::SYNTHETIC);
        let mut warnings = Vec::new();
        let result = interpolate_tree(&mut node, &env, &mut warnings);
        match (&result, case.get("error")) {
            (Ok(()), None) => {
                let value = node.to_json()["services"]["web"]["labels"]["v"].clone();
                let expected_warnings: Vec<&str> = case["warnings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Json::as_str)
                    .collect();
                if value != case["value"] || warnings != expected_warnings {
                    failures.push(format!(
                        "{template:?}: got {value} {warnings:?}, oracle {case}"
                    ));
                }
            }
            (Err(err), Some(expected)) => {
                let expected = expected.as_str().unwrap().trim_end_matches('\n');
                if err.message.trim_end_matches('\n') != expected {
                    failures.push(format!(
                        "{template:?}: got error {:?}, oracle {expected:?}",
                        err.message
                    ));
                }
            }
            _ => failures.push(format!("{template:?}: got {result:?}, oracle {case}")),
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

/// `fixtures/dotenv/oracle_variables.json`: the same templates through the oracle's
/// `config --variables --format json` (name, default, alternate value, required; by name).
#[test]
fn variables_match_the_oracle_on_generated_templates() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dotenv/oracle_variables.json");
    let corpus: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(corpus.len() > 500);
    let mut failures = Vec::new();
    for case in &corpus {
        let template = case["template"].as_str().unwrap();
        let input = json!({"services": {"web": {"image": "x", "labels": {"v": template}}}});
        let found = hoist_loader::interpolate::variables(&Node::from_json(&input, Span::SYNTHETIC));
        let got: Vec<Json> = found
            .iter()
            .map(|v| json!([v.name, v.default_value, v.presence_value, v.required]))
            .collect();
        if Json::Array(got.clone()) != case["variables"] {
            failures.push(format!(
                "{template:?}: got {got:?}, oracle {}",
                case["variables"]
            ));
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
