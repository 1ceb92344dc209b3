//! `hoist top`.

use crate::cli::GlobalOptions;
use crate::Failure;

/// Runs `hoist top`.
pub fn run(_global: &GlobalOptions, _args: &crate::cli::TopArgs) -> Result<(), Failure> {
    Err(Failure::new("not implemented yet"))
}
