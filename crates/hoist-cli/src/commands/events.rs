//! `hoist events`.

use crate::cli::GlobalOptions;
use crate::Failure;

/// Runs `hoist events`.
pub fn run(_global: &GlobalOptions, _args: &crate::cli::EventsArgs) -> Result<(), Failure> {
    Err(Failure::new("not implemented yet"))
}
