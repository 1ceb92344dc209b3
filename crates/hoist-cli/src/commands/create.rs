//! `hoist create`: create the project's containers (and networks, volumes) without starting
//! them — `up --no-start` with `create`'s flags.

use crate::cli::{CreateArgs, GlobalOptions};
use crate::commands::up::{converge, create_options};
use crate::Failure;
use hoist_planner::UpOptions;

/// Runs `hoist create`.
pub fn run(global: &GlobalOptions, args: &CreateArgs) -> Result<(), Failure> {
    let options = UpOptions {
        start: false,
        ..create_options(&args.create)?
    };
    converge(
        global,
        &args.services,
        &args.create,
        options,
        None,
        "create",
    )
}
