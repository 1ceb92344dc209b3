//! Planner inputs: the desired project (translated by the CLI from the loaded compose model),
//! the observed engine state (translated from `com.docker.compose.*` labels), the command
//! options, and the planner's error type.
//!
//! These are plain data types with no behaviour beyond small helpers; `up`, `down` and
//! `lifecycle` read them and produce a [`crate::Plan`].

use std::fmt;

/// The project as the compose files describe it, after loading, profiles and service selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesiredProject {
    /// Project name (`com.docker.compose.project`), used for default container names.
    pub name: String,
    /// Enabled services the command acts on: the services named on the command line plus
    /// their dependencies (all services when none is named). Mark the named ones `selected`.
    pub services: Vec<DesiredService>,
    /// Names of services that exist in the files but are disabled (profiles). Their containers
    /// are not orphans, and they are never touched.
    pub disabled_services: Vec<String>,
    /// Networks of the project (including external ones).
    pub networks: Vec<DesiredNetwork>,
    /// Volumes of the project (including external ones).
    pub volumes: Vec<DesiredVolume>,
}

impl DesiredProject {
    /// The enabled service called `name`, if any.
    pub fn service(&self, name: &str) -> Option<&DesiredService> {
        self.services.iter().find(|s| s.name == name)
    }

    /// Whether `name` is a known service, enabled or disabled.
    pub fn knows_service(&self, name: &str) -> bool {
        self.service(name).is_some() || self.disabled_services.iter().any(|d| d == name)
    }

    /// The container name of replica `number` of `service`: `container_name` when set,
    /// otherwise `<project>-<service>-<number>`.
    pub fn container_name(&self, service: &DesiredService, number: u32) -> String {
        match &service.container_name {
            Some(name) => name.clone(),
            None => format!("{}-{}-{}", self.name, service.name, number),
        }
    }
}

/// One service of the desired project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesiredService {
    /// Service name (the key under `services:`).
    pub name: String,
    /// Desired number of containers (`scale` / `deploy.replicas`, after `--scale`).
    pub replicas: u32,
    /// Expected `com.docker.compose.config-hash` of its containers.
    pub config_hash: String,
    /// Expected `com.docker.compose.image` digest; `None` means "unknown, do not compare".
    pub image_digest: Option<String>,
    /// Explicit `container_name`, if any (then `replicas` must be at most 1).
    pub container_name: Option<String>,
    /// `depends_on` edges (including the implicit ones the loader adds).
    pub depends_on: Vec<Dependency>,
    /// Services whose containers this one shares a namespace or volumes with
    /// (`network_mode`/`ipc`/`pid: service:X`, `volumes_from: X`). When one of them is
    /// recreated, this service is recreated too.
    pub namespace_parents: Vec<String>,
    /// Compose keys of the networks the service is attached to.
    pub networks: Vec<String>,
    /// Compose keys of the named project volumes the service mounts.
    pub volumes: Vec<String>,
    /// Whether the service was named on the command line (or no service was named). Selected
    /// services use [`UpOptions::recreate`], the others [`UpOptions::recreate_dependencies`].
    pub selected: bool,
}

/// A `depends_on` edge from a service to `service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The service depended upon.
    pub service: String,
    /// What to wait for before starting the dependent.
    pub condition: Condition,
    /// `restart: true`: restart the dependent when this dependency is recreated.
    pub restart: bool,
    /// `required: false` turns a missing or failing dependency into a warning.
    pub required: bool,
}

/// `depends_on.condition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// `service_started`: ordering only.
    Started,
    /// `service_healthy`: every container of the dependency reports `healthy`.
    Healthy,
    /// `service_completed_successfully`: every container of the dependency exited with 0.
    CompletedSuccessfully,
}

impl Condition {
    /// The compose spelling (`service_healthy`, ...).
    pub fn as_compose(self) -> &'static str {
        match self {
            Condition::Started => "service_started",
            Condition::Healthy => "service_healthy",
            Condition::CompletedSuccessfully => "service_completed_successfully",
        }
    }
}

/// A network of the desired project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesiredNetwork {
    /// Compose key (`networks.<key>`).
    pub key: String,
    /// Engine name (`<project>_<key>` or the explicit `name:`).
    pub name: String,
    /// `external: true`: never created nor removed; must exist.
    pub external: bool,
    /// Expected `com.docker.compose.config-hash` of the network.
    pub config_hash: String,
}

/// A volume of the desired project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesiredVolume {
    /// Compose key (`volumes.<key>`).
    pub key: String,
    /// Engine name (`<project>_<key>` or the explicit `name:`).
    pub name: String,
    /// `external: true`: never created nor removed; must exist.
    pub external: bool,
    /// Expected `com.docker.compose.config-hash` of the volume.
    pub config_hash: String,
}

/// What the engine currently holds for the project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedProject {
    /// Every container carrying the project label and a config hash (one-offs included).
    pub containers: Vec<ObservedContainer>,
    /// Networks carrying the project label, plus any network whose name equals a desired
    /// network's name (whatever its labels), plus external networks found by name or ID.
    pub networks: Vec<ObservedNetwork>,
    /// Volumes carrying the project label, plus any volume whose name equals a desired
    /// volume's name (whatever its labels).
    pub volumes: Vec<ObservedVolume>,
}

/// A container of the project as the engine reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedContainer {
    /// Engine ID (full hex).
    pub id: String,
    /// Container name, without the leading `/`.
    pub name: String,
    /// `com.docker.compose.service`.
    pub service: String,
    /// `com.docker.compose.container-number` (0 when missing or invalid).
    pub number: u32,
    /// `com.docker.compose.oneoff=True` (a `run` container).
    pub oneoff: bool,
    /// Engine state.
    pub state: ContainerState,
    /// `com.docker.compose.config-hash`.
    pub config_hash: String,
    /// `com.docker.compose.image`.
    pub image_digest: Option<String>,
    /// IDs of the networks the container is connected to (names for engines that report
    /// names there, as Podman 4 does).
    pub network_ids: Vec<String>,
    /// Names of the named volumes mounted in the container.
    pub volume_names: Vec<String>,
}

/// Engine container state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ContainerState {
    /// Created, never started.
    #[default]
    Created,
    /// Running.
    Running,
    /// Paused.
    Paused,
    /// Restarting (restart policy in action).
    Restarting,
    /// Being removed.
    Removing,
    /// Exited.
    Exited,
    /// Dead.
    Dead,
}

impl ContainerState {
    /// Whether the container has processes (running, paused or restarting), i.e. needs a stop.
    pub fn is_alive(self) -> bool {
        matches!(
            self,
            ContainerState::Running | ContainerState::Paused | ContainerState::Restarting
        )
    }
}

/// A network as the engine reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedNetwork {
    /// Engine ID.
    pub id: String,
    /// Engine name.
    pub name: String,
    /// `com.docker.compose.network` (the compose key), if labelled.
    pub compose_key: Option<String>,
    /// `com.docker.compose.project`, if labelled.
    pub project: Option<String>,
    /// `com.docker.compose.config-hash`, if labelled.
    pub config_hash: Option<String>,
}

/// A volume as the engine reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedVolume {
    /// Engine name (volumes are addressed by name).
    pub name: String,
    /// `com.docker.compose.volume` (the compose key), if labelled.
    pub compose_key: Option<String>,
    /// `com.docker.compose.project`, if labelled.
    pub project: Option<String>,
    /// `com.docker.compose.config-hash`, if labelled.
    pub config_hash: Option<String>,
}

/// Recreation strategy for containers whose service is planned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Recreate {
    /// Recreate only containers that diverge from the desired configuration (default).
    #[default]
    Diverged,
    /// Recreate every container (`--force-recreate`, `--always-recreate-deps`).
    Force,
    /// Never recreate (`--no-recreate`).
    Never,
}

/// Options of `up` / `create`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpOptions {
    /// Strategy for selected services.
    pub recreate: Recreate,
    /// Strategy for services pulled in as dependencies only.
    pub recreate_dependencies: Recreate,
    /// `--no-deps`: only selected services are planned; dependencies are not touched nor waited for.
    pub no_deps: bool,
    /// `--remove-orphans`.
    pub remove_orphans: bool,
    /// `COMPOSE_IGNORE_ORPHANS`: no orphan warning.
    pub ignore_orphans: bool,
    /// Start containers (false for `create` and `up --no-start`).
    pub start: bool,
    /// `-t/--timeout` for stops, in seconds (`None`: the service's `stop_grace_period`).
    pub timeout: Option<u32>,
    /// Recreated containers inherit anonymous volumes (false with `-V/--renew-anon-volumes`).
    pub inherit_volumes: bool,
    /// `--scale service=n` overrides.
    pub scale: Vec<(String, u32)>,
}

impl Default for UpOptions {
    fn default() -> Self {
        UpOptions {
            recreate: Recreate::Diverged,
            recreate_dependencies: Recreate::Diverged,
            no_deps: false,
            remove_orphans: false,
            ignore_orphans: false,
            start: true,
            timeout: None,
            inherit_volumes: true,
            scale: Vec::new(),
        }
    }
}

/// Options of `down`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownOptions {
    /// `-v/--volumes`: remove named project volumes and anonymous container volumes.
    pub remove_volumes: bool,
    /// `--remove-orphans` (also removes the project's one-off containers).
    pub remove_orphans: bool,
    /// Services named on the command line (empty: all). Their dependents go too.
    pub services: Vec<String>,
    /// `-t/--timeout` for stops, in seconds.
    pub timeout: Option<u32>,
}

/// Options of `stop` and `start`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `-t/--timeout` for stops, in seconds.
    pub timeout: Option<u32>,
}

/// Why a plan cannot be made (the input itself is inconsistent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known.
    pub hint: Option<String>,
}

impl PlanError {
    /// An error with a message and no hint.
    pub fn new(message: impl Into<String>) -> Self {
        PlanError {
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_default_to_project_service_number() {
        let project = DesiredProject {
            name: "p".into(),
            ..Default::default()
        };
        let mut service = DesiredService {
            name: "web".into(),
            ..Default::default()
        };
        assert_eq!(project.container_name(&service, 3), "p-web-3");
        service.container_name = Some("custom".into());
        assert_eq!(project.container_name(&service, 3), "custom");
    }

    #[test]
    fn alive_states_need_a_stop() {
        assert!(ContainerState::Running.is_alive());
        assert!(ContainerState::Paused.is_alive());
        assert!(ContainerState::Restarting.is_alive());
        assert!(!ContainerState::Exited.is_alive());
        assert!(!ContainerState::Created.is_alive());
        assert!(!ContainerState::Dead.is_alive());
    }

    #[test]
    fn error_display_includes_hint() {
        let err = PlanError::new("bad").with_hint("fix it");
        assert_eq!(err.to_string(), "bad (hint: fix it)");
        assert_eq!(Condition::Healthy.as_compose(), "service_healthy");
    }

    #[test]
    fn disabled_services_are_known() {
        let project = DesiredProject {
            disabled_services: vec!["debug".into()],
            ..Default::default()
        };
        assert!(project.knows_service("debug"));
        assert!(!project.knows_service("web"));
    }
}
