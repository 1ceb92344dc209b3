//! Differential tests of `hoist_engine::spec` against the reference Docker Compose: for each
//! attribute family (one small project under `tests/fixtures/spec/<family>/`), the reference
//! `docker-compose create` makes the containers, networks and volumes, which are inspected
//! and removed; then Hoist creates the same objects from its own create bodies and requests,
//! and the two inspections must agree on `Config`, `HostConfig`, the network endpoints and
//! the network/volume settings — with IDs, timestamps, ID-derived hostnames and the
//! container config-hash label normalised away.
//!
//! These tests need the engine (run scripts/ensure-engine.sh) and FAIL without it. They run
//! one at a time (a process-wide lock) and clean up through a project-label guard.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{engine, ensure_test_image, unique_project, ProjectGuard, DOCKER_COMPOSE};
use hoist_engine::spec::{self, ContainerRole, ExistingContainer};
use hoist_loader::load::LoadContext;
use hoist_loader::model::Project;
use hoist_loader::options::ProjectOptions;
use serde_json::{json, Value};

/// Families run one after the other: the engine and the machine are shared.
static SERIAL: Mutex<()> = Mutex::new(());

fn fixture_dir(family: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("spec")
        .join(family)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create work dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn docker_json(args: &[&str]) -> Vec<Value> {
    let ids = run(Command::new("docker").args(args));
    let ids: Vec<&str> = ids.split_whitespace().collect();
    if ids.is_empty() {
        return Vec::new();
    }
    let kind = args[0];
    let mut cmd = Command::new("docker");
    if kind == "ps" {
        cmd.arg("inspect");
    } else {
        cmd.args([kind, "inspect"]);
    }
    let text = run(cmd.args(&ids));
    serde_json::from_str(&text).expect("docker inspect prints JSON")
}

/// Inspections of everything labelled with the project.
struct Observed {
    containers: Vec<Value>,
    networks: Vec<Value>,
    volumes: Vec<Value>,
}

fn observe(project: &str) -> Observed {
    let filter = format!("label=com.docker.compose.project={project}");
    Observed {
        containers: docker_json(&["ps", "-aq", "--filter", &filter]),
        networks: docker_json(&["network", "ls", "-q", "--filter", &filter]),
        volumes: docker_json(&["volume", "ls", "-q", "--filter", &filter]),
    }
}

/// Loads the fixture with Hoist's loader under the test's project name.
fn load_fixture(project_name: &str, dir: &Path, extra_env: &[(String, String)]) -> Project {
    let opts = ProjectOptions {
        files: vec![dir.join("compose.yaml").to_string_lossy().into_owned()],
        project_name: Some(project_name.to_string()),
        cwd: dir.to_path_buf(),
        os_env: std::env::vars().chain(extra_env.iter().cloned()).collect(),
        ..ProjectOptions::default()
    };
    let mut ctx = LoadContext::default();
    hoist_loader::load::load(&opts, &mut ctx)
        .unwrap_or_else(|e| panic!("hoist cannot load the fixture: {e:?}"))
}

/// Creates the project's volumes, networks and containers the way the executor will: from
/// the spec module's requests and bodies, connecting extra networks on old engines.
async fn create_with_hoist(project: &Project, proxy_env: &BTreeMap<String, String>) {
    let engine = engine().await;
    let api = engine.api_version();

    for (key, vol) in &project.volumes.0 {
        if vol.external {
            continue;
        }
        let req = spec::volume_create_request(project, key).expect("volume request");
        engine.create_volume(req).await.expect("create volume");
    }
    for (key, net) in &project.networks.0 {
        if net.external {
            continue;
        }
        let req = spec::network_create_request(project, key, api).expect("network request");
        engine.create_network(req).await.expect("create network");
    }
    let mut created: BTreeMap<String, Vec<ExistingContainer>> = BTreeMap::new();
    for service in project.service_names_dependency_order() {
        let svc = project.service(&service).expect("service").clone();
        let image = svc.image_name_or_default(&project.name);
        let digest = engine.inspect_image(&image).await.ok().and_then(|i| i.id);
        for number in 1..=u32::try_from(svc.get_scale()).unwrap_or(1) {
            let role = ContainerRole {
                image_digest: digest.clone(),
                proxy_env: proxy_env.clone(),
                ..ContainerRole::replica(number)
            };
            let snapshot = created.clone();
            let lookup = move |s: &str| snapshot.get(s).cloned().unwrap_or_default();
            let body =
                spec::container::container_create_body_with(project, &service, &role, api, &lookup)
                    .unwrap_or_else(|e| panic!("create body of {service}: {e}"));
            let name = role.name_for(&project.name, &svc);
            let id = engine
                .create_container(&name, body)
                .await
                .unwrap_or_else(|e| panic!("create {name}: {e}"))
                .id;
            for (network, endpoint) in spec::extra_networks(project, &service, &role, api, &lookup)
                .expect("extra networks")
            {
                engine
                    .connect_network(&network, &id, endpoint)
                    .await
                    .unwrap_or_else(|e| panic!("connect {name} to {network}: {e}"));
            }
            created
                .entry(service.clone())
                .or_default()
                .push(ExistingContainer { id, name });
        }
    }
}

/// `null`, `[]` and `{}` mean the same to the engine in HostConfig and endpoint settings.
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

fn sort_array(v: &mut Value, key: Option<&str>) {
    if let Value::Array(a) = v {
        a.sort_by_key(|item| match key {
            Some(k) => item.get(k).map(Value::to_string).unwrap_or_default(),
            None => item.to_string(),
        });
    }
}

/// The parts of a container inspection that the create body decides, made comparable.
fn normalise_container(c: &Value, names_by_id: &HashMap<String, String>) -> Value {
    let id = c["Id"].as_str().unwrap_or_default();
    let id_to_name = |text: &str| -> String {
        let mut out = text.to_string();
        for (cid, name) in names_by_id {
            out = out.replace(cid.as_str(), &format!("<{name}>"));
        }
        out
    };
    let mut config = c["Config"].clone();
    if config["Hostname"].as_str() == id.get(..12) {
        config["Hostname"] = json!("<short-id>");
    }
    if let Some(labels) = config["Labels"].as_object_mut() {
        if labels.contains_key("com.docker.compose.config-hash")
            && std::env::var_os("HOIST_SPEC_KEEP_HASH").is_none()
        {
            labels.insert("com.docker.compose.config-hash".into(), json!("<hash>"));
        }
        if let Some(Value::String(deps)) = labels.get_mut("com.docker.compose.depends_on") {
            let mut items: Vec<&str> = deps.split(',').collect();
            items.sort_unstable();
            *deps = items.join(",");
        }
    }
    sort_array(&mut config["Env"], None);

    let mut host = c["HostConfig"].clone();
    for key in ["NetworkMode", "IpcMode", "PidMode"] {
        if let Some(s) = host[key].as_str() {
            host[key] = json!(id_to_name(s));
        }
    }
    if let Value::Array(items) = &mut host["VolumesFrom"] {
        for item in items.iter_mut() {
            if let Some(s) = item.as_str() {
                *item = json!(id_to_name(s));
            }
        }
    }
    for key in ["Binds", "ExtraHosts", "Links"] {
        sort_array(&mut host[key], None);
    }
    sort_array(&mut host["Mounts"], Some("Target"));
    sort_array(&mut host["Ulimits"], Some("Name"));
    empty_to_null(&mut host);

    let mut networks = serde_json::Map::new();
    if let Some(nets) = c["NetworkSettings"]["Networks"].as_object() {
        for (name, ep) in nets {
            let mut kept = json!({
                "Aliases": ep["Aliases"],
                "IPAMConfig": ep["IPAMConfig"],
                "Links": ep["Links"],
                "MacAddress": ep["MacAddress"],
                "DriverOpts": ep["DriverOpts"],
            });
            if let Value::Array(aliases) = &mut kept["Aliases"] {
                for alias in aliases.iter_mut() {
                    if alias.as_str() == id.get(..12) {
                        *alias = json!("<short-id>");
                    }
                }
            }
            sort_array(&mut kept["Links"], None);
            empty_to_null(&mut kept);
            networks.insert(name.clone(), kept);
        }
    }
    json!({ "Config": config, "HostConfig": host, "Networks": networks })
}

fn normalise_network(n: &Value, auto_subnets: &[String]) -> Value {
    let mut ipam = n["IPAM"].clone();
    if auto_subnets
        .iter()
        .any(|a| n["Name"].as_str() == Some(a.as_str()))
    {
        ipam["Config"] = json!("<auto>");
    }
    let mut v = json!({
        "Name": n["Name"],
        "Driver": n["Driver"],
        "Internal": n["Internal"],
        "Attachable": n["Attachable"],
        "EnableIPv6": n["EnableIPv6"],
        "IPAM": ipam,
        "Options": n["Options"],
        "Labels": n["Labels"],
    });
    empty_to_null(&mut v);
    v
}

fn normalise_volume(v: &Value) -> Value {
    let mut v = json!({
        "Name": v["Name"],
        "Driver": v["Driver"],
        "Options": v["Options"],
        "Labels": v["Labels"],
    });
    empty_to_null(&mut v);
    v
}

/// Every leaf where the two values differ, as `path: reference ≠ hoist`.
fn differences(path: &str, reference: &Value, ours: &Value, out: &mut Vec<String>) {
    match (reference, ours) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let null = Value::Null;
                differences(
                    &format!("{path}.{k}"),
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    out,
                );
            }
        }
        (a, b) if a != b => out.push(format!("{path}: reference {a} != hoist {b}")),
        _ => {}
    }
}

fn keyed(items: &[Value], key: &str, f: impl Fn(&Value) -> Value) -> Value {
    let mut map = serde_json::Map::new();
    for item in items {
        let name = item[key]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_string();
        map.insert(name, f(item));
    }
    Value::Object(map)
}

fn compare(reference: &Observed, ours: &Observed, auto_subnets: &[String]) -> Vec<String> {
    let names = |o: &Observed| -> HashMap<String, String> {
        o.containers
            .iter()
            .map(|c| {
                (
                    c["Id"].as_str().unwrap_or_default().to_string(),
                    c["Name"]
                        .as_str()
                        .unwrap_or_default()
                        .trim_start_matches('/')
                        .to_string(),
                )
            })
            .collect()
    };
    let (ref_names, our_names) = (names(reference), names(ours));
    let mut out = Vec::new();
    differences(
        "containers",
        &keyed(&reference.containers, "Name", |c| {
            normalise_container(c, &ref_names)
        }),
        &keyed(&ours.containers, "Name", |c| {
            normalise_container(c, &our_names)
        }),
        &mut out,
    );
    differences(
        "networks",
        &keyed(&reference.networks, "Name", |n| {
            normalise_network(n, auto_subnets)
        }),
        &keyed(&ours.networks, "Name", |n| {
            normalise_network(n, auto_subnets)
        }),
        &mut out,
    );
    differences(
        "volumes",
        &keyed(&reference.volumes, "Name", normalise_volume),
        &keyed(&ours.volumes, "Name", normalise_volume),
        &mut out,
    );
    out
}

/// Removes a work directory when dropped (also when the test panics).
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_family(family: &str) {
    run_family_with(family, |_| Vec::new());
}

/// Runs a family with extra variables (computed from the project name) in the environment
/// of both the reference and Hoist's loader.
fn run_family_with(family: &str, extra_env: impl Fn(&str) -> Vec<(String, String)>) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    ensure_test_image();
    let project = unique_project(&format!("spec-{}", family.replace('_', "-")));
    let _guard = ProjectGuard::new(&project);
    let work = WorkDir(std::env::temp_dir().join(&project));
    let dir = work.0.clone();
    copy_dir(&fixture_dir(family), &dir);
    let file = dir.join("compose.yaml");
    let extra_env = extra_env(&project);
    // A fixture may bring a docker CLI config (proxies): the reference reads it through
    // DOCKER_CONFIG, Hoist gets its proxy variables for the default local daemon.
    let cli_config = dir.join("docker-config");
    let proxy_env = std::fs::read_to_string(cli_config.join("config.json"))
        .ok()
        .map(|text| {
            let config: Value = serde_json::from_str(&text).expect("fixture docker config");
            spec::proxy_environment(&config, "unix:///var/run/docker.sock")
        })
        .unwrap_or_default();
    let compose = || {
        let mut cmd = Command::new(DOCKER_COMPOSE);
        cmd.current_dir(&dir)
            .args(["-p", &project, "-f"])
            .arg(&file)
            .envs(extra_env.iter().cloned());
        if cli_config.is_dir() {
            cmd.env("DOCKER_CONFIG", &cli_config);
        }
        cmd
    };

    let created = compose()
        .arg("create")
        .output()
        .expect("run docker-compose create");
    if !created.status.success() {
        // Docker Compose may exit while creations of other services are still in flight:
        // let them land so the guard removes them too.
        std::thread::sleep(std::time::Duration::from_secs(3));
        panic!(
            "reference docker-compose create failed:\n{}",
            String::from_utf8_lossy(&created.stderr)
        );
    }
    let reference = observe(&project);
    assert!(
        !reference.containers.is_empty(),
        "the reference created no container"
    );
    run(compose().args(["down", "-v"]));
    assert!(
        observe(&project).containers.is_empty(),
        "reference containers left over"
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let loaded = load_fixture(&project, &dir, &extra_env);
    rt.block_on(create_with_hoist(&loaded, &proxy_env));
    let ours = observe(&project);

    // Subnets the engine picked itself differ between the two runs.
    let auto_subnets: Vec<String> = loaded
        .networks
        .0
        .values()
        .filter(|n| n.ipam.config.is_empty())
        .map(|n| n.name.clone())
        .collect();
    let diffs = compare(&reference, &ours, &auto_subnets);
    if std::env::var_os("HOIST_SPEC_DUMP").is_some() {
        for c in &ours.containers {
            eprintln!("{:#}", normalise_container(c, &HashMap::new()));
        }
    }
    drop(work);
    assert!(
        diffs.is_empty(),
        "{family}: hoist differs from docker compose:\n  {}",
        diffs.join("\n  ")
    );
}

#[test]
fn basic_process_settings_match_compose() {
    run_family("basic");
}

#[test]
fn environment_and_labels_match_compose() {
    run_family("env_labels");
}

#[test]
fn ports_match_compose() {
    run_family("ports");
}

#[test]
fn volumes_binds_and_tmpfs_match_compose() {
    run_family("volumes");
}

#[test]
fn resources_and_ulimits_match_compose() {
    run_family("resources");
}

#[test]
fn healthchecks_match_compose() {
    run_family("healthcheck");
}

#[test]
fn restart_and_stop_settings_match_compose() {
    run_family("restart_stop");
}

#[test]
fn security_settings_match_compose() {
    run_family("security");
}

#[test]
fn networks_and_aliases_match_compose() {
    run_family("networks");
}

#[test]
fn logging_matches_compose() {
    run_family("logging");
}

#[test]
fn devices_and_device_requests_match_compose() {
    run_family("devices");
}

#[test]
fn file_secrets_and_configs_match_compose() {
    run_family("secrets_configs");
}

#[test]
fn dns_extra_hosts_and_sysctls_match_compose() {
    run_family("dns");
}

#[test]
fn service_references_match_compose() {
    run_family("references");
}

#[test]
fn proxy_variables_match_compose() {
    run_family("proxy");
}

#[test]
fn misc_host_settings_match_compose() {
    run_family("misc");
}

#[test]
fn ipv6_and_static_addresses_match_compose() {
    run_family("networks_ipv6");
}

#[test]
fn container_names_scale_and_links_match_compose() {
    run_family_with("naming", |project| {
        vec![(
            "SPEC_CONTAINER_NAME".to_string(),
            format!("{project}-custom"),
        )]
    });
}
