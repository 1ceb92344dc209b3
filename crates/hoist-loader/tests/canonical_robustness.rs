//! The canonical stage never panics, whatever shape a value has (the schema normally rejects
//! most of these, but the stage must not rely on it).

use std::path::Path;

use hoist_loader::canonical::{
    canonicalize, normalize, omit_empty, resolve_environment, resolve_paths, set_defaults,
};
use hoist_loader::{Node, Span};
use indexmap::IndexMap;
use serde_json::{json, Value as J};

const SERVICE_KEYS: &[&str] = &[
    "build",
    "depends_on",
    "env_file",
    "label_file",
    "dns",
    "dns_search",
    "tmpfs",
    "extends",
    "gpus",
    "networks",
    "models",
    "volumes",
    "devices",
    "secrets",
    "configs",
    "ports",
    "ulimits",
    "develop",
    "command",
    "entrypoint",
    "environment",
    "labels",
    "annotations",
    "sysctls",
    "extra_hosts",
    "healthcheck",
    "deploy",
    "links",
    "volumes_from",
    "network_mode",
    "ipc",
    "pull_policy",
    "pre_start",
    "image",
    "provider",
];

fn shapes() -> Vec<J> {
    vec![
        json!(null),
        json!(true),
        json!(7),
        json!(0.5),
        json!(""),
        json!("a:b:c:d:e"),
        json!("service:"),
        json!([]),
        json!([null, 1, "x", "", ":", "=", "a=b", "::", "[", "$(", "~", [1], {"k": null}]),
        json!({}),
        json!({"a": null, "b": [1, null], "c": {"d": 1}, "context": null, "target": 3, "source": 4,
               "type": "bind", "watch": [1, {"path": 2, "ignore": "x"}], "test": "x", "file": 9,
               "resources": {"reservations": {"devices": [1, {}]}}, "ssh": ["x"], "args": ["A"],
               "external": {"name": 3}, "driver": "local", "driver_opts": {"o": "bind", "device": 5}}),
    ]
}

fn run_all(model: J) {
    let mut root = Node::from_json(&model, Span::SYNTHETIC);
    let env: IndexMap<String, String> = [("A".to_string(), "1".to_string())].into_iter().collect();
    let _ = canonicalize(&mut root);
    omit_empty(&mut root);
    let _ = set_defaults(&mut root);
    let _ = resolve_paths(&mut root, Path::new("/p"));
    resolve_environment(&mut root, &env);
    let _ = normalize(&mut root, "p", &env);
}

#[test]
fn never_panics_on_odd_shapes() {
    for key in SERVICE_KEYS {
        for value in shapes() {
            run_all(json!({"services": {"s": {*key: value}}}));
        }
    }
    for top in [
        "services", "networks", "volumes", "secrets", "configs", "include", "name",
    ] {
        for value in shapes() {
            run_all(json!({top: value.clone()}));
            run_all(json!({top: {"x": value}}));
        }
    }
    for value in shapes() {
        run_all(value);
    }
}

/// Many services: the first error in document order is the one reported, by
/// canonicalisation and by path resolution alike.
#[test]
fn large_models_report_the_first_error_in_document_order() {
    let model = |bad_port: &[usize], bad_bind: &[usize]| {
        let mut services = serde_json::Map::new();
        for i in 0..300 {
            let mut service = json!({"image": "x", "ports": ["80"], "volumes": ["./d:/d"]});
            if bad_port.contains(&i) {
                service["ports"] = json!([format!("{i}:{i}:{i}:{i}")]);
            }
            if bad_bind.contains(&i) {
                service["volumes"] = json!([{"type": "bind", "target": "/d"}]);
            }
            services.insert(format!("svc{i:03}"), service);
        }
        Node::from_json(&json!({ "services": services }), Span::SYNTHETIC)
    };
    let mut root = model(&[250, 40], &[]);
    let err = canonicalize(&mut root).expect_err("bad ports");
    assert_eq!(
        err.path.as_deref(),
        Some("services.svc040.ports[0]"),
        "{err}"
    );

    let mut root = model(&[], &[]);
    canonicalize(&mut root).expect("valid");
    resolve_paths(&mut root, Path::new("/w")).expect("valid");
    let services = root
        .as_map()
        .and_then(|m| m.get("services"))
        .and_then(Node::as_map);
    let sources: Vec<J> = services
        .expect("services")
        .iter()
        .map(|(_, s)| s.to_json()["volumes"][0]["source"].clone())
        .collect();
    assert!(sources.iter().all(|s| s == "/w/d"), "{sources:?}");

    let mut root = model(&[], &[260, 70]);
    canonicalize(&mut root).expect("valid");
    let err = resolve_paths(&mut root, Path::new("/w")).expect_err("bind without source");
    assert_eq!(
        err.path.as_deref(),
        Some("services.svc070.volumes[0]"),
        "{err}"
    );
}
