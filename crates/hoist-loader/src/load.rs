//! The loading pipeline: resolved options in, a typed [`Project`] out, in compose-go's order.
//!
//! Per file and per YAML document: parse → interpolate → `include` → apply `!reset` →
//! `extends` → merge into what earlier files built → de-duplicate → schema validation → drop
//! `version` → canonicalise → omit empties → de-duplicate again. Then defaults, paths,
//! environment, normalisation, typed binding, profiles, consistency checks, service selection,
//! pruning of unused resources and `env_file` folding.

use crate::canonical;
use crate::error::{LoadError, Result};
use crate::interpolate;
use crate::merge::{self, ExtendsLoader};
use crate::model::Project;
use crate::node::{Mapping, Node, Value};
use crate::options::{clean_path, normalize_project_name, ProjectOptions, ResolvedOptions};
use crate::project_ops;
use crate::schema;
use crate::source::{SourceMap, Span};
use crate::warnings::warn;
use crate::yaml;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// What a load produced besides the project: the files read (for error rendering) and the
/// resolved options (for labels such as `project.config_files`).
#[derive(Debug, Default)]
pub struct LoadContext {
    /// Every file read, for rendering errors with snippets.
    pub sources: SourceMap,
    /// The resolved options, once resolution succeeded.
    pub resolved: Option<ResolvedOptions>,
}

/// Switches for the stages that `config --no-*` can turn off.
#[derive(Debug, Clone, Copy)]
struct Stages {
    interpolate: bool,
    normalize: bool,
    resolve_paths: bool,
    consistency: bool,
    resolve_env: bool,
    validate: bool,
}

/// Loads the project the options describe. `ctx` receives the files read even on failure.
pub fn load(opts: &ProjectOptions, ctx: &mut LoadContext) -> Result<Project> {
    let (mut root, resolved, name) = load_model(opts, ctx)?;
    canonical::prepare_for_binding(&mut root)?;
    let stages = stages(opts);
    let mut disabled = Mapping::new();
    let mut profiles = resolved.profiles.clone();
    project_ops::apply_profiles(&mut root, &mut disabled, &profiles);
    if stages.consistency {
        project_ops::check_consistency(&root, &disabled)?;
    }
    if !opts.services.is_empty() {
        profiles =
            project_ops::enable_services(&mut root, &mut disabled, &profiles, &opts.services);
        project_ops::select_services(&mut root, &mut disabled, &opts.services)?;
    }
    if !opts.all_resources {
        project_ops::prune_unused_resources(&mut root);
    }
    if stages.resolve_env {
        project_ops::resolve_service_environments(&mut root, &resolved.environment)?;
    }
    let mut project = Project::from_owned_node(root)?;
    let disabled_root = Node::new(
        Value::Map(Mapping {
            entries: vec![crate::node::Entry {
                key: "services".into(),
                key_span: Span::SYNTHETIC,
                value: Node::new(Value::Map(disabled), Span::SYNTHETIC),
            }],
        }),
        Span::SYNTHETIC,
    );
    project.disabled_services = Project::from_node(&disabled_root)?.services;
    project.name = name;
    project.working_dir = resolved.working_dir.clone();
    project.compose_files = resolved.files.iter().map(PathBuf::from).collect();
    project.environment = resolved
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    project.profiles = profiles;
    Ok(project)
}

/// Loads a project whose only compose file is `text` (read as `-f -`), with `dir` as the
/// working directory and `env` as the whole process environment: an in-memory entry point for
/// tests and fuzzing. Returns the context too, for rendering errors.
pub fn load_from_str(
    text: &str,
    dir: &Path,
    env: &[(&str, &str)],
) -> (Result<Project>, LoadContext) {
    let opts = ProjectOptions {
        files: vec!["-".to_string()],
        stdin: Some(text.to_string()),
        cwd: dir.to_path_buf(),
        os_env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ProjectOptions::default()
    };
    let mut ctx = LoadContext::default();
    let project = load(&opts, &mut ctx);
    (project, ctx)
}

fn stages(opts: &ProjectOptions) -> Stages {
    Stages {
        interpolate: !opts.no_interpolate,
        normalize: !opts.no_normalize,
        resolve_paths: !opts.no_path_resolution,
        consistency: !opts.no_consistency,
        resolve_env: !opts.no_env_resolution,
        validate: !opts.no_validation,
    }
}

/// Loads the merged, canonical model tree (what `config --no-interpolate` prints), with the
/// resolved options and the project name.
pub fn load_model(
    opts: &ProjectOptions,
    ctx: &mut LoadContext,
) -> Result<(Node, ResolvedOptions, String)> {
    let mut resolved = opts.resolve()?;
    ctx.resolved = Some(resolved.clone());
    let stages = stages(opts);
    if stages.validate {
        // Compiling the schema takes a few milliseconds and needs nothing from the files:
        // done on another thread while they are read and parsed.
        schema::prepare_in_background();
    }

    let mut files = Vec::new();
    for f in &resolved.files {
        let text = if f == "-" {
            opts.stdin.clone().unwrap_or_default()
        } else {
            std::fs::read_to_string(f)
                .map_err(|e| LoadError::new(format!("failed to read {f}: {e}")))?
        };
        let id = ctx.sources.add(PathBuf::from(f), text.as_str());
        let docs = yaml::parse(&text, id)?;
        files.push((PathBuf::from(f), docs));
    }

    let name = project_name(&resolved, &files, stages)?;
    resolved
        .environment
        .insert("COMPOSE_PROJECT_NAME".into(), name.clone());
    ctx.resolved = Some(resolved.clone());

    let mut loader = FileLoader {
        ctx,
        stages,
        env: resolved.environment.clone(),
    };
    let mut root = loader.load_files(files, &resolved.working_dir, &resolved.environment, &[])?;
    if root.as_map().is_none_or(Mapping::is_empty) {
        return Err(LoadError::new("empty compose file"));
    }
    if name.is_empty() {
        return Err(LoadError::new("project name must not be empty")
            .with_hint("set `name:` in the compose file or pass -p NAME"));
    }
    if stages.normalize {
        if let Some(m) = root.as_map_mut() {
            m.insert(
                "name",
                Span::SYNTHETIC,
                Node::string(name.clone(), Span::SYNTHETIC),
            );
        }
        let restricted;
        let lookup_env = if stages.interpolate {
            &resolved.environment
        } else {
            restricted = resolution_env_without_interpolation(&resolved.environment);
            &restricted
        };
        canonical::normalize(&mut root, &name, lookup_env)?;
    }
    Ok((root, resolved, name))
}

/// The environment valueless variables (`environment: [KEY]`, `build.args`, secrets from
/// `environment`) are resolved from when interpolation is off: Docker Compose then only knows
/// the `COMPOSE_PROJECT_NAME` it sets itself (files included with `include` still resolve from
/// their own environment).
fn resolution_env_without_interpolation(
    env: &IndexMap<String, String>,
) -> IndexMap<String, String> {
    env.iter()
        .filter(|(k, _)| k.as_str() == "COMPOSE_PROJECT_NAME")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The project name: imperative (`-p`, `COMPOSE_PROJECT_NAME`), else the last non-empty
/// top-level `name:` (interpolated, normalised), else the project directory's base name.
fn project_name(
    resolved: &ResolvedOptions,
    files: &[(PathBuf, Vec<Node>)],
    stages: Stages,
) -> Result<String> {
    if let Some(n) = &resolved.imperative_name {
        return Ok(n.clone());
    }
    let mut from_files: Option<Node> = None;
    for (_, docs) in files {
        for doc in docs {
            if let Some(n) = doc.as_map().and_then(|m| m.get("name")) {
                if n.as_str().is_some_and(|s| !s.is_empty()) {
                    from_files = Some(n.clone());
                }
            }
        }
    }
    if let Some(mut node) = from_files {
        if stages.interpolate {
            let env = &resolved.environment;
            interpolate::interpolate_tree(&mut node, &|k: &str| env.get(k).cloned())?;
        }
        let mut name = node.as_str().unwrap_or_default().to_string();
        if stages.normalize {
            name = normalize_project_name(&name);
        }
        if !name.is_empty() {
            return Ok(name);
        }
    }
    let dir = resolved
        .working_dir
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    Ok(normalize_project_name(&dir))
}

/// Loads files into one model; shared by the top level and by `include`.
struct FileLoader<'a> {
    ctx: &'a mut LoadContext,
    stages: Stages,
    env: IndexMap<String, String>,
}

impl FileLoader<'_> {
    /// compose-go's `loadYamlModel`: every file and document in order, then defaults, paths
    /// and environment resolution.
    fn load_files(
        &mut self,
        files: Vec<(PathBuf, Vec<Node>)>,
        working_dir: &Path,
        env: &IndexMap<String, String>,
        included: &[PathBuf],
    ) -> Result<Node> {
        let mut dict = Node::map(Span::SYNTHETIC);
        for (path, docs) in files {
            for doc in docs {
                dict = self.process_document(dict, doc, &path, working_dir, env, included)?;
            }
        }
        canonical::set_defaults(&mut dict)?;
        if self.stages.resolve_paths {
            canonical::resolve_paths(&mut dict, working_dir)?;
        }
        let restricted;
        let lookup_env = if self.stages.interpolate || !included.is_empty() {
            env
        } else {
            restricted = resolution_env_without_interpolation(env);
            &restricted
        };
        canonical::resolve_environment(&mut dict, lookup_env);
        Ok(dict)
    }

    fn process_document(
        &mut self,
        dict: Node,
        mut cfg: Node,
        path: &Path,
        working_dir: &Path,
        env: &IndexMap<String, String>,
        included: &[PathBuf],
    ) -> Result<Node> {
        if cfg.is_null() {
            return Ok(dict);
        }
        if cfg.as_map().is_none() {
            return Err(LoadError::at(
                cfg.span,
                "top-level object must be a mapping",
            ));
        }
        if self.stages.interpolate {
            interpolate::interpolate_tree(&mut cfg, &|k: &str| env.get(k).cloned())?;
        }
        let mut included = included.to_vec();
        included.push(path.to_path_buf());
        let mut dict = dict;
        self.apply_include(&mut dict, &mut cfg, working_dir, env, &included)?;
        let mut ext = ExtendsFiles {
            ctx: self.ctx,
            stages: self.stages,
            env,
        };
        let mut dict = merge::merge_file(dict, cfg, path, working_dir, &mut ext)?;
        canonical::rename_legacy_keys(&mut dict);
        if self.stages.validate {
            schema::validate(&dict)?;
        }
        if let Some(m) = dict.as_map_mut() {
            if m.remove("version").is_some() {
                warn(format!(
                    "{}: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion",
                    path.display()
                ));
            }
        }
        let options = canonical::CanonicalOptions {
            ignore_parse_errors: !self.stages.interpolate,
        };
        for w in canonical::canonicalize_reporting(&mut dict, options)? {
            warn(w.message);
        }
        canonical::omit_empty(&mut dict);
        merge::enforce_unicity(&mut dict)?;
        Ok(dict)
    }

    /// compose-go's `ApplyInclude`: each entry is loaded as its own project and its resources
    /// are imported; a resource defined again by the including file is merged on top.
    fn apply_include(
        &mut self,
        dict: &mut Node,
        cfg: &mut Node,
        working_dir: &Path,
        env: &IndexMap<String, String>,
        included: &[PathBuf],
    ) -> Result<()> {
        let Some(include) = cfg.as_map_mut().and_then(|m| m.remove("include")) else {
            return Ok(());
        };
        let Some(entries) = include.as_seq() else {
            return Err(
                LoadError::at(include.span, "`include` must be a list").with_path("include")
            );
        };
        for (i, entry) in entries.iter().enumerate() {
            let at = format!("include[{i}]");
            let (paths, env_files, project_dir) = include_entry(entry, &at)?;
            let mut abs_paths = Vec::new();
            for p in &paths {
                abs_paths.push(clean_path(&working_dir.join(p)));
            }
            let Some(main) = abs_paths.first().cloned() else {
                return Err(LoadError::at(entry.span, "include entry needs a path").with_path(at));
            };
            let project_dir = match project_dir {
                Some(d) => clean_path(&working_dir.join(d)),
                None => main.parent().map(Path::to_path_buf).unwrap_or_default(),
            };
            if included.contains(&main) {
                let mut chain: Vec<String> =
                    included.iter().map(|p| p.display().to_string()).collect();
                chain.push(main.display().to_string());
                return Err(LoadError::at(
                    entry.span,
                    format!(
                        "include cycle detected:\n{}\n include {}",
                        chain[0],
                        chain[1..].join("\n include ")
                    ),
                ));
            }
            let env_files: Vec<PathBuf> = if env_files.is_empty() {
                let f = project_dir.join(".env");
                if f.is_file() {
                    vec![f]
                } else {
                    vec![]
                }
            } else {
                let mut out = Vec::new();
                for f in env_files {
                    if f == "/dev/null" {
                        continue;
                    }
                    let p = clean_path(&working_dir.join(&f));
                    if !p.exists() {
                        return Err(LoadError::at(
                            entry.span,
                            format!("env file {} not found", p.display()),
                        )
                        .with_path(at));
                    }
                    if p.is_dir() {
                        return Err(LoadError::at(
                            entry.span,
                            format!("{} is not a file", p.display()),
                        )
                        .with_path(at));
                    }
                    out.push(p);
                }
                out
            };
            let from_files = crate::options::read_env_files(env, &env_files)?;
            let mut sub_env = env.clone();
            for (k, v) in from_files {
                sub_env.entry(k).or_insert(v);
            }
            let mut files = Vec::new();
            for p in &abs_paths {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    LoadError::at(
                        entry.span,
                        format!("failed to read included file {}: {e}", p.display()),
                    )
                    .with_path(at.clone())
                })?;
                let id = self.ctx.sources.add(p.clone(), text.as_str());
                files.push((p.clone(), yaml::parse(&text, id)?));
            }
            let saved = self.stages;
            self.stages.resolve_paths = true;
            self.stages.normalize = false;
            self.stages.consistency = false;
            let imported = self.load_files(files, &project_dir, &sub_env, included);
            self.stages = saved;
            import_resources(dict, cfg, imported?)?;
        }
        let _ = &self.env;
        Ok(())
    }
}

/// Reads one `include` entry: `path` (string or list), `env_file`, `project_directory`.
fn include_entry(entry: &Node, at: &str) -> Result<(Vec<String>, Vec<String>, Option<String>)> {
    let strings = |n: &Node, what: &str| -> Result<Vec<String>> {
        match &n.value {
            Value::String(s) => Ok(vec![s.clone()]),
            Value::Seq(items) => items
                .iter()
                .map(|i| {
                    i.as_str().map(str::to_string).ok_or_else(|| {
                        LoadError::at(i.span, format!("{what} must be a string"))
                            .with_path(at.to_string())
                    })
                })
                .collect(),
            _ => Err(LoadError::at(
                n.span,
                format!("{what} must be a string or a list of strings"),
            )
            .with_path(at.to_string())),
        }
    };
    match &entry.value {
        Value::String(s) => Ok((vec![s.clone()], vec![], None)),
        Value::Map(m) => {
            let paths = m
                .get("path")
                .map(|n| strings(n, "path"))
                .transpose()?
                .unwrap_or_default();
            let env_files = m
                .get("env_file")
                .map(|n| strings(n, "env_file"))
                .transpose()?
                .unwrap_or_default();
            let dir = m
                .get("project_directory")
                .and_then(|n| n.as_str())
                .map(str::to_string);
            Ok((paths, env_files, dir))
        }
        _ => Err(
            LoadError::at(entry.span, "include entries must be a path or a mapping")
                .with_path(at.to_string()),
        ),
    }
}

/// Copies the resources of an included project into the including file's model; a resource
/// the including file (or an earlier file) also defines is merged with the local one on top.
fn import_resources(dict: &mut Node, cfg: &mut Node, imported: Node) -> Result<()> {
    let Some(src) = imported.as_map() else {
        return Ok(());
    };
    for key in [
        "services", "volumes", "networks", "secrets", "configs", "models",
    ] {
        let Some(from) = src.get(key).and_then(Node::as_map) else {
            continue;
        };
        let target = cfg.as_map_mut().expect("checked mapping");
        if !target.contains_key(key) {
            target.insert(key, Span::SYNTHETIC, Node::map(Span::SYNTHETIC));
        }
        let to = target.get_mut(key).and_then(Node::as_map_mut);
        let Some(to) = to else {
            return Err(LoadError::new(format!("`{key}` must be a mapping")).with_path(key));
        };
        for e in &from.entries {
            match to.get(&e.key).cloned() {
                None => to.insert(e.key.clone(), e.key_span, e.value.clone()),
                Some(local) => {
                    let wrap = |v: Node| {
                        let mut inner = Mapping::new();
                        inner.insert(e.key.clone(), e.key_span, v);
                        let mut outer = Mapping::new();
                        outer.insert(
                            key,
                            Span::SYNTHETIC,
                            Node::new(Value::Map(inner), Span::SYNTHETIC),
                        );
                        Node::new(Value::Map(outer), Span::SYNTHETIC)
                    };
                    let merged = merge::merge(wrap(e.value.clone()), wrap(local))?;
                    let merged = merged
                        .as_map()
                        .and_then(|m| m.get(key))
                        .and_then(Node::as_map)
                        .and_then(|m| m.get(&e.key))
                        .cloned()
                        .unwrap_or_else(|| Node::new(Value::Null, Span::SYNTHETIC));
                    to.insert(e.key.clone(), e.key_span, merged);
                }
            }
        }
    }
    let _ = dict;
    Ok(())
}

/// Loads files named by `extends.file`: parsed and interpolated, nothing else.
struct ExtendsFiles<'a> {
    ctx: &'a mut LoadContext,
    stages: Stages,
    env: &'a IndexMap<String, String>,
}

impl ExtendsLoader for ExtendsFiles<'_> {
    fn load(&mut self, path: &Path) -> Result<Node> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LoadError::new(format!("failed to read {}: {e}", path.display())))?;
        let id = self.ctx.sources.add(path.to_path_buf(), text.as_str());
        let mut docs = yaml::parse(&text, id)?;
        let mut node = if docs.is_empty() {
            Node::map(Span::SYNTHETIC)
        } else {
            docs.remove(0)
        };
        if self.stages.interpolate {
            let env = self.env;
            interpolate::interpolate_tree(&mut node, &|k: &str| env.get(k).cloned())?;
        }
        Ok(node)
    }
}
