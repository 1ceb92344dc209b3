//! What a read-side command (`ps`, `logs`, `top`, …) targets: the project name (from `-p`,
//! `COMPOSE_PROJECT_NAME` or the compose file), the loaded project when a file is available,
//! and the async runtime plus engine connection the command runs on.
//!
//! Docker Compose has two rules, reproduced here: [`project_or_name`] loads the compose file
//! when files are given or no `-p` is set (falling back to `COMPOSE_PROJECT_NAME` when loading
//! fails), [`project_name`] prefers `-p`, then `COMPOSE_PROJECT_NAME`, then the file.

use crate::cli::GlobalOptions;
use crate::project::{load_failure, project_options};
use crate::Failure;
use hoist_loader::load::{self, LoadContext};
use hoist_loader::model::Project;

/// Builds the single-threaded async runtime a command runs on.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))
}

pub use crate::runtime::connect;

/// Turns an engine error into a command failure.
pub fn engine_failure(err: hoist_engine::EngineError) -> Failure {
    Failure::new(err.message)
}

fn env_project_name() -> Option<String> {
    std::env::var("COMPOSE_PROJECT_NAME")
        .ok()
        .filter(|n| !n.is_empty())
}

fn load_project(global: &GlobalOptions, services: &[String]) -> Result<Project, Failure> {
    let mut opts = project_options(global)?;
    opts.services = services.to_vec();
    opts.no_env_resolution = true;
    let mut ctx = LoadContext::default();
    load::load(&opts, &mut ctx).map_err(|e| load_failure(e, &ctx))
}

/// Docker Compose's `projectOrName`: the project (when a compose file was loaded) and its name.
pub fn project_or_name(
    global: &GlobalOptions,
    services: &[String],
) -> Result<(Option<Project>, String), Failure> {
    match &global.project_name {
        Some(name) if global.files.is_empty() && !name.is_empty() => Ok((None, name.clone())),
        _ => match load_project(global, services) {
            Ok(project) => {
                let name = project.name.clone();
                Ok((Some(project), name))
            }
            Err(failure) => match env_project_name() {
                Some(name) => Ok((None, name)),
                None => Err(failure),
            },
        },
    }
}

/// Docker Compose's `toProjectName`: `-p`, then `COMPOSE_PROJECT_NAME`, then the compose file.
pub fn project_name(global: &GlobalOptions) -> Result<String, Failure> {
    if let Some(name) = global.project_name.as_ref().filter(|n| !n.is_empty()) {
        return Ok(name.clone());
    }
    if let Some(name) = env_project_name() {
        return Ok(name);
    }
    Ok(load_project(global, &[])?.name)
}
