//! One module per subcommand; [`run`] dispatches.

mod config;
mod version;

use crate::cli::{Cli, Command};
use crate::Failure;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Version(args) => version::run(args),
        Command::Config(args) => config::run(&cli.global, args),
        other => Err(Failure::new(format!(
            "`hoist {}` is not implemented yet; this version implements: config, version",
            other.name()
        ))),
    }
}
