//! Shared helpers for the engine integration tests: a connected engine (tests FAIL when no
//! engine answers), unique project names, the local busybox test image, label sets, and a drop
//! guard that purges everything carrying a project label even when the test panics.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;

use hoist_engine::{labels, Engine};

/// The image every container test uses (built by scripts/test-images.sh).
pub const BUSYBOX: &str = "hoist-test/busybox:latest";

/// The real Docker Compose v2+ binary (NOT /usr/bin/docker-compose, which is legacy v1).
pub const DOCKER_COMPOSE: &str = "/root/.pyenv/versions/3.11.7/bin/docker-compose";

/// Repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
}

/// Connects to the engine or fails the test with instructions.
pub async fn engine() -> Engine {
    match Engine::connect().await {
        Ok(engine) => engine,
        Err(e) => panic!(
            "these tests need a Docker Engine; run scripts/ensure-engine.sh first. Error: {e}"
        ),
    }
}

/// Builds the busybox test image once per test binary (the script skips an existing image).
pub fn ensure_test_image() {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        let script = repo_root().join("scripts").join("test-images.sh");
        let out = Command::new("bash")
            .arg(&script)
            .output()
            .expect("run scripts/test-images.sh");
        assert!(
            out.status.success(),
            "scripts/test-images.sh failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    });
}

/// A project name unique to this test run: `hoisttest-<tag>-<pid>-<n>-<time>`.
pub fn unique_project(tag: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("hoisttest-{tag}-{}-{n}-{nanos:x}", std::process::id())
}

/// The labels Docker Compose puts on a service container.
pub fn container_labels(
    project: &str,
    service: &str,
    number: Option<u32>,
    hash: &str,
) -> HashMap<String, String> {
    let mut map = HashMap::from([
        (labels::PROJECT.to_string(), project.to_string()),
        (labels::SERVICE.to_string(), service.to_string()),
        (labels::CONFIG_HASH.to_string(), hash.to_string()),
        (labels::VERSION.to_string(), "5.6.1".to_string()),
        (
            labels::ONEOFF.to_string(),
            labels::oneoff_value(number.is_none()).to_string(),
        ),
        (labels::WORKING_DIR.to_string(), "/tmp".to_string()),
        (
            labels::CONFIG_FILES.to_string(),
            format!("/tmp/{project}/compose.yaml"),
        ),
    ]);
    if let Some(n) = number {
        map.insert(labels::CONTAINER_NUMBER.to_string(), n.to_string());
    }
    map
}

/// Removes everything labelled with the project when dropped (also on panic).
pub struct ProjectGuard {
    /// The project being guarded.
    pub project: String,
}

impl ProjectGuard {
    /// Guards `project`.
    pub fn new(project: &str) -> Self {
        ProjectGuard {
            project: project.to_string(),
        }
    }
}

impl Drop for ProjectGuard {
    fn drop(&mut self) {
        let project = self.project.clone();
        // Drop cannot be async and may run inside the test's runtime: clean up on a
        // separate thread with its own runtime.
        let handle = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(engine) = Engine::connect().await {
                    if let Err(e) = engine.purge_project(&project).await {
                        eprintln!("cleanup of project {project} failed: {e}");
                    }
                }
            });
        });
        let _ = handle.join();
    }
}
