//! `hoist push`: pushes the images of services that have both `build` and `image` (Docker
//! Compose skips the others), with the user's registry credentials; failures are fatal
//! unless `--ignore-push-failures`.

use std::sync::Arc;

use hoist_engine::credentials::Credentials;
use hoist_engine::images::ImageProgress;

use super::build::{connect, load_project, parallelism, runtime, select_services, ImagesOutput};
use crate::cli::{GlobalOptions, PushArgs};
use crate::Failure;

/// Runs `hoist push`.
pub fn run(global: &GlobalOptions, args: &PushArgs) -> Result<(), Failure> {
    let project = load_project(global)?;
    let selected = select_services(&project, &args.services, args.include_deps)?;
    let output = Arc::new(ImagesOutput::new(global, args.quiet));
    let limit = parallelism(global);
    let result = runtime()?.block_on(async {
        let engine = connect().await?;
        let credentials = Arc::new(Credentials::load().map_err(|e| Failure::new(e.message))?);
        let semaphore = Arc::new(tokio::sync::Semaphore::new(if limit == 0 {
            tokio::sync::Semaphore::MAX_PERMITS
        } else {
            limit
        }));
        let mut tasks = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for name in &selected {
            let Some(service) = project.services.0.get(name) else {
                continue;
            };
            if service.build.is_none() || service.image.is_empty() {
                output.skipped(name, "");
                continue;
            }
            let mut references = vec![service.image.clone()];
            if let Some(b) = &service.build {
                references.extend(b.tags.iter().cloned());
            }
            for image in references {
                if !seen.insert(image.clone()) {
                    continue;
                }
                if global.dry_run {
                    output.skipped(&format!("Image {image}"), "Pushing (dry run)");
                    continue;
                }
                let (engine, credentials, semaphore) =
                    (engine.clone(), credentials.clone(), semaphore.clone());
                let sink: Arc<dyn ImageProgress> = output.clone();
                let service_name = service.name.clone();
                tasks.push(tokio::spawn(async move {
                    let _permit = semaphore.acquire_owned().await;
                    engine
                        .push_image(&service_name, &image, &credentials, &*sink)
                        .await
                }));
            }
        }
        let mut errors = Vec::new();
        for task in tasks {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => errors.push(e.message),
                Err(e) => errors.push(format!("a push task failed: {e}")),
            }
        }
        Ok::<_, Failure>(errors)
    });
    output.finish();
    let errors = result?;
    if errors.is_empty() || args.ignore_push_failures {
        Ok(())
    } else {
        Err(Failure::new(errors.join("\n")))
    }
}
