//! `hoist stop`: stop the running containers of the named services (all when none is named)
//! and of their dependents, dependents first. Better than Docker Compose: with `--profile X`
//! only the services of the named profiles are stopped.

use crate::cli::{GlobalOptions, StopArgs};
use crate::runtime;
use crate::Failure;
use hoist_planner::{plan_stop, LifecycleOptions};

/// Runs `hoist stop`.
pub fn run(global: &GlobalOptions, args: &StopArgs) -> Result<(), Failure> {
    let target = runtime::load_target(global)?;
    if let Some(project) = target.project() {
        runtime::check_service_names(project, &args.services)?;
    }
    runtime::block_on(async {
        let mut session = runtime::open_session(target, &[], false).await?;
        let Some(services) = runtime::profile_scope(global, &mut session, &args.services) else {
            return Ok(());
        };
        let options = LifecycleOptions {
            services,
            timeout: runtime::timeout_secs(args.timeout),
        };
        let plan = plan_stop(&session.desired, &session.observed, &options)
            .map_err(runtime::plan_failure)?;
        let cancel = runtime::cancel_on_signals();
        session.execute(global, &plan, "stop", &cancel).await?;
        Ok(())
    })
}
