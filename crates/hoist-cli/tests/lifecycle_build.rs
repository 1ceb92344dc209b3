//! `up` builds a service's missing image before creating its container, rebuilds it with
//! `--build`, and `down --rmi local` removes the image it built (and nothing else).

mod lifecycle_support;

use lifecycle_support::*;

#[test]
fn up_builds_missing_images_and_down_rmi_local_removes_them() {
    require_engine();
    let p = TestProject::new(
        "bld",
        &format!(
            "services:\n  app:\n    build: .\n    command: [\"sh\", \"-c\", \"cat /built.txt; sleep 60\"]\n  other:\n    image: {IMAGE}\n    command: [\"sleep\", \"60\"]\n"
        ),
    );
    std::fs::write(
        p.dir.join("Dockerfile"),
        format!("FROM {IMAGE}\nARG STAMP=one\nRUN echo \"built $STAMP\" > /built.txt\nLABEL hoist.test={}\n", p.name),
    )
    .expect("write Dockerfile");
    let image = format!("{}-app", p.name);
    let _image_guard = RemoveImageOnDrop(image.clone());
    p.hoist_ok(&["up", "-d"]);
    // The image exists, carries the builder label, and the container runs from it.
    assert_eq!(
        inspect(
            &image,
            "{{index .Config.Labels \"com.docker.compose.image.builder\"}}"
        ),
        "classic"
    );
    let image_id = inspect(&image, "{{.Id}}");
    assert_eq!(inspect(&p.cname("app", 1), "{{.Image}}"), image_id);
    assert_eq!(
        inspect(
            &p.cname("app", 1),
            "{{index .Config.Labels \"com.docker.compose.image\"}}"
        ),
        image_id
    );
    let logs = p.hoist_ok(&["logs", "--no-log-prefix", "app"]);
    assert!(logs.contains("built one"), "logs: {logs}");
    // A changed Dockerfile is not rebuilt without --build; with --build it is, and the
    // container is recreated because its image changed.
    std::fs::write(
        p.dir.join("Dockerfile"),
        format!("FROM {IMAGE}\nARG STAMP=two\nRUN echo \"built $STAMP\" > /built.txt\nLABEL hoist.test={}\n", p.name),
    )
    .expect("rewrite Dockerfile");
    let before = inspect(&p.cname("app", 1), "{{.Id}}");
    p.hoist_ok(&["up", "-d"]);
    assert_eq!(
        inspect(&p.cname("app", 1), "{{.Id}}"),
        before,
        "no rebuild without --build"
    );
    p.hoist_ok(&["up", "-d", "--build"]);
    assert_ne!(
        inspect(&image, "{{.Id}}"),
        image_id,
        "--build rebuilt the image"
    );
    assert_ne!(
        inspect(&p.cname("app", 1), "{{.Id}}"),
        before,
        "the new image recreated the container"
    );
    // down --rmi local removes the built image but never the pulled/shared test image.
    p.hoist_ok(&["down", "--rmi", "local"]);
    assert!(!exists("image", &image), "built image removed");
    assert!(exists("image", IMAGE), "the shared image is kept");
}

/// Removes the test's image even when the test fails.
struct RemoveImageOnDrop(String);

impl Drop for RemoveImageOnDrop {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(["image", "rm", "-f", &self.0])
            .output();
    }
}
