//! Test cases ported from compose-go's own tests (`format/volume_test.go`,
//! `transform/*_test.go`, `loader/normalize_test.go`, `loader/paths_test.go`): the inputs and
//! expected values are theirs, the test code is ours.

use std::path::{Path, PathBuf};

use hoist_loader::canonical::{
    canonicalize, canonicalize_reporting, canonicalize_with, normalize, parse_volume_spec,
    prepare_for_binding, resolve_environment, set_defaults, CanonicalOptions, PathResolver,
};
use hoist_loader::{Node, Span};
use indexmap::IndexMap;
use serde_json::{json, Value as J};

fn node(v: J) -> Node {
    Node::from_json(&v, Span::SYNTHETIC)
}

/// Canonicalises one service attribute and returns its new value.
fn canonical_attr(key: &str, value: J) -> J {
    let mut root = node(json!({"services": {"foo": {key: value}}}));
    canonicalize(&mut root).expect("canonicalize");
    root.to_json()["services"]["foo"][key].clone()
}

fn canonical_err(key: &str, value: J) -> String {
    let mut root = node(json!({"services": {"foo": {key: value}}}));
    canonicalize(&mut root).expect_err("should fail").message
}

// ---- format/volume_test.go ----

fn vol(spec: &str) -> J {
    let mut root = node(json!({"services": {"foo": {"volumes": [spec]}}}));
    canonicalize(&mut root).expect("canonicalize");
    root.to_json()["services"]["foo"]["volumes"][0].clone()
}

#[test]
fn volume_anonymous() {
    for path in ["/path", "/path/foo"] {
        assert_eq!(
            vol(path),
            json!({"type": "volume", "target": path, "volume": {}}),
            "{path}"
        );
    }
    for path in ["C:\\path", "Z:\\path\\foo"] {
        let v = parse_volume_spec(path).expect(path);
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str()),
            ("volume", "", path)
        );
        assert!(v.volume.is_some());
    }
}

#[test]
fn volume_too_many_colons_and_empty_sections() {
    assert_eq!(
        parse_volume_spec("/foo:/foo:ro:foo").unwrap_err(),
        "invalid spec: /foo:/foo:ro:foo: too many colons"
    );
    for spec in [":foo", "/foo::ro", "/foo::rw"] {
        let err = parse_volume_spec(spec).unwrap_err();
        assert!(
            err.contains("empty section between colons") && err.starts_with("invalid spec"),
            "{spec}: {err}"
        );
    }
    assert!(parse_volume_spec("")
        .unwrap_err()
        .contains("invalid empty volume spec"));
}

#[test]
fn volume_short_specs_have_no_options() {
    for path in [".", "/a"] {
        assert_eq!(
            vol(path),
            json!({"type": "volume", "target": path}),
            "{path}"
        );
    }
}

#[test]
fn volume_bind_mounts() {
    for path in ["./foo", "~/thing", "../other", "/foo", "/home/user"] {
        assert_eq!(
            vol(&format!("{path}:/target")),
            json!({"type": "bind", "source": path, "target": "/target", "bind": {"create_host_path": true}}),
            "{path}"
        );
    }
    for path in ["./foo", "/home/user"] {
        assert_eq!(
            vol(&format!("{path}:/target:ro")),
            json!({"type": "bind", "source": path, "target": "/target", "read_only": true, "bind": {"create_host_path": true}})
        );
        assert_eq!(
            vol(&format!("{path}:/target:rw")),
            json!({"type": "bind", "source": path, "target": "/target", "bind": {"create_host_path": true}})
        );
    }
}

#[test]
fn volume_windows_binds() {
    for path in ["./foo", "~/thing", "../other", "D:\\path", "/home/user"] {
        let v = parse_volume_spec(&format!("{path}:d:\\target")).expect(path);
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str()),
            ("bind", path, "d:\\target")
        );
    }
    let v = parse_volume_spec("C:\\source\\foo:D:\\target:ro,rprivate").unwrap();
    assert_eq!(
        (v.source.as_str(), v.target.as_str(), v.read_only),
        ("C:\\source\\foo", "D:\\target", true)
    );
    assert_eq!(
        v.bind.and_then(|b| b.propagation).as_deref(),
        Some("rprivate")
    );
    let v = parse_volume_spec(r"\\.\pipe\docker_engine:\\.\pipe\inside").unwrap();
    assert_eq!(
        (v.kind, v.source.as_str(), v.target.as_str()),
        ("bind", r"\\.\pipe\docker_engine", r"\\.\pipe\inside")
    );
}

#[test]
fn volume_bind_options() {
    assert_eq!(
        vol("/source:/target:slave"),
        json!({"type": "bind", "source": "/source", "target": "/target", "bind": {"propagation": "slave", "create_host_path": true}})
    );
    for selinux in ["z", "Z"] {
        assert_eq!(
            vol(&format!("/source:/target:ro,{selinux}")),
            json!({"type": "bind", "source": "/source", "target": "/target", "read_only": true,
                   "bind": {"create_host_path": true, "selinux": selinux}})
        );
    }
}

#[test]
fn volume_volume_options() {
    assert!(parse_volume_spec("name:/target:bogus").is_ok());
    assert_eq!(
        vol("name:/target:nocopy"),
        json!({"type": "volume", "source": "name", "target": "/target", "volume": {"nocopy": true}})
    );
}

#[test]
fn volume_split_cases() {
    // (spec, whether a source is found)
    let cases = [
        (r"C:\foo:d:", true),
        (r":C:\foo:d:", false),
        ("/foo:/bar:ro", true),
        (r"C:\foo\:/foo", true),
        (r"d:\", false),
        ("d:", false),
        (r"d:\path", false),
        (r"d:\path with space", false),
        (r"d:\pathandmode:rw", true),
        (r"c:\:d:\", true),
        (r"c:\windows\:d:", true),
        (r"c:\windows:d:\s p a c e", true),
        (r"c:\windows:d:\s p a c e:RW", true),
        (r"c:\program files:d:\s p a c e i n h o s t d i r", true),
        ("0123456789name:d:", true),
        ("MiXeDcAsEnAmE:d:", true),
        ("name:D:", true),
        ("name:D::rW", true),
        ("name:D::RW", true),
        ("c:/:d:/forward/slashes/are/good/too", true),
        (r"c:\Windows", false),
        (r"c:\Program Files (x86)", false),
        ("", false),
        (".", false),
        (r"..\", false),
        (r"c:\:..\", true),
        (r"c:\:d:\:xyzzy", true),
        ("/tmp/x/y:/foo/x/y", true),
    ];
    for (spec, has_source) in cases {
        let found = parse_volume_spec(spec)
            .map(|v| !v.source.is_empty())
            .unwrap_or(false);
        assert_eq!(found, has_source, "{spec}");
    }
}

#[test]
fn volume_variables_are_not_split() {
    let cases = [
        (
            "/tmp:/tmp/${BUG_HERE:-DEFAULT}/path",
            "/tmp",
            "/tmp/${BUG_HERE:-DEFAULT}/path",
            false,
        ),
        (
            "/tmp/${VAR:-default}:/target",
            "/tmp/${VAR:-default}",
            "/target",
            false,
        ),
        (
            "/src/${SRC:-default}:/dst/${DST:-value}",
            "/src/${SRC:-default}",
            "/dst/${DST:-value}",
            false,
        ),
        (
            "/tmp:/tmp/${VAR:-}/path",
            "/tmp",
            "/tmp/${VAR:-}/path",
            false,
        ),
        (
            "/tmp:/tmp/${VAR:-default/path/value}/file",
            "/tmp",
            "/tmp/${VAR:-default/path/value}/file",
            false,
        ),
        (
            "/tmp:/tmp/${VAR1:-val1}/${VAR2:-val2}/path",
            "/tmp",
            "/tmp/${VAR1:-val1}/${VAR2:-val2}/path",
            false,
        ),
        (
            "/tmp:/tmp/${VAR:-default}/path:ro",
            "/tmp",
            "/tmp/${VAR:-default}/path",
            true,
        ),
    ];
    for (spec, source, target, ro) in cases {
        let v = parse_volume_spec(spec).expect(spec);
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str(), v.read_only),
            ("bind", source, target, ro),
            "{spec}"
        );
    }
}

// ---- transform/*_test.go ----

#[test]
fn ports_transform() {
    assert_eq!(
        canonical_attr("ports", json!(["127.0.0.1:8080:80", "127.0.0.1:8081:81"])),
        json!([
            {"mode": "ingress", "host_ip": "127.0.0.1", "target": 80, "published": "8080", "protocol": "tcp"},
            {"mode": "ingress", "host_ip": "127.0.0.1", "target": 81, "published": "8081", "protocol": "tcp"},
        ])
    );
    assert!(canonical_err("ports", json!(["127.0.1:8080:80"]))
        .to_lowercase()
        .contains("invalid ip address: 127.0.1"));
}

#[test]
fn parse_errors_are_kept_when_asked() {
    let mut root = node(json!({"services": {"foo": {
        "ports": ["${HOST_IP}:${HOST_PORT}:80"],
        "volumes": ["${A}::${B}"],
    }}}));
    canonicalize_with(
        &mut root,
        CanonicalOptions {
            ignore_parse_errors: true,
        },
    )
    .expect("ignored");
    let out = root.to_json();
    assert_eq!(
        out["services"]["foo"]["ports"],
        json!(["${HOST_IP}:${HOST_PORT}:80"])
    );
    assert_eq!(out["services"]["foo"]["volumes"], json!(["${A}::${B}"]));
}

#[test]
fn port_defaults() {
    let mut root =
        node(json!({"services": {"foo": {"ports": [{"target": 80, "published": 8080}]}}}));
    set_defaults(&mut root).unwrap();
    assert_eq!(
        root.to_json()["services"]["foo"]["ports"][0],
        json!({"target": 80, "published": 8080, "protocol": "tcp", "mode": "ingress"})
    );
}

#[test]
fn ssh_transform() {
    assert_eq!(
        canonical_attr("build", json!({"ssh": ["default", "foo=bar"]}))["ssh"],
        json!({"default": null, "foo": "bar"})
    );
    let mut root = node(json!({"services": {"foo": {"build": {"ssh": ["nokey"]}}}}));
    assert!(canonicalize(&mut root)
        .unwrap_err()
        .message
        .contains("invalid ssh key \"nokey\""));
}

#[test]
fn env_file_transform() {
    assert_eq!(
        canonical_attr("env_file", json!(".env")),
        json!([{"path": ".env", "required": true}])
    );
    assert_eq!(
        canonical_attr("env_file", json!([".env", "other.env"])),
        json!([{"path": ".env", "required": true}, {"path": "other.env", "required": true}])
    );
    assert_eq!(
        canonical_attr(
            "env_file",
            json!([".env", {"path": "other.env", "required": false}])
        ),
        json!([{"path": ".env", "required": true}, {"path": "other.env", "required": false}])
    );
}

fn canonical_network(value: J) -> Result<J, String> {
    let mut root = node(json!({"networks": {"n": value}}));
    canonicalize(&mut root).map_err(|e| e.message)?;
    Ok(root.to_json()["networks"]["n"].clone())
}

#[test]
fn external_transform() {
    assert_eq!(
        canonical_network(json!({"driver": "foo"})),
        Ok(json!({"driver": "foo"}))
    );
    assert_eq!(
        canonical_network(json!({"external": true, "name": "foo"})),
        Ok(json!({"external": true, "name": "foo"}))
    );
    assert_eq!(
        canonical_network(json!({"external": true})),
        Ok(json!({"external": true}))
    );
    assert_eq!(
        canonical_network(json!({"external": {"name": "foo"}})),
        Ok(json!({"external": true, "name": "foo"}))
    );
    assert_eq!(
        canonical_network(json!({"external": {"name": "foo"}, "name": "foo"})),
        Ok(json!({"external": true, "name": "foo"}))
    );
    assert!(
        canonical_network(json!({"external": {"name": "foo"}, "name": "bar"}))
            .unwrap_err()
            .contains("name and external.name conflict")
    );
    assert_eq!(canonical_network(json!(null)), Ok(json!(null)));
}

#[test]
fn external_name_is_reported_as_deprecated() {
    let mut root = node(
        json!({"networks": {"n2": {"external": {"name": "real"}}}, "volumes": {"v": {"external": true}}}),
    );
    let warnings = canonicalize_reporting(&mut root, CanonicalOptions::default()).unwrap();
    // The message Docker Compose v5.6.1 prints for this input.
    let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        ["networks.n2: external.name is deprecated. Please set name and external: true"]
    );
    assert_eq!(
        warnings[0].path.as_deref(),
        Some("networks.n2.external.name")
    );
}

#[test]
fn build_transform() {
    assert_eq!(
        canonical_attr("build", json!("context_path")),
        json!({"context": "context_path"})
    );
    assert_eq!(
        canonical_attr("build", json!({"dockerfile": "foo.Dockerfile"})),
        json!({"dockerfile": "foo.Dockerfile"})
    );
    let mut root = node(json!({"services": {"foo": {"build": {"dockerfile": "foo.Dockerfile"}}}}));
    set_defaults(&mut root).unwrap();
    assert_eq!(
        root.to_json()["services"]["foo"]["build"]["context"],
        json!(".")
    );
}

#[test]
fn other_short_forms() {
    assert_eq!(
        canonical_attr("extends", json!("base")),
        json!({"service": "base"})
    );
    assert_eq!(
        canonical_attr("gpus", json!("all")),
        json!([{"count": "all"}])
    );
    assert_eq!(
        canonical_attr("label_file", json!("a.labels")),
        json!(["a.labels"])
    );
    assert_eq!(canonical_attr("models", json!(["m1"])), json!({"m1": null}));
    assert_eq!(
        canonical_attr("secrets", json!(["s"])),
        json!([{"source": "s"}])
    );
    assert_eq!(
        canonical_attr("configs", json!(["c"])),
        json!([{"source": "c"}])
    );
    assert_eq!(
        canonical_attr("build", json!({"provenance": true, "sbom": false}))["provenance"],
        json!("true")
    );
    assert_eq!(
        canonical_attr(
            "develop",
            json!({"watch": [{"path": ".", "action": "sync", "ignore": "x", "include": "y"}]})
        ),
        json!({"watch": [{"path": ".", "action": "sync", "ignore": ["x"], "include": ["y"]}]})
    );
    let mut root = node(json!({"include": ["a.yaml", {"path": "b.yaml"}]}));
    canonicalize(&mut root).unwrap();
    assert_eq!(
        root.to_json()["include"],
        json!([{"path": "a.yaml"}, {"path": "b.yaml"}])
    );
}

#[test]
fn type_errors_carry_span_and_path() {
    let span = Span {
        file: hoist_loader::FileId(0),
        line: 7,
        col: 9,
        offset: 70,
    };
    let mut root = node(json!({"services": {"web": {"ports": ["8080:80", "80:80:80:80"]}}}));
    if let Some(ports) = root
        .as_map_mut()
        .and_then(|m| m.get_mut("services"))
        .and_then(Node::as_map_mut)
        .and_then(|m| m.get_mut("web"))
        .and_then(Node::as_map_mut)
        .and_then(|m| m.get_mut("ports"))
    {
        if let hoist_loader::Value::Seq(items) = &mut ports.value {
            items[1].span = span;
        }
    }
    let err = canonicalize(&mut root).unwrap_err();
    assert_eq!(err.span, Some(span));
    assert_eq!(err.path.as_deref(), Some("services.web.ports[1]"));
    assert_eq!(err.message, "invalid IP address: 80:80");
    assert!(err.hint.is_some());
    for (key, value, path) in [
        ("depends_on", json!(42), "services.foo.depends_on"),
        ("depends_on", json!({"a": "x"}), "services.foo.depends_on.a"),
        ("build", json!(1), "services.foo.build"),
        ("volumes", json!([1]), "services.foo.volumes[0]"),
        ("devices", json!(["a:b:c:d"]), "services.foo.devices[0]"),
        (
            "ulimits",
            json!({"nofile": "x"}),
            "services.foo.ulimits.nofile",
        ),
        ("env_file", json!(1), "services.foo.env_file"),
        ("gpus", json!(1), "services.foo.gpus"),
        ("ports", json!("80"), "services.foo.ports"),
        ("command", json!("a 'b"), "services.foo.command"),
        ("extra_hosts", json!(["x"]), "services.foo.extra_hosts[0]"),
    ] {
        let mut root = node(json!({"services": {"foo": {key: value}}}));
        let err = canonicalize(&mut root)
            .and_then(|()| prepare_for_binding(&mut root))
            .expect_err(key);
        assert_eq!(err.path.as_deref(), Some(path), "{key}: {}", err.message);
    }
}

// ---- loader/normalize_test.go ----

fn env(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn normalize_network_names() {
    let mut root = node(json!({
        "name": "myProject",
        "services": {"foo": {"build": {"context": "./testdata", "args": {"FOO": null, "ZOT": null}}}},
        "networks": {"myExternalnet": {"external": true}, "myNamedNet": {"name": "CustomName"}, "mynet": {}},
    }));
    normalize(&mut root, "myProject", &env(&[("FOO", "BAR")])).unwrap();
    assert_eq!(
        root.to_json(),
        json!({
            "name": "myProject",
            "services": {"foo": {
                "build": {"context": "./testdata", "dockerfile": "Dockerfile", "args": {"FOO": "BAR"}},
                "networks": {"default": null},
            }},
            "networks": {
                "default": {"name": "myProject_default"},
                "myExternalnet": {"name": "myExternalnet", "external": true},
                "myNamedNet": {"name": "CustomName"},
                "mynet": {"name": "myProject_mynet"},
            },
        })
    );
}

#[test]
fn normalize_volumes() {
    let mut root = node(json!({
        "name": "myProject",
        "volumes": {"myExternalVol": {"external": true}, "myvol": {}, "myNamedVol": {"name": "CustomName"}},
    }));
    normalize(&mut root, "myProject", &IndexMap::new()).unwrap();
    assert_eq!(
        root.to_json(),
        json!({
            "name": "myProject",
            "volumes": {
                "myExternalVol": {"name": "myExternalVol", "external": true},
                "myvol": {"name": "myProject_myvol"},
                "myNamedVol": {"name": "CustomName"},
            },
        })
    );
}

#[test]
fn normalize_implicit_dependencies() {
    let mut root = node(json!({"services": {
        "foo": {
            "image": "foo",
            "depends_on": {"bar": {"condition": "service_healthy", "required": true}},
            "links": ["zot", "qix:alias"],
            "network_mode": "service:bar",
            "volumes_from": ["zot", "container:xxx", "vol:ro"],
        },
    }}));
    normalize(&mut root, "p", &IndexMap::new()).unwrap();
    let started = |restart: bool| json!({"condition": "service_started", "restart": restart, "required": true});
    assert_eq!(
        root.to_json()["services"]["foo"]["depends_on"],
        json!({
            "bar": {"condition": "service_healthy", "required": true},
            "zot": started(true),
            "qix": started(true),
            "vol": started(false),
        })
    );
    assert!(
        root.to_json()["services"]["foo"].get("networks").is_none(),
        "network_mode services get no default network"
    );
    assert!(root.to_json().get("networks").is_none());
}

#[test]
fn normalize_pre_start_image_and_pull_policy() {
    let mut root = node(json!({"services": {"foo": {
        "image": "img",
        "pull_policy": "if_not_present",
        "pre_start": [{"command": ["a"]}, {"command": ["b"], "image": "other"}],
        "provider": {"type": "x"},
    }}}));
    normalize(&mut root, "p", &IndexMap::new()).unwrap();
    let foo = &root.to_json()["services"]["foo"];
    assert_eq!(foo["pull_policy"], json!("missing"));
    assert_eq!(
        foo["pre_start"],
        // Checked with Docker Compose v5.6.1: hooks also inherit the normalised pull policy.
        json!([
            {"command": ["a"], "image": "img", "pull_policy": "missing"},
            {"command": ["b"], "image": "other", "pull_policy": "missing"}
        ])
    );
    assert!(
        foo.get("networks").is_none(),
        "provider services get no default network"
    );
}

// ---- loader/environment.go ----

#[test]
fn resolve_environment_from_project_env() {
    let mut root = node(json!({
        "services": {"foo": {"environment": ["A=1", "B", "C"]}},
        "secrets": {"s": {"environment": "B"}, "t": {"environment": "NOPE"}},
        "configs": {"c": {"environment": "B"}},
    }));
    canonicalize(&mut root).unwrap();
    resolve_environment(&mut root, &env(&[("B", "two")]));
    let out = root.to_json();
    // The list form stays a list in the untyped model (`prepare_for_binding` maps it later).
    assert_eq!(
        out["services"]["foo"]["environment"],
        json!(["A=1", "B=two", "C"])
    );
    assert_eq!(out["secrets"]["s"]["x-#value"], json!("two"));
    assert!(out["secrets"]["t"].get("x-#value").is_none());
    assert_eq!(out["configs"]["c"]["x-#value"], json!("two"));
}

// ---- paths/*.go, loader/paths_test.go ----

fn resolve(model: J) -> J {
    let mut root = node(model);
    canonicalize(&mut root).unwrap();
    set_defaults(&mut root).unwrap();
    let is_remote = |p: &str| p.starts_with("https://") || p.starts_with("oci://");
    let resolver = PathResolver {
        working_dir: Path::new("/work/proj"),
        home: Some(PathBuf::from("/home/me")),
        is_remote: &is_remote,
    };
    resolver.resolve(&mut root).unwrap();
    root.to_json()
}

#[test]
fn resolves_relative_paths() {
    let out = resolve(json!({
        "services": {"foo": {
            "build": {"context": "./ctx", "dockerfile": "Dockerfile.dev",
                      "additional_contexts": {"a": "../a", "b": "docker-image://alpine", "c": "service:bar"},
                      "ssh": ["default", "key=~/.ssh/id"]},
            "env_file": ["a.env", {"path": "/abs/b.env", "required": false}],
            "label_file": "l.labels",
            "extends": {"file": "base.yaml", "service": "x"},
            "volumes": ["./data:/data", "named:/n", "~/cache:/cache"],
        },
        "bar": {"build": "https://github.com/x/y.git", "extends": {"file": "https://example.com/c.yaml", "service": "y"}}},
        "secrets": {"s": {"file": "./secret.txt"}},
        "configs": {"c": {"file": "C:\\conf"}},
        "volumes": {"v": {"driver": "local", "driver_opts": {"o": "bind", "device": "./dev"}}},
    }));
    let foo = &out["services"]["foo"];
    assert_eq!(foo["build"]["context"], json!("/work/proj/ctx"));
    assert_eq!(foo["build"]["dockerfile"], json!("Dockerfile.dev"));
    assert_eq!(
        foo["build"]["additional_contexts"],
        json!({"a": "/work/a", "b": "docker-image://alpine", "c": "service:bar"})
    );
    assert_eq!(
        foo["build"]["ssh"],
        json!({"default": null, "key": "/home/me/.ssh/id"})
    );
    assert_eq!(foo["env_file"][0]["path"], json!("/work/proj/a.env"));
    assert_eq!(foo["env_file"][1]["path"], json!("/abs/b.env"));
    assert_eq!(foo["label_file"], json!(["/work/proj/l.labels"]));
    assert_eq!(foo["extends"]["file"], json!("/work/proj/base.yaml"));
    assert_eq!(foo["volumes"][0]["source"], json!("/work/proj/data"));
    assert_eq!(foo["volumes"][1]["source"], json!("named"));
    assert_eq!(foo["volumes"][2]["source"], json!("/home/me/cache"));
    let bar = &out["services"]["bar"];
    assert_eq!(bar["build"]["context"], json!("https://github.com/x/y.git"));
    assert_eq!(bar["extends"]["file"], json!("https://example.com/c.yaml"));
    assert_eq!(out["secrets"]["s"]["file"], json!("/work/proj/secret.txt"));
    assert_eq!(out["configs"]["c"]["file"], json!("C:\\conf"));
    assert_eq!(
        out["volumes"]["v"]["driver_opts"]["device"],
        json!("/work/proj/dev")
    );
}

#[test]
fn resolves_additional_contexts() {
    let out = resolve(json!({"services": {"test": {"build": {
        "context": ".",
        "dockerfile": "Dockerfile",
        "additional_contexts": {
            "image": "docker-image://foo",
            "oci": "oci-layout://foo",
            "abs_path": "/dir",
            "github": "github.com/compose-spec/compose-go",
            "rel_path": "./testdata",
        },
    }}}}));
    assert_eq!(
        out["services"]["test"]["build"],
        json!({
            "context": "/work/proj",
            "dockerfile": "Dockerfile",
            "additional_contexts": {
                "image": "docker-image://foo",
                "oci": "oci-layout://foo",
                "abs_path": "/dir",
                "github": "github.com/compose-spec/compose-go",
                "rel_path": "/work/proj/testdata",
            },
        })
    );
}

/// Every node generated from a short-syntax value carries that value's span.
#[test]
fn generated_nodes_keep_the_short_syntax_span() {
    fn set_spans(node: &mut Node, span: Span) {
        node.span = span;
        match &mut node.value {
            hoist_loader::Value::Seq(items) => items.iter_mut().for_each(|i| set_spans(i, span)),
            hoist_loader::Value::Map(m) => m
                .entries
                .iter_mut()
                .for_each(|e| set_spans(&mut e.value, span)),
            _ => {}
        }
    }
    fn all_spans(node: &Node, out: &mut Vec<Span>) {
        out.push(node.span);
        match &node.value {
            hoist_loader::Value::Seq(items) => items.iter().for_each(|i| all_spans(i, out)),
            hoist_loader::Value::Map(m) => m.entries.iter().for_each(|e| {
                out.push(e.key_span);
                all_spans(&e.value, out)
            }),
            _ => {}
        }
    }
    let span = Span {
        file: hoist_loader::FileId(3),
        line: 4,
        col: 7,
        offset: 40,
    };
    for (key, value) in [
        ("ports", json!(["127.0.0.1:8000-8001:80-81/udp"])),
        ("volumes", json!(["./a:/b:ro,z"])),
        ("devices", json!(["/dev/a:/dev/b"])),
        ("depends_on", json!(["db"])),
        ("env_file", json!("a.env")),
        ("build", json!("./ctx")),
        ("command", json!("a b")),
        ("extra_hosts", json!(["h:1.2.3.4"])),
        ("gpus", json!("all")),
        ("secrets", json!(["s"])),
    ] {
        let mut attr = node(value);
        set_spans(&mut attr, span);
        let mut root = node(json!({"services": {"foo": {}}}));
        if let Some(foo) = root
            .as_map_mut()
            .and_then(|m| m.get_mut("services"))
            .and_then(Node::as_map_mut)
            .and_then(|m| m.get_mut("foo"))
            .and_then(Node::as_map_mut)
        {
            foo.insert(key, span, attr);
        }
        canonicalize(&mut root).expect(key);
        set_defaults(&mut root).expect(key);
        let result = root
            .as_map()
            .and_then(|m| m.get("services"))
            .and_then(Node::as_map)
            .and_then(|m| m.get("foo"))
            .and_then(Node::as_map)
            .and_then(|m| m.get(key))
            .expect(key);
        let mut spans = Vec::new();
        all_spans(result, &mut spans);
        assert!(spans.iter().all(|s| *s == span), "{key}: {spans:?}");
    }
}

/// `develop.watch[].path` goes through its first symbolic link (checked with Docker Compose
/// v5.6.1: `./link/src` with `link -> real` became `<dir>/real/src`).
#[test]
fn watch_paths_follow_symlinks() {
    let dir = std::env::temp_dir().join(format!("hoist-canon-symlink-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("real/src")).unwrap();
    std::os::unix::fs::symlink(dir.join("real"), dir.join("link")).unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    let mut root = node(json!({"services": {"a": {"develop": {"watch": [
        {"path": "./link/src", "action": "sync", "target": "/app"},
        {"path": "./real/src", "action": "rebuild"},
    ]}}}}));
    canonicalize(&mut root).unwrap();
    let never_remote = |_: &str| false;
    let resolver = PathResolver {
        working_dir: &dir,
        home: None,
        is_remote: &never_remote,
    };
    resolver.resolve(&mut root).unwrap();
    let watch = root.to_json()["services"]["a"]["develop"]["watch"].clone();
    let expected = dir.join("real/src").to_string_lossy().to_string();
    assert_eq!(watch[0]["path"], json!(expected));
    assert_eq!(watch[1]["path"], json!(expected));
    let _ = std::fs::remove_dir_all(&dir);
}
