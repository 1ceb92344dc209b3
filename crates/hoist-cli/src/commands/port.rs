//! `hoist port`.

use crate::cli::GlobalOptions;
use crate::Failure;

/// Runs `hoist port`.
pub fn run(_global: &GlobalOptions, _args: &crate::cli::PortArgs) -> Result<(), Failure> {
    Err(Failure::new("not implemented yet"))
}
