//! `hoist start`: start the existing containers of the named services (all when none is
//! named) in dependency order, honouring `service_healthy` / `service_completed_successfully`
//! conditions; `--wait` then waits for them like `up --wait`.

use crate::cli::{GlobalOptions, StartArgs};
use crate::runtime::{self, wait::Waited};
use crate::Failure;
use hoist_planner::{plan_start, LifecycleOptions};
use std::time::Duration;

/// Runs `hoist start`.
pub fn run(global: &GlobalOptions, args: &StartArgs) -> Result<(), Failure> {
    let target = runtime::load_target(global)?;
    if let Some(project) = target.project() {
        runtime::check_service_names(project, &args.services)?;
    }
    runtime::block_on(async {
        let session = runtime::open_session(target, &[], false).await?;
        if session.state.containers.iter().all(|c| c.oneoff) && session.project.is_none() {
            return Err(Failure::new(format!(
                "no container found for project {:?}: not found",
                session.desired.name
            )));
        }
        let options = LifecycleOptions {
            services: args.services.clone(),
            timeout: None,
        };
        let plan = plan_start(&session.desired, &session.observed, &options)
            .map_err(runtime::plan_failure)?;
        let cancel = runtime::cancel_on_signals();
        session.execute(global, &plan, "start", &cancel).await?;
        if !args.wait || global.dry_run {
            return Ok(());
        }
        let waited: Vec<Waited> = match &session.project {
            Some(project) => project
                .services
                .0
                .values()
                .filter(|s| args.services.is_empty() || args.services.contains(&s.name))
                .map(|s| Waited::of(s))
                .collect(),
            None => session
                .desired
                .services
                .iter()
                .filter(|s| args.services.is_empty() || args.services.contains(&s.name))
                .map(|s| Waited {
                    name: s.name.clone(),
                    one_shot: false,
                })
                .collect(),
        };
        let sink = runtime::progress::sink(global, "start");
        runtime::wait::wait_for(
            &session.engine,
            &session.desired.name,
            &waited,
            args.wait_timeout.map(Duration::from_secs),
            &cancel,
            sink.as_ref(),
        )
        .await
    })
}
