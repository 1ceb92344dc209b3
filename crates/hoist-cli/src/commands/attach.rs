//! stub
use crate::cli::GlobalOptions;
use crate::Failure;
use clap::Args;
/// args
#[derive(Debug, Args)]
pub struct AttachArgs {}
/// run
pub fn run(_g: &GlobalOptions, _a: &AttachArgs) -> Result<(), Failure> {
    Err(Failure::new("todo"))
}
