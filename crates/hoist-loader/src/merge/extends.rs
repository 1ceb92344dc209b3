//! `extends`: a service built on top of another service of the same file or of another file.
//!
//! For every service with `extends`, the base service is resolved first (it may extend in
//! turn), then the extending service is merged over a copy of it with the merge rules of
//! services, and `extends` is removed. A base from another file is taken from that file as
//! loaded on its own (interpolated, nothing else resolved), with its relative paths rebased
//! onto its own directory. Cycles, missing services and missing files are errors. Resources
//! the base refers to (networks, volumes, ...) are not imported.
//!
//! `!reset` / `!override` inside the extending service apply to its base. The `!reset`
//! nodes are kept in the result (as tagged `null`s) so that the later merge of the file
//! over earlier files also clears those paths there, as compose-go does.

use super::path::KeyPath;
use super::reset::{strip_tags, take_resets};
use super::rules::merge_service;
use super::short::{is_file_path, parse_volume};
use crate::error::{LoadError, Result};
use crate::node::{Mapping, Node, Tag, Value};
use std::path::{Path, PathBuf};

/// Reads the compose file an `extends.file` names.
pub trait ExtendsLoader {
    /// Loads the compose file at `path` and returns its root node, interpolated (and, like
    /// compose-go, ideally already de-duplicated and canonical); `include` and `extends` of
    /// that file must not be resolved. An unreadable file is an error.
    fn load(&mut self, path: &Path) -> Result<Node>;
}

/// Resolves the `extends` of every service of `root`, the model of the compose file `file`
/// (interpolated, its `include` already applied).
///
/// A relative `extends.file` is resolved against `working_dir`, which for the files given
/// with `-f` is the project directory (as Docker Compose does), not the directory of `file`.
/// Files reached through `extends` have their own `extends.file` rebased onto their
/// directory, so they resolve relative to themselves.
pub fn apply_extends(
    root: &mut Node,
    file: &Path,
    working_dir: &Path,
    loader: &mut dyn ExtendsLoader,
) -> Result<()> {
    let Some(root_map) = root.as_map_mut() else {
        return Ok(());
    };
    let Some(services_node) = root_map.get_mut("services") else {
        return Ok(());
    };
    let span = services_node.span;
    let Some(services) = services_node.as_map_mut() else {
        if services_node.is_null() {
            return Ok(());
        }
        return Err(LoadError::at(span, "services must be a mapping").with_path("services"));
    };
    let mut resolver = Resolver {
        loader,
        working_dir: working_dir.to_path_buf(),
    };
    // Only services with `extends` (and values that are not mappings, to report them) need
    // the resolver: the others stay as they are.
    let names: Vec<String> = services
        .entries
        .iter()
        .filter(|e| {
            e.value
                .as_map()
                .is_none_or(|service| service.contains_key("extends"))
        })
        .map(|e| e.key.clone())
        .collect();
    for name in names {
        if let Some(merged) = resolver.resolve(file, services, &name, &Chain::default())? {
            services.insert(name.clone(), merged.span, merged);
        }
    }
    Ok(())
}

/// How many services one `extends` chain may go through (a safety net behind cycle detection).
const MAX_DEPTH: usize = 256;

/// The services visited along one `extends` chain, to detect cycles.
#[derive(Debug, Clone, Default)]
struct Chain {
    links: Vec<(PathBuf, String)>,
}

impl Chain {
    fn add(&self, file: &Path, service: &str, span: crate::source::Span) -> Result<Chain> {
        let link = (
            PathBuf::from(go_clean(&file.to_string_lossy())),
            service.to_string(),
        );
        if self.links.contains(&link) {
            let mut lines = vec!["Circular reference:".to_string()];
            for (i, (f, s)) in self.links.iter().chain(std::iter::once(&link)).enumerate() {
                let verb = if i == 0 { "" } else { "extends " };
                lines.push(format!("  {verb}{s} in {}", f.display()));
            }
            return Err(LoadError::at(span, lines.join("\n"))
                .with_path(format!("services.{service}.extends"))
                .with_hint("a service cannot extend itself, directly or through other services"));
        }
        if self.links.len() >= MAX_DEPTH {
            return Err(LoadError::at(
                span,
                format!(
                    "`extends` chain of service `{service}` is more than {MAX_DEPTH} services deep"
                ),
            )
            .with_path(format!("services.{service}.extends")));
        }
        let mut next = self.clone();
        next.links.push(link);
        Ok(next)
    }
}

/// What an `extends` value asks for.
struct ExtendsRef {
    service: String,
    file: Option<(String, Node)>,
}

struct Resolver<'a> {
    loader: &'a mut dyn ExtendsLoader,
    working_dir: PathBuf,
}

impl Resolver<'_> {
    /// The service `name` of `services` (defined in `file`) with its `extends` resolved;
    /// `None` when the service is `null`.
    fn resolve(
        &mut self,
        file: &Path,
        services: &mut Mapping,
        name: &str,
        chain: &Chain,
    ) -> Result<Option<Node>> {
        let Some(service) = services.get(name) else {
            return Ok(None);
        };
        if service.is_null() || service.tag == Some(crate::node::Tag::Reset) {
            return Ok(None);
        }
        let Some(map) = service.as_map() else {
            let at = format!("services.{name}");
            return Err(
                LoadError::at(service.span, format!("{at} must be a mapping")).with_path(at),
            );
        };
        let Some(extends) = map.get("extends") else {
            return Ok(Some(service.clone()));
        };
        let extends_span = extends.span;
        let target = parse_extends(name, extends)?;
        let service = service.clone();

        let base = match &target.file {
            Some((ref_file, file_node)) => {
                let path =
                    PathBuf::from(go_clean(&self.working_dir.join(ref_file).to_string_lossy()));
                let mut loaded = self.loader.load(&path).map_err(|e| {
                    e.or_span(file_node.span).with_hint(format!(
                        "`extends.file` of service `{name}` names {}",
                        path.display()
                    ))
                })?;
                let mut other_services = take_services(&mut loaded, name, &path)?;
                if !other_services.contains_key(&target.service) {
                    return Err(LoadError::at(
                        extends_span,
                        format!(
                            "cannot extend service {:?} in {}: service {:?} not found in {}",
                            name,
                            file.display(),
                            target.service,
                            ref_file
                        ),
                    )
                    .with_path(format!("services.{name}.extends.service"))
                    .with_hint(did_you_mean_service(&target.service, &other_services)));
                }
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                for e in other_services.entries.iter_mut() {
                    rebase_service(&mut e.value, &dir)?;
                }
                let chain = chain.add(file, name, extends_span)?;
                self.resolve(&path, &mut other_services, &target.service, &chain)?
            }
            None => {
                if !services.contains_key(&target.service) {
                    let err = LoadError::at(
                        extends_span,
                        format!(
                            "cannot extend service {:?} in {}: service {:?} not found",
                            name,
                            file.display(),
                            target.service
                        ),
                    )
                    .with_path(format!("services.{name}.extends"))
                    .with_hint(did_you_mean_service(&target.service, services));
                    return Err(err);
                }
                let chain = chain.add(file, name, extends_span)?;
                let base = self.resolve(file, services, &target.service, &chain)?;
                if let Some(b) = &base {
                    services.insert(target.service.clone(), b.span, b.clone());
                }
                base
            }
        };

        let Some(mut source) = base else {
            return Ok(Some(service));
        };
        // Tags the base carried were meant for its own base (or file): drop them.
        strip_tags(&mut source);
        let mut over = service;
        let resets = reset_only_paths(&over);
        take_resets(&mut over).apply(&mut source);
        let mut merged = merge_service(source, over).map_err(|e| e.or_span(extends_span))?;
        if let Some(m) = merged.as_map_mut() {
            m.remove("extends");
            for p in &resets {
                graft_reset(m, p.segments());
            }
        }
        Ok(Some(merged))
    }
}

fn did_you_mean_service(word: &str, services: &Mapping) -> String {
    match crate::error::did_you_mean(word, services.entries.iter().map(|e| e.key.as_str())) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            let names: Vec<&str> = services.entries.iter().map(|e| e.key.as_str()).collect();
            format!("the services there are: {}", names.join(", "))
        }
    }
}

fn parse_extends(name: &str, extends: &Node) -> Result<ExtendsRef> {
    let at = format!("services.{name}.extends");
    match &extends.value {
        Value::String(s) => Ok(ExtendsRef {
            service: s.clone(),
            file: None,
        }),
        Value::Map(m) => {
            let service = match m.get("service") {
                Some(Node {
                    value: Value::String(s),
                    ..
                }) => s.clone(),
                other => {
                    let span = other.map_or(extends.span, |n| n.span);
                    return Err(LoadError::at(
                        span,
                        format!("{at}.service is required (the name of the service to extend)"),
                    )
                    .with_path(format!("{at}.service")));
                }
            };
            let file = match m.get("file") {
                None
                | Some(Node {
                    value: Value::Null, ..
                }) => None,
                Some(
                    n @ Node {
                        value: Value::String(s),
                        ..
                    },
                ) => Some((s.clone(), n.clone())),
                Some(n) => {
                    return Err(LoadError::at(
                        n.span,
                        format!("{at}.file must be a string, found {}", n.kind_name()),
                    )
                    .with_path(format!("{at}.file")))
                }
            };
            Ok(ExtendsRef { service, file })
        }
        _ => Err(LoadError::at(
            extends.span,
            format!(
                "{at} must be a service name or a mapping, found {}",
                extends.kind_name()
            ),
        )
        .with_path(at)
        .with_hint("write `extends: base` or `extends: {service: base, file: base.yaml}`")),
    }
}

/// The `services` mapping of a file loaded for `extends`.
fn take_services(loaded: &mut Node, name: &str, path: &Path) -> Result<Mapping> {
    let span = loaded.span;
    let services = loaded.as_map_mut().and_then(|m| m.remove("services"));
    match services {
        None => Err(LoadError::at(
            span,
            format!(
                "cannot extend service {:?} in {}: no services section",
                name,
                path.display()
            ),
        )),
        Some(Node {
            value: Value::Map(m),
            ..
        }) => Ok(m),
        Some(other) => Err(LoadError::at(
            other.span,
            format!(
                "cannot extend service {:?} in {}: services must be a mapping",
                name,
                path.display()
            ),
        )
        .with_path("services")),
    }
}

/// Paths (relative to the service) of the mapping entries tagged `!reset`.
fn reset_only_paths(service: &Node) -> Vec<KeyPath> {
    fn walk(node: &Node, path: &mut KeyPath, out: &mut Vec<KeyPath>) {
        if let Value::Map(m) = &node.value {
            for e in &m.entries {
                path.push_key(&e.key);
                if e.value.tag == Some(Tag::Reset) {
                    out.push(path.clone());
                } else {
                    walk(&e.value, path, out);
                }
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    walk(service, &mut KeyPath::root(), &mut out);
    out
}

/// Puts a `!reset null` back at `path` when its parent mapping exists.
fn graft_reset(map: &mut Mapping, path: &[String]) {
    match path {
        [] => {}
        [last] => {
            if !map.contains_key(last) {
                let mut node = Node::new(Value::Null, crate::source::Span::SYNTHETIC);
                node.tag = Some(Tag::Reset);
                map.insert(last.clone(), node.span, node);
            }
        }
        [first, rest @ ..] => {
            if let Some(child) = map.get_mut(first).and_then(Node::as_map_mut) {
                graft_reset(child, rest);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Rebasing the relative paths of a service taken from another directory.

fn is_remote(path: &str) -> bool {
    path.contains("://")
        || ["git@", "github.com/", "oci://"]
            .iter()
            .any(|p| path.starts_with(p))
}

fn expand_user(path: &str) -> String {
    if let Some(rest) = path.strip_prefix('~') {
        if let Ok(home) = std::env::var("HOME") {
            return go_clean(&format!("{home}/{rest}"));
        }
    }
    path.to_string()
}

/// Go's `path.Clean`: lexical clean-up of `.`, `..` and repeated slashes.
pub(crate) use crate::canonical::volumes::clean_path as go_clean;

fn join(dir: &Path, rel: &str) -> String {
    go_clean(&format!("{}/{rel}", dir.display()))
}

/// A file path made absolute against `dir` (empty stays empty).
fn abs_path(dir: &Path, path: &str) -> String {
    let path = expand_user(path);
    if path.is_empty() || Path::new(&path).is_absolute() {
        return path;
    }
    join(dir, &path)
}

/// A host path made absolute against `dir`, leaving Windows absolute paths alone.
fn abs_host_path(dir: &Path, path: &str) -> String {
    let path = expand_user(path);
    if path.starts_with('/') || path.starts_with("\\\\") || is_windows_abs(&path) {
        return path;
    }
    join(dir, &path)
}

fn is_windows_abs(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/')
}

/// A build context made absolute, unless it is remote or names another service or image.
fn abs_context(dir: &Path, context: &str) -> String {
    if is_remote(context) || context.starts_with("service:") {
        return context.to_string();
    }
    abs_path(dir, context)
}

fn rewrite_str(node: &mut Node, f: impl Fn(&str) -> String) {
    if let Value::String(s) = &mut node.value {
        *s = f(s);
    }
}

fn rewrite_kv_values(node: &mut Node, f: impl Fn(&str) -> String) {
    match &mut node.value {
        Value::Map(m) => {
            for e in m.entries.iter_mut() {
                rewrite_str(&mut e.value, &f);
            }
        }
        Value::Seq(items) => {
            for item in items.iter_mut() {
                if let Value::String(s) = &mut item.value {
                    if let Some((k, v)) = s.split_once('=') {
                        *s = format!("{k}={}", f(v));
                    }
                }
            }
        }
        _ => {}
    }
}

/// Makes the relative paths of a service from another directory absolute against `dir`.
fn rebase_service(service: &mut Node, dir: &Path) -> Result<()> {
    let Some(m) = service.as_map_mut() else {
        return Ok(());
    };
    if let Some(build) = m.get_mut("build") {
        match &mut build.value {
            Value::String(s) => *s = abs_context(dir, s),
            Value::Map(b) => {
                if let Some(c) = b.get_mut("context") {
                    rewrite_str(c, |s| abs_context(dir, s));
                }
                if let Some(c) = b.get_mut("additional_contexts") {
                    rewrite_kv_values(c, |s| abs_context(dir, s));
                }
                if let Some(c) = b.get_mut("ssh") {
                    rewrite_kv_values(c, |s| {
                        if s.is_empty() {
                            String::new()
                        } else {
                            abs_host_path(dir, s)
                        }
                    });
                }
            }
            _ => {}
        }
    }
    for key in ["env_file", "label_file"] {
        if let Some(node) = m.get_mut(key) {
            match &mut node.value {
                Value::String(s) => *s = abs_path(dir, s),
                Value::Seq(items) => {
                    for item in items.iter_mut() {
                        match &mut item.value {
                            Value::String(s) => *s = abs_path(dir, s),
                            Value::Map(e) => {
                                if let Some(p) = e.get_mut("path") {
                                    rewrite_str(p, |s| abs_path(dir, s));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(ext) = m.get_mut("extends").and_then(Node::as_map_mut) {
        if let Some(f) = ext.get_mut("file") {
            rewrite_str(f, |s| {
                if is_remote(s) {
                    s.to_string()
                } else {
                    abs_path(dir, s)
                }
            });
        }
    }
    if let Some(watch) = m
        .get_mut("develop")
        .and_then(Node::as_map_mut)
        .and_then(|d| d.get_mut("watch"))
    {
        if let Value::Seq(rules) = &mut watch.value {
            for rule in rules.iter_mut() {
                if let Some(p) = rule.as_map_mut().and_then(|r| r.get_mut("path")) {
                    rewrite_str(p, |s| abs_path(dir, s));
                }
            }
        }
    }
    if let Some(Node {
        value: Value::Seq(volumes),
        ..
    }) = m.get_mut("volumes")
    {
        for volume in volumes.iter_mut() {
            let span = volume.span;
            match &mut volume.value {
                Value::Map(v) => {
                    if v.get("type").and_then(Node::as_str) != Some("bind") {
                        continue;
                    }
                    match v.get_mut("source") {
                        Some(src) => rewrite_str(src, |s| abs_host_path(dir, s)),
                        None => {
                            return Err(LoadError::at(
                                span,
                                "invalid mount config for type \"bind\": field Source must not be empty",
                            ))
                        }
                    }
                }
                Value::String(spec) => {
                    if let Ok(parsed) = parse_volume(spec) {
                        if is_file_path(&parsed.source) {
                            let source = abs_host_path(dir, &parsed.source);
                            *spec = match parsed.mode {
                                Some(mode) => format!("{source}:{}:{mode}", parsed.target),
                                None => format!("{source}:{}", parsed.target),
                            };
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_like_go() {
        assert_eq!(go_clean("/a/b/../c/./d/"), "/a/c/d");
        assert_eq!(go_clean("/a/.."), "/");
        assert_eq!(go_clean("a/../.."), "..");
        assert_eq!(join(Path::new("/p/sub"), "."), "/p/sub");
        assert_eq!(join(Path::new("/p/sub"), "../x"), "/p/x");
    }

    #[test]
    fn leaves_remote_contexts_alone() {
        let dir = Path::new("/p");
        assert_eq!(
            abs_context(dir, "https://github.com/a/b.git"),
            "https://github.com/a/b.git"
        );
        assert_eq!(abs_context(dir, "service:base"), "service:base");
        assert_eq!(abs_context(dir, "./ctx"), "/p/ctx");
    }
}
