//! Config hashes: the values Docker Compose stores in the `com.docker.compose.config-hash`
//! label and prints with `config --hash`.
//!
//! A service hash is the SHA-256 (lower-case hex) of Go's compact `json.Marshal` of the service
//! with the attributes that must not force a container recreation cleared: `build`,
//! `pull_policy`, `scale`, `deploy.replicas`, `depends_on` and `profiles`.
//!
//! Docker Compose v5 keeps hashes stable across its model changes: the top-level keys of the
//! hashed JSON follow the older compose-go (v2.13) `ServiceConfig` field order
//! ([`LEGACY_SERVICE_KEY_ORDER`]), not the order `config` prints (found by comparing against
//! `config --hash` output; nested values keep the current order).
//!
//! Network and volume hashes are the SHA-256 of their Go JSON (a volume without driver counts
//! as `local`); both were checked against the labels Docker Compose put on engine objects.

use super::json::to_go_json_compact;
use super::types::{NetworkConfig, ServiceConfig, VolumeConfig};
use super::values::{with_mode, OutputMode, SortedMap};
use sha2::{Digest, Sha256};

/// Top-level key order of a service in the hashed JSON.
pub const LEGACY_SERVICE_KEY_ORDER: &[&str] = &[
    "profiles",
    "annotations",
    "attach",
    "build",
    "develop",
    "blkio_config",
    "cap_add",
    "cap_drop",
    "cgroup_parent",
    "cgroup",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpus",
    "cpuset",
    "cpu_shares",
    "command",
    "configs",
    "container_name",
    "credential_spec",
    "depends_on",
    "deploy",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "dockerfile",
    "domainname",
    "entrypoint",
    "provider",
    "environment",
    "env_file",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "group_add",
    "gpus",
    "hostname",
    "healthcheck",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "label_file",
    "links",
    "logging",
    "log_driver",
    "log_opt",
    "mem_limit",
    "mem_reservation",
    "memswap_limit",
    "mem_swappiness",
    "mac_address",
    "models",
    "net",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "privileged",
    "pull_policy",
    "pull_refresh_after",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volume_driver",
    "volumes",
    "volumes_from",
    "working_dir",
    "pre_start",
    "post_start",
    "pre_stop",
];

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    with_mode(OutputMode::Json, || serde_json::to_value(value))
        .map(|v| to_go_json_compact(&v))
        .unwrap_or_default()
}

impl ServiceConfig {
    /// The service's config hash, as `docker compose config --hash` prints it.
    pub fn config_hash(&self) -> String {
        let mut service = self.clone();
        service.build = None;
        service.pull_policy.clear();
        service.scale = None;
        if let Some(deploy) = service.deploy.as_mut() {
            deploy.replicas = None;
        }
        service.depends_on = SortedMap::default();
        service.profiles.clear();
        sha256_hex(to_go_json_compact(&service.hash_json()).as_bytes())
    }
}

impl ServiceConfig {
    /// The service's JSON with top-level keys in [`LEGACY_SERVICE_KEY_ORDER`] (unknown keys last).
    fn hash_json(&self) -> serde_json::Value {
        let value = with_mode(OutputMode::Json, || serde_json::to_value(self)).unwrap_or_default();
        let serde_json::Value::Object(mut map) = value else {
            return value;
        };
        let mut ordered = serde_json::Map::new();
        for key in LEGACY_SERVICE_KEY_ORDER {
            if let Some(v) = map.shift_remove(*key) {
                ordered.insert((*key).to_string(), v);
            }
        }
        ordered.extend(map);
        serde_json::Value::Object(ordered)
    }
}

impl NetworkConfig {
    /// The network's config hash (SHA-256 of its Go JSON).
    pub fn config_hash(&self) -> String {
        sha256_hex(json_text(self).as_bytes())
    }
}

impl VolumeConfig {
    /// The volume's config hash (SHA-256 of its Go JSON, with the driver defaulting to `local`).
    pub fn config_hash(&self) -> String {
        let mut volume = self.clone();
        if volume.driver.is_empty() {
            volume.driver = "local".to_string();
        }
        sha256_hex(json_text(&volume).as_bytes())
    }
}
