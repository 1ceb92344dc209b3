//! Where the engine lives: resolves the Docker endpoint the way the docker CLI does, before
//! any connection is made. Order: `DOCKER_HOST` (uses the "default" context), then
//! `DOCKER_CONTEXT`, then `currentContext` in `$DOCKER_CONFIG/config.json` (default
//! `~/.docker`), then the default `unix:///var/run/docker.sock`. Named contexts are read from
//! `$DOCKER_CONFIG/contexts/meta/*/meta.json`.

use std::path::{Path, PathBuf};

use crate::error::{EngineError, ErrorKind, Result};

/// The engine socket used when nothing else is configured.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// Where an [`Endpoint`] came from; used in messages so users know what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    /// The `DOCKER_HOST` environment variable.
    DockerHostEnv,
    /// A named Docker context, selected by `DOCKER_CONTEXT` or `currentContext`.
    Context(String),
    /// Nothing configured: the default socket.
    Default,
}

/// A resolved engine address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Engine URL, e.g. `unix:///var/run/docker.sock` or `tcp://10.0.0.2:2375`.
    pub host: String,
    /// Where the address came from.
    pub source: EndpointSource,
    /// True when TLS was requested (`DOCKER_TLS_VERIFY`/`DOCKER_TLS`, or TLS material in the
    /// context). Hoist cannot do TLS yet; connecting then fails with a clear error.
    pub tls: bool,
}

impl Endpoint {
    /// A short phrase saying where the address came from, e.g. `from DOCKER_HOST`.
    pub fn origin(&self) -> String {
        match &self.source {
            EndpointSource::DockerHostEnv => "from DOCKER_HOST".to_string(),
            EndpointSource::Context(name) => format!("from Docker context \"{name}\""),
            EndpointSource::Default => "the default socket".to_string(),
        }
    }
}

/// Resolves the endpoint from the process environment and the user's Docker config directory.
pub fn resolve_from_env() -> Result<Endpoint> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let config_dir = docker_config_dir(&env);
    resolve(&env, config_dir.as_deref())
}

/// The docker CLI configuration directory: `$DOCKER_CONFIG`, else `$HOME/.docker`.
pub fn docker_config_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = env("DOCKER_CONFIG") {
        return Some(PathBuf::from(dir));
    }
    env("HOME").map(|home| Path::new(&home).join(".docker"))
}

/// Resolves the endpoint from an environment lookup and an optional config directory.
/// Pure apart from reading files under `config_dir`; used by [`resolve_from_env`] and tests.
pub fn resolve(
    env: &dyn Fn(&str) -> Option<String>,
    config_dir: Option<&Path>,
) -> Result<Endpoint> {
    let tls_env = env("DOCKER_TLS_VERIFY").is_some() || env("DOCKER_TLS").is_some();
    if let Some(host) = env("DOCKER_HOST") {
        // TLS only applies to TCP endpoints; a unix socket ignores the TLS variables.
        let tls = tls_env && !host.starts_with("unix://");
        return Ok(Endpoint {
            host,
            source: EndpointSource::DockerHostEnv,
            tls,
        });
    }
    let context = match env("DOCKER_CONTEXT") {
        Some(name) => Some(name),
        None => match config_dir {
            Some(dir) => current_context(dir)?,
            None => None,
        },
    };
    match context {
        Some(name) if name != "default" => {
            let Some(dir) = config_dir else {
                return Err(EngineError::new(
                    ErrorKind::Config,
                    format!("Docker context \"{name}\" is selected but no Docker config directory is known (set HOME or DOCKER_CONFIG)"),
                ));
            };
            context_endpoint(dir, &name)
        }
        _ => Ok(Endpoint {
            host: DEFAULT_HOST.to_string(),
            source: EndpointSource::Default,
            tls: false,
        }),
    }
}

/// Reads `currentContext` from `<dir>/config.json`; a missing file means none.
fn current_context(dir: &Path) -> Result<Option<String>> {
    let path = dir.join("config.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(EngineError::new(
                ErrorKind::Config,
                format!("cannot read Docker config {}: {e}", path.display()),
            ))
        }
    };
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        EngineError::new(
            ErrorKind::Config,
            format!("Docker config {} is not valid JSON: {e}", path.display()),
        )
    })?;
    Ok(json
        .get("currentContext")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string))
}

/// Finds the context called `name` among `<dir>/contexts/meta/*/meta.json` and returns its
/// docker endpoint.
fn context_endpoint(dir: &Path, name: &str) -> Result<Endpoint> {
    let meta_root = dir.join("contexts").join("meta");
    let entries = std::fs::read_dir(&meta_root).ok();
    for entry in entries.into_iter().flatten().flatten() {
        let meta_path = entry.path().join("meta.json");
        let Ok(text) = std::fs::read_to_string(&meta_path) else {
            continue;
        };
        let Ok(meta) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if meta.get("Name").and_then(|v| v.as_str()) != Some(name) {
            continue;
        }
        let docker = meta.get("Endpoints").and_then(|e| e.get("docker"));
        let Some(host) = docker
            .and_then(|d| d.get("Host"))
            .and_then(|h| h.as_str())
            .filter(|h| !h.is_empty())
        else {
            return Err(EngineError::new(
                ErrorKind::Config,
                format!(
                    "Docker context \"{name}\" ({}) has no docker endpoint host",
                    meta_path.display()
                ),
            ));
        };
        let tls_dir = dir
            .join("contexts")
            .join("tls")
            .join(entry.file_name())
            .join("docker");
        let tls = host.starts_with("tcp://") && tls_dir.is_dir();
        return Ok(Endpoint {
            host: host.to_string(),
            source: EndpointSource::Context(name.to_string()),
            tls,
        });
    }
    Err(EngineError::new(
        ErrorKind::Config,
        format!(
            "Docker context \"{name}\" not found under {}",
            meta_root.display()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "hoist-endpoint-{tag}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    fn write_context(dir: &Path, name: &str, host: &str) {
        let meta = dir.join("contexts/meta").join(format!("hash-of-{name}"));
        std::fs::create_dir_all(&meta).expect("meta dir");
        std::fs::write(
            meta.join("meta.json"),
            format!(r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#),
        )
        .expect("meta.json");
    }

    #[test]
    fn default_when_nothing_configured() {
        let ep = resolve(&env_of(&[]), None).expect("resolve");
        assert_eq!(ep.host, DEFAULT_HOST);
        assert_eq!(ep.source, EndpointSource::Default);
        assert!(!ep.tls);
    }

    #[test]
    fn docker_host_wins_over_context() {
        let dir = temp_dir("host");
        write_context(&dir, "remote", "tcp://10.1.1.1:2375");
        let env = env_of(&[
            ("DOCKER_HOST", "unix:///tmp/x.sock"),
            ("DOCKER_CONTEXT", "remote"),
        ]);
        let ep = resolve(&env, Some(&dir)).expect("resolve");
        assert_eq!(ep.host, "unix:///tmp/x.sock");
        assert_eq!(ep.source, EndpointSource::DockerHostEnv);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn docker_context_env_and_current_context() {
        let dir = temp_dir("ctx");
        write_context(&dir, "remote", "tcp://10.1.1.1:2375");
        write_context(&dir, "other", "unix:///run/other.sock");
        std::fs::write(dir.join("config.json"), r#"{"currentContext":"other"}"#).expect("cfg");

        let ep = resolve(&env_of(&[("DOCKER_CONTEXT", "remote")]), Some(&dir)).expect("env");
        assert_eq!(ep.host, "tcp://10.1.1.1:2375");
        assert_eq!(ep.source, EndpointSource::Context("remote".into()));

        let ep = resolve(&env_of(&[]), Some(&dir)).expect("current");
        assert_eq!(ep.host, "unix:///run/other.sock");

        let ep = resolve(&env_of(&[("DOCKER_CONTEXT", "default")]), Some(&dir)).expect("default");
        assert_eq!(ep.host, DEFAULT_HOST);

        let err = resolve(&env_of(&[("DOCKER_CONTEXT", "nope")]), Some(&dir)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(
            err.message.contains("\"nope\" not found"),
            "{}",
            err.message
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn tls_env_is_recorded() {
        let env = env_of(&[("DOCKER_HOST", "tcp://h:2376"), ("DOCKER_TLS_VERIFY", "1")]);
        assert!(resolve(&env, None).expect("resolve").tls);
        let env = env_of(&[
            ("DOCKER_HOST", "unix:///s.sock"),
            ("DOCKER_TLS_VERIFY", "1"),
        ]);
        assert!(!resolve(&env, None).expect("resolve").tls);
    }
}
