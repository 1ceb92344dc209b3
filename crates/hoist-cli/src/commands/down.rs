//! `hoist down`: stop and remove the project's containers, then its networks (and named
//! volumes with `-v`). Works without a compose file (`-p NAME`: project from labels). Never
//! removes external resources nor other projects' objects. Better than Docker Compose: with
//! `--profile X` only the services of the named profiles are touched (docker/compose#12648).

use crate::cli::{DownArgs, GlobalOptions, RmiMode};
use crate::runtime;
use crate::Failure;
use hoist_planner::{plan_down, DownOptions};

/// Runs `hoist down`.
pub fn run(global: &GlobalOptions, args: &DownArgs) -> Result<(), Failure> {
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
        session.execute(global, &plan, "down", &cancel).await?;
        if let (Some(mode), Some(project)) = (args.rmi, session.project.as_ref()) {
            if !global.dry_run {
                remove_images(&session.engine, project, mode).await?;
            }
        }
        Ok(())
    })
}

/// `--rmi local`: images Hoist or Docker Compose built for the project (no `image:`, or
/// labelled with the project); `--rmi all`: every service image. Missing images are skipped.
async fn remove_images(
    engine: &hoist_engine::Engine,
    project: &hoist_loader::model::Project,
    mode: RmiMode,
) -> Result<(), Failure> {
    let mut images: Vec<String> = Vec::new();
    for service in project.services.0.values() {
        let name = service.image_name_or_default(&project.name);
        let wanted = match mode {
            RmiMode::All => true,
            RmiMode::Local => {
                service.image.is_empty()
                    || match engine.inspect_image(&name).await {
                        Ok(info) => info
                            .config
                            .and_then(|c| c.labels)
                            .and_then(|l| l.get(hoist_engine::labels::PROJECT).cloned())
                            .is_some_and(|p| p == project.name),
                        Err(_) => false,
                    }
            }
        };
        if wanted && !images.contains(&name) {
            images.push(name);
        }
    }
    for image in images {
        match engine.remove_image(&image, false).await {
            Ok(()) => eprintln!(" Image {image} Removed"),
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                return Err(Failure::new(format!(
                    "cannot remove image {image}: {}",
                    e.message
                )))
            }
        }
    }
    Ok(())
}
