//! Differential tests: Hoist and the reference Docker Compose v5 read the same project and
//! must print the same thing.
//!
//! Each folder under `tests/projects/` is one project. It holds the compose files and
//! optionally `args` (global arguments, one per line, e.g. `-f` and `a.yaml`), `env` (extra
//! environment, `KEY=VALUE` lines) and `expect` (`error` when both tools must refuse the
//! project), `cwd` (a sub-folder, relative to the project, to run in instead), `stdin` (a
//! file fed to standard input) and `cmd` (extra command lines, one per line, split on
//! whitespace, run after the global arguments: their standard output, exit status and any
//! `-o FILE` they write must match). Both tools run in that folder with the same clean
//! environment. The reference is
//! found through `HOIST_REFERENCE_COMPOSE` (set by `scripts/test.sh`) or installed by
//! `scripts/ensure-reference.sh`; without it these tests fail, they never skip. The Hoist binary is
//! Cargo's, or `HOIST_BIN` when set.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn reference() -> PathBuf {
    if let Some(p) = std::env::var_os("HOIST_REFERENCE_COMPOSE") {
        return PathBuf::from(p);
    }
    let out = Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/ensure-reference.sh"
        ))
        .arg("--print")
        .output()
        .expect("run scripts/ensure-reference.sh");
    assert!(
        out.status.success(),
        "the reference Docker Compose is not available; run scripts/ensure-reference.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The Hoist binary under test: `HOIST_BIN` when set (useful when several worktrees share
/// one target directory and overwrite each other's `target/debug/hoist`), else Cargo's.
fn hoist() -> PathBuf {
    std::env::var_os("HOIST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_hoist")))
}

fn project_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/projects")
        .join(name)
}

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|s| {
            s.lines()
                .map(str::to_string)
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .collect()
        })
        .unwrap_or_default()
}

fn run(program: &Path, dir: &Path, args: &[String]) -> Output {
    let cwd = match read_lines(&dir.join("cwd")).first() {
        Some(sub) => dir.join(sub),
        None => dir.to_path_buf(),
    };
    let mut cmd = Command::new(program);
    cmd.current_dir(&cwd).env_clear();
    for key in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    cmd.env("PWD", &cwd);
    for line in read_lines(&dir.join("env")) {
        if let Some((k, v)) = line.split_once('=') {
            cmd.env(k, v);
        }
    }
    cmd.args(read_lines(&dir.join("args"))).args(args);
    let stdin_file = dir.join("stdin");
    if !stdin_file.is_file() {
        return cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    }
    let input = std::fs::read(&stdin_file).expect("read the stdin file");
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&input).expect("write stdin");
    }
    child.wait_with_output().expect("wait for the command")
}

/// Runs one `cmd` line with both tools: same exit status, same standard output, and the
/// same content in the file named by `-o`, if any.
fn compare_command(name: &str, dir: &Path, hoist: &Path, reference: &Path, line: &str) {
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    let output_file = args
        .iter()
        .position(|a| a == "-o" || a == "--output")
        .and_then(|i| args.get(i + 1))
        .map(|f| dir.join(f));
    let mut results = Vec::new();
    for program in [hoist, reference] {
        if let Some(f) = &output_file {
            let _ = std::fs::remove_file(f);
        }
        let out = run(program, dir, &args);
        let written = output_file
            .as_ref()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default());
        if let Some(f) = &output_file {
            let _ = std::fs::remove_file(f);
        }
        results.push((out, written));
    }
    let (ours, theirs) = (&results[0], &results[1]);
    assert_eq!(
        ours.0.status.success(),
        theirs.0.status.success(),
        "{name}: `{line}` exit status differs (hoist stderr: {}; reference stderr: {})",
        String::from_utf8_lossy(&ours.0.stderr),
        String::from_utf8_lossy(&theirs.0.stderr)
    );
    assert_eq!(
        text(&ours.0),
        text(&theirs.0),
        "{name}: `{line}` output differs"
    );
    assert_eq!(ours.1, theirs.1, "{name}: `{line}` output file differs");
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn sorted_lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.lines().map(str::to_string).collect();
    v.sort();
    v
}

/// Compares the two tools on one project; panics with a readable diff on disagreement.
fn compare(name: &str) {
    compare_in(name, &project_dir(name));
}

/// [`compare`] on the project in `dir`.
fn compare_in(name: &str, dir: &Path) {
    let dir = dir.to_path_buf();
    let hoist = hoist();
    let reference = reference();
    let expect_error = read_lines(&dir.join("expect")).iter().any(|l| l == "error");

    let ours = run(
        &hoist,
        &dir,
        &["config".into(), "--format".into(), "json".into()],
    );
    let theirs = run(
        &reference,
        &dir,
        &["config".into(), "--format".into(), "json".into()],
    );
    for line in read_lines(&dir.join("cmd")) {
        compare_command(name, &dir, &hoist, &reference, &line);
    }
    if expect_error {
        assert!(
            !theirs.status.success(),
            "{name}: the reference accepted a project marked `expect: error`"
        );
        assert!(
            !ours.status.success(),
            "{name}: hoist accepted a project the reference rejects ({})",
            String::from_utf8_lossy(&theirs.stderr)
        );
        return;
    }
    assert!(
        theirs.status.success(),
        "{name}: the reference rejected the project: {}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    assert!(
        ours.status.success(),
        "{name}: hoist failed: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let a: serde_json::Value = serde_json::from_slice(&ours.stdout).expect("hoist printed JSON");
    let b: serde_json::Value =
        serde_json::from_slice(&theirs.stdout).expect("reference printed JSON");
    if a != b {
        panic!(
            "{name}: `config --format json` differs\n--- hoist\n{}\n--- reference\n{}",
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap()
        );
    }
    // Byte-for-byte output, YAML and JSON.
    for format in ["yaml", "json"] {
        let args = vec![
            "config".to_string(),
            "--format".to_string(),
            format.to_string(),
        ];
        let (o, t) = (
            text(&run(&hoist, &dir, &args)),
            text(&run(&reference, &dir, &args)),
        );
        assert_eq!(o, t, "{name}: `config --format {format}` output differs");
    }
    // The untyped model (`--no-interpolate`), byte for byte.
    for format in ["yaml", "json"] {
        let args = vec![
            "config".to_string(),
            "--no-interpolate".to_string(),
            "--format".to_string(),
            format.to_string(),
        ];
        let (o, t) = (
            text(&run(&hoist, &dir, &args)),
            text(&run(&reference, &dir, &args)),
        );
        assert_eq!(
            o, t,
            "{name}: `config --no-interpolate --format {format}` output differs"
        );
    }
    // Listings. Docker Compose prints volumes and networks in random order: compare sorted.
    for flag in [
        "--services",
        "--volumes",
        "--networks",
        "--profiles",
        "--images",
    ] {
        let args = vec!["config".to_string(), flag.to_string()];
        let (o, t) = (run(&hoist, &dir, &args), run(&reference, &dir, &args));
        assert_eq!(
            o.status.success(),
            t.status.success(),
            "{name}: `config {flag}` exit status differs"
        );
        assert_eq!(
            sorted_lines(&text(&o)),
            sorted_lines(&text(&t)),
            "{name}: `config {flag}` differs"
        );
    }
    let args = vec!["config".to_string(), "--hash".to_string(), "*".to_string()];
    assert_eq!(
        text(&run(&hoist, &dir, &args)),
        text(&run(&reference, &dir, &args)),
        "{name}: `config --hash` differs"
    );
}

macro_rules! differential {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                compare(&stringify!($name).replace('_', "-"));
            }
        )*
    };
}

differential!(
    basic,
    ports,
    volumes,
    environment,
    build,
    deploy_gpu,
    healthcheck,
    networks,
    secrets_configs,
    depends_on,
    multi_file,
    reset_override,
    extends,
    include,
    profiles,
    anchors,
    interpolation,
    resources,
    logging_ulimits,
    dotenv,
    error_unknown_attribute,
    error_required_variable,
    error_undefined_network,
    error_dependency_cycle,
    pre_start_hooks,
    watch_initial_sync,
    opt_stdin,
    opt_compose_file_env,
    opt_env_files,
    opt_project_directory,
    opt_dotenv_profiles_name,
    error_invalid_project_name,
    opt_discovery_subdir,
    multi_document,
    include_project_directory,
    extends_chain,
    opt_profile_star,
    config_commands,
    unresolved_variables,
);

/// Writes a project of `count` services that use most short and long syntaxes, with names
/// whose byte order differs from go-yaml's key order (`s10` < `s9`), and `broken` services
/// given an invalid `mem_limit`; returns its folder.
fn many_services_project(name: &str, count: usize, broken: &[usize]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the project folder");
    let mut y = String::from("name: many\nservices:\n");
    for i in 0..count {
        // Names out of key order (`s10` before `s9`), as users write them.
        y += &format!("  s{i}:\n    image: registry.example/app{i}:${{TAG:-1.{i}}}\n");
        y += &format!("    command: serve --port {}\n", 8000 + i);
        y += &format!("    environment:\n      - INDEX={i}\n      - LOG_LEVEL\n");
        y += &format!(
            "    ports:\n      - \"{}:80\"\n      - target: 9000\n        protocol: udp\n",
            20000 + i
        );
        y += &format!("    volumes:\n      - ./data/s{i}:/data:ro\n      - shared:/shared\n");
        y += &format!("    labels:\n      - com.example.index={i}\n");
        y += "    healthcheck:\n      test: curl -f http://localhost\n      interval: 30s\n";
        if i % 3 == 0 {
            y += &format!("    build:\n      context: ./app\n      args:\n        - N={i}\n");
        }
        if i % 4 == 1 {
            y += "    networks:\n      back:\n        aliases: [api]\n";
        }
        // A chain of dependencies that skips the services disabled by their profile.
        let previous = if (i + 9) % 10 == 7 {
            i.checked_sub(2)
        } else {
            i.checked_sub(1)
        };
        if let Some(p) = previous {
            y += &format!("    depends_on:\n      - s{p}\n");
        }
        if i % 10 == 7 {
            y += "    profiles: [extra]\n";
        }
        if broken.contains(&i) {
            y += &format!("    mem_limit: lots{i}\n");
        }
    }
    y += "volumes:\n  shared: {}\nnetworks:\n  back: {}\n";
    std::fs::write(dir.join("compose.yaml"), y).expect("write compose.yaml");
    dir
}

/// A large project: every output as the reference's, key order included.
#[test]
fn many_services() {
    let dir = many_services_project("many-services", 240, &[]);
    compare_in("many-services", &dir);
}

/// Two broken services in a large project: both tools refuse it. Docker Compose lists both;
/// Hoist names one, always the same: the first by name (by binding time services are in
/// name order, as in compose-go's map).
#[test]
fn many_services_first_error() {
    let dir = many_services_project("many-services-error", 240, &[200, 31]);
    std::fs::write(dir.join("expect"), "error\n").expect("write expect");
    compare_in("many-services-error", &dir);
    for _ in 0..3 {
        let out = run(&hoist(), &dir, &["config".into()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("services.s200.mem_limit") && !stderr.contains("s31"),
            "the first broken service by name is reported: {stderr}"
        );
    }
}
