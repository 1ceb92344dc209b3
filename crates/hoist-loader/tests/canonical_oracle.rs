//! Conformance of the canonicalisation stage with Docker Compose v5.6.1.
//!
//! `fixtures/canonical/oracle.json` holds, for each case, a small compose model and what the
//! real `docker compose config --format json` printed for it (or its error message); it is
//! produced by `fixtures/canonical/gen.py`. Each case runs the model through the whole
//! canonical stage (canonicalize, omit_empty, set_defaults, resolve_paths,
//! resolve_environment, and normalize unless the case ran the oracle with `--no-normalize`,
//! then the binding-time shapes of `prepare_for_binding`) and compares the attributes the case names. Cases run with `--no-interpolate` keep
//! unparsable short syntax, as compose-go does when interpolation is skipped.
//!
//! The oracle prints the *typed* model; a few differences are rendering choices of the typed
//! layer and are normalised on both sides before comparing: `count: all` is printed `-1`,
//! `create_host_path: true`, `restart: false` and env_file `required: true` are omitted,
//! empty `ipam` / `placement` / `resources` / watch `exec` are printed, `extra_hosts` are sorted, and a
//! secret's value taken from the environment (`x-#value`) is not printed.

use std::path::{Path, PathBuf};

use hoist_loader::canonical::{
    canonicalize, canonicalize_with, normalize, omit_empty, prepare_for_binding,
    resolve_environment, set_defaults, CanonicalOptions, PathResolver,
};
use hoist_loader::{Node, Span};
use indexmap::IndexMap;
use serde_json::{json, Value as J};

fn run_stage(model: &J, env: &IndexMap<String, String>, flags: &[J]) -> Result<J, String> {
    let mut root = Node::from_json(model, Span::SYNTHETIC);
    let fail = |e: hoist_loader::LoadError| e.message;
    let ignore_parse_errors = flags.contains(&json!("--no-interpolate"));
    canonicalize_with(
        &mut root,
        CanonicalOptions {
            ignore_parse_errors,
        },
    )
    .map_err(fail)?;
    omit_empty(&mut root);
    set_defaults(&mut root).map_err(fail)?;
    let never_remote = |_: &str| false;
    let resolver = PathResolver {
        working_dir: Path::new("/tmp/hoist-canon"),
        home: Some(PathBuf::from("/home/tester")),
        is_remote: &never_remote,
    };
    resolver.resolve(&mut root).map_err(fail)?;
    resolve_environment(&mut root, env);
    if !flags.contains(&json!("--no-normalize")) {
        normalize(&mut root, "canon", env).map_err(fail)?;
    }
    prepare_for_binding(&mut root).map_err(fail)?;
    Ok(root.to_json())
}

/// Rewrites typed-layer rendering choices into one form (see the module comment).
fn tidy(v: &mut J, key: Option<&str>) {
    match v {
        J::Object(map) => {
            for drop in ["ipam", "placement", "resources"] {
                if map.get(drop).is_some_and(|x| x == &json!({})) {
                    map.remove(drop);
                }
            }
            if map
                .get("exec")
                .is_some_and(|x| x == &json!({"command": null}))
            {
                map.remove("exec");
            }
            map.remove("x-#value");
            if map.get("create_host_path") == Some(&J::Bool(true)) {
                map.remove("create_host_path");
            }
            if map.get("restart") == Some(&J::Bool(false)) {
                map.remove("restart");
            }
            if map.contains_key("path") && map.get("required") == Some(&J::Bool(true)) {
                map.remove("required");
            }
            if map.get("count") == Some(&json!("all")) {
                map.insert("count".into(), json!(-1));
            }
            for (k, x) in map.iter_mut() {
                tidy(x, Some(k));
            }
        }
        J::Array(items) => {
            if key == Some("extra_hosts") {
                items.sort_by_key(|x| x.as_str().unwrap_or_default().to_string());
            }
            items.iter_mut().for_each(|x| tidy(x, None));
        }
        _ => {}
    }
}

#[test]
fn canonical_stage_matches_docker_compose() {
    let cases: Vec<J> =
        serde_json::from_str(include_str!("fixtures/canonical/oracle.json")).expect("fixture");
    assert!(cases.len() >= 120, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let env: IndexMap<String, String> = case["env"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let flags = case["flags"].as_array().cloned().unwrap_or_default();
        let got = run_stage(&case["model"], &env, &flags);
        if let Some(expected_error) = case.get("error").and_then(J::as_str) {
            match got {
                Err(message) if expected_error.contains(message.trim()) => {}
                Err(message) => failures.push(format!(
                    "{name}: error {message:?}, oracle said {expected_error:?}"
                )),
                Ok(out) => failures.push(format!(
                    "{name}: no error, oracle said {expected_error:?}; got {out}"
                )),
            }
            continue;
        }
        let out = match got {
            Ok(out) => out,
            Err(message) => {
                failures.push(format!("{name}: unexpected error {message}"));
                continue;
            }
        };
        let service = &out["services"]["s"];
        let mut compare = |expected: &J, actual: &J, key: &str| {
            let mut e = expected.clone();
            let mut a = actual.clone();
            tidy(&mut e, Some(key));
            tidy(&mut a, Some(key));
            if e != a {
                failures.push(format!("{name}: `{key}`\n   want {e}\n    got {a}"));
            }
        };
        if let Some(expected) = case["expected"].as_object() {
            for (key, want) in expected {
                compare(want, service.get(key).unwrap_or(&J::Null), key);
            }
        }
        if let Some(expected) = case["expected_top"].as_object() {
            for (key, want) in expected {
                compare(want, out.get(key).unwrap_or(&J::Null), key);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// compose-go canonicalises the accumulated model again after every file, so canonicalising
/// an already canonical tree must change nothing.
#[test]
fn canonicalize_is_idempotent() {
    let cases: Vec<J> =
        serde_json::from_str(include_str!("fixtures/canonical/oracle.json")).expect("fixture");
    for case in &cases {
        let mut root = Node::from_json(&case["model"], Span::SYNTHETIC);
        if canonicalize(&mut root).is_err() {
            continue;
        }
        let once = root.to_json();
        canonicalize(&mut root).expect("second pass");
        assert_eq!(root.to_json(), once, "{}", case["name"]);
    }
}
