//! Project options: which compose files, which project directory, which environment, which
//! profiles and which project name — resolved exactly in Docker Compose's order.
//!
//! Order (compose-go `cli` options as Docker Compose applies them): the OS environment wins;
//! `PWD` is added if missing; env files (`--env-file`, else `<dir>/.env`) add the keys still
//! missing; `COMPOSE_FILE` (split on `COMPOSE_PATH_SEPARATOR`) is read from that environment;
//! otherwise compose files are discovered upward from the working directory; env files are read
//! again now that the project directory may have moved; `COMPOSE_PROFILES` applies when no
//! `--profile` was given; finally the project name (`-p`) is checked.
//!
//! The process environment and the current directory are inputs, so this stays pure and testable.

use crate::dotenv;
use crate::error::{LoadError, Result};
use crate::source::FileId;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// Compose file names searched for, in order of preference.
pub const DEFAULT_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Override file names picked up beside a discovered compose file, in order of preference.
pub const DEFAULT_OVERRIDE_FILE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// What the user asked for, before anything is resolved: the global flags plus the process
/// environment and current directory.
#[derive(Debug, Clone, Default)]
pub struct ProjectOptions {
    /// `-f` values in order (`-` is standard input).
    pub files: Vec<String>,
    /// `-p`.
    pub project_name: Option<String>,
    /// `--project-directory`.
    pub project_directory: Option<PathBuf>,
    /// `--profile` values.
    pub profiles: Vec<String>,
    /// `--env-file` values.
    pub env_files: Vec<String>,
    /// The process environment.
    pub os_env: IndexMap<String, String>,
    /// The current working directory (absolute).
    pub cwd: PathBuf,
    /// Services named on the command line (they are enabled and their dependencies selected).
    pub services: Vec<String>,
    /// Skip interpolation (`config --no-interpolate`).
    pub no_interpolate: bool,
    /// Skip normalisation (`config --no-normalize`).
    pub no_normalize: bool,
    /// Keep relative paths (`config --no-path-resolution`).
    pub no_path_resolution: bool,
    /// Skip consistency checks (`config --no-consistency`).
    pub no_consistency: bool,
    /// Keep `env_file` instead of folding it into `environment` (`--no-env-resolution`).
    pub no_env_resolution: bool,
    /// Keep networks and volumes that no service uses (`--all-resources`).
    pub all_resources: bool,
    /// Skip schema validation (`config --variables` reads models that may not validate).
    pub no_validation: bool,
    /// Content of standard input, for `-f -` (read by the caller).
    pub stdin: Option<String>,
}

/// Options after discovery: the files to load, the project directory, the environment.
#[derive(Debug, Clone)]
pub struct ResolvedOptions {
    /// Absolute paths of the compose files (or `-`), in `-f` order.
    pub files: Vec<String>,
    /// The project directory (absolute).
    pub working_dir: PathBuf,
    /// The environment used for interpolation: OS environment, then env files for missing keys.
    pub environment: IndexMap<String, String>,
    /// The env files that were read, absolute.
    pub env_files: Vec<PathBuf>,
    /// Active profiles.
    pub profiles: Vec<String>,
    /// `-p` or `COMPOSE_PROJECT_NAME`, already validated, when given imperatively.
    pub imperative_name: Option<String>,
}

/// Lower-cases and keeps only `[a-z0-9_-]`, then trims leading `_` and `-`.
pub fn normalize_project_name(s: &str) -> String {
    let kept: String = s
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// The error for a `-p` / `COMPOSE_PROJECT_NAME` that is not already normalised.
pub fn invalid_project_name(name: &str) -> LoadError {
    LoadError::new(format!(
        "invalid project name {name:?}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
    ))
    .with_hint(format!("try `-p {}`", normalize_project_name(name)))
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    clean_path(&joined)
}

/// Lexically cleans a path like Go's `filepath.Clean` (no symlink resolution).
pub fn clean_path(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

impl ProjectOptions {
    /// The project directory as compose computes it before discovery: `--project-directory`,
    /// else the directory of the first `-f` file that is not `-`, else the current directory.
    fn working_dir(&self, files: &[String]) -> PathBuf {
        if let Some(d) = &self.project_directory {
            return absolute(&self.cwd, d);
        }
        for f in files {
            if f != "-" {
                let abs = absolute(&self.cwd, Path::new(f));
                return abs.parent().map(Path::to_path_buf).unwrap_or(abs);
            }
        }
        self.cwd.clone()
    }

    /// The env files to read: `--env-file` values, else `<dir>/.env` when it exists.
    fn env_file_list(
        &self,
        env: &IndexMap<String, String>,
        files: &[String],
    ) -> Result<Vec<PathBuf>> {
        if !self.env_files.is_empty() {
            return Ok(self
                .env_files
                .iter()
                .map(|f| absolute(&self.cwd, &expand_home(f, env)))
                .collect());
        }
        if let Some(v) = self.os_env.get("COMPOSE_DISABLE_ENV_FILE") {
            match parse_bool(v) {
                Some(true) => return Ok(vec![]),
                Some(false) => {}
                None => {
                    return Err(LoadError::new(format!(
                        "COMPOSE_DISABLE_ENV_FILE: invalid boolean value {v:?}"
                    )))
                }
            }
        }
        let dotenv = self.working_dir(files).join(".env");
        if dotenv.is_file() {
            return Ok(vec![dotenv]);
        }
        Ok(vec![])
    }

    /// Resolves files, directory, environment and profiles. `read_env` reads an env file (so
    /// that tests can stay off the file system if they like; pass [`read_file`]).
    pub fn resolve(&self) -> Result<ResolvedOptions> {
        let mut env = self.os_env.clone();
        if !env.contains_key("PWD") {
            env.insert("PWD".into(), self.cwd.display().to_string());
        }
        let mut files = self.files.clone();

        // Pass 1: env files relative to the pre-discovery directory.
        let env_files = self.env_file_list(&env, &files)?;
        merge_env_files(&mut env, &env_files)?;

        // COMPOSE_FILE, from the OS environment or `.env`.
        if files.is_empty() {
            if let Some(list) = env.get("COMPOSE_FILE").cloned() {
                let sep = env
                    .get("COMPOSE_PATH_SEPARATOR")
                    .cloned()
                    .filter(|s| !s.is_empty());
                let sep = sep.unwrap_or_else(|| ":".to_string());
                for f in list.split(sep.as_str()) {
                    if f == "-" {
                        files.push(f.to_string());
                        continue;
                    }
                    let abs = absolute(&self.cwd, Path::new(f));
                    if !abs.exists() {
                        return Err(LoadError::new(format!(
                            "COMPOSE_FILE names {}, which does not exist",
                            abs.display()
                        )));
                    }
                    files.push(abs.display().to_string());
                }
            }
        }

        // Discovery upward from the working directory.
        if files.is_empty() {
            files = discover(&self.working_dir(&files))?;
        }
        if files.is_empty() {
            return Err(
                LoadError::new("no configuration file provided: not found").with_hint(
                    "create a compose.yaml here or in a parent directory, or name one with -f",
                ),
            );
        }
        let files: Vec<String> = files
            .into_iter()
            .map(|f| {
                if f == "-" {
                    f
                } else {
                    absolute(&self.cwd, Path::new(&f)).display().to_string()
                }
            })
            .collect();

        // Pass 2: the project directory may have moved to the discovered file's directory.
        let env_files2 = self.env_file_list(&env, &files)?;
        merge_env_files(&mut env, &env_files2)?;
        let mut all_env_files = env_files;
        for f in env_files2 {
            if !all_env_files.contains(&f) {
                all_env_files.push(f);
            }
        }

        let profiles = if !self.profiles.is_empty() {
            self.profiles.clone()
        } else {
            env.get("COMPOSE_PROFILES")
                .map(|s| {
                    s.split(',')
                        .map(|p| p.trim().to_string())
                        .filter(|p| !p.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };

        let imperative_name = match &self.project_name {
            Some(n) if !n.is_empty() => Some(n.clone()),
            _ => env
                .get("COMPOSE_PROJECT_NAME")
                .filter(|n| !n.is_empty())
                .cloned(),
        };
        if let Some(n) = &imperative_name {
            if normalize_project_name(n) != *n {
                return Err(invalid_project_name(n));
            }
        }

        Ok(ResolvedOptions {
            working_dir: self.working_dir(&files),
            files,
            environment: env,
            env_files: all_env_files,
            profiles,
            imperative_name,
        })
    }
}

/// Expands a leading `~/` with `HOME`.
fn expand_home(p: &str, env: &IndexMap<String, String>) -> PathBuf {
    if let Some(rest) = p.strip_prefix("~/") {
        if let Some(home) = env.get("HOME") {
            return Path::new(home).join(rest);
        }
    }
    PathBuf::from(p)
}

/// Reads env files in order; each adds only the keys the environment does not have yet.
fn merge_env_files(env: &mut IndexMap<String, String>, files: &[PathBuf]) -> Result<()> {
    let from_files = read_env_files(env, files)?;
    for (k, v) in from_files {
        env.entry(k).or_insert(v);
    }
    Ok(())
}

/// Parses env files in order with compose's rules. Later files override earlier ones; lookups
/// during interpolation see `current` first, then what earlier lines and files defined.
pub fn read_env_files(
    current: &IndexMap<String, String>,
    files: &[PathBuf],
) -> Result<IndexMap<String, String>> {
    let mut out: IndexMap<String, String> = IndexMap::new();
    for f in files {
        if f.is_dir() {
            return Err(LoadError::new(format!("{} is a directory", f.display())));
        }
        let text = std::fs::read_to_string(f)
            .map_err(|_| LoadError::new(format!("couldn't find env file: {}", f.display())))?;
        let snapshot = out.clone();
        let lookup = |k: &str| current.get(k).or_else(|| snapshot.get(k)).cloned();
        let parsed = dotenv::parse(&text, FileId(u32::MAX), &lookup).map_err(|e| {
            LoadError::new(format!("failed to read {}: {}", f.display(), e.message))
        })?;
        out.extend(parsed);
    }
    Ok(out)
}

/// Finds the compose file (and its override) in `dir` or the nearest parent that has one.
pub fn discover(dir: &Path) -> Result<Vec<String>> {
    let mut d = dir.to_path_buf();
    loop {
        let found: Vec<PathBuf> = DEFAULT_FILE_NAMES
            .iter()
            .map(|n| d.join(n))
            .filter(|p| p.exists())
            .collect();
        if let Some(first) = found.first() {
            if found.len() > 1 {
                let names: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
                crate::warnings::warn(format!(
                    "Found multiple config files with supported names: {}",
                    names.join(", ")
                ));
                crate::warnings::warn(format!("Using {}", first.display()));
            }
            let mut files = vec![first.display().to_string()];
            let overrides: Vec<PathBuf> = DEFAULT_OVERRIDE_FILE_NAMES
                .iter()
                .map(|n| d.join(n))
                .filter(|p| p.exists())
                .collect();
            if let Some(o) = overrides.first() {
                if overrides.len() > 1 {
                    let names: Vec<String> =
                        overrides.iter().map(|p| p.display().to_string()).collect();
                    crate::warnings::warn(format!(
                        "Found multiple override files with supported names: {}",
                        names.join(", ")
                    ));
                    crate::warnings::warn(format!("Using {}", o.display()));
                }
                files.push(o.display().to_string());
            }
            return Ok(files);
        }
        match d.parent() {
            Some(p) if p != d => d = p.to_path_buf(),
            _ => return Ok(vec![]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_are_normalised_like_compose() {
        assert_eq!(normalize_project_name("My_Project"), "my_project");
        assert_eq!(normalize_project_name("-_Foo.Bar Baz"), "foobarbaz");
        assert_eq!(normalize_project_name("__"), "");
        assert_eq!(normalize_project_name("ÄBC1"), "bc1");
    }

    #[test]
    fn paths_are_cleaned_lexically() {
        assert_eq!(clean_path(Path::new("/a/./b/../c/")), PathBuf::from("/a/c"));
        assert_eq!(clean_path(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(clean_path(Path::new("a/../../b")), PathBuf::from("../b"));
    }
}
