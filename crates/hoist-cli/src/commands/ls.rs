//! `hoist ls`.

use crate::cli::GlobalOptions;
use crate::Failure;

/// Runs `hoist ls`.
pub fn run(_global: &GlobalOptions, _args: &crate::cli::LsArgs) -> Result<(), Failure> {
    Err(Failure::new("not implemented yet"))
}
