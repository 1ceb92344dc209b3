//! Engine tests of the read-side commands (`ps`, `ls`, `images`, `top`, `port`, `logs`,
//! `events`, `wait`): each test creates its containers with the reference Docker Compose
//! (`up -d`), then runs `hoist` and the reference on the same containers and compares the
//! outputs (normalising times), or checks effects through the engine (`docker` CLI).
//!
//! Every test uses its own project name and removes it on drop (also on failure). Without a
//! Docker Engine or the reference these tests FAIL, they never skip.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const IMAGE: &str = "hoist-test/busybox:latest";

fn reference() -> PathBuf {
    if let Some(p) = std::env::var_os("HOIST_REFERENCE_COMPOSE") {
        return PathBuf::from(p);
    }
    let default = PathBuf::from("/root/.pyenv/versions/3.11.7/bin/docker-compose");
    assert!(
        default.exists(),
        "the reference Docker Compose is not available (set HOIST_REFERENCE_COMPOSE)"
    );
    default
}

fn ensure_engine() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for script in ["scripts/ensure-engine.sh", "scripts/test-images.sh"] {
        let out = Command::new("bash")
            .arg(root.join(script))
            .output()
            .expect("run engine script");
        assert!(
            out.status.success(),
            "{script} failed: no Docker Engine? {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A project created with the reference in a temporary directory; removed on drop.
struct Project {
    name: String,
    dir: PathBuf,
}

impl Project {
    fn up(test: &str, compose: &str) -> Project {
        ensure_engine();
        let name = format!("hobs-{test}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("project dir");
        std::fs::write(dir.join("compose.yaml"), compose).expect("compose file");
        let project = Project { name, dir };
        let out = project.reference(&["up", "-d"]);
        assert!(
            out.status.success(),
            "reference up failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        project
    }

    fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.dir)
            .arg("-p")
            .arg(&self.name)
            .args(args)
            .env_remove("COMPOSE_PROJECT_NAME")
            .env_remove("COMPOSE_FILE");
        cmd
    }

    fn reference(&self, args: &[&str]) -> Output {
        self.command(&reference(), args)
            .output()
            .expect("run reference")
    }

    fn hoist(&self, args: &[&str]) -> Output {
        self.command(Path::new(env!("CARGO_BIN_EXE_hoist")), args)
            .output()
            .expect("run hoist")
    }

    fn hoist_spawn(&self, args: &[&str]) -> Child {
        self.command(Path::new(env!("CARGO_BIN_EXE_hoist")), args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn hoist")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = self.reference(&["down", "-v", "-t", "0", "--remove-orphans"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().expect("docker");
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

/// Waits until `check` holds (polling), failing after `timeout`.
fn eventually(timeout: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `Up 3 seconds (healthy)` → `Up (healthy)`, `Exited (3) 2 seconds ago` → `Exited (3)`.
fn normalise_status(status: &str) -> String {
    status
        .split(' ')
        .enumerate()
        .filter(|(i, w)| *i == 0 || w.starts_with('(') || w.ends_with(')'))
        .map(|(_, w)| w)
        .collect::<Vec<_>>()
        .join(" ")
}

fn normalise_ps_json(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).expect("ps json line");
            let obj = v.as_object_mut().expect("object");
            for key in ["Labels", "Networks"] {
                if let Some(Value::String(s)) = obj.get(key) {
                    let mut parts: Vec<&str> = s.split(',').collect();
                    parts.sort();
                    obj.insert(key.into(), Value::String(parts.join(",")));
                }
            }
            obj.insert("RunningFor".into(), Value::Null);
            if let Some(Value::String(s)) = obj.get("Status") {
                obj.insert("Status".into(), Value::String(normalise_status(s)));
            }
            v
        })
        .collect()
}

/// Table output with the time columns' text normalised (column alignment can differ when a
/// duration changes length between the two runs, so whitespace runs are collapsed).
fn normalise_table(text: &str) -> Vec<String> {
    let re = regex::Regex::new(
        r"(Less than a second|About a minute|About an hour|\d+ (seconds?|minutes|hours))( ago)?",
    )
    .expect("regex");
    text.lines()
        .map(|l| {
            let l = re.replace_all(l, "T");
            l.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

const PS_PROJECT: &str = r#"
services:
  web:
    image: hoist-test/busybox:latest
    command: ["sh", "-c", "echo hello from web; echo err line >&2; exec httpd -f -p 80"]
    ports: ["8080", "127.0.0.1::81/udp"]
    labels:
      x.tricky: "a<b>&c"
  worker:
    image: hoist-test/busybox:latest
    command: ["sh", "-c", "i=0; while true; do echo tick $$i; i=$$((i+1)); sleep 1; done"]
    scale: 2
  once:
    image: hoist-test/busybox:latest
    command: ["sh", "-c", "echo done; echo line two; exit 3"]
"#;

#[test]
fn ps_agrees_with_the_reference() {
    let p = Project::up("ps", PS_PROJECT);
    eventually(Duration::from_secs(20), "once to exit", || {
        stdout(&p.hoist(&["ps", "-a", "--status", "exited", "-q"]))
            .lines()
            .count()
            == 1
    });
    for args in [
        vec!["ps", "-a", "--format", "json"],
        vec!["ps", "--format", "json"],
        vec!["ps", "-a", "--no-trunc", "--format", "json"],
        vec!["ps", "--format", "json", "web"],
    ] {
        let ours = p.hoist(&args);
        let theirs = p.reference(&args);
        assert!(
            ours.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
        assert_eq!(
            normalise_ps_json(&stdout(&ours)),
            normalise_ps_json(&stdout(&theirs)),
            "{args:?}"
        );
    }
    for args in [
        vec!["ps"],
        vec!["ps", "-a"],
        vec!["ps", "-a", "--no-trunc"],
        vec!["ps", "-q"],
        vec!["ps", "-a", "--services"],
        vec!["ps", "--status", "exited"],
        vec!["ps", "--filter", "status=running", "-q"],
        vec![
            "ps",
            "-a",
            "--format",
            "{{.Name}} {{.Service}} {{.State}} {{.ID}} {{.Image}} {{.Ports}}",
        ],
        vec![
            "ps",
            "-a",
            "--format",
            "table {{.Name}}\t{{.Status}}\t{{.Ports}}",
        ],
        vec!["ps", "--format", "{{json .Publishers}}"],
    ] {
        let ours = p.hoist(&args);
        let theirs = p.reference(&args);
        assert!(
            ours.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
        assert_eq!(
            normalise_table(&stdout(&ours)),
            normalise_table(&stdout(&theirs)),
            "{args:?}"
        );
    }
    // Unknown filter: exit status 1 for both; unknown service with `-p` and no `-f`: the
    // file is not loaded, so nothing is listed and both succeed.
    assert_eq!(
        p.hoist(&["ps", "--filter", "name=x"]).status.code(),
        Some(1)
    );
    assert_eq!(
        p.reference(&["ps", "--filter", "name=x"]).status.code(),
        Some(1)
    );
    assert_eq!(
        p.hoist(&["ps", "nope"]).status.code(),
        p.reference(&["ps", "nope"]).status.code()
    );
}

#[test]
fn ps_health_and_one_offs_agree_with_the_reference() {
    let p = Project::up(
        "health",
        r#"
services:
  hc:
    image: hoist-test/busybox:latest
    command: ["sleep", "3600"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
  sick:
    image: hoist-test/busybox:latest
    command: ["sleep", "3600"]
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 1
"#,
    );
    let run = p.reference(&["run", "-d", "hc", "sleep", "3600"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    eventually(Duration::from_secs(30), "health results", || {
        let text = stdout(&p.hoist(&["ps", "--format", "{{.Health}}"]));
        text.contains("unhealthy") && text.lines().any(|l| l == "healthy")
    });
    for args in [
        vec!["ps", "--format", "json"],
        vec!["ps", "-a", "--format", "json"],
    ] {
        assert_eq!(
            normalise_ps_json(&stdout(&p.hoist(&args))),
            normalise_ps_json(&stdout(&p.reference(&args))),
            "{args:?}"
        );
    }
    assert_eq!(
        normalise_table(&stdout(&p.hoist(&["ps", "-a"]))),
        normalise_table(&stdout(&p.reference(&["ps", "-a"])))
    );
}

#[test]
fn ls_images_top_port_agree_with_the_reference() {
    let p = Project::up("misc", PS_PROJECT);
    // `once` exits right after it starts: wait for it, so that both tools see the same state.
    eventually(Duration::from_secs(20), "once to exit", || {
        stdout(&p.hoist(&["ps", "-a", "--status", "exited", "-q"]))
            .lines()
            .count()
            == 1
    });
    let filter = format!("name={}", p.name);
    for args in [
        vec!["ls", "--filter", filter.as_str()],
        vec!["ls", "-a", "--filter", filter.as_str(), "--format", "json"],
        vec!["ls", "-a", "-q", "--filter", filter.as_str()],
        vec!["images"],
        vec!["images", "-q"],
        vec!["images", "web"],
        vec!["top", "web"],
        vec!["port", "web", "8080"],
        vec!["port", "--protocol", "udp", "web", "81"],
        vec!["port", "--index", "2", "worker", "80"],
        vec!["port", "web", "9999"],
        vec!["port", "nope", "80"],
    ] {
        let ours = p.hoist(&args);
        let theirs = p.reference(&args);
        assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
        assert_eq!(
            normalise_table(&stdout(&ours)),
            normalise_table(&stdout(&theirs)),
            "{args:?}"
        );
    }
    // The published port answers HTTP on the address `port` printed.
    let address = stdout(&p.hoist(&["port", "web", "8080"]));
    assert!(address.trim().starts_with("0.0.0.0:"), "{address}");
    // images --format json: same objects (the reference's order is random).
    let sorted = |text: String| {
        let mut v: Vec<Value> = serde_json::from_str(&text).expect("images json");
        v.sort_by_key(|x| x["ContainerName"].as_str().unwrap_or("").to_string());
        v
    };
    assert_eq!(
        sorted(stdout(&p.hoist(&["images", "--format", "json"]))),
        sorted(stdout(&p.reference(&["images", "--format", "json"])))
    );
    // top over the whole project: same processes (`sleep 1` children come and go, and one
    // caught between fork and exec still shows as a second shell: rows are compared as a set).
    let stable = |text: String| -> Vec<String> {
        let mut rows: Vec<String> = normalise_table(&text)
            .into_iter()
            .filter(|l| !l.ends_with("sleep 1"))
            .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
            .collect();
        rows.sort();
        rows.dedup();
        rows
    };
    assert_eq!(
        stable(stdout(&p.hoist(&["top"]))),
        stable(stdout(&p.reference(&["top"])))
    );
}

/// Log lines with the prefix padding collapsed, sorted (streams interleave differently).
fn normalise_logs(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| match l.split_once(" | ") {
            Some((name, rest)) => format!("{}|{rest}", name.trim_end()),
            None => l.to_string(),
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn logs_agree_with_the_reference() {
    let p = Project::up("logs", PS_PROJECT);
    eventually(Duration::from_secs(20), "output", || {
        stdout(&p.hoist(&["logs", "once", "web"])).contains("line two")
    });
    for args in [
        vec!["logs", "once", "web"],
        vec!["logs", "--no-log-prefix", "once"],
        vec!["logs", "--tail", "1", "once"],
        vec!["logs", "--index", "1", "web"],
        vec!["logs", "-t", "once"],
    ] {
        let ours = p.hoist(&args);
        let theirs = p.reference(&args);
        assert!(ours.status.success(), "{args:?}");
        // Hoist keeps container stderr on stderr; the reference merges it into stdout.
        let mut merged = stdout(&ours);
        merged.push_str(&String::from_utf8_lossy(&ours.stderr));
        assert_eq!(
            normalise_logs(&merged),
            normalise_logs(&stdout(&theirs)),
            "{args:?}"
        );
    }
    // Exact prefix format: padded to the longest name + 1.
    let out = p.hoist(&["logs", "once", "web"]);
    let text = stdout(&out);
    assert!(text.contains("once-1  | done\n"), "{text}");
    assert!(text.contains("web-1   | hello from web\n"), "{text}");
    assert!(
        !text.contains("err line"),
        "stderr leaked to stdout: {text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("web-1   | err line\n"));
    // Colours only when asked for.
    let coloured = stdout(&p.hoist(&["--ansi", "always", "logs", "once"]));
    assert!(
        coloured.starts_with("\x1b[36monce-1  | \x1b[0m"),
        "{coloured:?}"
    );
    assert!(
        !stdout(&p.hoist(&["--ansi", "always", "logs", "--no-color", "once"])).contains('\x1b')
    );
    // --index of a missing replica fails like the reference.
    let ours = p.hoist(&["logs", "--index", "3", "worker"]);
    assert_eq!(ours.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ours.stderr).contains("is not running container #3"));
}

/// Reads a child's stdout lines on a thread.
fn line_reader(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_for_line(rx: &mpsc::Receiver<String>, seen: &mut Vec<String>, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.iter().any(|l| l.contains(want)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("no line containing {want:?}; got {seen:#?}"),
        }
    }
}

#[test]
fn logs_follow_survives_restarts_and_new_containers() {
    let p = Project::up(
        "follow",
        r#"
services:
  app:
    image: hoist-test/busybox:latest
    command: ["sh", "-c", "echo boot $$(hostname); exec sleep 3600"]
    stop_grace_period: 1s
"#,
    );
    let mut child = p.hoist_spawn(&["logs", "-f"]);
    let rx = line_reader(&mut child);
    let mut seen = Vec::new();
    wait_for_line(&rx, &mut seen, "app-1  | boot");
    // Restart: the new run's output appears (docker/compose#8925), exactly once.
    docker(&["restart", "-t", "0", &format!("{}-app-1", p.name)]);
    wait_for_line(&rx, &mut seen, "app-1 exited with code 137");
    let boots = |seen: &Vec<String>| seen.iter().filter(|l| l.contains("| boot")).count();
    let deadline = Instant::now() + Duration::from_secs(30);
    while boots(&seen) < 2 && Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
            seen.push(line);
        }
    }
    assert_eq!(boots(&seen), 2, "{seen:#?}");
    // A new container created by the reference mid-follow is followed too.
    let out = p.reference(&["up", "-d", "--scale", "app=2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for_line(&rx, &mut seen, "app-2  | boot");
    std::thread::sleep(Duration::from_millis(500));
    while let Ok(line) = rx.try_recv() {
        seen.push(line);
    }
    assert_eq!(boots(&seen), 3, "duplicated or missing lines: {seen:#?}");
    // Ctrl-C ends it.
    let _ = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            assert_eq!(status.code(), Some(130));
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "logs -f did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn events_and_wait() {
    let p = Project::up(
        "wait",
        r#"
services:
  short:
    image: hoist-test/busybox:latest
    command: ["sh", "-c", "sleep 2; exit 5"]
  long:
    image: hoist-test/busybox:latest
    command: ["sleep", "3600"]
"#,
    );
    let mut events = p.hoist_spawn(&["events", "--json"]);
    let rx = line_reader(&mut events);
    let out = p.hoist(&["wait", "short"]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = docker(&["inspect", "-f", "{{.Id}}", &format!("{}-short-1", p.name)]);
    assert_eq!(
        stdout(&out),
        format!("container \"{}\" exited with status code 5\n", id.trim())
    );
    let mut seen = Vec::new();
    wait_for_line(&rx, &mut seen, "\"action\":\"die\"");
    let die: Value = serde_json::from_str(seen.last().expect("line")).expect("json");
    assert_eq!(die["service"], "short");
    assert_eq!(die["attributes"]["exitCode"], "5");
    assert_eq!(die["type"], "container");
    let _ = events.kill();
    let _ = events.wait();
    // No containers: both fail the same way.
    assert_eq!(p.hoist(&["wait", "nope"]).status.code(), Some(1));
    // --down-project removes the containers and the network.
    docker(&["start", &format!("{}-short-1", p.name)]);
    let out = p.hoist(&["wait", "--down-project", "short"]);
    assert_eq!(out.status.code(), Some(5));
    let left = docker(&[
        "ps",
        "-aq",
        "--filter",
        &format!("label=com.docker.compose.project={}", p.name),
    ]);
    assert!(left.trim().is_empty(), "containers left: {left}");
    let nets = docker(&[
        "network",
        "ls",
        "-q",
        "--filter",
        &format!("name={}_default", p.name),
    ]);
    assert!(nets.trim().is_empty(), "network left: {nets}");
    let _ = IMAGE;
}
