//! `hoist scale SERVICE=N...`: set the number of containers of services, creating or removing
//! replicas (highest numbers removed first) and starting the new ones.

use crate::cli::{CreateFlags, GlobalOptions, ScaleArgs};
use crate::commands::up::{converge, parse_scale};
use crate::Failure;
use hoist_planner::{Recreate, UpOptions};

/// Runs `hoist scale`.
pub fn run(global: &GlobalOptions, args: &ScaleArgs) -> Result<(), Failure> {
    let scale = parse_scale(&args.scales)?;
    let services: Vec<String> = scale.iter().map(|(s, _)| s.clone()).collect();
    let options = UpOptions {
        scale,
        no_deps: args.no_deps,
        recreate: Recreate::Diverged,
        recreate_dependencies: Recreate::Never,
        ignore_orphans: true,
        ..UpOptions::default()
    };
    converge(
        global,
        &services,
        &CreateFlags::default(),
        options,
        None,
        "scale",
    )
}
