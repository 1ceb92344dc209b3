//! Shared helpers for the image tests (`images_*.rs`): temporary projects, running the built
//! `hoist` binary, the local registries of scripts/ensure-registry.sh, and a guard that
//! removes every image a test made, even when the test panics. Tests FAIL (never skip) when
//! the engine or the registries are not available.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;

/// The open test registry (scripts/ensure-registry.sh).
pub const OPEN_REGISTRY: &str = "127.0.0.1:5555";
/// The htpasswd-protected test registry.
pub const AUTH_REGISTRY: &str = "127.0.0.1:5556";
/// Its user and password.
pub const AUTH_USER: &str = "hoist";
/// Password of [`AUTH_USER`].
pub const AUTH_PASSWORD: &str = "hoist-secret";
/// The local base image (scripts/test-images.sh).
pub const BUSYBOX: &str = "hoist-test/busybox:latest";

/// Repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
}

fn run_script(name: &str) {
    let out = Command::new("bash")
        .arg(repo_root().join("scripts").join(name))
        .output()
        .unwrap_or_else(|e| panic!("cannot run scripts/{name}: {e}"));
    assert!(
        out.status.success(),
        "scripts/{name} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes sure the engine answers and the busybox test image exists (fails otherwise).
pub fn ensure_engine() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let ok = Command::new("docker")
            .args(["version", "--format", "{{.Server.Version}}"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(
            ok,
            "these tests need a Docker Engine; run scripts/ensure-engine.sh first"
        );
        run_script("test-images.sh");
    });
}

/// Makes sure both test registries run.
pub fn ensure_registries() {
    ensure_engine();
    static ONCE: Once = Once::new();
    ONCE.call_once(|| run_script("ensure-registry.sh"));
}

/// A unique lowercase name for this test run.
pub fn unique(tag: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("hoisttest-{tag}-{}-{n}-{nanos:x}", std::process::id())
}

/// A temporary project directory with a project name; removes the directory and the images
/// it was told about when dropped.
pub struct TestProject {
    /// The directory.
    pub dir: PathBuf,
    /// The project name (`-p`).
    pub name: String,
    /// Images to remove at the end.
    pub images: std::cell::RefCell<Vec<String>>,
    /// Extra environment for every hoist run.
    pub env: Vec<(String, String)>,
}

impl TestProject {
    /// Creates an empty project directory.
    pub fn new(tag: &str) -> TestProject {
        ensure_engine();
        let name = unique(tag);
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("create project dir");
        TestProject {
            dir,
            name,
            images: Default::default(),
            env: Vec::new(),
        }
    }

    /// Writes a file (creating parent directories). In a Dockerfile, a `LABEL` naming this
    /// project follows every `FROM` line, so that concurrent tests never share the classic
    /// builder's cached intermediate images (one test removing its image could otherwise
    /// delete a layer another test's build is reusing).
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let text = if rel.ends_with("Dockerfile") {
            let mut out = String::new();
            for line in text.lines() {
                out.push_str(line);
                out.push('\n');
                if line.starts_with("FROM ") {
                    out.push_str(&format!("LABEL org.hoist.test={}\n", self.name));
                }
            }
            out
        } else {
            text.to_string()
        };
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write file");
        self
    }

    /// Remembers an image to remove at the end.
    pub fn track(&self, image: &str) {
        self.images.borrow_mut().push(image.to_string());
    }

    /// Runs `hoist -p <name> <args>` in the project directory.
    pub fn hoist(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
        cmd.current_dir(&self.dir)
            .arg("-p")
            .arg(&self.name)
            .args(args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.output().expect("run hoist")
    }

    /// Runs hoist and asserts success; returns stdout+stderr.
    pub fn hoist_ok(&self, args: &[&str]) -> String {
        let out = self.hoist(args);
        let text = combined(&out);
        assert!(out.status.success(), "hoist {args:?} failed:\n{text}");
        text
    }
}

impl Drop for TestProject {
    fn drop(&mut self) {
        for image in self.images.borrow().iter() {
            let _ = Command::new("docker").args(["rmi", "-f", image]).output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// stdout and stderr of a run, joined.
pub fn combined(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `docker <args>` and returns (success, stdout).
pub fn docker(args: &[&str]) -> (bool, String) {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("run docker");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

/// True when the engine has the image locally.
pub fn image_exists(image: &str) -> bool {
    docker(&["image", "inspect", image]).0
}

/// Runs a command in a throwaway container of `image` and returns its stdout.
pub fn run_in(image: &str, command: &str) -> String {
    let (ok, out) = docker(&["run", "--rm", image, "sh", "-c", command]);
    assert!(ok, "docker run {image} {command} failed: {out}");
    out
}

/// Writes a Docker config directory holding `config.json`; returns its path.
pub fn docker_config(dir: &Path, config_json: &str) -> PathBuf {
    let cfg = dir.join("docker-config");
    std::fs::create_dir_all(&cfg).expect("mkdir docker-config");
    std::fs::write(cfg.join("config.json"), config_json).expect("write config.json");
    cfg
}

/// Standard base64 of `text` (for `auths.*.auth`).
pub fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
