//! stub
use crate::cli::GlobalOptions;
use crate::Failure;
use clap::Args;
/// args
#[derive(Debug, Args)]
pub struct CpArgs {}
/// run
pub fn run(_g: &GlobalOptions, _a: &CpArgs) -> Result<(), Failure> {
    Err(Failure::new("todo"))
}
