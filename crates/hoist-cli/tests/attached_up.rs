//! Integration tests of attached `hoist up` (no `-d`) against the real Docker Engine: output
//! multiplexing, the end of `up` when every attached container exited, `--exit-code-from`,
//! `--abort-on-container-exit`, Ctrl-C (SIGINT) handling, re-following restarted containers
//! and `--no-attach`. Effects are checked through the engine (`docker inspect`); each test
//! uses its own project, removed on drop even when the test fails. Engine tests fail (never
//! skip) when no engine answers.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const IMAGE: &str = "hoist-test/busybox:latest";
const REFERENCE: &str = "/root/.pyenv/versions/3.11.7/bin/docker-compose";

/// A project directory with a unique name; its containers, networks and volumes are removed on
/// drop.
struct Attached {
    name: String,
    dir: PathBuf,
}

impl Attached {
    fn new(tag: &str, compose: &str) -> Attached {
        let name = format!("hatt{tag}{}", std::process::id());
        let dir = std::env::temp_dir().join(format!("hoist-attached-{name}"));
        std::fs::create_dir_all(&dir).expect("project directory");
        std::fs::write(dir.join("compose.yaml"), compose).expect("compose.yaml");
        Attached { name, dir }
    }

    /// `hoist -p NAME ARGS` with stdout/stderr going to files in the project directory.
    fn spawn(&self, args: &[&str]) -> Child {
        self.spawn_with(env!("CARGO_BIN_EXE_hoist"), args, "hoist")
    }

    fn spawn_with(&self, program: &str, args: &[&str], tag: &str) -> Child {
        let out = std::fs::File::create(self.dir.join(format!("{tag}.out"))).expect("out file");
        let err = std::fs::File::create(self.dir.join(format!("{tag}.err"))).expect("err file");
        Command::new(program)
            .arg("-p")
            .arg(&self.name)
            .args(args)
            .current_dir(&self.dir)
            .env_remove("NO_COLOR")
            .env_remove("COMPOSE_PROGRESS")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn")
    }

    fn output(&self, tag: &str) -> (String, String) {
        let read = |ext: &str| {
            std::fs::read_to_string(self.dir.join(format!("{tag}.{ext}"))).unwrap_or_default()
        };
        (read("out"), read("err"))
    }

    /// Runs `hoist up ARGS` to completion (at most 90 s): exit status, stdout, stderr.
    fn up(&self, args: &[&str]) -> (ExitStatus, String, String) {
        let mut full = vec!["up"];
        full.extend_from_slice(args);
        let mut child = self.spawn(&full);
        let status = wait_for(&mut child, Duration::from_secs(90));
        let (out, err) = self.output("hoist");
        (status, out, err)
    }

    /// Waits (at most 30 s) until `inspect(service, format)` is `expected`; returns the last
    /// value seen.
    fn eventually(&self, service: &str, format: &str, expected: &str) -> String {
        let start = Instant::now();
        loop {
            let value = self.inspect(service, format);
            if value == expected || start.elapsed() > Duration::from_secs(30) {
                return value;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `docker inspect -f FORMAT PROJECT-SERVICE-1`.
    fn inspect(&self, service: &str, format: &str) -> String {
        let out = Command::new("docker")
            .args([
                "inspect",
                "-f",
                format,
                &format!("{}-{service}-1", self.name),
            ])
            .output()
            .expect("docker inspect");
        assert!(
            out.status.success(),
            "inspect {service}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Attached {
    fn drop(&mut self) {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let ids = Command::new("docker")
            .args(["ps", "-aq", "--filter", &label])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        for id in ids.split_whitespace() {
            let _ = Command::new("docker").args(["rm", "-f", "-v", id]).output();
        }
        for kind in ["network", "volume"] {
            let names = Command::new("docker")
                .args([kind, "ls", "-q", "--filter", &label])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            for n in names.split_whitespace() {
                let _ = Command::new("docker").args([kind, "rm", n]).output();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Waits for `child`, killing it after `limit` (then the test fails).
fn wait_for(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`up` did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Output lines without Docker Compose's `\r\x1b[K` status-line prefix and with the prefix
/// padding collapsed, sorted. (Docker Compose pads to the names registered so far, which
/// depends on which container prints first; Hoist aligns all attached names from the start.)
fn normalised_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| {
            let l = l.trim_start_matches("\r\x1b[K");
            match l.split_once(" | ") {
                Some((name, rest)) => format!("{} | {rest}", name.trim_end()),
                None => l.to_string(),
            }
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn attached_up_prints_prefixed_output_and_ends_when_all_exit() {
    let compose = format!(
        "services:\n  a:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"echo hello from a; echo warn from a >&2\"]\n  bb:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"sleep 1; echo hello from bb; sleep 1\"]\n"
    );
    let p = Attached::new("all", &compose);
    let (status, out, err) = p.up(&[]);
    assert_eq!(status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("Attaching to a-1, bb-1"),
        "{out}"
    );
    assert!(lines.contains(&"a-1   | hello from a"), "{out}");
    assert!(lines.contains(&"bb-1  | hello from bb"), "{out}");
    assert!(lines.contains(&"a-1 exited with code 0"), "{out}");
    assert!(lines.contains(&"bb-1 exited with code 0"), "{out}");
    assert!(err.contains("a-1   | warn from a\n"), "{err}");
    // Non-TTY output: no colours, no cursor movements in the logs.
    assert!(!out.contains('\x1b'), "{out:?}");
    assert_eq!(p.inspect("a", "{{.State.Status}}"), "exited");
    assert_eq!(p.inspect("bb", "{{.State.Status}}"), "exited");

    // The reference prints the same lines (up to order and its status-line prefix).
    let _ = Command::new("docker")
        .args([
            "rm",
            "-f",
            &format!("{}-a-1", p.name),
            &format!("{}-bb-1", p.name),
        ])
        .output();
    let mut reference = p.spawn_with(REFERENCE, &["up"], "reference");
    let ref_status = wait_for(&mut reference, Duration::from_secs(90));
    let (ref_out, _) = p.output("reference");
    assert_eq!(ref_status.code(), Some(0));
    assert_eq!(normalised_lines(&out), normalised_lines(&ref_out));
}

#[test]
fn exit_code_from_returns_the_service_code_and_stops_the_others() {
    let compose = format!(
        "services:\n  a:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"sleep 3; echo bye; exit 3\"]\n  b:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.2; done\"]\n"
    );
    let p = Attached::new("code", &compose);
    let (status, out, err) = p.up(&["--exit-code-from", "a"]);
    assert_eq!(status.code(), Some(3), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("a-1  | bye\n"), "{out}");
    assert!(out.contains("a-1 exited with code 3\n"), "{out}");
    assert!(out.contains("b-1  | ready\n"), "{out}");
    assert_eq!(p.inspect("b", "{{.State.Running}}"), "false");
    // Stopped through its TERM trap.
    assert_eq!(p.inspect("b", "{{.State.ExitCode}}"), "0", "{out}");
}

#[test]
fn abort_on_container_exit_stops_the_other_services() {
    let compose = format!(
        "services:\n  a:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"sleep 1; exit 0\"]\n  b:\n    image: {IMAGE}\n    command: [\"sleep\", \"300\"]\n    stop_grace_period: 1s\n"
    );
    let p = Attached::new("abort", &compose);
    let (status, out, err) = p.up(&["--abort-on-container-exit"]);
    assert_eq!(status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(err.contains("Aborting on container exit..."), "{err}");
    assert_eq!(p.inspect("b", "{{.State.Status}}"), "exited");

    // --abort-on-container-failure ignores a zero exit: `b` keeps running until stopped,
    // so `up` is still running after `a` exited.
    let mut child = p.spawn(&["up", "--abort-on-container-failure"]);
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        matches!(child.try_wait(), Ok(None)),
        "up ended although no container failed"
    );
    assert_eq!(p.inspect("b", "{{.State.Running}}"), "true");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn sigint_stops_gracefully_with_status_130() {
    let compose = format!(
        "services:\n  b:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"trap 'echo got TERM; exit 0' TERM; echo b up; while true; do sleep 0.2; done\"]\n"
    );
    let p = Attached::new("sigint", &compose);
    let mut child = p.spawn(&["up"]);
    let start = Instant::now();
    while !p.output("hoist").0.contains("b-1  | b up") {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "b never started: {:?}",
            p.output("hoist")
        );
        assert!(matches!(child.try_wait(), Ok(None)), "up ended early");
        std::thread::sleep(Duration::from_millis(200));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = wait_for(&mut child, Duration::from_secs(60));
    let (out, err) = p.output("hoist");
    assert_eq!(status.code(), Some(130), "stdout:\n{out}\nstderr:\n{err}");
    assert!(
        err.contains("Gracefully Stopping... press Ctrl+C again to force"),
        "{err}"
    );
    assert!(out.contains("b-1  | got TERM\n"), "{out}");
    assert_eq!(p.inspect("b", "{{.State.Status}}"), "exited");
    // Stopped by its TERM trap, not killed.
    assert_eq!(p.inspect("b", "{{.State.ExitCode}}"), "0");
}

#[test]
fn restarted_containers_are_followed_again() {
    let compose = format!(
        "services:\n  r:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"echo run; sleep 1; exit 1\"]\n    restart: on-failure:2\n"
    );
    let p = Attached::new("restart", &compose);
    let (status, out, err) = p.up(&[]);
    assert_eq!(status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert_eq!(out.matches("r-1  | run\n").count(), 3, "{out}");
    assert_eq!(
        out.matches("r-1 exited with code 1 (restarting)\n").count(),
        2,
        "{out}"
    );
    assert!(out.ends_with("r-1 exited with code 1\n"), "{out}");
    assert_eq!(p.inspect("r", "{{.RestartCount}}"), "2");
}

#[test]
fn no_attach_and_attach_false_hide_services() {
    let compose = format!(
        "services:\n  a:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"sleep 1; echo from a\"]\n  quiet:\n    image: {IMAGE}\n    command: [\"echo\", \"from quiet\"]\n    attach: false\n  muted:\n    image: {IMAGE}\n    command: [\"echo\", \"from muted\"]\n"
    );
    let p = Attached::new("noatt", &compose);
    let (status, out, err) = p.up(&["--no-attach", "muted"]);
    assert_eq!(status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.starts_with("Attaching to a-1\n"), "{out}");
    assert!(out.contains("a-1  | from a\n"), "{out}");
    assert!(!out.contains("from quiet"), "{out}");
    assert!(!out.contains("from muted"), "{out}");
    // They ran all the same.
    assert_eq!(
        p.eventually("quiet", "{{.State.Status}}", "exited"),
        "exited"
    );
    assert_eq!(
        p.eventually("muted", "{{.State.Status}}", "exited"),
        "exited"
    );
}

#[test]
fn attach_flags_conflicts_are_worded_as_docker_compose() {
    let p = Attached::new("flags", &format!("services:\n  a:\n    image: {IMAGE}\n"));
    let (status, _, err) = p.up(&["-d", "--abort-on-container-exit"]);
    assert_eq!(status.code(), Some(1));
    assert!(
        err.contains("--detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch"),
        "{err}"
    );
    let (status, _, err) = p.up(&["--attach", "zz"]);
    assert_eq!(status.code(), Some(1));
    assert!(
        err.contains("cannot attach to services not included in up: zz"),
        "{err}"
    );
    let (status, _, err) = p.up(&["--exit-code-from", "zz"]);
    assert_eq!(status.code(), Some(1));
    assert!(err.contains("no such service: zz"), "{err}");
}

#[test]
fn recreated_containers_are_followed_and_up_keeps_running() {
    let compose = format!(
        "services:\n  w:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; echo up on $$HOSTNAME; while true; do sleep 0.2; done\"]\n"
    );
    let p = Attached::new("recreate", &compose);
    let mut child = p.spawn(&["up"]);
    let wait_until = |what: &str, count: usize| {
        let start = Instant::now();
        while p.output("hoist").0.matches(what).count() < count {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "never saw {what:?} {count} times: {:?}",
                p.output("hoist")
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    wait_until("w-1  | up on ", 1);
    let first = p.inspect("w", "{{.Config.Hostname}}");
    let recreated = Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(["-p", &p.name, "up", "-d", "--force-recreate"])
        .current_dir(&p.dir)
        .output()
        .expect("hoist up -d");
    assert!(
        recreated.status.success(),
        "{}",
        String::from_utf8_lossy(&recreated.stderr)
    );
    wait_until("w-1  | up on ", 2);
    let second = p.inspect("w", "{{.Config.Hostname}}");
    assert_ne!(first, second);
    assert!(
        matches!(child.try_wait(), Ok(None)),
        "attached up ended on the recreation"
    );
    let (out, _) = p.output("hoist");
    assert!(out.contains(&format!("w-1  | up on {first}\n")), "{out}");
    assert!(out.contains(&format!("w-1  | up on {second}\n")), "{out}");
    assert!(out.contains("w-1 has been recreated\n"), "{out}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = wait_for(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(130));
    assert_eq!(p.inspect("w", "{{.State.Status}}"), "exited");
}

#[test]
fn dependencies_are_attached_only_on_request() {
    let compose = format!(
        "services:\n  db:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"echo from db; sleep 1\"]\n  app:\n    image: {IMAGE}\n    command: [\"sh\", \"-c\", \"sleep 2; echo from app\"]\n    depends_on: [db]\n"
    );
    let p = Attached::new("deps", &compose);
    let (status, out, err) = p.up(&["app"]);
    assert_eq!(status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.starts_with("Attaching to app-1\n"), "{out}");
    assert!(out.contains("app-1  | from app\n"), "{out}");
    assert!(!out.contains("from db"), "{out}");
    assert_eq!(p.eventually("db", "{{.State.Status}}", "exited"), "exited");

    let (status, out, err) = p.up(&["--attach-dependencies", "--force-recreate", "app"]);
    assert_eq!(status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.starts_with("Attaching to app-1, db-1\n"), "{out}");
    assert!(out.contains("db-1   | from db\n"), "{out}");
    assert!(out.contains("app-1  | from app\n"), "{out}");

    let (status, _, err) = p.up(&["--attach", "db", "--attach-dependencies"]);
    assert_eq!(status.code(), Some(1));
    assert!(
        err.contains("cannot combine --attach and --attach-dependencies"),
        "{err}"
    );
}
