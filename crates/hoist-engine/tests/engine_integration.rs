//! Integration tests against the real Docker Engine (they FAIL when no engine answers; run
//! scripts/ensure-engine.sh first). Each test uses its own project name and a drop guard that
//! removes everything carrying that project label, even when the test panics.

mod common;

use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use hoist_engine::bollard::models::{
    ContainerCreateBody, ContainerStateStatusEnum, EndpointSettings, HostConfig,
    NetworkCreateRequest, VolumeCreateRequest,
};
use hoist_engine::engine::client_max_api_version;
use hoist_engine::{
    labels, ApiVersion, ContainerState, LogChunk, LogsRequest, ProjectSummary, WaitCondition,
};

fn sleeper(labels: HashMap<String, String>, network: Option<&str>) -> ContainerCreateBody {
    ContainerCreateBody {
        image: Some(BUSYBOX.to_string()),
        cmd: Some(vec!["sleep".into(), "300".into()]),
        labels: Some(labels),
        host_config: Some(HostConfig {
            network_mode: network.map(str::to_string),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn connect_negotiates_the_api_version() {
    let engine = engine().await;
    let out = Command::new("docker")
        .args(["version", "--format", "{{.Server.APIVersion}}"])
        .output()
        .expect("docker CLI");
    let server_api = ApiVersion::parse(String::from_utf8_lossy(&out.stdout).trim())
        .expect("docker version prints the server API version");
    assert_eq!(
        engine.api_version(),
        server_api.min(client_max_api_version())
    );
    // The versions come from a `/_ping` probe: they must match what `/version` says.
    let out = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .expect("docker CLI");
    assert_eq!(
        engine.server_version(),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    // The negotiated client can make a versioned call.
    assert!(engine
        .image_exists("hoist-test/definitely-missing:none")
        .await
        .is_ok());
}

#[tokio::test]
async fn network_volume_container_lifecycle_with_compose_labels() {
    ensure_test_image();
    let engine = engine().await;
    let project = unique_project("life");
    let _guard = ProjectGuard::new(&project);

    // Network with compose labels.
    let net_name = format!("{project}_default");
    let net_id = engine
        .create_network(NetworkCreateRequest {
            name: net_name.clone(),
            driver: Some("bridge".into()),
            labels: Some(HashMap::from([
                (labels::PROJECT.to_string(), project.clone()),
                (labels::NETWORK.to_string(), "default".to_string()),
                (labels::CONFIG_HASH.to_string(), "nethash".to_string()),
                (labels::VERSION.to_string(), "5.6.1".to_string()),
            ])),
            ..Default::default()
        })
        .await
        .expect("create network");
    let inspected = engine
        .inspect_network(&net_name)
        .await
        .expect("inspect network");
    assert_eq!(inspected.id.as_deref(), Some(net_id.as_str()));
    // Volume with compose labels.
    let vol_name = format!("{project}_data");
    let volume = engine
        .create_volume(VolumeCreateRequest {
            name: Some(vol_name.clone()),
            driver: Some("local".into()),
            labels: Some(HashMap::from([
                (labels::PROJECT.to_string(), project.clone()),
                (labels::VOLUME.to_string(), "data".to_string()),
                (labels::VERSION.to_string(), "5.6.1".to_string()),
            ])),
            ..Default::default()
        })
        .await
        .expect("create volume");
    assert_eq!(volume.name, vol_name);
    assert_eq!(
        engine
            .inspect_volume(&vol_name)
            .await
            .expect("inspect volume")
            .labels
            .get(labels::VOLUME)
            .map(String::as_str),
        Some("data")
    );

    // Container on that network with the volume mounted.
    let name = format!("{project}-web-1");
    let mut spec = sleeper(
        container_labels(&project, "web", Some(1), "hash-1"),
        Some(&net_name),
    );
    if let Some(hc) = spec.host_config.as_mut() {
        hc.binds = Some(vec![format!("{vol_name}:/data")]);
    }
    let created = engine
        .create_container(&name, spec)
        .await
        .expect("create container");
    let state = engine.project_state(&project).await.expect("state");
    assert_eq!(state.containers.len(), 1);
    assert_eq!(state.containers[0].state, ContainerState::Created);

    engine.start_container(&created.id).await.expect("start");
    // Starting again is not an error.
    engine.start_container(&name).await.expect("start twice");
    let inspect = engine.inspect_container(&name).await.expect("inspect");
    assert_eq!(inspect.id.as_deref(), Some(created.id.as_str()));
    assert_eq!(
        inspect.state.as_ref().and_then(|s| s.status),
        Some(ContainerStateStatusEnum::RUNNING)
    );

    let state = engine.project_state(&project).await.expect("state");
    let web = &state.containers[0];
    assert_eq!(web.name, name);
    assert_eq!(web.service, "web");
    assert_eq!(web.number, Some(1));
    assert!(!web.oneoff);
    assert_eq!(web.state, ContainerState::Running);
    assert_eq!(web.config_hash, "hash-1");
    assert_eq!(web.image, BUSYBOX);
    assert_eq!(web.networks.get(&net_name), Some(&net_id));
    assert_eq!(state.networks.len(), 1);
    assert_eq!(state.networks[0].key.as_deref(), Some("default"));
    assert_eq!(state.networks[0].config_hash.as_deref(), Some("nethash"));
    assert_eq!(state.volumes.len(), 1);
    assert_eq!(state.volumes[0].key.as_deref(), Some("data"));
    assert_eq!(state.volumes[0].driver, "local");

    // pause / unpause
    engine.pause_container(&name).await.expect("pause");
    let state = engine.project_state(&project).await.expect("state");
    assert_eq!(state.containers[0].state, ContainerState::Paused);
    engine.unpause_container(&name).await.expect("unpause");

    // stop with a short grace period: `sleep` as PID 1 ignores SIGTERM, so it gets killed.
    engine
        .stop_container(&name, Some(Duration::from_secs(1)))
        .await
        .expect("stop");
    engine
        .stop_container(&name, Some(Duration::from_secs(1)))
        .await
        .expect("stopping a stopped container is fine");
    let state = engine.project_state(&project).await.expect("state");
    let web = &state.containers[0];
    assert_eq!(web.state, ContainerState::Exited);
    assert_eq!(web.exit_code, Some(137));
    assert_eq!(
        engine
            .wait_container(&name, WaitCondition::NotRunning)
            .await
            .expect("wait"),
        137
    );

    // rename, then remove; errors name the resource.
    let renamed = format!("{project}-web-renamed");
    engine
        .rename_container(&created.id, &renamed)
        .await
        .expect("rename");
    assert_eq!(
        engine
            .inspect_container(&renamed)
            .await
            .expect("inspect renamed")
            .name
            .as_deref(),
        Some(format!("/{renamed}").as_str())
    );
    engine
        .remove_container(&renamed, false, true)
        .await
        .expect("remove");
    let err = engine.inspect_container(&renamed).await.expect_err("gone");
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains(&renamed), "{err}");

    engine
        .remove_network(&net_name)
        .await
        .expect("remove network");
    engine
        .remove_volume(&vol_name, false)
        .await
        .expect("remove volume");
    let err = engine
        .remove_volume(&vol_name, false)
        .await
        .expect_err("already gone");
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains(&vol_name), "{err}");
    assert!(engine
        .project_state(&project)
        .await
        .expect("state")
        .is_empty());
}

#[tokio::test]
async fn project_state_groups_and_filters_like_docker_compose() {
    ensure_test_image();
    let engine = engine().await;
    let project = unique_project("group");
    let _guard = ProjectGuard::new(&project);

    for (name, service, number, hash) in [
        ("web-2", "web", Some(2), "hw"),
        ("db-1", "db", Some(1), "hd"),
        ("web-1", "web", Some(1), "hw"),
        ("web-run-abc", "web", None, "hw"),
    ] {
        engine
            .create_container(
                &format!("{project}-{name}"),
                sleeper(container_labels(&project, service, number, hash), None),
            )
            .await
            .expect("create");
    }
    // No config-hash label: Docker Compose does not see it, neither do we.
    let mut invisible = container_labels(&project, "web", Some(3), "x");
    invisible.remove(labels::CONFIG_HASH);
    engine
        .create_container(&format!("{project}-web-3"), sleeper(invisible, None))
        .await
        .expect("create invisible");
    // Another project's container is not ours.
    let other = unique_project("other");
    let _other_guard = ProjectGuard::new(&other);
    engine
        .create_container(
            &format!("{other}-web-1"),
            sleeper(container_labels(&other, "web", Some(1), "hw"), None),
        )
        .await
        .expect("create other");

    let state = engine.project_state(&project).await.expect("state");
    let names: Vec<&str> = state.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            format!("{project}-db-1"),
            format!("{project}-web-1"),
            format!("{project}-web-2"),
            format!("{project}-web-run-abc"),
        ]
    );
    let web_numbers: Vec<Option<u32>> = state.service_containers("web").map(|c| c.number).collect();
    assert_eq!(web_numbers, vec![Some(1), Some(2)]);
    let oneoffs: Vec<&str> = state.oneoff_containers().map(|c| c.name.as_str()).collect();
    assert_eq!(oneoffs, vec![format!("{project}-web-run-abc")]);
    assert!(state
        .containers
        .iter()
        .all(|c| c.state == ContainerState::Created));
    assert_eq!(
        state
            .service_containers("db")
            .next()
            .map(|c| c.config_hash.as_str()),
        Some("hd")
    );
}

#[tokio::test]
async fn list_projects_reports_status_and_config_files() {
    ensure_test_image();
    let engine = engine().await;
    let project = unique_project("ls");
    let _guard = ProjectGuard::new(&project);

    let running = engine
        .create_container(
            &format!("{project}-web-1"),
            sleeper(container_labels(&project, "web", Some(1), "h"), None),
        )
        .await
        .expect("create");
    engine.start_container(&running.id).await.expect("start");
    let exited = engine
        .create_container(
            &format!("{project}-job-1"),
            ContainerCreateBody {
                cmd: Some(vec!["true".into()]),
                ..sleeper(container_labels(&project, "job", Some(1), "h"), None)
            },
        )
        .await
        .expect("create job");
    engine.start_container(&exited.id).await.expect("start job");
    assert_eq!(
        engine
            .wait_container(&exited.id, WaitCondition::NotRunning)
            .await
            .expect("wait"),
        0
    );

    let expected_files = format!("/tmp/{project}/compose.yaml");
    let all = engine.list_projects(true).await.expect("ls -a");
    let ours: Vec<&ProjectSummary> = all.iter().filter(|p| p.name == project).collect();
    assert_eq!(
        ours,
        vec![&ProjectSummary {
            name: project.clone(),
            status: "exited(1), running(1)".into(),
            config_files: expected_files.clone(),
        }]
    );
    let mut names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    let sorted = {
        let mut s = names.clone();
        s.sort();
        s
    };
    assert_eq!(names, sorted, "projects are sorted by name");
    names.clear();

    let running_only = engine.list_projects(false).await.expect("ls");
    let ours = running_only
        .iter()
        .find(|p| p.name == project)
        .expect("listed");
    assert_eq!(ours.status, "running(1)");
    assert_eq!(ours.config_files, expected_files);

    // The real Docker Compose sees the containers Hoist created, with the same summary.
    for (flag, status) in [("-a", "exited(1), running(1)"), ("", "running(1)")] {
        let mut cmd = Command::new(DOCKER_COMPOSE);
        cmd.args(["ls", "--format", "json", "--filter"])
            .arg(format!("name={project}"));
        if !flag.is_empty() {
            cmd.arg(flag);
        }
        let out = cmd.output().expect("docker compose ls");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("ls prints JSON");
        assert_eq!(
            listed,
            serde_json::json!([{
                "Name": project,
                "Status": status,
                "ConfigFiles": expected_files,
            }]),
            "docker compose ls {flag}"
        );
    }
}

#[tokio::test]
async fn wait_logs_kill_and_events() {
    ensure_test_image();
    let engine = engine().await;
    let project = unique_project("logs");
    let _guard = ProjectGuard::new(&project);

    // Events are read later, from a point in time before anything happened.
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        .saturating_sub(1);
    let mut events = Box::pin(engine.project_events(&project, Some(since.to_string())));

    let name = format!("{project}-job-1");
    let job = engine
        .create_container(
            &name,
            ContainerCreateBody {
                cmd: Some(vec![
                    "sh".into(),
                    "-c".into(),
                    "sleep 1; echo hello; echo oops >&2; exit 3".into(),
                ]),
                ..sleeper(container_labels(&project, "job", Some(1), "h"), None)
            },
        )
        .await
        .expect("create");
    let waiter = {
        let engine = engine.clone();
        let id = job.id.clone();
        tokio::spawn(async move { engine.wait_container(&id, WaitCondition::NextExit).await })
    };
    // Let the wait request reach the engine before starting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    engine.start_container(&job.id).await.expect("start");
    let code = tokio::time::timeout(Duration::from_secs(30), waiter)
        .await
        .expect("wait finished")
        .expect("join")
        .expect("wait ok");
    assert_eq!(code, 3);
    let state = engine.project_state(&project).await.expect("state");
    assert_eq!(state.containers[0].exit_code, Some(3));

    let chunks: Vec<LogChunk> = engine
        .logs(&name, &LogsRequest::default())
        .map(|c| c.expect("log chunk"))
        .collect()
        .await;
    let stdout: Vec<u8> = chunks
        .iter()
        .filter_map(|c| match c {
            LogChunk::Stdout(b) => Some(b.clone()),
            LogChunk::Stderr(_) => None,
        })
        .flatten()
        .collect();
    let stderr: Vec<u8> = chunks
        .iter()
        .filter_map(|c| match c {
            LogChunk::Stderr(b) => Some(b.clone()),
            LogChunk::Stdout(_) => None,
        })
        .flatten()
        .collect();
    assert_eq!(String::from_utf8_lossy(&stdout), "hello\n");
    assert_eq!(String::from_utf8_lossy(&stderr), "oops\n");

    // The event stream saw the container start and die, with its labels.
    let mut actions = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !actions.iter().any(|a: &String| a == "die") {
        let next = tokio::time::timeout_at(deadline, events.next())
            .await
            .expect("events arrive in time")
            .expect("stream open")
            .expect("event");
        let actor = next.actor.unwrap_or_default();
        let attrs = actor.attributes.unwrap_or_default();
        assert_eq!(attrs.get(labels::PROJECT), Some(&project));
        actions.push(next.action.unwrap_or_default());
    }
    assert!(actions.iter().any(|a| a == "start"), "{actions:?}");

    // kill with a signal
    let sleeper_name = format!("{project}-web-1");
    let s = engine
        .create_container(
            &sleeper_name,
            sleeper(container_labels(&project, "web", Some(1), "h"), None),
        )
        .await
        .expect("create sleeper");
    engine.start_container(&s.id).await.expect("start sleeper");
    engine.kill_container(&s.id, "SIGKILL").await.expect("kill");
    assert_eq!(
        engine
            .wait_container(&s.id, WaitCondition::NotRunning)
            .await
            .expect("wait"),
        137
    );
    let err = engine
        .kill_container(&s.id, "SIGKILL")
        .await
        .expect_err("not running");
    assert!(err.to_string().contains(&s.id), "{err}");

    // connect / disconnect a network
    let net = format!("{project}_extra");
    engine
        .create_network(NetworkCreateRequest {
            name: net.clone(),
            labels: Some(HashMap::from([(
                labels::PROJECT.to_string(),
                project.clone(),
            )])),
            ..Default::default()
        })
        .await
        .expect("network");
    engine
        .connect_network(
            &net,
            &sleeper_name,
            EndpointSettings {
                aliases: Some(vec!["web".into()]),
                ..Default::default()
            },
        )
        .await
        .expect("connect");
    let state = engine.project_state(&project).await.expect("state");
    let web = state.service_containers("web").next().expect("web");
    assert!(web.networks.contains_key(&net), "{:?}", web.networks);
    engine
        .disconnect_network(&net, &sleeper_name, false)
        .await
        .expect("disconnect");
}

#[tokio::test]
async fn image_inspect_and_exists() {
    ensure_test_image();
    let engine = engine().await;
    assert!(engine.image_exists(BUSYBOX).await.expect("exists"));
    assert!(!engine
        .image_exists("hoist-test/no-such-image:nope")
        .await
        .expect("missing is not an error"));
    let image = engine.inspect_image(BUSYBOX).await.expect("inspect");
    assert!(image.id.unwrap_or_default().starts_with("sha256:"));
    let err = engine
        .inspect_image("hoist-test/no-such-image:nope")
        .await
        .expect_err("missing");
    assert!(err.is_not_found());
    assert!(
        err.to_string().contains("hoist-test/no-such-image:nope"),
        "{err}"
    );
}

#[tokio::test]
async fn sees_containers_created_by_real_docker_compose() {
    ensure_test_image();
    let engine = engine().await;
    let project = unique_project("compose");
    let _guard = ProjectGuard::new(&project);

    let dir = std::env::temp_dir().join(&project);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("compose.yaml");
    std::fs::write(
        &file,
        "services:\n  web:\n    image: hoist-test/busybox:latest\n    command: [\"sleep\", \"300\"]\n    pull_policy: never\n",
    )
    .expect("write compose file");
    let compose = |args: &[&str]| {
        let out = Command::new(DOCKER_COMPOSE)
            .arg("-p")
            .arg(&project)
            .arg("-f")
            .arg(&file)
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("run docker compose");
        assert!(
            out.status.success(),
            "docker compose {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    compose(&["up", "-d"]);
    let hash_line = compose(&["config", "--hash", "web"]);
    let expected_hash = hash_line
        .split_whitespace()
        .nth(1)
        .expect("`config --hash` prints `web <hash>`")
        .to_string();

    let state = engine.project_state(&project).await.expect("state");
    assert_eq!(state.containers.len(), 1, "{state:?}");
    let web = &state.containers[0];
    assert_eq!(web.name, format!("{project}-web-1"));
    assert_eq!(web.service, "web");
    assert_eq!(web.number, Some(1));
    assert!(!web.oneoff);
    assert_eq!(web.state, ContainerState::Running);
    assert_eq!(web.config_hash, expected_hash);
    assert_eq!(web.labels.get(labels::PROJECT), Some(&project));
    let default_net = format!("{project}_default");
    assert!(
        web.networks.contains_key(&default_net),
        "{:?}",
        web.networks
    );
    let nets = state.networks_by_key();
    assert_eq!(
        nets.get("default")
            .map(|v| v.iter().map(|n| n.name.clone()).collect::<Vec<_>>()),
        Some(vec![default_net])
    );

    let canonical = std::fs::canonicalize(&file).expect("canonical path");
    let listed = engine.list_projects(false).await.expect("ls");
    let ours = listed
        .iter()
        .find(|p| p.name == project)
        .expect("listed by ls");
    assert_eq!(ours.status, "running(1)");
    assert_eq!(ours.config_files, canonical.to_string_lossy());

    compose(&["down", "-t", "0"]);
    assert!(engine
        .project_state(&project)
        .await
        .expect("state")
        .is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn exec_and_upload_archive() {
    ensure_test_image();
    let engine = engine().await;
    let project = unique_project("exec");
    let _guard = ProjectGuard::new(&project);

    let name = format!("{project}-web-1");
    let created = engine
        .create_container(
            &name,
            sleeper(container_labels(&project, "web", Some(1), "h"), None),
        )
        .await
        .expect("create");

    // Upload into a created (not yet started) container, as secret injection does.
    let src = std::env::temp_dir().join(format!("{project}-tar"));
    std::fs::create_dir_all(&src).expect("src dir");
    std::fs::write(src.join("token"), "s3cret\n").expect("file");
    let tar = Command::new("tar")
        .arg("-C")
        .arg(&src)
        .args(["-cf", "-", "token"])
        .output()
        .expect("tar");
    assert!(tar.status.success());
    let _ = std::fs::remove_dir_all(&src);
    engine
        .upload_archive(&created.id, "/tmp", tar.stdout)
        .await
        .expect("upload");
    let err = engine
        .upload_archive(&created.id, "/no/such/dir", Vec::new())
        .await
        .expect_err("missing target dir");
    assert!(err.to_string().contains(&created.id), "{err}");

    engine.start_container(&created.id).await.expect("start");
    let out = engine
        .exec(
            &name,
            &hoist_engine::ExecRequest {
                cmd: vec![
                    "sh".into(),
                    "-c".into(),
                    "cat /tmp/token; echo \"$GREETING from $(pwd)\" >&2; exit 4".into(),
                ],
                env: vec!["GREETING=hi".into()],
                working_dir: Some("/tmp".into()),
                ..Default::default()
            },
        )
        .await
        .expect("exec");
    assert_eq!(out.exit_code, 4);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "s3cret\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "hi from /tmp\n");

    let who = engine
        .exec(
            &name,
            &hoist_engine::ExecRequest {
                cmd: vec!["id".into(), "-un".into()],
                user: Some("nobody".into()),
                ..Default::default()
            },
        )
        .await
        .expect("exec as nobody");
    assert_eq!(who.exit_code, 0);
    assert_eq!(String::from_utf8_lossy(&who.stdout), "nobody\n");
}

#[tokio::test]
async fn project_guard_cleans_up_after_a_panicking_test() {
    ensure_test_image();
    let engine = engine().await;
    let project = unique_project("guard");
    let _outer_guard = ProjectGuard::new(&project);

    let inner_project = project.clone();
    let failed = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let _guard = ProjectGuard::new(&inner_project);
            let engine = common::engine().await;
            engine
                .create_network(NetworkCreateRequest {
                    name: format!("{inner_project}_default"),
                    labels: Some(HashMap::from([(
                        labels::PROJECT.to_string(),
                        inner_project.clone(),
                    )])),
                    ..Default::default()
                })
                .await
                .expect("network");
            let c = engine
                .create_container(
                    &format!("{inner_project}-web-1"),
                    sleeper(container_labels(&inner_project, "web", Some(1), "h"), None),
                )
                .await
                .expect("container");
            engine.start_container(&c.id).await.expect("start");
            panic!("simulated test failure");
        })
    })
    .join();
    assert!(failed.is_err(), "the inner test panicked");
    let state = engine.project_state(&project).await.expect("state");
    assert!(state.is_empty(), "guard removed everything: {state:?}");
}
