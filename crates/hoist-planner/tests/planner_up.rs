//! `plan_up` behaviour on plain data: creation, no-op, recreation, scaling, strategies,
//! orphans, dependencies, networks and volumes.

mod common;

use common::*;
use hoist_planner::*;

fn up(desired: &DesiredProject, observed: &ObservedProject) -> Plan {
    let plan = plan_up(desired, observed, &UpOptions::default()).unwrap();
    check_dag(&plan);
    plan
}

fn up_with(desired: &DesiredProject, observed: &ObservedProject, options: UpOptions) -> Plan {
    let plan = plan_up(desired, observed, &options).unwrap();
    check_dag(&plan);
    plan
}

fn set_hash(observed: &mut ObservedProject, service: &str, hash: &str) {
    for c in observed
        .containers
        .iter_mut()
        .filter(|c| c.service == service)
    {
        c.config_hash = hash.into();
    }
}

fn set_state(observed: &mut ObservedProject, name: &str, state: ContainerState) {
    let c = observed
        .containers
        .iter_mut()
        .find(|c| c.name == name)
        .expect("container");
    c.state = state;
}

// ---- fresh project -------------------------------------------------------------------------

#[test]
fn fresh_project_creates_network_volume_and_containers_then_starts() {
    let mut web = svc_deps("web", &["db"]);
    web.volumes = vec!["data".into()];
    let desired = project(vec![svc("db"), web]);
    let plan = up(&desired, &ObservedProject::default());
    assert_eq!(
        labels(&plan),
        [
            "CreateNetwork proj_default",
            "CreateVolume proj_data",
            "CreateContainer proj-db-1",
            "CreateContainer proj-web-1",
            "StartContainer proj-db-1",
            "StartContainer proj-web-1",
        ]
    );
    assert!(ordered(
        &plan,
        "CreateNetwork proj_default",
        "CreateContainer proj-db-1"
    ));
    assert!(ordered(
        &plan,
        "CreateVolume proj_data",
        "CreateContainer proj-web-1"
    ));
    assert!(ordered(
        &plan,
        "CreateContainer proj-db-1",
        "CreateContainer proj-web-1"
    ));
    assert!(ordered(
        &plan,
        "StartContainer proj-db-1",
        "StartContainer proj-web-1"
    ));
    assert!(plan.warnings.is_empty());
}

#[test]
fn create_without_start_has_no_start_steps() {
    let desired = project(vec![svc("db"), svc("web")]);
    let options = UpOptions {
        start: false,
        ..Default::default()
    };
    let plan = up_with(&desired, &ObservedProject::default(), options);
    assert_eq!(count(&plan, "StartContainer"), 0);
    assert_eq!(count(&plan, "CreateContainer"), 2);
}

#[test]
fn fresh_project_numbers_replicas_from_one() {
    let mut web = svc("web");
    web.replicas = 3;
    let desired = project(vec![web]);
    let plan = up(&desired, &ObservedProject::default());
    for n in 1..=3 {
        pos(&plan, &format!("CreateContainer proj-web-{n}"));
        pos(&plan, &format!("StartContainer proj-web-{n}"));
    }
}

#[test]
fn create_container_carries_service_and_number() {
    let desired = project(vec![svc("web")]);
    let plan = up(&desired, &ObservedProject::default());
    let create = plan
        .steps
        .iter()
        .find_map(|s| match &s.action {
            Action::CreateContainer {
                service,
                number,
                replaces,
                ..
            } => Some((service.clone(), *number, replaces.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(create, ("web".to_string(), 1, None));
}

#[test]
fn start_of_new_container_refers_to_its_create_step() {
    let desired = project(vec![svc("web")]);
    let plan = up(&desired, &ObservedProject::default());
    let create = pos(&plan, "CreateContainer proj-web-1");
    let start = &plan.steps[pos(&plan, "StartContainer proj-web-1")];
    assert_eq!(
        start.action,
        Action::StartContainer {
            service: "web".into(),
            container: ContainerRef::CreatedBy(StepId(create)),
            name: "proj-web-1".into(),
        }
    );
}

#[test]
fn scale_zero_service_gets_no_container() {
    let mut web = svc("web");
    web.replicas = 0;
    let desired = project(vec![web, svc("db")]);
    let plan = up(&desired, &ObservedProject::default());
    assert_eq!(count(&plan, "CreateContainer proj-web"), 0);
    assert_eq!(count(&plan, "CreateContainer proj-db"), 1);
}

// ---- no-op -----------------------------------------------------------------------------------

#[test]
fn re_up_of_converged_project_is_empty() {
    let mut web = svc_deps("web", &["db"]);
    web.volumes = vec!["data".into()];
    web.replicas = 2;
    let desired = project(vec![svc("db"), web]);
    let observed = converged(&desired);
    let plan = up(&desired, &observed);
    assert!(plan.is_empty(), "{plan}");
    assert!(plan.warnings.is_empty());
}

#[test]
fn re_create_of_converged_project_is_empty() {
    let desired = project(vec![svc("db"), svc_deps("web", &["db"])]);
    let observed = converged(&desired);
    let options = UpOptions {
        start: false,
        ..Default::default()
    };
    assert!(up_with(&desired, &observed, options).is_empty());
}

// ---- recreation --------------------------------------------------------------------------------

#[test]
fn changed_hash_recreates_only_that_service() {
    let desired = project(vec![svc("db"), svc_deps("web", &["db"])]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    let plan = up(&desired, &observed);
    let old = observed
        .containers
        .iter()
        .find(|c| c.service == "web")
        .unwrap();
    let temp = format!("{}_proj-web-1", &old.id[..12]);
    assert_eq!(
        labels(&plan),
        [
            format!("CreateContainer {temp}"),
            "StopContainer proj-web-1".to_string(),
            "RemoveContainer proj-web-1".to_string(),
            "RenameContainer proj-web-1".to_string(),
            "StartContainer proj-web-1".to_string(),
        ]
    );
    assert!(ordered(
        &plan,
        &format!("CreateContainer {temp}"),
        "StopContainer proj-web-1"
    ));
    assert!(ordered(
        &plan,
        "StopContainer proj-web-1",
        "RemoveContainer proj-web-1"
    ));
    assert!(ordered(
        &plan,
        "RemoveContainer proj-web-1",
        "RenameContainer proj-web-1"
    ));
    assert!(ordered(
        &plan,
        "RenameContainer proj-web-1",
        "StartContainer proj-web-1"
    ));
}

#[test]
fn recreate_create_step_names_the_replaced_container() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    let plan = up(&desired, &observed);
    let old_id = observed.containers[0].id.clone();
    match &plan.steps[0].action {
        Action::CreateContainer {
            replaces,
            inherit_from,
            number,
            ..
        } => {
            assert_eq!(replaces.as_deref(), Some(old_id.as_str()));
            assert_eq!(inherit_from.as_deref(), Some(old_id.as_str()));
            assert_eq!(*number, 1);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn renew_anon_volumes_does_not_inherit() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    let options = UpOptions {
        inherit_volumes: false,
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    assert!(matches!(
        &plan.steps[0].action,
        Action::CreateContainer {
            inherit_from: None,
            ..
        }
    ));
}

#[test]
fn stopped_diverged_container_is_recreated_without_stop() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    set_state(&mut observed, "proj-web-1", ContainerState::Exited);
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "StopContainer"), 0);
    assert_eq!(count(&plan, "RemoveContainer proj-web-1"), 1);
    assert_eq!(count(&plan, "StartContainer proj-web-1"), 1);
}

#[test]
fn namespace_child_is_recreated_with_its_parent() {
    let mut sidecar = svc_deps("sidecar", &["app"]);
    sidecar.namespace_parents = vec!["app".into()];
    let desired = project(vec![svc("app"), sidecar, svc("other")]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "app", "old");
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RenameContainer proj-app-1"), 1);
    assert_eq!(count(&plan, "RenameContainer proj-sidecar-1"), 1);
    assert_eq!(count(&plan, "RenameContainer proj-other-1"), 0);
    assert!(ordered(
        &plan,
        "RenameContainer proj-app-1",
        "RenameContainer proj-sidecar-1"
    ));
}

#[test]
fn plain_dependent_is_not_recreated_with_its_dependency() {
    let desired = project(vec![svc("db"), svc_deps("web", &["db"])]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "db", "old");
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RenameContainer proj-db-1"), 1);
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 0);
    assert_eq!(count(&plan, "StopContainer proj-web-1"), 0);
}

#[test]
fn changed_image_digest_recreates() {
    let mut web = svc("web");
    web.image_digest = Some("sha256:new".into());
    let desired = project(vec![web]);
    let mut observed = converged(&desired);
    observed.containers[0].image_digest = Some("sha256:old".into());
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 1);
    assert!(plan.steps[0].reason.contains("image"));
}

#[test]
fn unknown_image_digest_is_not_compared() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed.containers[0].image_digest = Some("sha256:whatever".into());
    assert!(up(&desired, &observed).is_empty());
}

#[test]
fn running_container_off_its_network_is_recreated() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed.containers[0].network_ids.clear();
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 1);
}

#[test]
fn network_reported_by_name_counts_as_connected() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    let network = observed
        .networks
        .iter()
        .find(|n| n.compose_key.as_deref() == Some("default"))
        .expect("default network")
        .clone();
    observed.containers[0].network_ids = vec![network.name.clone()];
    assert!(up(&desired, &observed).is_empty());
    observed.containers[0].network_ids = vec!["other_network".into()];
    assert_eq!(
        count(&up(&desired, &observed), "RenameContainer proj-web-1"),
        1
    );
}

#[test]
fn stopped_container_off_its_network_is_only_started() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed.containers[0].network_ids.clear();
    observed.containers[0].state = ContainerState::Exited;
    let plan = up(&desired, &observed);
    assert_eq!(labels(&plan), ["StartContainer proj-web-1"]);
}

#[test]
fn container_missing_a_volume_mount_is_recreated() {
    let mut web = svc("web");
    web.volumes = vec!["data".into()];
    let desired = project(vec![web]);
    let mut observed = converged(&desired);
    observed.containers[0].volume_names.clear();
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 1);
}

// ---- strategies --------------------------------------------------------------------------------

#[test]
fn force_recreate_recreates_matching_containers() {
    let desired = project(vec![svc("db"), svc("web")]);
    let observed = converged(&desired);
    let options = UpOptions {
        recreate: Recreate::Force,
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    assert_eq!(count(&plan, "RenameContainer"), 2);
}

#[test]
fn no_recreate_keeps_diverged_containers() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    let options = UpOptions {
        recreate: Recreate::Never,
        ..Default::default()
    };
    assert!(up_with(&desired, &observed, options).is_empty());
}

#[test]
fn no_recreate_still_starts_stopped_containers() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    set_state(&mut observed, "proj-web-1", ContainerState::Exited);
    let options = UpOptions {
        recreate: Recreate::Never,
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    assert_eq!(labels(&plan), ["StartContainer proj-web-1"]);
}

#[test]
fn force_applies_to_selected_services_only() {
    let mut db = svc("db");
    db.selected = false;
    let desired = project(vec![db, svc_deps("web", &["db"])]);
    let observed = converged(&desired);
    let options = UpOptions {
        recreate: Recreate::Force,
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 1);
    assert_eq!(count(&plan, "RenameContainer proj-db-1"), 0);
}

#[test]
fn always_recreate_deps_forces_dependencies() {
    let mut db = svc("db");
    db.selected = false;
    let desired = project(vec![db, svc_deps("web", &["db"])]);
    let observed = converged(&desired);
    let options = UpOptions {
        recreate_dependencies: Recreate::Force,
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    assert_eq!(count(&plan, "RenameContainer proj-db-1"), 1);
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 0);
}

#[test]
fn diverged_dependency_is_recreated_by_default() {
    let mut db = svc("db");
    db.selected = false;
    let desired = project(vec![db, svc_deps("web", &["db"])]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "db", "old");
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RenameContainer proj-db-1"), 1);
}

#[test]
fn no_deps_plans_only_selected_services() {
    let mut db = svc("db");
    db.selected = false;
    let desired = project(vec![db, svc_deps("web", &["db"])]);
    let options = UpOptions {
        no_deps: true,
        ..Default::default()
    };
    let plan = up_with(&desired, &ObservedProject::default(), options);
    assert_eq!(
        labels(&plan),
        [
            "CreateNetwork proj_default",
            "CreateContainer proj-web-1",
            "StartContainer proj-web-1"
        ]
    );
}

// ---- scale -------------------------------------------------------------------------------------

#[test]
fn scale_down_three_to_one_removes_three_and_two() {
    let mut web = svc("web");
    web.replicas = 3;
    let mut desired = project(vec![web]);
    let observed = converged(&desired);
    desired.services[0].replicas = 1;
    let plan = up(&desired, &observed);
    let mut removed: Vec<String> = labels(&plan)
        .into_iter()
        .filter(|l| l.starts_with("RemoveContainer"))
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        ["RemoveContainer proj-web-2", "RemoveContainer proj-web-3"]
    );
    assert!(ordered(
        &plan,
        "StopContainer proj-web-3",
        "RemoveContainer proj-web-3"
    ));
    assert_eq!(count(&plan, "CreateContainer"), 0);
}

#[test]
fn scale_up_one_to_three_creates_two_and_three() {
    let mut desired = project(vec![svc("web")]);
    let observed = converged(&desired);
    desired.services[0].replicas = 3;
    let plan = up(&desired, &observed);
    assert_eq!(
        labels(&plan),
        [
            "CreateContainer proj-web-2",
            "CreateContainer proj-web-3",
            "StartContainer proj-web-2",
            "StartContainer proj-web-3",
        ]
    );
}

#[test]
fn scale_up_numbers_after_the_highest_existing() {
    let desired = {
        let mut web = svc("web");
        web.replicas = 3;
        project(vec![web])
    };
    let mut observed = converged(&project(vec![]));
    let network_id = observed.networks[0].id.clone();
    for number in [1, 4] {
        let mut c = container("web", number, ContainerState::Running);
        c.network_ids = vec![network_id.clone()];
        observed.containers.push(c);
    }
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "CreateContainer proj-web-5"), 1);
    assert_eq!(count(&plan, "CreateContainer"), 1);
}

#[test]
fn scale_down_removes_obsolete_containers_first() {
    let mut web = svc("web");
    web.replicas = 3;
    let mut desired = project(vec![web]);
    let mut observed = converged(&desired);
    observed
        .containers
        .iter_mut()
        .find(|c| c.number == 1)
        .unwrap()
        .config_hash = "old".into();
    desired.services[0].replicas = 2;
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RemoveContainer proj-web-1"), 1);
    assert_eq!(count(&plan, "RemoveContainer"), 1);
    assert_eq!(count(&plan, "RenameContainer"), 0);
}

#[test]
fn scale_to_zero_removes_every_container() {
    let mut web = svc("web");
    web.replicas = 2;
    let mut desired = project(vec![web]);
    let observed = converged(&desired);
    desired.services[0].replicas = 0;
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RemoveContainer"), 2);
    assert_eq!(count(&plan, "StartContainer"), 0);
}

#[test]
fn scale_option_overrides_replicas() {
    let desired = project(vec![svc("web")]);
    let options = UpOptions {
        scale: vec![("web".into(), 2)],
        ..Default::default()
    };
    let plan = up_with(&desired, &ObservedProject::default(), options);
    assert_eq!(count(&plan, "CreateContainer"), 2);
}

// ---- container states ----------------------------------------------------------------------

#[test]
fn exited_container_is_started_by_up() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_state(&mut observed, "proj-web-1", ContainerState::Exited);
    assert_eq!(
        labels(&up(&desired, &observed)),
        ["StartContainer proj-web-1"]
    );
}

#[test]
fn exited_container_is_left_alone_by_create() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_state(&mut observed, "proj-web-1", ContainerState::Exited);
    let options = UpOptions {
        start: false,
        ..Default::default()
    };
    assert!(up_with(&desired, &observed, options).is_empty());
}

#[test]
fn created_container_is_started_by_up() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_state(&mut observed, "proj-web-1", ContainerState::Created);
    assert_eq!(
        labels(&up(&desired, &observed)),
        ["StartContainer proj-web-1"]
    );
}

#[test]
fn paused_container_is_started_even_by_create() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_state(&mut observed, "proj-web-1", ContainerState::Paused);
    let options = UpOptions {
        start: false,
        ..Default::default()
    };
    assert_eq!(
        labels(&up_with(&desired, &observed, options)),
        ["StartContainer proj-web-1"]
    );
}

#[test]
fn dead_container_is_started_once() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_state(&mut observed, "proj-web-1", ContainerState::Dead);
    assert_eq!(
        labels(&up(&desired, &observed)),
        ["StartContainer proj-web-1"]
    );
}

// ---- depends_on ------------------------------------------------------------------------------

#[test]
fn healthy_dependency_is_waited_for_before_start() {
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Healthy, false)];
    let desired = project(vec![svc("db"), web]);
    let plan = up(&desired, &ObservedProject::default());
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
    let wait = &plan.steps[pos(&plan, "WaitForDependency web->db")].action;
    assert_eq!(
        *wait,
        Action::WaitForDependency {
            service: "web".into(),
            dependency: "db".into(),
            condition: Condition::Healthy,
            required: true,
        }
    );
}

#[test]
fn completed_dependency_wait_keeps_required_flag() {
    let mut web = svc("web");
    let mut d = dep("migrate", Condition::CompletedSuccessfully, false);
    d.required = false;
    web.depends_on = vec![d];
    let desired = project(vec![svc("migrate"), web]);
    let plan = up(&desired, &ObservedProject::default());
    let wait = &plan.steps[pos(&plan, "WaitForDependency web->migrate")].action;
    assert!(matches!(
        wait,
        Action::WaitForDependency {
            condition: Condition::CompletedSuccessfully,
            required: false,
            ..
        }
    ));
}

#[test]
fn started_dependency_only_orders_starts() {
    let desired = project(vec![svc("db"), svc_deps("web", &["db"])]);
    let plan = up(&desired, &ObservedProject::default());
    assert_eq!(count(&plan, "WaitForDependency"), 0);
    assert!(ordered(
        &plan,
        "StartContainer proj-db-1",
        "StartContainer proj-web-1"
    ));
}

#[test]
fn no_wait_for_dependency_scaled_to_zero() {
    let mut db = svc("db");
    db.replicas = 0;
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Healthy, false)];
    let desired = project(vec![db, web]);
    let plan = up(&desired, &ObservedProject::default());
    assert_eq!(count(&plan, "WaitForDependency"), 0);
}

#[test]
fn no_wait_for_dependency_excluded_by_no_deps() {
    let mut db = svc("db");
    db.selected = false;
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Healthy, false)];
    let desired = project(vec![db, web]);
    let options = UpOptions {
        no_deps: true,
        ..Default::default()
    };
    let plan = up_with(&desired, &ObservedProject::default(), options);
    assert_eq!(count(&plan, "WaitForDependency"), 0);
}

#[test]
fn no_wait_when_nothing_to_start() {
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Healthy, false)];
    let desired = project(vec![svc("db"), web]);
    let observed = converged(&desired);
    assert!(up(&desired, &observed).is_empty());
}

#[test]
fn restart_dependent_is_stopped_and_started_around_recreation() {
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Started, true)];
    let desired = project(vec![svc("db"), web]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "db", "old");
    let plan = up(&desired, &observed);
    let stop_web = pos(&plan, "StopContainer proj-web-1");
    let create_db = plan
        .steps
        .iter()
        .position(
            |s| matches!(&s.action, Action::CreateContainer { service, .. } if service == "db"),
        )
        .unwrap();
    assert!(depends_on(&plan, create_db, stop_web), "{plan}");
    assert!(ordered(
        &plan,
        "RenameContainer proj-db-1",
        "StartContainer proj-web-1"
    ));
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 0);
}

#[test]
fn restart_dependent_that_is_also_recreated_is_stopped_once() {
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Started, true)];
    let desired = project(vec![svc("db"), web]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "db", "old");
    set_hash(&mut observed, "web", "old");
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "StopContainer proj-web-1"), 1);
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 1);
}

#[test]
fn dependent_without_restart_is_untouched() {
    let desired = project(vec![svc("db"), svc_deps("web", &["db"])]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "db", "old");
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "StopContainer proj-web-1"), 0);
    assert_eq!(count(&plan, "StartContainer proj-web-1"), 0);
}

#[test]
fn dependency_creates_precede_dependent_creates() {
    let desired = project(vec![
        svc_deps("web", &["api"]),
        svc_deps("api", &["db"]),
        svc("db"),
    ]);
    let plan = up(&desired, &ObservedProject::default());
    assert!(ordered(
        &plan,
        "CreateContainer proj-db-1",
        "CreateContainer proj-api-1"
    ));
    assert!(ordered(
        &plan,
        "CreateContainer proj-api-1",
        "CreateContainer proj-web-1"
    ));
}

#[test]
fn dependency_cycle_is_an_error() {
    let desired = project(vec![svc_deps("a", &["b"]), svc_deps("b", &["a"])]);
    let err = plan_up(&desired, &ObservedProject::default(), &UpOptions::default()).unwrap_err();
    assert!(err.message.contains("cycle"), "{err}");
}

// ---- container_name --------------------------------------------------------------------------

#[test]
fn container_name_is_used() {
    let mut web = svc("web");
    web.container_name = Some("my-web".into());
    let desired = project(vec![web]);
    let plan = up(&desired, &ObservedProject::default());
    assert_eq!(count(&plan, "CreateContainer my-web"), 1);
    assert_eq!(count(&plan, "StartContainer my-web"), 1);
}

#[test]
fn container_name_with_scale_is_an_error() {
    let mut web = svc("web");
    web.container_name = Some("my-web".into());
    web.replicas = 2;
    let desired = project(vec![web]);
    let err = plan_up(&desired, &ObservedProject::default(), &UpOptions::default()).unwrap_err();
    assert!(err.message.contains("services.web"), "{err}");
    assert!(err.hint.is_some());
}

#[test]
fn duplicate_container_names_are_an_error() {
    let mut a = svc("a");
    a.container_name = Some("same".into());
    let mut b = svc("b");
    b.container_name = Some("same".into());
    let desired = project(vec![a, b]);
    assert!(plan_up(&desired, &ObservedProject::default(), &UpOptions::default()).is_err());
}

#[test]
fn recreated_container_name_keeps_custom_name() {
    let mut web = svc("web");
    web.container_name = Some("my-web".into());
    let desired = project(vec![web]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RenameContainer my-web"), 1);
}

// ---- orphans ---------------------------------------------------------------------------------

#[test]
fn orphans_are_reported() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed
        .containers
        .push(container("old", 1, ContainerState::Running));
    let plan = up(&desired, &observed);
    assert!(plan.is_empty());
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("Found orphan containers (proj-old-1)"));
    assert!(plan.warnings[0].contains("--remove-orphans"));
}

#[test]
fn ignored_orphans_are_not_reported() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed
        .containers
        .push(container("old", 1, ContainerState::Running));
    let options = UpOptions {
        ignore_orphans: true,
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    assert!(plan.warnings.is_empty());
}

#[test]
fn orphans_are_removed_with_remove_orphans() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed
        .containers
        .push(container("old", 1, ContainerState::Running));
    observed
        .containers
        .push(container("gone", 1, ContainerState::Exited));
    let options = UpOptions {
        remove_orphans: true,
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    assert_eq!(
        labels(&plan),
        [
            "StopContainer proj-old-1",
            "RemoveContainer proj-old-1",
            "RemoveContainer proj-gone-1"
        ]
    );
    assert!(plan.warnings.is_empty());
}

#[test]
fn running_one_offs_are_not_orphans() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    let mut run = container("web", 0, ContainerState::Running);
    run.oneoff = true;
    run.name = "proj-web-run-0123456789ab".into();
    observed.containers.push(run);
    let plan = up(&desired, &observed);
    assert!(plan.is_empty());
    assert!(plan.warnings.is_empty());
}

#[test]
fn exited_one_offs_are_orphans() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    let mut run = container("web", 0, ContainerState::Exited);
    run.oneoff = true;
    run.name = "proj-web-run-0123456789ab".into();
    observed.containers.push(run);
    let plan = up(&desired, &observed);
    assert!(plan.is_empty());
    assert!(plan.warnings[0].contains("proj-web-run-0123456789ab"));
}

#[test]
fn one_off_containers_do_not_count_as_replicas() {
    let desired = project(vec![svc("web")]);
    let mut run = container("web", 0, ContainerState::Running);
    run.oneoff = true;
    let observed = ObservedProject {
        containers: vec![run],
        ..Default::default()
    };
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "CreateContainer proj-web-1"), 1);
}

#[test]
fn disabled_service_containers_are_not_orphans() {
    let mut desired = project(vec![svc("web")]);
    desired.disabled_services = vec!["debug".into()];
    let mut observed = converged(&desired);
    observed
        .containers
        .push(container("debug", 1, ContainerState::Running));
    let plan = up(&desired, &observed);
    assert!(plan.is_empty());
    assert!(plan.warnings.is_empty());
}

// ---- networks --------------------------------------------------------------------------------

#[test]
fn missing_external_network_gets_a_check_not_a_create() {
    let mut desired = project(vec![svc("web")]);
    desired.networks[0].external = true;
    desired.networks[0].name = "shared".into();
    let plan = up(&desired, &ObservedProject::default());
    assert_eq!(count(&plan, "CreateNetwork"), 0);
    assert!(ordered(
        &plan,
        "CheckExternalNetwork shared",
        "CreateContainer proj-web-1"
    ));
}

#[test]
fn observed_external_network_needs_no_step() {
    let mut desired = project(vec![svc("web")]);
    desired.networks[0].external = true;
    desired.networks[0].name = "shared".into();
    let observed = ObservedProject {
        networks: vec![ObservedNetwork {
            id: "abc".into(),
            name: "shared".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "CheckExternalNetwork"), 0);
    assert!(plan.warnings.is_empty());
}

#[test]
fn foreign_project_network_is_reused_with_a_warning() {
    let desired = project(vec![svc("web")]);
    let observed = ObservedProject {
        networks: vec![ObservedNetwork {
            id: "n1".into(),
            name: "proj_default".into(),
            compose_key: Some("default".into()),
            project: Some("other".into()),
            config_hash: Some("unrelated".into()),
        }],
        ..Default::default()
    };
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "CreateNetwork"), 0);
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("was not created for project \"proj\""));
    assert!(plan.warnings[0].contains("external: true"));
}

#[test]
fn unlabelled_network_is_reused_with_a_warning() {
    let desired = project(vec![svc("web")]);
    let observed = ObservedProject {
        networks: vec![ObservedNetwork {
            id: "n1".into(),
            name: "proj_default".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "CreateNetwork"), 0);
    assert!(plan.warnings[0].contains("was not created by compose"));
}

#[test]
fn diverged_network_is_recreated_and_containers_reconnected() {
    let mut desired = project(vec![svc("web")]);
    let observed = converged(&desired);
    desired.networks[0].config_hash = "nethash-new".into();
    let plan = up(&desired, &observed);
    assert_eq!(
        labels(&plan),
        [
            "StopContainer proj-web-1",
            "DisconnectNetwork proj-web-1",
            "RemoveNetwork proj_default",
            "CreateNetwork proj_default",
            "ConnectNetwork proj-web-1",
            "StartContainer proj-web-1",
        ]
    );
    assert!(ordered(
        &plan,
        "RemoveNetwork proj_default",
        "CreateNetwork proj_default"
    ));
    assert!(ordered(
        &plan,
        "ConnectNetwork proj-web-1",
        "StartContainer proj-web-1"
    ));
    assert!(matches!(
        plan.steps[2].action,
        Action::RemoveNetwork {
            best_effort: false,
            ..
        }
    ));
}

#[test]
fn network_without_hash_label_is_left_alone() {
    let mut desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed.networks[0].config_hash = None;
    desired.networks[0].config_hash = "nethash-new".into();
    assert!(up(&desired, &observed).is_empty());
}

#[test]
fn renamed_network_is_created_and_old_removed_best_effort() {
    let mut desired = project(vec![svc("web")]);
    let observed = converged(&desired);
    desired.networks[0].name = "proj_renamed".into();
    desired.networks[0].config_hash = "nethash-renamed".into();
    let plan = up(&desired, &observed);
    let remove = pos(&plan, "RemoveNetwork proj_default");
    let create = pos(&plan, "CreateNetwork proj_renamed");
    assert!(!depends_on(&plan, create, remove));
    assert!(matches!(
        plan.steps[remove].action,
        Action::RemoveNetwork {
            best_effort: true,
            ..
        }
    ));
}

#[test]
fn duplicate_labelled_networks_warn_and_pick_the_exact_name() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    let mut extra = observed.networks[0].clone();
    extra.id = "other-id".into();
    extra.name = "proj_aaa".into();
    observed.networks.push(extra);
    let plan = up(&desired, &observed);
    assert!(plan.is_empty(), "{plan}");
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("proj_aaa"));
}

// ---- volumes ---------------------------------------------------------------------------------

#[test]
fn diverged_volume_only_warns() {
    let mut web = svc("web");
    web.volumes = vec!["data".into()];
    let mut desired = project(vec![web]);
    let observed = converged(&desired);
    desired.volumes[0].config_hash = "volhash-new".into();
    let plan = up(&desired, &observed);
    assert!(plan.is_empty(), "{plan}");
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("proj_data"));
    assert!(plan.warnings[0].contains("doesn't match configuration"));
}

#[test]
fn renamed_volume_is_created_and_users_recreated() {
    let mut web = svc("web");
    web.volumes = vec!["data".into()];
    let mut desired = project(vec![web]);
    let observed = converged(&desired);
    desired.volumes[0].name = "proj_data2".into();
    desired.volumes[0].config_hash = "volhash-2".into();
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "RemoveVolume"), 0);
    let create_volume = pos(&plan, "CreateVolume proj_data2");
    let create_container = plan
        .steps
        .iter()
        .position(|s| matches!(&s.action, Action::CreateContainer { .. }))
        .unwrap();
    assert!(depends_on(&plan, create_container, create_volume));
    assert_eq!(count(&plan, "RenameContainer proj-web-1"), 1);
}

#[test]
fn unmanaged_volume_is_reused_with_a_warning() {
    let mut web = svc("web");
    web.volumes = vec!["data".into()];
    let desired = project(vec![web]);
    let observed = ObservedProject {
        volumes: vec![ObservedVolume {
            name: "proj_data".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let plan = up(&desired, &observed);
    assert_eq!(count(&plan, "CreateVolume"), 0);
    assert!(plan.warnings[0].contains("not created by Docker Compose"));
}

#[test]
fn missing_external_volume_gets_a_check() {
    let mut web = svc("web");
    web.volumes = vec!["data".into()];
    let mut desired = project(vec![web]);
    desired.volumes[0].external = true;
    desired.volumes[0].name = "data".into();
    let plan = up(&desired, &ObservedProject::default());
    assert_eq!(count(&plan, "CreateVolume"), 0);
    assert!(ordered(
        &plan,
        "CheckExternalVolume data",
        "CreateContainer proj-web-1"
    ));
}

// ---- misc ------------------------------------------------------------------------------------

#[test]
fn timeout_is_passed_to_stops() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    let options = UpOptions {
        timeout: Some(3),
        ..Default::default()
    };
    let plan = up_with(&desired, &observed, options);
    let stop = &plan.steps[pos(&plan, "StopContainer proj-web-1")].action;
    assert!(matches!(
        stop,
        Action::StopContainer {
            timeout: Some(3),
            ..
        }
    ));
}

#[test]
fn applying_a_recreate_plan_converges() {
    let mut web = svc_deps("web", &["db"]);
    web.replicas = 2;
    let desired = project(vec![svc("db"), web]);
    let mut observed = converged(&desired);
    set_hash(&mut observed, "web", "old");
    let (_, next) = up_and_apply(&desired, &observed, &UpOptions::default());
    assert!(up(&desired, &next).is_empty());
    let mut names: Vec<&str> = next.containers.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["proj-db-1", "proj-web-1", "proj-web-2"]);
}

// ---- interrupted recreation ----------------------------------------------------------------

/// The container an interrupted recreation leaves: a copy of `like` (up to date, connected),
/// created but not started, still under its temporary `<oldid[:12]>_<name>` name.
fn temporary_named(like: &ObservedContainer, old_id: &str) -> ObservedContainer {
    let mut c = like.clone();
    c.id = format!("{:0<64}", format!("new{}{}", c.service, c.number));
    c.state = ContainerState::Created;
    c.config_hash = format!("hash-{}", c.service);
    let short: String = old_id.chars().take(12).collect();
    c.name = format!("{short}_{}", c.name);
    c
}

#[test]
fn kept_container_with_temporary_name_is_renamed() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    let old_id = "0123456789abcdef".to_string();
    // The old container is gone; only the new one, still temporarily named, is left.
    let like = observed
        .containers
        .iter()
        .find(|c| c.service == "web")
        .cloned()
        .expect("web container");
    observed.containers.retain(|c| c.service != "web");
    observed.containers.push(temporary_named(&like, &old_id));
    let (plan, next) = up_and_apply(&desired, &observed, &UpOptions::default());
    assert!(labels(&plan).contains(&"RenameExistingContainer proj-web-1".to_string()));
    assert!(ordered(
        &plan,
        "RenameExistingContainer proj-web-1",
        "StartContainer proj-web-1"
    ));
    assert_eq!(count(&plan, "CreateContainer"), 0);
    let names: Vec<&str> = next.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["proj-web-1"]);
    // Converged: planning again does nothing.
    let again = plan_up(&desired, &next, &UpOptions::default()).unwrap();
    assert!(again.is_empty(), "{again}");
}

#[test]
fn temporary_container_is_renamed_after_the_obsolete_one_is_removed() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    let old = observed
        .containers
        .iter_mut()
        .find(|c| c.service == "web")
        .expect("web container");
    old.config_hash = "stale".into();
    let like = old.clone();
    observed.containers.push(temporary_named(&like, &like.id));
    let (plan, next) = up_and_apply(&desired, &observed, &UpOptions::default());
    assert!(ordered(
        &plan,
        "RemoveContainer proj-web-1",
        "RenameExistingContainer proj-web-1"
    ));
    assert_eq!(count(&plan, "CreateContainer"), 0);
    let web: Vec<&ObservedContainer> = next
        .containers
        .iter()
        .filter(|c| c.service == "web")
        .collect();
    assert_eq!(web.len(), 1);
    assert_eq!(web[0].name, "proj-web-1");
    assert!(web[0].id.starts_with("new"));
}
