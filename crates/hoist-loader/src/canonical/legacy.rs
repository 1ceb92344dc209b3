//! [`rename_legacy_keys`]: the spelling fixes compose applies to a merged model before schema
//! validation, so validation and binding only ever see the standard keys.
//!
//! Today this is `develop.watch[].x-initialSync`, the experimental name of `initial_sync`: it
//! becomes `initial_sync` unless the entry already sets `initial_sync`, in which case it is
//! dropped.

use crate::node::{Node, Value};

/// The experimental extension key that stands for `initial_sync` in a watch rule.
const LEGACY_INITIAL_SYNC: &str = "x-initialSync";

/// Renames legacy keys of every service in the merged model `root` (see the module docs).
pub fn rename_legacy_keys(root: &mut Node) {
    let Some(services) = root
        .as_map_mut()
        .and_then(|m| m.get_mut("services"))
        .and_then(Node::as_map_mut)
    else {
        return;
    };
    for service in &mut services.entries {
        let Some(watch) = service
            .value
            .as_map_mut()
            .and_then(|s| s.get_mut("develop"))
            .and_then(Node::as_map_mut)
            .and_then(|d| d.get_mut("watch"))
        else {
            continue;
        };
        let Value::Seq(rules) = &mut watch.value else {
            continue;
        };
        for rule in rules.iter_mut() {
            let Some(rule) = rule.as_map_mut() else {
                continue;
            };
            let Some(index) = rule
                .entries
                .iter()
                .position(|e| e.key == LEGACY_INITIAL_SYNC)
            else {
                continue;
            };
            if rule.contains_key("initial_sync") {
                rule.entries.remove(index);
            } else if let Some(entry) = rule.entries.get_mut(index) {
                entry.key = "initial_sync".to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn watch_rules(yaml: &str) -> Vec<serde_json::Value> {
        let mut docs = crate::yaml::parse(yaml, FileId(0)).expect("valid yaml");
        let mut root = docs.remove(0);
        rename_legacy_keys(&mut root);
        let json = root.to_json();
        json["services"]["a"]["develop"]["watch"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn legacy_initial_sync_is_renamed_unless_the_standard_key_is_set() {
        let rules = watch_rules(
            "services:\n  a:\n    develop:\n      watch:\n        - {path: ., x-initialSync: true}\n        - {path: ., initial_sync: false, x-initialSync: true}\n",
        );
        assert_eq!(rules[0]["initial_sync"], serde_json::json!(true));
        assert!(rules[0].get("x-initialSync").is_none());
        assert_eq!(rules[1]["initial_sync"], serde_json::json!(false));
        assert!(rules[1].get("x-initialSync").is_none());
    }
}
