//! Binding errors of `Project::from_node`: every error names the key path, points at the
//! offending key or value, and suggests a fix where one is obvious.

use hoist_loader::model::Project;
use hoist_loader::{FileId, Node, Span, Value};

/// Gives every node and key its own span (line = visit order) so tests can tell them apart.
fn number_spans(node: &mut Node, next: &mut u32) {
    *next += 1;
    node.span = Span {
        file: FileId(0),
        line: *next,
        col: 1,
        offset: 0,
    };
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| number_spans(n, next)),
        Value::Map(map) => {
            for entry in &mut map.entries {
                *next += 1;
                entry.key_span = Span {
                    file: FileId(0),
                    line: *next,
                    col: 1,
                    offset: 0,
                };
                number_spans(&mut entry.value, next);
            }
        }
        _ => {}
    }
}

fn tree(json: serde_json::Value) -> Node {
    let mut node = Node::from_json(&json, Span::SYNTHETIC);
    number_spans(&mut node, &mut 0);
    node
}

/// The node at a dotted path (no sequence indexes needed by these tests).
fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    path.iter().fold(node, |n, key| {
        n.as_map().and_then(|m| m.get(key)).expect("path exists")
    })
}

#[test]
fn unknown_attribute_points_at_the_key_with_a_hint() {
    let root = tree(serde_json::json!({"name": "p", "services": {"web": {"imagee": "nginx"}}}));
    let err = Project::from_node(&root).expect_err("unknown key");
    let key_span = at(&root, &["services", "web"])
        .as_map()
        .and_then(|m| m.entry("imagee"))
        .map(|e| e.key_span);
    assert_eq!(err.path.as_deref(), Some("services.web.imagee"));
    assert_eq!(err.span, key_span);
    assert_eq!(err.hint.as_deref(), Some("did you mean `image`?"));
    assert!(err.message.contains("imagee"), "{}", err.message);
}

#[test]
fn wrong_type_points_at_the_value() {
    let root = tree(serde_json::json!({"services": {"web": {"ports": [{"target": "eighty"}]}}}));
    let err = Project::from_node(&root).expect_err("bad type");
    let target = &at(&root, &["services", "web", "ports"])
        .as_seq()
        .expect("seq")[0];
    let target = at(target, &["target"]);
    assert_eq!(err.path.as_deref(), Some("services.web.ports[0].target"));
    assert_eq!(err.span, Some(target.span));
}

#[test]
fn bad_byte_size_is_reported_with_its_path() {
    let root = tree(serde_json::json!({"services": {"web": {"mem_limit": "lots"}}}));
    let err = Project::from_node(&root).expect_err("bad size");
    assert_eq!(err.path.as_deref(), Some("services.web.mem_limit"));
    assert_eq!(
        err.span,
        Some(at(&root, &["services", "web", "mem_limit"]).span)
    );
    assert!(err.message.contains("byte size"), "{}", err.message);
}

#[test]
fn bad_duration_is_reported_with_its_path() {
    let root =
        tree(serde_json::json!({"services": {"web": {"healthcheck": {"interval": "soon"}}}}));
    let err = Project::from_node(&root).expect_err("bad duration");
    assert_eq!(
        err.path.as_deref(),
        Some("services.web.healthcheck.interval")
    );
    assert!(err.message.contains("duration"), "{}", err.message);
}

#[test]
fn non_mapping_root_and_service_are_errors() {
    let root = tree(serde_json::json!(["not", "a", "mapping"]));
    assert!(Project::from_node(&root).is_err());
    let root = tree(serde_json::json!({"services": {"web": "nginx"}}));
    let err = Project::from_node(&root).expect_err("service must be a mapping");
    assert_eq!(err.path.as_deref(), Some("services.web"));
    assert_eq!(err.span, Some(at(&root, &["services", "web"]).span));
}

#[test]
fn extensions_are_kept_and_printed_in_yaml_only() {
    let root = tree(
        serde_json::json!({"name": "p", "services": {"web": {"image": "x", "x-b": 2, "x-a": {"z": 1, "a": 2}}}}),
    );
    let project = Project::from_node(&root).expect("binds");
    let web = &project.services.0["web"];
    assert_eq!(web.extensions.0.len(), 2);
    // Go's JSON drops service extensions, go-yaml prints them (see the `extensions` fixture
    // for the exact layout).
    assert!(!project.to_json().contains("x-a"));
    assert!(project.to_yaml().contains("x-a:"));
}

#[test]
fn short_forms_bind_too() {
    let root = tree(serde_json::json!({"services": {"web": {
        "command": "echo 'a b'", "environment": ["A=1", "B"], "labels": ["x=y"],
        "ulimits": {"nofile": 10}, "mem_limit": "1g", "stop_grace_period": "1m30s",
        "extra_hosts": ["db:10.0.0.1"], "dns": "1.1.1.1"
    }}}));
    let project = Project::from_node(&root).expect("binds");
    let web = &project.services.0["web"];
    assert_eq!(
        web.command.as_deref(),
        Some(&["echo".to_string(), "a b".to_string()][..])
    );
    assert_eq!(web.environment.0.get("B"), Some(&None));
    assert_eq!(web.labels.0.get("x").map(String::as_str), Some("y"));
    assert_eq!(web.ulimits.0["nofile"].single, 10);
    assert_eq!(web.mem_limit.0, 1 << 30);
    assert_eq!(web.stop_grace_period.map(|d| d.0), Some(90_000_000_000));
    assert_eq!(web.extra_hosts, vec!["db=10.0.0.1"]);
    assert_eq!(web.dns, vec!["1.1.1.1"]);
    assert_eq!(web.name, "web");
}

#[test]
fn hash_ignores_scale_replicas_build_pull_policy_depends_on_and_profiles() {
    // Ported from docker/compose pkg/compose/hash_test.go (TestServiceHash), widened to every
    // attribute the hash clears.
    let service = |replicas: i64, extra: bool| {
        let mut web = serde_json::json!({"image": "bar", "scale": replicas, "deploy": {"replicas": replicas}});
        if extra {
            web["build"] = serde_json::json!({"context": "/src"});
            web["pull_policy"] = serde_json::json!("always");
            web["depends_on"] =
                serde_json::json!({"db": {"condition": "service_started", "required": true}});
            web["profiles"] = serde_json::json!(["debug"]);
        }
        let root = tree(serde_json::json!({"name": "p", "services": {"foo": web}}));
        Project::from_node(&root).expect("binds").services.0["foo"].config_hash()
    };
    assert_eq!(service(1, false), service(2, false));
    assert_eq!(service(1, false), service(3, true));
}

#[test]
fn obsolete_version_and_resolved_include_are_ignored() {
    let root = tree(
        serde_json::json!({"version": "3.8", "include": ["other.yaml"], "services": {"web": {"image": "x"}}}),
    );
    let project = Project::from_node(&root).expect("binds");
    assert_eq!(project.service_names(), vec!["web"]);
}
