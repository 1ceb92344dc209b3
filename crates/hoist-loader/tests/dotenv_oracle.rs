//! Differential corpus: ~550 generated env files and what Docker Compose v5.6.1 made of them.
//!
//! `fixtures/dotenv/oracle_env_files.json` was produced by using each text as a service
//! `env_file` and running the oracle's `config --format json` with OSV=fromos, FOO=first,
//! BAR="" and JSON={"json":2} in the environment (`$$` in its output turned back into `$`).
//! Each entry has the resulting variables, or the error text without the
//! `failed to read <file>: ` prefix.

use hoist_loader::dotenv::parse_with_warnings as parse;
use hoist_loader::FileId;
use serde_json::Value as Json;
use std::path::Path;

fn env(name: &str) -> Option<String> {
    match name {
        "OSV" => Some("fromos".to_string()),
        "FOO" => Some("first".to_string()),
        "BAR" => Some(String::new()),
        "JSON" => Some(r#"{"json":2}"#.to_string()),
        _ => None,
    }
}

#[test]
fn matches_the_oracle_on_generated_env_files() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dotenv/oracle_env_files.json");
    let corpus: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(corpus.len() > 500);
    let mut failures = Vec::new();
    for case in &corpus {
        let text = case["text"].as_str().unwrap();
        let result = parse(text, FileId(0), &env, &mut Vec::new());
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
                let expected = expected.as_str().unwrap().trim_end_matches('\n');
                if err.message.trim_end_matches('\n') != expected {
                    failures.push(format!(
                        "{text:?}: got error {:?}, oracle {expected:?}",
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
