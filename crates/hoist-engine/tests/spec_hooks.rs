//! `pre_start` hook containers against the reference: a failing hook makes Docker Compose
//! keep the hook container for inspection; Hoist's hook body for the same hook must give
//! the same `Config`, `HostConfig` and network endpoints (IDs normalised to names).
//!
//! Needs the engine (run scripts/ensure-engine.sh); FAILS without it.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{engine, ensure_test_image, unique_project, ProjectGuard, DOCKER_COMPOSE};
use hoist_engine::spec::{self, ContainerRole};
use hoist_loader::load::LoadContext;
use hoist_loader::options::ProjectOptions;
use serde_json::{json, Value};

fn inspect_hook(project: &str) -> Value {
    let out = Command::new("docker")
        .args([
            "ps",
            "-aq",
            "--filter",
            &format!("label=com.docker.compose.project={project}"),
            "--filter",
            "label=com.docker.compose.hook=pre_start",
        ])
        .output()
        .expect("docker ps");
    let ids = String::from_utf8_lossy(&out.stdout).into_owned();
    let ids: Vec<&str> = ids.split_whitespace().collect();
    assert_eq!(ids.len(), 1, "expected one retained hook container");
    let out = Command::new("docker")
        .arg("inspect")
        .args(&ids)
        .output()
        .expect("inspect");
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).expect("json");
    all.into_iter().next().expect("one")
}

/// `null`, `[]` and `{}` mean the same to the engine in HostConfig.
fn empty_to_null(v: &mut Value) {
    match v {
        Value::Array(a) => {
            a.iter_mut().for_each(empty_to_null);
            if a.is_empty() {
                *v = Value::Null;
            }
        }
        Value::Object(o) => {
            o.values_mut().for_each(empty_to_null);
            if o.is_empty() {
                *v = Value::Null;
            }
        }
        _ => {}
    }
}

fn normalise(c: &Value, service_container: (&str, &str)) -> Value {
    let mut config = c["Config"].clone();
    let id = c["Id"].as_str().unwrap_or_default();
    if config["Hostname"].as_str() == id.get(..12) {
        config["Hostname"] = json!("<short-id>");
    }
    if let Value::Array(env) = &mut config["Env"] {
        env.sort_by_key(Value::to_string);
    }
    let mut host = c["HostConfig"].clone();
    host["VolumesFrom"] = json!(host["VolumesFrom"].as_array().map(|v| v
        .iter()
        .map(|x| x
            .as_str()
            .unwrap_or_default()
            .replace(service_container.0, service_container.1))
        .collect::<Vec<_>>()));
    empty_to_null(&mut host);
    let mut networks = serde_json::Map::new();
    if let Some(nets) = c["NetworkSettings"]["Networks"].as_object() {
        for (name, ep) in nets {
            let aliases: Vec<Value> = ep["Aliases"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.as_str() != id.get(..12))
                .collect();
            networks.insert(
                name.clone(),
                json!({ "Aliases": aliases, "IPAMConfig": ep["IPAMConfig"] }),
            );
        }
    }
    json!({ "Config": config, "HostConfig": host, "Networks": networks })
}

/// Removes a work directory when dropped (also when the test panics).
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn pre_start_hook_container_matches_compose() {
    ensure_test_image();
    let project = unique_project("spec-hooks");
    let _guard = ProjectGuard::new(&project);
    let dir = std::env::temp_dir().join(&project);
    std::fs::create_dir_all(&dir).expect("work dir");
    let _work = WorkDir(dir.clone());
    let fixture =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec/hooks/compose.yaml");
    std::fs::copy(&fixture, dir.join("compose.yaml")).expect("copy fixture");

    let up = Command::new(DOCKER_COMPOSE)
        .current_dir(&dir)
        .args(["-p", &project, "up", "-d"])
        .output()
        .expect("docker-compose up");
    assert!(!up.status.success(), "the failing hook must fail `up`");
    let reference_hook = inspect_hook(&project);
    let reference_service = format!("{project}-app-1");
    let reference_service_id = String::from_utf8_lossy(
        &Command::new("docker")
            .args(["inspect", "-f", "{{.Id}}", &reference_service])
            .output()
            .expect("inspect service")
            .stdout,
    )
    .trim()
    .to_string();
    let reference = normalise(&reference_hook, (&reference_service_id, "<service>"));
    let down = Command::new(DOCKER_COMPOSE)
        .current_dir(&dir)
        .args(["-p", &project, "down", "-v"])
        .output()
        .expect("down");
    assert!(down.status.success());
    // `down` does not know hook containers: remove the retained one.
    let _ = Command::new("docker")
        .args([
            "rm",
            "-f",
            reference_hook["Id"].as_str().unwrap_or_default(),
        ])
        .output();

    let opts = ProjectOptions {
        files: vec![dir.join("compose.yaml").to_string_lossy().into_owned()],
        project_name: Some(project.clone()),
        cwd: dir.clone(),
        ..ProjectOptions::default()
    };
    let loaded = hoist_loader::load::load(&opts, &mut LoadContext::default())
        .unwrap_or_else(|e| panic!("load: {e:?}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ours = rt.block_on(async {
        let engine = engine().await;
        let api = engine.api_version();
        for key in loaded.volumes.0.keys() {
            engine
                .create_volume(spec::volume_create_request(&loaded, key).expect("volume"))
                .await
                .expect("create volume");
        }
        for key in loaded.networks.0.keys() {
            engine
                .create_network(spec::network_create_request(&loaded, key, api).expect("network"))
                .await
                .expect("create network");
        }
        let role = ContainerRole::replica(1);
        let body = spec::container_create_body(&loaded, "app", &role, api).expect("body");
        let service_id = engine
            .create_container(&format!("{project}-app-1"), body)
            .await
            .expect("create service")
            .id;
        let hook =
            spec::pre_start_hook_body(&loaded, "app", 0, &service_id, api, &spec::no_containers)
                .expect("hook body");
        let hook_name = format!("{project}-hook");
        let hook_id = engine
            .create_container(&hook_name, hook)
            .await
            .expect("create hook")
            .id;
        for (net, ep) in
            spec::pre_start_hook_extra_networks(&loaded, "app", api, &spec::no_containers)
                .expect("extra networks")
        {
            engine
                .connect_network(&net, &hook_id, ep)
                .await
                .expect("connect");
        }
        let out = Command::new("docker")
            .args(["inspect", &hook_id])
            .output()
            .expect("inspect hook");
        let all: Vec<Value> = serde_json::from_slice(&out.stdout).expect("json");
        normalise(&all[0], (&service_id, "<service>"))
    });
    assert_eq!(ours["Config"], reference["Config"]);
    assert_eq!(ours["HostConfig"], reference["HostConfig"]);
    assert_eq!(ours["Networks"], reference["Networks"]);
}
