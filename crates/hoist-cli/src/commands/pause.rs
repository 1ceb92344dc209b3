//! `hoist pause`: pause the running containers of the named services (all when none is named).

use crate::cli::{GlobalOptions, ServicesArgs};
use crate::runtime::{self, direct};
use crate::Failure;
use hoist_engine::ContainerState;

/// Runs `hoist pause`.
pub fn run(global: &GlobalOptions, args: &ServicesArgs) -> Result<(), Failure> {
    toggle(global, args, true)
}

/// Pauses (`pause == true`) the running containers, or unpauses the paused ones.
pub fn toggle(global: &GlobalOptions, args: &ServicesArgs, pause: bool) -> Result<(), Failure> {
    let target = runtime::load_target(global)?;
    if let Some(project) = target.project() {
        runtime::check_service_names(project, &args.services)?;
    }
    runtime::block_on(async {
        let session = runtime::open_session(target, &[], false).await?;
        let from = if pause {
            ContainerState::Running
        } else {
            ContainerState::Paused
        };
        let targets: Vec<direct::Target> = session
            .state
            .containers
            .iter()
            .filter(|c| !c.oneoff && c.state == from)
            .filter(|c| {
                if args.services.is_empty() {
                    session.desired.service(&c.service).is_some()
                } else {
                    args.services.contains(&c.service)
                }
            })
            .map(|c| direct::Target {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect();
        let (working, done) = if pause {
            ("Pausing", "Paused")
        } else {
            ("Unpausing", "Unpaused")
        };
        if global.dry_run {
            for t in &targets {
                println!("Container {}  {working}", t.name);
            }
            return Ok(());
        }
        let cancel = runtime::cancel_on_signals();
        let sink = runtime::progress::sink(global, if pause { "pause" } else { "unpause" });
        let engine = &session.engine;
        let result = direct::for_each(
            targets,
            runtime::parallel_limit(global),
            working,
            done,
            sink.as_ref(),
            &cancel,
            |id| async move {
                if pause {
                    engine.pause_container(&id).await
                } else {
                    engine.unpause_container(&id).await
                }
            },
        )
        .await;
        sink.finish();
        result
    })
}
