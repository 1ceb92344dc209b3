//! Proxy variables the Docker client adds to every container's environment: the `proxies`
//! section of the docker CLI configuration (`~/.docker/config.json`), the entry for the
//! daemon host or else `default`, each setting as both `UPPER_CASE` and `lower_case`
//! variables. A service's own `environment` overrides them.

use std::collections::BTreeMap;

/// `(config key, variable)` pairs of the docker CLI proxy settings.
const PROXY_KEYS: [(&str, &str); 5] = [
    ("httpProxy", "HTTP_PROXY"),
    ("httpsProxy", "HTTPS_PROXY"),
    ("noProxy", "NO_PROXY"),
    ("ftpProxy", "FTP_PROXY"),
    ("allProxy", "ALL_PROXY"),
];

/// The proxy variables from a parsed docker CLI config for the daemon at `daemon_host`
/// (e.g. `unix:///var/run/docker.sock`).
pub fn proxy_environment(
    config: &serde_json::Value,
    daemon_host: &str,
) -> BTreeMap<String, String> {
    let proxies = &config["proxies"];
    let entry = if proxies.get(daemon_host).is_some() {
        &proxies[daemon_host]
    } else {
        &proxies["default"]
    };
    let mut out = BTreeMap::new();
    for (key, var) in PROXY_KEYS {
        if let Some(value) = entry
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
        {
            out.insert(var.to_string(), value.to_string());
            out.insert(var.to_ascii_lowercase(), value.to_string());
        }
    }
    out
}

/// [`proxy_environment`] read from `config.json` in the docker CLI config directory
/// (`$DOCKER_CONFIG` or `~/.docker`); empty when there is no readable config.
pub fn proxy_environment_from_cli_config(daemon_host: &str) -> BTreeMap<String, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(dir) = crate::endpoint::docker_config_dir(&env) else {
        return BTreeMap::new();
    };
    std::fs::read_to_string(dir.join("config.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .map(|config| proxy_environment(&config, daemon_host))
        .unwrap_or_default()
}
