//! `hoist exec`: runs a command in a running service container, as `docker compose exec`
//! does — a TTY by default when the local side is a terminal (`-T` disables it), standard
//! input piped through otherwise, `-d` to start it in the background, and the command's exit
//! code as Hoist's exit code.
//!
//! Also holds the service-container lookup shared with `attach`, `cp` and `stats`.

use crate::cli::GlobalOptions;
use crate::target::{connect, engine_failure, project_name};
use crate::tty::{self, ResizeTarget, Session, SessionEnd, SignalTarget};
use crate::Failure;
use clap::Args;
use hoist_engine::bollard::models::ContainerSummary;
use hoist_engine::interactive::InteractiveExec;
use hoist_engine::{labels, Engine};

/// `exec` arguments.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Detached mode: run the command in the background.
    #[arg(short = 'd', long = "detach")]
    pub detach: bool,
    /// Set environment variables (`KEY=value`, or `KEY` to take it from the environment).
    #[arg(short = 'e', long = "env", value_name = "KEY=VAL")]
    pub env: Vec<String>,
    /// Index of the container if the service has several replicas (default: the first).
    #[arg(long = "index", default_value_t = 0)]
    pub index: u32,
    /// Give extended privileges to the process.
    #[arg(long = "privileged")]
    pub privileged: bool,
    /// Run the command as this user.
    #[arg(short = 'u', long = "user")]
    pub user: Option<String>,
    /// Disable pseudo-TTY allocation (the default when standard output is not a terminal).
    #[arg(short = 'T', long = "no-tty", alias = "no-TTY")]
    pub no_tty: bool,
    /// Path to the working directory for the command.
    #[arg(short = 'w', long = "workdir")]
    pub workdir: Option<String>,
    /// Keep standard input open (always on; accepted for compatibility).
    #[arg(short = 'i', long = "interactive", hide = true)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY (the default; accepted for compatibility).
    #[arg(short = 't', long = "tty", hide = true)]
    pub tty: bool,
    /// The service.
    pub service: String,
    /// The command and its arguments.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

/// Resolves `-e KEY` (no `=`) from the environment; keeps `KEY=value` as is. An unset bare
/// key is passed on bare (the engine then leaves it unset).
pub fn resolve_env(items: &[String]) -> Vec<String> {
    resolve_env_with(items, &|key| std::env::var(key).ok())
}

/// [`resolve_env`] with another lookup (`run` looks in the project's environment, which
/// includes the `.env` file).
pub fn resolve_env_with(items: &[String], lookup: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    items
        .iter()
        .map(|item| {
            if item.contains('=') {
                item.clone()
            } else {
                match lookup(item) {
                    Some(value) => format!("{item}={value}"),
                    None => item.clone(),
                }
            }
        })
        .collect()
}

fn number_of(c: &ContainerSummary) -> i64 {
    c.labels
        .as_ref()
        .and_then(|l| l.get(labels::CONTAINER_NUMBER))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn is_oneoff(c: &ContainerSummary) -> bool {
    c.labels
        .as_ref()
        .and_then(|l| l.get(labels::ONEOFF))
        .is_some_and(|v| v == "True")
}

/// Sorts service containers as Docker Compose picks them: by replica number, one-off
/// containers last.
pub fn sort_candidates(containers: &mut [ContainerSummary]) {
    containers.sort_by_key(|c| (is_oneoff(c), number_of(c)));
}

/// The container of `service` that a command targets: replica `index` (1-based; 0 = the
/// first one), running unless `all`. Errors as Docker Compose words them.
pub async fn service_container(
    engine: &Engine,
    project: &str,
    service: &str,
    index: u32,
    all: bool,
) -> Result<ContainerSummary, Failure> {
    let mut filters = vec![
        format!("{}={project}", labels::PROJECT),
        format!("{}={service}", labels::SERVICE),
    ];
    if index > 0 {
        filters.push(format!("{}={index}", labels::CONTAINER_NUMBER));
    }
    let mut containers = engine
        .list_containers_by_labels(&filters)
        .await
        .map_err(engine_failure)?;
    if !all {
        containers
            .retain(|c| c.state.as_ref().map(|s| s.to_string()).as_deref() == Some("running"));
    }
    sort_candidates(&mut containers);
    match containers.into_iter().next() {
        Some(c) => Ok(c),
        None if index > 0 => Err(Failure::new(format!(
            "service \"{service}\" is not running container #{index}"
        ))),
        None => Err(Failure::new(format!(
            "service \"{service}\" is not running"
        ))),
    }
}

/// The failure carrying a command's exit status (nothing more is printed).
pub fn exit_status(code: i64) -> Result<(), Failure> {
    if code == 0 {
        return Ok(());
    }
    let code = u8::try_from(code.clamp(0, 255)).unwrap_or(1);
    Err(Failure {
        message: String::new(),
        code: if code == 0 { 1 } else { code },
    })
}

/// The failure of a session left with a second SIGINT/SIGTERM (exit status 130).
pub fn interrupted() -> Failure {
    Failure {
        message: String::new(),
        code: crate::runtime::INTERRUPTED_EXIT_CODE,
    }
}

/// Runs `hoist exec`.
pub fn run(global: &GlobalOptions, args: &ExecArgs) -> Result<(), Failure> {
    let project = project_name(global)?;
    let tty = !args.no_tty && !args.detach && tty::is_interactive_terminal();
    let request = InteractiveExec {
        cmd: args.command.clone(),
        user: args.user.clone(),
        env: resolve_env(&args.env),
        working_dir: args.workdir.clone(),
        privileged: args.privileged,
        tty,
        stdin: !args.detach,
        attach_output: !args.detach,
        detach_keys: None,
    };
    crate::runtime::block_on(async {
        let engine = connect().await?;
        let container =
            service_container(&engine, &project, &args.service, args.index, false).await?;
        let id = container.id.clone().unwrap_or_default();
        let exec_id = engine
            .create_interactive_exec(&id, &request)
            .await
            .map_err(engine_failure)?;
        if args.detach {
            return engine
                .start_exec_detached(&exec_id)
                .await
                .map_err(engine_failure);
        }
        let attached = engine
            .start_exec_attached(&exec_id, tty)
            .await
            .map_err(engine_failure)?;
        let session = Session {
            tty,
            stdin: true,
            resize: if tty {
                ResizeTarget::Exec(exec_id.clone())
            } else {
                ResizeTarget::Nothing
            },
            signals: SignalTarget::Exec(exec_id.clone()),
        };
        let end = tty::drive(&engine, attached, &session)
            .await
            .map_err(Failure::new)?;
        if end == SessionEnd::Interrupted {
            return Err(interrupted());
        }
        // The output may close a moment before the engine records the exit code.
        for _ in 0..50 {
            match engine
                .exec_exit_code(&exec_id)
                .await
                .map_err(engine_failure)?
            {
                Some(code) => return exit_status(code),
                None => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
        // Still running: the session was detached with the detach keys.
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn summary(number: &str, oneoff: bool) -> ContainerSummary {
        ContainerSummary {
            id: Some(format!("{number}{oneoff}")),
            labels: Some(HashMap::from([
                (labels::CONTAINER_NUMBER.to_string(), number.to_string()),
                (
                    labels::ONEOFF.to_string(),
                    if oneoff { "True" } else { "False" }.to_string(),
                ),
            ])),
            ..Default::default()
        }
    }

    #[test]
    fn replicas_sort_by_number_with_oneoffs_last() {
        let mut list = vec![summary("3", false), summary("1", true), summary("2", false)];
        sort_candidates(&mut list);
        let ids: Vec<_> = list
            .iter()
            .map(|c| c.id.clone().unwrap_or_default())
            .collect();
        assert_eq!(ids, vec!["2false", "3false", "1true"]);
    }

    #[test]
    fn exit_codes_map_to_failures() {
        assert!(exit_status(0).is_ok());
        assert_eq!(exit_status(3).err().map(|f| f.code), Some(3));
        assert_eq!(exit_status(137).err().map(|f| f.code), Some(137));
        assert_eq!(exit_status(300).err().map(|f| f.code), Some(255));
    }

    #[test]
    fn bare_env_keys_resolve_from_the_environment() {
        let out = resolve_env(&["A=1".to_string(), "PATH".to_string()]);
        assert_eq!(out[0], "A=1");
        assert!(out[1].starts_with("PATH="));
    }
}
