//! Inputs the `load_project` fuzz target (`fuzz/fuzz_targets/load_project.rs`) once crashed
//! on, kept under `tests/fixtures/fuzz/`: each is loaded as a whole project and must give a
//! project or an error (rendered, with and without snippet), never a panic.

use hoist_loader::load::load_from_str;
use std::path::PathBuf;

#[test]
fn fuzz_crash_inputs_load_without_panicking() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let dir = std::env::temp_dir().join(format!("hoist-fuzz-regressions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries.iter().filter(|p| p.is_file()) {
        let bytes = std::fs::read(path).expect("read fixture");
        let text = String::from_utf8_lossy(&bytes);
        let (result, ctx) = load_from_str(&text, &dir, &[]);
        match result {
            Ok(project) => {
                let _ = project.to_yaml();
                let _ = project.to_json();
            }
            Err(e) => {
                let _ = e.render(&ctx.sources, true);
                let _ = e.render(&ctx.sources, false);
            }
        }
        let _ = hoist_loader::take_warnings();
    }
}
