//! Engine operations the executor runs: thin, typed wrappers over the Docker Engine API for
//! networks, volumes, containers, images, logs and events. Each error names the resource, and
//! each call uses a timeout suited to it (long ones for stop/kill/wait, none for streams).

use std::collections::HashMap;
use std::time::Duration;

use bollard::container::LogOutput;
use bollard::exec::{StartExecOptions, StartExecResults};
use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, EndpointSettings, EventMessage, ExecConfig,
    ImageInspect, NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest,
    NetworkInspect, Volume, VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateContainerOptions, EventsOptions, InspectContainerOptions, InspectNetworkOptions,
    KillContainerOptions, ListContainersOptions, LogsOptions, RemoveContainerOptions,
    RemoveVolumeOptions, RenameContainerOptions, RestartContainerOptions, StartContainerOptions,
    StopContainerOptions, UploadToContainerOptions, WaitContainerOptions,
};
use futures_util::stream::{Stream, StreamExt};

use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind, Result};
use crate::labels;

/// Extra time granted on top of a stop/kill grace period before giving up on the engine.
pub const STOP_MARGIN: Duration = Duration::from_secs(60);
/// Effectively "no timeout" for calls that legitimately block (wait).
const NO_TIMEOUT: Duration = Duration::from_secs(30 * 24 * 3600);

/// A created container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedContainer {
    /// The new container's ID.
    pub id: String,
    /// Warnings the engine returned (e.g. ignored resource limits).
    pub warnings: Vec<String>,
}

/// What [`Engine::wait_container`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitCondition {
    /// Returns as soon as the container is not running (immediately if it already is not).
    NotRunning,
    /// Waits for the next exit, even if the container is not running now.
    NextExit,
    /// Waits until the container has been removed.
    Removed,
}

impl WaitCondition {
    fn as_str(self) -> &'static str {
        match self {
            WaitCondition::NotRunning => "not-running",
            WaitCondition::NextExit => "next-exit",
            WaitCondition::Removed => "removed",
        }
    }
}

/// Options of [`Engine::logs`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogsRequest {
    /// Keep streaming new output.
    pub follow: bool,
    /// Prefix each line with an RFC3339Nano timestamp.
    pub timestamps: bool,
    /// Number of lines from the end (`None` = all).
    pub tail: Option<u64>,
    /// Only output since this Unix time (seconds).
    pub since: Option<i64>,
    /// Only output before this Unix time (seconds).
    pub until: Option<i64>,
}

/// A piece of container output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogChunk {
    /// From stdout (or a TTY console).
    Stdout(Vec<u8>),
    /// From stderr.
    Stderr(Vec<u8>),
}

/// A non-interactive command to run inside a running container ([`Engine::exec`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecRequest {
    /// Command and arguments.
    pub cmd: Vec<String>,
    /// `user[:group]` to run as (container default when `None`).
    pub user: Option<String>,
    /// Extra `KEY=value` environment entries.
    pub env: Vec<String>,
    /// Working directory (container default when `None`).
    pub working_dir: Option<String>,
    /// Run with extended privileges.
    pub privileged: bool,
}

/// What an exec printed and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOutput {
    /// Exit code of the command.
    pub exit_code: i64,
    /// Everything written to stdout.
    pub stdout: Vec<u8>,
    /// Everything written to stderr.
    pub stderr: Vec<u8>,
}

fn container_ref(id: &str) -> String {
    format!("container \"{id}\"")
}

fn network_ref(name: &str) -> String {
    format!("network \"{name}\"")
}

fn volume_ref(name: &str) -> String {
    format!("volume \"{name}\"")
}

fn image_ref(name: &str) -> String {
    format!("image \"{name}\"")
}

fn secs_i32(d: Duration) -> i32 {
    i32::try_from(d.as_secs()).unwrap_or(i32::MAX)
}

impl Engine {
    // ---- networks -------------------------------------------------------------------------

    /// Creates a network; returns its ID. Engines with API >= 1.44 reject a duplicate name
    /// with a [`ErrorKind::Conflict`] error; older engines (no `CheckDuplicate` here) may
    /// create a second network with the same name, so callers look the name up first.
    pub async fn create_network(&self, spec: NetworkCreateRequest) -> Result<String> {
        let what = network_ref(&spec.name);
        let created = self
            .docker
            .create_network(spec)
            .await
            .map_err(|e| EngineError::from_bollard(&what, "create", e))?;
        Ok(created.id)
    }

    /// Inspects a network by name or ID.
    pub async fn inspect_network(&self, name: &str) -> Result<NetworkInspect> {
        self.docker
            .inspect_network(name, None::<InspectNetworkOptions>)
            .await
            .map_err(|e| EngineError::from_bollard(&network_ref(name), "inspect", e))
    }

    /// Removes a network by name or ID.
    pub async fn remove_network(&self, name: &str) -> Result<()> {
        self.docker
            .remove_network(name)
            .await
            .map_err(|e| EngineError::from_bollard(&network_ref(name), "remove", e))
    }

    /// Connects a container to a network with endpoint settings (aliases, addresses).
    pub async fn connect_network(
        &self,
        network: &str,
        container: &str,
        endpoint: EndpointSettings,
    ) -> Result<()> {
        self.docker
            .connect_network(
                network,
                NetworkConnectRequest {
                    container: container.to_string(),
                    endpoint_config: Some(endpoint),
                },
            )
            .await
            .map_err(|e| {
                EngineError::from_bollard(
                    &network_ref(network),
                    &format!("connect container \"{container}\" to"),
                    e,
                )
            })
    }

    /// Disconnects a container from a network.
    pub async fn disconnect_network(
        &self,
        network: &str,
        container: &str,
        force: bool,
    ) -> Result<()> {
        self.docker
            .disconnect_network(
                network,
                NetworkDisconnectRequest {
                    container: container.to_string(),
                    force: Some(force),
                },
            )
            .await
            .map_err(|e| {
                EngineError::from_bollard(
                    &network_ref(network),
                    &format!("disconnect container \"{container}\" from"),
                    e,
                )
            })
    }

    // ---- volumes --------------------------------------------------------------------------

    /// Creates a volume (the name comes from `spec.name`).
    pub async fn create_volume(&self, spec: VolumeCreateRequest) -> Result<Volume> {
        let what = volume_ref(spec.name.as_deref().unwrap_or(""));
        self.docker
            .create_volume(spec)
            .await
            .map_err(|e| EngineError::from_bollard(&what, "create", e))
    }

    /// Inspects a volume.
    pub async fn inspect_volume(&self, name: &str) -> Result<Volume> {
        self.docker
            .inspect_volume(name)
            .await
            .map_err(|e| EngineError::from_bollard(&volume_ref(name), "inspect", e))
    }

    /// Removes a volume; `force` also removes it when the engine thinks it is in use.
    pub async fn remove_volume(&self, name: &str, force: bool) -> Result<()> {
        self.docker
            .remove_volume(name, Some(RemoveVolumeOptions { force }))
            .await
            .map_err(|e| EngineError::from_bollard(&volume_ref(name), "remove", e))
    }

    // ---- containers -----------------------------------------------------------------------

    /// Creates a container called `name` from `spec`. Engines below API 1.44 accept only one
    /// endpoint in `networking_config`; connect further networks with
    /// [`Engine::connect_network`] before starting.
    pub async fn create_container(
        &self,
        name: &str,
        spec: ContainerCreateBody,
    ) -> Result<CreatedContainer> {
        let created = self
            .docker
            .create_container(
                Some(CreateContainerOptions {
                    name: Some(name.to_string()),
                    ..Default::default()
                }),
                spec,
            )
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(name), "create", e))?;
        Ok(CreatedContainer {
            id: created.id,
            warnings: created.warnings,
        })
    }

    /// Like [`Engine::create_container`], for an image of a given `platform` (`os/arch`,
    /// see [`crate::spec::container_platform`]); `None` lets the engine choose.
    pub async fn create_container_on(
        &self,
        name: &str,
        platform: Option<&str>,
        spec: ContainerCreateBody,
    ) -> Result<CreatedContainer> {
        let created = self
            .docker
            .create_container(
                Some(CreateContainerOptions {
                    name: Some(name.to_string()),
                    platform: platform.unwrap_or_default().to_string(),
                }),
                spec,
            )
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(name), "create", e))?;
        Ok(CreatedContainer {
            id: created.id,
            warnings: created.warnings,
        })
    }

    /// Starts a container. Starting a running container is not an error.
    pub async fn start_container(&self, id: &str) -> Result<()> {
        match self
            .docker
            .start_container(id, None::<StartContainerOptions>)
            .await
        {
            Ok(()) => Ok(()),
            Err(e) => {
                let err = EngineError::from_bollard(&container_ref(id), "start", e);
                if err.kind == ErrorKind::NotModified {
                    Ok(())
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Stops a container: its stop signal, then SIGKILL after `grace` (`None` = the
    /// container's own StopTimeout, engine default 10 s). Stopping a stopped container is not
    /// an error. The request may take up to `grace` + [`STOP_MARGIN`].
    pub async fn stop_container(&self, id: &str, grace: Option<Duration>) -> Result<()> {
        let budget = grace.unwrap_or(Duration::from_secs(10)) + STOP_MARGIN;
        let options = StopContainerOptions {
            t: grace.map(secs_i32),
            signal: None,
        };
        match self
            .with_timeout(budget)
            .stop_container(id, Some(options))
            .await
        {
            Ok(()) => Ok(()),
            Err(e) => {
                let err = EngineError::from_bollard(&container_ref(id), "stop", e);
                if err.kind == ErrorKind::NotModified {
                    Ok(())
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Restarts a container (stop with `grace`, then start).
    pub async fn restart_container(&self, id: &str, grace: Option<Duration>) -> Result<()> {
        let budget = grace.unwrap_or(Duration::from_secs(10)) + STOP_MARGIN;
        self.with_timeout(budget)
            .restart_container(
                id,
                Some(RestartContainerOptions {
                    t: grace.map(secs_i32),
                    signal: None,
                }),
            )
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(id), "restart", e))
    }

    /// Sends `signal` (e.g. `SIGKILL`, `SIGTERM`, `9`) to a running container.
    pub async fn kill_container(&self, id: &str, signal: &str) -> Result<()> {
        self.with_timeout(STOP_MARGIN)
            .kill_container(
                id,
                Some(KillContainerOptions {
                    signal: signal.to_string(),
                }),
            )
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(id), "kill", e))
    }

    /// Removes a container; `force` kills it first if running, `volumes` also removes its
    /// anonymous volumes.
    pub async fn remove_container(&self, id: &str, force: bool, volumes: bool) -> Result<()> {
        self.with_timeout(STOP_MARGIN)
            .remove_container(
                id,
                Some(RemoveContainerOptions {
                    force,
                    v: volumes,
                    link: false,
                }),
            )
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(id), "remove", e))
    }

    /// Renames a container.
    pub async fn rename_container(&self, id: &str, new_name: &str) -> Result<()> {
        self.docker
            .rename_container(
                id,
                RenameContainerOptions {
                    name: new_name.to_string(),
                },
            )
            .await
            .map_err(|e| {
                EngineError::from_bollard(
                    &container_ref(id),
                    &format!("rename to \"{new_name}\""),
                    e,
                )
            })
    }

    /// Pauses a running container.
    pub async fn pause_container(&self, id: &str) -> Result<()> {
        self.docker
            .pause_container(id)
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(id), "pause", e))
    }

    /// Unpauses a paused container.
    pub async fn unpause_container(&self, id: &str) -> Result<()> {
        self.docker
            .unpause_container(id)
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(id), "unpause", e))
    }

    /// Waits for `condition` and returns the container's exit code. Has no timeout: wrap it in
    /// `tokio::time::timeout` when needed.
    pub async fn wait_container(&self, id: &str, condition: WaitCondition) -> Result<i64> {
        let docker = self.with_timeout(NO_TIMEOUT);
        let mut stream = Box::pin(docker.wait_container(
            id,
            Some(WaitContainerOptions {
                condition: condition.as_str().to_string(),
            }),
        ));
        match stream.next().await {
            Some(Ok(response)) => Ok(response.status_code),
            // bollard turns a non-zero exit into this error; it is a normal outcome here.
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => Ok(code),
            Some(Err(e)) => Err(EngineError::from_bollard(&container_ref(id), "wait for", e)),
            None => Err(EngineError::new(
                ErrorKind::Other,
                format!(
                    "cannot wait for {}: the engine closed the stream without an exit code",
                    container_ref(id)
                ),
            )),
        }
    }

    /// Inspects a container by name or ID.
    pub async fn inspect_container(&self, id: &str) -> Result<ContainerInspectResponse> {
        self.docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(id), "inspect", e))
    }

    /// Lists containers (all states) whose labels match every `key=value` / `key` filter.
    pub async fn list_containers_by_labels(
        &self,
        label_filters: &[String],
    ) -> Result<Vec<bollard::models::ContainerSummary>> {
        self.docker
            .list_containers(Some(ListContainersOptions {
                all: true,
                filters: Some(HashMap::from([(
                    "label".to_string(),
                    label_filters.to_vec(),
                )])),
                ..Default::default()
            }))
            .await
            .map_err(|e| EngineError::from_bollard("containers", "list", e))
    }

    /// Streams a container's stdout and stderr.
    pub fn logs(
        &self,
        id: &str,
        request: &LogsRequest,
    ) -> impl Stream<Item = Result<LogChunk>> + Send + 'static {
        let what = container_ref(id);
        let options = LogsOptions {
            follow: request.follow,
            stdout: true,
            stderr: true,
            since: request
                .since
                .map(|s| i32::try_from(s).unwrap_or(i32::MAX))
                .unwrap_or(0),
            until: request
                .until
                .map(|s| i32::try_from(s).unwrap_or(i32::MAX))
                .unwrap_or(0),
            timestamps: request.timestamps,
            tail: request
                .tail
                .map(|n| n.to_string())
                .unwrap_or_else(|| "all".to_string()),
        };
        self.with_timeout(NO_TIMEOUT)
            .logs(id, Some(options))
            .map(move |item| match item {
                Ok(LogOutput::StdErr { message }) => Ok(LogChunk::Stderr(message.to_vec())),
                Ok(LogOutput::StdOut { message })
                | Ok(LogOutput::Console { message })
                | Ok(LogOutput::StdIn { message }) => Ok(LogChunk::Stdout(message.to_vec())),
                Err(e) => Err(EngineError::from_bollard(&what, "read logs of", e)),
            })
    }

    /// Streams engine events matching `filters` (e.g. `label` → [`labels::filter`] of the
    /// project, `type` → `container`), from `since` (Unix seconds or RFC3339) if given.
    pub fn events(
        &self,
        filters: HashMap<String, Vec<String>>,
        since: Option<String>,
    ) -> impl Stream<Item = Result<EventMessage>> + Send + 'static {
        self.with_timeout(NO_TIMEOUT)
            .events(Some(EventsOptions {
                since,
                until: None,
                filters: Some(filters),
            }))
            .map(|item| item.map_err(|e| EngineError::from_bollard("engine events", "read", e)))
    }

    /// Streams the container events of one project. Like every stream here it is lazy: the
    /// request is sent on first poll, so pass `since` (Unix seconds) to not miss earlier events.
    pub fn project_events(
        &self,
        project: &str,
        since: Option<String>,
    ) -> impl Stream<Item = Result<EventMessage>> + Send + 'static {
        self.events(
            HashMap::from([
                ("type".to_string(), vec!["container".to_string()]),
                (
                    "label".to_string(),
                    vec![labels::filter(labels::PROJECT, project)],
                ),
            ]),
            since,
        )
    }

    /// Runs a command inside a running container, collects its output and exit code (for
    /// `post_start`/`pre_stop` hooks and health probes). Has no timeout: wrap it in
    /// `tokio::time::timeout` when needed. Interactive exec goes through [`Engine::docker`].
    pub async fn exec(&self, container: &str, request: &ExecRequest) -> Result<ExecOutput> {
        let what = container_ref(container);
        let created = self
            .docker
            .create_exec(
                container,
                ExecConfig {
                    cmd: Some(request.cmd.clone()),
                    user: request.user.clone(),
                    env: (!request.env.is_empty()).then(|| request.env.clone()),
                    working_dir: request.working_dir.clone(),
                    privileged: Some(request.privileged),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| EngineError::from_bollard(&what, "create exec in", e))?;
        let docker = self.with_timeout(NO_TIMEOUT);
        let started = docker
            .start_exec(
                &created.id,
                Some(StartExecOptions {
                    detach: false,
                    tty: false,
                    output_capacity: None,
                }),
            )
            .await
            .map_err(|e| EngineError::from_bollard(&what, "start exec in", e))?;
        let mut output = ExecOutput::default();
        if let StartExecResults::Attached {
            output: mut stream, ..
        } = started
        {
            while let Some(item) = stream.next().await {
                match item
                    .map_err(|e| EngineError::from_bollard(&what, "read exec output of", e))?
                {
                    LogOutput::StdErr { message } => output.stderr.extend_from_slice(&message),
                    LogOutput::StdOut { message }
                    | LogOutput::Console { message }
                    | LogOutput::StdIn { message } => output.stdout.extend_from_slice(&message),
                }
            }
        }
        let inspected = self
            .docker
            .inspect_exec(&created.id)
            .await
            .map_err(|e| EngineError::from_bollard(&what, "inspect exec in", e))?;
        output.exit_code = inspected.exit_code.unwrap_or(-1);
        Ok(output)
    }

    /// Extracts a tar archive into the container's filesystem at `path` (a directory that
    /// must exist); works on created and running containers (secret/config injection, `cp`).
    pub async fn upload_archive(&self, container: &str, path: &str, tar: Vec<u8>) -> Result<()> {
        self.docker
            .upload_to_container(
                container,
                Some(UploadToContainerOptions {
                    path: path.to_string(),
                    ..Default::default()
                }),
                bollard::body_full(tar.into()),
            )
            .await
            .map_err(|e| {
                EngineError::from_bollard(
                    &container_ref(container),
                    &format!("copy files to {path} in"),
                    e,
                )
            })
    }

    /// Like [`Engine::upload_archive`]; with `keep_owner` the archive's uid/gid are applied
    /// (`copyUIDGID`), as needed by [`crate::spec::InjectedFile::copy_uid_gid`].
    pub async fn upload_archive_owned(
        &self,
        container: &str,
        path: &str,
        tar: Vec<u8>,
        keep_owner: bool,
    ) -> Result<()> {
        self.docker
            .upload_to_container(
                container,
                Some(UploadToContainerOptions {
                    path: path.to_string(),
                    copy_uidgid: keep_owner.then(|| "true".to_string()),
                    ..Default::default()
                }),
                bollard::body_full(tar.into()),
            )
            .await
            .map_err(|e| {
                EngineError::from_bollard(
                    &container_ref(container),
                    &format!("copy files to {path} in"),
                    e,
                )
            })
    }

    // ---- images ---------------------------------------------------------------------------

    /// Inspects a local image by reference or ID.
    pub async fn inspect_image(&self, reference: &str) -> Result<ImageInspect> {
        self.docker
            .inspect_image(reference)
            .await
            .map_err(|e| EngineError::from_bollard(&image_ref(reference), "inspect", e))
    }

    /// True when the image exists locally.
    pub async fn image_exists(&self, reference: &str) -> Result<bool> {
        match self.inspect_image(reference).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    // ---- whole project --------------------------------------------------------------------

    /// Force-removes every container (with anonymous volumes), network and volume carrying
    /// the project label. Meant for tests and recovery, not for `down` (which has rules).
    /// Keeps going after individual failures and returns the first one.
    pub async fn purge_project(&self, project: &str) -> Result<()> {
        let filter = labels::filter(labels::PROJECT, project);
        let mut first_error: Option<EngineError> = None;
        let mut note = |r: Result<()>| {
            if let Err(e) = r {
                if !e.is_not_found() && first_error.is_none() {
                    first_error = Some(e);
                }
            }
        };
        match self
            .list_containers_by_labels(std::slice::from_ref(&filter))
            .await
        {
            Ok(containers) => {
                for c in containers {
                    if let Some(id) = c.id {
                        note(self.remove_container(&id, true, true).await);
                    }
                }
            }
            Err(e) => note(Err(e)),
        }
        match self.project_state(project).await {
            Ok(state) => {
                for n in state.networks {
                    note(self.remove_network(&n.id).await);
                }
                for v in state.volumes {
                    note(self.remove_volume(&v.name, true).await);
                }
            }
            Err(e) => note(Err(e)),
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
