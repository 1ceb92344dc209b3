//! What the engine is asked to create for a compose project: container create bodies for
//! service replicas, network and volume create requests, and the secret/config files injected
//! into containers before they start — all mapped from the loader's typed [`Project`](hoist_loader::model::Project) the way
//! Docker Compose v5 maps them, `com.docker.compose.*` labels included.
//!
//! Pipeline position: loader → planner → executor; the executor calls these functions right
//! before the engine operations in [`crate::ops`]. Everything here is pure (no engine calls),
//! apart from reading local files that the compose file points at (seccomp profiles, secret
//! and config files with owner/mode). The negotiated [`ApiVersion`](crate::ApiVersion) gates newer fields: an
//! attribute this engine cannot honour is a [`SpecError`] naming it, never silently dropped.
//!
//! Where Hoist deliberately differs from Docker Compose:
//! - `uid`/`gid`/`mode` on `file:` secrets and configs are honoured (the file is injected as
//!   a copy with that owner and mode instead of bind-mounted; Compose ignores them);
//! - attributes this engine's API version cannot honour are errors (annotations < 1.43,
//!   healthcheck `start_interval` < 1.44, any `mac_address` < 1.44 — Compose sends it and
//!   the engine ignores it —, `gw_priority` < 1.48, volume `subpath` < 1.45, read-only
//!   recursive binds < 1.44, image mounts < 1.48, `enable_ipv4: false` < 1.47);
//! - lists Compose builds from Go maps (environment, `depends_on` label, mounts) come out in
//!   a stable order (sorted, or declaration order for mounts);
//! - `use_api_socket`, `models`, `credential_spec` and `provider` services are refused.
//!
//! Submodules: [`container`] (process, labels, resources, host settings), [`mounts`]
//! (volumes, binds, tmpfs, secrets and configs as mounts), [`networking`] (network mode,
//! endpoints, network and volume create requests), [`inject`] (secret/config tar archives),
//! [`gpu`] (device-request support check), [`hooks`] (lifecycle hook containers and execs), [`proxy`] (proxy variables of the docker CLI).

pub mod container;
pub mod gpu;
pub mod hooks;
pub mod inject;
pub mod mounts;
pub mod networking;
pub mod proxy;

pub use container::{
    container_create_body, container_create_body_with, container_platform, engine_picks_host_port,
    resolved_config_hash,
};
pub use gpu::{check_gpu_support, services_requesting_gpu};
pub use hooks::{exec_hook_request, pre_start_hook_body, pre_start_hook_extra_networks};
pub use inject::{injected_files, InjectedFile};
pub use networking::{extra_networks, network_create_request, volume_create_request};
pub use proxy::{proxy_environment, proxy_environment_from_cli_config};

use std::collections::BTreeMap;
use std::fmt;

/// The version written in `com.docker.compose.version` labels.
pub const COMPOSE_VERSION_LABEL: &str = "5.6.1";

/// An attribute that cannot be mapped (invalid value, unsupported by this engine, missing
/// referenced object). `attribute` is the dotted compose path, e.g. `services.web.dns[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Dotted path of the offending attribute.
    pub attribute: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl SpecError {
    /// An error about `attribute`.
    pub fn new(attribute: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError {
            attribute: attribute.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.attribute, self.message)
    }
}

impl std::error::Error for SpecError {}

/// A container that already exists for a service (used to resolve `service:NAME` references).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingContainer {
    /// Engine ID.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
}

/// Looks up the containers of a service, lowest replica number first; used for
/// `network_mode`/`ipc`/`pid: service:X`, `volumes_from: X` and `links`.
pub type ContainerLookup<'a> = &'a dyn Fn(&str) -> Vec<ExistingContainer>;

/// What the container is for, beyond the project and the service, plus the facts the
/// mapping needs that are not in the [`Project`](hoist_loader::model::Project) itself.
#[derive(Debug, Clone)]
pub struct ContainerRole {
    /// Replica number (`container-number` label, default name and aliases); ignored for
    /// one-off containers.
    pub number: u32,
    /// A one-off container (`run`), with its full slug.
    pub oneoff_slug: Option<String>,
    /// The container name, when not `container_name` / `project-service-N` (one-offs).
    pub container_name: Option<String>,
    /// Image ID/digest for the `com.docker.compose.image` label, when known.
    pub image_digest: Option<String>,
    /// Absolute `--env-file` paths (the `project.environment_file` label when non-empty).
    pub env_files: Vec<String>,
    /// Give the endpoints the service name and configured aliases (true for `up`).
    pub use_network_aliases: bool,
    /// Attach stdin (interactive `run`).
    pub attach_stdin: bool,
    /// Remove the container when it exits (`run --rm`).
    pub auto_remove: bool,
    /// On a recreation: the name of the replaced container (`com.docker.compose.replace`).
    pub replaces: Option<String>,
    /// On a recreation: the replaced container's mounts, whose anonymous volumes are kept.
    pub inherit: Option<InheritedMounts>,
    /// Proxy variables from the docker CLI config ([`proxy_environment_from_cli_config`]),
    /// added to the environment unless the service sets them.
    pub proxy_env: BTreeMap<String, String>,
}

/// What a recreated container takes over from the container it replaces: anonymous
/// volumes (declared by the image, or by the service without a source) keep their data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InheritedMounts {
    /// The old container's mounts (from its inspection).
    pub mounts: Vec<InheritedMount>,
    /// Paths the image declares as volumes (`Config.Volumes` of the image).
    pub image_volumes: Vec<String>,
}

/// One mount of the replaced container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InheritedMount {
    /// `volume`, `bind`, `tmpfs`...
    pub kind: String,
    /// Volume name (for volumes) or host path (for binds).
    pub source: String,
    /// Path inside the container.
    pub destination: String,
    /// Mounted read-write.
    pub rw: bool,
}

impl Default for ContainerRole {
    fn default() -> Self {
        ContainerRole {
            number: 1,
            oneoff_slug: None,
            container_name: None,
            image_digest: None,
            env_files: Vec::new(),
            use_network_aliases: true,
            attach_stdin: false,
            auto_remove: false,
            replaces: None,
            inherit: None,
            proxy_env: BTreeMap::new(),
        }
    }
}

impl ContainerRole {
    /// Replica `number` of a service, as `up`/`create` make it.
    pub fn replica(number: u32) -> Self {
        ContainerRole {
            number,
            ..Default::default()
        }
    }

    /// The container's name: the explicit one, `container_name`, or `project-service-N`.
    pub fn name_for(&self, project: &str, service: &hoist_loader::model::ServiceConfig) -> String {
        if let Some(name) = &self.container_name {
            return name.clone();
        }
        if !service.container_name.is_empty() {
            return service.container_name.clone();
        }
        format!("{project}-{}-{}", service.name, self.number)
    }
}

/// A lookup that knows no containers (fine when no `service:X` references are used).
pub fn no_containers(_service: &str) -> Vec<ExistingContainer> {
    Vec::new()
}

pub(crate) fn path(service: &str, attr: &str) -> String {
    format!("services.{service}.{attr}")
}
