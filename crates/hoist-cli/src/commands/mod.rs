//! One module per subcommand; [`run`] dispatches.

mod config;
mod events;
mod images;
mod logs;
mod ls;
mod port;
pub mod ps;
mod top;
mod version;
mod wait;

use crate::cli::{Cli, Command};
use crate::Failure;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Version(args) => version::run(args),
        Command::Config(args) => config::run(&cli.global, args),
        Command::Ps(args) => ps::run(&cli.global, args),
        Command::Ls(args) => ls::run(&cli.global, args),
        Command::Logs(args) => logs::run(&cli.global, args),
        Command::Top(args) => top::run(&cli.global, args),
        Command::Port(args) => port::run(&cli.global, args),
        Command::Images(args) => images::run(&cli.global, args),
        Command::Events(args) => events::run(&cli.global, args),
        Command::Wait(args) => wait::run(&cli.global, args),
        other => Err(Failure::new(format!(
            "`hoist {}` is not implemented yet; this version implements: config, version",
            other.name()
        ))),
    }
}
