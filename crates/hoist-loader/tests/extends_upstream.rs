//! `extends` cases ported from compose-go's `loader/extends_test.go` and
//! `loader/override_test.go`, plus error cases checked against Docker Compose v5.6.1.
//! Files are served from memory by a fake [`ExtendsLoader`].

mod merge_common;

use hoist_loader::merge::{apply_extends, enforce_unicity, merge, ExtendsLoader};
use hoist_loader::{LoadError, Node, Result};
use merge_common::tree;
use serde_json::{json, Value as J};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Files by absolute path, as JSON trees (tags as `{"!reset": v}`).
#[derive(Default)]
struct MemFiles {
    files: HashMap<PathBuf, J>,
    loads: Vec<PathBuf>,
}

impl MemFiles {
    fn with(mut self, path: &str, content: J) -> Self {
        self.files.insert(PathBuf::from(path), content);
        self
    }
}

impl ExtendsLoader for MemFiles {
    fn load(&mut self, path: &Path) -> Result<Node> {
        self.loads.push(path.to_path_buf());
        match self.files.get(path) {
            Some(j) => Ok(tree(j)),
            None => Err(LoadError::new(format!(
                "open {}: no such file or directory",
                path.display()
            ))),
        }
    }
}

const WD: &str = "/w";

/// The upstream `testdata/extends` directory, under `/w/testdata/extends`.
fn testdata() -> MemFiles {
    MemFiles::default()
        .with(
            "/w/testdata/extends/base.yaml",
            json!({"services": {
                "base": {"image": "base"},
                "another": {"extends": "base"},
                "with-port": {"ports": ["8000:8000"]},
                "withUlimits": {"image": "test", "ulimits": {"nproc": 65535, "nofile": {"soft": 20000, "hard": 40000}}},
                "with-build": {"extends": {"file": "sibling.yaml", "service": "test"}},
                "nil": null
            }}),
        )
        .with("/w/testdata/extends/sibling.yaml", json!({"services": {"test": {"build": "."}}}))
        .with(
            "/w/testdata/extends/depends_on.yaml",
            json!({"services": {
                "with_depends_on": {"image": "foo", "depends_on": ["zot"]},
                "with_volumes_from": {"image": "foo", "volumes_from": ["zot"]},
                "with_ipc": {"image": "foo", "ipc": "service:zot"},
                "with_network_mode": {"image": "foo", "network_mode": "service:zot"},
                "zot": {"image": "hidden"}
            }}),
        )
        .with("/w/testdata/extends/ports.yaml", json!({"services": {"test": {"image": "test", "ports": ["8080:8080"]}}}))
        .with(
            "/w/testdata/extends/reset.yaml",
            json!({"services": {
                "init": {"image": "alpine:latest", "command": "sleep infinity"},
                "base": {"extends": {"service": "init"}, "command": {"!reset": null}}
            }}),
        )
        .with(
            "/w/testdata/extends/interpolated.yaml",
            json!({"services": {"foo": {"image": "bash", "volumes": ["/dev/null:/tmp/foo:ro"]}}}),
        )
}

fn extend(files: &mut MemFiles, model: J) -> Result<J> {
    let mut root = tree(&model);
    apply_extends(
        &mut root,
        Path::new("/w/compose.yaml"),
        Path::new(WD),
        files,
    )?;
    Ok(root.to_json())
}

fn service(model: &J, name: &str) -> J {
    model["services"][name].clone()
}

#[test]
fn extends_from_another_file() {
    let mut files = testdata();
    let out = extend(
        &mut files,
        json!({"services": {
            "test1": {"extends": {"file": "testdata/extends/base.yaml", "service": "base"}, "hostname": "test1"},
            "test2": {"extends": {"file": "testdata/extends/base.yaml", "service": "base"}, "hostname": "test2"},
            "test3": {"extends": {"file": "testdata/extends/base.yaml", "service": "another"}, "hostname": "test3"}
        }}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "test1"),
        json!({"image": "base", "hostname": "test1"})
    );
    assert_eq!(
        service(&out, "test2"),
        json!({"image": "base", "hostname": "test2"})
    );
    assert_eq!(
        service(&out, "test3"),
        json!({"image": "base", "hostname": "test3"})
    );
}

#[test]
fn extends_keeps_base_ports() {
    let mut files = testdata();
    let out = extend(
        &mut files,
        json!({"services": {"test": {"image": "test", "extends": {"file": "testdata/extends/base.yaml", "service": "with-port"}}}}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "test"),
        json!({"image": "test", "ports": ["8000:8000"]})
    );
}

#[test]
fn extends_keeps_ulimits() {
    let mut files = testdata();
    let out = extend(
        &mut files,
        json!({"services": {"test": {"extends": {"file": "testdata/extends/base.yaml", "service": "withUlimits"}}}}),
    )
    .unwrap();
    assert_eq!(service(&out, "test")["ulimits"]["nproc"], json!(65535));
}

#[test]
fn extends_rebases_build_context_of_nested_file() {
    let mut files = testdata();
    let out = extend(
        &mut files,
        json!({"services": {"test": {"extends": {"file": "testdata/extends/base.yaml", "service": "with-build"}}}}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "test"),
        json!({"build": "/w/testdata/extends"})
    );
    assert_eq!(
        files.loads,
        vec![
            PathBuf::from("/w/testdata/extends/base.yaml"),
            PathBuf::from("/w/testdata/extends/sibling.yaml")
        ]
    );
}

#[test]
fn extends_of_null_service_keeps_the_service() {
    let mut files = testdata();
    let out = extend(
        &mut files,
        json!({"services": {"test": {"image": "test", "extends": {"file": "testdata/extends/base.yaml", "service": "nil"}}}}),
    )
    .unwrap();
    assert_eq!(service(&out, "test")["image"], json!("test"));
}

#[test]
fn extends_without_service_is_an_error() {
    let mut files = testdata();
    let err = extend(
        &mut files,
        json!({"services": {"test": {"image": "test", "extends": {"file": "testdata/extends/base.yaml"}}}}),
    )
    .unwrap_err();
    assert!(err.message.contains("extends.service is required"), "{err}");
    assert_eq!(err.path.as_deref(), Some("services.test.extends.service"));
}

#[test]
fn extends_then_merge_with_the_file_it_came_from_dedups_ports() {
    let mut files = testdata();
    let first = tree(&json!({"services": {"test": {"image": "test", "ports": ["8080:8080"]}}}));
    let mut second = tree(
        &json!({"services": {"test": {"extends": {"file": "testdata/extends/ports.yaml", "service": "test"}}}}),
    );
    apply_extends(
        &mut second,
        Path::new("/w/override.yaml"),
        Path::new(WD),
        &mut files,
    )
    .unwrap();
    let mut merged = merge(first, second).unwrap();
    enforce_unicity(&mut merged).unwrap();
    assert_eq!(
        merged.to_json()["services"]["test"]["ports"],
        json!(["8080:8080"])
    );
}

#[test]
fn extends_same_file_inside_other_file_rebases_context() {
    let mut files = MemFiles::default().with(
        "/t/sub/compose.yaml",
        json!({"services": {
            "base": {"build": {"context": ".."}},
            "service": {"extends": "base", "build": {"target": "target"}}
        }}),
    );
    let mut root = tree(&json!({"services": {
        "out-base": {"extends": {"file": "sub/compose.yaml", "service": "base"}},
        "out-service": {"extends": {"file": "sub/compose.yaml", "service": "service"}}
    }}));
    apply_extends(
        &mut root,
        Path::new("/t/compose.yaml"),
        Path::new("/t"),
        &mut files,
    )
    .unwrap();
    let out = root.to_json();
    assert_eq!(
        out["services"]["out-base"],
        json!({"build": {"context": "/t"}})
    );
    assert_eq!(
        out["services"]["out-service"],
        json!({"build": {"context": "/t", "target": "target"}})
    );
}

#[test]
fn extends_does_not_import_referenced_services() {
    for base in [
        "with_depends_on",
        "with_volumes_from",
        "with_ipc",
        "with_network_mode",
    ] {
        let mut files = testdata();
        let out = extend(
            &mut files,
            json!({"services": {"bar": {"extends": {"file": "./testdata/extends/depends_on.yaml", "service": base}}}}),
        )
        .unwrap();
        let services = out["services"].as_object().unwrap();
        assert_eq!(services.len(), 1, "{base}: {out}");
        assert!(!services.contains_key("zot"));
    }
}

#[test]
fn extends_with_override_replaces_depends_on() {
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {
            "service_a": {"image": "a", "depends_on": ["service_c"]},
            "service_b": {"extends": "service_a", "depends_on": {"!override": ["service_a"]}},
            "service_c": {"image": "c"}
        }}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "service_b"),
        json!({"image": "a", "depends_on": ["service_a"]})
    );
}

#[test]
fn extends_chain_in_one_file() {
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {
            "foo": {"image": "busybox", "extends": "bar"},
            "bar": {"image": "alpine", "command": "echo", "extends": "wee"},
            "wee": {"extends": "last", "command": "echo"},
            "last": {"image": "python"}
        }}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "foo"),
        json!({"image": "busybox", "command": "echo"})
    );
    assert_eq!(
        service(&out, "wee"),
        json!({"image": "python", "command": "echo"})
    );
}

#[test]
fn extends_chain_across_files() {
    let mut files = MemFiles::default().with(
        "/t/sub/compose.yaml",
        json!({"services": {"b": {"extends": "c", "build": {"target": "fake"}}, "c": {"command": "echo"}}}),
    );
    let mut root = tree(
        &json!({"services": {"a": {"extends": {"file": "./sub/compose.yaml", "service": "b"}}}}),
    );
    apply_extends(
        &mut root,
        Path::new("/t/compose.yaml"),
        Path::new("/t"),
        &mut files,
    )
    .unwrap();
    assert_eq!(
        root.to_json()["services"]["a"],
        json!({"command": "echo", "build": {"target": "fake"}})
    );
}

#[test]
fn extends_reset_in_base_file_removes_command() {
    let mut files = testdata();
    let out = extend(
        &mut files,
        json!({"services": {"test": {"extends": {"file": "testdata/extends/reset.yaml", "service": "base"}}}}),
    )
    .unwrap();
    assert_eq!(service(&out, "test"), json!({"image": "alpine:latest"}));
}

#[test]
fn extends_takes_interpolated_base() {
    let mut files = testdata();
    let out = extend(
        &mut files,
        json!({"services": {"test": {"extends": {"file": "testdata/extends/interpolated.yaml", "service": "foo"}}}}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "test")["volumes"],
        json!(["/dev/null:/tmp/foo:ro"])
    );
}

#[test]
fn override_in_middle_file_replaces_inherited_values() {
    // compose-go TestOverrideMiddle (docker/compose#13298).
    let mut files = MemFiles::default()
        .with(
            "/p/base.yaml",
            json!({"services": {"base": {"volumes": ["/foo:/foo"], "networks": ["foo"]}}}),
        )
        .with(
            "/p/override.yaml",
            json!({"services": {"override": {
                "extends": {"file": "./base.yaml", "service": "base"},
                "volumes": {"!override": ["/bar:/bar"]},
                "networks": {"!override": ["bar"]}
            }}}),
        );
    let mut root = tree(&json!({"services": {"test": {
        "image": "test",
        "extends": {"file": "./override.yaml", "service": "override"},
        "volumes": ["/zot:/zot"],
        "networks": {"!override": ["zot"]}
    }}, "networks": {"zot": {}}}));
    apply_extends(
        &mut root,
        Path::new("/p/compose.yaml"),
        Path::new("/p"),
        &mut files,
    )
    .unwrap();
    let mut merged = merge(Node::map(hoist_loader::Span::SYNTHETIC), root).unwrap();
    enforce_unicity(&mut merged).unwrap();
    let test = &merged.to_json()["services"]["test"];
    assert_eq!(test["volumes"], json!(["/bar:/bar", "/zot:/zot"]));
    assert_eq!(test["networks"], json!(["zot"]));
}

#[test]
fn override_through_self_extends_chain() {
    // compose-go TestOverrideSelfExtends (docker/compose#13346).
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {
            "depend_base": {"image": "nginx", "ports": ["8092:80"]},
            "depend_one": {"image": "nginx", "ports": ["8091:80"]},
            "depend_two": {"extends": {"service": "depend_one"}},
            "main_one": {"image": "nginx", "depends_on": ["depend_one"], "ports": ["8090:80"]},
            "main_two": {"extends": "main_one", "depends_on": {"!override": ["depend_two"]}},
            "main": {"extends": {"service": "main_two"}, "depends_on": ["depend_base"]}
        }}),
    )
    .unwrap();
    let started = json!({"condition": "service_started", "required": true});
    assert_eq!(
        service(&out, "main")["depends_on"],
        json!({"depend_two": started, "depend_base": started})
    );
    assert_eq!(service(&out, "main")["ports"], json!(["8090:80"]));
}

// Errors, worded as Docker Compose v5.6.1 words them.

#[test]
fn missing_service_in_same_file() {
    let mut files = MemFiles::default();
    let err = extend(
        &mut files,
        json!({"services": {"a": {"image": "x", "extends": "nope"}}}),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "cannot extend service \"a\" in /w/compose.yaml: service \"nope\" not found"
    );
    assert_eq!(err.path.as_deref(), Some("services.a.extends"));
}

#[test]
fn missing_service_in_other_file() {
    let mut files =
        MemFiles::default().with("/w/other.yaml", json!({"services": {"b": {"image": "y"}}}));
    let err = extend(&mut files, json!({"services": {"a": {"image": "x", "extends": {"file": "other.yaml", "service": "zz"}}}}))
        .unwrap_err();
    assert_eq!(
        err.message,
        "cannot extend service \"a\" in /w/compose.yaml: service \"zz\" not found in other.yaml"
    );
}

#[test]
fn missing_file() {
    let mut files = MemFiles::default();
    let err = extend(&mut files, json!({"services": {"a": {"image": "x", "extends": {"file": "missing.yaml", "service": "zz"}}}}))
        .unwrap_err();
    assert_eq!(
        err.message,
        "open /w/missing.yaml: no such file or directory"
    );
}

#[test]
fn file_without_services() {
    let mut files = MemFiles::default().with("/w/empty.yaml", json!({"volumes": {}}));
    let err = extend(
        &mut files,
        json!({"services": {"a": {"extends": {"file": "empty.yaml", "service": "b"}}}}),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "cannot extend service \"a\" in /w/empty.yaml: no services section"
    );
}

#[test]
fn cycle_of_two_services() {
    let mut files = MemFiles::default();
    let err = extend(
        &mut files,
        json!({"services": {"a": {"image": "x", "extends": "b"}, "b": {"image": "x", "extends": "a"}}}),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "Circular reference:\n  a in /w/compose.yaml\n  extends b in /w/compose.yaml\n  extends a in /w/compose.yaml"
    );
}

#[test]
fn service_extending_itself() {
    let mut files = MemFiles::default();
    let err = extend(
        &mut files,
        json!({"services": {"a": {"image": "x", "extends": "a"}}}),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "Circular reference:\n  a in /w/compose.yaml\n  extends a in /w/compose.yaml"
    );
}

#[test]
fn cycle_across_files() {
    let mut files = MemFiles::default()
        .with("/w/compose.yaml", json!({"services": {"a": {"image": "x", "extends": {"file": "c6b.yaml", "service": "b"}}}}))
        .with("/w/c6b.yaml", json!({"services": {"b": {"image": "y", "extends": {"file": "compose.yaml", "service": "a"}}}}));
    let err = extend(
        &mut files,
        json!({"services": {"a": {"image": "x", "extends": {"file": "c6b.yaml", "service": "b"}}}}),
    )
    .unwrap_err();
    assert!(err.message.starts_with("Circular reference:"), "{err}");
}

#[test]
fn extends_must_be_string_or_mapping() {
    let mut files = MemFiles::default();
    let err = extend(&mut files, json!({"services": {"a": {"extends": 3}}})).unwrap_err();
    assert_eq!(err.path.as_deref(), Some("services.a.extends"));
}

#[test]
fn service_must_be_a_mapping() {
    let mut files = MemFiles::default();
    let err = extend(&mut files, json!({"services": {"a": "nope"}})).unwrap_err();
    assert_eq!(err.message, "services.a must be a mapping");
}

#[test]
fn rebases_relative_paths_of_other_directory() {
    let mut files = MemFiles::default().with(
        "/w/sub/base.yaml",
        json!({"services": {"b": {
            "build": {"context": "./ctx", "additional_contexts": {"x": "../x", "img": "docker-image://alpine"}},
            "env_file": ["a.env", {"path": "/abs/b.env"}],
            "label_file": "l.txt",
            "volumes": ["./data:/data:ro", "named:/named", {"type": "bind", "source": "src", "target": "/src"}, {"type": "volume", "source": "v", "target": "/v"}],
            "develop": {"watch": [{"path": "./w", "action": "sync"}]}
        }}}),
    );
    let out = extend(
        &mut files,
        json!({"services": {"a": {"extends": {"file": "sub/base.yaml", "service": "b"}}}}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "a"),
        json!({
            "build": {"context": "/w/sub/ctx", "additional_contexts": {"x": "/w/x", "img": "docker-image://alpine"}},
            "env_file": ["/w/sub/a.env", {"path": "/abs/b.env"}],
            "label_file": "/w/sub/l.txt",
            "volumes": ["/w/sub/data:/data:ro", "named:/named", {"type": "bind", "source": "/w/sub/src", "target": "/src"}, {"type": "volume", "source": "v", "target": "/v"}],
            "develop": {"watch": [{"path": "/w/sub/w", "action": "sync"}]}
        })
    );
}

#[test]
fn remote_build_contexts_are_left_alone() {
    let mut files = MemFiles::default().with(
        "/w/sub/base.yaml",
        json!({"services": {"b": {"build": "https://github.com/docker/compose.git"}, "c": {"build": {"context": "service:b"}}}}),
    );
    let out = extend(
        &mut files,
        json!({"services": {
            "a": {"extends": {"file": "sub/base.yaml", "service": "b"}},
            "d": {"extends": {"file": "sub/base.yaml", "service": "c"}}
        }}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "a")["build"],
        json!("https://github.com/docker/compose.git")
    );
    assert_eq!(service(&out, "d")["build"]["context"], json!("service:b"));
}

#[test]
fn same_file_extends_merges_with_service_rules() {
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {
            "base": {"image": "b", "environment": ["A=1", "B=2"], "command": ["x", "y"], "ports": ["80:80"], "build": "."},
            "web": {"extends": "base", "environment": {"B": 3}, "command": ["z"], "ports": ["81:81"], "build": {"target": "t"}}
        }}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "web"),
        json!({"image": "b", "environment": ["A=1", "B=2", "B=3"], "command": ["z"], "ports": ["80:80", "81:81"], "build": {"context": ".", "target": "t"}})
    );
}

#[test]
fn reset_in_extending_service_clears_base_value_and_earlier_files() {
    let mut files = MemFiles::default();
    let earlier = tree(&json!({"services": {"web": {"image": "x", "ports": ["1:1"]}}}));
    let mut file = tree(&json!({"services": {
        "base": {"image": "b", "ports": ["80:80"]},
        "web": {"extends": "base", "ports": {"!reset": []}}
    }}));
    apply_extends(
        &mut file,
        Path::new("/w/compose.yaml"),
        Path::new(WD),
        &mut files,
    )
    .unwrap();
    let merged = merge(earlier, file).unwrap().to_json();
    assert_eq!(merged["services"]["web"], json!({"image": "b"}));
    assert_eq!(
        merged["services"]["base"],
        json!({"image": "b", "ports": ["80:80"]})
    );
}

#[test]
fn tags_of_the_base_service_do_not_leak_into_later_merges() {
    let mut files = MemFiles::default();
    let earlier = tree(&json!({"services": {"web": {"image": "x", "ports": ["1:1"]}}}));
    let mut file = tree(&json!({"services": {
        "base": {"image": "b", "ports": {"!override": ["80:80"]}},
        "web": {"extends": "base"}
    }}));
    apply_extends(
        &mut file,
        Path::new("/w/compose.yaml"),
        Path::new(WD),
        &mut files,
    )
    .unwrap();
    let merged = merge(earlier, file).unwrap().to_json();
    assert_eq!(
        merged["services"]["web"],
        json!({"image": "b", "ports": ["1:1", "80:80"]})
    );
}

#[test]
fn merge_file_runs_extends_merge_and_unicity() {
    // compose-go TestExtendsPortOverride: ports.yaml first, then a file extending it.
    let mut files = testdata();
    let first = hoist_loader::merge::merge_file(
        Node::map(hoist_loader::Span::SYNTHETIC),
        tree(&json!({"services": {"test": {"image": "test", "ports": ["8080:8080"]}}})),
        Path::new("/w/testdata/extends/ports.yaml"),
        Path::new(WD),
        &mut files,
    )
    .unwrap();
    let second = hoist_loader::merge::merge_file(
        first,
        tree(&json!({"services": {"test": {"extends": {"file": "testdata/extends/ports.yaml", "service": "test"}}}})),
        Path::new("/w/override.yaml"),
        Path::new(WD),
        &mut files,
    )
    .unwrap();
    assert_eq!(
        second.to_json()["services"]["test"],
        json!({"image": "test", "ports": ["8080:8080"]})
    );
}

#[test]
fn extends_appends_only_new_sequence_items() {
    // Checked with Docker Compose v5.6.1.
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {
            "base": {"image": "x", "post_start": [{"command": "x"}, {"command": "x"}]},
            "web": {"extends": "base", "post_start": [{"command": "y"}, {"command": "y"}, {"command": "x"}]}
        }}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "web")["post_start"],
        json!([{"command": "x"}, {"command": "x"}, {"command": "y"}])
    );
}

#[test]
fn reset_of_environment_key_applies_to_mapping_base_only() {
    // Checked with Docker Compose v5.6.1: a list base has no `environment.A` path.
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {
            "base": {"image": "x", "environment": ["A=1"]},
            "web": {"extends": "base", "environment": {"A": {"!reset": null}, "B": 2}}
        }}),
    )
    .unwrap();
    assert_eq!(service(&out, "web")["environment"], json!(["A=1", "B=2"]));
    let out = extend(
        &mut files,
        json!({"services": {
            "base": {"image": "x", "environment": {"A": 1, "C": 3}},
            "web": {"extends": "base", "environment": {"A": {"!reset": null}, "B": 2}}
        }}),
    )
    .unwrap();
    assert_eq!(service(&out, "web")["environment"], json!(["C=3", "B=2"]));
}

#[test]
fn base_defined_only_in_an_earlier_file_is_not_found() {
    // Checked with Docker Compose v5.6.1: extends only sees the file's own services.
    let mut files = MemFiles::default();
    let mut root = tree(&json!({"services": {"web": {"extends": "base"}}}));
    let err =
        apply_extends(&mut root, Path::new("/w/b.yaml"), Path::new(WD), &mut files).unwrap_err();
    assert_eq!(
        err.message,
        "cannot extend service \"web\" in /w/b.yaml: service \"base\" not found"
    );
}

// compose-go loader/loader_test.go

#[test]
fn load_extends_same_file() {
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {"foo": {"image": "busybox", "extends": "bar"}, "bar": {"image": "alpine", "command": "echo"}}}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "foo"),
        json!({"image": "busybox", "command": "echo"})
    );
    assert_eq!(
        service(&out, "bar"),
        json!({"image": "alpine", "command": "echo"})
    );
}

#[test]
fn load_extends_override_command() {
    let mut files = MemFiles::default();
    let out = extend(
        &mut files,
        json!({"services": {
            "foo": {"image": "busybox", "extends": {"service": "bar"}, "command": "/bin/ash -c \"rm -rf /tmp/might-not-exist\""},
            "bar": {"image": "alpine", "command": "/bin/ash -c \"echo Oh no...\""}
        }}),
    )
    .unwrap();
    assert_eq!(
        service(&out, "foo")["command"],
        json!("/bin/ash -c \"rm -rf /tmp/might-not-exist\"")
    );
    assert_eq!(service(&out, "foo")["image"], json!("busybox"));
}

#[test]
fn load_extends_multiple_files_rebase_contexts() {
    let mut files = MemFiles::default()
        .with(
            "/t/a/compose.yaml",
            json!({"services": {"a": {"build": "."}}}),
        )
        .with(
            "/t/b/compose.yaml",
            json!({"services": {"b": {"build": {"target": "fake"}}}}),
        );
    let mut root = tree(&json!({"services": {
        "a": {"extends": {"file": "./a/compose.yaml", "service": "a"}},
        "b": {"extends": {"file": "./b/compose.yaml", "service": "b"}}
    }}));
    apply_extends(
        &mut root,
        Path::new("/t/compose.yaml"),
        Path::new("/t"),
        &mut files,
    )
    .unwrap();
    let out = root.to_json();
    assert_eq!(out["services"]["a"], json!({"build": "/t/a"}));
    // No context: the project directory applies later.
    assert_eq!(out["services"]["b"], json!({"build": {"target": "fake"}}));
}

#[test]
fn load_extends_with_reset_volumes() {
    let mut files = MemFiles::default();
    let mut root = tree(&json!({"services": {
        "foo": {"extends": {"service": "bar"}, "volumes": {"!reset": []}},
        "bar": {"image": "alpine", "command": "echo", "volumes": [".:/src"]}
    }}));
    apply_extends(
        &mut root,
        Path::new("/w/compose.yaml"),
        Path::new(WD),
        &mut files,
    )
    .unwrap();
    // The `!reset` stays, as a tagged null, so that the merge over earlier files clears
    // `volumes` there too; the merge then drops it.
    assert_eq!(
        service(&root.to_json(), "foo"),
        json!({"image": "alpine", "command": "echo", "volumes": null})
    );
    let merged = merge(Node::map(hoist_loader::Span::SYNTHETIC), root).unwrap();
    assert_eq!(
        merged.to_json()["services"]["foo"],
        json!({"image": "alpine", "command": "echo"})
    );
}

#[test]
fn load_with_extends_rebases_env_file_to_imported_file() {
    let mut files = MemFiles::default().with(
        "/p/testdata/subdir/compose-test-extends-imported.yaml",
        json!({"services": {"imported": {
            "image": "nginx", "container_name": "imported", "env_file": ["./extra.env"], "volumes": ["/opt/data:/var/lib/mysql"]
        }}}),
    );
    let mut root = tree(
        &json!({"services": {"importer": {"extends": {"file": "subdir/compose-test-extends-imported.yaml", "service": "imported"}}}}),
    );
    apply_extends(
        &mut root,
        Path::new("/p/testdata/compose-test-extends.yaml"),
        Path::new("/p/testdata"),
        &mut files,
    )
    .unwrap();
    assert_eq!(
        root.to_json()["services"]["importer"],
        json!({"image": "nginx", "container_name": "imported", "env_file": ["/p/testdata/subdir/extra.env"], "volumes": ["/opt/data:/var/lib/mysql"]})
    );
}

#[test]
fn load_with_extends_keeps_context_url() {
    let mut files = MemFiles::default().with(
        "/p/testdata/compose-test-extends-with-context-url-imported.yaml",
        json!({"services": {"imported-with-https-url": {"build": {"context": "https://github.com/docker/compose.git"}}}}),
    );
    let mut root = tree(
        &json!({"services": {"importer-with-https-url": {"extends": {
            "file": "compose-test-extends-with-context-url-imported.yaml", "service": "imported-with-https-url"
        }}}}),
    );
    apply_extends(
        &mut root,
        Path::new("/p/testdata/x.yaml"),
        Path::new("/p/testdata"),
        &mut files,
    )
    .unwrap();
    assert_eq!(
        root.to_json()["services"]["importer-with-https-url"],
        json!({"build": {"context": "https://github.com/docker/compose.git"}})
    );
}
