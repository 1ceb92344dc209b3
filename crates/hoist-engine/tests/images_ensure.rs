//! `ensure_images` against the real engine: builds missing images, skips present ones,
//! honours `--build`, `--no-build`, `pull_policy: build`, refresh windows, and returns the
//! image IDs used for the `com.docker.compose.image` label. Also checks the raw pull/tag/remove
//! operations. Tests FAIL without an engine.

use std::process::Command;

use hoist_engine::build::{ensure_images, BuildPolicy, PullOption};
use hoist_engine::images::{ImageAction, ImageEventKind, RecordingProgress};
use hoist_engine::Engine;
use hoist_loader::load::{load, LoadContext};
use hoist_loader::options::ProjectOptions;

const BUSYBOX: &str = "hoist-test/busybox:latest";

async fn engine() -> Engine {
    Engine::connect().await.unwrap_or_else(|e| {
        panic!("these tests need a Docker Engine (scripts/ensure-engine.sh): {e}")
    })
}

fn ensure_busybox() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-images.sh");
    let out = Command::new("bash")
        .arg(script)
        .output()
        .expect("run test-images.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Fixture {
    dir: std::path::PathBuf,
    name: String,
    images: Vec<String>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        for image in &self.images {
            let _ = Command::new("docker").args(["rmi", "-f", image]).output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fixture(tag: &str, compose: &str) -> Fixture {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!("hoisttest-{tag}-{}-{nanos:x}", std::process::id());
    let dir = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("compose.yaml"), compose).unwrap();
    std::fs::write(
        dir.join("Dockerfile"),
        // The LABEL keeps concurrent tests from sharing cached build layers.
        format!("FROM {BUSYBOX}\nLABEL org.hoist.test={name}\nRUN date +%s%N > /built\n"),
    )
    .unwrap();
    Fixture {
        dir,
        name,
        images: Vec::new(),
    }
}

fn load_project(f: &Fixture) -> hoist_loader::model::Project {
    let opts = ProjectOptions {
        project_name: Some(f.name.clone()),
        cwd: f.dir.clone(),
        os_env: std::env::vars().collect(),
        ..ProjectOptions::default()
    };
    let mut ctx = LoadContext::default();
    load(&opts, &mut ctx).unwrap_or_else(|e| panic!("{}", e.message))
}

fn builds(progress: &RecordingProgress) -> usize {
    progress
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.action == ImageAction::Build && e.kind == ImageEventKind::Started)
        .count()
}

fn inspect_id(image: &str) -> String {
    let out = Command::new("docker")
        .args(["image", "inspect", image, "--format", "{{.Id}}"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test]
async fn builds_missing_images_once_and_reports_ids() {
    ensure_busybox();
    let mut f = fixture(
        "ensure",
        &format!("services:\n  web:\n    build: .\n  db:\n    image: {BUSYBOX}\n"),
    );
    let project = load_project(&f);
    let web_image = format!("{}-web", f.name);
    f.images.push(web_image.clone());
    let engine = engine().await;
    let services = vec!["web".to_string(), "db".to_string()];

    // --no-build: the missing image stays missing and has no digest.
    let progress = RecordingProgress::default();
    let policy = BuildPolicy {
        no_build: true,
        ..Default::default()
    };
    let ids = ensure_images(&engine, &project, &services, &policy, &progress)
        .await
        .unwrap();
    assert!(!ids.contains_key("web"));
    assert_eq!(ids.get("db"), Some(&inspect_id(BUSYBOX)));
    assert_eq!(builds(&progress), 0);

    // Default: builds the missing image.
    let progress = RecordingProgress::default();
    let ids = ensure_images(
        &engine,
        &project,
        &services,
        &BuildPolicy::default(),
        &progress,
    )
    .await
    .unwrap();
    let first = inspect_id(&web_image);
    assert_eq!(ids.get("web"), Some(&first));
    assert_eq!(builds(&progress), 1);

    // Present: not rebuilt.
    let progress = RecordingProgress::default();
    let ids = ensure_images(
        &engine,
        &project,
        &services,
        &BuildPolicy::default(),
        &progress,
    )
    .await
    .unwrap();
    assert_eq!(ids.get("web"), Some(&first));
    assert_eq!(builds(&progress), 0);

    // --build with --no-cache: rebuilt, new ID.
    let progress = RecordingProgress::default();
    let mut policy = BuildPolicy {
        build: true,
        ..Default::default()
    };
    policy.options.no_cache = true;
    let ids = ensure_images(&engine, &project, &services, &policy, &progress)
        .await
        .unwrap();
    assert_eq!(builds(&progress), 1);
    let second = inspect_id(&web_image);
    assert_ne!(first, second);
    assert_eq!(ids.get("web"), Some(&second));
}

#[tokio::test]
async fn pull_policy_build_always_builds_and_never_does_not_pull() {
    ensure_busybox();
    let mut f = fixture(
        "ensure-policy",
        "services:\n  web:\n    build: .\n    pull_policy: build\n  off:\n    image: hoisttest-never-pulled-image:1\n    pull_policy: never\n",
    );
    let project = load_project(&f);
    f.images.push(format!("{}-web", f.name));
    let engine = engine().await;
    let services = vec!["web".to_string(), "off".to_string()];
    for expected_builds in [1, 1] {
        let progress = RecordingProgress::default();
        let ids = ensure_images(
            &engine,
            &project,
            &services,
            &BuildPolicy::default(),
            &progress,
        )
        .await
        .unwrap();
        assert_eq!(builds(&progress), expected_builds);
        assert!(ids.contains_key("web"));
        assert!(!ids.contains_key("off"));
        let pulls = progress
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.action == ImageAction::Pull)
            .count();
        assert_eq!(pulls, 0, "pull_policy: never must not pull");
    }
}

#[tokio::test]
async fn refresh_window_skips_a_freshly_tagged_image_and_pull_always_forces() {
    ensure_busybox();
    let mut f = fixture(
        "ensure-daily",
        "services:\n  fresh:\n    image: hoisttest-fresh-tag:1\n    pull_policy: daily\n",
    );
    let project = load_project(&f);
    f.images.push("hoisttest-fresh-tag:1".into());
    let ok = Command::new("docker")
        .args(["tag", BUSYBOX, "hoisttest-fresh-tag:1"])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let engine = engine().await;
    let services = vec!["fresh".to_string()];
    let progress = RecordingProgress::default();
    let ids = ensure_images(
        &engine,
        &project,
        &services,
        &BuildPolicy::default(),
        &progress,
    )
    .await
    .unwrap();
    assert_eq!(ids.get("fresh"), Some(&inspect_id(BUSYBOX)));
    assert!(
        progress.events.lock().unwrap().is_empty(),
        "a fresh tag must not be pulled"
    );

    // --pull always forces a pull, which fails here (no such remote image): an error naming
    // the service.
    let policy = BuildPolicy {
        pull: PullOption::Always,
        ..Default::default()
    };
    let err = ensure_images(&engine, &project, &services, &policy, &progress)
        .await
        .unwrap_err();
    assert!(err.message.contains("service \"fresh\""), "{}", err.message);
}

#[tokio::test]
async fn tag_inspect_and_remove() {
    ensure_busybox();
    let engine = engine().await;
    let tag = format!("hoisttest-tag-{}:x", std::process::id());
    engine.tag_image(BUSYBOX, &tag).await.unwrap();
    let local = engine
        .local_image(&tag)
        .await
        .unwrap()
        .expect("tagged image");
    assert_eq!(local.id, inspect_id(BUSYBOX));
    assert!(local.last_tag_time.is_some());
    engine.remove_image(&tag, false).await.unwrap();
    assert!(engine.local_image(&tag).await.unwrap().is_none());
    let err = engine.remove_image(&tag, false).await.unwrap_err();
    assert!(err.is_not_found(), "{}", err.message);
}
