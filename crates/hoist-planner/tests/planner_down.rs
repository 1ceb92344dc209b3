//! `plan_down`, `plan_stop` and `plan_start` on plain data.

mod common;

use common::*;
use hoist_planner::*;

fn down(desired: &DesiredProject, observed: &ObservedProject, options: DownOptions) -> Plan {
    let plan = plan_down(desired, observed, &options).unwrap();
    check_dag(&plan);
    plan
}

fn stack() -> DesiredProject {
    let mut web = svc_deps("web", &["db"]);
    web.volumes = vec!["data".into()];
    project(vec![svc("db"), web, svc("cache")])
}

#[test]
fn down_removes_dependents_first_then_networks() {
    let desired = stack();
    let observed = converged(&desired);
    let plan = down(&desired, &observed, DownOptions::default());
    assert!(ordered(
        &plan,
        "RemoveContainer proj-web-1",
        "StopContainer proj-db-1"
    ));
    assert!(ordered(
        &plan,
        "RemoveContainer proj-db-1",
        "RemoveNetwork proj_default"
    ));
    assert!(ordered(
        &plan,
        "RemoveContainer proj-web-1",
        "RemoveNetwork proj_default"
    ));
    assert!(ordered(
        &plan,
        "RemoveContainer proj-cache-1",
        "RemoveNetwork proj_default"
    ));
    assert!(ordered(
        &plan,
        "StopContainer proj-web-1",
        "RemoveContainer proj-web-1"
    ));
    assert_eq!(count(&plan, "RemoveVolume"), 0);
    assert!(plan.warnings.is_empty());
}

#[test]
fn down_then_nothing_remains_but_volumes() {
    let desired = stack();
    let observed = converged(&desired);
    let plan = down(&desired, &observed, DownOptions::default());
    let after = apply(&desired, &observed, &plan);
    assert!(after.containers.is_empty());
    assert!(after.networks.is_empty());
    assert_eq!(after.volumes.len(), 1);
}

#[test]
fn down_with_volumes_removes_volumes_and_anonymous_volumes() {
    let desired = stack();
    let observed = converged(&desired);
    let options = DownOptions {
        remove_volumes: true,
        ..Default::default()
    };
    let plan = down(&desired, &observed, options);
    assert!(ordered(
        &plan,
        "RemoveContainer proj-web-1",
        "RemoveVolume proj_data"
    ));
    assert!(plan
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::RemoveContainer { volumes, .. } => Some(*volumes),
            _ => None,
        })
        .all(|v| v));
    let after = apply(&desired, &observed, &plan);
    assert!(after.volumes.is_empty());
}

#[test]
fn down_never_removes_external_resources() {
    let mut desired = stack();
    desired.networks[0].external = true;
    desired.volumes[0].external = true;
    let mut observed = converged(&stack());
    observed.networks[0].project = None;
    let options = DownOptions {
        remove_volumes: true,
        ..Default::default()
    };
    let plan = down(&desired, &observed, options);
    assert_eq!(count(&plan, "RemoveNetwork"), 0);
    assert_eq!(count(&plan, "RemoveVolume"), 0);
}

#[test]
fn down_skips_networks_of_other_projects() {
    let desired = project(vec![svc("web")]);
    let observed = ObservedProject {
        networks: vec![ObservedNetwork {
            id: "x".into(),
            name: "proj_default".into(),
            compose_key: Some("default".into()),
            project: Some("other".into()),
            config_hash: None,
        }],
        ..Default::default()
    };
    let plan = down(&desired, &observed, DownOptions::default());
    assert!(plan.is_empty());
}

#[test]
fn down_named_service_takes_its_dependents() {
    let desired = stack();
    let observed = converged(&desired);
    let options = DownOptions {
        services: vec!["db".into()],
        ..Default::default()
    };
    let plan = down(&desired, &observed, options);
    assert_eq!(count(&plan, "RemoveContainer proj-db-1"), 1);
    assert_eq!(count(&plan, "RemoveContainer proj-web-1"), 1);
    assert_eq!(count(&plan, "RemoveContainer proj-cache-1"), 0);
}

#[test]
fn down_unknown_service_is_an_error() {
    let desired = stack();
    let observed = converged(&desired);
    let options = DownOptions {
        services: vec!["nope".into()],
        ..Default::default()
    };
    let err = plan_down(&desired, &observed, &options).unwrap_err();
    assert_eq!(err.message, "no such service: nope");
}

#[test]
fn down_of_nothing_is_silent_when_networks_were_attempted() {
    let desired = stack();
    let plan = down(
        &desired,
        &ObservedProject::default(),
        DownOptions::default(),
    );
    assert!(plan.is_empty());
    assert!(plan.warnings.is_empty());
}

#[test]
fn down_of_nothing_without_networks_warns() {
    let mut desired = project(vec![svc("web")]);
    desired.networks.clear();
    let plan = down(
        &desired,
        &ObservedProject::default(),
        DownOptions::default(),
    );
    assert!(plan.is_empty());
    assert_eq!(
        plan.warnings,
        ["Warning: No resource found to remove for project \"proj\"."]
    );
}

#[test]
fn down_does_not_stop_exited_containers() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed.containers[0].state = ContainerState::Exited;
    let plan = down(&desired, &observed, DownOptions::default());
    assert_eq!(count(&plan, "StopContainer"), 0);
    assert_eq!(count(&plan, "RemoveContainer proj-web-1"), 1);
}

#[test]
fn down_leaves_orphans_and_one_offs_by_default() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed
        .containers
        .push(container("old", 1, ContainerState::Running));
    let mut run = container("web", 0, ContainerState::Running);
    run.oneoff = true;
    run.name = "proj-web-run-1".into();
    observed.containers.push(run);
    let plan = down(&desired, &observed, DownOptions::default());
    assert_eq!(count(&plan, "RemoveContainer proj-old-1"), 0);
    assert_eq!(count(&plan, "RemoveContainer proj-web-run-1"), 0);
}

#[test]
fn down_remove_orphans_removes_orphans_and_one_offs() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed
        .containers
        .push(container("old", 1, ContainerState::Running));
    let mut run = container("web", 0, ContainerState::Running);
    run.oneoff = true;
    run.name = "proj-web-run-1".into();
    observed.containers.push(run);
    let options = DownOptions {
        remove_orphans: true,
        ..Default::default()
    };
    let plan = down(&desired, &observed, options);
    assert_eq!(count(&plan, "RemoveContainer proj-old-1"), 1);
    assert_eq!(count(&plan, "RemoveContainer proj-web-run-1"), 1);
    assert!(ordered(
        &plan,
        "RemoveContainer proj-old-1",
        "RemoveNetwork proj_default"
    ));
    let after = apply(&desired, &observed, &plan);
    assert!(after.containers.is_empty());
}

#[test]
fn down_timeout_reaches_stops() {
    let desired = project(vec![svc("web")]);
    let observed = converged(&desired);
    let options = DownOptions {
        timeout: Some(0),
        ..Default::default()
    };
    let plan = down(&desired, &observed, options);
    assert!(matches!(
        plan.steps[0].action,
        Action::StopContainer {
            timeout: Some(0),
            ..
        }
    ));
}

// ---- stop / start ------------------------------------------------------------------------------

#[test]
fn stop_goes_in_reverse_dependency_order() {
    let desired = stack();
    let observed = converged(&desired);
    let plan = plan_stop(&desired, &observed, &LifecycleOptions::default()).unwrap();
    check_dag(&plan);
    assert_eq!(count(&plan, "StopContainer"), 3);
    assert!(ordered(
        &plan,
        "StopContainer proj-web-1",
        "StopContainer proj-db-1"
    ));
}

#[test]
fn stop_named_service_stops_dependents_too() {
    let desired = stack();
    let observed = converged(&desired);
    let options = LifecycleOptions {
        services: vec!["db".into()],
        timeout: None,
    };
    let plan = plan_stop(&desired, &observed, &options).unwrap();
    assert_eq!(count(&plan, "StopContainer"), 2);
    assert_eq!(count(&plan, "StopContainer proj-cache-1"), 0);
}

#[test]
fn start_starts_stopped_containers_in_order_with_waits() {
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Healthy, false)];
    let desired = project(vec![svc("db"), web]);
    let mut observed = converged(&desired);
    for c in &mut observed.containers {
        c.state = ContainerState::Exited;
    }
    let plan = plan_start(&desired, &observed, &LifecycleOptions::default()).unwrap();
    check_dag(&plan);
    assert!(ordered(
        &plan,
        "StartContainer proj-db-1",
        "WaitForDependency web->db"
    ));
    assert!(ordered(
        &plan,
        "WaitForDependency web->db",
        "StartContainer proj-web-1"
    ));
    let after = apply(&desired, &observed, &plan);
    assert!(plan_start(&desired, &after, &LifecycleOptions::default())
        .unwrap()
        .is_empty());
}

#[test]
fn start_without_containers_is_an_error() {
    let desired = project(vec![svc("web")]);
    let err = plan_start(
        &desired,
        &ObservedProject::default(),
        &LifecycleOptions::default(),
    )
    .unwrap_err();
    assert!(err.message.contains("has no container to start"), "{err}");
}
