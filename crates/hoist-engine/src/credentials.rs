//! Registry credentials as the docker CLI finds them: `config.json` in `$DOCKER_CONFIG` (or
//! `~/.docker`), its `auths` entries, a global `credsStore` and per-registry `credHelpers`
//! (running `docker-credential-<name> get|list`).
//!
//! Pipeline position: [`crate::images`] asks [`Credentials::for_image`] before a pull or push;
//! [`crate::build`] sends [`Credentials::all`] with a build so `FROM` can pull private images.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bollard::auth::DockerCredentials;
use serde::Deserialize;

use crate::error::{EngineError, ErrorKind, Result};

/// The key Docker Hub credentials are stored under in `config.json`.
pub const DOCKER_HUB_AUTH_KEY: &str = "https://index.docker.io/v1/";

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default, rename = "identitytoken")]
    identity_token: Option<String>,
    #[serde(default, rename = "registrytoken")]
    registry_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// The credential configuration of the current user (parsed once, queried per registry).
#[derive(Debug, Default)]
pub struct Credentials {
    config: ConfigFile,
    path: Option<PathBuf>,
}

impl Credentials {
    /// Loads `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`; no file means no
    /// credentials (anonymous access), a malformed file is an error naming it.
    pub fn load() -> Result<Credentials> {
        let dir = match std::env::var_os("DOCKER_CONFIG") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => match std::env::var_os("HOME") {
                Some(home) => PathBuf::from(home).join(".docker"),
                None => return Ok(Credentials::default()),
            },
        };
        Credentials::load_from(&dir.join("config.json"))
    }

    /// Loads an explicit `config.json`.
    pub fn load_from(path: &Path) -> Result<Credentials> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Credentials::default()),
            Err(e) => {
                return Err(EngineError::new(
                    ErrorKind::Config,
                    format!("cannot read the Docker config file {}: {e}", path.display()),
                ))
            }
        };
        let config: ConfigFile = serde_json::from_str(&text).map_err(|e| {
            EngineError::new(
                ErrorKind::Config,
                format!(
                    "the Docker config file {} is not valid: {e}",
                    path.display()
                ),
            )
        })?;
        Ok(Credentials {
            config,
            path: Some(path.to_path_buf()),
        })
    }

    /// The credentials to use for `image` (a reference such as `localhost:5000/app:1`),
    /// or `None` for anonymous access.
    pub fn for_image(&self, image: &str) -> Result<Option<DockerCredentials>> {
        self.for_registry(&registry_of(image))
    }

    /// The credentials for a registry host (`localhost:5000`, `docker.io`).
    pub fn for_registry(&self, host: &str) -> Result<Option<DockerCredentials>> {
        let key = auth_key(host);
        let helper = self
            .config
            .cred_helpers
            .iter()
            .find(|(server, _)| normalize_server(server) == normalize_server(&key))
            .map(|(_, helper)| helper.clone())
            .or_else(|| self.config.creds_store.clone());
        if let Some(helper) = helper.filter(|h| !h.is_empty()) {
            return helper_get(&helper, &key);
        }
        Ok(self
            .config
            .auths
            .iter()
            .find(|(server, _)| normalize_server(server) == normalize_server(&key))
            .map(|(server, entry)| to_credentials(server, entry)))
    }

    /// Every credential known (for builds: the builder may pull from any registry), keyed by
    /// server address.
    pub fn all(&self) -> Result<HashMap<String, DockerCredentials>> {
        let mut out = HashMap::new();
        for (server, entry) in &self.config.auths {
            out.insert(server.clone(), to_credentials(server, entry));
        }
        if let Some(store) = self.config.creds_store.as_deref().filter(|s| !s.is_empty()) {
            for server in helper_list(store)? {
                if let Some(c) = helper_get(store, &server)? {
                    out.insert(server, c);
                }
            }
        }
        for (server, helper) in &self.config.cred_helpers {
            if let Some(c) = helper_get(helper, server)? {
                out.insert(server.clone(), c);
            }
        }
        Ok(out)
    }

    /// The config file these credentials came from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// The registry host of an image reference: the first path component when it looks like a
/// host (has `.` or `:`, or is `localhost`), `docker.io` otherwise.
pub fn registry_of(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            first.to_string()
        }
        _ => "docker.io".to_string(),
    }
}

/// The `config.json` key for a registry host (Docker Hub has a special one).
pub fn auth_key(host: &str) -> String {
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB_AUTH_KEY.to_string(),
        other => other.to_string(),
    }
}

/// `https://host/v1/` and `host` name the same server.
fn normalize_server(server: &str) -> String {
    let s = server
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    s.split('/').next().unwrap_or(s).to_ascii_lowercase()
}

fn to_credentials(server: &str, entry: &AuthEntry) -> DockerCredentials {
    let (mut username, mut password) = (entry.username.clone(), entry.password.clone());
    if let Some(decoded) = entry.auth.as_deref().and_then(base64_decode) {
        if let Some((u, p)) = String::from_utf8_lossy(&decoded).split_once(':') {
            username = Some(u.to_string());
            password = Some(p.to_string());
        }
    }
    DockerCredentials {
        username,
        password,
        serveraddress: Some(server.to_string()),
        identitytoken: entry.identity_token.clone().filter(|t| !t.is_empty()),
        registrytoken: entry.registry_token.clone().filter(|t| !t.is_empty()),
        ..Default::default()
    }
}

fn helper_program(helper: &str) -> String {
    format!("docker-credential-{helper}")
}

/// Runs `docker-credential-<helper> get` for `server`; "not found" answers mean anonymous.
fn helper_get(helper: &str, server: &str) -> Result<Option<DockerCredentials>> {
    let output = run_helper(helper, "get", server)?;
    if !output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stdout.contains("credentials not found") || stderr.contains("credentials not found") {
            return Ok(None);
        }
        return Err(EngineError::new(
            ErrorKind::Config,
            format!(
                "the credential helper {} failed for {server}: {}",
                helper_program(helper),
                format!("{} {}", stdout.trim(), stderr.trim()).trim()
            ),
        ));
    }
    let answer: HelperAnswer = serde_json::from_slice(&output.stdout).map_err(|e| {
        EngineError::new(
            ErrorKind::Config,
            format!(
                "the credential helper {} returned an unreadable answer for {server}: {e}",
                helper_program(helper)
            ),
        )
    })?;
    let mut creds = DockerCredentials {
        serveraddress: Some(server.to_string()),
        ..Default::default()
    };
    if answer.username == "<token>" {
        creds.identitytoken = Some(answer.secret);
    } else {
        creds.username = Some(answer.username);
        creds.password = Some(answer.secret);
    }
    Ok(Some(creds))
}

/// Runs `docker-credential-<helper> list`: the servers it holds credentials for.
fn helper_list(helper: &str) -> Result<Vec<String>> {
    let output = run_helper(helper, "list", "")?;
    if !output.status.success() {
        return Ok(Vec::new());
    }
    let map: BTreeMap<String, String> = serde_json::from_slice(&output.stdout).unwrap_or_default();
    Ok(map.into_keys().collect())
}

fn run_helper(helper: &str, action: &str, input: &str) -> Result<std::process::Output> {
    let program = helper_program(helper);
    let mut child = Command::new(&program)
        .arg(action)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            EngineError::new(
                ErrorKind::Config,
                format!("cannot run the credential helper {program} (configured in the Docker config file): {e}"),
            )
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that does not read its input closes the pipe; that is not an error here.
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().map_err(|e| {
        EngineError::new(
            ErrorKind::Config,
            format!("the credential helper {program} failed: {e}"),
        )
    })
}

/// Standard base64 decoding (padding optional); `None` on invalid input.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for byte in text.trim().bytes() {
        let v = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_hosts() {
        assert_eq!(registry_of("busybox"), "docker.io");
        assert_eq!(registry_of("library/busybox:1"), "docker.io");
        assert_eq!(registry_of("localhost:5000/app"), "localhost:5000");
        assert_eq!(registry_of("localhost/app"), "localhost");
        assert_eq!(registry_of("ghcr.io/o/app:1"), "ghcr.io");
        assert_eq!(auth_key("docker.io"), DOCKER_HUB_AUTH_KEY);
        assert_eq!(
            normalize_server("https://Reg.example:5000/v1/"),
            "reg.example:5000"
        );
    }

    #[test]
    fn decodes_base64() {
        assert_eq!(base64_decode("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(base64_decode("dXNlcjpwYXNzMQ==").unwrap(), b"user:pass1");
        assert!(base64_decode("**").is_none());
    }

    #[test]
    fn reads_auths_from_config() {
        let dir = std::env::temp_dir().join(format!("hoist-creds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config.json");
        std::fs::write(
            &file,
            r#"{"auths":{"http://localhost:5999":{"auth":"dXNlcjpwYXNz"},"other:1":{}}}"#,
        )
        .unwrap();
        let creds = Credentials::load_from(&file).unwrap();
        let c = creds.for_image("localhost:5999/x:1").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("user"));
        assert_eq!(c.password.as_deref(), Some("pass"));
        assert!(creds.for_image("busybox").unwrap().is_none());
        assert_eq!(creds.all().unwrap().len(), 2);
        std::fs::write(&file, "{").unwrap();
        assert!(Credentials::load_from(&file).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
