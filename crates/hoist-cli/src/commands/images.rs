//! `hoist images`.

use crate::cli::GlobalOptions;
use crate::Failure;

/// Runs `hoist images`.
pub fn run(_global: &GlobalOptions, _args: &crate::cli::ImagesArgs) -> Result<(), Failure> {
    Err(Failure::new("not implemented yet"))
}
