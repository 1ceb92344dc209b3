//! `hoist pull`: pulls service images (in parallel, bounded by `--parallel`) following Docker
//! Compose: services without `image` are skipped, `pull_policy` decides per service
//! (`missing` skips a present image unless its tag is `latest`, `never`/`build` skip, refresh
//! windows always pull on an explicit `pull`), `--policy` overrides it, and failures are fatal
//! unless `--ignore-pull-failures`.

use std::collections::HashSet;
use std::sync::Arc;

use hoist_engine::credentials::Credentials;
use hoist_engine::images::{must_pull, ImageProgress, PullPolicy};
use hoist_loader::model::ServiceConfig;
use tokio::sync::Semaphore;

use super::build::{connect, load_project, parallelism, runtime, select_services, ImagesOutput};
use crate::cli::{GlobalOptions, PullArgs};
use crate::Failure;

/// True when the reference has no tag or the `latest` tag.
fn is_latest_tag(image: &str) -> bool {
    let (_, tag) = hoist_engine::images::split_reference(image);
    tag == "latest"
}

/// Whether `pull` should pull this service's image, or why not (compose's `shouldPullImage`).
fn should_pull(
    service: &ServiceConfig,
    present: Option<&hoist_engine::images::LocalImage>,
) -> Result<(bool, &'static str), Failure> {
    if service.pull_policy.is_empty() {
        return Ok((true, ""));
    }
    let policy = PullPolicy::parse(&service.pull_policy)
        .map_err(|e| Failure::new(format!("service \"{}\": {e}", service.name)))?;
    if must_pull(policy, present) {
        return Ok((true, ""));
    }
    Ok(match policy {
        PullPolicy::Refresh(_) => (true, ""),
        PullPolicy::Missing if is_latest_tag(&service.image) => (true, ""),
        PullPolicy::Missing => (false, "Image is already present locally"),
        _ => (false, ""),
    })
}

/// Runs `hoist pull`.
pub fn run(global: &GlobalOptions, args: &PullArgs) -> Result<(), Failure> {
    let mut project = load_project(global)?;
    if let Some(policy) = &args.policy {
        if policy != "missing" && policy != "always" {
            return Err(Failure::new(format!(
                "invalid --policy \"{policy}\": use \"missing\" or \"always\""
            )));
        }
        for s in project.services.0.values_mut() {
            s.pull_policy = policy.clone();
        }
    }
    let selected = select_services(&project, &args.services, args.include_deps)?;
    let output = Arc::new(ImagesOutput::new(global, args.quiet));
    let limit = parallelism(global);
    let result = runtime()?.block_on(async {
        let engine = connect().await?;
        let credentials = Arc::new(Credentials::load().map_err(|e| Failure::new(e.message))?);
        let images: Vec<String> = selected
            .iter()
            .filter_map(|n| project.services.0.get(n))
            .filter(|s| !s.image.is_empty())
            .map(|s| s.image.clone())
            .collect();
        let local = engine
            .local_images(&images)
            .await
            .map_err(|e| Failure::new(e.message))?;
        let semaphore = Arc::new(Semaphore::new(if limit == 0 {
            Semaphore::MAX_PERMITS
        } else {
            limit
        }));
        let mut scheduled = HashSet::new();
        let mut tasks = Vec::new();
        for name in &selected {
            let Some(service) = project.services.0.get(name) else {
                continue;
            };
            if service.image.is_empty() {
                output.skipped(name, "No image to be pulled");
                continue;
            }
            let (pull, reason) = should_pull(service, local.get(&service.image))?;
            let id = format!("Image {}", service.image);
            if !pull {
                output.skipped(&id, reason);
                continue;
            }
            if service.build.is_some() && args.ignore_buildable {
                output.skipped(&id, "Image can be built");
                continue;
            }
            if global.dry_run {
                output.skipped(&id, "Pulling (dry run)");
                continue;
            }
            if !scheduled.insert(service.image.clone()) {
                continue;
            }
            let (engine, credentials, semaphore) =
                (engine.clone(), credentials.clone(), semaphore.clone());
            let sink: Arc<dyn ImageProgress> = output.clone();
            let (service_name, image, platform, buildable) = (
                service.name.clone(),
                service.image.clone(),
                service.platform.clone(),
                service.build.is_some(),
            );
            tasks.push(tokio::spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                let result = engine
                    .pull_image(&service_name, &image, &platform, &credentials, &*sink)
                    .await;
                (service_name, buildable, result)
            }));
        }
        let mut errors = Vec::new();
        let mut must_build = Vec::new();
        for task in tasks {
            match task.await {
                Ok((_, _, Ok(_))) => {}
                Ok((name, buildable, Err(e))) => {
                    if buildable {
                        must_build.push(name);
                    }
                    errors.push(e.message);
                }
                Err(e) => errors.push(format!("a pull task failed: {e}")),
            }
        }
        Ok::<_, Failure>((errors, must_build))
    });
    output.finish();
    let (errors, must_build) = result?;
    if !must_build.is_empty() {
        crate::print_warning(&format!(
            "some service image(s) must be built from source by running:\n    hoist build {}",
            must_build.join(" ")
        ));
    }
    if errors.is_empty() || args.ignore_pull_failures {
        Ok(())
    } else {
        Err(Failure::new(errors.join("\n")))
    }
}
