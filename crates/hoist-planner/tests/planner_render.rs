//! `Plan::render` (the `--dry-run` text) and the detailed `Display` form.

mod common;

use common::*;
use hoist_planner::*;

#[test]
fn render_fresh_project() {
    let mut web = svc_deps("web", &["db"]);
    web.volumes = vec!["data".into()];
    let desired = project(vec![svc("db"), web]);
    let plan = plan_up(&desired, &ObservedProject::default(), &UpOptions::default()).unwrap();
    assert_eq!(
        plan.render(),
        "Network proj_default  Creating\n\
         Volume proj_data  Creating\n\
         Container proj-db-1  Creating\n\
         Container proj-web-1  Creating\n\
         Container proj-db-1  Starting\n\
         Container proj-web-1  Starting\n"
    );
}

#[test]
fn render_folds_a_recreation_into_one_line() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed.containers[0].config_hash = "old".into();
    let plan = plan_up(&desired, &observed, &UpOptions::default()).unwrap();
    assert_eq!(
        plan.render(),
        "Container proj-web-1  Recreate\nContainer proj-web-1  Starting\n"
    );
}

#[test]
fn render_restart_dependent_stop() {
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Started, true)];
    let desired = project(vec![svc("db"), web]);
    let mut observed = converged(&desired);
    for c in observed.containers.iter_mut().filter(|c| c.service == "db") {
        c.config_hash = "old".into();
    }
    let plan = plan_up(&desired, &observed, &UpOptions::default()).unwrap();
    assert_eq!(
        plan.render(),
        "Container proj-web-1  Stopping\n\
         Container proj-db-1  Recreate\n\
         Container proj-db-1  Starting\n\
         Container proj-web-1  Starting\n"
    );
}

#[test]
fn render_scale_down() {
    let mut web = svc("web");
    web.replicas = 2;
    let mut desired = project(vec![web]);
    let observed = converged(&desired);
    desired.services[0].replicas = 1;
    let plan = plan_up(&desired, &observed, &UpOptions::default()).unwrap();
    assert_eq!(
        plan.render(),
        "Container proj-web-1  Running\n\
         Container proj-web-2  Stopping\n\
         Container proj-web-2  Removing\n"
    );
}

#[test]
fn render_no_op_up_lists_running_containers() {
    let desired = project(vec![svc("db"), svc_deps("web", &["db"])]);
    let mut observed = converged(&desired);
    observed
        .containers
        .iter_mut()
        .find(|c| c.service == "db")
        .unwrap()
        .state = ContainerState::Exited;
    let plan = plan_up(&desired, &observed, &UpOptions::default()).unwrap();
    assert_eq!(plan.running, ["proj-web-1"]);
    assert_eq!(
        plan.render(),
        "Container proj-web-1  Running\nContainer proj-db-1  Starting\n"
    );
}

#[test]
fn render_healthy_wait() {
    let mut web = svc("web");
    web.depends_on = vec![dep("db", Condition::Healthy, false)];
    let desired = project(vec![svc("db"), web]);
    let plan = plan_up(&desired, &ObservedProject::default(), &UpOptions::default()).unwrap();
    assert!(plan.render().contains("Service db  Waiting (healthy)\n"));
}

#[test]
fn render_down_with_volumes() {
    let mut web = svc("web");
    web.volumes = vec!["data".into()];
    let desired = project(vec![web]);
    let observed = converged(&desired);
    let options = DownOptions {
        remove_volumes: true,
        ..Default::default()
    };
    let plan = plan_down(&desired, &observed, &options).unwrap();
    assert_eq!(
        plan.render(),
        "Container proj-web-1  Stopping\n\
         Container proj-web-1  Removing\n\
         Network proj_default  Removing\n\
         Volume proj_data  Removing\n"
    );
}

#[test]
fn render_hides_external_checks() {
    let mut desired = project(vec![svc("web")]);
    desired.networks[0].external = true;
    let plan = plan_up(&desired, &ObservedProject::default(), &UpOptions::default()).unwrap();
    assert_eq!(count(&plan, "CheckExternalNetwork"), 1);
    assert!(!plan.render().contains("proj_default"));
}

#[test]
fn render_of_empty_plan_is_empty() {
    assert_eq!(Plan::default().render(), "");
}

#[test]
fn display_lists_every_step_with_dependencies_and_warnings() {
    let desired = project(vec![svc("web")]);
    let mut observed = converged(&desired);
    observed.containers[0].config_hash = "old".into();
    observed
        .containers
        .push(container("old", 1, ContainerState::Exited));
    let plan = plan_up(&desired, &observed, &UpOptions::default()).unwrap();
    let text = plan.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[1].starts_with("#1 [0] StopContainer proj-web-1"));
    assert!(lines[3].starts_with("#3 [2] RenameContainer "));
    assert!(lines[5].starts_with("WARN Found orphan containers (proj-old-1)"));
}
