//! stub
use crate::cli::GlobalOptions;
use crate::Failure;
use clap::Args;
/// args
#[derive(Debug, Args)]
pub struct StatsArgs {}
/// run
pub fn run(_g: &GlobalOptions, _a: &StatsArgs) -> Result<(), Failure> {
    Err(Failure::new("todo"))
}
