//! Project-level steps after normalisation, on the canonical tree: profiles, consistency
//! checks, service selection, pruning of unused resources, and folding `env_file` into
//! `environment` — compose-go's `WithProfiles`, `checkConsistency`, `WithServicesEnabled`,
//! `WithSelectedServices`, `WithoutUnnecessaryResources`, `WithServicesEnvironmentResolved`.
//!
//! Services split into the enabled ones (left in `root.services`) and the disabled ones
//! (returned as a separate mapping): disabled services are not orphans, and naming one on the
//! command line enables it.

use crate::canonical::scalar_text;
use crate::dotenv;
use crate::error::{did_you_mean, LoadError, Result};
use crate::node::{Mapping, Node, Value};
use crate::source::{FileId, Span};
use indexmap::{IndexMap, IndexSet};
use std::collections::HashSet;
use std::path::Path;

fn services(root: &Node) -> Option<&Mapping> {
    root.as_map()?.get("services")?.as_map()
}

fn services_mut(root: &mut Node) -> Option<&mut Mapping> {
    root.as_map_mut()?.get_mut("services")?.as_map_mut()
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn has_profile(service: &Node, profiles: &[String]) -> bool {
    let own = strings(service.as_map().and_then(|m| m.get("profiles")));
    own.is_empty() || profiles.iter().any(|p| p == "*" || own.contains(p))
}

/// Moves services whose profiles are all inactive out of `root.services` into `disabled`.
/// Services already in `disabled` whose profile became active move back.
pub fn apply_profiles(root: &mut Node, disabled: &mut Mapping, profiles: &[String]) {
    let mut all = services_mut(root).map(std::mem::take).unwrap_or_default();
    all.entries
        .append(&mut std::mem::take(&mut disabled.entries));
    all.entries.sort_by(|a, b| a.key.cmp(&b.key));
    let mut enabled = Mapping::new();
    for e in all.entries {
        if has_profile(&e.value, profiles) {
            enabled.entries.push(e);
        } else {
            disabled.entries.push(e);
        }
    }
    if let Some(s) = services_mut(root) {
        *s = enabled;
    } else if let Some(m) = root.as_map_mut() {
        m.insert(
            "services",
            Span::SYNTHETIC,
            Node::new(Value::Map(enabled), Span::SYNTHETIC),
        );
    }
}

/// Enables the named services: their profiles join the active set (compose-go
/// `WithServicesEnabled`). Returns the new active profiles.
pub fn enable_services(
    root: &mut Node,
    disabled: &mut Mapping,
    profiles: &[String],
    names: &[String],
) -> Vec<String> {
    let mut active = profiles.to_vec();
    for name in names {
        if services(root).is_some_and(|s| s.contains_key(name)) {
            continue;
        }
        if let Some(svc) = disabled.get(name) {
            active.extend(strings(svc.as_map().and_then(|m| m.get("profiles"))));
        }
    }
    apply_profiles(root, disabled, &active);
    active
}

/// Service names matching `pattern` (a shell glob, as compose uses `filepath.Match`).
fn matching<'a>(services: &'a Mapping, pattern: &str) -> Vec<&'a str> {
    services
        .entries
        .iter()
        .map(|e| e.key.as_str())
        .filter(|k| glob_match(pattern, k))
        .collect()
}

/// Minimal shell glob: `*`, `?` and `[...]` classes, like Go's `filepath.Match` on names.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn rec(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| rec(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && rec(&p[1..], &n[1..]),
            Some('[') => {
                let Some(end) = p.iter().position(|c| *c == ']') else {
                    return false;
                };
                let Some(c) = n.first() else { return false };
                let class = &p[1..end];
                let (negate, class) = match class.first() {
                    Some('^') | Some('!') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        hit |= class[i] <= *c && *c <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == *c;
                        i += 1;
                    }
                }
                hit != negate && rec(&p[end + 1..], &n[1..])
            }
            Some(ch) => n.first() == Some(ch) && rec(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    rec(&p, &n)
}

fn depends_on(service: &Node) -> Vec<(String, bool)> {
    service
        .as_map()
        .and_then(|m| m.get("depends_on"))
        .and_then(Node::as_map)
        .map(|d| {
            d.entries
                .iter()
                .map(|e| {
                    let required = e
                        .value
                        .as_map()
                        .and_then(|m| m.get("required"))
                        .map(|r| !matches!(r.value, Value::Bool(false)))
                        .unwrap_or(true);
                    (e.key.clone(), required)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Keeps only the named services and their dependencies (compose-go `WithSelectedServices`);
/// the others move to `disabled`, and dependencies on them are dropped.
pub fn select_services(root: &mut Node, disabled: &mut Mapping, names: &[String]) -> Result<()> {
    let all = services(root).cloned().unwrap_or_default();
    let mut selected: IndexSet<String> = IndexSet::new();
    let mut queue: Vec<(String, bool)> = names.iter().map(|n| (n.clone(), true)).collect();
    while let Some((pattern, required)) = queue.pop() {
        let found = matching(&all, &pattern);
        if found.is_empty() {
            if required {
                let hint = did_you_mean(&pattern, all.entries.iter().map(|e| e.key.as_str()))
                    .map(|s| format!("did you mean `{s}`?"));
                let err = LoadError::new(format!("no such service: {pattern}"));
                return Err(match hint {
                    Some(h) => err.with_hint(h),
                    None => err,
                });
            }
            continue;
        }
        for name in found {
            if selected.insert(name.to_string()) {
                if let Some(svc) = all.get(name) {
                    queue.extend(depends_on(svc));
                }
            }
        }
    }
    let Some(svcs) = services_mut(root) else {
        return Ok(());
    };
    let mut keep = Mapping::new();
    for mut e in std::mem::take(&mut svcs.entries) {
        if selected.contains(&e.key) {
            if let Some(d) = e
                .value
                .as_map_mut()
                .and_then(|m| m.get_mut("depends_on"))
                .and_then(Node::as_map_mut)
            {
                d.entries.retain(|x| selected.contains(&x.key));
            }
            keep.entries.push(e);
        } else {
            disabled.entries.push(e);
        }
    }
    *svcs = keep;
    Ok(())
}

/// Drops top-level networks, volumes, secrets, configs and models that no enabled service
/// uses (compose-go `WithoutUnnecessaryResources`, what Docker Compose does without
/// `--all-resources`).
pub fn prune_unused_resources(root: &mut Node) {
    let mut used: IndexMap<&str, IndexSet<String>> = IndexMap::new();
    for k in ["networks", "volumes", "secrets", "configs", "models"] {
        used.insert(k, IndexSet::new());
    }
    if let Some(svcs) = services(root) {
        for (_, svc) in svcs.iter() {
            let Some(m) = svc.as_map() else { continue };
            if let Some(n) = m.get("networks").and_then(Node::as_map) {
                used["networks"].extend(n.entries.iter().map(|e| e.key.clone()));
            }
            if let Some(n) = m.get("models").and_then(Node::as_map) {
                used["models"].extend(n.entries.iter().map(|e| e.key.clone()));
            }
            for v in m.get("volumes").and_then(Node::as_seq).unwrap_or_default() {
                let Some(v) = v.as_map() else { continue };
                if v.get("type").and_then(Node::as_str) == Some("volume") {
                    if let Some(s) = v
                        .get("source")
                        .and_then(Node::as_str)
                        .filter(|s| !s.is_empty())
                    {
                        used["volumes"].insert(s.to_string());
                    }
                }
            }
            let build_secrets = m
                .get("build")
                .and_then(Node::as_map)
                .and_then(|b| b.get("secrets"));
            for (key, list) in [
                ("secrets", m.get("secrets")),
                ("secrets", build_secrets),
                ("configs", m.get("configs")),
            ] {
                for s in list.and_then(Node::as_seq).unwrap_or_default() {
                    if let Some(src) = s
                        .as_map()
                        .and_then(|x| x.get("source"))
                        .and_then(Node::as_str)
                    {
                        used[key].insert(src.to_string());
                    }
                }
            }
        }
    }
    let Some(top) = root.as_map_mut() else { return };
    for (key, names) in used {
        if let Some(res) = top.get_mut(key).and_then(Node::as_map_mut) {
            res.entries.retain(|e| names.contains(&e.key));
        }
    }
}

fn path_of(service: &str, rest: &str) -> String {
    format!("services.{service}{rest}")
}

/// compose-go's consistency checks, reported with the position of the offending value.
pub fn check_consistency(root: &Node, disabled: &Mapping) -> Result<()> {
    let empty = Mapping::new();
    let top = root.as_map().unwrap_or(&empty);
    let resources = |key: &str| top.get(key).and_then(Node::as_map).unwrap_or(&empty);
    let (networks, volumes, secrets, configs, models) = (
        resources("networks"),
        resources("volumes"),
        resources("secrets"),
        resources("configs"),
        resources("models"),
    );
    let svcs = services(root).unwrap_or(&empty);
    // Services refer to each other by name: look names up in a set, not the mapping.
    let service_names: HashSet<&str> = svcs.entries.iter().map(|e| e.key.as_str()).collect();
    let undefined =
        |kind: &str, name: &str, service: &str, known: &Mapping, span: Span, path: String| {
            let mut err = LoadError::at(
                span,
                format!("service {service:?} refers to undefined {kind} {name}"),
            )
            .with_path(path);
            if let Some(s) = did_you_mean(name, known.entries.iter().map(|e| e.key.as_str())) {
                err = err.with_hint(format!("did you mean `{s}`?"));
            } else {
                err = err.with_hint(format!("declare it under the top-level `{kind}s:` key"));
            }
            err
        };
    for e in &svcs.entries {
        let name = e.key.as_str();
        let Some(s) = e.value.as_map() else { continue };
        let has_image = s
            .get("image")
            .and_then(Node::as_str)
            .is_some_and(|i| !i.is_empty());
        if !has_image && !s.contains_key("build") && !s.contains_key("provider") {
            return Err(LoadError::at(
                e.key_span,
                format!("service {name:?} has neither an image nor a build context specified"),
            )
            .with_path(path_of(name, ""))
            .with_hint("add `image:` or `build:`"));
        }
        if let Some(b) = s.get("build").and_then(Node::as_map) {
            if let (Some(_), Some(d)) = (b.get("dockerfile_inline"), b.get("dockerfile")) {
                return Err(LoadError::at(
                    d.span,
                    format!(
                    "service {name:?} declares mutualy exclusive dockerfile and dockerfile_inline"
                ),
                )
                .with_path(path_of(name, ".build"))
                .with_hint("keep one of `dockerfile` and `dockerfile_inline`"));
            }
            if let Some(ctx) = b.get("additional_contexts").and_then(Node::as_map) {
                for c in &ctx.entries {
                    if let Some(target) = c.value.as_str().and_then(|v| v.strip_prefix("service:"))
                    {
                        match svcs.get(target).and_then(Node::as_map) {
                            None => {
                                return Err(LoadError::at(c.value.span, format!(
                                    "service {name:?} declares unknown service {target:?} as additional contexts {}",
                                    c.key
                                ))
                                .with_path(path_of(name, ".build.additional_contexts")))
                            }
                            Some(t) if !t.contains_key("build") => {
                                return Err(LoadError::at(c.value.span, format!(
                                    "service {name:?} declares non-buildable service {target:?} as additional contexts {}",
                                    c.key
                                ))
                                .with_path(path_of(name, ".build.additional_contexts")))
                            }
                            _ => {}
                        }
                    }
                }
            }
            let platforms = strings(b.get("platforms"));
            if let Some(p) = s.get("platform").and_then(Node::as_str) {
                if !platforms.is_empty() && !platforms.iter().any(|x| x == p) {
                    return Err(LoadError::at(
                        b.get("platforms").map(|n| n.span).unwrap_or(e.key_span),
                        format!("service.build.platforms MUST include service.platform {p:?}"),
                    )
                    .with_path(path_of(name, ".build.platforms")));
                }
            }
        }
        let nets = s.get("networks").and_then(Node::as_map);
        if let (Some(mode), Some(n)) = (s.get("network_mode"), nets) {
            if !n.is_empty() && n.entries.iter().any(|x| x.key_span.is_real()) {
                return Err(LoadError::at(
                    mode.span,
                    format!(
                        "service {name} declares mutually exclusive `network_mode` and `networks`"
                    ),
                )
                .with_path(path_of(name, ".network_mode")));
            }
        }
        for n in nets.map(|n| n.entries.as_slice()).unwrap_or_default() {
            if !networks.contains_key(&n.key) {
                return Err(undefined(
                    "network",
                    &n.key,
                    name,
                    networks,
                    n.key_span,
                    path_of(name, ".networks"),
                ));
            }
        }
        if let Some(test) = s
            .get("healthcheck")
            .and_then(Node::as_map)
            .and_then(|h| h.get("test"))
        {
            if let Some(first) = test.as_seq().and_then(|t| t.first()) {
                if !matches!(first.as_str(), Some("CMD" | "CMD-SHELL" | "NONE")) {
                    return Err(LoadError::at(
                        first.span,
                        r#"healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE""#,
                    )
                    .with_path(path_of(name, ".healthcheck.test")));
                }
            }
        }
        if let Some(d) = s.get("depends_on").and_then(Node::as_map) {
            for dep in &d.entries {
                if service_names.contains(dep.key.as_str()) {
                    continue;
                }
                let required = !dep
                    .value
                    .as_map()
                    .and_then(|m| m.get("required"))
                    .is_some_and(|r| matches!(r.value, Value::Bool(false)));
                if disabled.contains_key(&dep.key) && !required {
                    continue;
                }
                let mut err = LoadError::at(
                    dep.key_span,
                    format!(
                        "service {name:?} depends on undefined service {:?}",
                        dep.key
                    ),
                )
                .with_path(path_of(name, ".depends_on"));
                if disabled.contains_key(&dep.key) {
                    err = err.with_hint(format!("service {:?} is disabled by its profiles; enable one with --profile, or mark the dependency `required: false`", dep.key));
                } else if let Some(s) =
                    did_you_mean(&dep.key, svcs.entries.iter().map(|x| x.key.as_str()))
                {
                    err = err.with_hint(format!("did you mean `{s}`?"));
                }
                return Err(err);
            }
        }
        if let Some(mode) = s.get("network_mode") {
            if let Some(target) = mode.as_str().and_then(|m| m.strip_prefix("service:")) {
                if !service_names.contains(target) {
                    return Err(LoadError::at(
                        mode.span,
                        format!("service {target:?} not found for network_mode 'service:{target}'"),
                    )
                    .with_path(path_of(name, ".network_mode")));
                }
            }
        }
        for (i, v) in s
            .get("volumes")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let Some(v) = v.as_map() else { continue };
            if v.get("type").and_then(Node::as_str) != Some("volume") {
                continue;
            }
            if let Some(src) = v
                .get("source")
                .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            {
                let src_name = src.as_str().unwrap_or_default();
                if !volumes.contains_key(src_name) {
                    return Err(undefined(
                        "volume",
                        src_name,
                        name,
                        volumes,
                        src.span,
                        path_of(name, &format!(".volumes[{i}]")),
                    ));
                }
            }
        }
        let build_secrets = s
            .get("build")
            .and_then(Node::as_map)
            .and_then(|b| b.get("secrets"));
        for (kind, list, known, suffix) in [
            ("build secret", build_secrets, &secrets, ".build.secrets"),
            ("config", s.get("configs"), &configs, ".configs"),
            ("secret", s.get("secrets"), &secrets, ".secrets"),
        ] {
            for item in list.and_then(Node::as_seq).unwrap_or_default() {
                let Some(src) = item.as_map().and_then(|m| m.get("source")) else {
                    continue;
                };
                let src_name = src.as_str().unwrap_or_default();
                if !known.contains_key(src_name) {
                    let top_key = if kind == "config" { "config" } else { "secret" };
                    let mut err = undefined(
                        top_key,
                        src_name,
                        name,
                        known,
                        src.span,
                        path_of(name, suffix),
                    );
                    err.message = format!("service {name:?} refers to undefined {kind} {src_name}");
                    return Err(err);
                }
            }
        }
        for m in s
            .get("models")
            .and_then(Node::as_map)
            .map(|m| m.entries.as_slice())
            .unwrap_or_default()
        {
            if !models.contains_key(&m.key) {
                return Err(undefined(
                    "model",
                    &m.key,
                    name,
                    models,
                    m.key_span,
                    path_of(name, ".models"),
                ));
            }
        }
        check_scale_and_limits(name, s)?;
        check_mounts(name, s)?;
        if let Some(watch) = s
            .get("develop")
            .and_then(Node::as_map)
            .and_then(|d| d.get("watch"))
            .and_then(Node::as_seq)
        {
            for w in watch {
                let Some(w) = w.as_map() else { continue };
                let action = w.get("action").and_then(Node::as_str).unwrap_or_default();
                let target = w.get("target").and_then(Node::as_str).unwrap_or_default();
                if target.is_empty() && action != "rebuild" && action != "restart" {
                    return Err(LoadError::at(
                        w.get("action").map(|n| n.span).unwrap_or(e.key_span),
                        format!(
                        "services.{name}.develop.watch: target is required for non-rebuild actions"
                    ),
                    ));
                }
            }
        }
    }
    for e in &secrets.entries {
        let Some(s) = e.value.as_map() else { continue };
        let external = s
            .get("external")
            .is_some_and(|x| matches!(x.value, Value::Bool(true)));
        if !external && !s.contains_key("file") && !s.contains_key("environment") {
            return Err(LoadError::at(
                e.key_span,
                format!(
                    "secret {:?} must declare either `file` or `environment`",
                    e.key
                ),
            )
            .with_path(format!("secrets.{}", e.key)));
        }
    }
    check_cycles(svcs)
}

fn int_at(m: &Mapping, path: &[&str]) -> Option<(i64, Span)> {
    let mut node = m.get(path[0])?;
    for p in &path[1..] {
        node = node.as_map()?.get(p)?;
    }
    match &node.value {
        Value::Int(i) => Some((*i, node.span)),
        Value::Float(f) => Some((*f as i64, node.span)),
        Value::String(s) => s.parse().ok().map(|i| (i, node.span)),
        _ => None,
    }
}

fn check_scale_and_limits(name: &str, s: &Mapping) -> Result<()> {
    let scale = int_at(s, &["scale"]);
    let replicas = int_at(s, &["deploy", "replicas"]);
    if let (Some((a, span)), Some((b, _))) = (scale, replicas) {
        if a != b {
            return Err(LoadError::at(
                span,
                format!(
                    "services.{name}: can't set distinct values on 'scale' and 'deploy.replicas'"
                ),
            ));
        }
    }
    if let Some((v, span)) = scale {
        if v < 0 {
            return Err(LoadError::at(
                span,
                format!("services.{name}.scale: must be greater than or equal to 0"),
            ));
        }
    }
    if let Some((v, span)) = replicas {
        if v < 0 {
            return Err(LoadError::at(
                span,
                format!("services.{name}.deploy.replicas: must be greater than or equal to 0"),
            ));
        }
    }
    for (own, deploy_path, label) in [
        (
            "mem_limit",
            &["deploy", "resources", "limits", "memory"][..],
            "'mem_limit' and 'deploy.resources.limits.memory'",
        ),
        (
            "mem_reservation",
            &["deploy", "resources", "reservations", "memory"][..],
            "'mem_reservation' and 'deploy.resources.reservations.memory'",
        ),
        (
            "pids_limit",
            &["deploy", "resources", "limits", "pids"][..],
            "'pids_limit' and 'deploy.resources.limits.pids'",
        ),
    ] {
        if let (Some((a, span)), Some((b, _))) = (int_at(s, &[own]), int_at(s, deploy_path)) {
            if a != 0 && a != b {
                return Err(LoadError::at(
                    span,
                    format!("services.{name}: can't set distinct values on {label}"),
                ));
            }
        }
    }
    let float_at = |path: &[&str]| -> Option<(f64, Span)> {
        let mut node = s.get(path[0])?;
        for p in &path[1..] {
            node = node.as_map()?.get(p)?;
        }
        match &node.value {
            Value::Int(i) => Some((*i as f64, node.span)),
            Value::Float(f) => Some((*f, node.span)),
            Value::String(x) => x.parse().ok().map(|f| (f, node.span)),
            _ => None,
        }
    };
    if let (Some((a, span)), Some((b, _))) = (
        float_at(&["cpus"]),
        float_at(&["deploy", "resources", "limits", "cpus"]),
    ) {
        if a != 0.0 && (a as f32) != (b as f32) {
            return Err(LoadError::at(span, format!(
                "services.{name}: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus'"
            )));
        }
    }
    let effective = scale.or(replicas).map(|(v, _)| v).unwrap_or(1);
    if effective > 1 {
        if let Some(cn) = s.get("container_name") {
            let attr = if scale.is_some() {
                "scale"
            } else {
                "deploy.replicas"
            };
            return Err(LoadError::at(cn.span, format!(
                "services.{name}: can't set container_name and {attr} as container name must be unique"
            ))
            .with_hint("remove container_name, or run a single replica"));
        }
    }
    Ok(())
}

fn check_mounts(name: &str, s: &Mapping) -> Result<()> {
    let mut mounts: IndexMap<String, String> = IndexMap::new();
    for (i, t) in s
        .get("tmpfs")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let loc = format!("services.{name}.tmpfs[{i}]");
        let path = t
            .as_str()
            .unwrap_or_default()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        if let Some(p) = mounts.get(&path) {
            return Err(LoadError::at(
                t.span,
                format!("{loc}: target {path} already mounted as {p}"),
            ));
        }
        mounts.insert(path, loc);
    }
    for (i, v) in s
        .get("volumes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let loc = format!("services.{name}.volumes[{i}]");
        let target = v
            .as_map()
            .and_then(|m| m.get("target"))
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(p) = mounts.get(&target) {
            return Err(LoadError::at(
                v.span,
                format!("{loc}: target {target} already mounted as {p}"),
            ));
        }
        mounts.insert(target, loc);
    }
    Ok(())
}

/// Reports the first `depends_on` cycle, searching services in name order like compose-go.
fn check_cycles(svcs: &Mapping) -> Result<()> {
    let mut graph: IndexMap<&str, Vec<String>> = IndexMap::with_capacity(svcs.len());
    for e in &svcs.entries {
        graph.insert(e.key.as_str(), Vec::new());
    }
    for e in &svcs.entries {
        let mut deps: Vec<String> = depends_on(&e.value)
            .into_iter()
            .map(|(d, _)| d)
            .filter(|d| graph.contains_key(d.as_str()))
            .collect();
        deps.sort();
        graph.insert(e.key.as_str(), deps);
    }
    graph.sort_keys();
    /// Depth-first search from the last service of `path` (an ordered set: the chain of
    /// dependencies being followed).
    fn search<'a>(
        path: &mut IndexSet<&'a str>,
        graph: &'a IndexMap<&str, Vec<String>>,
        done: &mut HashSet<&'a str>,
    ) -> Option<String> {
        let last = *path.last()?;
        for child in graph.get(last).map(Vec::as_slice).unwrap_or_default() {
            if let Some(i) = path.get_index_of(child.as_str()) {
                let chain: Vec<&str> = path.iter().skip(i).copied().collect();
                return Some(format!(
                    "dependency cycle detected: {} -> {child}",
                    chain.join(" -> ")
                ));
            }
            if done.contains(child.as_str()) {
                continue;
            }
            path.insert(child.as_str());
            if let Some(c) = search(path, graph, done) {
                return Some(c);
            }
            path.pop();
        }
        done.insert(last);
        None
    }
    let mut done = HashSet::new();
    for &name in graph.keys() {
        let mut path = IndexSet::from([name]);
        if let Some(msg) = search(&mut path, &graph, &mut done) {
            let span = svcs
                .entry(name)
                .map(|e| e.key_span)
                .unwrap_or(Span::SYNTHETIC);
            return Err(LoadError::at(span, msg)
                .with_hint("remove one of the `depends_on` entries in the cycle"));
        }
    }
    Ok(())
}

/// Folds each service's `env_file` into its `environment` (environment entries win) and
/// resolves bare variables from the project environment (compose-go
/// `WithServicesEnvironmentResolved(discard=true)`). Also folds `label_file` into `labels`.
pub fn resolve_service_environments(root: &mut Node, env: &IndexMap<String, String>) -> Result<()> {
    let Some(svcs) = services_mut(root) else {
        return Ok(());
    };
    for e in &mut svcs.entries {
        let name = e.key.clone();
        let Some(s) = e.value.as_map_mut() else {
            continue;
        };
        // Resolve bare names.
        let mut environment: IndexMap<String, Option<String>> = IndexMap::new();
        let env_span = s
            .get("environment")
            .map(|n| n.span)
            .unwrap_or(Span::SYNTHETIC);
        if let Some(m) = s.get("environment").and_then(Node::as_map) {
            for x in &m.entries {
                let v = match &x.value.value {
                    Value::Null => env.get(&x.key).cloned(),
                    _ => Some(scalar_text(&x.value).unwrap_or_default()),
                };
                environment.insert(x.key.clone(), v);
            }
        }
        let mut merged: IndexMap<String, Option<String>> = IndexMap::new();
        if let Some(files) = s.remove("env_file") {
            for f in files.as_seq().unwrap_or_default() {
                let (path, required, format) = match f.as_map() {
                    Some(m) => (
                        m.get("path")
                            .and_then(Node::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        !m.get("required")
                            .is_some_and(|r| matches!(r.value, Value::Bool(false))),
                        m.get("format")
                            .and_then(Node::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    ),
                    None => (
                        f.as_str().unwrap_or_default().to_string(),
                        true,
                        String::new(),
                    ),
                };
                if !Path::new(&path).exists() {
                    if required {
                        return Err(LoadError::at(f.span, format!("env file {path} not found"))
                            .with_path(format!("services.{name}.env_file"))
                            .with_hint("create the file, or mark it `required: false`"));
                    }
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(|err| {
                    LoadError::at(f.span, format!("cannot read env file {path}: {err}"))
                })?;
                let lookup = |k: &str| {
                    env.get(k)
                        .cloned()
                        .or_else(|| environment.get(k).cloned().flatten())
                };
                let vars = if format == "raw" {
                    dotenv::parse_raw_with_lookup(&text, FileId(u32::MAX), &lookup)
                } else {
                    dotenv::parse(&text, FileId(u32::MAX), &lookup)
                }
                .map_err(|err| {
                    LoadError::at(f.span, format!("failed to read {path}: {}", err.message))
                })?;
                for (k, v) in vars {
                    merged.insert(k, Some(v));
                }
            }
        }
        for (k, v) in environment {
            merged.insert(k, v);
        }
        if merged.is_empty() {
            s.remove("environment");
        } else {
            let mut m = Mapping::new();
            merged.sort_keys();
            for (k, v) in merged {
                let value = match v {
                    Some(v) => Node::string(v, Span::SYNTHETIC),
                    None => Node::new(Value::Null, Span::SYNTHETIC),
                };
                m.insert(k, Span::SYNTHETIC, value);
            }
            s.insert("environment", env_span, Node::new(Value::Map(m), env_span));
        }
        resolve_label_files(&name, s)?;
    }
    Ok(())
}

fn resolve_label_files(name: &str, s: &mut Mapping) -> Result<()> {
    let Some(files) = s.remove("label_file") else {
        return Ok(());
    };
    let mut labels: IndexMap<String, String> = IndexMap::new();
    for f in files.as_seq().unwrap_or_default() {
        let path = f.as_str().unwrap_or_default();
        let text = std::fs::read_to_string(path).map_err(|_| {
            LoadError::at(f.span, format!("label file {path} not found"))
                .with_path(format!("services.{name}.label_file"))
        })?;
        let snapshot = labels.clone();
        let lookup = |k: &str| snapshot.get(k).cloned();
        let vars = dotenv::parse(&text, FileId(u32::MAX), &lookup).map_err(|err| {
            LoadError::at(f.span, format!("failed to read {path}: {}", err.message))
        })?;
        labels.extend(vars);
    }
    if let Some(own) = s.get("labels").and_then(Node::as_map) {
        for x in &own.entries {
            labels.insert(x.key.clone(), scalar_text(&x.value).unwrap_or_default());
        }
    }
    if !labels.is_empty() {
        labels.sort_keys();
        let mut m = Mapping::new();
        for (k, v) in labels {
            m.insert(k, Span::SYNTHETIC, Node::string(v, Span::SYNTHETIC));
        }
        let span = s.get("labels").map(|n| n.span).unwrap_or(Span::SYNTHETIC);
        s.insert("labels", span, Node::new(Value::Map(m), span));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_filepath_match() {
        assert!(glob_match("web*", "web-1"));
        assert!(glob_match("w?b", "web"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[!a-c]x", "bx"));
        assert!(!glob_match("web", "webs"));
    }
}
