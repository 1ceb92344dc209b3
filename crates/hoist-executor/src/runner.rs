//! The engine side of the executor: [`execute`] and the step runner that turns each planner
//! [`Action`] into engine calls through [`hoist_engine::Engine`], emitting progress events.
//!
//! Idempotence on interruption: every step either completes or leaves a state the planner
//! reads back as ordinary engine objects (a created-but-not-started container is started by
//! the next `up`; a recreation cut short leaves the new temporary-named container and maybe
//! the old one, which the planner handles as two replicas of the same number, keeping the
//! up-to-date one and removing the obsolete one). A container whose extra network
//! connections fail right after creation is removed again, so the next run recreates it.

use std::time::{Duration, Instant};

use hoist_engine::bollard::models::{
    ContainerInspectResponse, ContainerStateStatusEnum, HealthStatusEnum,
};
use hoist_engine::{labels, Engine, EngineError, ErrorKind};
use hoist_planner::{Action, Condition, ContainerRef, Plan, Step};
use tokio::sync::Mutex;

use crate::cancel::CancelToken;
use crate::outcome::{ExecError, Outcome};
use crate::progress::{EventStatus, ProgressEvent, ProgressSink, ResourceKind};
use crate::scheduler::{run_plan, Limits, StepResult, StepRunner, StepSuccess};
use crate::specs::ServiceSpecs;

/// How often `WaitForDependency` looks at the dependency's containers.
pub const DEPENDENCY_POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The default bound on engine work in flight ([`ExecOptions::engine_work_limit`]). The
/// engine does container work (network sandboxes, mounts, cgroups) under shared locks: 50
/// concurrent stops or starts finish later than the same work 16 at a time (`down` of 50
/// containers: 4.4 s unbounded, 3.5 s at 16, 3.9 s at 8 on a 2-core engine;
/// `bench/up_bench.py`).
pub const DEFAULT_ENGINE_WORK_LIMIT: usize = 16;

/// Options of [`execute`].
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// Project name (`com.docker.compose.project`), to find the containers of a dependency.
    pub project: String,
    /// Maximum number of steps in flight (`None`: unlimited). The CLI maps `--parallel` /
    /// `COMPOSE_PARALLEL_LIMIT` (-1 = unlimited) to this.
    pub parallel: Option<usize>,
    /// Maximum number of steps doing engine work at once (`None`: unlimited): every step but
    /// dependency waits and stops that grant a grace period, which mostly wait and are never
    /// held back (a stop waiting for its container to exit must not delay the others). The
    /// CLI sets [`DEFAULT_ENGINE_WORK_LIMIT`] when the user gave no parallelism.
    pub engine_work_limit: Option<usize>,
    /// Overall limit for dependency waits, counted from the start of the run (`None`: wait
    /// as long as it takes). Expiry fails the waiting step with `timeout waiting for
    /// dependencies`.
    pub wait_timeout: Option<Duration>,
    /// Cancels the run.
    pub cancel: CancelToken,
}

/// Runs `plan` against `engine`, reporting progress to `progress` (whose
/// [`ProgressSink::finish`] is called at the end).
///
/// Returns the [`Outcome`] when every step succeeded; otherwise an [`ExecError`] that lists
/// every failure and carries the outcome (independent steps still ran). Warnings (best-effort
/// removals, optional dependencies, engine warnings) are in [`Outcome::warnings`].
pub async fn execute<S: ServiceSpecs + ?Sized>(
    plan: &Plan,
    engine: &Engine,
    specs: &S,
    progress: &dyn ProgressSink,
    options: &ExecOptions,
) -> Result<Outcome, ExecError> {
    let runner = EngineRunner {
        engine,
        specs,
        progress,
        project: &options.project,
        cancel: options.cancel.clone(),
        wait_deadline: options.wait_timeout.map(|t| Instant::now() + t),
        start_lock: Mutex::new(()),
    };
    let limits = Limits {
        steps: options.parallel,
        engine_work: options.engine_work_limit,
    };
    let outcome = run_plan(plan, &runner, limits, &options.cancel).await;
    progress.finish();
    if outcome.is_success() {
        Ok(outcome)
    } else {
        Err(ExecError {
            outcome: Box::new(outcome),
        })
    }
}

struct EngineRunner<'a, S: ?Sized> {
    engine: &'a Engine,
    specs: &'a S,
    progress: &'a dyn ProgressSink,
    project: &'a str,
    cancel: CancelToken,
    wait_deadline: Option<Instant>,
    /// Held while a container whose host ports the engine picks starts
    /// ([`ServiceSpecs::serialised_start`]); other starts run in parallel.
    start_lock: Mutex<()>,
}

impl<S: ServiceSpecs + ?Sized> StepRunner for EngineRunner<'_, S> {
    fn run<'a>(
        &'a self,
        step: &'a Step,
        created: Option<String>,
    ) -> impl std::future::Future<Output = StepResult> + 'a {
        self.run_step(step, created)
    }

    /// Dependency waits and stops that grant a grace period mostly wait: not engine work.
    fn is_engine_work(&self, step: &Step) -> bool {
        match &step.action {
            Action::WaitForDependency { .. } => false,
            Action::StopContainer { name, timeout, .. } => {
                self.stop_grace(name, *timeout) == Some(Duration::ZERO)
            }
            _ => true,
        }
    }
}

/// A resource's task: emits `Working` at creation and `Done`/`Error` with elapsed time.
struct Task<'a> {
    progress: &'a dyn ProgressSink,
    kind: ResourceKind,
    name: String,
    started: Instant,
    /// Silent tasks emit nothing (sub-steps of a recreation, checks).
    silent: bool,
}

impl Task<'_> {
    fn emit(&self, status: EventStatus, text: &str, details: &str) {
        if self.silent {
            return;
        }
        self.progress.event(
            &ProgressEvent::new(self.kind, self.name.clone(), status, text)
                .with_details(details)
                .with_elapsed(self.started.elapsed()),
        );
    }

    fn working(&self, text: &str) {
        self.emit(EventStatus::Working, text, "");
    }

    fn done(&self, text: &str) -> StepResult {
        self.emit(EventStatus::Done, text, "");
        Ok(StepSuccess::default())
    }

    fn warning(&self, text: &str, message: String) -> StepResult {
        self.emit(EventStatus::Warning, text, &message);
        Ok(StepSuccess::warn(message))
    }

    fn fail(&self, message: String) -> StepResult {
        self.emit(EventStatus::Error, "Error", &message);
        Err(message)
    }
}

/// Whether an engine error means "the resource is still in use".
fn in_use(error: &EngineError) -> bool {
    let message = error.message.to_ascii_lowercase();
    error.is_conflict()
        || (matches!(error.kind, ErrorKind::Api { status: 403 })
            && (message.contains("active endpoints") || message.contains("in use")))
        || message.contains("in use")
}

/// The final name of a recreating container created as `<oldid[:12]>_<final>`.
fn final_name(temporary: &str, replaces: &str) -> String {
    let short: String = replaces.chars().take(12).collect();
    temporary
        .strip_prefix(&format!("{short}_"))
        .unwrap_or(temporary)
        .to_string()
}

fn resolve(container: &ContainerRef, created: &Option<String>) -> Result<String, String> {
    match container {
        ContainerRef::Existing(id) => Ok(id.clone()),
        ContainerRef::CreatedBy(step) => created
            .clone()
            .ok_or_else(|| format!("the container of step {step} was not created")),
    }
}

impl<'a, S: ServiceSpecs + ?Sized> EngineRunner<'a, S> {
    fn task(&self, kind: ResourceKind, name: &str, silent: bool) -> Task<'a> {
        Task {
            progress: self.progress,
            kind,
            name: name.to_string(),
            started: Instant::now(),
            silent,
        }
    }

    /// The grace period a stop step grants its container (`None`: the container's own).
    fn stop_grace(&self, name: &str, timeout: Option<u32>) -> Option<Duration> {
        timeout
            .map(|t| Duration::from_secs(u64::from(t)))
            .or_else(|| self.specs.stop_timeout(name))
    }

    async fn run_step(&self, step: &Step, created: Option<String>) -> StepResult {
        let silent = step.part_of.is_some();
        match &step.action {
            Action::CheckExternalNetwork { name, .. } => {
                match self.engine.inspect_network(name).await {
                    Ok(_) => Ok(StepSuccess::default()),
                    Err(e) if e.is_not_found() => Err(format!(
                        "network {name} declared as external, but could not be found"
                    )),
                    Err(e) => Err(e.message),
                }
            }
            Action::CheckExternalVolume { name, .. } => {
                match self.engine.inspect_volume(name).await {
                    Ok(_) => Ok(StepSuccess::default()),
                    Err(e) if e.is_not_found() => {
                        Err(format!("external volume \"{name}\" not found"))
                    }
                    Err(e) => Err(e.message),
                }
            }
            Action::CreateNetwork { key, name } => self.create_network(key, name).await,
            Action::RemoveNetwork {
                name, best_effort, ..
            } => {
                let task = self.task(ResourceKind::Network, name, silent);
                task.working("Removing");
                match self.engine.remove_network(name).await {
                    Ok(()) => task.done("Removed"),
                    Err(e) if e.is_not_found() && *best_effort => task.done("Removed"),
                    Err(e) if in_use(&e) && *best_effort => task.warning(
                        "Resource is still in use",
                        format!("network {name} is still in use"),
                    ),
                    Err(e) => task.fail(e.message),
                }
            }
            Action::DisconnectNetwork {
                container, network, ..
            } => {
                let id = resolve(container, &created)?;
                match self.engine.disconnect_network(network, &id, true).await {
                    Ok(()) => Ok(StepSuccess::default()),
                    Err(e) if e.is_not_found() => Ok(StepSuccess::default()),
                    Err(e) => Err(e.message),
                }
            }
            Action::ConnectNetwork {
                container,
                service,
                key,
                network,
                ..
            } => {
                let id = resolve(container, &created)?;
                let endpoint = self.specs.endpoint_settings(service, key)?;
                match self.engine.connect_network(network, &id, endpoint).await {
                    Ok(()) => Ok(StepSuccess::default()),
                    Err(e) if e.message.contains("already exists") => Ok(StepSuccess::default()),
                    Err(e) => Err(e.message),
                }
            }
            Action::CreateVolume { key, name } => {
                let task = self.task(ResourceKind::Volume, name, silent);
                task.working("Creating");
                let request = match self.specs.volume_request(key) {
                    Ok(request) => request,
                    Err(message) => return task.fail(message),
                };
                match self.engine.create_volume(request).await {
                    Ok(_) => task.done("Created"),
                    Err(e) => task.fail(e.message),
                }
            }
            Action::RemoveVolume { name, .. } => {
                let task = self.task(ResourceKind::Volume, name, silent);
                task.working("Removing");
                match self.engine.remove_volume(name, false).await {
                    Ok(()) => task.done("Removed"),
                    Err(e) if e.is_not_found() => task.done("Removed"),
                    Err(e) if in_use(&e) => task.warning(
                        "Resource is still in use",
                        format!("volume {name} is still in use"),
                    ),
                    Err(e) => task.fail(e.message),
                }
            }
            Action::CreateContainer {
                service,
                number,
                name,
                replaces,
                inherit_from,
            } => {
                self.create_container(
                    service,
                    *number,
                    name,
                    replaces.as_deref(),
                    inherit_from.as_deref(),
                    silent,
                )
                .await
            }
            Action::StartContainer {
                service,
                container,
                name,
            } => {
                let task = self.task(ResourceKind::Container, name, silent);
                let id = match resolve(container, &created) {
                    Ok(id) => id,
                    Err(message) => return task.fail(message),
                };
                self.start_container(&task, service, &id).await
            }
            Action::StopContainer { id, name, timeout } => {
                let task = self.task(ResourceKind::Container, name, silent);
                task.working("Stopping");
                let grace = self.stop_grace(name, *timeout);
                match self.engine.stop_container(id, grace).await {
                    Ok(()) => task.done("Stopped"),
                    Err(e) if e.is_not_found() => task.done("Stopped"),
                    Err(e) => task.fail(e.message),
                }
            }
            Action::RemoveContainer { id, name, volumes } => {
                let task = self.task(ResourceKind::Container, name, silent);
                task.working("Removing");
                match self.engine.remove_container(id, true, *volumes).await {
                    Ok(()) => task.done("Removed"),
                    Err(e) if e.is_not_found() => task.done("Removed"),
                    Err(e) => task.fail(e.message),
                }
            }
            Action::RenameContainer { created_by, to, .. } => {
                // Finishes the recreation whose `Recreate` line the create step opened.
                let task = self.task(ResourceKind::Container, to, false);
                let id = match resolve(&ContainerRef::CreatedBy(*created_by), &created) {
                    Ok(id) => id,
                    Err(message) => return task.fail(message),
                };
                match self.engine.rename_container(&id, to).await {
                    Ok(()) => task.done("Recreated"),
                    Err(e) => task.fail(e.message),
                }
            }
            Action::RenameExistingContainer { id, to, .. } => {
                let task = self.task(ResourceKind::Container, to, silent);
                task.working("Renaming");
                match self.engine.rename_container(id, to).await {
                    Ok(()) => task.done("Renamed"),
                    Err(e) => task.fail(e.message),
                }
            }
            Action::WaitForDependency {
                service,
                dependency,
                condition,
                required,
            } => {
                self.wait_for_dependency(service, dependency, *condition, *required)
                    .await
            }
        }
    }

    async fn create_network(&self, key: &str, name: &str) -> StepResult {
        let task = self.task(ResourceKind::Network, name, false);
        task.working("Creating");
        // Engines below API 1.44 accept duplicate names: look the name up first.
        match self.engine.inspect_network(name).await {
            Ok(_) => return task.done("Created"),
            Err(e) if e.is_not_found() => {}
            Err(e) => return task.fail(e.message),
        }
        let mut request = match self.specs.network_request(key) {
            Ok(request) => request,
            Err(message) => return task.fail(message),
        };
        if request.name.is_empty() {
            request.name = name.to_string();
        }
        match self.engine.create_network(request).await {
            Ok(_) => task.done("Created"),
            Err(e) if e.is_conflict() || e.message.contains("already exists") => {
                task.done("Created")
            }
            Err(e) => task.fail(e.message),
        }
    }

    async fn create_container(
        &self,
        service: &str,
        number: u32,
        name: &str,
        replaces: Option<&str>,
        inherit_from: Option<&str>,
        silent: bool,
    ) -> StepResult {
        let (shown, working) = match replaces {
            Some(old) => (final_name(name, old), "Recreate"),
            None => (name.to_string(), "Creating"),
        };
        let task = self.task(ResourceKind::Container, &shown, silent);
        task.working(working);
        let inherited: Option<ContainerInspectResponse> = match inherit_from {
            Some(id) => match self.engine.inspect_container(id).await {
                Ok(info) => Some(info),
                Err(e) if e.is_not_found() => None,
                Err(e) => return task.fail(e.message),
            },
            None => None,
        };
        let body = match self
            .specs
            .container_body(service, number, name, inherited.as_ref())
        {
            Ok(body) => body,
            Err(message) => return task.fail(message),
        };
        let platform = match self.specs.platform(service) {
            Ok(platform) => platform,
            Err(message) => return task.fail(message),
        };
        let created = match self
            .engine
            .create_container_on(name, platform.as_deref(), body)
            .await
        {
            Ok(created) => created,
            Err(e) => return task.fail(e.message),
        };
        self.specs.note_created(service, number, name, &created.id);
        let networks = match self.specs.extra_networks(service, number) {
            Ok(networks) => networks,
            Err(message) => {
                let _ = self.engine.remove_container(&created.id, true, true).await;
                return task.fail(message);
            }
        };
        for (network, endpoint) in networks {
            if let Err(e) = self
                .engine
                .connect_network(&network, &created.id, endpoint)
                .await
            {
                // Leave nothing half-configured behind: the next run creates it again.
                let _ = self.engine.remove_container(&created.id, true, true).await;
                return task.fail(e.message);
            }
        }
        if replaces.is_none() {
            task.emit(EventStatus::Done, "Created", "");
        }
        let warnings = created
            .warnings
            .into_iter()
            .map(|w| format!("container {name}: {w}"))
            .collect();
        Ok(StepSuccess {
            container_id: Some(created.id),
            warnings,
        })
    }

    async fn start_container(&self, task: &Task<'_>, service: &str, id: &str) -> StepResult {
        let files = match self.specs.injected_files(service) {
            Ok(files) => files,
            Err(message) => return task.fail(message),
        };
        for file in files {
            if let Err(e) = self
                .engine
                .upload_archive_owned(id, &file.directory, file.tar, file.keep_owner)
                .await
            {
                return task.fail(e.message);
            }
        }
        let _serialised = if self.specs.serialised_start(service) {
            Some(self.start_lock.lock().await)
        } else {
            None
        };
        task.working("Starting");
        match self.engine.start_container(id).await {
            Ok(()) => task.done("Started"),
            Err(e) => task.fail(e.message),
        }
    }

    async fn wait_for_dependency(
        &self,
        service: &str,
        dependency: &str,
        condition: Condition,
        required: bool,
    ) -> StepResult {
        if condition == Condition::Started {
            return Ok(StepSuccess::default());
        }
        let filters = [
            labels::filter(labels::PROJECT, self.project),
            labels::filter(labels::SERVICE, dependency),
            labels::filter(labels::ONEOFF, labels::oneoff_value(false)),
        ];
        let containers = self
            .engine
            .list_containers_by_labels(&filters)
            .await
            .map_err(|e| e.message)?;
        let mut waiting: Vec<(String, String)> = containers
            .iter()
            .filter_map(|c| {
                let id = c.id.clone()?;
                let name = c
                    .names
                    .as_ref()
                    .and_then(|n| n.first())
                    .map(|n| n.trim_start_matches('/').to_string())
                    .unwrap_or_else(|| id.clone());
                Some((id, name))
            })
            .collect();
        waiting.sort_by(|a, b| a.1.cmp(&b.1));
        if waiting.is_empty() {
            let message = format!("{service} is missing dependency {dependency}");
            return if required {
                Err(message)
            } else {
                Ok(StepSuccess::warn(message))
            };
        }
        let tasks: Vec<Task<'a>> = waiting
            .iter()
            .map(|(_, name)| self.task(ResourceKind::Container, name, false))
            .collect();
        for task in &tasks {
            task.working("Waiting");
        }
        loop {
            let timer = tokio::time::sleep(DEPENDENCY_POLL_INTERVAL);
            tokio::select! {
                _ = timer => {}
                _ = self.cancel.cancelled() => {
                    return Err(format!("{service}: waiting for {dependency} was cancelled"));
                }
            }
            if self.wait_deadline.is_some_and(|d| Instant::now() >= d) {
                for task in &tasks {
                    task.emit(
                        EventStatus::Error,
                        "Error",
                        "timeout waiting for dependencies",
                    );
                }
                return Err("timeout waiting for dependencies".to_string());
            }
            let verdict = match condition {
                Condition::Healthy => self.check_healthy(&waiting).await,
                _ => self.check_completed(&waiting).await,
            };
            match verdict {
                Verdict::Pending => continue,
                Verdict::Satisfied => {
                    let text = if condition == Condition::Healthy {
                        "Healthy"
                    } else {
                        "Exited"
                    };
                    for task in &tasks {
                        task.emit(EventStatus::Done, text, "");
                    }
                    return Ok(StepSuccess::default());
                }
                Verdict::Failed(reason) => {
                    let (event, message) = match condition {
                        Condition::Healthy if required => (
                            format!("dependency {dependency} failed to start"),
                            format!("dependency failed to start: {reason}"),
                        ),
                        Condition::Healthy => (
                            format!("optional dependency \"{dependency}\" failed to start"),
                            format!(
                                "optional dependency \"{dependency}\" failed to start: {reason}"
                            ),
                        ),
                        _ if required => (format!("service {reason}"), format!("service {reason}")),
                        _ => (
                            format!("optional dependency {reason}"),
                            format!("optional dependency {reason}"),
                        ),
                    };
                    for task in &tasks {
                        if required {
                            task.emit(EventStatus::Error, "Error", &event);
                        } else {
                            // Docker Compose's skipped event: the reason is part of the text.
                            task.emit(EventStatus::Warning, &format!("Skipped: {event}"), "");
                        }
                    }
                    return if required {
                        Err(message)
                    } else {
                        Ok(StepSuccess::warn(message))
                    };
                }
            }
        }
    }

    /// `service_healthy`: every container healthy; exited, unhealthy or without healthcheck
    /// is a failure.
    async fn check_healthy(&self, containers: &[(String, String)]) -> Verdict {
        for (id, name) in containers {
            let info = match self.engine.inspect_container(id).await {
                Ok(info) => info,
                Err(e) => return Verdict::Failed(e.message),
            };
            let state = info.state.unwrap_or_default();
            if state.status == Some(ContainerStateStatusEnum::EXITED) {
                return Verdict::Failed(format!(
                    "container {name} exited ({})",
                    state.exit_code.unwrap_or(0)
                ));
            }
            let no_check = info
                .config
                .and_then(|c| c.healthcheck)
                .and_then(|h| h.test)
                .is_none_or(|test| test.first().is_some_and(|t| t == "NONE"));
            let health = state.health.and_then(|h| h.status);
            match health {
                Some(HealthStatusEnum::HEALTHY) => {}
                Some(HealthStatusEnum::UNHEALTHY) => {
                    return Verdict::Failed(format!("container {name} is unhealthy"))
                }
                Some(HealthStatusEnum::STARTING) => return Verdict::Pending,
                _ if no_check => {
                    return Verdict::Failed(format!(
                        "container {name} has no healthcheck configured"
                    ))
                }
                // A healthcheck but no status yet (not started): keep waiting.
                _ => return Verdict::Pending,
            }
        }
        Verdict::Satisfied
    }

    /// `service_completed_successfully`: every container exited with 0; any non-zero exit is
    /// a failure.
    async fn check_completed(&self, containers: &[(String, String)]) -> Verdict {
        let mut all_exited = true;
        for (id, _name) in containers {
            let info = match self.engine.inspect_container(id).await {
                Ok(info) => info,
                Err(e) => return Verdict::Failed(e.message),
            };
            let state = info.state.unwrap_or_default();
            if state.status != Some(ContainerStateStatusEnum::EXITED) {
                all_exited = false;
                continue;
            }
            let code = state.exit_code.unwrap_or(0);
            if code != 0 {
                let service = info
                    .config
                    .and_then(|c| c.labels)
                    .and_then(|l| l.get(labels::SERVICE).cloned())
                    .unwrap_or_default();
                return Verdict::Failed(format!(
                    "\"{service}\" didn't complete successfully: exit {code}"
                ));
            }
        }
        if all_exited {
            Verdict::Satisfied
        } else {
            Verdict::Pending
        }
    }
}

enum Verdict {
    Pending,
    Satisfied,
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_names_strip_the_temporary_prefix() {
        assert_eq!(
            final_name("0123456789ab_p-web-1", "0123456789abcdef"),
            "p-web-1"
        );
        assert_eq!(final_name("p-web-1", "ffff"), "p-web-1");
    }

    #[test]
    fn in_use_recognises_engine_answers() {
        let busy = EngineError::new(
            ErrorKind::Api { status: 403 },
            "cannot remove network \"n\": error while removing network: network n id x has active endpoints",
        );
        assert!(in_use(&busy));
        let volume = EngineError::new(
            ErrorKind::Conflict,
            "cannot remove volume \"v\": remove v: volume is in use - [abc]",
        );
        assert!(in_use(&volume));
        let other = EngineError::new(ErrorKind::Api { status: 500 }, "boom");
        assert!(!in_use(&other));
    }
}
