//! `hoist down`, `stop`, `start`, `restart`, `rm`, `kill`, `pause`/`unpause` against the real
//! engine: named volumes kept without `-v`, external resources never removed, no compose file
//! needed, `--profile` restricting `down`/`stop` — verified through the engine.

mod lifecycle_support;

use lifecycle_support::*;

#[test]
fn down_keeps_named_volumes_without_v_and_removes_them_with_v() {
    require_engine();
    let compose = format!(
        "services:\n  db:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n    volumes: [data:/data]\nvolumes:\n  data: {{}}\n"
    );
    let p = TestProject::new("vol", &compose);
    p.hoist_ok(&["up", "-d"]);
    let volume = format!("{}_data", p.name);
    let network = format!("{}_default", p.name);
    assert!(exists("volume", &volume));
    p.hoist_ok(&["down"]);
    assert!(p.containers().is_empty());
    assert!(!exists("network", &network));
    assert!(exists("volume", &volume), "named volume kept without -v");
    p.hoist_ok(&["up", "-d"]);
    p.hoist_ok(&["down", "-v"]);
    assert!(!exists("volume", &volume), "named volume removed with -v");
}

#[test]
fn external_network_and_volume_are_never_removed() {
    require_engine();
    let tag = format!("hlcext{}", std::process::id());
    let ext_net = format!("{tag}_net");
    let ext_vol = format!("{tag}_vol");
    let compose = format!(
        r#"services:
  app:
    image: {IMAGE}
    command: ["sleep", "3600"]
    networks: [outside]
    volumes: [shared:/shared]
networks:
  outside:
    external: true
    name: {ext_net}
volumes:
  shared:
    external: true
    name: {ext_vol}
"#
    );
    let mut p = TestProject::new("ext", &compose);
    p.extra_networks.push(ext_net.clone());
    p.extra_volumes.push(ext_vol.clone());
    docker(&["network", "create", &ext_net]);
    docker(&["volume", "create", &ext_vol]);
    p.hoist_ok(&["up", "-d"]);
    assert!(inspect(&p.cname("app", 1), "{{json .NetworkSettings.Networks}}").contains(&ext_net));
    p.hoist_ok(&["down", "-v"]);
    assert!(p.containers().is_empty());
    assert!(exists("network", &ext_net), "external network kept");
    assert!(exists("volume", &ext_vol), "external volume kept");
}

#[test]
fn missing_external_network_fails_clearly() {
    require_engine();
    let compose = format!(
        "services:\n  app:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n    networks: [outside]\nnetworks:\n  outside:\n    external: true\n    name: hlc-no-such-network\n"
    );
    let p = TestProject::new("extmiss", &compose);
    let out = p.hoist(&["up", "-d"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("hlc-no-such-network"), "{}", text(&out));
    assert!(!exists("network", "hlc-no-such-network"));
}

#[test]
fn down_works_without_a_compose_file_and_leaves_other_projects_alone() {
    require_engine();
    let compose = format!(
        "services:\n  web:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n    volumes: [data:/data]\nvolumes:\n  data: {{}}\n"
    );
    let p = TestProject::new("nofile", &compose);
    let other = TestProject::new("other", &compose);
    p.hoist_ok(&["up", "-d"]);
    other.hoist_ok(&["up", "-d"]);
    let empty = std::env::temp_dir().join(format!("hlc-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("empty dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoist"))
        .current_dir(&empty)
        .args(["-p", &p.name, "down"])
        .output()
        .expect("run hoist");
    assert!(out.status.success(), "{}", text(&out));
    assert!(p.containers().is_empty());
    assert!(!exists("network", &format!("{}_default", p.name)));
    assert!(
        exists("volume", &format!("{}_data", p.name)),
        "no -v: volume kept"
    );
    assert_eq!(
        other.names(),
        [other.cname("web", 1)],
        "other project untouched"
    );
    assert_eq!(
        inspect(&other.cname("web", 1), "{{.State.Running}}"),
        "true"
    );
    let _ = std::fs::remove_dir_all(&empty);
}

fn profiled() -> String {
    format!(
        r#"services:
  base:
    image: {IMAGE}
    command: ["sleep", "3600"]
  debug:
    image: {IMAGE}
    command: ["sleep", "3600"]
    profiles: [tools]
"#
    )
}

#[test]
fn down_and_stop_with_a_profile_touch_only_that_profile() {
    require_engine();
    let p = TestProject::new("prof", &profiled());
    p.hoist_ok(&["--profile", "tools", "up", "-d"]);
    assert_eq!(p.names(), [p.cname("base", 1), p.cname("debug", 1)]);
    p.hoist_ok(&["--profile", "tools", "stop"]);
    assert_eq!(inspect(&p.cname("base", 1), "{{.State.Running}}"), "true");
    assert_eq!(inspect(&p.cname("debug", 1), "{{.State.Running}}"), "false");
    p.hoist_ok(&["--profile", "tools", "down"]);
    assert_eq!(p.names(), [p.cname("base", 1)]);
    assert_eq!(inspect(&p.cname("base", 1), "{{.State.Running}}"), "true");
    assert!(
        exists("network", &format!("{}_default", p.name)),
        "still used by base"
    );
}

#[test]
fn stop_start_restart_pause_unpause_kill_rm() {
    require_engine();
    let compose = format!(
        r#"services:
  db:
    image: {IMAGE}
    command: ["sleep", "3600"]
  web:
    image: {IMAGE}
    command: ["sleep", "3600"]
    depends_on: [db]
"#
    );
    let p = TestProject::new("life", &compose);
    p.hoist_ok(&["up", "-d"]);
    let db = p.cname("db", 1);
    let web = p.cname("web", 1);

    p.hoist_ok(&["stop", "-t", "1", "db"]);
    assert_eq!(inspect(&db, "{{.State.Running}}"), "false");
    assert_eq!(
        inspect(&web, "{{.State.Running}}"),
        "false",
        "dependent stopped too"
    );
    p.hoist_ok(&["start"]);
    assert_eq!(inspect(&db, "{{.State.Running}}"), "true");
    assert_eq!(inspect(&web, "{{.State.Running}}"), "true");

    let web_started = inspect(&web, "{{.State.StartedAt}}");
    let db_started = inspect(&db, "{{.State.StartedAt}}");
    p.hoist_ok(&["restart", "-t", "1", "db"]);
    assert_ne!(inspect(&db, "{{.State.StartedAt}}"), db_started);
    assert_ne!(
        inspect(&web, "{{.State.StartedAt}}"),
        web_started,
        "dependent restarted"
    );
    let web_started = inspect(&web, "{{.State.StartedAt}}");
    p.hoist_ok(&["restart", "--no-deps", "-t", "1", "db"]);
    assert_eq!(
        inspect(&web, "{{.State.StartedAt}}"),
        web_started,
        "--no-deps"
    );

    p.hoist_ok(&["pause", "web"]);
    assert_eq!(inspect(&web, "{{.State.Status}}"), "paused");
    p.hoist_ok(&["unpause", "web"]);
    assert_eq!(inspect(&web, "{{.State.Status}}"), "running");

    p.hoist_ok(&["kill", "web"]);
    assert_eq!(inspect(&web, "{{.State.Status}}"), "exited");
    assert_eq!(inspect(&web, "{{.State.ExitCode}}"), "137");
    p.hoist_ok(&["rm", "-f"]);
    assert_eq!(
        p.names(),
        vec![db.clone()],
        "only the stopped container removed"
    );
    p.hoist_ok(&["rm", "-f", "-s", "db"]);
    assert!(p.containers().is_empty());
}
