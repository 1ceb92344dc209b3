//! [`resolve_paths`]: compose-go's `paths.ResolveRelativePaths`, run once on the merged model
//! after [`super::set_defaults`]. Relative paths become absolute against the working
//! directory (the project directory); a leading `~` is the user's home directory.
//!
//! Resolved: `build.context` and `build.additional_contexts` (URLs and `service:` references
//! are left alone), `build.ssh` key paths, `env_file[].path`, `label_file`, `extends.file`,
//! `develop.watch[].path` (its first symbolic link is resolved), bind-mount sources, the
//! `file` of top-level secrets and configs, and `driver_opts.device` of local bind volumes.
//! `build.dockerfile` is not: it stays relative to the context.

use std::path::{Path, PathBuf};

use super::volumes::clean_path;
use crate::error::{LoadError, Result};
use crate::node::{Node, Value};

/// How relative paths are made absolute.
pub struct PathResolver<'a> {
    /// The directory relative paths are resolved against (should be absolute).
    pub working_dir: &'a Path,
    /// The home directory `~` expands to (`None`: `~` is left as is).
    pub home: Option<PathBuf>,
    /// True for `extends.file` values that name a remote resource (left untouched).
    pub is_remote: &'a dyn Fn(&str) -> bool,
}

/// Resolves the relative paths of a whole model against `working_dir`, with `~` taken from
/// `$HOME` and git / OCI references treated as remote.
pub fn resolve_paths(root: &mut Node, working_dir: &Path) -> Result<()> {
    let resolver = PathResolver {
        working_dir,
        home: std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from),
        is_remote: &is_remote_reference,
    };
    resolver.resolve(root)
}

/// True for references compose's remote loaders accept (`oci://…`, git URLs).
pub fn is_remote_reference(path: &str) -> bool {
    path.starts_with("oci://") || is_remote_context(path)
}

/// True for build contexts that are URLs or git references.
fn is_remote_context(path: &str) -> bool {
    [
        "https://",
        "http://",
        "git://",
        "ssh://",
        "github.com/",
        "git@",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

impl PathResolver<'_> {
    /// Resolves the relative paths of a whole model.
    pub fn resolve(&self, root: &mut Node) -> Result<()> {
        let Some(top) = root.as_map_mut() else {
            return Ok(());
        };
        for entry in &mut top.entries {
            let key = entry.key.clone();
            let Some(items) = entry.value.as_map_mut() else {
                continue;
            };
            for item in &mut items.entries {
                match key.as_str() {
                    "services" => self.service(&mut item.value, &item.key)?,
                    "secrets" | "configs" => {
                        if let Some(file) = item.value.as_map_mut().and_then(|m| m.get_mut("file"))
                        {
                            self.unix_path(file);
                        }
                    }
                    "volumes" => self.volume_driver_opts(&mut item.value),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Resolves the paths of the service called `name` (key paths are only written for
    /// errors).
    fn service(&self, service: &mut Node, name: &str) -> Result<()> {
        let Some(svc) = service.as_map_mut() else {
            return Ok(());
        };
        for entry in &mut svc.entries {
            let node = &mut entry.value;
            match entry.key.as_str() {
                "build" => {
                    let Some(build) = node.as_map_mut() else {
                        continue;
                    };
                    if let Some(context) = build.get_mut("context") {
                        self.context_path(context);
                    }
                    if let Some(Value::Map(contexts)) =
                        build.get_mut("additional_contexts").map(|n| &mut n.value)
                    {
                        for c in &mut contexts.entries {
                            self.context_path(&mut c.value);
                        }
                    }
                    if let Some(Value::Map(keys)) = build.get_mut("ssh").map(|n| &mut n.value) {
                        for k in &mut keys.entries {
                            self.unix_path(&mut k.value);
                        }
                    }
                }
                "env_file" => {
                    if let Value::Seq(files) = &mut node.value {
                        for file in files.iter_mut() {
                            if let Some(p) = file.as_map_mut().and_then(|m| m.get_mut("path")) {
                                self.abs_path(p);
                            }
                        }
                    }
                }
                "label_file" => self.abs_path(node),
                "extends" => {
                    if let Some(file) = node.as_map_mut().and_then(|m| m.get_mut("file")) {
                        if !file.as_str().is_some_and(|f| (self.is_remote)(f)) {
                            self.abs_path(file);
                        }
                    }
                }
                "develop" => {
                    let watch = node.as_map_mut().and_then(|d| d.get_mut("watch"));
                    if let Some(Value::Seq(rules)) = watch.map(|w| &mut w.value) {
                        for rule in rules.iter_mut() {
                            if let Some(p) = rule.as_map_mut().and_then(|r| r.get_mut("path")) {
                                self.abs_path(p);
                                resolve_first_symlink(p);
                            }
                        }
                    }
                }
                "volumes" => {
                    if let Value::Seq(volumes) = &mut node.value {
                        for (i, volume) in volumes.iter_mut().enumerate() {
                            self.bind_source(volume, || format!("services.{name}.volumes[{i}]"))?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn bind_source(&self, volume: &mut Node, path: impl FnOnce() -> String) -> Result<()> {
        let span = volume.span;
        let Some(vol) = volume.as_map_mut() else {
            return Ok(());
        };
        if vol.get("type").and_then(Node::as_str) != Some("bind") {
            return Ok(());
        }
        match vol.get_mut("source") {
            Some(source) => {
                self.unix_path(source);
                Ok(())
            }
            None => Err(LoadError::at(
                span,
                r#"invalid mount config for type "bind": field Source must not be empty"#,
            )
            .with_path(path())
            .with_hint("add `source:` with the host path to mount")),
        }
    }

    fn volume_driver_opts(&self, volume: &mut Node) {
        let Some(vol) = volume.as_map_mut() else {
            return;
        };
        if vol.get("driver").and_then(Node::as_str) != Some("local") {
            return;
        }
        let Some(opts) = vol.get_mut("driver_opts").and_then(Node::as_map_mut) else {
            return;
        };
        if opts.get("o").and_then(Node::as_str) != Some("bind") {
            return;
        }
        if let Some(device) = opts.get_mut("device") {
            self.unix_path(device);
        }
    }

    /// `~` expansion (Go's `filepath.Join(home, rest)`, which cleans the result).
    fn expand_user(&self, p: &str) -> String {
        match (p.strip_prefix('~'), &self.home) {
            (Some(rest), Some(home)) => clean_path(&format!("{}/{rest}", home.display())),
            _ => p.to_string(),
        }
    }

    /// A path, or a list of paths, made absolute (empty strings stay empty).
    fn abs_path(&self, node: &mut Node) {
        match &mut node.value {
            Value::Seq(items) => items.iter_mut().for_each(|i| self.abs_path(i)),
            Value::String(s) => {
                let expanded = self.expand_user(s);
                *s = if expanded.starts_with('/') || expanded.is_empty() {
                    expanded
                } else {
                    self.join(&expanded)
                };
            }
            _ => {}
        }
    }

    /// Like [`Self::abs_path`], but Windows absolute paths (`c:\x`, `\\server\share`) are kept.
    fn unix_path(&self, node: &mut Node) {
        if let Value::String(s) = &mut node.value {
            let expanded = self.expand_user(s);
            *s = if expanded.starts_with('/') || is_windows_abs(&expanded) {
                expanded
            } else {
                self.join(&expanded)
            };
        }
    }

    fn context_path(&self, node: &mut Node) {
        let Some(s) = node.as_str() else { return };
        if s.contains("://") || s.starts_with("service:") || is_remote_context(s) {
            return;
        }
        self.abs_path(node);
    }

    fn join(&self, relative: &str) -> String {
        clean_path(&format!("{}/{relative}", self.working_dir.display()))
    }
}

/// Go's `IsWindowsAbs`: a drive path with a separator after the colon, or a UNC path.
fn is_windows_abs(p: &str) -> bool {
    let b = p.as_bytes();
    let sep = |c: u8| c == b'/' || c == b'\\';
    if b.len() >= 2 && b[1] == b':' {
        return b.get(2).is_some_and(|c| sep(*c));
    }
    b.len() >= 2 && sep(b[0]) && sep(b[1])
}

/// Replaces the first component of an absolute path that is a symbolic link by the link's
/// fully resolved target, as compose-go does for `develop.watch[].path`.
fn resolve_first_symlink(node: &mut Node) {
    let Value::String(s) = &mut node.value else {
        return;
    };
    let mut current = PathBuf::from("/");
    for part in s.split('/').filter(|p| !p.is_empty()) {
        current.push(part);
        let is_link = std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            if let (Ok(target), Some(prefix)) = (std::fs::canonicalize(&current), current.to_str())
            {
                *s = s.replacen(prefix, &target.to_string_lossy(), 1);
            }
            return;
        }
    }
}
