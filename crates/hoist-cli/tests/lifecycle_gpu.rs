//! A service that reserves GPUs on an engine without the NVIDIA runtime (or CDI) is refused
//! before anything is created, with a sentence saying what is missing; with the runtime, the
//! same project comes up.

mod lifecycle_support;

use lifecycle_support::*;

#[test]
fn gpu_reservations_need_an_engine_that_provides_gpus() {
    require_engine();
    let p = TestProject::new(
        "gpu",
        &format!(
            "services:\n  trainer:\n    image: {IMAGE}\n    command: [\"true\"]\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: all\n              capabilities: [gpu]\n"
        ),
    );
    let runtimes = docker(&["info", "--format", "{{json .Runtimes}}"]);
    let out = p.hoist(&["up", "-d"]);
    if runtimes.contains("nvidia") {
        assert!(out.status.success(), "{}", text(&out));
        return;
    }
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("service trainer reserves GPUs, but this engine cannot provide GPUs")
            && err.contains("NVIDIA Container Toolkit"),
        "{err}"
    );
    // Nothing was created.
    assert!(p.names().is_empty(), "containers: {:?}", p.names());
    assert!(!exists("network", &format!("{}_default", p.name)));
}
