//! `hoist kill`: send a signal (default SIGKILL) to the running containers of the named
//! services (all when none is named); `--remove-orphans` also removes orphaned containers.

use crate::cli::{GlobalOptions, KillArgs};
use crate::runtime::{self, direct};
use crate::Failure;
use hoist_engine::ContainerState;

/// Runs `hoist kill`.
pub fn run(global: &GlobalOptions, args: &KillArgs) -> Result<(), Failure> {
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
        let targets: Vec<direct::Target> = session
            .state
            .containers
            .iter()
            .filter(|c| !c.oneoff && wanted(&c.service))
            .filter(|c| {
                matches!(
                    c.state,
                    ContainerState::Running | ContainerState::Restarting
                )
            })
            .map(|c| direct::Target {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect();
        let orphans: Vec<direct::Target> = if args.remove_orphans {
            session
                .state
                .containers
                .iter()
                .filter(|c| !c.oneoff && !session.desired.knows_service(&c.service))
                .map(|c| direct::Target {
                    id: c.id.clone(),
                    name: c.name.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        if global.dry_run {
            for t in &targets {
                println!("Container {}  Killing", t.name);
            }
            for t in &orphans {
                println!("Container {}  Removing", t.name);
            }
            return Ok(());
        }
        let cancel = runtime::cancel_on_signals();
        let sink = runtime::progress::sink(global, "kill");
        let engine = &session.engine;
        let limit = runtime::parallel_limit(global);
        let signal = args.signal.as_str();
        let mut result = direct::for_each(
            targets,
            limit,
            "Killing",
            "Killed",
            sink.as_ref(),
            &cancel,
            |id| async move { engine.kill_container(&id, signal).await },
        )
        .await;
        if result.is_ok() && !orphans.is_empty() {
            result = direct::for_each(
                orphans,
                limit,
                "Removing",
                "Removed",
                sink.as_ref(),
                &cancel,
                |id| async move { engine.remove_container(&id, true, false).await },
            )
            .await;
        }
        sink.finish();
        result
    })
}
