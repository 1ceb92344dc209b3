//! Hoist against Podman's Docker-compatible API (`podman system service` on
//! `unix:///run/podman/podman.sock`, started by `scripts/ensure-podman.sh`): a small project
//! goes through `up -d`, a second `up -d` that must change nothing, `ps`, `logs`, `exec` and
//! `down -v`; every effect is checked through the Podman service itself. Fails, never skips,
//! when the Podman service does not answer.

mod lifecycle_support;

use std::process::{Command, Output};

use lifecycle_support::*;

const SOCKET: &str = "unix:///run/podman/podman.sock";

/// Runs `docker -H <podman socket> <args>`; returns stdout, or panics on failure.
fn podman(args: &[&str]) -> String {
    let out = podman_raw(args);
    assert!(
        out.status.success(),
        "docker -H {SOCKET} {args:?} failed (is the Podman service up? bash scripts/ensure-podman.sh):\n{}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn podman_raw(args: &[&str]) -> Output {
    Command::new("docker")
        .arg("-H")
        .arg(SOCKET)
        .args(args)
        .output()
        .expect("run docker against the Podman socket")
}

/// A test project whose objects live in Podman; they are removed from Podman on drop.
struct PodmanProject(TestProject);

impl PodmanProject {
    fn new(tag: &str, compose: &str) -> Self {
        let version = podman(&["version", "--format", "{{.Server.Version}}"]);
        assert!(!version.is_empty(), "the Podman service answers no version");
        podman(&["image", "inspect", IMAGE]);
        PodmanProject(TestProject::new(tag, compose))
    }

    /// Runs `hoist -p <name> <args>` against the Podman socket; asserts success.
    fn hoist_ok(&self, args: &[&str]) -> String {
        let mut cmd = self.0.hoist_cmd(args);
        for var in hoist_engine::endpoint::ENGINE_ENV_VARS {
            cmd.env_remove(var);
        }
        let out = cmd.env("DOCKER_HOST", SOCKET).output().expect("run hoist");
        let said = text(&out);
        assert!(
            out.status.success(),
            "hoist {args:?} against Podman failed:\n{said}"
        );
        said
    }

    fn label(&self) -> String {
        format!("label=com.docker.compose.project={}", self.0.name)
    }

    /// Container name → ID of the project's containers, as Podman lists them.
    fn containers(&self) -> Vec<(String, String)> {
        let listed = podman(&[
            "ps",
            "-a",
            "--no-trunc",
            "--filter",
            &self.label(),
            "--format",
            "{{.Names}} {{.ID}}",
        ]);
        let mut pairs: Vec<(String, String)> = listed
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(n, id)| (n.to_string(), id.to_string()))
            .collect();
        pairs.sort();
        pairs
    }
}

impl Drop for PodmanProject {
    fn drop(&mut self) {
        let label = self.label();
        let ids = String::from_utf8_lossy(&podman_raw(&["ps", "-aq", "--filter", &label]).stdout)
            .to_string();
        for id in ids.split_whitespace() {
            let _ = podman_raw(&["rm", "-f", "-v", id]);
        }
        let _ = podman_raw(&["network", "rm", &format!("{}_default", self.0.name)]);
        let _ = podman_raw(&["volume", "rm", "-f", &format!("{}_data", self.0.name)]);
    }
}

#[test]
fn lifecycle_against_podman() {
    let compose = format!(
        "services:
  web:
    image: {IMAGE}
    command: [\"sh\", \"-c\", \"echo web started; echo hello > /data/greeting; exec httpd -f -p 8080 -h /data\"]
    volumes: [data:/data]
    labels: [hoist.test=podman]
  worker:
    image: {IMAGE}
    command: [\"sh\", \"-c\", \"echo worker started; sleep 300\"]
    depends_on: [web]
volumes:
  data:
"
    );
    let p = PodmanProject::new("podman", &compose);
    let name = p.0.name.clone();
    let web = p.0.cname("web", 1);
    let worker = p.0.cname("worker", 1);

    p.hoist_ok(&["up", "-d"]);
    let first = p.containers();
    assert_eq!(
        first.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        [web.as_str(), worker.as_str()]
    );
    for container in [&web, &worker] {
        assert_eq!(
            podman(&["inspect", "-f", "{{.State.Running}}", container]),
            "true"
        );
    }
    assert_eq!(
        podman(&[
            "inspect",
            "-f",
            "{{index .Config.Labels \"hoist.test\"}}",
            &web
        ]),
        "podman"
    );
    assert_eq!(
        podman(&[
            "inspect",
            "-f",
            "{{index .Config.Labels \"com.docker.compose.service\"}}",
            &worker
        ]),
        "worker"
    );
    podman(&["network", "inspect", &format!("{name}_default")]);
    podman(&["volume", "inspect", &format!("{name}_data")]);

    // Converged: a second `up -d` keeps both containers (Podman reports network names where
    // Docker reports IDs; that must not read as "not connected").
    p.hoist_ok(&["up", "-d"]);
    assert_eq!(p.containers(), first, "the second up recreated containers");

    let listed = p.hoist_ok(&["ps", "--format", "{{.Name}} {{.State}}"]);
    assert!(listed.contains(&format!("{web} running")), "{listed}");
    assert!(listed.contains(&format!("{worker} running")), "{listed}");

    let logs = p.hoist_ok(&["logs", "--no-log-prefix", "worker"]);
    assert_eq!(logs.trim(), "worker started");

    // exec, and the service name resolving on the project network.
    let fetched = p.hoist_ok(&[
        "exec",
        "-T",
        "worker",
        "wget",
        "-qO-",
        "http://web:8080/greeting",
    ]);
    assert_eq!(fetched.trim(), "hello");

    p.hoist_ok(&["down", "-v", "-t", "0"]);
    assert!(
        p.containers().is_empty(),
        "containers left: {:?}",
        p.containers()
    );
    assert!(
        !podman_raw(&["network", "inspect", &format!("{name}_default")])
            .status
            .success()
    );
    assert!(!podman_raw(&["volume", "inspect", &format!("{name}_data")])
        .status
        .success());
}
