//! `hoist push` / `hoist pull` against real local registries (scripts/ensure-registry.sh):
//! round trips, an htpasswd-protected registry reached through `config.json` credentials and
//! through a credential-helper program, `pull_policy` cases and failure flags. Effects are
//! checked through the engine (image IDs), not Hoist's output.

mod images_support;

use images_support::*;

fn image_id(image: &str) -> String {
    let (ok, id) = docker(&["image", "inspect", image, "--format", "{{.Id}}"]);
    assert!(ok, "image {image} missing");
    id
}

/// A project whose service `app` builds a small image named `image`, marked with `marker`.
fn buildable_project(tag: &str, image: &str, marker: &str) -> TestProject {
    let p = TestProject::new(tag);
    p.write(
        "compose.yaml",
        &format!("services:\n  app:\n    image: {image}\n    build: .\n"),
    )
    .write(
        "Dockerfile",
        &format!("FROM {BUSYBOX}\nRUN echo {marker} > /marker\n"),
    );
    p.track(image);
    p
}

#[test]
fn push_then_delete_then_pull_back() {
    ensure_registries();
    let name = unique("rt");
    let image = format!("{OPEN_REGISTRY}/{name}/app:1");
    let p = buildable_project("rt", &image, &name);
    p.hoist_ok(&["build"]);
    let built = image_id(&image);
    p.hoist_ok(&["push"]);
    let (ok, _) = docker(&["rmi", &image]);
    assert!(ok);
    assert!(!image_exists(&image));
    p.hoist_ok(&["pull"]);
    assert_eq!(image_id(&image), built);
    assert_eq!(run_in(&image, "cat /marker"), name);
}

fn auth_config_json() -> String {
    format!(
        r#"{{"auths":{{"{AUTH_REGISTRY}":{{"auth":"{}"}}}}}}"#,
        base64(&format!("{AUTH_USER}:{AUTH_PASSWORD}"))
    )
}

#[test]
fn protected_registry_through_config_json() {
    ensure_registries();
    let name = unique("auth");
    let image = format!("{AUTH_REGISTRY}/{name}/app:1");
    let mut p = buildable_project("auth", &image, &name);
    // No credentials: the push is refused.
    let empty = docker_config(&p.dir.join("none"), "{}");
    p.env = vec![("DOCKER_CONFIG".into(), empty.display().to_string())];
    p.hoist_ok(&["build"]);
    let out = p.hoist(&["push"]);
    assert!(!out.status.success(), "push without credentials succeeded");
    assert!(
        combined(&out).contains("cannot push image"),
        "{}",
        combined(&out)
    );
    // --ignore-push-failures turns the failure into success.
    p.hoist_ok(&["push", "--ignore-push-failures"]);

    let cfg = docker_config(&p.dir, &auth_config_json());
    p.env = vec![("DOCKER_CONFIG".into(), cfg.display().to_string())];
    p.hoist_ok(&["push"]);
    let built = image_id(&image);
    docker(&["rmi", &image]);
    p.hoist_ok(&["pull"]);
    assert_eq!(image_id(&image), built);

    // A build whose FROM is only in the protected registry pulls it with the credentials.
    docker(&["rmi", &image]);
    let derived = format!("{}-derived", p.name);
    p.track(&derived);
    p.write(
        "derived/compose.yaml",
        &format!("services:\n  derived:\n    image: {derived}\n    build: .\n"),
    )
    .write(
        "derived/Dockerfile",
        &format!("FROM {image}\nRUN cat /marker > /copied\n"),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoist"))
        .current_dir(p.dir.join("derived"))
        .env("DOCKER_CONFIG", &cfg)
        .args(["-p", &p.name, "build"])
        .output()
        .expect("run hoist");
    assert!(out.status.success(), "{}", combined(&out));
    assert_eq!(run_in(&derived, "cat /copied"), name);
}

#[test]
fn protected_registry_through_credential_helper() {
    ensure_registries();
    let name = unique("helper");
    let image = format!("{AUTH_REGISTRY}/{name}/app:1");
    let mut p = buildable_project("helper", &image, &name);
    let bin = p.dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-hoisttest");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread server\ncase \"$1\" in\n  get) echo '{{\"ServerURL\":\"'$server'\",\"Username\":\"{AUTH_USER}\",\"Secret\":\"{AUTH_PASSWORD}\"}}' ;;\n  list) echo '{{}}' ;;\n  *) exit 1 ;;\nesac\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let cfg = docker_config(
        &p.dir,
        &format!(r#"{{"credHelpers":{{"{AUTH_REGISTRY}":"hoisttest"}}}}"#),
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    p.env = vec![
        ("DOCKER_CONFIG".into(), cfg.display().to_string()),
        ("PATH".into(), path),
    ];
    p.hoist_ok(&["build"]);
    let built = image_id(&image);
    p.hoist_ok(&["push"]);
    docker(&["rmi", &image]);
    p.hoist_ok(&["pull", "-q"]);
    assert_eq!(image_id(&image), built);
}

#[test]
fn pull_policies_and_failure_flags() {
    ensure_registries();
    let name = unique("policy");
    // Publish an image in the open registry.
    let published = format!("{OPEN_REGISTRY}/{name}/pub:1");
    let publisher = buildable_project("policy-pub", &published, &name);
    publisher.hoist_ok(&["build"]);
    publisher.hoist_ok(&["push"]);
    let remote_id = image_id(&published);

    let p = TestProject::new("policy");
    p.track(&published);
    let missing_ref = format!("{OPEN_REGISTRY}/{name}/absent:1");
    p.write(
        "compose.yaml",
        &format!(
            r#"services:
  always:
    image: {published}
    pull_policy: always
  never:
    image: {published}
    pull_policy: never
"#
        ),
    );
    // Make the local tag point at another image: `always` must replace it, `never` not.
    docker(&["rmi", &published]);
    docker(&["tag", BUSYBOX, &published]);
    let busybox_id = image_id(BUSYBOX);
    p.hoist_ok(&["pull", "never"]);
    assert_eq!(image_id(&published), busybox_id, "never must not pull");
    p.hoist_ok(&["pull", "always"]);
    assert_eq!(image_id(&published), remote_id, "always must pull");

    // `missing` skips a present image with a non-latest tag.
    p.write(
        "compose.yaml",
        &format!("services:\n  missing:\n    image: {published}\n    pull_policy: missing\n"),
    );
    docker(&["rmi", &published]);
    docker(&["tag", BUSYBOX, &published]);
    let out = p.hoist_ok(&["pull"]);
    assert!(out.contains("already present"), "{out}");
    assert_eq!(image_id(&published), busybox_id);
    // ...but pulls an absent one.
    docker(&["rmi", &published]);
    p.hoist_ok(&["pull"]);
    assert_eq!(image_id(&published), remote_id);

    // A missing image fails the pull, unless --ignore-pull-failures.
    p.write(
        "compose.yaml",
        &format!(
            "services:\n  gone:\n    image: {missing_ref}\n  dep:\n    image: {published}\n    depends_on: [gone]\n"
        ),
    );
    let out = p.hoist(&["pull", "gone"]);
    assert!(!out.status.success(), "{}", combined(&out));
    assert!(combined(&out).contains(&missing_ref), "{}", combined(&out));
    p.hoist_ok(&["pull", "--ignore-pull-failures", "gone"]);
    // --include-deps pulls what the selected service depends on (and fails on it here).
    docker(&["rmi", &published]);
    let out = p.hoist(&["pull", "dep"]);
    assert!(out.status.success(), "{}", combined(&out));
    assert!(image_exists(&published));
    let out = p.hoist(&["pull", "--include-deps", "dep"]);
    assert!(!out.status.success(), "{}", combined(&out));
}

#[test]
fn build_push_and_ignore_buildable() {
    ensure_registries();
    let name = unique("bpush");
    let image = format!("{OPEN_REGISTRY}/{name}/app:1");
    let p = buildable_project("bpush", &image, &name);
    p.hoist_ok(&["build", "--push"]);
    let built = image_id(&image);
    docker(&["rmi", &image]);
    // --ignore-buildable: the image can be built, so it is not pulled.
    let out = p.hoist_ok(&["pull", "--ignore-buildable"]);
    assert!(out.contains("Image can be built"), "{out}");
    assert!(!image_exists(&image));
    // The registry has what `build --push` sent.
    let (ok, _) = docker(&["pull", &image]);
    assert!(ok, "docker pull {image} failed");
    assert_eq!(image_id(&image), built);
}
