//! [`canonicalize`]: compose-go's `transform.Canonical`, every short syntax to its long form.
//!
//! [`prepare_for_binding`] is the separate pass, run by `load` just before typed binding, that
//! gives list/map attributes the single shape the typed model binds (the shape
//! `docker compose config --format json` prints): compose-go does those conversions while
//! binding, so the untyped model (`config --no-interpolate`) keeps what the user wrote.

use super::ports::parse_port_spec;
use super::volumes::{clean_path, parse_volume_spec, VolumeSpec};
use super::{bool_node, child_path, index_path, map_node, null_node, scalar_text, shell, str_node};
use crate::error::{LoadError, Result};
use crate::node::{Entry, Mapping, Node, Value};
use crate::source::Span;

/// Options of [`canonicalize_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CanonicalOptions {
    /// Keep short-syntax ports, volumes and devices that do not parse as they are instead of
    /// failing (compose-go does this when interpolation is skipped, as `${VAR}` is left in).
    pub ignore_parse_errors: bool,
}

/// Rewrites every short syntax of a whole model into its long syntax, in place.
pub fn canonicalize(root: &mut Node) -> Result<()> {
    canonicalize_with(root, CanonicalOptions::default())
}

/// [`canonicalize`] with options.
pub fn canonicalize_with(root: &mut Node, options: CanonicalOptions) -> Result<()> {
    canonicalize_reporting(root, options).map(|_| ())
}

/// [`canonicalize_with`], also returning the deprecation warnings Docker Compose prints
/// (`networks.x: external.name is deprecated…`), each with its span, path and hint.
pub fn canonicalize_reporting(
    root: &mut Node,
    options: CanonicalOptions,
) -> Result<Vec<LoadError>> {
    let mut warnings = Vec::new();
    let span = root.span;
    let Some(top) = root.as_map_mut() else {
        return Err(LoadError::at(span, "top-level object must be a mapping"));
    };
    for entry in &mut top.entries {
        let key = entry.key.clone();
        match key.as_str() {
            "services" => {
                if let Some(services) = entry.value.as_map_mut() {
                    for service in &mut services.entries {
                        let path = format!("services.{}", service.key);
                        canonical_service(&mut service.value, &path, options)?;
                    }
                }
            }
            "volumes" | "networks" | "secrets" | "configs" => {
                if let Some(resources) = entry.value.as_map_mut() {
                    for resource in &mut resources.entries {
                        let path = format!("{key}.{}", resource.key);
                        canonical_resource(&mut resource.value, &path, &mut warnings)?;
                    }
                }
            }
            "include" => {
                if let Value::Seq(items) = &mut entry.value.value {
                    for (i, item) in items.iter_mut().enumerate() {
                        canonical_include(item, &index_path("include", i))?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(warnings)
}

fn type_error(node: &Node, path: &str, what: &str) -> LoadError {
    LoadError::at(
        node.span,
        format!("{path}: invalid type {} for {what}", node.kind_name()),
    )
    .with_path(path)
}

fn canonical_service(service: &mut Node, path: &str, options: CanonicalOptions) -> Result<()> {
    let Some(map) = service.as_map_mut() else {
        return Ok(());
    };
    for Entry { key, value, .. } in &mut map.entries {
        // The key path is only made for the attributes that need it (in their errors).
        let p = || child_path(path, key);
        let node = value;
        match key.as_str() {
            "build" => canonical_build(node, &p())?,
            "depends_on" => canonical_depends_on(node, &p())?,
            "env_file" => canonical_env_file(node, &p())?,
            "label_file" | "dns" => string_to_list(node),
            "extends" => string_to_map(node, &p(), "service", "extends")?,
            "gpus" => canonical_gpus(node, &p())?,
            "networks" | "models" => list_to_null_map(node, &p())?,
            "volumes" => for_each_item(node, &p(), |item, ip| canonical_volume(item, ip, options))?,
            "devices" => for_each_item(node, &p(), |item, ip| canonical_device(item, ip, options))?,
            "secrets" | "configs" => for_each_item(node, &p(), canonical_file_mount)?,
            "ports" => canonical_ports(node, &p(), options)?,
            "ulimits" => canonical_ulimits(node, &p())?,
            "develop" => canonical_develop(node),
            // A `pre_start` hook is a container specification of its own.
            "pre_start" => {
                for_each_item(node, &p(), |hook, hp| canonical_service(hook, hp, options))?
            }
            _ => {}
        }
    }
    Ok(())
}

/// Gives a whole canonical model the shapes the typed model binds, in place: the conversions
/// compose-go leaves to typed binding (so `config --no-interpolate`, which prints the untyped
/// model, does not show them). `environment`, `labels`, `annotations`, `sysctls`,
/// `deploy.labels`, `build.args` and `build.labels` become mappings with string values,
/// `command` and `entrypoint` strings are shell-split, a `healthcheck.test` string becomes
/// `["CMD-SHELL", …]`, `extra_hosts` become `host=ip` lists, `dns_search` and `tmpfs`
/// strings become lists, numeric logging, device-request and `driver_opts` options become
/// strings, and so does a long-syntax port's numeric `published`.
///
/// Run it on the result of [`crate::load::load_model`], before the project operations and
/// [`crate::model::Project::from_node`].
pub fn prepare_for_binding(root: &mut Node) -> Result<()> {
    if let Some(services) = root
        .as_map_mut()
        .and_then(|m| m.get_mut("services"))
        .and_then(Node::as_map_mut)
    {
        for service in &mut services.entries {
            let path = format!("services.{}", service.key);
            binding_service(&mut service.value, &path)?;
        }
    }
    let Some(top) = root.as_map_mut() else {
        return Ok(());
    };
    for kind in ["volumes", "networks", "secrets", "configs"] {
        let Some(resources) = top.get_mut(kind).and_then(Node::as_map_mut) else {
            continue;
        };
        for resource in &mut resources.entries {
            let path = format!("{kind}.{}.labels", resource.key);
            let Some(res) = resource.value.as_map_mut() else {
                continue;
            };
            if let Some(labels) = res.get_mut("labels") {
                list_to_map(labels, &path, ListValue::Empty)?;
            }
            if let Some(options) = res.get_mut("driver_opts") {
                stringify_values(options);
            }
        }
    }
    Ok(())
}

fn binding_service(service: &mut Node, path: &str) -> Result<()> {
    let Some(map) = service.as_map_mut() else {
        return Ok(());
    };
    for Entry { key, value, .. } in &mut map.entries {
        // The key path is only made for the attributes that need it (in their errors).
        let p = || child_path(path, key);
        let node = value;
        match key.as_str() {
            "build" => binding_build(node, &p())?,
            "dns_search" | "tmpfs" => string_to_list(node),
            "command" | "entrypoint" => canonical_command(node, &p())?,
            "environment" => list_to_map(node, &p(), ListValue::Null)?,
            "labels" | "annotations" | "sysctls" => list_to_map(node, &p(), ListValue::Empty)?,
            "extra_hosts" => canonical_extra_hosts(node, &p())?,
            "healthcheck" => canonical_healthcheck(node),
            "pre_start" => for_each_item(node, &p(), binding_service)?,
            // The typed model reads `published` as a string (`8080` and `"8080"` agree).
            "ports" => {
                if let Value::Seq(ports) = &mut node.value {
                    for port in ports.iter_mut() {
                        let published = port.as_map_mut().and_then(|m| m.get_mut("published"));
                        if let Some(published) = published {
                            if let Value::Int(n) = published.value {
                                published.value = Value::String(n.to_string());
                            }
                        }
                    }
                }
            }
            "deploy" => {
                if let Some(labels) = node.as_map_mut().and_then(|d| d.get_mut("labels")) {
                    list_to_map(labels, &child_path(&p(), "labels"), ListValue::Empty)?;
                }
                let devices = node
                    .as_map_mut()
                    .and_then(|d| d.get_mut("resources"))
                    .and_then(Node::as_map_mut)
                    .and_then(|r| r.get_mut("reservations"))
                    .and_then(Node::as_map_mut)
                    .and_then(|r| r.get_mut("devices"));
                if let Some(Value::Seq(devices)) = devices.map(|d| &mut d.value) {
                    for device in devices.iter_mut() {
                        if let Some(options) =
                            device.as_map_mut().and_then(|d| d.get_mut("options"))
                        {
                            stringify_values(options);
                        }
                    }
                }
            }
            "logging" => {
                if let Some(options) = node.as_map_mut().and_then(|l| l.get_mut("options")) {
                    stringify_values(options);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// In a mapping of options, numbers and booleans become strings (as the typed model reads
/// them: `max-size: 10` is `"10"`).
fn stringify_values(node: &mut Node) {
    if let Value::Map(map) = &mut node.value {
        for entry in &mut map.entries {
            if matches!(
                entry.value.value,
                Value::Bool(_) | Value::Int(_) | Value::Float(_)
            ) {
                entry.value.value = Value::String(scalar_text(&entry.value).unwrap_or_default());
            }
        }
    }
}

/// Applies `f` to every item of a sequence node (with its `path[i]`).
fn for_each_item(
    node: &mut Node,
    path: &str,
    mut f: impl FnMut(&mut Node, &str) -> Result<()>,
) -> Result<()> {
    if let Value::Seq(items) = &mut node.value {
        for (i, item) in items.iter_mut().enumerate() {
            f(item, &index_path(path, i))?;
        }
    }
    Ok(())
}

/// `"x"` becomes `["x"]`.
fn string_to_list(node: &mut Node) {
    if let Value::String(_) = node.value {
        let item = node.clone();
        node.value = Value::Seq(vec![item]);
    }
}

/// `"x"` becomes `{key: "x"}`; mappings are kept; other kinds are an error.
fn string_to_map(node: &mut Node, path: &str, key: &str, what: &str) -> Result<()> {
    match &node.value {
        Value::String(s) => {
            *node = map_node(node.span, vec![(key, str_node(s.clone(), node.span))]);
            Ok(())
        }
        Value::Map(_) => Ok(()),
        _ => Err(type_error(node, path, what)),
    }
}

fn canonical_build(node: &mut Node, path: &str) -> Result<()> {
    string_to_map(node, path, "context", "build")?;
    let Some(build) = node.as_map_mut() else {
        return Ok(());
    };
    for entry in &mut build.entries {
        let p = child_path(path, &entry.key);
        let value = &mut entry.value;
        match entry.key.as_str() {
            "secrets" => for_each_item(value, &p, canonical_file_mount)?,
            "provenance" | "sbom" => {
                if let Some(text) = scalar_text(value) {
                    if !matches!(value.value, Value::String(_) | Value::Null) {
                        value.value = Value::String(text);
                    }
                }
            }
            "additional_contexts" => list_to_map(value, &p, ListValue::Required)?,
            "ssh" => canonical_ssh(value, &p)?,
            "ulimits" => canonical_ulimits(value, &p)?,
            _ => {}
        }
    }
    Ok(())
}

/// The binding-time shapes of `build` (see [`prepare_for_binding`]).
fn binding_build(node: &mut Node, path: &str) -> Result<()> {
    let Some(build) = node.as_map_mut() else {
        return Ok(());
    };
    for entry in &mut build.entries {
        let p = child_path(path, &entry.key);
        let value = &mut entry.value;
        match entry.key.as_str() {
            "args" => list_to_map(value, &p, ListValue::Null)?,
            "labels" => list_to_map(value, &p, ListValue::Empty)?,
            "extra_hosts" => canonical_extra_hosts(value, &p)?,
            _ => {}
        }
    }
    Ok(())
}

fn condition_defaults(map: &mut Mapping, span: Span) {
    super::insert_default(map, "condition", span, str_node("service_started", span));
    super::insert_default(map, "required", span, bool_node(true, span));
}

fn canonical_depends_on(node: &mut Node, path: &str) -> Result<()> {
    match &mut node.value {
        Value::Map(deps) => {
            for entry in &mut deps.entries {
                let span = entry.value.span;
                let Some(dep) = entry.value.as_map_mut() else {
                    let p = child_path(path, &entry.key);
                    return Err(LoadError::at(span, format!("{p}: unsupported value, expected a mapping"))
                        .with_path(p)
                        .with_hint("use `condition: service_started` (or another condition) under the service name"));
                };
                condition_defaults(dep, span);
            }
            Ok(())
        }
        Value::Seq(items) => {
            let mut deps = Mapping::new();
            for (i, item) in items.iter().enumerate() {
                let Some(name) = item.as_str() else {
                    return Err(type_error(item, &index_path(path, i), "a depends_on entry"));
                };
                let mut dep = Mapping::new();
                condition_defaults(&mut dep, item.span);
                deps.insert(name, item.span, Node::new(Value::Map(dep), item.span));
            }
            node.value = Value::Map(deps);
            Ok(())
        }
        _ => Err(type_error(node, path, "depends_on")),
    }
}

fn env_file_entry(item: &mut Node, path: &str) -> Result<()> {
    let span = item.span;
    match &mut item.value {
        Value::String(s) => {
            let path_node = str_node(std::mem::take(s), span);
            *item = map_node(
                span,
                vec![("path", path_node), ("required", bool_node(true, span))],
            );
            Ok(())
        }
        Value::Map(m) => {
            super::insert_default(m, "required", span, bool_node(true, span));
            Ok(())
        }
        _ => Err(type_error(item, path, "env_file")),
    }
}

fn canonical_env_file(node: &mut Node, path: &str) -> Result<()> {
    match &node.value {
        Value::String(_) => {
            string_to_list(node);
            for_each_item(node, path, env_file_entry)
        }
        Value::Seq(_) => for_each_item(node, path, env_file_entry),
        _ => Err(type_error(node, path, "env_file")),
    }
}

fn canonical_gpus(node: &mut Node, path: &str) -> Result<()> {
    match &node.value {
        Value::Seq(_) => Ok(()),
        Value::String(_) => {
            let span = node.span;
            node.value = Value::Seq(vec![map_node(span, vec![("count", str_node("all", span))])]);
            Ok(())
        }
        _ => Err(type_error(node, path, "gpus")),
    }
}

/// `[a, b]` becomes `{a: null, b: null}`.
fn list_to_null_map(node: &mut Node, path: &str) -> Result<()> {
    if let Value::Seq(items) = &node.value {
        let mut map = Mapping::new();
        for (i, item) in items.iter().enumerate() {
            let Some(name) = item.as_str() else {
                return Err(type_error(item, &index_path(path, i), "a name"));
            };
            map.insert(name, item.span, null_node(item.span));
        }
        node.value = Value::Map(map);
    }
    Ok(())
}

/// What a list entry without `=` becomes in [`list_to_map`].
#[derive(Clone, Copy, PartialEq)]
enum ListValue {
    /// `K` means `K: null` (environment, build args: resolved later).
    Null,
    /// `K` means `K: ""` (labels, sysctls, annotations).
    Empty,
    /// `K` is an error (additional_contexts).
    Required,
}

/// `["K=V", "K2"]` becomes `{K: V, K2: …}`; in mappings, numbers and booleans become
/// strings and `null` follows `missing` (as the typed model reads them).
fn list_to_map(node: &mut Node, path: &str, missing: ListValue) -> Result<()> {
    if let Value::Map(map) = &mut node.value {
        for entry in &mut map.entries {
            let value = &mut entry.value;
            match &value.value {
                Value::Null if missing == ListValue::Empty => {
                    value.value = Value::String(String::new())
                }
                Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                    value.value = Value::String(scalar_text(value).unwrap_or_default());
                }
                _ => {}
            }
        }
        return Ok(());
    }
    let Value::Seq(items) = &node.value else {
        return Ok(());
    };
    let mut map = Mapping::new();
    for (i, item) in items.iter().enumerate() {
        let ip = index_path(path, i);
        let Some(text) = scalar_text(item) else {
            return Err(type_error(item, &ip, "a `KEY=VALUE` entry"));
        };
        let value = match text.split_once('=') {
            Some((k, v)) => {
                if missing == ListValue::Null && k.ends_with(char::is_whitespace) {
                    return Err(LoadError::at(
                        item.span,
                        format!("environment variable {k} is declared with a trailing space"),
                    )
                    .with_path(ip)
                    .with_hint("remove the space before `=`"));
                }
                Some((k.to_string(), str_node(v, item.span)))
            }
            None => match missing {
                ListValue::Null => Some((text.clone(), null_node(item.span))),
                ListValue::Empty => Some((text.clone(), str_node("", item.span))),
                ListValue::Required => {
                    return Err(LoadError::at(
                        item.span,
                        format!("{path}: invalid value {text}, expected key=value"),
                    )
                    .with_path(ip)
                    .with_hint("write entries as `name=value`"));
                }
            },
        };
        if let Some((k, v)) = value {
            map.insert(k, item.span, v);
        }
    }
    node.value = Value::Map(map);
    Ok(())
}

fn canonical_volume(item: &mut Node, path: &str, options: CanonicalOptions) -> Result<()> {
    let span = item.span;
    match &item.value {
        Value::Map(_) => Ok(()),
        Value::String(spec) => match parse_volume_spec(spec) {
            Ok(volume) => {
                *item = volume_node(&volume, span);
                Ok(())
            }
            Err(_) if options.ignore_parse_errors => Ok(()),
            Err(e) => Err(LoadError::at(span, e)
                .with_path(path)
                .with_hint("short syntax is `[SOURCE:]TARGET[:MODE]`, e.g. `./data:/data:ro`; or use the long syntax")),
        },
        _ => Err(type_error(item, path, "service volume mount")),
    }
}

/// The long form of a parsed short-syntax volume.
fn volume_node(volume: &VolumeSpec, span: Span) -> Node {
    let mut entries = vec![("type", str_node(volume.kind, span))];
    if !volume.source.is_empty() {
        entries.push(("source", str_node(volume.source.clone(), span)));
    }
    if !volume.target.is_empty() {
        entries.push(("target", str_node(clean_path(&volume.target), span)));
    }
    if volume.read_only {
        entries.push(("read_only", bool_node(true, span)));
    }
    if let Some(bind) = &volume.bind {
        let mut b = Vec::new();
        if let Some(p) = &bind.propagation {
            b.push(("propagation", str_node(p.clone(), span)));
        }
        if bind.create_host_path {
            b.push(("create_host_path", bool_node(true, span)));
        }
        if let Some(s) = &bind.selinux {
            b.push(("selinux", str_node(s.clone(), span)));
        }
        entries.push(("bind", map_node(span, b)));
    }
    if let Some(v) = &volume.volume {
        let mut o = Vec::new();
        if v.nocopy {
            o.push(("nocopy", bool_node(true, span)));
        }
        entries.push(("volume", map_node(span, o)));
    }
    map_node(span, entries)
}

fn canonical_device(item: &mut Node, path: &str, options: CanonicalOptions) -> Result<()> {
    let span = item.span;
    match &item.value {
        Value::Map(_) => Ok(()),
        Value::String(spec) => {
            let parts: Vec<&str> = spec.split(':').collect();
            let (source, mut target, permissions) = match parts.as_slice() {
                [s] => (*s, "", "rwm"),
                [s, t] => (*s, *t, "rwm"),
                [s, t, p] => (*s, *t, *p),
                _ if options.ignore_parse_errors => ("", "", "rwm"),
                _ => {
                    return Err(LoadError::at(
                        span,
                        format!("confusing device mapping, please use long syntax: {spec}"),
                    )
                    .with_path(path)
                    .with_hint("use `source:` / `target:` / `permissions:` keys"));
                }
            };
            if target.is_empty() {
                target = source;
            }
            *item = map_node(
                span,
                vec![
                    ("source", str_node(source, span)),
                    ("target", str_node(target, span)),
                    ("permissions", str_node(permissions, span)),
                ],
            );
            Ok(())
        }
        _ => Err(type_error(item, path, "device mapping")),
    }
}

fn canonical_file_mount(item: &mut Node, path: &str) -> Result<()> {
    match &item.value {
        Value::Map(_) => Ok(()),
        Value::String(s) => {
            *item = map_node(item.span, vec![("source", str_node(s.clone(), item.span))]);
            Ok(())
        }
        _ => Err(LoadError::at(
            item.span,
            format!("{path}: unsupported type {}", item.kind_name()),
        )
        .with_path(path)
        .with_hint("give the name of a top-level secret/config, or a mapping with `source:`")),
    }
}

fn canonical_ports(node: &mut Node, path: &str, options: CanonicalOptions) -> Result<()> {
    let Value::Seq(items) = &node.value else {
        return Err(type_error(node, path, "ports"));
    };
    let mut ports = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let ip = index_path(path, i);
        let spec = match &item.value {
            Value::Map(_) => {
                ports.push(item.clone());
                continue;
            }
            Value::Int(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => return Err(type_error(item, &ip, "port")),
        };
        let parsed = match parse_port_spec(&spec) {
            Ok(p) => p,
            Err(_) if options.ignore_parse_errors && matches!(item.value, Value::String(_)) => {
                return Ok(())
            }
            Err(e) => {
                return Err(LoadError::at(item.span, e)
                    .with_path(ip)
                    .with_hint("short syntax is `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, e.g. `127.0.0.1:8080:80/tcp`"));
            }
        };
        for port in parsed {
            if port.target == 0 {
                return Err(LoadError::at(
                    item.span,
                    format!("service ports {path}.[{i}] is missing a target port"),
                )
                .with_path(ip)
                .with_hint("the container port (after the last `:`) must not be 0"));
            }
            let span = item.span;
            let mut entries = vec![("mode", str_node("ingress", span))];
            if !port.host_ip.is_empty() {
                entries.push(("host_ip", str_node(port.host_ip, span)));
            }
            entries.push((
                "target",
                Node::new(Value::Int(i64::from(port.target)), span),
            ));
            if !port.published.is_empty() {
                entries.push(("published", str_node(port.published, span)));
            }
            entries.push(("protocol", str_node(port.protocol, span)));
            ports.push(map_node(span, entries));
        }
    }
    node.value = Value::Seq(ports);
    Ok(())
}

fn canonical_ulimits(node: &mut Node, path: &str) -> Result<()> {
    let Some(map) = node.as_map() else {
        return Ok(());
    };
    for (key, value) in map.iter() {
        if !matches!(value.value, Value::Int(_) | Value::Map(_)) {
            let p = child_path(path, key);
            return Err(type_error(value, &p, "ulimit")
                .with_hint("use a number, or a mapping with `soft:` and `hard:`"));
        }
    }
    Ok(())
}

fn canonical_ssh(node: &mut Node, path: &str) -> Result<()> {
    match &node.value {
        Value::Map(_) => Ok(()),
        Value::Seq(items) => {
            let mut map = Mapping::new();
            for (i, item) in items.iter().enumerate() {
                let ip = index_path(path, i);
                let Some(text) = item.as_str() else {
                    return Err(LoadError::at(
                        item.span,
                        format!("invalid ssh key type {}", item.kind_name()),
                    )
                    .with_path(ip));
                };
                match text.split_once('=') {
                    Some((id, key_path)) => {
                        map.insert(id, item.span, str_node(key_path, item.span))
                    }
                    None if text == "default" => map.insert(text, item.span, null_node(item.span)),
                    None => {
                        return Err(
                            LoadError::at(item.span, format!("invalid ssh key {text:?}"))
                                .with_path(ip)
                                .with_hint("use `default` or `ID=PATH`"),
                        );
                    }
                }
            }
            node.value = Value::Map(map);
            Ok(())
        }
        _ => Err(type_error(node, path, "ssh")),
    }
}

fn canonical_develop(node: &mut Node) {
    let Some(develop) = node.as_map_mut() else {
        return;
    };
    let Some(watch) = develop.get_mut("watch") else {
        return;
    };
    if let Value::Seq(rules) = &mut watch.value {
        for rule in rules.iter_mut() {
            if let Some(rule) = rule.as_map_mut() {
                for key in ["ignore", "include"] {
                    if let Some(v) = rule.get_mut(key) {
                        string_to_list(v);
                    }
                }
            }
        }
    }
}

fn canonical_command(node: &mut Node, path: &str) -> Result<()> {
    let span = node.span;
    if let Value::String(line) = &node.value {
        let words = shell::split_command_line(line).map_err(|e| {
            LoadError::at(span, e)
                .with_path(path)
                .with_hint("check the quotes, or write the command as a list")
        })?;
        node.value = Value::Seq(words.into_iter().map(|w| str_node(w, span)).collect());
    }
    Ok(())
}

fn canonical_healthcheck(node: &mut Node) {
    let Some(hc) = node.as_map_mut() else { return };
    if let Some(test) = hc.get_mut("test") {
        let span = test.span;
        if let Value::String(s) = &test.value {
            let cmd = s.clone();
            test.value = Value::Seq(vec![str_node("CMD-SHELL", span), str_node(cmd, span)]);
        }
    }
}

/// `extra_hosts` as a list of `host=ip` (from `host:ip`, `host=ip`, `host=ip1,ip2` or a
/// mapping whose values are an IP or a list of IPs). IPv6 brackets are removed.
fn canonical_extra_hosts(node: &mut Node, path: &str) -> Result<()> {
    let mut pairs: Vec<(String, String, Span)> = Vec::new();
    match &node.value {
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let ip_path = index_path(path, i);
                let text = scalar_text(item)
                    .ok_or_else(|| type_error(item, &ip_path, "extra_hosts entry"))?;
                let Some((host, ips)) = text.split_once('=').or_else(|| text.split_once(':'))
                else {
                    return Err(LoadError::at(
                        item.span,
                        format!("invalid additional host, missing IP: {text}"),
                    )
                    .with_path(ip_path)
                    .with_hint("write `host=ip` (or `host:ip`)"));
                };
                for ip in ips.split(',') {
                    pairs.push((host.to_string(), ip.to_string(), item.span));
                }
            }
        }
        Value::Map(map) => {
            for entry in &map.entries {
                match &entry.value.value {
                    Value::Seq(ips) => {
                        for ip in ips {
                            pairs.push((
                                entry.key.clone(),
                                scalar_text(ip).unwrap_or_default(),
                                ip.span,
                            ));
                        }
                    }
                    _ => {
                        let Some(ip) = scalar_text(&entry.value) else {
                            let p = child_path(path, &entry.key);
                            return Err(type_error(&entry.value, &p, "extra_hosts entry"));
                        };
                        pairs.push((entry.key.clone(), ip, entry.value.span));
                    }
                }
            }
        }
        _ => return Err(type_error(node, path, "extra_hosts")),
    }
    let mut list = Vec::new();
    for (host, ip, span) in pairs {
        if host.is_empty() || host.contains([':', '=']) {
            return Err(LoadError::at(span, format!("bad host name '{host}'"))
                .with_path(path)
                .with_hint("write `host=ip`; IPv6 addresses go after `=`"));
        }
        let ip = match ip.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(inner) if ip.len() > 2 => inner.to_string(),
            _ => ip,
        };
        list.push(str_node(format!("{host}={ip}"), span));
    }
    node.value = Value::Seq(list);
    Ok(())
}

/// Top-level volumes, networks, secrets, configs: `external: {name: x}` (deprecated) becomes
/// `external: true` plus `name: x`; `labels` lists become mappings.
fn canonical_resource(node: &mut Node, path: &str, warnings: &mut Vec<LoadError>) -> Result<()> {
    let Some(resource) = node.as_map_mut() else {
        return Ok(());
    };
    let Some(external) = resource.get("external") else {
        return Ok(());
    };
    let Some(ext_map) = external.as_map() else {
        return Ok(());
    };
    let ext_span = external.span;
    let ext_name = ext_map.get("name").cloned();
    resource.insert("external", ext_span, bool_node(true, ext_span));
    if let Some(ext_name) = ext_name {
        warnings.push(
            LoadError::at(
                ext_name.span,
                format!("{path}: external.name is deprecated. Please set name and external: true"),
            )
            .with_path(child_path(path, "external.name"))
            .with_hint("write `name: <external name>` and `external: true`"),
        );
        match resource.get("name") {
            Some(name) if name.value != ext_name.value => {
                return Err(LoadError::at(
                    ext_name.span,
                    format!("{path}: name and external.name conflict; only use name"),
                )
                .with_path(child_path(path, "external.name"))
                .with_hint("`external.name` is deprecated: set `name:` and `external: true`"));
            }
            Some(_) => {}
            None => resource.insert("name", ext_name.span, ext_name),
        }
    }
    Ok(())
}

fn canonical_include(item: &mut Node, path: &str) -> Result<()> {
    match &item.value {
        Value::String(_) | Value::Map(_) => string_to_map(item, path, "path", "include"),
        _ => Err(type_error(item, path, "include")),
    }
}
