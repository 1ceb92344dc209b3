//! Engine operations for the interactive commands (`exec`, `run`, `attach`, `cp`, `stats`):
//! exec instances and container attachments with hijacked (bidirectional) streams, TTY
//! resizing, tar archive download/upload and statistics streams.
//!
//! Pipeline position: called directly by the CLI's interactive commands (no planner or
//! executor involved). The CLI owns the terminal (raw mode, signals); this module only moves
//! bytes between the caller and the engine.

use std::pin::Pin;

use bollard::container::LogOutput;
use bollard::exec::{StartExecOptions, StartExecResults};
use bollard::models::{ContainerStatsResponse, ExecConfig};
use bollard::query_parameters::{
    AttachContainerOptions, ContainerArchiveInfoOptions, DownloadFromContainerOptions,
    ResizeContainerTTYOptions, ResizeExecOptions, StatsOptions, UploadToContainerOptions,
};
use futures_util::stream::{Stream, StreamExt};
use tokio::io::AsyncWrite;

use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind, Result};

/// Effectively "no timeout" for hijacked connections and long streams.
const NO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// One chunk of output from an attached exec or container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputChunk {
    /// Bytes for standard output (also every byte of a TTY session).
    Stdout(Vec<u8>),
    /// Bytes for standard error (only without a TTY).
    Stderr(Vec<u8>),
}

/// A hijacked connection to an exec instance or a container: output chunks in, stdin out.
pub struct Attached {
    /// Output of the process, in order. Ends when the process closes its streams.
    pub output: Pin<Box<dyn Stream<Item = Result<OutputChunk>> + Send>>,
    /// The process's standard input. Shut it down to signal end of input.
    pub input: Pin<Box<dyn AsyncWrite + Send>>,
}

impl std::fmt::Debug for Attached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Attached { .. }")
    }
}

/// An interactive command to run inside a running container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteractiveExec {
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
    /// Allocate a pseudo-TTY.
    pub tty: bool,
    /// Attach standard input.
    pub stdin: bool,
    /// Attach standard output and error (false for a detached exec).
    pub attach_output: bool,
    /// Key sequence that detaches from the exec (`ctrl-p,ctrl-q` style), engine default when
    /// `None`.
    pub detach_keys: Option<String>,
}

/// The process of an exec instance, as the engine reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecProcess {
    /// The process still runs.
    pub running: bool,
    /// Its PID in the engine's PID namespace; `None` until the engine has recorded it, which
    /// can be after the process has already printed something.
    pub pid: Option<u32>,
    /// The ID of the container it runs in.
    pub container_id: String,
}

/// What the engine says about a path in a container (`HEAD /archive`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathStat {
    /// Base name.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// Go `os.FileMode` bits (type bits high, permission bits low).
    pub mode: u32,
    /// Target of a symbolic link (empty otherwise).
    pub link_target: String,
}

impl PathStat {
    /// Whether the path is a directory (Go's `ModeDir` bit).
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }
}

fn container_ref(id: &str) -> String {
    format!("container \"{id}\"")
}

fn chunk(
    item: std::result::Result<LogOutput, bollard::errors::Error>,
    what: &str,
) -> Result<OutputChunk> {
    match item {
        Ok(LogOutput::StdErr { message }) => Ok(OutputChunk::Stderr(message.to_vec())),
        Ok(LogOutput::StdOut { message })
        | Ok(LogOutput::Console { message })
        | Ok(LogOutput::StdIn { message }) => Ok(OutputChunk::Stdout(message.to_vec())),
        Err(e) => Err(EngineError::from_bollard(what, "read the output of", e)),
    }
}

impl Engine {
    /// Creates an exec instance in a running container; returns its ID.
    pub async fn create_interactive_exec(
        &self,
        container: &str,
        request: &InteractiveExec,
    ) -> Result<String> {
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
                    tty: Some(request.tty),
                    attach_stdin: Some(request.stdin),
                    attach_stdout: Some(request.attach_output),
                    attach_stderr: Some(request.attach_output),
                    detach_keys: request.detach_keys.clone(),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| EngineError::from_bollard(&what, "create exec in", e))?;
        Ok(created.id)
    }

    /// Starts an exec instance attached: returns the hijacked streams.
    pub async fn start_exec_attached(&self, exec_id: &str, tty: bool) -> Result<Attached> {
        let what = format!("exec \"{exec_id}\"");
        let docker = self.with_timeout(NO_TIMEOUT);
        let started = docker
            .start_exec(
                exec_id,
                Some(StartExecOptions {
                    detach: false,
                    tty,
                    output_capacity: None,
                }),
            )
            .await
            .map_err(|e| EngineError::from_bollard(&what, "start", e))?;
        match started {
            StartExecResults::Attached { output, input } => {
                let what_out = what.clone();
                Ok(Attached {
                    output: Box::pin(output.map(move |item| chunk(item, &what_out))),
                    input,
                })
            }
            StartExecResults::Detached => Err(EngineError::new(
                ErrorKind::Api { status: 500 },
                format!("the engine started {what} detached although it was asked to attach"),
            )),
        }
    }

    /// Starts an exec instance detached (returns once the process started).
    pub async fn start_exec_detached(&self, exec_id: &str) -> Result<()> {
        let what = format!("exec \"{exec_id}\"");
        self.docker
            .start_exec(
                exec_id,
                Some(StartExecOptions {
                    detach: true,
                    tty: false,
                    output_capacity: None,
                }),
            )
            .await
            .map_err(|e| EngineError::from_bollard(&what, "start", e))?;
        Ok(())
    }

    /// Resizes the TTY of an exec instance.
    pub async fn resize_exec_tty(&self, exec_id: &str, width: u16, height: u16) -> Result<()> {
        self.docker
            .resize_exec(
                exec_id,
                ResizeExecOptions {
                    w: i32::from(width),
                    h: i32::from(height),
                },
            )
            .await
            .map_err(|e| EngineError::from_bollard(&format!("exec \"{exec_id}\""), "resize", e))
    }

    /// `GET /exec/{id}/json`, with the engine error worded for the user.
    async fn inspect_exec(&self, exec_id: &str) -> Result<bollard::models::ExecInspectResponse> {
        self.docker
            .inspect_exec(exec_id)
            .await
            .map_err(|e| EngineError::from_bollard(&format!("exec \"{exec_id}\""), "inspect", e))
    }

    /// Whether an exec instance's process runs, and its PID once the engine knows it.
    pub async fn exec_process(&self, exec_id: &str) -> Result<ExecProcess> {
        let inspected = self.inspect_exec(exec_id).await?;
        Ok(ExecProcess {
            running: inspected.running == Some(true),
            pid: inspected
                .pid
                .and_then(|p| u32::try_from(p).ok())
                .filter(|p| *p > 0),
            container_id: inspected.container_id.unwrap_or_default(),
        })
    }

    /// The exit code of a finished exec instance (`None` while it still runs).
    pub async fn exec_exit_code(&self, exec_id: &str) -> Result<Option<i64>> {
        let inspected = self.inspect_exec(exec_id).await?;
        if inspected.running == Some(true) {
            return Ok(None);
        }
        Ok(inspected.exit_code)
    }

    /// Attaches to a container's streams (`stdin` too when asked). `logs` replays what the
    /// container already printed (used before starting a `run` container, so nothing is
    /// lost).
    pub async fn attach_container(
        &self,
        container: &str,
        stdin: bool,
        logs: bool,
        detach_keys: Option<&str>,
    ) -> Result<Attached> {
        let what = container_ref(container);
        let docker = self.with_timeout(NO_TIMEOUT);
        let attached = docker
            .attach_container(
                container,
                Some(AttachContainerOptions {
                    stdin,
                    stdout: true,
                    stderr: true,
                    stream: true,
                    logs,
                    detach_keys: detach_keys.map(str::to_string),
                }),
            )
            .await
            .map_err(|e| EngineError::from_bollard(&what, "attach to", e))?;
        let what_out = what.clone();
        Ok(Attached {
            output: Box::pin(attached.output.map(move |item| chunk(item, &what_out))),
            input: attached.input,
        })
    }

    /// Resizes the TTY of a container.
    pub async fn resize_container_tty(
        &self,
        container: &str,
        width: u16,
        height: u16,
    ) -> Result<()> {
        self.docker
            .resize_container_tty(
                container,
                ResizeContainerTTYOptions {
                    w: i32::from(width),
                    h: i32::from(height),
                },
            )
            .await
            .map_err(|e| EngineError::from_bollard(&container_ref(container), "resize", e))
    }

    /// Describes `path` inside the container (follows nothing: a symbolic link is reported
    /// as such, with its target).
    pub async fn stat_container_path(&self, container: &str, path: &str) -> Result<PathStat> {
        let stat = self
            .docker
            .get_container_archive_info(
                container,
                Some(ContainerArchiveInfoOptions {
                    path: path.to_string(),
                }),
            )
            .await
            .map_err(|e| {
                EngineError::from_bollard(&container_ref(container), &format!("stat {path} in"), e)
            })?;
        Ok(PathStat {
            name: stat.name,
            size: stat.size,
            mode: stat.file_mode,
            link_target: stat.link_target,
        })
    }

    /// Downloads `path` from the container as a tar archive (whole, in memory).
    pub async fn download_archive(&self, container: &str, path: &str) -> Result<Vec<u8>> {
        let docker = self.with_timeout(NO_TIMEOUT);
        let mut stream = docker.download_from_container(
            container,
            Some(DownloadFromContainerOptions {
                path: path.to_string(),
            }),
        );
        let mut out = Vec::new();
        while let Some(part) = stream.next().await {
            let part = part.map_err(|e| {
                EngineError::from_bollard(
                    &container_ref(container),
                    &format!("copy {path} from"),
                    e,
                )
            })?;
            out.extend_from_slice(&part);
        }
        Ok(out)
    }

    /// Extracts a tar archive into the container at directory `path`, with `cp`'s options:
    /// `copy_uid_gid` keeps the archive's owners (`-a`).
    pub async fn upload_archive_with(
        &self,
        container: &str,
        path: &str,
        tar: Vec<u8>,
        copy_uid_gid: bool,
    ) -> Result<()> {
        let docker = self.with_timeout(NO_TIMEOUT);
        docker
            .upload_to_container(
                container,
                Some(UploadToContainerOptions {
                    path: path.to_string(),
                    no_overwrite_dir_non_dir: Some("true".to_string()),
                    copy_uidgid: Some(if copy_uid_gid { "true" } else { "false" }.to_string()),
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

    /// Resource usage statistics of a container: one sample (`stream == false`) or a sample
    /// every second until the stream is dropped.
    pub fn container_stats(
        &self,
        container: &str,
        stream: bool,
    ) -> Pin<Box<dyn Stream<Item = Result<ContainerStatsResponse>> + Send>> {
        let what = container_ref(container);
        let docker = self.with_timeout(NO_TIMEOUT);
        Box::pin(
            docker
                .stats(
                    container,
                    Some(StatsOptions {
                        stream,
                        one_shot: false,
                    }),
                )
                .map(move |item| {
                    item.map_err(|e| EngineError::from_bollard(&what, "read the statistics of", e))
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_mode_bit() {
        let dir = PathStat {
            mode: (1 << 31) | 0o755,
            ..Default::default()
        };
        assert!(dir.is_dir());
        let file = PathStat {
            mode: 0o644,
            ..Default::default()
        };
        assert!(!file.is_dir());
    }
}
