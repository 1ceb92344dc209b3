//! `hoist restart`: restart the containers of the named services (all when none is named) and,
//! unless `--no-deps`, of the services depending on them, in dependency order.

use crate::cli::{GlobalOptions, RestartArgs};
use crate::runtime::{self, direct};
use crate::Failure;
use std::time::Duration;

/// Runs `hoist restart`.
pub fn run(global: &GlobalOptions, args: &RestartArgs) -> Result<(), Failure> {
    let target = runtime::load_target(global)?;
    if let Some(project) = target.project() {
        runtime::check_service_names(project, &args.services)?;
    }
    runtime::block_on(async {
        let session = runtime::open_session(target, &[], false).await?;
        let scope = if args.services.is_empty() {
            session
                .desired
                .services
                .iter()
                .map(|s| s.name.clone())
                .collect()
        } else if args.no_deps {
            args.services.iter().cloned().collect()
        } else {
            runtime::with_dependents(&session.desired, &args.services)
        };
        let grace = runtime::timeout_secs(args.timeout).map(|t| Duration::from_secs(u64::from(t)));
        let mut order = runtime::dependency_order(&session.desired);
        order.retain(|s| scope.contains(s));
        if global.dry_run {
            for service in &order {
                for c in session.state.service_containers(service) {
                    println!("Container {}  Restarting", c.name);
                }
            }
            return Ok(());
        }
        let cancel = runtime::cancel_on_signals();
        let sink = runtime::progress::sink(global, "restart");
        let engine = &session.engine;
        let mut result = Ok(());
        for service in order {
            let targets: Vec<direct::Target> = session
                .state
                .service_containers(&service)
                .map(|c| direct::Target {
                    id: c.id.clone(),
                    name: c.name.clone(),
                })
                .collect();
            result = direct::for_each(
                targets,
                runtime::parallel_limit(global),
                "Restarting",
                "Started",
                sink.as_ref(),
                &cancel,
                |id| async move { engine.restart_container(&id, grace).await },
            )
            .await;
            if result.is_err() {
                break;
            }
        }
        sink.finish();
        result
    })
}
