//! Integration tests of the executor against the real engine (they FAIL without one): plans
//! from `hoist_planner::plan_up` / `plan_down` for small projects on the busybox test image,
//! checked through engine inspection.

mod common;

use std::time::Duration;

use common::*;
use hoist_engine::bollard::models::{ContainerStateStatusEnum, HealthStatusEnum};
use hoist_executor::{execute, CancelToken, ExecOptions, QuietProgress, StepStatus};
use hoist_planner::{
    plan_down, plan_stop, plan_up, Action, Condition, DownOptions, LifecycleOptions, UpOptions,
};

fn options(project: &str) -> ExecOptions {
    ExecOptions {
        project: project.to_string(),
        parallel: None,
        engine_work_limit: None,
        wait_timeout: Some(Duration::from_secs(90)),
        cancel: CancelToken::new(),
    }
}

/// db (healthcheck), init (runs `true`) and web (waits for db healthy and init completed).
fn three_services(name: &str) -> TestProject {
    TestProject::new(
        name,
        vec![
            TestService::new("db", long_running())
                .healthcheck(&["CMD", "true"])
                .volume("data"),
            TestService::new("init", vec!["true".into()]),
            TestService::new("web", long_running())
                .depends_on("db", Condition::Healthy, true)
                .depends_on("init", Condition::CompletedSuccessfully, true),
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_respects_dependencies_and_down_removes_everything() {
    let engine = engine().await;
    let name = unique_project("deps");
    let _guard = ProjectGuard(name.clone());
    let project = three_services(&name);

    let plan = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions::default(),
    )
    .expect("plan up");
    let sink = RecordingSink::default();
    let outcome = execute(&plan, &engine, &project, &sink, &options(&name))
        .await
        .unwrap_or_else(|e| panic!("up failed: {e}\n{:#?}", e.outcome));
    assert!(outcome.is_success());
    assert_eq!(outcome.steps.len(), plan.steps.len());
    assert!(outcome
        .steps
        .iter()
        .all(|s| s.status == StepStatus::Succeeded && s.duration.is_some()));

    // Containers exist with Docker Compose's names and labels.
    for service in ["db", "init", "web"] {
        let container = format!("{name}-{service}-1");
        let labels = labels_of(&engine, &container).await;
        assert_eq!(labels.get("com.docker.compose.project"), Some(&name));
        assert_eq!(
            labels.get("com.docker.compose.service").map(String::as_str),
            Some(service)
        );
        assert_eq!(
            labels
                .get("com.docker.compose.container-number")
                .map(String::as_str),
            Some("1")
        );
    }
    let db = state_of(&engine, &format!("{name}-db-1")).await;
    let init = state_of(&engine, &format!("{name}-init-1")).await;
    let web = state_of(&engine, &format!("{name}-web-1")).await;
    assert_eq!(db.status, Some(ContainerStateStatusEnum::RUNNING));
    assert_eq!(
        db.health.as_ref().and_then(|h| h.status),
        Some(HealthStatusEnum::HEALTHY)
    );
    assert_eq!(init.status, Some(ContainerStateStatusEnum::EXITED));
    assert_eq!(init.exit_code, Some(0));
    assert_eq!(web.status, Some(ContainerStateStatusEnum::RUNNING));

    // web started after db started and after init finished.
    let web_started = timestamp_nanos(web.started_at.as_deref().expect("web StartedAt"));
    let db_started = timestamp_nanos(db.started_at.as_deref().expect("db StartedAt"));
    let init_finished = timestamp_nanos(init.finished_at.as_deref().expect("init FinishedAt"));
    assert!(web_started > db_started, "web started before db");
    assert!(
        web_started > init_finished,
        "web started before init finished"
    );

    // Progress: Docker Compose's sequence of events for waits and starts.
    let network = format!("Network {name}_default");
    assert!(
        sink.position(&format!("{network} Creating"))
            < sink.position(&format!("{network} Created"))
    );
    assert!(sink
        .lines()
        .contains(&format!("Volume {name}_data Created")));
    let healthy = sink.position(&format!("Container {name}-db-1 Healthy"));
    let exited = sink.position(&format!("Container {name}-init-1 Exited"));
    let web_starting = sink.position(&format!("Container {name}-web-1 Starting"));
    assert!(sink.position(&format!("Container {name}-db-1 Waiting")) < healthy);
    assert!(healthy < web_starting && exited < web_starting);
    assert!(sink.position(&format!("Container {name}-web-1 Started")) > web_starting);

    // A second plan only restarts the one-shot init container.
    let again = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions::default(),
    )
    .expect("plan up again");
    assert!(
        again.steps.iter().all(|s| !matches!(
            s.action,
            Action::CreateContainer { .. }
                | Action::CreateNetwork { .. }
                | Action::CreateVolume { .. }
        )),
        "{again}"
    );

    // down -v removes containers, network and volume.
    let down = plan_down(
        &project.desired(),
        &observe(&engine, &name).await,
        &DownOptions {
            remove_volumes: true,
            ..DownOptions::default()
        },
    )
    .expect("plan down");
    let sink = RecordingSink::default();
    execute(&down, &engine, &project, &sink, &options(&name))
        .await
        .unwrap_or_else(|e| panic!("down failed: {e}"));
    let state = engine.project_state(&name).await.expect("state after down");
    assert!(state.containers.is_empty(), "{:?}", state.containers);
    assert!(state.networks.is_empty(), "{:?}", state.networks);
    assert!(state.volumes.is_empty(), "{:?}", state.volumes);
    assert!(sink
        .lines()
        .contains(&format!("Container {name}-web-1 Removed")));
    assert!(sink
        .lines()
        .contains(&format!("Network {name}_default Removed")));
}

/// Starts of containers whose host port the engine picks from a range never overlap (the
/// engine may hand concurrent starts the same port, docker/compose#8530); other starts do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_starts_on_engine_picked_ports_are_serialised() {
    let engine = engine().await;
    let name = unique_project("ports");
    let _guard = ProjectGuard(name.clone());
    let mut services = vec![TestService::new("ranged", long_running())
        .replicas(3)
        .publish("28110-28112")];
    for plain in ["a", "b", "c", "d"] {
        services.push(TestService::new(plain, long_running()));
    }
    let project = TestProject::new(&name, services);
    let plan = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions::default(),
    )
    .expect("plan up");
    let sink = RecordingSink::default();
    execute(&plan, &engine, &project, &sink, &options(&name))
        .await
        .unwrap_or_else(|e| panic!("up failed: {e}\n{:#?}", e.outcome));

    // Through the engine: the three replicas run, each on its own port of the range.
    let mut ports = Vec::new();
    for number in 1..=3 {
        let container = format!("{name}-ranged-{number}");
        let info = engine
            .inspect_container(&container)
            .await
            .unwrap_or_else(|e| panic!("inspect {container}: {e}"));
        let state = info.state.clone().unwrap_or_default();
        assert_eq!(state.status, Some(ContainerStateStatusEnum::RUNNING));
        let port = info
            .network_settings
            .and_then(|n| n.ports)
            .and_then(|p| p.get("80/tcp").cloned().flatten())
            .and_then(|b| b.first().and_then(|b| b.host_port.clone()))
            .unwrap_or_else(|| panic!("{container} publishes no port"));
        ports.push(port);
    }
    ports.sort();
    assert_eq!(ports, ["28110", "28111", "28112"]);

    // Through the progress events: no two ranged starts in flight at once, while the
    // others did start concurrently (their starts become ready together and each takes far
    // longer than the engine needs to hand out the next one).
    let ranged = format!("Container {name}-ranged-");
    let mut starting: Vec<String> = Vec::new();
    for line in sink.lines() {
        if !line.starts_with(&ranged) {
            continue;
        }
        let id = line
            .rsplit_once(' ')
            .map(|(id, _)| id.to_string())
            .unwrap_or_default();
        if line.ends_with(" Starting") {
            starting.push(id);
            assert_eq!(
                starting.len(),
                1,
                "overlapping ranged starts: {:#?}",
                sink.lines()
            );
        } else if line.ends_with(" Started") {
            starting.retain(|s| *s != id);
        }
    }
    assert!(sink.peak_starting() >= 2, "{:#?}", sink.lines());
}

/// Plans and runs `up` of `project`.
async fn up_with(
    engine: &hoist_engine::Engine,
    project: &TestProject,
    sink: &RecordingSink,
    options: &ExecOptions,
) {
    let plan = plan_up(
        &project.desired(),
        &observe(engine, &project.name).await,
        &UpOptions::default(),
    )
    .expect("plan up");
    execute(&plan, engine, project, sink, options)
        .await
        .unwrap_or_else(|e| panic!("up failed: {e}"));
}

/// The engine-work bound holds creates, starts and zero-grace stops to the limit, but never
/// stops that wait out a grace period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_work_is_bounded_but_grace_periods_are_not() {
    let engine = engine().await;
    let name = unique_project("work");
    let _guard = ProjectGuard(name.clone());
    // `sleep` as PID 1 ignores SIGTERM: every graceful stop waits out its grace period (1 s).
    let services = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|s| TestService::new(s, vec!["sleep".into(), "600".into()]))
        .collect();
    let project = TestProject::new(&name, services);
    let bounded = ExecOptions {
        engine_work_limit: Some(2),
        ..options(&name)
    };
    let sink = RecordingSink::default();
    up_with(&engine, &project, &sink, &bounded).await;
    assert_eq!(sink.peak_working(), 2, "{:#?}", sink.lines());

    // Stops granting a grace period all begin before the first one ends.
    let stop = plan_stop(
        &project.desired(),
        &observe(&engine, &name).await,
        &LifecycleOptions::default(),
    )
    .expect("plan stop");
    let sink = RecordingSink::default();
    execute(&stop, &engine, &project, &sink, &bounded)
        .await
        .unwrap_or_else(|e| panic!("stop failed: {e}"));
    let lines = sink.lines();
    let last_stopping = lines.iter().rposition(|l| l.ends_with(" Stopping"));
    let first_stopped = lines.iter().position(|l| l.ends_with(" Stopped"));
    assert!(
        last_stopping.is_some() && last_stopping < first_stopped,
        "{lines:#?}"
    );
    assert_eq!(sink.peak_working(), 5, "{lines:#?}");

    // Zero-grace stops are pure engine work: bounded.
    up_with(&engine, &project, &RecordingSink::default(), &bounded).await;
    let stop = plan_stop(
        &project.desired(),
        &observe(&engine, &name).await,
        &LifecycleOptions {
            timeout: Some(0),
            ..LifecycleOptions::default()
        },
    )
    .expect("plan stop -t 0");
    let sink = RecordingSink::default();
    execute(&stop, &engine, &project, &sink, &bounded)
        .await
        .unwrap_or_else(|e| panic!("stop -t 0 failed: {e}"));
    assert_eq!(sink.peak_working(), 2, "{:#?}", sink.lines());
    for service in ["a", "b", "c", "d", "e"] {
        let state = state_of(&engine, &format!("{name}-{service}-1")).await;
        assert_eq!(state.status, Some(ContainerStateStatusEnum::EXITED));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_only_stop_the_services_that_depend_on_them() {
    let engine = engine().await;
    let name = unique_project("fail");
    let _guard = ProjectGuard(name.clone());
    let project = TestProject::new(
        &name,
        vec![
            TestService::new("sick", long_running()).healthcheck(&["CMD", "false"]),
            TestService::new("web", long_running()).depends_on("sick", Condition::Healthy, true),
            TestService::new("opt", long_running()).depends_on("sick", Condition::Healthy, false),
            TestService::new("broken", long_running()).image("hoist-test/does-not-exist:none"),
            TestService::new("lone", long_running()),
        ],
    );
    let plan = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions::default(),
    )
    .expect("plan up");
    let sink = RecordingSink::default();
    let error = execute(&plan, &engine, &project, &sink, &options(&name))
        .await
        .expect_err("the run must fail");
    let outcome = &error.outcome;
    assert!(!outcome.cancelled);
    // Docker Compose's events: an error on the dependency for the required wait, a skip for
    // the optional one.
    let sick = format!("Container {name}-sick-1");
    {
        let events = sink.events.lock().expect("events");
        assert!(events.iter().any(|(_, e)| e.id() == sick
            && e.text == "Error"
            && e.details == "dependency sick failed to start"));
    }
    assert!(sink.lines().contains(&format!(
        "{sick} Skipped: optional dependency \"sick\" failed to start"
    )));

    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "dependency failed to start: container {name}-sick-1 is unhealthy"
        )),
        "{message}"
    );
    assert!(message.contains("does-not-exist"), "{message}");
    let mut failed: Vec<&str> = outcome
        .failures
        .iter()
        .filter_map(|f| f.service.as_deref())
        .collect();
    failed.sort();
    assert_eq!(failed, vec!["broken", "web"]);
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.contains("optional dependency \"sick\" failed to start")),
        "{:?}",
        outcome.warnings
    );

    // Independent and optional-dependency services converged anyway.
    for running in ["lone", "opt", "sick"] {
        let state = state_of(&engine, &format!("{name}-{running}-1")).await;
        assert_eq!(
            state.status,
            Some(ContainerStateStatusEnum::RUNNING),
            "{running}"
        );
    }
    let web = state_of(&engine, &format!("{name}-web-1")).await;
    assert_eq!(web.status, Some(ContainerStateStatusEnum::CREATED));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_parallelism_bound_is_respected() {
    let engine = engine().await;
    let name = unique_project("par");
    let _guard = ProjectGuard(name.clone());
    let services = ["a", "b", "c", "d"]
        .iter()
        .map(|s| TestService::new(s, long_running()))
        .collect();
    let project = TestProject::new(&name, services);
    let plan = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions::default(),
    )
    .expect("plan up");
    let sink = RecordingSink::default();
    let mut opts = options(&name);
    opts.parallel = Some(1);
    let outcome = execute(&plan, &engine, &project, &sink, &opts)
        .await
        .unwrap_or_else(|e| panic!("up failed: {e}"));
    assert_eq!(sink.peak_working(), 1, "{:#?}", sink.lines());
    // Step intervals do not overlap either.
    let mut spans: Vec<(Duration, Duration)> = outcome
        .steps
        .iter()
        .map(|s| {
            let start = s.started_at.expect("started");
            (start, start + s.duration.expect("duration"))
        })
        .collect();
    spans.sort();
    for pair in spans.windows(2) {
        assert!(pair[1].0 >= pair[0].1, "overlapping steps: {pair:?}");
    }
    for service in ["a", "b", "c", "d"] {
        let state = state_of(&engine, &format!("{name}-{service}-1")).await;
        assert_eq!(state.status, Some(ContainerStateStatusEnum::RUNNING));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_converges_on_the_next_up() {
    let engine = engine().await;
    let name = unique_project("cancel");
    let _guard = ProjectGuard(name.clone());
    let project = three_services(&name);

    let plan = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions::default(),
    )
    .expect("plan up");
    let mut opts = options(&name);
    opts.parallel = Some(1);
    // Cancel as soon as the first container has started.
    let sink = RecordingSink::cancelling_on("Started", opts.cancel.clone());
    let error = execute(&plan, &engine, &project, &sink, &opts)
        .await
        .expect_err("a cancelled run is an error");
    assert!(error.outcome.cancelled);
    assert!(error
        .outcome
        .steps
        .iter()
        .any(|s| s.status == StepStatus::NotStarted));
    assert_eq!(
        sink.lines()
            .iter()
            .filter(|l| l.ends_with(" Started"))
            .count(),
        1,
        "{:#?}",
        sink.lines()
    );
    let web = state_of(&engine, &format!("{name}-web-1")).await;
    assert_ne!(web.status, Some(ContainerStateStatusEnum::RUNNING));

    // The next up plans from what is there and finishes the job.
    let plan = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions::default(),
    )
    .expect("plan up again");
    execute(&plan, &engine, &project, &QuietProgress, &options(&name))
        .await
        .unwrap_or_else(|e| panic!("second up failed: {e}"));
    let web = state_of(&engine, &format!("{name}-web-1")).await;
    assert_eq!(web.status, Some(ContainerStateStatusEnum::RUNNING));
    let db = state_of(&engine, &format!("{name}-db-1")).await;
    assert_eq!(db.status, Some(ContainerStateStatusEnum::RUNNING));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_recreation_converges_on_the_next_up() {
    let engine = engine().await;
    let name = unique_project("recreate");
    let _guard = ProjectGuard(name.clone());
    let project = TestProject::new(&name, vec![TestService::new("web", long_running())]);
    let up =
        |observed| plan_up(&project.desired(), &observed, &UpOptions::default()).expect("plan up");
    let plan = up(observe(&engine, &name).await);
    execute(&plan, &engine, &project, &QuietProgress, &options(&name))
        .await
        .unwrap_or_else(|e| panic!("first up failed: {e}"));

    // Force a recreation and cancel it right after the replacement is created.
    let forced = plan_up(
        &project.desired(),
        &observe(&engine, &name).await,
        &UpOptions {
            recreate: hoist_planner::Recreate::Force,
            ..UpOptions::default()
        },
    )
    .expect("plan forced recreate");
    let mut opts = options(&name);
    opts.parallel = Some(1);
    let sink = RecordingSink::cancelling_on("Recreate", opts.cancel.clone());
    let error = execute(&forced, &engine, &project, &sink, &opts)
        .await
        .expect_err("cancelled");
    assert!(error.outcome.cancelled);
    let state = engine.project_state(&name).await.expect("state");
    assert_eq!(state.containers.len(), 2, "old and temporary container");

    // The next up keeps one container for the service and leaves it running. Both containers
    // carry number 1 and the current hash, so the planner keeps the one with the smaller ID:
    // when that is the temporary one it keeps its `<id>_` name (a planner limitation).
    let plan = up(observe(&engine, &name).await);
    execute(&plan, &engine, &project, &QuietProgress, &options(&name))
        .await
        .unwrap_or_else(|e| panic!("second up failed: {e}\n{plan}"));
    let state = engine.project_state(&name).await.expect("state");
    assert_eq!(state.containers.len(), 1, "{:?}", state.containers);
    let survivor = &state.containers[0];
    assert_eq!(survivor.state, hoist_engine::ContainerState::Running);
    assert!(
        survivor.name.ends_with(&format!("{name}-web-1")),
        "{}",
        survivor.name
    );
}
