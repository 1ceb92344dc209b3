//! `normalize` cases ported from compose-go's `loader/normalize_test.go` (their inputs and
//! expected models, written here as JSON).

use hoist_loader::canonical::normalize;
use hoist_loader::{Node, Span};
use indexmap::IndexMap;
use serde_json::{json, Value as J};

fn normalized(input: J, env: &[(&str, &str)]) -> J {
    let env: IndexMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut root = Node::from_json(&input, Span::SYNTHETIC);
    normalize(&mut root, "myProject", &env).expect("normalize");
    root.to_json()
}

/// (name, input model, project environment, expected model)
type Case<'a> = (&'a str, J, Vec<(&'a str, &'a str)>, J);

#[test]
fn upstream_normalize_cases() {
    let default_net = json!({"default": {"name": "myProject_default"}});
    let cases: Vec<Case> = vec![
        (
            "depends_on",
            json!({"name": "myProject", "services": {
                "foo": {"depends_on": {"bar": {"condition": "service_healthy", "required": true, "restart": true}},
                        "network_mode": "service:zot"},
                "bar": {"volumes_from": ["zot", "container:xxx"]},
                "zot": {},
            }}),
            vec![],
            json!({"name": "myProject", "services": {
                "bar": {"depends_on": {"zot": {"condition": "service_started", "required": true, "restart": false}},
                        "networks": {"default": null}, "volumes_from": ["zot", "container:xxx"]},
                "foo": {"depends_on": {
                            "bar": {"condition": "service_healthy", "required": true, "restart": true},
                            "zot": {"condition": "service_started", "required": true, "restart": true}},
                        "network_mode": "service:zot"},
                "zot": {"networks": {"default": null}},
            }, "networks": default_net.clone()}),
        ),
        (
            "implicit dependencies",
            json!({"name": "myProject", "services": {"test": {
                "ipc": "service:foo", "cgroup": "service:bar", "uts": "service:baz", "pid": "service:qux",
                "volumes_from": ["quux"], "links": ["corge"],
                "depends_on": {"foo": {"condition": "service_healthy"}},
            }}}),
            vec![],
            json!({"name": "myProject", "services": {"test": {
                "ipc": "service:foo", "cgroup": "service:bar", "uts": "service:baz", "pid": "service:qux",
                "volumes_from": ["quux"], "links": ["corge"],
                "depends_on": {
                    "foo": {"condition": "service_healthy"},
                    "bar": {"condition": "service_started", "restart": true, "required": true},
                    "baz": {"condition": "service_started", "restart": true, "required": true},
                    "qux": {"condition": "service_started", "restart": true, "required": true},
                    "quux": {"condition": "service_started", "required": true, "restart": false},
                    "corge": {"condition": "service_started", "restart": true, "required": true},
                },
                "networks": {"default": null},
            }}, "networks": default_net.clone()}),
        ),
        (
            "implicit context path",
            json!({"name": "myProject", "services": {"test": {"build": {}}}}),
            vec![],
            json!({"name": "myProject", "services": {"test": {
                "build": {"context": ".", "dockerfile": "Dockerfile"}, "networks": {"default": null},
            }}, "networks": default_net.clone()}),
        ),
        (
            "default network",
            json!({"name": "myProject", "services": {"test": {"image": "test"}}}),
            vec![],
            json!({"name": "myProject", "networks": default_net.clone(),
                   "services": {"test": {"image": "test", "networks": {"default": null}}}}),
        ),
        (
            "custom network",
            json!({"name": "myProject", "services": {"test": {"networks": {"my_network": null}}},
                   "networks": {"my_network": null}}),
            vec![],
            json!({"name": "myProject", "networks": {"my_network": {"name": "myProject_my_network"}},
                   "services": {"test": {"networks": {"my_network": null}}}}),
        ),
        (
            "environment",
            json!({"name": "myProject", "services": {"test": {"environment": ["FOO", "BAR", "ZOT=QIX"]}}}),
            vec![("BAR", "bar"), ("ZOT", "zot")],
            json!({"name": "myProject", "networks": default_net.clone(), "services": {"test": {
                "environment": ["FOO", "BAR=bar", "ZOT=QIX"], "networks": {"default": null},
            }}}),
        ),
        (
            "pre_start inherits service image",
            json!({"name": "myProject", "services": {
                "app": {"image": "alpine", "pre_start": [
                    {"command": ["migrate"]},
                    {"image": "busybox", "command": ["chown", "-R", "1000:1000", "/data"]}]},
                "builder": {"build": {"context": "."}, "pre_start": [{"command": ["init"]}]},
                "hybrid": {"image": "ubuntu", "build": {"context": "."}, "pre_start": [{"command": ["bootstrap"]}]},
            }}),
            vec![],
            // Docker Compose v5.6.1 also completes hooks with the service's networks.
            json!({"name": "myProject", "services": {
                "app": {"image": "alpine", "networks": {"default": null}, "pre_start": [
                    {"command": ["migrate"], "image": "alpine", "networks": {"default": null}},
                    {"image": "busybox", "command": ["chown", "-R", "1000:1000", "/data"],
                     "networks": {"default": null}}]},
                "builder": {"build": {"context": ".", "dockerfile": "Dockerfile"}, "networks": {"default": null},
                            "pre_start": [{"command": ["init"], "networks": {"default": null}}]},
                "hybrid": {"image": "ubuntu", "build": {"context": ".", "dockerfile": "Dockerfile"},
                           "networks": {"default": null},
                           "pre_start": [{"command": ["bootstrap"], "image": "ubuntu", "networks": {"default": null}}]},
            }, "networks": default_net.clone()}),
        ),
    ];
    for (name, input, env, expected) in cases {
        assert_eq!(normalized(input, &env), expected, "{name}");
    }
}
