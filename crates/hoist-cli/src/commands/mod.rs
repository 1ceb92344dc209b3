//! One module per subcommand; [`run`] dispatches.

mod config;
mod create;
mod down;
mod kill;
mod pause;
mod restart;
mod rm;
mod scale;
mod start;
mod stop;
mod unpause;
mod up;
mod version;

use crate::cli::{Cli, Command};
use crate::Failure;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Version(args) => version::run(args),
        Command::Config(args) => config::run(&cli.global, args),
        Command::Up(args) => up::run(&cli.global, args),
        Command::Down(args) => down::run(&cli.global, args),
        Command::Create(args) => create::run(&cli.global, args),
        Command::Start(args) => start::run(&cli.global, args),
        Command::Stop(args) => stop::run(&cli.global, args),
        Command::Restart(args) => restart::run(&cli.global, args),
        Command::Rm(args) => rm::run(&cli.global, args),
        Command::Kill(args) => kill::run(&cli.global, args),
        Command::Pause(args) => pause::run(&cli.global, args),
        Command::Unpause(args) => unpause::run(&cli.global, args),
        Command::Scale(args) => scale::run(&cli.global, args),
        other => Err(Failure::new(format!(
            "`hoist {}` is not implemented yet",
            other.name()
        ))),
    }
}
