//! [`resolve_environment`]: compose-go's `loader.ResolveEnvironment`, run once on the merged
//! model after path resolution.
//!
//! A service `environment` entry written without a value (`- KEY`, or `KEY:` with nothing,
//! which [`super::canonicalize`] turns into `KEY: null`) takes its value from the project
//! environment when the variable is set there; otherwise it stays `null`. A top-level secret
//! or config with `environment: VAR` gets the variable's value under the hidden `x-#value`
//! key, which the typed model turns into the secret's content.

use indexmap::IndexMap;

use super::str_node;
use crate::node::{Node, Value};

/// The hidden key under which a secret's or config's value taken from the environment is kept.
pub const ENVIRONMENT_VALUE_KEY: &str = "x-#value";

/// Fills valueless service `environment` entries, and `environment`-sourced secrets and
/// configs, from the project environment `env`.
pub fn resolve_environment(root: &mut Node, env: &IndexMap<String, String>) {
    let Some(top) = root.as_map_mut() else { return };
    if let Some(services) = top.get_mut("services").and_then(Node::as_map_mut) {
        for service in &mut services.entries {
            if let Some(environment) = service
                .value
                .as_map_mut()
                .and_then(|s| s.get_mut("environment"))
            {
                resolve_bare_entries(environment, env);
            }
        }
    }
    for kind in ["secrets", "configs"] {
        let Some(resources) = top.get_mut(kind).and_then(Node::as_map_mut) else {
            continue;
        };
        for resource in &mut resources.entries {
            let Some(res) = resource.value.as_map_mut() else {
                continue;
            };
            let Some(var) = res.get("environment").and_then(Node::as_str) else {
                continue;
            };
            if let Some(value) = env.get(var) {
                let span = res
                    .get("environment")
                    .map(|n| n.span)
                    .unwrap_or(resource.key_span);
                res.insert(ENVIRONMENT_VALUE_KEY, span, str_node(value.clone(), span));
            }
        }
    }
}

/// `KEY: null` (map form) and `KEY` (list form) entries take the value of `KEY` in `env`.
fn resolve_bare_entries(environment: &mut Node, env: &IndexMap<String, String>) {
    match &mut environment.value {
        Value::Map(map) => {
            for entry in &mut map.entries {
                if entry.value.is_null() {
                    if let Some(value) = env.get(&entry.key) {
                        entry.value = str_node(value.clone(), entry.value.span);
                    }
                }
            }
        }
        Value::Seq(items) => {
            for item in items.iter_mut() {
                if let Value::String(s) = &mut item.value {
                    if let Some(value) = env.get(s.as_str()) {
                        *s = format!("{s}={value}");
                    }
                }
            }
        }
        _ => {}
    }
}
