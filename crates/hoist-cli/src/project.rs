//! Turning global flags and the process environment into loader options, and loading.

use crate::cli::GlobalOptions;
use crate::Failure;
use hoist_loader::load::LoadContext;
use hoist_loader::options::ProjectOptions;
use std::io::{IsTerminal, Read};

/// Builds the loader's options from the global flags and the process environment.
pub fn project_options(global: &GlobalOptions) -> Result<ProjectOptions, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::new(format!("cannot read the current directory: {e}")))?;
    let os_env = std::env::vars().collect();
    let stdin = if global.files.iter().any(|f| f == "-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            Failure::new(format!(
                "cannot read the compose file from standard input: {e}"
            ))
        })?;
        Some(s)
    } else {
        None
    };
    Ok(ProjectOptions {
        files: global.files.clone(),
        project_name: global.project_name.clone(),
        project_directory: global.project_directory.clone(),
        profiles: global.profiles.clone(),
        env_files: global.env_files.clone(),
        os_env,
        cwd,
        stdin,
        all_resources: global.all_resources,
        ..ProjectOptions::default()
    })
}

/// Renders a loader error for the terminal (with a source snippet) or plainly.
pub fn load_failure(err: hoist_loader::LoadError, ctx: &LoadContext) -> Failure {
    let snippet = std::io::stderr().is_terminal();
    Failure::new(err.render(&ctx.sources, snippet))
}
