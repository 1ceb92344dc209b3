//! Shared helpers of the interactive-command integration tests (`exec`, `run`, `attach`,
//! `cp`, `stats`): a project guard (unique name and directory, everything purged through the
//! engine on drop even when the test fails), running the built `hoist` binary (piped, or on a
//! pseudo-terminal through `pty_drive.py`), and reading the engine through `docker`. Engine
//! tests fail (never skip) when no engine answers.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// The test image.
pub const IMAGE: &str = "hoist-test/busybox:latest";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A test project with its own name and directory.
pub struct Project {
    /// Project name.
    pub name: String,
    /// Directory holding `compose.yaml`.
    pub dir: PathBuf,
}

impl Project {
    /// A new project `hia<tag><pid>x<n>` with `compose` as its compose file.
    pub fn new(tag: &str, compose: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("hia{tag}{}x{n}", std::process::id());
        let dir = std::env::temp_dir().join(format!("hoist-interactive-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create project directory");
        std::fs::write(dir.join("compose.yaml"), compose).expect("write compose.yaml");
        Project { name, dir }
    }

    /// `hoist -p <name> <args>`, not started.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
        cmd.current_dir(&self.dir)
            .arg("-p")
            .arg(&self.name)
            .args(args)
            .env_remove("COMPOSE_PROJECT_NAME")
            .env_remove("COMPOSE_FILE")
            .env_remove("COMPOSE_PROFILES");
        cmd
    }

    /// Runs hoist with `stdin` piped in; returns the output.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hoist");
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(stdin);
        }
        child.wait_with_output().expect("wait for hoist")
    }

    /// Runs hoist with no input and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, b"");
        assert!(
            out.status.success(),
            "hoist {args:?} failed ({:?}):\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Runs hoist on a pseudo-terminal following `steps` (see `pty_drive.py`).
    pub fn on_pty(&self, args: &[&str], steps: serde_json::Value) -> PtyResult {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interactive_support/pty_drive.py"
        );
        let mut cmd = Command::new("python3");
        cmd.current_dir(&self.dir)
            .arg(script)
            .arg(steps.to_string())
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_hoist"))
            .arg("-p")
            .arg(&self.name)
            .args(args)
            .env_remove("COMPOSE_PROJECT_NAME");
        let out = cmd.output().expect("run python3 pty_drive.py");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let value: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
            panic!(
                "pty driver output is not JSON ({e}):\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        PtyResult {
            output: value["output"].as_str().unwrap_or_default().to_string(),
            exit: value["exit"].as_i64().unwrap_or(-1),
            echo: value["echo"].as_bool().unwrap_or(false),
            icanon: value["icanon"].as_bool().unwrap_or(false),
        }
    }

    /// Names of the project's containers (all states), one-offs included.
    pub fn containers(&self) -> Vec<String> {
        let label = format!("label=com.docker.compose.project={}", self.name);
        docker(&["ps", "-a", "--filter", &label, "--format", "{{.Names}}"])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let ids = docker_raw(&["ps", "-aq", "--filter", &label]);
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids);
            let _ = docker_raw(&args);
        }
        for kind in ["network", "volume"] {
            let list = docker_raw(&[kind, "ls", "-q", "--filter", &label]);
            for id in list.split_whitespace() {
                let _ = docker_raw(&[kind, "rm", id]);
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a pseudo-terminal session gave.
#[derive(Debug)]
pub struct PtyResult {
    /// Everything printed on the terminal.
    pub output: String,
    /// Exit code of hoist.
    pub exit: i64,
    /// ECHO flag of the terminal after hoist exited.
    pub echo: bool,
    /// ICANON flag of the terminal after hoist exited.
    pub icanon: bool,
}

/// `docker <args>`, asserting success; stdout.
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("run docker");
    assert!(
        out.status.success(),
        "docker {args:?} failed (is the engine running?):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// `docker <args>`, ignoring failures; stdout.
pub fn docker_raw(args: &[&str]) -> String {
    Command::new("docker")
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default()
}

/// `docker inspect -f <format> <object>`, trimmed.
pub fn inspect(object: &str, format: &str) -> String {
    docker(&["inspect", "-f", format, object])
        .trim()
        .to_string()
}
