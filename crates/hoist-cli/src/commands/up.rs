//! `hoist up`: create (or recreate) and start the project's containers, pulling or building
//! missing images first. Detached (`-d`), optionally waiting for them to be running/healthy
//! (`--wait`), here; attached mode (following logs until the containers exit) in
//! [`super::up_attached`].

use crate::cli::{CreateFlags, GlobalOptions, PullPolicy, UpArgs};
use crate::runtime::{self, wait::Waited};
use crate::Failure;
use hoist_engine::build::ImageDigests;
use hoist_engine::Engine;
use hoist_planner::{plan_up, Recreate, UpOptions};
use std::time::Duration;

/// Runs `hoist up`.
pub fn run(global: &GlobalOptions, args: &UpArgs) -> Result<(), Failure> {
    let cascade = super::up_attached::validate_flags(args)?;
    if args.watch {
        return Err(Failure::new("`up --watch` is not implemented yet"));
    }
    let options = UpOptions {
        start: !args.no_start,
        no_deps: args.no_deps,
        timeout: runtime::timeout_secs(args.timeout),
        inherit_volumes: !args.renew_anon_volumes,
        recreate_dependencies: if args.always_recreate_deps {
            Recreate::Force
        } else if args.create.no_recreate {
            Recreate::Never
        } else {
            Recreate::Diverged
        },
        ..create_options(&args.create)?
    };
    if !args.detach && !args.wait {
        return super::up_attached::run(global, args, options, cascade);
    }
    let wait = args
        .wait
        .then(|| args.wait_timeout.map(Duration::from_secs));
    converge(global, &args.services, &args.create, options, wait, "up")
}

/// The planner options `up` and `create` share.
pub fn create_options(flags: &CreateFlags) -> Result<UpOptions, Failure> {
    Ok(UpOptions {
        recreate: if flags.force_recreate {
            Recreate::Force
        } else if flags.no_recreate {
            Recreate::Never
        } else {
            Recreate::Diverged
        },
        recreate_dependencies: if flags.no_recreate {
            Recreate::Never
        } else {
            Recreate::Diverged
        },
        remove_orphans: flags.remove_orphans || runtime::env_flag("COMPOSE_REMOVE_ORPHANS"),
        ignore_orphans: runtime::env_flag("COMPOSE_IGNORE_ORPHANS"),
        scale: parse_scale(&flags.scale)?,
        ..UpOptions::default()
    })
}

/// Parses `SERVICE=NUM` pairs.
pub fn parse_scale(items: &[String]) -> Result<Vec<(String, u32)>, Failure> {
    items
        .iter()
        .map(|item| {
            let (service, count) = item.split_once('=').ok_or_else(|| {
                Failure::new(format!(
                    "invalid scale specifier {item:?}: expected SERVICE=NUM"
                ))
            })?;
            let count = count.trim().parse::<u32>().map_err(|_| {
                Failure::new(format!(
                    "invalid scale specifier {item:?}: {count:?} is not a number of replicas"
                ))
            })?;
            Ok((service.to_string(), count))
        })
        .collect()
}

/// Loads, plans and applies `up`/`create`/`scale`; `wait` is `Some(timeout)` for `--wait`.
pub fn converge(
    global: &GlobalOptions,
    services: &[String],
    flags: &CreateFlags,
    options: UpOptions,
    wait: Option<Option<Duration>>,
    title: &str,
) -> Result<(), Failure> {
    let project = runtime::load_project(global, services)?;
    runtime::check_service_names(&project, services)?;
    for (service, _) in &options.scale {
        if project.service(service).is_none() {
            return Err(Failure::new(format!("no such service: {service}")));
        }
    }
    runtime::block_on(async {
        let engine = runtime::connect().await?;
        let images = if global.dry_run {
            ImageDigests::new()
        } else {
            ensure_images(&engine, global, flags, &project).await
        };
        let session = runtime::open_session_on(
            engine,
            runtime::Target::Loaded(Box::new(project)),
            services,
            Some(&images),
        )
        .await?;
        let plan = plan_up(&session.desired, &session.observed, &options)
            .map_err(runtime::plan_failure)?;
        let cancel = runtime::cancel_on_signals();
        session.execute(global, &plan, title, &cancel).await?;
        let (Some(timeout), Some(project)) = (wait, session.project.as_ref()) else {
            return Ok(());
        };
        if global.dry_run || !options.start {
            return Ok(());
        }
        let waited: Vec<Waited> = project
            .services
            .0
            .values()
            .filter(|s| !options.no_deps || services.is_empty() || services.contains(&s.name))
            .filter(|s| {
                let scale = options
                    .scale
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == s.name)
                    .map_or(s.get_scale(), |(_, n)| i64::from(*n));
                scale > 0
            })
            .map(|s| Waited::of(s))
            .collect();
        let sink = runtime::progress::sink(global, title);
        runtime::wait::wait_for(
            &session.engine,
            &session.desired.name,
            &waited,
            timeout,
            &cancel,
            sink.as_ref(),
        )
        .await
    })
}

/// Pulls and builds what the selected services need before containers are created, as
/// Docker Compose does (`--build`, `--no-build`, `--pull`, `pull_policy`). Returns the local
/// image ID of each service whose image is now there (empty when that could not be told).
pub(crate) async fn ensure_images(
    engine: &Engine,
    global: &GlobalOptions,
    flags: &CreateFlags,
    project: &hoist_loader::model::Project,
) -> ImageDigests {
    ensure_images_with(
        engine,
        global,
        flags.build,
        flags.no_build,
        flags.pull,
        flags.quiet_pull,
        project,
    )
    .await
}

/// [`ensure_images`] from the individual flags (`run` has its own).
pub(crate) async fn ensure_images_with(
    engine: &Engine,
    global: &GlobalOptions,
    build: bool,
    no_build: bool,
    pull_flag: Option<PullPolicy>,
    quiet_pull: bool,
    project: &hoist_loader::model::Project,
) -> ImageDigests {
    use hoist_engine::build::{BuildPolicy, PullOption};
    let pull = match pull_flag {
        None | Some(PullPolicy::Policy) => PullOption::Policy,
        Some(PullPolicy::Always) => PullOption::Always,
        Some(PullPolicy::Missing) => PullOption::Missing,
        Some(PullPolicy::Never) | Some(PullPolicy::Build) => PullOption::Never,
    };
    let policy = BuildPolicy {
        build: build || matches!(pull_flag, Some(PullPolicy::Build)),
        no_build,
        pull,
        options: Default::default(),
        parallel: super::build::parallelism(global),
    };
    let output = super::build::ImagesOutput::new(global, quiet_pull);
    let names = project.service_names();
    // A service whose image cannot be had fails on its own when its container is created;
    // the other services still converge.
    match hoist_engine::build::ensure_images(engine, project, &names, &policy, &output).await {
        Ok(images) => images,
        Err(e) => {
            crate::print_warning(&e.message);
            ImageDigests::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_specifiers_parse() {
        assert_eq!(
            parse_scale(&["web=3".to_string()]).ok(),
            Some(vec![("web".to_string(), 3)])
        );
        assert!(parse_scale(&["web".to_string()]).is_err());
        assert!(parse_scale(&["web=x".to_string()]).is_err());
    }
}
