//! Attached `hoist up` (without `-d`): creates the project's containers, prints
//! `Attaching to a-1, b-1`, starts them while following their output through
//! [`crate::logmux::attach_and_follow`], and ends when every attached container has exited.
//!
//! Sits after flag validation in [`super::up::run`]; the phases are: plan and apply `up`
//! without starting (progress on stderr) → list the attached containers → start following →
//! plan and apply `start` → react to container exits and signals until the followed
//! containers are all gone.
//!
//! Exit handling, as Docker Compose:
//! - `--abort-on-container-exit`: the first exit of a followed container stops the selected
//!   services; `--abort-on-container-failure` reacts to non-zero exits only;
//!   `--exit-code-from SVC` implies the former and makes the status SVC's first exit code
//!   (otherwise the status is the aborting container's code);
//! - first SIGINT/SIGTERM: `Gracefully Stopping... press Ctrl+C again to force` on stderr and a
//!   graceful stop (`stop_grace_period` or `-t`) of the selected services; a second one kills
//!   them; the exit status is then 130.
//!
//! Differences from Docker Compose: prefixes are aligned to every attached name from the
//! first line (Docker Compose pads to the names seen so far); with `--attach-dependencies`
//! the dependencies' exits are printed and also awaited; after a Ctrl-C or an abort, `up`
//! ends once the stop is done even if a container was created but never started.

use crate::cli::{GlobalOptions, Progress, UpArgs};
use crate::logmux::{self, AttachOptions, ContainerExit, LogPrinter};
use crate::runtime::{self, INTERRUPTED_EXIT_CODE};
use crate::Failure;
use hoist_engine::Engine;
use hoist_executor::CancelToken;
use hoist_loader::model::Project;
use hoist_planner::{plan_start, plan_stop, plan_up, DesiredProject, LifecycleOptions, UpOptions};
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::sync::mpsc;

/// What happens when a followed container exits (Docker Compose's `OnExit` cascade).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cascade {
    /// Keep going until every followed container has exited.
    Ignore,
    /// `--abort-on-container-exit` (or `--exit-code-from`): any exit stops everything.
    Stop,
    /// `--abort-on-container-failure`: a non-zero exit stops everything.
    Fail,
}

/// Checks the flag combinations exactly as Docker Compose words them and returns the exit
/// cascade. `--wait` makes `up` detached (handled by the caller).
pub fn validate_flags(args: &UpArgs) -> Result<Cascade, Failure> {
    let cascade_fail = args.abort_on_container_failure;
    let cascade_stop =
        args.abort_on_container_exit || (args.exit_code_from.is_some() && !cascade_fail);
    if cascade_stop && cascade_fail {
        return Err(Failure::new(
            "--abort-on-container-failure cannot be combined with --abort-on-container-exit",
        ));
    }
    if args.wait && (args.attach_dependencies || cascade_stop || !args.attach.is_empty()) {
        return Err(Failure::new(
            "--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies",
        ));
    }
    let detach = args.detach || args.wait;
    if detach
        && (args.attach_dependencies
            || cascade_stop
            || cascade_fail
            || !args.attach.is_empty()
            || args.watch)
    {
        let flag = if args.wait { "--wait" } else { "--detach" };
        return Err(Failure::new(format!(
            "{flag} cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch"
        )));
    }
    Ok(if cascade_stop {
        Cascade::Stop
    } else if cascade_fail {
        Cascade::Fail
    } else {
        Cascade::Ignore
    })
}

/// The services whose output is shown: `--attach` as given (each must be part of `up`),
/// otherwise the selected services (all when none is named; plus their dependencies with
/// `--attach-dependencies`) without `attach: false` ones; minus `--no-attach`. Sorted.
pub fn attach_set(project: &Project, args: &UpArgs) -> Result<Vec<String>, Failure> {
    let known: BTreeSet<&str> = project.services.0.keys().map(String::as_str).collect();
    let mut set: BTreeSet<String> = if !args.attach.is_empty() {
        let unknown: BTreeSet<&str> = args
            .attach
            .iter()
            .map(String::as_str)
            .filter(|s| !known.contains(s))
            .collect();
        if !unknown.is_empty() {
            return Err(Failure::new(format!(
                "cannot attach to services not included in up: {}",
                unknown.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
        args.attach.iter().cloned().collect()
    } else {
        let mut chosen: BTreeSet<String> = if args.services.is_empty() {
            known.iter().map(|s| s.to_string()).collect()
        } else {
            args.services.iter().cloned().collect()
        };
        if args.attach_dependencies && !args.services.is_empty() {
            chosen = with_dependencies(project, &chosen);
        }
        chosen
            .into_iter()
            .filter(|name| {
                project
                    .service(name)
                    .is_some_and(|s| s.attach != Some(false))
            })
            .collect()
    };
    for name in &args.no_attach {
        set.remove(name);
    }
    Ok(set.into_iter().collect())
}

/// `roots` plus every service they (transitively) depend on.
fn with_dependencies(project: &Project, roots: &BTreeSet<String>) -> BTreeSet<String> {
    let mut set = roots.clone();
    let mut pending: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        let Some(service) = project.service(&name) else {
            continue;
        };
        for dependency in service.depends_on.0.keys() {
            if set.insert(dependency.clone()) {
                pending.push(dependency.clone());
            }
        }
    }
    set
}

/// The global options for the phases that run while logs are printed (start, stop): a live
/// terminal view would redraw over the log lines, so it becomes one line per event.
fn line_progress(global: &GlobalOptions) -> GlobalOptions {
    use std::io::IsTerminal;
    let mut global = global.clone();
    let mode = runtime::progress::mode(
        global.progress,
        global.ansi,
        std::io::stderr().is_terminal(),
    );
    if mode == runtime::progress::Mode::Tty {
        global.progress = Some(Progress::Plain);
    }
    global
}

/// Converts an engine exit code to a process exit status (low 8 bits, as a shell does).
fn exit_status(code: i64) -> u8 {
    (code.rem_euclid(256)) as u8
}

/// Signals (SIGINT/SIGTERM) as a stream of notifications; `first` is cancelled on the first.
fn watch_signals(first: CancelToken) -> mpsc::UnboundedReceiver<()> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut int), Ok(mut term)) = (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) else {
                return;
            };
            loop {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                first.cancel();
                if tx.send(()).is_err() {
                    return;
                }
            }
        }
        #[cfg(not(unix))]
        loop {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            first.cancel();
            if tx.send(()).is_err() {
                return;
            }
        }
    });
    rx
}

/// Runs attached `up` (flags already validated; `options` are `up`'s planner options).
pub fn run(
    global: &GlobalOptions,
    args: &UpArgs,
    options: UpOptions,
    cascade: Cascade,
) -> Result<(), Failure> {
    let project = runtime::load_project(global, &args.services)?;
    runtime::check_service_names(&project, &args.services)?;
    for (service, _) in &options.scale {
        if project.service(service).is_none() {
            return Err(Failure::new(format!("no such service: {service}")));
        }
    }
    if let Some(service) = &args.exit_code_from {
        if project.service(service).is_none() {
            return Err(Failure::new(format!("no such service: {service}")));
        }
    }
    if !args.attach.is_empty() && args.attach_dependencies {
        return Err(Failure::new(
            "cannot combine --attach and --attach-dependencies",
        ));
    }
    let attached = attach_set(&project, args)?;
    runtime::block_on(async move {
        let first_signal = CancelToken::new();
        let mut signals = watch_signals(first_signal.clone());
        let engine = runtime::connect().await?;
        let images = if global.dry_run {
            Default::default()
        } else {
            super::up::ensure_images(&engine, global, &args.create, &project).await
        };
        let session = runtime::open_session_on(
            engine,
            runtime::Target::Loaded(Box::new(project)),
            &args.services,
            Some(&images),
        )
        .await?;
        let create = UpOptions {
            start: false,
            ..options.clone()
        };
        let plan =
            plan_up(&session.desired, &session.observed, &create).map_err(runtime::plan_failure)?;
        session.execute(global, &plan, "up", &first_signal).await?;
        if global.dry_run {
            println!(
                "end of 'compose up' output, interactive run is not supported in dry-run mode"
            );
            return Ok(());
        }
        if !options.start {
            return Ok(());
        }
        let engine = session.engine.clone();
        let name = session.desired.name.clone();
        // With nothing attached, Docker Compose still waits for the whole application.
        let (followed, printer) = if attached.is_empty() {
            (
                Vec::new(),
                LogPrinter::with_writers(
                    Box::new(std::io::sink()),
                    Box::new(std::io::sink()),
                    false,
                    false,
                ),
            )
        } else {
            (
                attached.clone(),
                LogPrinter::stdio(
                    super::logs::use_color(global, args.no_color),
                    !args.no_log_prefix,
                ),
            )
        };
        if !attached.is_empty() {
            let listed = logmux::list_sources(&engine, &name, &attached, true).await?;
            if !listed.is_empty() {
                let names: Vec<&str> = listed.iter().map(|l| l.source.name.as_str()).collect();
                println!("Attaching to {}", names.join(", "));
            }
        }
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let (exit_tx, mut exits) = mpsc::unbounded_channel::<ContainerExit>();
        let follow_cancel = CancelToken::new();
        let mut follower = {
            let engine = engine.clone();
            let name = name.clone();
            let cancel = follow_cancel.clone();
            let options = AttachOptions {
                timestamps: args.timestamps,
                since: Some(since),
                exits: Some(exit_tx),
            };
            tokio::spawn(async move {
                logmux::attach_and_follow(&engine, &name, &followed, printer, options, cancel).await
            })
        };

        // Start the containers (dependency order and conditions as `start`).
        let (_, observed) = runtime::observed::observe(&engine, &session.desired).await?;
        let start_options = LifecycleOptions {
            services: if options.no_deps {
                args.services.clone()
            } else {
                Vec::new()
            },
            timeout: None,
        };
        let attached_global = line_progress(global);
        let started = match plan_start(&session.desired, &observed, &start_options) {
            Ok(plan) => {
                runtime::execute_plan(
                    &attached_global,
                    &engine,
                    &plan,
                    session.specs.as_ref(),
                    &name,
                    "up",
                    &first_signal,
                )
                .await
            }
            Err(e) => Err(runtime::plan_failure(e)),
        };
        if let Err(failure) = started {
            if failure.code != INTERRUPTED_EXIT_CODE {
                follow_cancel.cancel();
                let _ = follower.await;
                return Err(failure);
            }
            // Interrupted while starting: the queued signal triggers the graceful stop below.
        }

        let stopper = Stopper {
            global: attached_global.clone(),
            engine: engine.clone(),
            desired: session.desired.clone(),
            services: args.services.clone(),
            timeout: runtime::timeout_secs(args.timeout),
        };
        let mut exit_code: Option<i64> = None;
        let mut exit_code_from_seen = false;
        let mut aborted = false;
        let mut interrupted = false;
        let mut killed = false;
        let mut stopping: Vec<tokio::task::JoinHandle<Result<(), Failure>>> = Vec::new();
        let stop_cancel = CancelToken::new();
        let mut kill_deadline: Option<tokio::time::Instant> = None;
        let follow_result = loop {
            let deadline = kill_deadline;
            tokio::select! {
                done = &mut follower => {
                    break match done {
                        Ok(result) => result,
                        Err(e) => Err(Failure::new(format!("log follower failed: {e}"))),
                    };
                }
                Some(exit) = exits.recv() => {
                    if let Some(service) = &args.exit_code_from {
                        if !exit_code_from_seen && &exit.service == service {
                            exit_code_from_seen = true;
                            exit_code = Some(exit.exit_code);
                        }
                    }
                    let triggers = match cascade {
                        Cascade::Ignore => false,
                        Cascade::Stop => true,
                        Cascade::Fail => exit.exit_code != 0,
                    };
                    if triggers && !aborted && !interrupted {
                        aborted = true;
                        if !exit_code_from_seen || args.exit_code_from.is_none() {
                            exit_code = Some(exit.exit_code);
                        }
                        eprintln!("Aborting on container exit...");
                        let stop = stopper.spawn_stop(stop_cancel.clone(), follow_cancel.clone());
                        stopping.push(stop);
                    }
                }
                Some(()) = signals.recv() => {
                    if !interrupted {
                        interrupted = true;
                        eprintln!("Gracefully Stopping... press Ctrl+C again to force");
                        let stop = stopper.spawn_stop(stop_cancel.clone(), follow_cancel.clone());
                        stopping.push(stop);
                    } else if !killed {
                        killed = true;
                        stop_cancel.cancel();
                        stopping.push(stopper.spawn_kill());
                        kill_deadline =
                            Some(tokio::time::Instant::now() + Duration::from_secs(15));
                    }
                }
                _ = async {
                    match deadline {
                        Some(d) => tokio::time::sleep_until(d).await,
                        None => std::future::pending::<()>().await,
                    }
                } => {
                    // Killed containers should be gone by now; stop following regardless.
                    follow_cancel.cancel();
                }
            }
        };
        let mut stop_result = Ok(());
        for handle in stopping {
            match handle.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) if stop_result.is_ok() && !killed => stop_result = Err(e),
                Ok(Err(_)) => {}
                Err(e) => stop_result = Err(Failure::new(format!("stop task failed: {e}"))),
            }
        }
        if interrupted {
            return Err(Failure {
                message: String::new(),
                code: INTERRUPTED_EXIT_CODE,
            });
        }
        follow_result?;
        stop_result?;
        match exit_code.map(exit_status) {
            Some(code) if code != 0 => Err(Failure {
                message: String::new(),
                code,
            }),
            _ => Ok(()),
        }
    })
}

/// Stops or kills the selected services in the background (Ctrl-C and aborts).
struct Stopper {
    global: GlobalOptions,
    engine: Engine,
    desired: DesiredProject,
    services: Vec<String>,
    timeout: Option<u32>,
}

impl Stopper {
    /// Graceful stop: `stop` of the selected services (their dependents first). Once done,
    /// following ends after a short drain: a container that was created but never started
    /// (e.g. waiting for an unhealthy dependency) must not keep `up` alive.
    fn spawn_stop(
        &self,
        cancel: CancelToken,
        follow_cancel: CancelToken,
    ) -> tokio::task::JoinHandle<Result<(), Failure>> {
        let global = self.global.clone();
        let engine = self.engine.clone();
        let desired = self.desired.clone();
        let options = LifecycleOptions {
            services: self.services.clone(),
            timeout: self.timeout,
        };
        tokio::spawn(async move {
            let stopped = async {
                let (_, observed) = runtime::observed::observe(&engine, &desired).await?;
                let plan =
                    plan_stop(&desired, &observed, &options).map_err(runtime::plan_failure)?;
                runtime::execute_plan(
                    &global,
                    &engine,
                    &plan,
                    &runtime::specs::NoSpecs,
                    &desired.name,
                    "stop",
                    &cancel,
                )
                .await
                .map(|_| ())
            }
            .await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            follow_cancel.cancel();
            stopped
        })
    }

    /// Second Ctrl-C: SIGKILL to every running container of the selected services.
    fn spawn_kill(&self) -> tokio::task::JoinHandle<Result<(), Failure>> {
        let engine = self.engine.clone();
        let desired = self.desired.clone();
        let services = self.services.clone();
        tokio::spawn(async move {
            let scope: Vec<String> = if services.is_empty() {
                desired.services.iter().map(|s| s.name.clone()).collect()
            } else {
                runtime::with_dependents(&desired, &services)
                    .into_iter()
                    .collect()
            };
            let listed = logmux::list_sources(&engine, &desired.name, &scope, false).await?;
            let kills = listed.iter().map(|l| {
                let engine = engine.clone();
                let id = l.source.id.clone();
                async move { engine.kill_container(&id, "SIGKILL").await }
            });
            // Failures mean the container already stopped or was removed: nothing to report.
            let _ = futures_util::future::join_all(kills).await;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(f: impl FnOnce(&mut UpArgs)) -> UpArgs {
        let mut a = UpArgs::default();
        f(&mut a);
        a
    }

    #[test]
    fn flag_conflicts_are_worded_as_docker_compose() {
        let err = |a: UpArgs| validate_flags(&a).err().map(|f| f.message);
        assert_eq!(
            err(args(|a| {
                a.detach = true;
                a.abort_on_container_exit = true;
            })),
            Some("--detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch".to_string())
        );
        assert_eq!(
            err(args(|a| {
                a.detach = true;
                a.abort_on_container_failure = true;
            })),
            Some("--detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch".to_string())
        );
        assert_eq!(
            err(args(|a| {
                a.abort_on_container_exit = true;
                a.abort_on_container_failure = true;
            })),
            Some(
                "--abort-on-container-failure cannot be combined with --abort-on-container-exit"
                    .to_string()
            )
        );
        assert_eq!(
            err(args(|a| {
                a.wait = true;
                a.exit_code_from = Some("a".into());
            })),
            Some("--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies".to_string())
        );
        assert_eq!(
            err(args(|a| {
                a.wait = true;
                a.abort_on_container_failure = true;
            })),
            Some("--wait cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch".to_string())
        );
        assert_eq!(
            validate_flags(&args(|a| a.exit_code_from = Some("a".into()))).ok(),
            Some(Cascade::Stop)
        );
        assert_eq!(
            validate_flags(&args(|a| {
                a.exit_code_from = Some("a".into());
                a.abort_on_container_failure = true;
            }))
            .ok(),
            Some(Cascade::Fail)
        );
        assert_eq!(validate_flags(&args(|_| {})).ok(), Some(Cascade::Ignore));
        assert_eq!(
            validate_flags(&args(|a| a.detach = true)).ok(),
            Some(Cascade::Ignore)
        );
    }

    #[test]
    fn exit_statuses_keep_the_low_byte() {
        assert_eq!(exit_status(3), 3);
        assert_eq!(exit_status(137), 137);
        assert_eq!(exit_status(256), 0);
        assert_eq!(exit_status(-1), 255);
    }
}
