//! Shared helpers of the lifecycle integration tests: a project guard (unique name, its own
//! directory, purged through the engine on drop even when the test fails), running the built
//! `hoist` binary and the reference Docker Compose, and reading the engine's state through
//! `docker inspect`. Engine tests fail (never skip) when no engine answers.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// The reference Docker Compose v5 binary.
pub const REFERENCE: &str = "/root/.pyenv/versions/3.11.7/bin/docker-compose";
/// The test image.
pub const IMAGE: &str = "hoist-test/busybox:latest";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A test project: a directory with a `compose.yaml` and a unique project name.
pub struct TestProject {
    /// Project name.
    pub name: String,
    /// Directory holding `compose.yaml`.
    pub dir: PathBuf,
    /// Extra engine objects (networks, volumes) to remove on drop.
    pub extra_networks: Vec<String>,
    /// Extra volumes to remove on drop.
    pub extra_volumes: Vec<String>,
}

impl TestProject {
    /// A new project called `hlc<tag><pid><n>` with `compose` as its compose file.
    pub fn new(tag: &str, compose: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("hlc{tag}{}x{n}", std::process::id());
        let dir = std::env::temp_dir().join(format!("hoist-lifecycle-{name}"));
        std::fs::create_dir_all(&dir).expect("create project directory");
        let project = TestProject {
            name,
            dir,
            extra_networks: Vec::new(),
            extra_volumes: Vec::new(),
        };
        project.write(compose);
        project
    }

    /// Replaces the compose file.
    pub fn write(&self, compose: &str) {
        std::fs::write(self.dir.join("compose.yaml"), compose).expect("write compose.yaml");
    }

    /// Runs `hoist -p <name> <args>` in the project directory.
    pub fn hoist(&self, args: &[&str]) -> Output {
        self.hoist_cmd(args).output().expect("run hoist")
    }

    /// The `hoist -p <name> <args>` command, not started.
    pub fn hoist_cmd(&self, args: &[&str]) -> Command {
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

    /// Runs `hoist` and asserts success; returns stdout + stderr.
    pub fn hoist_ok(&self, args: &[&str]) -> String {
        let out = self.hoist(args);
        let text = text(&out);
        assert!(out.status.success(), "hoist {args:?} failed:\n{text}");
        text
    }

    /// Runs the reference Docker Compose and asserts success.
    pub fn reference_ok(&self, args: &[&str]) -> String {
        let out = Command::new(REFERENCE)
            .current_dir(&self.dir)
            .arg("-p")
            .arg(&self.name)
            .args(args)
            .output()
            .expect("run the reference docker compose");
        let text = text(&out);
        assert!(
            out.status.success(),
            "docker compose {args:?} failed:\n{text}"
        );
        text
    }

    /// Every container of the project (one-offs included): name → ID.
    pub fn containers(&self) -> BTreeMap<String, String> {
        let out = docker(&[
            "ps",
            "-a",
            "--no-trunc",
            "--filter",
            &format!("label=com.docker.compose.project={}", self.name),
            "--format",
            "{{.Names}} {{.ID}}",
        ]);
        out.lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(n, id)| (n.to_string(), id.to_string()))
            .collect()
    }

    /// Container names of the project, sorted.
    pub fn names(&self) -> Vec<String> {
        self.containers().into_keys().collect()
    }

    /// Full name of a project container: `<project>-<service>-<n>`.
    pub fn cname(&self, service: &str, n: u32) -> String {
        format!("{}-{service}-{n}", self.name)
    }
}

impl Drop for TestProject {
    fn drop(&mut self) {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let ids = docker_raw(&["ps", "-aq", "--filter", &label]);
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids);
            let _ = docker_raw(&args);
        }
        let nets = docker_raw(&["network", "ls", "-q", "--filter", &label]);
        for id in nets.split_whitespace() {
            let _ = docker_raw(&["network", "rm", id]);
        }
        let vols = docker_raw(&["volume", "ls", "-q", "--filter", &label]);
        for v in vols.split_whitespace() {
            let _ = docker_raw(&["volume", "rm", "-f", v]);
        }
        for n in &self.extra_networks {
            let _ = docker_raw(&["network", "rm", n]);
        }
        for v in &self.extra_volumes {
            let _ = docker_raw(&["volume", "rm", "-f", v]);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// stdout and stderr of a finished command.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `docker <args>`, panicking on failure (no engine = test failure).
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("run docker");
    assert!(
        out.status.success(),
        "docker {args:?} failed (is the engine running?):\n{}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Runs `docker <args>` and returns stdout whatever the status (cleanup).
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

/// Whether an engine object exists.
pub fn exists(kind: &str, name: &str) -> bool {
    Command::new("docker")
        .args([kind, "inspect", name])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Asserts that the engine answers (tests fail, never skip, without an engine).
pub fn require_engine() {
    docker(&["version", "--format", "{{.Server.Version}}"]);
    docker(&["image", "inspect", IMAGE]);
}
