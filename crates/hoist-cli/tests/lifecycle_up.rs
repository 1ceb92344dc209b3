//! `hoist up` against the real engine: no-op re-up, targeted recreation, scaling, orphans,
//! `--dry-run`, `--wait` and dependency conditions — verified through the engine.

mod lifecycle_support;

use lifecycle_support::*;

fn two_services(web_env: &str) -> String {
    format!(
        r#"services:
  web:
    image: {IMAGE}
    command: ["sleep", "3600"]
    environment:
      MODE: "{web_env}"
  side:
    image: {IMAGE}
    command: ["sleep", "3600"]
    network_mode: "service:web"
  db:
    image: {IMAGE}
    command: ["sleep", "3600"]
"#
    )
}

#[test]
fn noop_reup_keeps_ids_and_a_change_recreates_only_that_service_and_its_children() {
    require_engine();
    let p = TestProject::new("noop", &two_services("a"));
    p.hoist_ok(&["up", "-d"]);
    let first = p.containers();
    assert_eq!(
        first.keys().cloned().collect::<Vec<_>>(),
        [p.cname("db", 1), p.cname("side", 1), p.cname("web", 1)]
    );
    for name in first.keys() {
        assert_eq!(inspect(name, "{{.State.Running}}"), "true", "{name}");
    }
    p.hoist_ok(&["up", "-d"]);
    assert_eq!(
        p.containers(),
        first,
        "a no-op up must keep every container"
    );

    p.write(&two_services("b"));
    p.hoist_ok(&["up", "-d"]);
    let second = p.containers();
    assert_eq!(second.len(), 3);
    assert_eq!(
        second[&p.cname("db", 1)],
        first[&p.cname("db", 1)],
        "db untouched"
    );
    assert_ne!(
        second[&p.cname("web", 1)],
        first[&p.cname("web", 1)],
        "web recreated"
    );
    assert_ne!(
        second[&p.cname("side", 1)],
        first[&p.cname("side", 1)],
        "network_mode child recreated with its parent"
    );
    assert!(inspect(&p.cname("web", 1), "{{.Config.Env}}").contains("MODE=b"));
    for name in second.keys() {
        assert_eq!(inspect(name, "{{.State.Running}}"), "true", "{name}");
        assert!(!name.contains('_'), "no temporary name left: {name}");
    }
}

#[test]
fn replicas_on_a_port_range_start_one_at_a_time_on_distinct_ports() {
    require_engine();
    let compose = format!(
        r#"services:
  ranged:
    image: {IMAGE}
    command: ["sleep", "3600"]
    scale: 3
    ports: ["28100-28102:80"]
  a:
    image: {IMAGE}
    command: ["sleep", "3600"]
  b:
    image: {IMAGE}
    command: ["sleep", "3600"]
"#
    );
    let p = TestProject::new("portrange", &compose);
    let output = p.hoist_ok(&["--progress", "plain", "up", "-d"]);
    let mut ports: Vec<String> = (1..=3)
        .map(|n| {
            let name = p.cname("ranged", n);
            assert_eq!(inspect(&name, "{{.State.Running}}"), "true", "{name}");
            inspect(
                &name,
                "{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}",
            )
        })
        .collect();
    ports.sort();
    assert_eq!(ports, ["28100", "28101", "28102"], "{output}");
    // The ranged starts never overlap (each Started before the next Starting).
    let mut open: Option<String> = None;
    for line in output.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("Container ") else {
            continue;
        };
        let Some((name, status)) = rest.split_once(' ') else {
            continue;
        };
        if !name.contains("-ranged-") {
            continue;
        }
        match status.trim() {
            "Starting" => {
                assert!(
                    open.is_none(),
                    "{name} started while {open:?} was starting:\n{output}"
                );
                open = Some(name.to_string());
            }
            "Started" => open = None,
            _ => {}
        }
    }
}

#[test]
fn scale_up_and_down_removes_highest_numbers_first() {
    require_engine();
    let compose =
        format!("services:\n  web:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n");
    let p = TestProject::new("scale", &compose);
    p.hoist_ok(&["up", "-d", "--scale", "web=3"]);
    let three = p.containers();
    assert_eq!(
        three.keys().cloned().collect::<Vec<_>>(),
        [p.cname("web", 1), p.cname("web", 2), p.cname("web", 3)]
    );
    p.hoist_ok(&["up", "-d", "--scale", "web=1"]);
    let one = p.containers();
    assert_eq!(one.keys().cloned().collect::<Vec<_>>(), [p.cname("web", 1)]);
    assert_eq!(one[&p.cname("web", 1)], three[&p.cname("web", 1)]);
    p.hoist_ok(&["scale", "web=2"]);
    let two = p.containers();
    assert_eq!(two.len(), 2);
    assert_eq!(two[&p.cname("web", 1)], three[&p.cname("web", 1)]);
    assert_eq!(inspect(&p.cname("web", 2), "{{.State.Running}}"), "true");
    assert_eq!(
        inspect(
            &p.cname("web", 2),
            "{{index .Config.Labels \"com.docker.compose.container-number\"}}"
        ),
        "2"
    );
}

#[test]
fn orphans_are_warned_about_then_removed_with_remove_orphans() {
    require_engine();
    let both = format!(
        "services:\n  web:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n  old:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n"
    );
    let p = TestProject::new("orph", &both);
    p.hoist_ok(&["up", "-d"]);
    p.write(&format!(
        "services:\n  web:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n"
    ));
    let out = p.hoist_ok(&["up", "-d"]);
    assert!(out.contains("Found orphan containers"), "{out}");
    assert!(
        p.containers().contains_key(&p.cname("old", 1)),
        "orphan kept without the flag"
    );
    p.hoist_ok(&["up", "-d", "--remove-orphans"]);
    assert_eq!(p.names(), [p.cname("web", 1)]);
}

#[test]
fn dry_run_changes_nothing() {
    require_engine();
    let compose = format!(
        "services:\n  web:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\nvolumes:\n  data: {{}}\n"
    );
    let p = TestProject::new("dry", &compose);
    let out = p.hoist_ok(&["--dry-run", "up", "-d"]);
    assert!(
        out.contains(&format!("Container {}  Creating", p.cname("web", 1))),
        "{out}"
    );
    assert!(p.containers().is_empty());
    assert!(!exists("network", &format!("{}_default", p.name)));
    p.hoist_ok(&["up", "-d"]);
    let before = p.containers();
    p.hoist_ok(&["--dry-run", "down", "-v"]);
    assert_eq!(p.containers(), before);
    assert!(exists("network", &format!("{}_default", p.name)));
}

#[test]
fn wait_accepts_healthy_services_and_completed_one_shots() {
    require_engine();
    let compose = format!(
        r#"services:
  db:
    image: {IMAGE}
    command: ["sleep", "3600"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
  migrate:
    image: {IMAGE}
    command: ["true"]
"#
    );
    let p = TestProject::new("wait", &compose);
    p.hoist_ok(&["up", "-d", "--wait", "--wait-timeout", "60"]);
    assert_eq!(
        inspect(&p.cname("db", 1), "{{.State.Health.Status}}"),
        "healthy"
    );
    assert_eq!(
        inspect(&p.cname("migrate", 1), "{{.State.Status}}"),
        "exited"
    );
}

#[test]
fn wait_fails_naming_a_container_that_exits_non_zero() {
    require_engine();
    let compose = format!(
        "services:\n  bad:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"exit 3\"]\n"
    );
    let p = TestProject::new("waitbad", &compose);
    let out = p.hoist(&["up", "-d", "--wait", "--wait-timeout", "30"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let text = text(&out);
    assert!(
        text.contains(&format!("container {} exited (3)", p.cname("bad", 1))),
        "{text}"
    );
}

#[test]
fn wait_times_out_on_a_service_that_never_gets_healthy() {
    require_engine();
    let compose = format!(
        r#"services:
  slow:
    image: {IMAGE}
    command: ["sleep", "3600"]
    healthcheck:
      test: ["CMD", "false"]
      interval: 10s
      retries: 5
"#
    );
    let p = TestProject::new("waitto", &compose);
    let out = p.hoist(&["up", "-d", "--wait", "--wait-timeout", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("application not healthy after 2s"),
        "{}",
        text(&out)
    );
}

#[test]
fn dependency_conditions_order_the_starts() {
    require_engine();
    let compose = format!(
        r#"services:
  db:
    image: {IMAGE}
    command: ["sh", "-c", "sleep 2; touch /tmp/ready; sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
  init:
    image: {IMAGE}
    command: ["sh", "-c", "sleep 1"]
  app:
    image: {IMAGE}
    command: ["sleep", "3600"]
    depends_on:
      db:
        condition: service_healthy
      init:
        condition: service_completed_successfully
"#
    );
    let p = TestProject::new("deps", &compose);
    p.hoist_ok(&["up", "-d"]);
    let app_started = inspect(&p.cname("app", 1), "{{.State.StartedAt}}");
    let init_finished = inspect(&p.cname("init", 1), "{{.State.FinishedAt}}");
    let db_started = inspect(&p.cname("db", 1), "{{.State.StartedAt}}");
    assert_eq!(
        inspect(&p.cname("db", 1), "{{.State.Health.Status}}"),
        "healthy"
    );
    // RFC 3339 timestamps in the same zone compare as strings.
    assert!(
        app_started > init_finished,
        "{app_started} vs {init_finished}"
    );
    assert!(app_started > db_started);
    assert_eq!(inspect(&p.cname("init", 1), "{{.State.ExitCode}}"), "0");
}

#[test]
fn failed_dependency_blocks_only_its_dependents() {
    require_engine();
    let compose = format!(
        r#"services:
  init:
    image: {IMAGE}
    command: ["sh", "-c", "exit 4"]
  app:
    image: {IMAGE}
    command: ["sleep", "3600"]
    depends_on:
      init:
        condition: service_completed_successfully
  other:
    image: {IMAGE}
    command: ["sleep", "3600"]
"#
    );
    let p = TestProject::new("depfail", &compose);
    let out = p.hoist(&["up", "-d"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("didn't complete successfully: exit 4"),
        "{}",
        text(&out)
    );
    assert_eq!(inspect(&p.cname("other", 1), "{{.State.Running}}"), "true");
    assert_eq!(inspect(&p.cname("app", 1), "{{.State.Status}}"), "created");
}
