//! Integration tests of `exec`, `run`, `attach`, `cp` and `stats` against the real engine:
//! the built `hoist` binary runs piped or on a pseudo-terminal, and every effect is checked
//! through the engine (`docker inspect`, `docker exec`, `docker ps`).

mod interactive_support;
mod socat_support;

use interactive_support::{docker, inspect, Project, IMAGE};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

fn sleeper(extra: &str) -> String {
    format!(
        "services:\n  app:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n    init: true\n{extra}"
    )
}

#[test]
fn exec_pipes_stdin_and_returns_exit_codes() {
    let p = Project::new("ex", &sleeper(""));
    p.ok(&["up", "-d"]);
    let out = p.run(&["exec", "-T", "app", "cat"], b"piped through\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "piped through\n");
    assert_eq!(out.status.code(), Some(0));
    for (script, code) in [
        ("exit 0", 0),
        ("exit 1", 1),
        ("exit 3", 3),
        ("kill -9 $$", 137),
    ] {
        let out = p.run(&["exec", "-T", "app", "sh", "-c", script], b"");
        assert_eq!(out.status.code(), Some(code), "{script}");
    }
    let out = p.run(
        &[
            "exec",
            "-T",
            "-e",
            "GREETING=hi",
            "-w",
            "/tmp",
            "-u",
            "nobody",
            "app",
            "sh",
            "-c",
            "echo $GREETING $(pwd) $(id -un); echo oops >&2",
        ],
        b"",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hi /tmp nobody\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "oops\n");
    // Detached: returns at once, the process runs in the container.
    p.ok(&["exec", "-d", "app", "sh", "-c", "echo done > /tmp/detached"]);
    std::thread::sleep(Duration::from_millis(500));
    let container = format!("{}-app-1", p.name);
    assert_eq!(
        docker(&["exec", &container, "cat", "/tmp/detached"]),
        "done\n"
    );
    // A replica that does not exist.
    let out = p.run(&["exec", "--index", "2", "-T", "app", "true"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not running container #2"));
}

#[test]
fn exec_tty_echoes_resizes_interrupts_and_restores_the_terminal() {
    let p = Project::new("et", &sleeper(""));
    p.ok(&["up", "-d"]);
    let r = p.on_pty(
        &["exec", "app", "sh"],
        json!([
            ["wait_for", "# ", 10],
            ["send", "echo typed-$((40+2))\n"],
            ["wait_for", "typed-42", 5],
            ["send", "stty size\n"],
            ["wait_for", "24 80", 5],
            ["resize", 33, 101],
            ["sleep", 0.5],
            ["send", "stty size\n"],
            ["wait_for", "33 101", 5],
            ["send", "sleep 60; echo not-$((1+1))-interrupted\n"],
            ["sleep", 0.5],
            ["send", "\u{3}"],
            ["sleep", 0.5],
            ["send", "echo after-ctrl-c\n"],
            ["wait_for", "after-ctrl-c\r\n", 5],
            ["send", "exit 7\n"]
        ]),
    );
    assert!(r.output.contains("typed-42"), "{}", r.output);
    assert!(r.output.contains("24 80"), "{}", r.output);
    assert!(r.output.contains("33 101"), "{}", r.output);
    assert!(r.output.contains("after-ctrl-c\r\n"), "{}", r.output);
    assert!(!r.output.contains("not-2-interrupted"), "{}", r.output);
    assert_eq!(r.exit, 7, "{}", r.output);
    assert!(r.echo && r.icanon, "terminal not restored");
}

#[test]
fn run_creates_a_oneoff_container_like_docker_compose() {
    let p = Project::new(
        "ru",
        &format!(
            "{}    ports: [\"18123:80\"]\n    restart: always\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n    init: true\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 1s\n",
            sleeper("")
        ),
    );
    // Detached, kept: inspect it.
    let out = p.run(
        &["run", "-d", "--label", "extra=yes", "app", "sleep", "300"],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(id.len(), 64, "prints the container ID: {id:?}");
    let name = inspect(&id, "{{.Name}}");
    let prefix = format!("/{}-app-run-", p.name);
    assert!(name.starts_with(&prefix), "{name}");
    let short = name.trim_start_matches(&prefix);
    assert_eq!(short.len(), 12);
    let slug = inspect(&id, "{{index .Config.Labels \"com.docker.compose.slug\"}}");
    assert!(slug.starts_with(short) && slug.len() == 64, "{slug}");
    assert_eq!(
        inspect(
            &id,
            "{{index .Config.Labels \"com.docker.compose.oneoff\"}}"
        ),
        "True"
    );
    assert_eq!(inspect(&id, "{{index .Config.Labels \"extra\"}}"), "yes");
    assert_eq!(inspect(&id, "{{.HostConfig.RestartPolicy.Name}}"), "");
    assert_eq!(inspect(&id, "{{len .HostConfig.PortBindings}}"), "0");
    // The dependency was started and is healthy.
    let db = format!("{}-db-1", p.name);
    assert_eq!(inspect(&db, "{{.State.Health.Status}}"), "healthy");
    // The service's own replica was not created.
    assert!(!p.containers().contains(&format!("{}-app-1", p.name)));

    // Attached, piped, removed, exit code propagated.
    let out = p.run(
        &[
            "run",
            "--rm",
            "-T",
            "-e",
            "K=v",
            "app",
            "sh",
            "-c",
            "cat; echo $K; exit 3",
        ],
        b"in\n",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "in\nv\n");
    assert_eq!(out.status.code(), Some(3));
    let oneoffs: Vec<String> = p
        .containers()
        .into_iter()
        .filter(|c| c.contains("-run-"))
        .collect();
    assert_eq!(
        oneoffs.len(),
        1,
        "only the detached one is left: {oneoffs:?}"
    );

    // --service-ports publishes, --name names, --entrypoint replaces.
    let out = p.run(
        &[
            "run",
            "-d",
            "--service-ports",
            "--name",
            &format!("{}-named", p.name),
            "--entrypoint",
            "sleep",
            "app",
            "300",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let named = format!("{}-named", p.name);
    assert_eq!(
        inspect(
            &named,
            "{{(index (index .HostConfig.PortBindings \"80/tcp\") 0).HostPort}}"
        ),
        "18123"
    );
    assert_eq!(
        inspect(&named, "{{json .Config.Entrypoint}}"),
        "[\"sleep\"]"
    );
    assert_eq!(inspect(&named, "{{json .Config.Cmd}}"), "[\"300\"]");
}

#[test]
fn run_rm_interrupted_leaves_nothing_behind() {
    // Without init: PID 1 ignores SIGINT, so Hoist's second signal ends the session.
    let p = Project::new(
        "ri",
        &format!("services:\n  app:\n    image: {IMAGE}\n    command: [\"sleep\", \"3600\"]\n"),
    );
    let mut child = p
        .cmd(&["run", "--rm", "-T", "app", "sleep", "300"])
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("start hoist run");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while p.containers().iter().all(|c| !c.contains("-run-")) {
        assert!(
            std::time::Instant::now() < deadline,
            "no run container appeared"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(800));
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status();
    std::thread::sleep(Duration::from_millis(500));
    let _ = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status();
    let status = child.wait().expect("wait for hoist");
    assert_eq!(status.code(), Some(130));
    assert!(
        p.containers().iter().all(|c| !c.contains("-run-")),
        "left behind: {:?}",
        p.containers()
    );
}

#[test]
fn run_tty_forwards_ctrl_c_and_propagates_the_exit_code() {
    let p = Project::new("rt", &sleeper(""));
    let r = p.on_pty(
        &["run", "--rm", "app", "sh"],
        json!([
            ["wait_for", "# ", 20],
            ["send", "stty size\n"],
            ["wait_for", "24 80", 5],
            ["send", "sleep 60; echo not-$((1+1))-interrupted\n"],
            ["sleep", 0.5],
            ["send", "\u{3}"],
            ["sleep", 0.5],
            ["send", "exit 4\n"]
        ]),
    );
    assert!(r.output.contains("24 80"), "{}", r.output);
    assert!(!r.output.contains("not-2-interrupted"), "{}", r.output);
    assert_eq!(r.exit, 4, "{}", r.output);
    assert!(r.echo && r.icanon, "terminal not restored");
    assert!(p.containers().iter().all(|c| !c.contains("-run-")));
}

#[test]
fn attach_detaches_with_the_detach_keys() {
    let p = Project::new(
        "at",
        &format!(
            "services:\n  shell:\n    image: {IMAGE}\n    command: [\"sh\"]\n    stdin_open: true\n    tty: true\n"
        ),
    );
    p.ok(&["up", "-d"]);
    let r = p.on_pty(
        &["attach", "--detach-keys", "ctrl-x", "shell"],
        json!([
            ["sleep", 1.5],
            ["send", "echo attached-$((1+1))\n"],
            ["wait_for", "attached-2", 5],
            ["send", "\u{18}"],
            ["sleep", 1]
        ]),
    );
    assert!(r.output.contains("attached-2"), "{}", r.output);
    assert_eq!(r.exit, 0, "{}", r.output);
    assert!(r.echo && r.icanon, "terminal not restored");
    let container = format!("{}-shell-1", p.name);
    assert_eq!(inspect(&container, "{{.State.Running}}"), "true");
}

#[test]
fn cp_round_trips_binary_files_and_trees() {
    let p = Project::new("cp", &sleeper(""));
    p.ok(&["up", "-d"]);
    let container = format!("{}-app-1", p.name);
    let src = p.dir.join("tree");
    std::fs::create_dir_all(src.join("sub")).expect("mkdir");
    let binary: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(src.join("sub/data.bin"), &binary).expect("write");
    std::fs::set_permissions(
        src.join("sub/data.bin"),
        std::fs::Permissions::from_mode(0o741),
    )
    .expect("chmod");
    std::fs::write(src.join("plain.txt"), "hello\n").expect("write");
    std::os::unix::fs::symlink("sub/data.bin", src.join("link")).expect("symlink");

    let tree = src.display().to_string();
    p.ok(&["cp", &tree, "app:/tmp/"]);
    // Checked inside the container.
    assert_eq!(
        docker(&[
            "exec",
            &container,
            "stat",
            "-c",
            "%a %s",
            "/tmp/tree/sub/data.bin"
        ]),
        "741 70000\n"
    );
    assert_eq!(
        docker(&["exec", &container, "readlink", "/tmp/tree/link"]),
        "sub/data.bin\n"
    );
    let inside = std::process::Command::new("docker")
        .args(["exec", &container, "cat", "/tmp/tree/sub/data.bin"])
        .output()
        .expect("docker exec");
    assert_eq!(inside.stdout, binary);

    // Back to a new local directory.
    let back = p.dir.join("back");
    p.ok(&["cp", "app:/tmp/tree", &back.display().to_string()]);
    assert_eq!(
        std::fs::read(back.join("sub/data.bin")).ok(),
        Some(binary.clone())
    );
    let mode = std::fs::metadata(back.join("sub/data.bin")).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o741));
    assert_eq!(
        std::fs::read_link(back.join("link")).ok(),
        Some(std::path::PathBuf::from("sub/data.bin"))
    );

    // A single file under a new name, -L through a link, and a tar stream on stdout.
    p.ok(&[
        "cp",
        &src.join("plain.txt").display().to_string(),
        "app:/tmp/renamed.txt",
    ]);
    assert_eq!(
        docker(&["exec", &container, "cat", "/tmp/renamed.txt"]),
        "hello\n"
    );
    let followed = p.dir.join("followed.bin");
    p.ok(&[
        "cp",
        "-L",
        "app:/tmp/tree/link",
        &followed.display().to_string(),
    ]);
    assert_eq!(std::fs::read(&followed).ok(), Some(binary));
    let tar = p.run(&["cp", "app:/tmp/renamed.txt", "-"], b"");
    assert!(tar.status.success());
    assert_eq!(tar.stdout.len() % 512, 0, "a tar stream");
    assert!(tar.stdout.windows(6).any(|w| w == b"hello\n"));
    // And a tar stream from stdin (into an existing directory).
    docker(&["exec", &container, "mkdir", "-p", "/srv"]);
    let into = p.run(&["cp", "-", "app:/srv"], &tar.stdout);
    assert!(
        into.status.success(),
        "{}",
        String::from_utf8_lossy(&into.stderr)
    );
    assert_eq!(
        docker(&["exec", &container, "cat", "/srv/renamed.txt"]),
        "hello\n"
    );
}

#[test]
fn stats_reports_every_running_container() {
    let p = Project::new("st", &sleeper(""));
    p.ok(&["up", "-d"]);
    let out = p.ok(&["stats", "--no-stream", "--format", "json"]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert_eq!(lines[0]["Name"], format!("{}-app-1", p.name));
    let id = inspect(&format!("{}-app-1", p.name), "{{.Id}}");
    assert_eq!(lines[0]["Container"], id);
    assert_eq!(lines[0]["ID"], id[..12]);
    let pids: u32 = lines[0]["PIDs"]
        .as_str()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    assert!(pids >= 1, "{out}");
    let table = p.ok(&["stats", "--no-stream"]);
    assert!(table.starts_with("CONTAINER ID   NAME "), "{table}");
}

/// Starts `cmd` (a `hoist` command) with piped output, waits until its output contains `ready`, sends
/// `signal` to Hoist, and returns (exit code, stdout followed by stderr). Fails when Hoist
/// is still running a minute after the signal.
fn signal_after_ready(
    mut cmd: std::process::Command,
    ready: &str,
    signal: &str,
) -> (Option<i32>, String) {
    use std::io::Read;
    let args: Vec<_> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start hoist");
    let mut stderr = child.stderr.take().expect("stderr");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !String::from_utf8_lossy(&seen).contains(ready) {
        assert!(
            std::time::Instant::now() < deadline,
            "never ready: {}",
            String::from_utf8_lossy(&seen)
        );
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.extend(chunk);
        }
    }
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status();
    // Hoist must end promptly: the process in the container ends on the signal.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(300)) {
        seen.extend(chunk);
    }
    let stdout = String::from_utf8_lossy(&seen).to_string();
    let stderr = stderr_reader.join().unwrap_or_default();
    let Some(status) = status else {
        panic!("hoist {args:?} still ran 60 s after SIG{signal}; stdout: {stdout:?}; stderr: {stderr:?}");
    };
    (status.code(), format!("{stdout}{stderr}"))
}

#[test]
fn signals_to_hoist_reach_the_process_in_the_container() {
    let p = Project::new("sg", &sleeper(""));
    p.ok(&["up", "-d"]);
    let script = "trap 'echo got-$SIG; exit 5' $SIG; echo ready; while true; do sleep 0.1; done";
    // run: SIGTERM to Hoist → SIGTERM to the container's main process (a shell, PID 1).
    let (code, out) = signal_after_ready(
        p.cmd(&[
            "run", "--rm", "-T", "-e", "SIG=TERM", "app", "sh", "-c", script,
        ]),
        "ready",
        "TERM",
    );
    assert!(out.contains("got-TERM"), "{out}");
    assert_eq!(code, Some(5));
    assert!(p.containers().iter().all(|c| !c.contains("-run-")));
    // exec: SIGINT to Hoist → SIGINT to the exec'd process.
    let (code, out) = signal_after_ready(
        p.cmd(&["exec", "-T", "-e", "SIG=INT", "app", "sh", "-c", script]),
        "ready",
        "INT",
    );
    assert!(out.contains("got-INT"), "{out}");
    assert_eq!(code, Some(5));
}

#[test]
fn a_signal_that_cannot_reach_an_exec_process_ends_hoist_with_a_warning() {
    let p = Project::new("su", &sleeper(""));
    p.ok(&["up", "-d"]);
    // Over TCP (a plain `socat` front) the engine may be on another host: its PIDs mean
    // nothing here, and without a TTY there is no terminal to type Ctrl-C into.
    let front = socat_support::SocatFront::plain();
    let mut cmd = p.cmd(&[
        "exec",
        "-T",
        "app",
        "sh",
        "-c",
        "echo ready; while true; do sleep 0.1; done # unreachable",
    ]);
    for var in hoist_engine::endpoint::ENGINE_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.env("DOCKER_HOST", front.host());
    let (code, out) = signal_after_ready(cmd, "ready", "INT");
    assert_eq!(code, Some(130), "{out}");
    assert!(
        out.contains(
            "warning: cannot send SIGINT to the command in the container (the engine is not \
             on this host); it may still be running there"
        ),
        "{out}"
    );
    // As with `docker exec`, the command goes on in the container.
    let top = docker(&["top", &format!("{}-app-1", p.name)]);
    assert!(top.contains("# unreachable"), "{top}");
}

#[test]
fn run_publishes_ports_only_when_asked_and_aliases_with_use_aliases() {
    let p = Project::new(
        "rp",
        &format!(
            "services:\n  app:\n    image: {IMAGE}\n    command: [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/etc\"]\n    ports: [\"80\"]\n"
        ),
    );
    let out = p.run(&["run", "-d", "-p", "127.0.0.1::80", "app"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let port = inspect(
        &id,
        "{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}",
    );
    // The published port answers.
    let mut body = String::new();
    for _ in 0..50 {
        if let Ok(mut s) = std::net::TcpStream::connect(format!("127.0.0.1:{port}")) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /hostname HTTP/1.0\r\n\r\n");
            let _ = s.read_to_string(&mut body);
            if body.contains("200") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(body.contains("200 OK"), "{body}");
    // No -p / --service-ports: nothing published; aliases only with --use-aliases.
    let plain = String::from_utf8_lossy(&p.run(&["run", "-d", "app"], b"").stdout)
        .trim()
        .to_string();
    assert_eq!(inspect(&plain, "{{len .HostConfig.PortBindings}}"), "0");
    let net = format!("{}_default", p.name);
    let aliases = inspect(
        &plain,
        &format!("{{{{json (index .NetworkSettings.Networks \"{net}\").Aliases}}}}"),
    );
    assert!(!aliases.contains("\"app\""), "{aliases}");
    let aliased =
        String::from_utf8_lossy(&p.run(&["run", "-d", "--use-aliases", "app"], b"").stdout)
            .trim()
            .to_string();
    let aliases = inspect(
        &aliased,
        &format!("{{{{json (index .NetworkSettings.Networks \"{net}\").Aliases}}}}"),
    );
    assert!(aliases.contains("\"app\""), "{aliases}");
}

#[test]
fn run_rm_leaves_nothing_even_when_hoist_is_killed() {
    let p = Project::new(
        "rk",
        &format!("services:\n  app:\n    image: {IMAGE}\n    command: [\"true\"]\n"),
    );
    let mut child = p
        .cmd(&["run", "--rm", "-T", "app", "sleep", "2"])
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("start hoist run");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    // Killed once the container runs (between create and start nothing can help: the
    // engine only auto-removes containers that ran).
    let label = format!("label=com.docker.compose.project={}", p.name);
    while docker(&["ps", "-q", "--filter", &label, "--filter", "status=running"])
        .trim()
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "no run container started"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    // The engine removes the container when it exits (AutoRemove).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while p.containers().iter().any(|c| c.contains("-run-")) {
        assert!(
            std::time::Instant::now() < deadline,
            "left behind: {:?}",
            p.containers()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The reference Docker Compose v5 binary.
const REFERENCE: &str = "/root/.pyenv/versions/3.11.7/bin/docker-compose";

#[test]
fn run_labels_match_docker_compose() {
    let p = Project::new("rh", &sleeper("    restart: always\n    ports: [\"80\"]\n"));
    let name = format!("{}-fixed", p.name);
    let flags = [
        "-e",
        "A=b",
        "-u",
        "nobody",
        "-w",
        "/tmp",
        "--entrypoint",
        "sh",
        "-l",
        "x=y",
    ];
    let mut reference_args = vec!["-p", p.name.as_str(), "run", "-d", "--name", name.as_str()];
    reference_args.extend(flags);
    reference_args.push("app");
    let out = std::process::Command::new(REFERENCE)
        .current_dir(&p.dir)
        .args(&reference_args)
        .output()
        .expect("run the reference docker-compose");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let labels_of = |container: &str| {
        let text = inspect(container, "{{json .Config.Labels}}");
        let mut map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).expect("labels json");
        map.remove("com.docker.compose.slug");
        map
    };
    let reference = labels_of(&name);
    docker(&["rm", "-f", &name]);
    let mut ours_args = vec!["run", "-d", "--name", name.as_str()];
    ours_args.extend(flags);
    ours_args.push("app");
    p.ok(&ours_args);
    let ours = labels_of(&name);
    // Identical labels, config hash included (the service after the run flags).
    let keys =
        |m: &serde_json::Map<String, serde_json::Value>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&ours), keys(&reference));
    for key in [
        "com.docker.compose.config-hash",
        "com.docker.compose.oneoff",
        "com.docker.compose.service",
        "com.docker.compose.project",
        "x",
    ] {
        assert_eq!(ours.get(key), reference.get(key), "{key}");
    }
    assert_eq!(
        inspect(
            &name,
            "[{{.HostConfig.RestartPolicy.Name}}] {{len .HostConfig.PortBindings}}"
        ),
        "[] 0"
    );
}

#[test]
fn run_waits_for_completed_dependencies_and_no_deps_skips_them() {
    let p = Project::new(
        "rd",
        &format!(
            "services:\n  app:\n    image: {IMAGE}\n    command: [\"true\"]\n    depends_on:\n      init:\n        condition: service_completed_successfully\n  init:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"sleep 1; exit 0\"]\n"
        ),
    );
    // --no-deps: the dependency is not created.
    p.ok(&["run", "--rm", "--no-deps", "-T", "app", "true"]);
    assert!(p.containers().is_empty(), "{:?}", p.containers());
    // Without: the dependency ran to completion before the one-off started.
    let out = p.run(&["run", "--rm", "-T", "app", "echo", "after-init"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "after-init\n");
    let init = format!("{}-init-1", p.name);
    assert_eq!(
        inspect(&init, "{{.State.Status}} {{.State.ExitCode}}"),
        "exited 0"
    );
}

#[test]
fn terminal_is_restored_when_hoist_is_signalled_in_raw_mode() {
    let p = Project::new("rs", &sleeper(""));
    p.ok(&["up", "-d"]);
    // An interactive shell ignores the forwarded SIGTERM; the second one ends the session.
    let r = p.on_pty(
        &["exec", "app", "sh"],
        json!([
            ["wait_for", "# ", 10],
            ["signal", "TERM"],
            ["sleep", 0.5],
            ["signal", "TERM"],
            ["sleep", 0.5]
        ]),
    );
    assert_eq!(r.exit, 130, "{}", r.output);
    assert!(r.echo && r.icanon, "terminal not restored");
}
