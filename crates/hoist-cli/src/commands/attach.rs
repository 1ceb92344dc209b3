//! `hoist attach`: connects the local standard input, output and error to a running service
//! container, as `docker compose attach` does. The container's own TTY setting decides
//! between a raw terminal session and separate stdout/stderr; `--detach-keys` (engine side)
//! leaves the container running; signals are proxied to the container unless
//! `--sig-proxy=false`. Hoist exits with the container's exit code when it ends.

use crate::cli::GlobalOptions;
use crate::commands::exec::{exit_status, interrupted, service_container};
use crate::target::{connect, engine_failure, project_name};
use crate::tty::{self, ResizeTarget, Session, SessionEnd, SignalTarget};
use crate::Failure;
use clap::{ArgAction, Args};
use hoist_engine::WaitCondition;

/// `attach` arguments.
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Override the key sequence for detaching from a container (`ctrl-p,ctrl-q` style).
    #[arg(long = "detach-keys")]
    pub detach_keys: Option<String>,
    /// Index of the container if the service has several replicas (default: the first).
    #[arg(long = "index", default_value_t = 0)]
    pub index: u32,
    /// Do not attach standard input.
    #[arg(long = "no-stdin")]
    pub no_stdin: bool,
    /// Proxy all received signals to the process.
    #[arg(long = "sig-proxy", default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub sig_proxy: bool,
    /// The service.
    pub service: String,
}

/// Runs `hoist attach`.
pub fn run(global: &GlobalOptions, args: &AttachArgs) -> Result<(), Failure> {
    if let Some(keys) = &args.detach_keys {
        tty::parse_detach_keys(keys).map_err(Failure::new)?;
    }
    let project = project_name(global)?;
    crate::runtime::block_on(async {
        let engine = connect().await?;
        let container =
            service_container(&engine, &project, &args.service, args.index, false).await?;
        let id = container.id.clone().unwrap_or_default();
        let inspected = engine
            .inspect_container(&id)
            .await
            .map_err(engine_failure)?;
        let config = inspected.config.unwrap_or_default();
        let tty = config.tty.unwrap_or(false);
        let stdin = !args.no_stdin && config.open_stdin.unwrap_or(false);
        let attached = engine
            .attach_container(&id, stdin, false, args.detach_keys.as_deref())
            .await
            .map_err(engine_failure)?;
        let session = Session {
            tty,
            stdin,
            resize: if tty {
                ResizeTarget::Container(id.clone())
            } else {
                ResizeTarget::Nothing
            },
            signals: if args.sig_proxy {
                SignalTarget::Container(id.clone())
            } else {
                SignalTarget::Nothing
            },
        };
        let end = tty::drive(&engine, attached, &session)
            .await
            .map_err(Failure::new)?;
        if end == SessionEnd::Interrupted {
            return Err(interrupted());
        }
        let state = engine
            .inspect_container(&id)
            .await
            .map_err(engine_failure)?;
        let running = state
            .state
            .as_ref()
            .and_then(|s| s.running)
            .unwrap_or(false);
        if running {
            // Detached with the detach keys: the container goes on.
            return Ok(());
        }
        let code = engine
            .wait_container(&id, WaitCondition::NotRunning)
            .await
            .map_err(engine_failure)?;
        exit_status(code)
    })
}
