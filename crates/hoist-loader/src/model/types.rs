//! The typed compose model: [`Project`], [`ServiceConfig`] and every sub-structure, mirroring
//! compose-go's `types` package as built into Docker Compose v5.6.1.
//!
//! Field order is the Go struct order (it is the output order of `config` and part of the
//! config hash); `skip_serializing_if` attributes reproduce Go's `omitempty` for JSON and
//! go-yaml. A service is its own attributes, then the container attributes it shares with
//! `pre_start` hooks and jobs, then the workload attributes (build, ports, healthcheck…).

use super::values::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Declares a struct made of `before` fields, the container attributes, then `after` fields.
macro_rules! with_container_fields {
    ($(#[$meta:meta])* pub struct $name:ident { $($before:tt)* } { $($after:tt)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($before)*
            /// `annotations`: OCI annotations.
            #[serde(default, skip_serializing_if = "StringMap::is_empty")]
            pub annotations: StringMap,
            /// `blkio_config`: block IO weights and limits.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub blkio_config: Option<BlkioConfig>,
            /// `cap_add`: added kernel capabilities.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub cap_add: Vec<String>,
            /// `cap_drop`: dropped kernel capabilities.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub cap_drop: Vec<String>,
            /// `cgroup_parent`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub cgroup_parent: String,
            /// `cgroup`: `host` or `private`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub cgroup: String,
            /// `cpu_count`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub cpu_count: i64,
            /// `cpu_percent`.
            #[serde(default, skip_serializing_if = "F32::is_zero")]
            pub cpu_percent: F32,
            /// `cpu_period`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub cpu_period: i64,
            /// `cpu_quota`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub cpu_quota: i64,
            /// `cpu_rt_period`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub cpu_rt_period: i64,
            /// `cpu_rt_runtime`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub cpu_rt_runtime: i64,
            /// `cpus`: CPU quota in cores.
            #[serde(default, skip_serializing_if = "F32::is_zero")]
            pub cpus: F32,
            /// `cpuset`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub cpuset: String,
            /// `cpu_shares`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub cpu_shares: i64,
            /// `command`: `None` keeps the image's; `Some(vec![])` clears it.
            #[serde(default, deserialize_with = "shell_command", skip_serializing_if = "yaml_none")]
            pub command: Option<Vec<String>>,
            /// `configs`: configs mounted into the container.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub configs: Vec<FileReference>,
            /// `credential_spec` (Windows).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub credential_spec: Option<CredentialSpec>,
            /// `device_cgroup_rules`.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub device_cgroup_rules: Vec<String>,
            /// `devices`: host devices mapped into the container.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub devices: Vec<DeviceMapping>,
            /// `dns`: DNS servers.
            #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
            pub dns: Vec<String>,
            /// `dns_opt`.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub dns_opt: Vec<String>,
            /// `dns_search`.
            #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
            pub dns_search: Vec<String>,
            /// `domainname`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub domainname: String,
            /// `entrypoint`: `None` keeps the image's; `Some(vec![])` clears it.
            #[serde(default, deserialize_with = "shell_command", skip_serializing_if = "yaml_none")]
            pub entrypoint: Option<Vec<String>>,
            /// `environment`: a variable without value is `None`.
            #[serde(default, skip_serializing_if = "EnvMap::is_empty")]
            pub environment: EnvMap,
            /// `env_file`: files read into `environment`.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub env_file: Vec<EnvFile>,
            /// `extra_hosts`, as `host=ip` strings.
            #[serde(default, deserialize_with = "hosts_list", skip_serializing_if = "Vec::is_empty")]
            pub extra_hosts: Vec<String>,
            /// `group_add`.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub group_add: Vec<String>,
            /// `gpus`: GPU device requests.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub gpus: Vec<DeviceRequest>,
            /// `hostname`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub hostname: String,
            /// `image`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub image: String,
            /// `init`: run an init process.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub init: Option<bool>,
            /// `ipc`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub ipc: String,
            /// `isolation`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub isolation: String,
            /// `labels`.
            #[serde(default, skip_serializing_if = "StringMap::is_empty")]
            pub labels: StringMap,
            /// `label_file`.
            #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
            pub label_file: Vec<String>,
            /// `logging`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub logging: Option<LoggingConfig>,
            /// `log_driver` (legacy).
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub log_driver: String,
            /// `log_opt` (legacy).
            #[serde(default, skip_serializing_if = "StringMap::is_empty")]
            pub log_opt: StringMap,
            /// `mem_limit`.
            #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
            pub mem_limit: UnitBytes,
            /// `mem_reservation`.
            #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
            pub mem_reservation: UnitBytes,
            /// `memswap_limit`.
            #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
            pub memswap_limit: UnitBytes,
            /// `mem_swappiness`.
            #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
            pub mem_swappiness: UnitBytes,
            /// `mac_address`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub mac_address: String,
            /// `models`: models the service uses.
            #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
            pub models: SortedMap<Option<ServiceModelConfig>>,
            /// `network_mode`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub network_mode: String,
            /// `networks`: attached networks; `None` means default settings (boxed: most
            /// services have one network with default settings, and a map node holds eleven
            /// values).
            #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
            pub networks: SortedMap<Option<Box<ServiceNetworkConfig>>>,
            /// `oom_kill_disable`.
            #[serde(default, skip_serializing_if = "is_false")]
            pub oom_kill_disable: bool,
            /// `oom_score_adj`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub oom_score_adj: i64,
            /// `pid`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub pid: String,
            /// `pids_limit`.
            #[serde(default, skip_serializing_if = "is_zero_i64")]
            pub pids_limit: i64,
            /// `platform`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub platform: String,
            /// `privileged`.
            #[serde(default, skip_serializing_if = "is_false")]
            pub privileged: bool,
            /// `pull_policy`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub pull_policy: String,
            /// `pull_refresh_after`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub pull_refresh_after: String,
            /// `read_only`: read-only root filesystem.
            #[serde(default, skip_serializing_if = "is_false")]
            pub read_only: bool,
            /// `runtime`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub runtime: String,
            /// `secrets`: secrets mounted into the container.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub secrets: Vec<FileReference>,
            /// `security_opt`.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub security_opt: Vec<String>,
            /// `shm_size`.
            #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
            pub shm_size: UnitBytes,
            /// `stop_grace_period`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub stop_grace_period: Option<Duration>,
            /// `stop_signal`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub stop_signal: String,
            /// `storage_opt`.
            #[serde(default, skip_serializing_if = "StringMap::is_empty")]
            pub storage_opt: StringMap,
            /// `sysctls`.
            #[serde(default, skip_serializing_if = "StringMap::is_empty")]
            pub sysctls: StringMap,
            /// `tmpfs`: tmpfs mounts.
            #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
            pub tmpfs: Vec<String>,
            /// `ulimits`.
            #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
            pub ulimits: SortedMap<Ulimit>,
            /// `use_api_socket`.
            #[serde(default, skip_serializing_if = "is_false")]
            pub use_api_socket: bool,
            /// `user`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub user: String,
            /// `userns_mode`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub userns_mode: String,
            /// `uts`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub uts: String,
            /// `volume_driver`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub volume_driver: String,
            /// `volumes`: mounts.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub volumes: Vec<ServiceVolumeConfig>,
            /// `volumes_from`.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub volumes_from: Vec<String>,
            /// `working_dir`.
            #[serde(default, skip_serializing_if = "String::is_empty")]
            pub working_dir: String,
            $($after)*
        }
    };
}

with_container_fields! {
    /// One service: what `docker compose` runs as one or more containers.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(default)]
    pub struct ServiceConfig {
        /// The service name (the key under `services`); never printed inside the service.
        #[serde(skip)]
        pub name: String,
        /// `profiles`: the service is only active when one of these is enabled.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub profiles: Vec<String>,
        /// `deploy`: replicas, resources, restart policy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deploy: Option<DeployConfig>,
        /// `develop`: `watch` rules.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub develop: Option<DevelopConfig>,
        /// `restart`: restart policy.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub restart: String,
        /// `scale`: number of containers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scale: Option<i64>,
        /// `attach`: attach to the logs on `up`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attach: Option<bool>,
        /// `container_name`.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub container_name: String,
        /// `provider`: the service is implemented by a plugin.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider: Option<ServiceProviderConfig>,
        /// `extends` (normally resolved away before typing).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub extends: Option<ExtendsConfig>,
        /// `external_links`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub external_links: Vec<String>,
        /// `links`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub links: Vec<String>,
        /// `net` (legacy `network_mode`).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub net: String,
        /// `pre_start`: containers run before the service starts.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub pre_start: Vec<ServiceHook>,
        /// `post_start`: commands run in the container after it starts.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub post_start: Vec<ExecHook>,
        /// `pre_stop`: commands run in the container before it stops.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub pre_stop: Vec<ExecHook>,
    } {
        /// `build`: how to build the image.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub build: Option<BuildConfig>,
        /// `depends_on`.
        #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
        pub depends_on: SortedMap<ServiceDependency>,
        /// `dockerfile` (legacy).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub dockerfile: String,
        /// `expose`: ports exposed to linked services.
        #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
        pub expose: Vec<String>,
        /// `healthcheck`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub healthcheck: Option<HealthCheckConfig>,
        /// `ports`: published ports.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub ports: Vec<ServicePortConfig>,
        /// `stdin_open`.
        #[serde(default, skip_serializing_if = "is_false")]
        pub stdin_open: bool,
        /// `tty`.
        #[serde(default, skip_serializing_if = "is_false")]
        pub tty: bool,
        /// `x-*` keys.
        #[serde(rename = "#extensions", default, skip_serializing_if = "extensions_hidden")]
        pub extensions: Extensions,
    }
}

with_container_fields! {
    /// A `pre_start` hook: a container of its own, created from the service's settings.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(default)]
    pub struct ServiceHook {
    } {
        /// `per_replica`: run once per replica instead of once per service.
        #[serde(default, skip_serializing_if = "is_false")]
        pub per_replica: bool,
        /// `x-*` keys.
        #[serde(rename = "#extensions", default, skip_serializing_if = "extensions_hidden")]
        pub extensions: Extensions,
    }
}

with_container_fields! {
    /// A job: a one-off workload with triggers.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(default)]
    pub struct JobConfig {
        /// The job name (the key under `jobs`); go-yaml prints it, Go's JSON does not.
        #[serde(default, skip_serializing_if = "job_name_hidden")]
        pub name: String,
        /// `profiles`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub profiles: Vec<String>,
        /// `triggers`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub triggers: Option<JobTriggers>,
    } {
        /// `build`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub build: Option<BuildConfig>,
        /// `depends_on`.
        #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
        pub depends_on: SortedMap<ServiceDependency>,
        /// `dockerfile` (legacy).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub dockerfile: String,
        /// `expose`.
        #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
        pub expose: Vec<String>,
        /// `healthcheck`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub healthcheck: Option<HealthCheckConfig>,
        /// `ports`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub ports: Vec<ServicePortConfig>,
        /// `stdin_open`.
        #[serde(default, skip_serializing_if = "is_false")]
        pub stdin_open: bool,
        /// `tty`.
        #[serde(default, skip_serializing_if = "is_false")]
        pub tty: bool,
        /// `x-*` keys.
        #[serde(rename = "#extensions", default, skip_serializing_if = "extensions_hidden")]
        pub extensions: Extensions,
    }
}

#[allow(clippy::ptr_arg)] // serde passes the field by reference
fn job_name_hidden(name: &String) -> bool {
    !yaml_mode() || name.is_empty()
}

/// `triggers` of a job.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JobTriggers {
    /// `manual`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub manual: bool,
    /// `schedule`: cron schedules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<JobSchedule>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A `triggers.schedule[]` entry of a job.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JobSchedule {
    /// `cron`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cron: String,
    /// `timezone`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timezone: String,
    /// `concurrency`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub concurrency: String,
    /// `missed_fires`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub missed_fires: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A `post_start` / `pre_stop` hook or a `develop.watch[].exec`: a command run in the container.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecHook {
    /// `command`.
    #[serde(
        default,
        deserialize_with = "shell_command",
        skip_serializing_if = "yaml_none"
    )]
    pub command: Option<Vec<String>>,
    /// `user`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// `privileged`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub privileged: bool,
    /// `working_dir`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// `environment`.
    #[serde(default, skip_serializing_if = "EnvMap::is_empty")]
    pub environment: EnvMap,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `provider` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceProviderConfig {
    /// `type`: the provider plugin.
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// `options`: passed to the plugin.
    #[serde(default, skip_serializing_if = "MultiOptions::is_empty")]
    pub options: MultiOptions,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `extends` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExtendsConfig {
    /// `file`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// `service`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service: String,
}

/// `build` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BuildConfig {
    /// `context`: build context directory or URL.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context: String,
    /// `dockerfile`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dockerfile: String,
    /// `dockerfile_inline`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dockerfile_inline: String,
    /// `entitlements`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<String>,
    /// `args`: build arguments.
    #[serde(default, skip_serializing_if = "EnvMap::is_empty")]
    pub args: EnvMap,
    /// `provenance`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub provenance: String,
    /// `sbom`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sbom: String,
    /// `ssh`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ssh: Vec<SshKey>,
    /// `labels`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub labels: StringMap,
    /// `cache_from`.
    #[serde(
        default,
        deserialize_with = "string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cache_from: Vec<String>,
    /// `cache_to`.
    #[serde(
        default,
        deserialize_with = "string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cache_to: Vec<String>,
    /// `no_cache`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_cache: bool,
    /// `no_cache_filter`.
    #[serde(
        default,
        deserialize_with = "string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub no_cache_filter: Vec<String>,
    /// `additional_contexts`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub additional_contexts: StringMap,
    /// `pull`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pull: bool,
    /// `extra_hosts`, as `host=ip` strings.
    #[serde(
        default,
        deserialize_with = "hosts_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub extra_hosts: Vec<String>,
    /// `isolation`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub isolation: String,
    /// `network`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub network: String,
    /// `target`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// `secrets`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<FileReference>,
    /// `shm_size`.
    #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
    pub shm_size: UnitBytes,
    /// `tags`.
    #[serde(
        default,
        deserialize_with = "string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<String>,
    /// `ulimits`.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub ulimits: SortedMap<Ulimit>,
    /// `platforms`.
    #[serde(
        default,
        deserialize_with = "string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub platforms: Vec<String>,
    /// `privileged`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub privileged: bool,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `develop` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DevelopConfig {
    /// `watch` rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub watch: Vec<WatchTrigger>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// One `develop.watch` rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WatchTrigger {
    /// `path` watched on the host.
    pub path: String,
    /// `action`: `sync`, `rebuild`, `restart`, `sync+restart`, `sync+exec`.
    pub action: String,
    /// `target` in the container.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// `exec`: command for `sync+exec`.
    #[serde(default, skip_serializing_if = "yaml_zero")]
    pub exec: ExecHook,
    /// `include` patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// `ignore` patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// `initial_sync`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub initial_sync: bool,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `blkio_config` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BlkioConfig {
    /// `weight`.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub weight: u64,
    /// `weight_device`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weight_device: Vec<WeightDevice>,
    /// `device_read_bps`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_read_bps: Vec<ThrottleDevice>,
    /// `device_read_iops`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_read_iops: Vec<ThrottleDevice>,
    /// `device_write_bps`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_write_bps: Vec<ThrottleDevice>,
    /// `device_write_iops`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_write_iops: Vec<ThrottleDevice>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A `blkio_config.weight_device` entry (Go prints its keys capitalised in JSON).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct WeightDevice {
    /// Device path.
    #[serde(alias = "Path")]
    pub path: String,
    /// Relative weight.
    #[serde(alias = "Weight")]
    pub weight: u64,
    /// `x-*` keys.
    #[serde(rename = "#extensions", default)]
    pub extensions: Extensions,
}

impl Serialize for WeightDevice {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let yaml = yaml_mode();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(if yaml { "path" } else { "Path" }, &self.path)?;
        map.serialize_entry(if yaml { "weight" } else { "Weight" }, &self.weight)?;
        if !extensions_hidden(&self.extensions) {
            map.serialize_entry("#extensions", &self.extensions)?;
        }
        map.end()
    }
}

/// A `blkio_config.device_{read,write}_{bps,iops}` entry.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ThrottleDevice {
    /// Device path.
    #[serde(alias = "Path")]
    pub path: String,
    /// Rate (bytes or operations per second).
    #[serde(alias = "Rate")]
    pub rate: UnitBytes,
    /// `x-*` keys.
    #[serde(rename = "#extensions", default)]
    pub extensions: Extensions,
}

impl Serialize for ThrottleDevice {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let yaml = yaml_mode();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(if yaml { "path" } else { "Path" }, &self.path)?;
        map.serialize_entry(if yaml { "rate" } else { "Rate" }, &self.rate)?;
        if !extensions_hidden(&self.extensions) {
            map.serialize_entry("#extensions", &self.extensions)?;
        }
        map.end()
    }
}

/// A secret or config mounted into a service (`secrets[]`, `configs[]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FileReference {
    /// `source`: the top-level secret/config name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// `target`: path in the container.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// `uid`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// `gid`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gid: String,
    /// `mode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<FileMode>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `credential_spec` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialSpec {
    /// `config`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub config: String,
    /// `file`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// `registry`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub registry: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A `devices` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceMapping {
    /// `source` on the host.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// `target` in the container.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// `permissions` (`rwm`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub permissions: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// An `env_file` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvFile {
    /// `path`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// `required` (default `true`).
    #[serde(default, skip_serializing_if = "OptOut::is_default")]
    pub required: OptOut,
    /// `format`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub format: String,
}

/// A device request (`gpus[]`, `deploy.resources.reservations.devices[]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceRequest {
    /// `capabilities`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// `driver`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// `count` (`-1` for `all`).
    #[serde(default, skip_serializing_if = "DeviceCount::is_zero")]
    pub count: DeviceCount,
    /// `device_ids`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_ids: Vec<String>,
    /// `options`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub options: StringMap,
}

/// `logging` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LoggingConfig {
    /// `driver`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// `options`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub options: StringMap,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A service's entry in `models`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceModelConfig {
    /// `endpoint_var`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub endpoint_var: String,
    /// `model_var`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub model_var: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A service's entry in `networks`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceNetworkConfig {
    /// `aliases`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// `driver_opts`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub driver_opts: StringMap,
    /// `gw_priority`.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub gw_priority: i64,
    /// `interface_name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interface_name: String,
    /// `ipv4_address`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ipv4_address: String,
    /// `ipv6_address`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ipv6_address: String,
    /// `link_local_ips`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link_local_ips: Vec<String>,
    /// `mac_address`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mac_address: String,
    /// `priority`.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub priority: i64,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A `ports` entry (long syntax).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServicePortConfig {
    /// `name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `mode`: `ingress` or `host`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// `host_ip`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
    /// `target`: container port.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub target: u64,
    /// `published`: host port or range, as text.
    #[serde(
        default,
        deserialize_with = "port_text",
        skip_serializing_if = "String::is_empty"
    )]
    pub published: String,
    /// `protocol`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// `app_protocol`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app_protocol: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `published` may be written as a number.
fn port_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::de::Error as _;
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Null => Ok(String::new()),
        other => Err(D::Error::custom(format!("expected a port, found {other}"))),
    }
}

/// A `volumes` entry of a service (long syntax).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceVolumeConfig {
    /// `type`: `bind`, `volume`, `tmpfs`, `npipe`, `cluster`, `image`.
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// `source`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// `target`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// `read_only`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// `consistency`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub consistency: String,
    /// `bind` options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<ServiceVolumeBind>,
    /// `volume` options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<ServiceVolumeVolume>,
    /// `tmpfs` options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tmpfs: Option<ServiceVolumeTmpfs>,
    /// `image` options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ServiceVolumeImage>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `volumes[].bind`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceVolumeBind {
    /// `selinux`: `z` or `Z`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub selinux: String,
    /// `propagation`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub propagation: String,
    /// `create_host_path` (default `true`).
    #[serde(default, skip_serializing_if = "OptOut::is_default")]
    pub create_host_path: OptOut,
    /// `recursive`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub recursive: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `volumes[].volume`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceVolumeVolume {
    /// `labels`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub labels: StringMap,
    /// `nocopy`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nocopy: bool,
    /// `subpath`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subpath: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `volumes[].tmpfs`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceVolumeTmpfs {
    /// `size`.
    #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
    pub size: UnitBytes,
    /// `mode` (printed in decimal).
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub mode: u64,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `volumes[].image`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceVolumeImage {
    /// `subpath`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subpath: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A `depends_on` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceDependency {
    /// `condition`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    /// `restart`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub restart: bool,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
    /// `required` (always printed).
    #[serde(default = "default_true")]
    pub required: bool,
}

fn default_true() -> bool {
    true
}

/// `healthcheck` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HealthCheckConfig {
    /// `test`.
    #[serde(
        default,
        deserialize_with = "string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub test: Vec<String>,
    /// `timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// `interval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// `retries`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u64>,
    /// `start_period`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<Duration>,
    /// `start_interval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<Duration>,
    /// `disable`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disable: bool,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `deploy` of a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DeployConfig {
    /// `mode`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// `replicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    /// `labels`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub labels: StringMap,
    /// `update_config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_config: Option<UpdateConfig>,
    /// `rollback_config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_config: Option<UpdateConfig>,
    /// `resources`.
    #[serde(default, skip_serializing_if = "yaml_zero")]
    pub resources: Resources,
    /// `restart_policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
    /// `placement`.
    #[serde(default, skip_serializing_if = "yaml_zero")]
    pub placement: Placement,
    /// `endpoint_mode`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub endpoint_mode: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `deploy.update_config` / `deploy.rollback_config`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateConfig {
    /// `parallelism`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u64>,
    /// `delay`.
    #[serde(default, skip_serializing_if = "Duration::is_zero")]
    pub delay: Duration,
    /// `failure_action`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub failure_action: String,
    /// `monitor`.
    #[serde(default, skip_serializing_if = "Duration::is_zero")]
    pub monitor: Duration,
    /// `max_failure_ratio`.
    #[serde(default, skip_serializing_if = "F32::is_zero")]
    pub max_failure_ratio: F32,
    /// `order`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub order: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `deploy.resources`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Resources {
    /// `limits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Resource>,
    /// `reservations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservations: Option<Resource>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `deploy.resources.limits` / `reservations`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Resource {
    /// `cpus`.
    #[serde(default, skip_serializing_if = "F32::is_zero")]
    pub cpus: F32,
    /// `memory`.
    #[serde(default, skip_serializing_if = "UnitBytes::is_zero")]
    pub memory: UnitBytes,
    /// `pids`.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub pids: i64,
    /// `devices`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceRequest>,
    /// `generic_resources`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generic_resources: Vec<GenericResource>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A `generic_resources` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GenericResource {
    /// `discrete_resource_spec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discrete_resource_spec: Option<DiscreteGenericResource>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `generic_resources[].discrete_resource_spec`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscreteGenericResource {
    /// `kind`.
    pub kind: String,
    /// `value`.
    pub value: i64,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `deploy.restart_policy`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RestartPolicy {
    /// `condition`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    /// `delay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
    /// `max_attempts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u64>,
    /// `window`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Duration>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `deploy.placement`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Placement {
    /// `constraints`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// `preferences`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferences: Vec<PlacementPreference>,
    /// `max_replicas_per_node`.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub max_replicas_per_node: u64,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `deploy.placement.preferences[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlacementPreference {
    /// `spread`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub spread: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A top-level network.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkConfig {
    /// `name`: the engine-side name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `driver`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// `driver_opts`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub driver_opts: StringMap,
    /// `ipam`.
    #[serde(default, skip_serializing_if = "yaml_zero")]
    pub ipam: IpamConfig,
    /// `external`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub external: bool,
    /// `internal`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub internal: bool,
    /// `attachable`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub attachable: bool,
    /// `labels`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub labels: StringMap,
    /// `enable_ipv4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_ipv4: Option<bool>,
    /// `enable_ipv6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_ipv6: Option<bool>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `ipam` of a network.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IpamConfig {
    /// `driver`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// `config`: address pools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<IpamPool>,
    /// `options`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub options: StringMap,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// `ipam.config[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IpamPool {
    /// `subnet`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subnet: String,
    /// `gateway`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gateway: String,
    /// `ip_range`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ip_range: String,
    /// `aux_addresses`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub aux_addresses: StringMap,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A top-level volume.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumeConfig {
    /// `name`: the engine-side name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `driver`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// `driver_opts`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub driver_opts: StringMap,
    /// `external`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub external: bool,
    /// `labels`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub labels: StringMap,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A top-level secret or config (`FileObjectConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FileObjectConfig {
    /// `name`: the engine-side name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `file`: read from this file.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// `environment`: read from this variable.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub environment: String,
    /// `content`: inline content.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content: String,
    /// `external`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub external: bool,
    /// `labels`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub labels: StringMap,
    /// `driver`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// `driver_opts`.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub driver_opts: StringMap,
    /// `template_driver`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub template_driver: String,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A top-level model (Docker Model Runner).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelConfig {
    /// `name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `model`: the OCI reference.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub model: String,
    /// `context_size`.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub context_size: i64,
    /// `runtime_flags`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_flags: Vec<String>,
    /// `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
}

/// A loaded compose project: what `docker compose config` prints and the runtime consumes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Project {
    /// `name`: the project name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `services`, by name (sorted).
    #[serde(default)]
    pub services: SortedMap<Box<ServiceConfig>>,
    /// `jobs`, by name.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub jobs: SortedMap<JobConfig>,
    /// `networks`.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub networks: SortedMap<NetworkConfig>,
    /// `volumes`.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub volumes: SortedMap<VolumeConfig>,
    /// `secrets`.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub secrets: SortedMap<FileObjectConfig>,
    /// `configs`.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub configs: SortedMap<FileObjectConfig>,
    /// `models`.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub models: SortedMap<ModelConfig>,
    /// Top-level `x-*` keys.
    #[serde(
        rename = "#extensions",
        default,
        skip_serializing_if = "extensions_hidden"
    )]
    pub extensions: Extensions,
    /// The project directory (not serialised).
    #[serde(skip)]
    pub working_dir: PathBuf,
    /// The compose files the project was loaded from (not serialised).
    #[serde(skip)]
    pub compose_files: Vec<PathBuf>,
    /// The environment used for interpolation (not serialised).
    #[serde(skip)]
    pub environment: std::collections::BTreeMap<String, String>,
    /// Services left out because of their profiles (not serialised).
    #[serde(skip)]
    pub disabled_services: SortedMap<Box<ServiceConfig>>,
    /// The active profiles (not serialised).
    #[serde(skip)]
    pub profiles: Vec<String>,
}
