//! `hoist down`: stop and remove the project's containers, then its networks (and named
//! volumes with `-v`). Works without a compose file (`-p NAME`: project from labels). Never
//! removes external resources nor other projects' objects. Better than Docker Compose: with
//! `--profile X` only the services of the named profiles are touched (docker/compose#12648).

use crate::cli::{DownArgs, GlobalOptions};
use crate::runtime;
use crate::Failure;
use hoist_planner::{plan_down, DownOptions};

/// Runs `hoist down`.
pub fn run(global: &GlobalOptions, args: &DownArgs) -> Result<(), Failure> {
    if args.rmi.is_some() {
        return Err(Failure::new(
            "`down --rmi` is not implemented yet: Hoist does not manage images yet; \
             remove them with `docker image rm`",
        ));
    }
    let target = runtime::load_target(global)?;
    if let Some(project) = target.project() {
        runtime::check_service_names(project, &args.services)?;
    }
    runtime::block_on(async {
        let mut session = runtime::open_session(target, &[], false).await?;
        let restricted = !global.profiles.is_empty()
            && !global.profiles.iter().any(|p| p == "*")
            && session.project.is_some();
        let Some(services) = runtime::profile_scope(global, &mut session, &args.services) else {
            return Ok(());
        };
        if restricted {
            // Keep the networks and volumes while containers of other services remain.
            let going = runtime::with_dependents(&session.desired, &services);
            let others_remain = session
                .observed
                .containers
                .iter()
                .any(|c| !c.oneoff && !going.contains(&c.service));
            if others_remain {
                session.desired.networks.clear();
                session.desired.volumes.clear();
            }
        }
        let options = DownOptions {
            remove_volumes: args.volumes,
            remove_orphans: args.remove_orphans || runtime::env_flag("COMPOSE_REMOVE_ORPHANS"),
            services,
            timeout: runtime::timeout_secs(args.timeout),
        };
        let plan = plan_down(&session.desired, &session.observed, &options)
            .map_err(runtime::plan_failure)?;
        let cancel = runtime::cancel_on_signals();
        runtime::execute_plan(
            global,
            &session.engine,
            &plan,
            session.specs.as_ref(),
            &session.desired.name,
            "down",
            &cancel,
        )
        .await?;
        Ok(())
    })
}
