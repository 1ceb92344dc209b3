//! One module per subcommand; [`run`] dispatches.

mod build;
mod config;
mod pull;
mod push;
mod version;

use crate::cli::{Cli, Command};
use crate::Failure;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Version(args) => version::run(args),
        Command::Config(args) => config::run(&cli.global, args),
        Command::Build(args) => build::run(&cli.global, args),
        Command::Pull(args) => pull::run(&cli.global, args),
        Command::Push(args) => push::run(&cli.global, args),
        other => Err(Failure::new(format!(
            "`hoist {}` is not implemented yet; this version implements: build, config, pull, push, version",
            other.name()
        ))),
    }
}
