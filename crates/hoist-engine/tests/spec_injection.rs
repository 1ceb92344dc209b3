//! Secret and config injection against the engine: `environment:`/`content:` objects are
//! copied into the container before it starts with the owner and mode Docker Compose gives
//! them (compared with the reference `docker-compose up`), and `file:` secrets with
//! `uid`/`gid`/`mode` get that owner and mode (a Hoist extension: Docker Compose ignores
//! them, so the expected values come from the compose file itself).
//!
//! Needs the engine (run scripts/ensure-engine.sh); FAILS without it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{engine, ensure_test_image, unique_project, ProjectGuard, DOCKER_COMPOSE};
use hoist_engine::spec::{self, ContainerRole};
use hoist_engine::ExecRequest;
use hoist_loader::load::LoadContext;
use hoist_loader::options::ProjectOptions;

const TOKEN_VAR: &str = "SPEC_INJECTION_TOKEN";
const TOKEN: &str = "t0k3n";
const PROBE: &str = "for f in /run/secrets/env_secret /run/secrets/custom /inline /etc/inline.conf; do echo \"$f $(stat -c '%a %u %g' $f) $(cat $f)\"; done";

fn fixture_copy(project: &str) -> PathBuf {
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec/injection");
    let to = std::env::temp_dir().join(project);
    std::fs::create_dir_all(&to).expect("work dir");
    for entry in std::fs::read_dir(&from).expect("fixture") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    to
}

fn compose(dir: &Path, project: &str, args: &[&str]) {
    let out = Command::new(DOCKER_COMPOSE)
        .current_dir(dir)
        .env(TOKEN_VAR, TOKEN)
        .args(["-p", project])
        .args(args)
        .output()
        .expect("run docker-compose");
    assert!(
        out.status.success(),
        "docker-compose {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn docker_exec(container: &str, script: &str) -> String {
    let out = Command::new("docker")
        .args(["exec", container, "sh", "-c", script])
        .output()
        .expect("docker exec");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Removes a work directory when dropped (also when the test panics).
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn injected_files_match_compose_and_file_owners_are_honoured() {
    ensure_test_image();
    let project = unique_project("spec-inject");
    let _guard = ProjectGuard::new(&project);
    let dir = fixture_copy(&project);
    let _work = WorkDir(dir.clone());

    compose(&dir, &project, &["up", "-d", "app"]);
    let reference = docker_exec(&format!("{project}-app-1"), PROBE);
    compose(&dir, &project, &["down", "-v"]);
    assert!(reference.contains(TOKEN), "reference probe: {reference}");

    let opts = ProjectOptions {
        files: vec![dir.join("compose.yaml").to_string_lossy().into_owned()],
        project_name: Some(project.clone()),
        cwd: dir.clone(),
        os_env: [(TOKEN_VAR.to_string(), TOKEN.to_string())]
            .into_iter()
            .collect(),
        ..ProjectOptions::default()
    };
    let loaded = hoist_loader::load::load(&opts, &mut LoadContext::default())
        .unwrap_or_else(|e| panic!("load: {e:?}"));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (ours, owned) = rt.block_on(async {
        let engine = engine().await;
        let api = engine.api_version();
        for key in loaded.networks.0.keys() {
            let req = spec::network_create_request(&loaded, key, api).expect("network request");
            engine.create_network(req).await.expect("create network");
        }
        let mut outputs = Vec::new();
        for service in ["app", "owned"] {
            let role = ContainerRole::replica(1);
            let body = spec::container_create_body(&loaded, service, &role, api)
                .unwrap_or_else(|e| panic!("{e}"));
            let name = role.name_for(&loaded.name, loaded.service(service).expect("service"));
            let id = engine.create_container(&name, body).await.expect("create").id;
            for file in spec::injected_files(&loaded, service).expect("injected files") {
                engine
                    .upload_archive_owned(&id, "/", file.tar, file.copy_uid_gid)
                    .await
                    .expect("upload");
            }
            engine.start_container(&id).await.expect("start");
            let probe = if service == "app" {
                PROBE.to_string()
            } else {
                "for f in /run/secrets/file_secret /run/secrets/plain; do echo \"$f $(stat -c '%a %u %g' $f) $(cat $f)\"; done".to_string()
            };
            let out = engine
                .exec(
                    &id,
                    &ExecRequest {
                        cmd: vec!["sh".into(), "-c".into(), probe],
                        ..Default::default()
                    },
                )
                .await
                .expect("exec");
            outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        (outputs[0].clone(), outputs[1].clone())
    });

    assert_eq!(
        ours, reference,
        "injected secrets/configs differ from docker compose"
    );
    let lines: Vec<&str> = owned.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("/run/secrets/file_secret 400 1000 1001 from-a-file"),
        "{owned}"
    );
    // Without uid/gid/mode the file secret is bind-mounted as-is, read-only.
    assert!(
        lines
            .get(1)
            .is_some_and(|l| l.starts_with("/run/secrets/plain ") && l.ends_with("from-a-file")),
        "{owned}"
    );
}
