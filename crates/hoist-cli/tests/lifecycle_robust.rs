//! Robustness of `hoist up` against the real engine: interruption (SIGKILL, SIGINT), a port
//! already taken, a missing image, and interoperation with the reference Docker Compose
//! (each sees the other's containers as up to date) — verified through the engine.

mod lifecycle_support;

use lifecycle_support::*;
use std::time::Duration;

fn many(count: usize, env: &str) -> String {
    let mut out = String::from("services:\n");
    for i in 0..count {
        out.push_str(&format!(
            "  s{i}:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n    environment:\n      V: \"{env}\"\n"
        ));
    }
    out
}

fn assert_converged(p: &TestProject, count: usize) {
    let names = p.names();
    assert_eq!(names.len(), count, "{names:?}");
    for i in 0..count {
        let name = p.cname(&format!("s{i}"), 1);
        assert!(names.contains(&name), "{name} missing: {names:?}");
        assert_eq!(inspect(&name, "{{.State.Running}}"), "true", "{name}");
    }
    assert!(
        names.iter().all(|n| !n.contains('_')),
        "temporary names left: {names:?}"
    );
}

#[test]
fn sigkill_in_the_middle_of_up_then_up_converges() {
    require_engine();
    let count = 12;
    let p = TestProject::new("kill", &many(count, "a"));
    for (round, delay_ms) in [(0, 300u64), (1, 700)] {
        let env = if round == 0 { "a" } else { "b" };
        p.write(&many(count, env));
        let mut child = p
            .hoist_cmd(&["up", "-d"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn hoist");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        p.hoist_ok(&["up", "-d"]);
        assert_converged(&p, count);
        for i in 0..count {
            let env = inspect(&p.cname(&format!("s{i}"), 1), "{{.Config.Env}}");
            assert!(env.contains(&format!("V={}", if round == 0 { "a" } else { "b" })));
        }
        // And a further up is a no-op.
        let before = p.containers();
        p.hoist_ok(&["up", "-d"]);
        assert_eq!(p.containers(), before);
    }
}

#[test]
fn sigint_during_up_exits_130_and_the_next_up_converges() {
    require_engine();
    let compose = format!(
        r#"services:
  db:
    image: {IMAGE}
    command: ["sh", "-c", "sleep 4; touch /tmp/ok; sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 1s
      start_period: 60s
  app:
    image: {IMAGE}
    command: ["sleep", "3600"]
    depends_on:
      db:
        condition: service_healthy
"#
    );
    let p = TestProject::new("sigint", &compose);
    let child = p
        .hoist_cmd(&["up", "-d"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn hoist");
    std::thread::sleep(Duration::from_millis(1500));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("send SIGINT");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait for hoist");
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    p.hoist_ok(&["up", "-d", "--wait", "--wait-timeout", "60"]);
    assert_eq!(inspect(&p.cname("app", 1), "{{.State.Running}}"), "true");
    assert_eq!(p.names().len(), 2);
}

#[test]
fn a_port_already_taken_fails_that_service_only() {
    require_engine();
    let port = 20000 + (std::process::id() % 20000);
    let blocker = format!("hlc-blocker-{}", std::process::id());
    docker(&[
        "run",
        "-d",
        "--name",
        &blocker,
        "-p",
        &format!("{port}:80"),
        IMAGE,
        "sleep",
        "3600",
    ]);
    let compose = format!(
        r#"services:
  web:
    image: {IMAGE}
    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
    ports: ["{port}:80"]
  other:
    image: {IMAGE}
    command: ["sleep", "3600"]
"#
    );
    let p = TestProject::new("port", &compose);
    let out = p.hoist(&["up", "-d"]);
    let _ = docker_raw(&["rm", "-f", &blocker]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("service web"), "{}", text(&out));
    assert_eq!(inspect(&p.cname("other", 1), "{{.State.Running}}"), "true");
    // Once the port is free, up converges without duplicates.
    p.hoist_ok(&["up", "-d"]);
    assert_eq!(p.names(), [p.cname("other", 1), p.cname("web", 1)]);
    assert_eq!(inspect(&p.cname("web", 1), "{{.State.Running}}"), "true");
    // The published port answers on the host.
    let answer = std::process::Command::new("curl")
        .args(["-s", "--max-time", "5"])
        .arg(format!("http://127.0.0.1:{port}/passwd"))
        .output()
        .expect("run curl");
    assert!(text(&answer).contains("root:"), "{}", text(&answer));
}

#[test]
fn a_missing_image_fails_that_service_clearly() {
    require_engine();
    let compose = format!(
        r#"services:
  ghost:
    image: hoist-test/no-such-image:1
  other:
    image: {IMAGE}
    command: ["sleep", "3600"]
"#
    );
    let p = TestProject::new("noimg", &compose);
    let out = p.hoist(&["up", "-d"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("ghost"), "{said}");
    assert!(said.contains("hoist-test/no-such-image:1"), "{said}");
    assert!(said.contains("not implemented yet"), "{said}");
    assert_eq!(p.names(), [p.cname("other", 1)]);
    assert_eq!(inspect(&p.cname("other", 1), "{{.State.Running}}"), "true");
}

fn interop_compose() -> String {
    format!(
        r#"services:
  web:
    image: {IMAGE}
    command: ["httpd", "-f", "-p", "8080"]
    environment:
      A: "1"
    labels:
      tier: front
    depends_on: [db]
  db:
    image: {IMAGE}
    command: ["sleep", "3600"]
    volumes: [data:/data]
    healthcheck:
      test: ["CMD", "true"]
      interval: 5s
volumes:
  data: {{}}
"#
    )
}

#[test]
fn hoist_keeps_containers_made_by_the_reference() {
    require_engine();
    let p = TestProject::new("refthen", &interop_compose());
    p.reference_ok(&["up", "-d"]);
    let before = p.containers();
    assert_eq!(before.len(), 2);
    p.hoist_ok(&["up", "-d"]);
    assert_eq!(
        p.containers(),
        before,
        "hoist recreated reference containers"
    );
    p.hoist_ok(&["down", "-v"]);
    assert!(p.containers().is_empty());
    assert!(!exists("volume", &format!("{}_data", p.name)));
}

#[test]
fn the_reference_keeps_containers_made_by_hoist() {
    require_engine();
    let p = TestProject::new("hoistthen", &interop_compose());
    p.hoist_ok(&["up", "-d"]);
    let before = p.containers();
    assert_eq!(before.len(), 2);
    p.reference_ok(&["up", "-d"]);
    assert_eq!(
        p.containers(),
        before,
        "the reference recreated hoist containers"
    );
    p.reference_ok(&["down", "-v"]);
    assert!(p.containers().is_empty());
}

#[test]
fn containers_carry_the_same_compose_labels_as_the_reference() {
    require_engine();
    let ours = TestProject::new("lblh", &interop_compose());
    let theirs = TestProject::new("lblr", &interop_compose());
    ours.hoist_ok(&["up", "-d"]);
    theirs.reference_ok(&["up", "-d"]);
    for service in ["web", "db"] {
        let keys = |p: &TestProject| -> Vec<String> {
            let json = inspect(&p.cname(service, 1), "{{json .Config.Labels}}");
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&json).expect("labels json");
            map.keys()
                .filter(|k| k.starts_with("com.docker.compose."))
                .cloned()
                .collect()
        };
        assert_eq!(keys(&ours), keys(&theirs), "label keys of {service}");
        let hash = "{{index .Config.Labels \"com.docker.compose.config-hash\"}}";
        assert_eq!(
            inspect(&ours.cname(service, 1), hash),
            inspect(&theirs.cname(service, 1), hash)
        );
    }
}

#[test]
fn no_engine_gives_one_clear_sentence() {
    let compose = format!("services:\n  web:\n    image: {IMAGE}\n");
    let p = TestProject::new("noeng", &compose);
    let out = p
        .hoist_cmd(&["up", "-d"])
        .env("DOCKER_HOST", "unix:///nonexistent/hoist-test.sock")
        .output()
        .expect("run hoist");
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out);
    assert!(
        said.contains("Cannot connect to the Docker Engine"),
        "{said}"
    );
    assert_eq!(said.trim().lines().count(), 1, "{said}");
}
