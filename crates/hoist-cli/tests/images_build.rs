//! `hoist build` against the real engine: effects are checked in the built images (files,
//! labels, build args), not in Hoist's output.

mod images_support;

use images_support::*;

#[test]
fn dockerignore_effect_is_visible_in_the_image() {
    let p = TestProject::new("ignore");
    p.write("compose.yaml", "services:\n  app:\n    build: .\n")
        .write("Dockerfile", &format!("FROM {BUSYBOX}\nCOPY . /ctx\n"))
        .write(".dockerignore", "*.secret\nlogs\n!logs/keep.log\n")
        .write("app.txt", "app")
        .write("db.secret", "s")
        .write("logs/drop.log", "d")
        .write("logs/keep.log", "k");
    let image = format!("{}-app", p.name);
    p.track(&image);
    p.hoist_ok(&["build"]);
    let listing = run_in(&image, "cd /ctx && find . -type f | sort");
    assert!(listing.contains("./app.txt"), "{listing}");
    assert!(listing.contains("./logs/keep.log"), "{listing}");
    assert!(!listing.contains("db.secret"), "{listing}");
    assert!(!listing.contains("drop.log"), "{listing}");
    // Docker Compose's classic builder label.
    let (_, label) = docker(&[
        "image",
        "inspect",
        &image,
        "--format",
        "{{index .Config.Labels \"com.docker.compose.image.builder\"}}",
    ]);
    assert_eq!(label, "classic");
}

#[test]
fn per_dockerfile_ignore_file_wins() {
    let p = TestProject::new("dfignore");
    p.write(
        "compose.yaml",
        "services:\n  app:\n    build:\n      context: .\n      dockerfile: app.Dockerfile\n",
    )
    .write("app.Dockerfile", &format!("FROM {BUSYBOX}\nCOPY . /ctx\n"))
    .write(".dockerignore", "a.txt\n")
    .write("app.Dockerfile.dockerignore", "b.txt\n")
    .write("a.txt", "a")
    .write("b.txt", "b");
    let image = format!("{}-app", p.name);
    p.track(&image);
    p.hoist_ok(&["build"]);
    let listing = run_in(&image, "ls /ctx");
    assert!(listing.contains("a.txt"), "{listing}");
    assert!(!listing.contains("b.txt"), "{listing}");
}

#[test]
fn multi_stage_target_args_labels_tags_and_inline_dockerfile() {
    let mut p = TestProject::new("stages");
    p.env
        .push(("HOIST_TEST_FROM_ENV".into(), "from-the-env".into()));
    let tag = format!("{}-extra:1", p.name);
    p.write(
        "compose.yaml",
        &format!(
            r#"services:
  staged:
    build:
      context: .
      target: first
      args:
        FIXED: fixed-value
        HOIST_TEST_FROM_ENV:
      labels:
        org.example.team: images
      tags: ["{tag}"]
  inline:
    build:
      context: .
      dockerfile_inline: |
        FROM {BUSYBOX}
        RUN echo inline > /which
"#
        ),
    )
    .write(
        "Dockerfile",
        &format!(
            "FROM {BUSYBOX} AS first\nARG FIXED\nARG HOIST_TEST_FROM_ENV\nRUN echo first $FIXED $HOIST_TEST_FROM_ENV > /which\n\
             FROM {BUSYBOX} AS second\nRUN echo second > /which\n"
        ),
    );
    let staged = format!("{}-staged", p.name);
    let inline = format!("{}-inline", p.name);
    p.track(&staged);
    p.track(&inline);
    p.track(&tag);
    p.hoist_ok(&["build", "--parallel", "2"]);
    assert_eq!(
        run_in(&staged, "cat /which"),
        "first fixed-value from-the-env"
    );
    assert_eq!(run_in(&tag, "cat /which"), "first fixed-value from-the-env");
    assert_eq!(run_in(&inline, "cat /which"), "inline");
    let (_, label) = docker(&[
        "image",
        "inspect",
        &staged,
        "--format",
        "{{index .Config.Labels \"org.example.team\"}}",
    ]);
    assert_eq!(label, "images");

    // --build-arg overrides build.args; a single service can be selected.
    p.hoist_ok(&["build", "--build-arg", "FIXED=override", "staged"]);
    assert_eq!(run_in(&staged, "cat /which"), "first override from-the-env");
}

#[test]
fn broken_dockerfile_reports_builder_error_under_the_service_name() {
    let p = TestProject::new("broken");
    p.write("compose.yaml", "services:\n  broken:\n    build: .\n")
        .write(
            "Dockerfile",
            &format!("FROM {BUSYBOX}\nRUN echo failing && exit 3\n"),
        );
    p.track(&format!("{}-broken", p.name));
    let out = p.hoist(&["build"]);
    let text = combined(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("service \"broken\""), "{text}");
    assert!(text.contains("returned a non-zero code: 3"), "{text}");
    assert!(!image_exists(&format!("{}-broken", p.name)));
}

#[test]
fn buildkit_only_features_are_refused_clearly() {
    let p = TestProject::new("bk");
    p.write(
        "compose.yaml",
        "services:\n  web:\n    build:\n      context: .\n      secrets: [token]\nsecrets:\n  token:\n    file: ./token.txt\n",
    )
    .write("token.txt", "t")
    .write("Dockerfile", &format!("FROM {BUSYBOX}\n"));
    let out = p.hoist(&["build"]);
    let text = combined(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("service \"web\"") && text.contains("build.secrets"),
        "{text}"
    );
    assert!(text.contains("BuildKit"), "{text}");
}

#[test]
fn quiet_build_and_print() {
    let p = TestProject::new("quiet");
    p.write(
        "compose.yaml",
        "services:\n  q:\n    build: .\n    image: hoisttest-quiet-img:dev\n",
    )
    .write("Dockerfile", &format!("FROM {BUSYBOX}\n"));
    p.track("hoisttest-quiet-img:dev");
    let out = p.hoist(&["build", "-q"]);
    assert!(out.status.success(), "{}", combined(&out));
    assert!(combined(&out).trim().is_empty(), "{}", combined(&out));
    assert!(image_exists("hoisttest-quiet-img:dev"));
    let printed = p.hoist_ok(&["build", "--print"]);
    let doc: serde_json::Value = serde_json::from_str(printed.trim()).expect("JSON");
    assert_eq!(doc["target"]["q"]["tags"][0], "hoisttest-quiet-img:dev");
}

#[test]
fn foreign_or_multiple_platforms_are_refused_clearly() {
    let p = TestProject::new("platform");
    p.write("Dockerfile", &format!("FROM {BUSYBOX}\n")).write(
        "compose.yaml",
        "services:\n  arm:\n    build:\n      context: .\n      platforms: [linux/s390x]\n",
    );
    p.track(&format!("{}-arm", p.name));
    let out = p.hoist(&["build"]);
    let text = combined(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("service \"arm\"") && text.contains("linux/s390x"),
        "{text}"
    );
    assert!(!image_exists(&format!("{}-arm", p.name)));

    p.write(
        "compose.yaml",
        "services:\n  multi:\n    build:\n      context: .\n      platforms: [linux/amd64, linux/arm64]\n",
    );
    let out = p.hoist(&["build"]);
    let text = combined(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("service \"multi\"") && text.contains("build.platforms"),
        "{text}"
    );
}

#[test]
fn extra_hosts_network_and_shm_size_reach_the_build() {
    let p = TestProject::new("hosts");
    p.write(
        "compose.yaml",
        r#"services:
  h:
    build:
      context: .
      network: host
      shm_size: 96m
      extra_hosts:
        - "alpha.test=10.1.2.3"
        - "beta.test:10.1.2.4"
"#,
    )
    .write(
        "Dockerfile",
        &format!(
            "FROM {BUSYBOX}\nRUN (grep -E 'alpha|beta' /etc/hosts; df -k /dev/shm | tail -1) > /seen\n"
        ),
    );
    let image = format!("{}-h", p.name);
    p.track(&image);
    p.hoist_ok(&["build"]);
    let seen = run_in(&image, "cat /seen");
    assert!(
        seen.contains("10.1.2.3") && seen.contains("alpha.test"),
        "{seen}"
    );
    assert!(
        seen.contains("10.1.2.4") && seen.contains("beta.test"),
        "{seen}"
    );
    assert!(seen.contains("98304"), "shm of 96m expected: {seen}");
}
