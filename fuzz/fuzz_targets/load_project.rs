//! Fuzz target for the whole loader: the input is the project's only compose file (`-f -`),
//! loaded in an empty folder with an empty environment. Loading, printing the project (YAML,
//! JSON, service hashes) and rendering any error must never panic.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run load_project -- -max_len=4096` (in `fuzz/`). Keep
//! every crash input under `crates/hoist-loader/tests/fixtures/fuzz/`: `tests/fuzz_regressions.rs`
//! loads them all.

#![no_main]

use hoist_loader::load::load_from_str;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// An empty folder, created once, to load the projects in.
fn empty_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hoist-fuzz-load-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (result, ctx) = load_from_str(text, empty_dir(), &[]);
    match result {
        Ok(project) => {
            let _ = project.to_yaml();
            let _ = project.to_json();
            for name in project.service_names() {
                if let Some(service) = project.service(&name) {
                    let _ = service.config_hash();
                }
            }
        }
        Err(e) => {
            let _ = e.render(&ctx.sources, true);
            let _ = e.render(&ctx.sources, false);
        }
    }
    let _ = hoist_loader::take_warnings();
});
