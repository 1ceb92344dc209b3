//! One module per subcommand; [`run`] dispatches.

pub mod attach;
mod build;
mod config;
pub mod cp;
mod create;
mod down;
mod events;
pub mod exec;
mod images;
mod kill;
mod logs;
mod ls;
mod pause;
mod port;
pub mod ps;
mod pull;
mod push;
mod restart;
mod rm;
pub mod run;
mod scale;
mod start;
pub mod stats;
mod stop;
mod top;
mod unpause;
mod up;
mod up_attached;
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
        Command::Build(args) => build::run(&cli.global, args),
        Command::Pull(args) => pull::run(&cli.global, args),
        Command::Push(args) => push::run(&cli.global, args),
        Command::Exec(args) => exec::run(&cli.global, args),
        Command::Run(args) => run::run(&cli.global, args),
        Command::Attach(args) => attach::run(&cli.global, args),
        Command::Cp(args) => cp::run(&cli.global, args),
        Command::Stats(args) => stats::run(&cli.global, args),
        other => Err(Failure::new(format!(
            "`hoist {}` is not implemented yet",
            other.name()
        ))),
    }
}
