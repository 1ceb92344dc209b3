//! `hoist version`: prints the version like `docker compose version` does.

use crate::cli::VersionArgs;
use crate::Failure;

/// Runs `hoist version`.
pub fn run(args: &VersionArgs) -> Result<(), Failure> {
    let version = env!("CARGO_PKG_VERSION");
    if args.short {
        println!("{version}");
        return Ok(());
    }
    match args.format.as_deref() {
        Some("json") => println!("{{\"version\":\"v{version}\"}}"),
        None | Some("pretty") | Some("") => println!("Hoist version v{version}"),
        Some(other) => {
            return Err(Failure::new(format!(
                "unsupported format {other:?}: use pretty or json"
            )))
        }
    }
    Ok(())
}
