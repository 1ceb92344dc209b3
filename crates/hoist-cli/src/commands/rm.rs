//! `hoist rm`: remove the stopped containers of the named services (all when none is named);
//! `-s` stops running ones first, `-v` also removes their anonymous volumes, `-f` skips the
//! confirmation (asked only on a terminal).

use crate::cli::{GlobalOptions, RmArgs};
use crate::runtime::{self, direct};
use crate::Failure;
use hoist_engine::ContainerState;
use std::io::{BufRead, IsTerminal, Write};

/// Runs `hoist rm`.
pub fn run(global: &GlobalOptions, args: &RmArgs) -> Result<(), Failure> {
    let target = runtime::load_target(global)?;
    if let Some(project) = target.project() {
        runtime::check_service_names(project, &args.services)?;
    }
    runtime::block_on(async {
        let session = runtime::open_session(target, &[], false).await?;
        let wanted = |service: &str| {
            if args.services.is_empty() {
                session.desired.service(service).is_some()
            } else {
                args.services.iter().any(|s| s == service)
            }
        };
        let containers: Vec<_> = session
            .state
            .containers
            .iter()
            .filter(|c| !c.oneoff && wanted(&c.service))
            .collect();
        let running: Vec<direct::Target> = containers
            .iter()
            .filter(|c| {
                matches!(
                    c.state,
                    ContainerState::Running | ContainerState::Restarting | ContainerState::Paused
                )
            })
            .map(|c| direct::Target {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect();
        let removable: Vec<direct::Target> = containers
            .iter()
            .filter(|c| {
                args.stop
                    || !matches!(
                        c.state,
                        ContainerState::Running
                            | ContainerState::Restarting
                            | ContainerState::Paused
                    )
            })
            .map(|c| direct::Target {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect();
        if removable.is_empty() {
            eprintln!("No stopped containers");
            return Ok(());
        }
        let names: Vec<&str> = removable.iter().map(|t| t.name.as_str()).collect();
        if global.dry_run {
            for name in names {
                println!("Container {name}  Removing");
            }
            return Ok(());
        }
        eprintln!("Going to remove {}", names.join(", "));
        if !args.force && std::io::stdin().is_terminal() {
            eprint!("? Are you sure? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                return Ok(());
            }
        }
        let cancel = runtime::cancel_on_signals();
        let sink = runtime::progress::sink(global, "rm");
        let engine = &session.engine;
        let limit = runtime::parallel_limit(global);
        if args.stop && !running.is_empty() {
            let stopped = direct::for_each(
                running,
                limit,
                "Stopping",
                "Stopped",
                sink.as_ref(),
                &cancel,
                |id| async move { engine.stop_container(&id, None).await },
            )
            .await;
            if let Err(e) = stopped {
                sink.finish();
                return Err(e);
            }
        }
        let volumes = args.volumes;
        let removed = direct::for_each(
            removable,
            limit,
            "Removing",
            "Removed",
            sink.as_ref(),
            &cancel,
            |id| async move { engine.remove_container(&id, true, volumes).await },
        )
        .await;
        sink.finish();
        removed
    })
}
