//! Merge rules, `!reset` / `!override` and de-duplication on two-file models. Expectations
//! come from compose-go's loader tests (`reset_test.go`, `merge_reset_test.go`,
//! `override_test.go`) or from running Docker Compose v5.6.1 (`-f a.yaml -f b.yaml config`)
//! on the same inputs; they are written here in the raw (pre-canonical) form the merge
//! produces.

mod merge_common;

use hoist_loader::merge::{apply_resets, enforce_unicity, merge, merge_service, take_resets};
use hoist_loader::{Node, Span, Tag, Value};
use merge_common::tree;
use serde_json::{json, Value as J};

/// Merges `over` onto `base` and de-duplicates, as one step of loading `-f` files.
fn merged(base: J, over: J) -> J {
    let mut out = merge(tree(&base), tree(&over)).expect("merge succeeds");
    enforce_unicity(&mut out).expect("unicity succeeds");
    out.to_json()
}

fn web(base: J, over: J) -> J {
    merged(
        json!({"services": {"web": base}}),
        json!({"services": {"web": over}}),
    )["services"]["web"]
        .clone()
}

// --- compose-go loader/reset_test.go, merge_reset_test.go ---------------------------------

#[test]
fn reset_removes_a_network() {
    let out = merged(
        json!({"networks": {"test": {"name": "test", "external": true}}}),
        json!({"networks": {"test": {"!reset": {}}}}),
    );
    assert_eq!(out, json!({"networks": {}}));
}

#[test]
fn override_replaces_a_network() {
    let out = merged(
        json!({"networks": {"test": {"name": "test", "external": true}}}),
        json!({"networks": {"test": {"!override": {}}}}),
    );
    assert_eq!(out, json!({"networks": {"test": {}}}));
}

#[test]
fn reset_build_and_environment_key() {
    let out = web(
        json!({"build": {"context": ".", "dockerfile": "foo.Dockerfile"}, "environment": {"FOO": "BAR"}}),
        json!({"image": "foo", "build": {"!reset": null}, "environment": {"FOO": {"!reset": null}}}),
    );
    assert_eq!(out, json!({"image": "foo", "environment": []}));
}

#[test]
fn reset_shared_by_several_services() {
    // TestResetTagWithSharedAlias / TestDirectAliasWithReset: the alias gives each service
    // its own tagged node.
    let out = merged(
        json!({"services": {"svc1": {"image": "alpine", "ports": ["8080:80"]}, "svc2": {"image": "nginx", "ports": ["9090:90"]}}}),
        json!({"services": {"svc1": {"ports": {"!reset": []}}, "svc2": {"ports": {"!reset": []}}}}),
    );
    assert_eq!(
        out["services"],
        json!({"svc1": {"image": "alpine"}, "svc2": {"image": "nginx"}})
    );
}

#[test]
fn override_shared_by_several_networks() {
    let out = merged(
        json!({"networks": {"net1": {"external": true, "name": "external-net-1"}, "net2": {"external": true, "name": "external-net-2"}}}),
        json!({"networks": {"net1": {"!override": {}}, "net2": {"!override": {}}}}),
    );
    assert_eq!(out["networks"], json!({"net1": {}, "net2": {}}));
}

#[test]
fn reset_through_nested_merge_keys() {
    // TestNestedAliasReset: after `<<` resolution the tag sits on `ports`.
    let out = web(
        json!({"image": "alpine", "ports": ["8080:80"]}),
        json!({"ports": {"!reset": []}}),
    );
    assert_eq!(out, json!({"image": "alpine"}));
}

// --- Checked with Docker Compose v5.6.1 ------------------------------------------------------

#[test]
fn reset_of_a_whole_service() {
    let out = merged(
        json!({"services": {"web": {"image": "x"}, "gone": {"image": "z"}}}),
        json!({"services": {"gone": {"!reset": {}}}}),
    );
    assert_eq!(out["services"], json!({"web": {"image": "x"}}));
}

#[test]
fn reset_on_a_sequence_item_only_drops_that_item() {
    let out = web(
        json!({"image": "x", "ports": ["1:1"]}),
        json!({"ports": [{"!reset": "1:1"}, "2:2"]}),
    );
    assert_eq!(out["ports"], json!(["1:1", "2:2"]));
}

#[test]
fn reset_of_a_key_of_list_environment_does_nothing() {
    // The earlier file wrote a list, so there is no `environment.A` path to clear.
    let out = web(
        json!({"image": "x", "environment": ["A=1", "B=2"]}),
        json!({"environment": {"A": {"!reset": null}, "C": 3}}),
    );
    assert_eq!(out["environment"], json!(["A=1", "B=2", "C=3"]));
}

#[test]
fn override_replaces_ports_without_merging() {
    let out = web(
        json!({"image": "x", "ports": ["8080:80"]}),
        json!({"ports": {"!override": ["9090:90"]}}),
    );
    assert_eq!(out["ports"], json!(["9090:90"]));
}

#[test]
fn logging_with_another_driver_is_replaced() {
    let out = web(
        json!({"logging": {"driver": "json-file", "options": {"a": "1"}}}),
        json!({"logging": {"driver": "syslog", "options": {"b": "2"}}}),
    );
    assert_eq!(
        out["logging"],
        json!({"driver": "syslog", "options": {"b": "2"}})
    );
}

#[test]
fn logging_without_driver_merges_options() {
    let out = web(
        json!({"logging": {"driver": "json-file", "options": {"a": "1"}}}),
        json!({"logging": {"options": {"b": "2"}}}),
    );
    assert_eq!(
        out["logging"],
        json!({"driver": "json-file", "options": {"a": "1", "b": "2"}})
    );
}

#[test]
fn build_string_then_mapping() {
    let out = web(
        json!({"build": "./x"}),
        json!({"build": {"dockerfile": "D"}}),
    );
    assert_eq!(out["build"], json!({"context": "./x", "dockerfile": "D"}));
}

#[test]
fn build_context_overridden() {
    // compose-go TestOverrideBuildContext.
    let out = web(json!({"build": "."}), json!({"build": {"context": "src"}}));
    assert_eq!(out["build"], json!({"context": "src"}));
}

#[test]
fn secrets_short_and_long_share_their_target() {
    let out = web(
        json!({"secrets": ["s1"]}),
        json!({"secrets": [{"source": "s1", "target": "/run/secrets/s1", "mode": 256}]}),
    );
    assert_eq!(
        out["secrets"],
        json!([{"source": "s1", "target": "/run/secrets/s1", "mode": 256}])
    );
}

#[test]
fn configs_short_and_long_share_their_target() {
    let out = web(
        json!({"configs": ["c1"]}),
        json!({"configs": [{"source": "c1", "target": "/c1"}]}),
    );
    assert_eq!(out["configs"], json!([{"source": "c1", "target": "/c1"}]));
}

#[test]
fn secrets_without_target_are_keyed_by_source() {
    let out = web(
        json!({"secrets": [{"source": "a"}]}),
        json!({"secrets": ["a", "b"]}),
    );
    assert_eq!(out["secrets"], json!(["a", "b"]));
}

#[test]
fn expose_int_and_string_are_one_port() {
    let out = web(json!({"expose": [80]}), json!({"expose": ["80", "81"]}));
    assert_eq!(out["expose"], json!(["80", "81"]));
}

#[test]
fn volumes_short_and_long_share_their_target() {
    let out = web(
        json!({"volumes": ["./a:/b"]}),
        json!({"volumes": [{"type": "bind", "source": "./c", "target": "/b"}]}),
    );
    assert_eq!(
        out["volumes"],
        json!([{"type": "bind", "source": "./c", "target": "/b"}])
    );
}

#[test]
fn same_volume_twice_is_kept_once() {
    // compose-go TestOverrideVolume.
    let out = web(
        json!({"image": "test", "volumes": ["./src:/src"]}),
        json!({"volumes": ["./src:/src"]}),
    );
    assert_eq!(out["volumes"], json!(["./src:/src"]));
}

#[test]
fn depends_on_list_then_mapping() {
    // compose-go TestOverrideDepends_on, and the oracle for the defaults.
    let out = web(
        json!({"depends_on": ["db"]}),
        json!({"depends_on": {"db": {"condition": "service_healthy"}}}),
    );
    assert_eq!(
        out["depends_on"],
        json!({"db": {"condition": "service_healthy", "required": true}})
    );
    let out = web(
        json!({"depends_on": ["foo"]}),
        json!({"depends_on": {"foo": {"condition": "service_healthy", "required": false}}}),
    );
    assert_eq!(
        out["depends_on"],
        json!({"foo": {"condition": "service_healthy", "required": false}})
    );
}

#[test]
fn depends_on_partial_override() {
    // compose-go TestOverridePartial.
    let out = web(
        json!({"depends_on": {"foo": {"condition": "service_healthy"}}}),
        json!({"depends_on": {"foo": {"required": false}}}),
    );
    assert_eq!(
        out["depends_on"],
        json!({"foo": {"condition": "service_healthy", "required": false}})
    );
}

#[test]
fn network_list_then_aliases() {
    // compose-go TestOverrideNetworks.
    let out = web(
        json!({"networks": ["test_network"]}),
        json!({"networks": {"test_network": {"aliases": ["alias1", "alias2"]}}}),
    );
    assert_eq!(
        out["networks"],
        json!({"test_network": {"aliases": ["alias1", "alias2"]}})
    );
}

#[test]
fn command_entrypoint_and_healthcheck_test_are_replaced() {
    let out = web(
        json!({"command": ["a", "b"], "entrypoint": ["e", "f"], "healthcheck": {"test": ["CMD", "x"], "interval": "1s"}}),
        json!({"command": "c", "entrypoint": ["g"], "healthcheck": {"test": ["CMD", "y"]}}),
    );
    assert_eq!(out["command"], json!("c"));
    assert_eq!(out["entrypoint"], json!(["g"]));
    assert_eq!(
        out["healthcheck"],
        json!({"test": ["CMD", "y"], "interval": "1s"})
    );
}

#[test]
fn ulimit_int_replaces_mapping() {
    let out = web(
        json!({"ulimits": {"nproc": {"soft": 1, "hard": 2}}}),
        json!({"ulimits": {"nproc": 10}}),
    );
    assert_eq!(out["ulimits"], json!({"nproc": 10}));
}

#[test]
fn ulimit_mappings_merge() {
    let out = web(
        json!({"ulimits": {"nofile": {"soft": 1, "hard": 2}}}),
        json!({"ulimits": {"nofile": {"soft": 3}}}),
    );
    assert_eq!(out["ulimits"], json!({"nofile": {"soft": 3, "hard": 2}}));
}

#[test]
fn dns_and_tmpfs_string_then_list_dedup_in_place() {
    let out = web(
        json!({"dns": "1.1.1.1", "tmpfs": "/t"}),
        json!({"dns": ["8.8.8.8", "1.1.1.1"], "tmpfs": ["/u", "/t"]}),
    );
    assert_eq!(out["dns"], json!(["1.1.1.1", "8.8.8.8"]));
    assert_eq!(out["tmpfs"], json!(["/t", "/u"]));
}

#[test]
fn ipam_config_merges_by_subnet_with_compose_go_quirk() {
    let out = merged(
        json!({"networks": {"n": {"ipam": {"config": [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}, {"subnet": "10.1.0.0/24"}]}}}}),
        json!({"networks": {"n": {"ipam": {"config": [{"subnet": "10.0.0.0/24", "ip_range": "10.0.0.0/25"}, {"subnet": "10.2.0.0/24"}]}}}}),
    );
    assert_eq!(
        out["networks"]["n"]["ipam"]["config"],
        json!([{"subnet": "10.2.0.0/24", "ip_range": "10.0.0.0/25"}, {"subnet": "10.2.0.0/24"}])
    );
}

#[test]
fn ipam_config_single_pool_merges() {
    let out = merged(
        json!({"networks": {"n": {"ipam": {"config": [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}]}}}}),
        json!({"networks": {"n": {"ipam": {"config": [{"subnet": "10.0.0.0/24", "ip_range": "10.0.0.0/25"}]}}}}),
    );
    assert_eq!(
        out["networks"]["n"]["ipam"]["config"],
        json!([{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1", "ip_range": "10.0.0.0/25"}])
    );
}

#[test]
fn mapping_over_sequence_is_an_error_with_path() {
    let base = tree(&json!({"services": {"web": {"image": "x", "volumes": ["/a:/b"]}}}));
    let over = tree(&json!({"services": {"web": {"volumes": {"a": "b"}}}}));
    let err = merge(base, over).unwrap_err();
    assert!(
        err.message
            .starts_with("cannot override services.web.volumes"),
        "{err}"
    );
    assert_eq!(err.path.as_deref(), Some("services.web.volumes"));
}

#[test]
fn plain_sequences_skip_items_already_present() {
    let out = web(
        json!({"security_opt": ["a", "label=x"], "group_add": ["g", "h"], "volumes_from": ["o"], "external_links": ["l:a"],
               "build": {"context": ".", "platforms": ["linux/amd64", "linux/arm64"], "cache_from": ["c", "d"]}}),
        json!({"security_opt": ["c", "a", "label=y"], "group_add": ["i", "g"], "volumes_from": ["o:ro"], "external_links": ["l:b"],
               "build": {"platforms": ["linux/arm64"], "cache_from": ["d"]}}),
    );
    assert_eq!(out["security_opt"], json!(["a", "label=x", "c", "label=y"]));
    assert_eq!(out["group_add"], json!(["g", "h", "i"]));
    assert_eq!(out["volumes_from"], json!(["o", "o:ro"]));
    assert_eq!(out["external_links"], json!(["l:a", "l:b"]));
    assert_eq!(
        out["build"]["platforms"],
        json!(["linux/amd64", "linux/arm64"])
    );
    assert_eq!(out["build"]["cache_from"], json!(["c", "d"]));
}

#[test]
fn plain_sequences_keep_earlier_duplicates() {
    let out = merged(
        json!({"services": {"web": {"post_start": [{"command": "x"}, {"command": "x"}]}}, "x-top": [1, 1]}),
        json!({"services": {"web": {"post_start": [{"command": "y"}, {"command": "y"}, {"command": "x"}]}}, "x-top": [1, 2, 2]}),
    );
    assert_eq!(
        out["services"]["web"]["post_start"],
        json!([{"command": "x"}, {"command": "x"}, {"command": "y"}])
    );
    assert_eq!(out["x-top"], json!([1, 1, 2]));
}

#[test]
fn plain_sequences_compare_whole_items() {
    let out = web(
        json!({"post_start": [{"command": "x"}, {"command": "y", "user": "root"}], "gpus": [{"driver": "nvidia", "count": 1}]}),
        json!({"post_start": [{"command": "y"}, {"command": "x"}], "gpus": [{"driver": "nvidia", "count": 2}]}),
    );
    assert_eq!(
        out["post_start"],
        json!([{"command": "x"}, {"command": "y", "user": "root"}, {"command": "y"}])
    );
    assert_eq!(
        out["gpus"],
        json!([{"driver": "nvidia", "count": 1}, {"driver": "nvidia", "count": 2}])
    );
}

#[test]
fn logging_null_is_an_error() {
    let base = tree(&json!({"services": {"web": {"logging": {"driver": "json-file"}}}}));
    let over = tree(&json!({"services": {"web": {"logging": null}}}));
    let err = merge(base, over).unwrap_err();
    assert_eq!(
        err.message,
        "services.web.logging: cannot merge logging: expected a mapping, got <nil>"
    );
}

#[test]
fn null_overrides_of_special_attributes() {
    let out = web(
        json!({"command": ["a"], "build": ".", "depends_on": ["db"], "environment": {"A": "1"}, "networks": ["default"]}),
        json!({"command": null, "build": null, "depends_on": null, "environment": null, "networks": null}),
    );
    assert_eq!(
        out,
        json!({"command": null, "build": {"context": "."}, "depends_on": {"db": {"condition": "service_started", "required": true}},
               "environment": ["A=1"], "networks": {"default": null}})
    );
}

#[test]
fn extension_mappings_merge() {
    let out = merged(
        json!({"x-ext": {"a": 1, "b": {"c": 2}}}),
        json!({"x-ext": {"b": {"d": 3}}}),
    );
    assert_eq!(out["x-ext"], json!({"a": 1, "b": {"c": 2, "d": 3}}));
}

#[test]
fn depends_on_and_networks_list_items_must_be_names() {
    let base = json!({"services": {"web": {"depends_on": ["db"], "networks": ["default"]}}});
    let err = merge(
        tree(&base),
        tree(&json!({"services": {"web": {"depends_on": [1]}}})),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "services.web.depends_on: cannot use int as a mapping key"
    );
    assert_eq!(err.path.as_deref(), Some("services.web.depends_on[0]"));
    let err = merge(
        tree(&base),
        tree(&json!({"services": {"web": {"networks": [{"a": "b"}]}}})),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "services.web.networks: cannot use map[string]interface {} as a mapping key"
    );
}

#[test]
fn build_or_depends_on_of_another_type_keeps_earlier_value() {
    let out = web(
        json!({"build": ".", "depends_on": ["db"]}),
        json!({"build": 3, "depends_on": "db"}),
    );
    assert_eq!(
        out,
        json!({"build": {"context": "."}, "depends_on": {"db": {"condition": "service_started", "required": true}}})
    );
}

// --- Our own checks of the building blocks ---------------------------------------------------

#[test]
fn null_override_keeps_earlier_value() {
    let out = web(
        json!({"image": "x", "labels": {"a": "1"}}),
        json!({"image": null, "labels": null}),
    );
    assert_eq!(out, json!({"image": "x", "labels": ["a=1"]}));
}

#[test]
fn new_keys_are_appended_in_order() {
    let out = merge(
        tree(&json!({"services": {"b": {}, "a": {}}})),
        tree(&json!({"services": {"c": {}, "a": {"image": "x"}}})),
    )
    .unwrap();
    let names: Vec<&str> = out
        .as_map()
        .unwrap()
        .get("services")
        .unwrap()
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(names, ["b", "a", "c"]);
}

#[test]
fn take_resets_lists_paths_and_keeps_override_nodes() {
    let mut over = tree(
        &json!({"services": {"web": {"ports": {"!reset": []}, "networks": {"!override": ["a"]}, "dns": [{"!reset": "x"}, "y"]}}}),
    );
    let paths = take_resets(&mut over);
    assert_eq!(
        paths.dotted(),
        ["services.web.ports", "services.web.networks"]
    );
    assert_eq!(
        over.to_json(),
        json!({"services": {"web": {"networks": ["a"], "dns": ["y"]}}})
    );
    let networks = over
        .as_map()
        .unwrap()
        .get("services")
        .unwrap()
        .as_map()
        .unwrap()
        .get("web")
        .unwrap()
        .as_map()
        .unwrap()
        .get("networks")
        .unwrap();
    assert_eq!(networks.tag, Some(Tag::Override));
}

#[test]
fn apply_resets_then_merge_is_the_same_as_merge() {
    let base = json!({"services": {"web": {"image": "x", "ports": ["1:1"], "dns": ["a"]}}});
    let over =
        json!({"services": {"web": {"ports": {"!reset": null}, "dns": {"!override": ["b"]}}}});
    let mut b = tree(&base);
    let mut o = tree(&over);
    apply_resets(&mut b, &mut o).unwrap();
    let two_steps = merge(b, o).unwrap().to_json();
    let one_step = merge(tree(&base), tree(&over)).unwrap().to_json();
    assert_eq!(two_steps, one_step);
    assert_eq!(
        one_step,
        json!({"services": {"web": {"image": "x", "dns": ["b"]}}})
    );
}

#[test]
fn merge_service_uses_service_rules() {
    let out = merge_service(
        tree(&json!({"command": ["a"], "environment": {"B": "1", "A": "2"}})),
        tree(&json!({"command": ["b"], "environment": ["C=3"]})),
    )
    .unwrap();
    assert_eq!(
        out.to_json(),
        json!({"command": ["b"], "environment": ["A=2", "B=1", "C=3"]})
    );
}

#[test]
fn unicity_errors_carry_span_and_path() {
    let span = Span {
        file: hoist_loader::FileId(0),
        line: 7,
        col: 9,
        offset: 70,
    };
    let mut root = tree(&json!({"services": {"web": {"cap_add": ["NET_ADMIN"]}}}));
    if let Some(Value::Seq(items)) = root
        .as_map_mut()
        .and_then(|m| m.get_mut("services"))
        .and_then(Node::as_map_mut)
        .and_then(|m| m.get_mut("web"))
        .and_then(Node::as_map_mut)
        .and_then(|m| m.get_mut("cap_add"))
        .map(|n| &mut n.value)
    {
        items.push(Node::new(Value::Int(3), span));
    }
    let err = enforce_unicity(&mut root).unwrap_err();
    assert_eq!(err.span, Some(span));
    assert_eq!(err.path.as_deref(), Some("services.web.cap_add[1]"));
}

#[test]
fn ports_long_syntax_keys_use_defaults() {
    let out = web(
        json!({"ports": [{"target": 80, "published": "8080"}, {"target": 80, "published": "8080", "protocol": "udp"}]}),
        json!({"ports": [{"target": 80, "published": "8080", "host_ip": "0.0.0.0", "protocol": "tcp", "mode": "host"}]}),
    );
    assert_eq!(
        out["ports"],
        json!([{"target": 80, "published": "8080", "host_ip": "0.0.0.0", "protocol": "tcp", "mode": "host"}, {"target": 80, "published": "8080", "protocol": "udp"}])
    );
}

#[test]
fn ports_short_and_long_are_not_merged_before_canonicalisation() {
    let out = web(
        json!({"ports": [{"target": 80, "published": "8080"}]}),
        json!({"ports": ["8080:80"]}),
    );
    assert_eq!(
        out["ports"],
        json!([{"target": 80, "published": "8080"}, "8080:80"])
    );
}

#[test]
fn devices_keyed_by_container_path() {
    let out = web(
        json!({"devices": ["/dev/a:/dev/x"]}),
        json!({"devices": ["/dev/b:/dev/x", "/dev/c"]}),
    );
    assert_eq!(out["devices"], json!(["/dev/b:/dev/x", "/dev/c"]));
}

#[test]
fn env_file_string_and_mapping_share_path() {
    let out = web(
        json!({"env_file": "a.env"}),
        json!({"env_file": [{"path": "a.env", "required": false}]}),
    );
    assert_eq!(
        out["env_file"],
        json!([{"path": "a.env", "required": false}])
    );
}

#[test]
fn service_level_models_list_then_mapping() {
    let out = web(
        json!({"models": ["llm"]}),
        json!({"models": {"llm": {"endpoint_var": "URL"}}}),
    );
    assert_eq!(out["models"], json!({"llm": {"endpoint_var": "URL"}}));
}

#[test]
fn whole_document_reset_leaves_base() {
    let mut over = tree(&json!({"services": {}}));
    over.tag = Some(Tag::Reset);
    let out = merge(tree(&json!({"services": {"web": {"image": "x"}}})), over).unwrap();
    assert_eq!(out.to_json(), json!({"services": {"web": {"image": "x"}}}));
}
