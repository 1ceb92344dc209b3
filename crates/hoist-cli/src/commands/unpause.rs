//! `hoist unpause`: unpause the paused containers of the named services (all when none is
//! named).

use crate::cli::{GlobalOptions, ServicesArgs};
use crate::Failure;

/// Runs `hoist unpause`.
pub fn run(global: &GlobalOptions, args: &ServicesArgs) -> Result<(), Failure> {
    crate::commands::pause::toggle(global, args, false)
}
