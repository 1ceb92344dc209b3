//! [`normalize`]: compose-go's `loader.Normalize`, the last step before typed binding
//! (skipped by `config --no-normalize`).
//!
//! It sets the project `name`; gives every service that has neither `network_mode` nor
//! `provider` the `default` network when it names none, and declares the top-level
//! `default` network when some service uses it; adds the implicit `depends_on` entries that
//! `links`, `service:X` namespaces (`network_mode`, `ipc`, `pid`, `uts`, `cgroup`) and
//! `volumes_from` imply; cleans volume targets; fills `build` defaults and resolves valueless
//! `build.args` and `environment` entries; names resources `<project>_<key>` (or `<key>` when
//! external); maps `pull_policy: if_not_present` to `missing`; and completes `pre_start` hooks
//! with the service's container attributes (image, networks, environment…).

use indexmap::IndexMap;

use super::volumes::clean_path;
use super::{bool_node, map_node, null_node, scalar_text, str_node};
use crate::error::{LoadError, Result};
use crate::merge::{enforce_unicity, merge_service};
use crate::node::{Mapping, Node, Value};
use crate::source::Span;

/// Normalises a whole canonical model for project `project_name`, with the project
/// environment `env`.
pub fn normalize(
    root: &mut Node,
    project_name: &str,
    env: &IndexMap<String, String>,
) -> Result<()> {
    let root_span = root.span;
    let Some(top) = root.as_map_mut() else {
        return Err(LoadError::at(
            root_span,
            "top-level object must be a mapping",
        ));
    };
    normalize_networks(top);
    if let Some(services) = top.get_mut("services").and_then(Node::as_map_mut) {
        for service in &mut services.entries {
            if let Some(svc) = service.value.as_map_mut() {
                normalize_service(svc, service.key_span, env);
            }
        }
    }
    match top.get_mut("name") {
        Some(name) => name.value = Value::String(project_name.to_string()),
        None => top.insert(
            "name",
            Span::SYNTHETIC,
            str_node(project_name, Span::SYNTHETIC),
        ),
    }
    name_resources(top, project_name);
    Ok(())
}

fn normalize_networks(top: &mut Mapping) {
    let mut uses_default = false;
    if let Some(services) = top.get_mut("services").and_then(Node::as_map_mut) {
        for service in &mut services.entries {
            let span = service.key_span;
            let Some(svc) = service.value.as_map_mut() else {
                continue;
            };
            if svc.contains_key("provider") || svc.contains_key("network_mode") {
                continue;
            }
            let networks = svc.get("networks");
            let empty = match networks.map(|n| &n.value) {
                None | Some(Value::Null) => true,
                Some(Value::Map(m)) => m.is_empty(),
                Some(Value::Seq(s)) => s.is_empty(),
                Some(_) => false,
            };
            if empty {
                let span = networks.map(|n| n.span).unwrap_or(span);
                svc.insert(
                    "networks",
                    span,
                    map_node(span, vec![("default", null_node(span))]),
                );
                uses_default = true;
            } else if networks
                .and_then(Node::as_map)
                .is_some_and(|m| m.contains_key("default"))
            {
                uses_default = true;
            }
        }
    }
    if !uses_default {
        return;
    }
    match top.get_mut("networks") {
        Some(n) if n.as_map().is_some() => {
            if let Some(m) = n.as_map_mut() {
                if !m.contains_key("default") {
                    m.insert("default", Span::SYNTHETIC, null_node(Span::SYNTHETIC));
                }
            }
        }
        _ => {
            let networks = map_node(
                Span::SYNTHETIC,
                vec![("default", null_node(Span::SYNTHETIC))],
            );
            top.insert("networks", Span::SYNTHETIC, networks);
        }
    }
}

/// A `depends_on` entry the model implies (`restart` tells whether the dependency restarts
/// the dependent service).
fn implicit_dependency(span: Span, restart: bool) -> Node {
    map_node(
        span,
        vec![
            ("condition", str_node("service_started", span)),
            ("restart", bool_node(restart, span)),
            ("required", bool_node(true, span)),
        ],
    )
}

fn normalize_service(svc: &mut Mapping, span: Span, env: &IndexMap<String, String>) {
    if let Some(policy) = svc.get_mut("pull_policy") {
        if policy.as_str() == Some("if_not_present") {
            policy.value = Value::String("missing".to_string());
        }
    }
    if let Some(build) = svc.get_mut("build") {
        let bspan = build.span;
        if let Some(b) = build.as_map_mut() {
            if b.get("context").is_none_or(Node::is_null) {
                b.insert("context", bspan, str_node(".", bspan));
            }
            if b.get("dockerfile").is_none_or(Node::is_null)
                && b.get("dockerfile_inline").is_none_or(Node::is_null)
            {
                b.insert("dockerfile", bspan, str_node("Dockerfile", bspan));
            }
            if let Some(args) = b.get_mut("args") {
                resolve_values(args, env, false);
            }
        }
    }
    if let Some(environment) = svc.get_mut("environment") {
        resolve_values(environment, env, true);
    }

    inherit_into_pre_start_hooks(svc);

    let mut implied: Vec<(String, Node)> = Vec::new();
    if let Some(Value::Seq(links)) = svc.get("links").map(|n| &n.value) {
        for link in links {
            let Some(text) = link.as_str() else { continue };
            let parts: Vec<&str> = text.split(':').collect();
            let name = if parts.len() == 2 { parts[0] } else { text };
            implied.push((name.to_string(), implicit_dependency(link.span, true)));
        }
    }
    for namespace in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
        if let Some(node) = svc.get(namespace) {
            if let Some(shared) = node.as_str().and_then(|s| s.strip_prefix("service:")) {
                implied.push((shared.to_string(), implicit_dependency(node.span, true)));
            }
        }
    }
    if let Some(Value::Seq(volumes)) = svc.get_mut("volumes").map(|n| &mut n.value) {
        for volume in volumes.iter_mut() {
            if let Some(target) = volume.as_map_mut().and_then(|v| v.get_mut("target")) {
                if let Value::String(t) = &mut target.value {
                    *t = clean_path(t);
                }
            }
        }
    }
    if let Some(Value::Seq(from)) = svc.get("volumes_from").map(|n| &n.value) {
        for item in from {
            let Some(text) = item.as_str() else { continue };
            if text.starts_with("container:") {
                continue;
            }
            let name = text.split(':').next().unwrap_or(text);
            implied.push((name.to_string(), implicit_dependency(item.span, false)));
        }
    }
    if implied.is_empty() {
        return;
    }
    if !svc.contains_key("depends_on") {
        svc.insert("depends_on", span, Node::map(span));
    }
    // A `depends_on` that is not a mapping was not canonicalised: leave it to the typed model.
    if let Some(deps) = svc.get_mut("depends_on").and_then(Node::as_map_mut) {
        for (name, dep) in implied {
            if !deps.contains_key(&name) {
                let s = dep.span;
                deps.insert(name, s, dep);
            }
        }
    }
}

/// The container attributes a `pre_start` hook inherits from its service (the schema's
/// `container_spec`, except `volumes`, which a hook only has when it declares them).
const HOOK_INHERITED_KEYS: &[&str] = &[
    "annotations",
    "blkio_config",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "environment",
    "extra_hosts",
    "gpus",
    "group_add",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "label_file",
    "labels",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "privileged",
    "pull_policy",
    "pull_refresh_after",
    "read_only",
    "runtime",
    "secrets",
    "security_opt",
    "shm_size",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volumes_from",
    "working_dir",
];

/// Completes every `pre_start` hook with the service's container attributes: the service's
/// settings form the base and the hook's own declarations are merged over them with the
/// override rules (collections are completed, scalars replaced).
fn inherit_into_pre_start_hooks(svc: &mut Mapping) {
    let mut base = Mapping::new();
    for entry in &svc.entries {
        if HOOK_INHERITED_KEYS.contains(&entry.key.as_str()) {
            base.insert(entry.key.clone(), entry.key_span, entry.value.clone());
        }
    }
    let Some(Value::Seq(hooks)) = svc.get_mut("pre_start").map(|n| &mut n.value) else {
        return;
    };
    for hook in hooks.iter_mut() {
        if hook.as_map().is_none() {
            continue;
        }
        let span = hook.span;
        let own = std::mem::replace(hook, Node::new(Value::Null, span));
        let inherited = Node::new(Value::Map(base.clone()), span);
        *hook = match merge_service(inherited, own.clone()).and_then(deduplicate_hook) {
            Ok(mut merged) => {
                merged.span = span;
                merged
            }
            Err(_) => own,
        };
    }
}

/// De-duplicates the sequences of a merged hook by key, as for a service (the hook's own
/// `A=2` replaces the inherited `A=1` in place).
fn deduplicate_hook(hook: Node) -> Result<Node> {
    let span = hook.span;
    let mut services = Mapping::new();
    services.insert("hook", span, hook);
    let mut top = Mapping::new();
    top.insert("services", span, Node::new(Value::Map(services), span));
    let mut root = Node::new(Value::Map(top), span);
    enforce_unicity(&mut root)?;
    root.as_map_mut()
        .and_then(|m| m.remove("services"))
        .and_then(|mut s| s.as_map_mut().and_then(|m| m.remove("hook")))
        .ok_or_else(|| LoadError::at(span, "pre_start hook lost while merging"))
}

/// Resolves valueless entries (`KEY: null` or `KEY`) from `env`; unresolved ones are kept as
/// they are when `keep_unresolved`, dropped otherwise.
fn resolve_values(node: &mut Node, env: &IndexMap<String, String>, keep_unresolved: bool) {
    match &mut node.value {
        Value::Map(map) => {
            map.entries.retain_mut(|entry| {
                if !entry.value.is_null() {
                    return true;
                }
                match env.get(&entry.key) {
                    Some(v) => {
                        entry.value = str_node(v.clone(), entry.value.span);
                        true
                    }
                    None => keep_unresolved,
                }
            });
        }
        Value::Seq(items) => {
            items.retain_mut(|item| {
                let Some(text) = item.as_str().map(str::to_string) else {
                    return false;
                };
                if text.contains('=') {
                    return true;
                }
                match env.get(&text) {
                    Some(v) => {
                        item.value = Value::String(format!("{text}={v}"));
                        true
                    }
                    None => keep_unresolved,
                }
            });
            // An empty list here is a nil list in compose-go: YAML prints `[]`, JSON `null`
            // (see `config`'s rendering of the untyped model).
        }
        _ => {}
    }
}

/// Go's `strconv.ParseBool(fmt.Sprint(x))`.
fn is_true(node: &Node) -> bool {
    matches!(
        scalar_text(node).as_deref(),
        Some("1" | "t" | "T" | "true" | "TRUE" | "True")
    )
}

fn name_resources(top: &mut Mapping, project_name: &str) {
    for kind in ["networks", "volumes", "configs", "secrets"] {
        let Some(resources) = top.get_mut(kind).and_then(Node::as_map_mut) else {
            continue;
        };
        for entry in &mut resources.entries {
            let span = entry.value.span;
            if entry.value.is_null() {
                entry.value = Node::map(span);
            }
            let Some(resource) = entry.value.as_map_mut() else {
                continue;
            };
            if resource.get("name").is_none_or(Node::is_null) {
                let external = resource.get("external").is_some_and(is_true);
                let name = if external {
                    entry.key.clone()
                } else {
                    format!("{project_name}_{}", entry.key)
                };
                resource.insert("name", entry.key_span, str_node(name, entry.key_span));
            }
        }
    }
}
