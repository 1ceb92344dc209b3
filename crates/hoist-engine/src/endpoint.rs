//! Where the engine lives: resolves the Docker endpoint the way the docker CLI does, before
//! any connection is made. Order: `DOCKER_HOST` (uses the "default" context), then
//! `DOCKER_CONTEXT`, then `currentContext` in `$DOCKER_CONFIG/config.json` (default
//! `~/.docker`), then the default context. A named context is read from
//! `$DOCKER_CONFIG/contexts/meta/<sha256 of its name>/meta.json`, its TLS material from
//! `$DOCKER_CONFIG/contexts/tls/<sha256 of its name>/docker/{ca,cert,key}.pem`.
//!
//! TLS follows the docker CLI: in the default context, a non-empty `DOCKER_TLS_VERIFY` turns
//! TLS on with verification and a non-empty `DOCKER_TLS` turns it on without; the material
//! comes from `DOCKER_CERT_PATH` (default: the config directory): `ca.pem` (required),
//! `cert.pem` + `key.pem` (used when both exist). With TLS on and no `DOCKER_HOST`, the host is
//! `tcp://localhost:2376`. A context uses TLS when it has a TLS directory or `SkipTLSVerify`.
//! Sockets (`unix://`, `npipe://`, `fd://`) and `ssh://` never use TLS.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{EngineError, ErrorKind, Result};

/// The engine socket used when nothing else is configured.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// The host used when TLS is requested by the environment but `DOCKER_HOST` is unset
/// (the docker CLI's default TLS host).
pub const DEFAULT_TLS_HOST: &str = "tcp://localhost:2376";

/// Every environment variable that chooses the engine or how to reach it, as the docker CLI
/// reads them: a process that must reach one given engine clears all of them first.
pub const ENGINE_ENV_VARS: [&str; 6] = [
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_CONFIG",
    "DOCKER_TLS_VERIFY",
    "DOCKER_TLS",
    "DOCKER_CERT_PATH",
];

/// Where an [`Endpoint`] came from; used in messages so users know what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    /// The `DOCKER_HOST` environment variable.
    DockerHostEnv,
    /// A named Docker context, selected by `DOCKER_CONTEXT` or `currentContext`.
    Context(String),
    /// Nothing configured: the default socket (or the default TLS host when the TLS
    /// variables are set).
    Default,
}

/// How to speak TLS to an endpoint, with the files to read (read when connecting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// Verify the engine's certificate chain and name. False for `DOCKER_TLS` without
    /// `DOCKER_TLS_VERIFY`, and for a context with `SkipTLSVerify`.
    pub verify: bool,
    /// The CA bundle that must have signed the engine's certificate; `None`: the system's
    /// trusted roots.
    pub ca: Option<PathBuf>,
    /// The client certificate chain and its private key, when both are present.
    pub client: Option<(PathBuf, PathBuf)>,
}

impl TlsSettings {
    /// A short phrase for messages, e.g. `TLS verified against /root/.docker/ca.pem`.
    pub fn describe(&self) -> String {
        let mut text = if !self.verify {
            "TLS without verification".to_string()
        } else if let Some(ca) = &self.ca {
            format!("TLS verified against {}", ca.display())
        } else {
            "TLS verified against the system's roots".to_string()
        };
        match &self.client {
            Some((cert, _)) => text.push_str(&format!(", client certificate {}", cert.display())),
            None => text.push_str(", no client certificate"),
        }
        text
    }
}

/// A resolved engine address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Engine URL, e.g. `unix:///var/run/docker.sock` or `tcp://10.0.0.2:2376`.
    pub host: String,
    /// Where the address came from.
    pub source: EndpointSource,
    /// TLS settings when the connection uses TLS; `None` for plain HTTP or a socket.
    pub tls: Option<TlsSettings>,
}

impl Endpoint {
    /// A plain (no TLS) endpoint.
    pub fn plain(host: impl Into<String>, source: EndpointSource) -> Self {
        Endpoint {
            host: host.into(),
            source,
            tls: None,
        }
    }

    /// A short phrase saying where the address came from (and how TLS is set up), e.g.
    /// `from DOCKER_HOST` or `from DOCKER_HOST, TLS verified against /certs/ca.pem, ...`.
    pub fn origin(&self) -> String {
        let source = match &self.source {
            EndpointSource::DockerHostEnv => "from DOCKER_HOST".to_string(),
            EndpointSource::Context(name) => format!("from Docker context \"{name}\""),
            EndpointSource::Default if self.tls.is_some() => {
                "the default TLS host, as DOCKER_TLS_VERIFY/DOCKER_TLS is set".to_string()
            }
            EndpointSource::Default => "the default socket".to_string(),
        };
        match &self.tls {
            Some(tls) => format!("{source}, {}", tls.describe()),
            None => source,
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

/// The rootful Podman API socket (`podman system service`).
pub const PODMAN_ROOTFUL_SOCKET: &str = "/run/podman/podman.sock";

/// A Podman API socket that exists on this machine: the rootless one
/// (`$XDG_RUNTIME_DIR/podman/podman.sock`), else the rootful one. Hoist never connects to it
/// unless `DOCKER_HOST` (or a context) says so, as the docker CLI; the "no engine" message
/// names it.
pub fn podman_socket(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let rootless = env("XDG_RUNTIME_DIR").map(|dir| Path::new(&dir).join("podman/podman.sock"));
    rootless
        .into_iter()
        .chain(std::iter::once(PathBuf::from(PODMAN_ROOTFUL_SOCKET)))
        .find(|path| path.exists())
}

/// True for hosts that never use TLS: sockets and `ssh://` (the docker CLI's rule).
fn never_tls(host: &str) -> bool {
    ["unix://", "npipe://", "fd://", "ssh://"]
        .iter()
        .any(|scheme| host.starts_with(scheme))
}

/// Resolves the endpoint from an environment lookup (empty values must read as unset) and an
/// optional config directory. Pure apart from reading files under `config_dir` and
/// `DOCKER_CERT_PATH`; used by [`resolve_from_env`] and tests.
pub fn resolve(
    env: &dyn Fn(&str) -> Option<String>,
    config_dir: Option<&Path>,
) -> Result<Endpoint> {
    if let Some(host) = env("DOCKER_HOST") {
        return default_context(env, config_dir, host, EndpointSource::DockerHostEnv);
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
        _ => {
            let tls_requested = env("DOCKER_TLS_VERIFY").is_some() || env("DOCKER_TLS").is_some();
            let host = if tls_requested {
                DEFAULT_TLS_HOST
            } else {
                DEFAULT_HOST
            };
            default_context(env, config_dir, host.to_string(), EndpointSource::Default)
        }
    }
}

/// The docker CLI's "default" context: `host` with TLS from the environment variables.
fn default_context(
    env: &dyn Fn(&str) -> Option<String>,
    config_dir: Option<&Path>,
    host: String,
    source: EndpointSource,
) -> Result<Endpoint> {
    let verify = env("DOCKER_TLS_VERIFY").is_some();
    let tls_requested = verify || env("DOCKER_TLS").is_some();
    if !tls_requested || never_tls(&host) {
        return Ok(Endpoint::plain(host, source));
    }
    let cert_dir = match env("DOCKER_CERT_PATH") {
        Some(dir) => PathBuf::from(dir),
        None => config_dir.map(Path::to_path_buf).ok_or_else(|| {
            EngineError::new(
                ErrorKind::Config,
                format!("TLS is requested for the Docker Engine at {host} but neither DOCKER_CERT_PATH nor a Docker config directory (HOME, DOCKER_CONFIG) is set"),
            )
        })?,
    };
    let ca = cert_dir.join("ca.pem");
    if !ca.is_file() {
        let why = if verify {
            "DOCKER_TLS_VERIFY"
        } else {
            "DOCKER_TLS"
        };
        return Err(EngineError::new(
            ErrorKind::Config,
            format!(
                "{why} is set for the Docker Engine at {host} but the CA certificate {} does not exist; put ca.pem (and cert.pem, key.pem) there or set DOCKER_CERT_PATH to the directory holding them",
                ca.display()
            ),
        ));
    }
    // The docker CLI drops a missing cert.pem/key.pem and uses the pair only when both exist.
    let cert = cert_dir.join("cert.pem");
    let key = cert_dir.join("key.pem");
    let client = (cert.is_file() && key.is_file()).then_some((cert, key));
    Ok(Endpoint {
        host,
        source,
        tls: Some(TlsSettings {
            verify,
            ca: Some(ca),
            client,
        }),
    })
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

/// The directory name the docker CLI's context store uses for a context: the hex SHA-256 of
/// its name.
pub fn context_dir_name(name: &str) -> String {
    Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the context called `name` (`<dir>/contexts/meta/<digest>/meta.json`) and returns its
/// docker endpoint, with the TLS material of `<dir>/contexts/tls/<digest>/docker/`.
fn context_endpoint(dir: &Path, name: &str) -> Result<Endpoint> {
    let digest = context_dir_name(name);
    let meta_path = dir
        .join("contexts")
        .join("meta")
        .join(&digest)
        .join("meta.json");
    let text = match std::fs::read_to_string(&meta_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(EngineError::new(
                ErrorKind::Config,
                format!(
                    "Docker context \"{name}\" not found (no {}); create it with `docker context create` or select another with DOCKER_CONTEXT",
                    meta_path.display()
                ),
            ))
        }
        Err(e) => {
            return Err(EngineError::new(
                ErrorKind::Config,
                format!(
                    "cannot read Docker context \"{name}\" ({}): {e}",
                    meta_path.display()
                ),
            ))
        }
    };
    let meta: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        EngineError::new(
            ErrorKind::Config,
            format!(
                "Docker context \"{name}\" ({}) is not valid JSON: {e}",
                meta_path.display()
            ),
        )
    })?;
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
    let source = EndpointSource::Context(name.to_string());
    if never_tls(host) {
        return Ok(Endpoint::plain(host, source));
    }
    let skip_verify = docker
        .and_then(|d| d.get("SkipTLSVerify"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let tls_dir = dir
        .join("contexts")
        .join("tls")
        .join(&digest)
        .join("docker");
    let file = |name: &str| Some(tls_dir.join(name)).filter(|p| p.is_file());
    let ca = file("ca.pem");
    let cert = file("cert.pem");
    let key = file("key.pem");
    // As the docker CLI: an endpoint TLS directory, even without files, means TLS.
    if !tls_dir.is_dir() && !skip_verify {
        return Ok(Endpoint::plain(host, source));
    }
    let client = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        _ => None,
    };
    Ok(Endpoint {
        host: host.to_string(),
        source,
        tls: Some(TlsSettings {
            verify: !skip_verify,
            ca,
            client,
        }),
    })
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

    fn write_context(dir: &Path, name: &str, host: &str, skip_verify: bool) {
        let meta = dir.join("contexts/meta").join(context_dir_name(name));
        std::fs::create_dir_all(&meta).expect("meta dir");
        std::fs::write(
            meta.join("meta.json"),
            format!(r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":{skip_verify}}}}}}}"#),
        )
        .expect("meta.json");
    }

    fn write_files(dir: &Path, names: &[&str]) {
        std::fs::create_dir_all(dir).expect("dir");
        for name in names {
            std::fs::write(dir.join(name), "pem").expect("file");
        }
    }

    #[test]
    fn rootless_podman_socket_is_found_first() {
        let dir = temp_dir("podman");
        std::fs::create_dir_all(dir.join("podman")).expect("dir");
        std::fs::write(dir.join("podman/podman.sock"), "").expect("socket stand-in");
        let runtime = dir.to_str().expect("utf-8");
        assert_eq!(
            podman_socket(&env_of(&[("XDG_RUNTIME_DIR", runtime)])),
            Some(dir.join("podman/podman.sock"))
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn context_dirs_are_the_sha256_of_the_name() {
        assert_eq!(
            context_dir_name("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn default_when_nothing_configured() {
        let ep = resolve(&env_of(&[]), None).expect("resolve");
        assert_eq!(ep.host, DEFAULT_HOST);
        assert_eq!(ep.source, EndpointSource::Default);
        assert!(ep.tls.is_none());
        assert_eq!(ep.origin(), "the default socket");
    }

    #[test]
    fn docker_host_wins_over_context() {
        let dir = temp_dir("host");
        write_context(&dir, "remote", "tcp://10.1.1.1:2375", false);
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
        write_context(&dir, "remote", "tcp://10.1.1.1:2375", false);
        write_context(&dir, "other", "unix:///run/other.sock", false);
        std::fs::write(dir.join("config.json"), r#"{"currentContext":"other"}"#).expect("cfg");

        let ep = resolve(&env_of(&[("DOCKER_CONTEXT", "remote")]), Some(&dir)).expect("env");
        assert_eq!(ep.host, "tcp://10.1.1.1:2375");
        assert_eq!(ep.source, EndpointSource::Context("remote".into()));
        assert!(ep.tls.is_none(), "no TLS material: plain TCP");

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
    fn tls_verify_reads_the_cert_path() {
        let certs = temp_dir("certs");
        write_files(&certs, &["ca.pem", "cert.pem", "key.pem"]);
        let cert_path = certs.to_str().expect("utf-8");
        let env = env_of(&[
            ("DOCKER_HOST", "tcp://h:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", cert_path),
        ]);
        let ep = resolve(&env, None).expect("resolve");
        let tls = ep.tls.clone().expect("TLS");
        assert!(tls.verify);
        assert_eq!(tls.ca, Some(certs.join("ca.pem")));
        assert_eq!(
            tls.client,
            Some((certs.join("cert.pem"), certs.join("key.pem")))
        );
        assert!(ep
            .origin()
            .starts_with("from DOCKER_HOST, TLS verified against"));

        // DOCKER_TLS alone: TLS without verification (any non-empty value counts, as in
        // the docker CLI, even "0").
        let env = env_of(&[
            ("DOCKER_HOST", "tcp://h:2376"),
            ("DOCKER_TLS", "0"),
            ("DOCKER_CERT_PATH", cert_path),
        ]);
        let tls = resolve(&env, None).expect("resolve").tls.expect("TLS");
        assert!(!tls.verify);

        // A socket never uses TLS.
        let env = env_of(&[
            ("DOCKER_HOST", "unix:///s.sock"),
            ("DOCKER_TLS_VERIFY", "1"),
        ]);
        assert!(resolve(&env, None).expect("resolve").tls.is_none());
        let _ = std::fs::remove_dir_all(certs);
    }

    #[test]
    fn tls_defaults_follow_the_docker_cli() {
        let config = temp_dir("tlscfg");
        write_files(&config, &["ca.pem", "cert.pem"]);
        // No DOCKER_HOST: the default TLS host; no DOCKER_CERT_PATH: the config directory;
        // cert.pem without key.pem: no client certificate.
        let ep = resolve(&env_of(&[("DOCKER_TLS_VERIFY", "1")]), Some(&config)).expect("resolve");
        assert_eq!(ep.host, DEFAULT_TLS_HOST);
        assert_eq!(ep.source, EndpointSource::Default);
        let tls = ep.tls.expect("TLS");
        assert_eq!(tls.ca, Some(config.join("ca.pem")));
        assert_eq!(tls.client, None);

        // ca.pem is required.
        std::fs::remove_file(config.join("ca.pem")).expect("rm");
        let err = resolve(
            &env_of(&[("DOCKER_HOST", "tcp://h:2376"), ("DOCKER_TLS_VERIFY", "1")]),
            Some(&config),
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("ca.pem"), "{}", err.message);
        assert!(err.message.contains("DOCKER_CERT_PATH"), "{}", err.message);
        let _ = std::fs::remove_dir_all(config);
    }

    #[test]
    fn contexts_with_tls_material() {
        let dir = temp_dir("ctxtls");
        write_context(&dir, "secure", "tcp://10.1.1.1:2376", false);
        write_context(&dir, "skip", "tcp://10.1.1.2:2376", true);
        write_context(&dir, "sock", "unix:///run/x.sock", false);
        let tls_of = |name: &str| {
            dir.join("contexts/tls")
                .join(context_dir_name(name))
                .join("docker")
        };
        write_files(&tls_of("secure"), &["ca.pem", "cert.pem", "key.pem"]);
        write_files(&tls_of("sock"), &["ca.pem"]);

        let ep = resolve(&env_of(&[("DOCKER_CONTEXT", "secure")]), Some(&dir)).expect("secure");
        let tls = ep.tls.expect("TLS");
        assert!(tls.verify);
        assert_eq!(tls.ca, Some(tls_of("secure").join("ca.pem")));
        assert_eq!(
            tls.client,
            Some((
                tls_of("secure").join("cert.pem"),
                tls_of("secure").join("key.pem")
            ))
        );

        // SkipTLSVerify alone turns TLS on, without verification and with the system roots.
        let tls = resolve(&env_of(&[("DOCKER_CONTEXT", "skip")]), Some(&dir))
            .expect("skip")
            .tls
            .expect("TLS");
        assert!(!tls.verify);
        assert_eq!(tls.ca, None);

        // The TLS variables do not apply to a named context.
        let ep = resolve(
            &env_of(&[("DOCKER_CONTEXT", "sock"), ("DOCKER_TLS_VERIFY", "1")]),
            Some(&dir),
        )
        .expect("sock");
        assert!(ep.tls.is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
