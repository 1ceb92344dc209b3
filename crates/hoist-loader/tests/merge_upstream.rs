//! The cases of compose-go's `override` package tests (merge, then de-duplicate), read from
//! `fixtures/merge/override_cases.json` (extracted with `extract_upstream.py`; a few
//! expectations corrected to what Docker Compose v5.6.1 does, see `ORACLE` below).

mod merge_common;

use hoist_loader::merge::{enforce_unicity, merge};
use merge_common::tree;
use serde_json::{json, Value as J};

const CASES: &str = include_str!("fixtures/merge/override_cases.json");

/// Expectations where the newer compose-go inside Docker Compose v5.6.1 differs from the
/// older upstream test: (case name, JSON pointer, value the oracle gives).
fn oracle_corrections() -> Vec<(&'static str, &'static str, J)> {
    vec![(
        // Ulimit mappings are merged, not replaced (checked with docker compose config).
        "Test_mergeYamlUlimits",
        "/services/test/ulimits/locks",
        json!({"soft": 20000, "hard": 65535}),
    )]
}

fn cases(kind: &str) -> Vec<J> {
    let all: J = serde_json::from_str(CASES).expect("fixture is valid JSON");
    all[kind].as_array().cloned().unwrap_or_default()
}

#[test]
fn upstream_merge_cases() {
    let corrections = oracle_corrections();
    let mut failures = Vec::new();
    let list = cases("merge");
    assert!(list.len() >= 60, "fixture has {} cases", list.len());
    for case in &list {
        let name = case["name"].as_str().unwrap_or("?");
        let mut want = case["want"].clone();
        for (n, pointer, value) in &corrections {
            if *n == name {
                if let Some(slot) = want.pointer_mut(pointer) {
                    *slot = value.clone();
                }
            }
        }
        let got = merge(tree(&case["base"]), tree(&case["over"])).and_then(|mut m| {
            enforce_unicity(&mut m)?;
            Ok(m)
        });
        match got {
            Ok(node) if node.to_json() == want => {}
            Ok(node) => failures.push(format!(
                "{name}:\n  got  {}\n  want {}",
                node.to_json(),
                want
            )),
            Err(e) => failures.push(format!("{name}: error {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        list.len(),
        failures.join("\n")
    );
}

#[test]
fn upstream_unicity_cases() {
    let mut failures = Vec::new();
    for case in cases("unicity") {
        let name = case["name"].as_str().unwrap_or("?").to_string();
        let mut node = tree(&case["input"]);
        match enforce_unicity(&mut node) {
            Ok(()) if node.to_json() == case["want"] => {}
            Ok(()) => failures.push(format!(
                "{name}:\n  got  {}\n  want {}",
                node.to_json(),
                case["want"]
            )),
            Err(e) => failures.push(format!("{name}: error {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
