//! Hoist over TLS against the real engine: each test generates a CA, a server and a client
//! certificate with `openssl`, puts a TLS front (`socat`, client certificates required) before
//! the engine socket, and drives `hoist` through `DOCKER_HOST=tcp://127.0.0.1:PORT` with
//! `DOCKER_TLS_VERIFY`/`DOCKER_TLS`/`DOCKER_CERT_PATH`, or through a Docker context holding
//! the TLS material. Effects are checked through the engine's own socket; the reference
//! Docker Compose is run with the same settings to show they mean the same to it. Needs
//! `openssl` and `socat` (`scripts/ensure-tools.sh`); fails, never skips, without them.

mod lifecycle_support;
mod socat_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use hoist_engine::endpoint::ENGINE_ENV_VARS;
use lifecycle_support::*;
use socat_support::SocatFront;

/// Certificates in a temporary directory and `socat` fronts that are killed on drop.
struct TlsFront {
    dir: PathBuf,
    /// `tcp://127.0.0.1:PORT` of the TLS front (client certificates required).
    host: String,
    /// `tcp://127.0.0.1:PORT` of a plain TCP front to the same engine.
    plain_host: String,
    fronts: Vec<SocatFront>,
}

impl TlsFront {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hoist-tls-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create certificate directory");
        let mut front = TlsFront {
            dir,
            host: String::new(),
            plain_host: String::new(),
            fronts: Vec::new(),
        };
        front.make_certificates();
        let (cert, key, ca) = (
            front.path("server.pem"),
            front.path("server-key.pem"),
            front.path("ca.pem"),
        );
        let tls = SocatFront::start(|port| {
            format!(
                "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},cafile={},verify=1",
                cert.display(),
                key.display(),
                ca.display()
            )
        });
        front.host = tls.host();
        let plain = SocatFront::plain();
        front.plain_host = plain.host();
        front.fronts = vec![tls, plain];
        front
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .current_dir(&self.dir)
            .args(args)
            .output()
            .expect("run openssl (install it: bash scripts/ensure-tools.sh)");
        assert!(
            out.status.success(),
            "openssl {args:?} failed:\n{}",
            text(&out)
        );
    }

    /// A self-signed CA `<name>.pem` / `<name>-key.pem`.
    fn ca(&self, name: &str) {
        self.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &format!("{name}-key.pem"),
            "-out",
            &format!("{name}.pem"),
        ]);
    }

    /// A certificate `<name>.pem` / `<name>-key.pem` signed by `ca.pem` with `extensions`.
    fn leaf(&self, name: &str, extensions: &str) {
        std::fs::write(self.path(&format!("{name}.ext")), extensions).expect("write extensions");
        self.openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &format!("{name}-key.pem"),
            "-out",
            &format!("{name}.csr"),
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.pem"),
        ]);
    }

    fn make_certificates(&self) {
        self.ca("ca");
        self.ca("wrongca");
        self.leaf(
            "server",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        );
        self.leaf("client", "extendedKeyUsage=clientAuth\n");
        // DOCKER_CERT_PATH layouts: the right CA, a wrong CA, and no client certificate.
        self.cert_dir("good", "ca.pem", true);
        self.cert_dir("wrong", "wrongca.pem", true);
        self.cert_dir("noclient", "ca.pem", false);
    }

    /// A directory with `ca.pem` (copied from `ca`) and, when `client`, `cert.pem`/`key.pem`.
    fn cert_dir(&self, name: &str, ca: &str, client: bool) -> PathBuf {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).expect("create cert dir");
        std::fs::copy(self.path(ca), dir.join("ca.pem")).expect("copy ca");
        if client {
            std::fs::copy(self.path("client.pem"), dir.join("cert.pem")).expect("copy cert");
            std::fs::copy(self.path("client-key.pem"), dir.join("key.pem")).expect("copy key");
        }
        dir
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.fronts.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `hoist -p <project> <args>` with exactly the engine variables `env`.
fn hoist_with(p: &TestProject, env: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut cmd = p.hoist_cmd(args);
    for var in ENGINE_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, *v)));
    cmd.output().expect("run hoist")
}

/// Runs the reference `docker compose -p <project> <args>` with exactly `env`.
fn reference_with(p: &TestProject, env: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut cmd = Command::new(REFERENCE);
    cmd.current_dir(&p.dir).arg("-p").arg(&p.name).args(args);
    for var in ENGINE_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, *v)));
    cmd.output().expect("run the reference docker compose")
}

/// Asserts a failure that is one line naming the endpoint, and returns it.
fn one_sentence_failure(out: &Output, host: &str) -> String {
    let said = text(out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "one line: {said}");
    assert!(said.contains(host), "names the endpoint {host}: {said}");
    said
}

fn compose() -> String {
    format!("services:\n  web:\n    image: {IMAGE}\n    command: [\"sleep\", \"300\"]\n")
}

#[test]
fn up_ps_exec_down_over_verified_tls() {
    require_engine();
    let front = TlsFront::new("life");
    let p = TestProject::new("tlslife", &compose());
    let host = Path::new(&front.host);
    let good = front.path("good");
    let env = [
        ("DOCKER_HOST", host),
        ("DOCKER_TLS_VERIFY", Path::new("1")),
        ("DOCKER_CERT_PATH", good.as_path()),
    ];

    let out = hoist_with(&p, &env, &["up", "-d"]);
    assert!(out.status.success(), "up over TLS:\n{}", text(&out));
    let web = p.cname("web", 1);
    assert_eq!(inspect(&web, "{{.State.Running}}"), "true");

    let out = hoist_with(&p, &env, &["ps", "--format", "{{.Name}} {{.State}}"]);
    assert!(out.status.success(), "ps over TLS:\n{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{web} running")
    );

    // A hijacked stream (exec with standard input) over TLS.
    let mut exec = p.hoist_cmd(&["exec", "-T", "web", "cat"]);
    for var in ENGINE_ENV_VARS {
        exec.env_remove(var);
    }
    let mut child = exec
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hoist exec");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"through-tls\n").expect("write stdin");
    }
    let out = child.wait_with_output().expect("hoist exec");
    assert!(out.status.success(), "exec over TLS:\n{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "through-tls\n");

    // The reference reads the same settings the same way.
    let out = reference_with(&p, &env, &["ps", "-q"]);
    assert!(out.status.success(), "reference ps:\n{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        inspect(&web, "{{.Id}}")
    );

    let out = hoist_with(&p, &env, &["down", "-t", "0"]);
    assert!(out.status.success(), "down over TLS:\n{}", text(&out));
    assert!(p.names().is_empty(), "containers left: {:?}", p.names());
    assert!(!exists("network", &format!("{}_default", p.name)));
}

#[test]
fn tls_failures_are_one_clear_sentence() {
    require_engine();
    let front = TlsFront::new("fail");
    let p = TestProject::new("tlsfail", &compose());
    let host = Path::new(&front.host);
    let verify = Path::new("1");

    // The engine's certificate is not signed by the CA in DOCKER_CERT_PATH.
    let wrong = front.path("wrong");
    let env = [
        ("DOCKER_HOST", host),
        ("DOCKER_TLS_VERIFY", verify),
        ("DOCKER_CERT_PATH", wrong.as_path()),
    ];
    let said = one_sentence_failure(&hoist_with(&p, &env, &["ps"]), &front.host);
    assert!(said.contains("not signed by the CA in"), "{said}");
    assert!(
        said.contains(&wrong.join("ca.pem").display().to_string()),
        "{said}"
    );
    assert!(!reference_with(&p, &env, &["ps"]).status.success());

    // No client certificate for an engine that requires one.
    let noclient = front.path("noclient");
    let env = [
        ("DOCKER_HOST", host),
        ("DOCKER_TLS_VERIFY", verify),
        ("DOCKER_CERT_PATH", noclient.as_path()),
    ];
    let said = one_sentence_failure(&hoist_with(&p, &env, &["ps"]), &front.host);
    assert!(said.contains("requires a client certificate"), "{said}");

    // Plain HTTP to the TLS port.
    let said = one_sentence_failure(
        &hoist_with(&p, &[("DOCKER_HOST", host)], &["ps"]),
        &front.host,
    );
    assert!(said.contains("DOCKER_TLS_VERIFY=1"), "{said}");

    // TLS to a plain TCP endpoint.
    let good = front.path("good");
    let plain = Path::new(&front.plain_host);
    let env = [
        ("DOCKER_HOST", plain),
        ("DOCKER_TLS_VERIFY", verify),
        ("DOCKER_CERT_PATH", good.as_path()),
    ];
    let said = one_sentence_failure(&hoist_with(&p, &env, &["ps"]), &front.plain_host);
    assert!(said.contains("does not seem to speak TLS"), "{said}");

    // DOCKER_TLS_VERIFY with no ca.pem where DOCKER_CERT_PATH points.
    let empty = front.path("empty");
    std::fs::create_dir_all(&empty).expect("empty dir");
    let env = [
        ("DOCKER_HOST", host),
        ("DOCKER_TLS_VERIFY", verify),
        ("DOCKER_CERT_PATH", empty.as_path()),
    ];
    let said = one_sentence_failure(&hoist_with(&p, &env, &["ps"]), &front.host);
    assert!(
        said.contains(&empty.join("ca.pem").display().to_string()),
        "{said}"
    );
    assert!(p.names().is_empty());
}

#[test]
fn unverified_tls_and_contexts_with_tls_material() {
    require_engine();
    let front = TlsFront::new("ctx");
    let p = TestProject::new("tlsctx", &compose());
    let host = Path::new(&front.host);

    // DOCKER_TLS without DOCKER_TLS_VERIFY: TLS without verifying the engine, so a wrong CA
    // does not matter (the client certificate still does). The reference agrees.
    let wrong = front.path("wrong");
    let env = [
        ("DOCKER_HOST", host),
        ("DOCKER_TLS", Path::new("1")),
        ("DOCKER_CERT_PATH", wrong.as_path()),
    ];
    let out = hoist_with(&p, &env, &["up", "-d"]);
    assert!(
        out.status.success(),
        "up over unverified TLS:\n{}",
        text(&out)
    );
    assert_eq!(inspect(&p.cname("web", 1), "{{.State.Running}}"), "true");
    let out = reference_with(&p, &env, &["ps", "-q"]);
    assert!(
        out.status.success(),
        "reference over unverified TLS:\n{}",
        text(&out)
    );

    // A Docker context (DOCKER_CONFIG + DOCKER_CONTEXT) whose TLS material lives in the
    // context store, at the sha256 of its name.
    let config = front.path("config");
    let write_context = |name: &str, files: &[(&str, &str)]| {
        let digest = hoist_engine::endpoint::context_dir_name(name);
        let meta = config.join("contexts/meta").join(&digest);
        std::fs::create_dir_all(&meta).expect("meta dir");
        std::fs::write(
            meta.join("meta.json"),
            format!(
                r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{}","SkipTLSVerify":false}}}}}}"#,
                front.host
            ),
        )
        .expect("meta.json");
        let tls = config.join("contexts/tls").join(&digest).join("docker");
        std::fs::create_dir_all(&tls).expect("tls dir");
        for (target, source) in files {
            std::fs::copy(front.path(source), tls.join(target)).expect("copy TLS file");
        }
    };
    write_context(
        "hoist-tls",
        &[
            ("ca.pem", "ca.pem"),
            ("cert.pem", "client.pem"),
            ("key.pem", "client-key.pem"),
        ],
    );
    write_context("hoist-tls-wrong-ca", &[("ca.pem", "wrongca.pem")]);
    let env = [
        ("DOCKER_CONFIG", config.as_path()),
        ("DOCKER_CONTEXT", Path::new("hoist-tls")),
    ];
    let out = hoist_with(&p, &env, &["ps", "-q"]);
    assert!(
        out.status.success(),
        "ps through the TLS context:\n{}",
        text(&out)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        inspect(&p.cname("web", 1), "{{.Id}}")
    );
    let out = reference_with(&p, &env, &["ps", "-q"]);
    assert!(
        out.status.success(),
        "reference through the TLS context:\n{}",
        text(&out)
    );
    let out = hoist_with(&p, &env, &["down", "-t", "0"]);
    assert!(
        out.status.success(),
        "down through the TLS context:\n{}",
        text(&out)
    );
    assert!(p.names().is_empty(), "containers left: {:?}", p.names());

    let env = [
        ("DOCKER_CONFIG", config.as_path()),
        ("DOCKER_CONTEXT", Path::new("hoist-tls-wrong-ca")),
    ];
    let said = one_sentence_failure(&hoist_with(&p, &env, &["ps"]), &front.host);
    assert!(
        said.contains("Docker context \"hoist-tls-wrong-ca\""),
        "{said}"
    );
    assert!(said.contains("not signed by the CA in"), "{said}");
}
