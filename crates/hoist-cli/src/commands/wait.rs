//! `hoist wait`.

use crate::cli::GlobalOptions;
use crate::Failure;

/// Runs `hoist wait`.
pub fn run(_global: &GlobalOptions, _args: &crate::cli::WaitArgs) -> Result<(), Failure> {
    Err(Failure::new("not implemented yet"))
}
