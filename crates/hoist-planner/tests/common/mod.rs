//! Shared helpers for the planner tests: builders for desired/observed data, a simulator that
//! applies a plan to an observed state the way the engine would, and plan inspection helpers.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use hoist_planner::*;

/// Source of unique IDs for simulated containers.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Project name used by every test.
pub const PROJECT: &str = "proj";

/// A service with one replica on the default network, hash `hash-<name>`, selected.
pub fn svc(name: &str) -> DesiredService {
    DesiredService {
        name: name.into(),
        replicas: 1,
        config_hash: format!("hash-{name}"),
        networks: vec!["default".into()],
        selected: true,
        ..Default::default()
    }
}

/// `svc` with a `depends_on` edge to each of `deps` (condition `service_started`).
pub fn svc_deps(name: &str, deps: &[&str]) -> DesiredService {
    let mut s = svc(name);
    for d in deps {
        s.depends_on.push(dep(d, Condition::Started, false));
    }
    s
}

/// A required `depends_on` edge.
pub fn dep(service: &str, condition: Condition, restart: bool) -> Dependency {
    Dependency {
        service: service.into(),
        condition,
        restart,
        required: true,
    }
}

/// A project with the default network, plus any volume the services mount.
pub fn project(services: Vec<DesiredService>) -> DesiredProject {
    let mut volumes: Vec<DesiredVolume> = Vec::new();
    for s in &services {
        for v in &s.volumes {
            if !volumes.iter().any(|x| &x.key == v) {
                volumes.push(volume(v));
            }
        }
    }
    DesiredProject {
        name: PROJECT.into(),
        services,
        disabled_services: vec![],
        networks: vec![network("default")],
        volumes,
    }
}

/// A project network `proj_<key>` with hash `nethash-<key>`.
pub fn network(key: &str) -> DesiredNetwork {
    DesiredNetwork {
        key: key.into(),
        name: format!("{PROJECT}_{key}"),
        external: false,
        config_hash: format!("nethash-{key}"),
    }
}

/// A project volume `proj_<key>` with hash `volhash-<key>`.
pub fn volume(key: &str) -> DesiredVolume {
    DesiredVolume {
        key: key.into(),
        name: format!("{PROJECT}_{key}"),
        external: false,
        config_hash: format!("volhash-{key}"),
    }
}

/// The state after a fresh `up` of `desired` (planned, then simulated).
pub fn converged(desired: &DesiredProject) -> ObservedProject {
    let plan = plan_up(desired, &ObservedProject::default(), &UpOptions::default()).unwrap();
    apply(desired, &ObservedProject::default(), &plan)
}

/// The state after `up` of `desired` from `observed`.
pub fn up_and_apply(
    desired: &DesiredProject,
    observed: &ObservedProject,
    options: &UpOptions,
) -> (Plan, ObservedProject) {
    let plan = plan_up(desired, observed, options).unwrap();
    check_dag(&plan);
    let next = apply(desired, observed, &plan);
    (plan, next)
}

/// A container as the engine would report it.
pub fn container(service: &str, number: u32, state: ContainerState) -> ObservedContainer {
    ObservedContainer {
        id: format!("{:0<64}", format!("id{service}{number}x")),
        name: format!("{PROJECT}-{service}-{number}"),
        service: service.into(),
        number,
        oneoff: false,
        state,
        config_hash: format!("hash-{service}"),
        image_digest: None,
        network_ids: vec![],
        volume_names: vec![],
    }
}

/// Asserts the plan's structural invariants: IDs are positions and every dependency points
/// to an earlier step.
pub fn check_dag(plan: &Plan) {
    for (index, step) in plan.steps.iter().enumerate() {
        assert_eq!(step.id, StepId(index), "step id mismatch");
        for after in &step.after {
            assert!(
                after.0 < index,
                "step {index} depends on later step {after}:\n{plan}"
            );
        }
    }
}

/// Applies `plan` to `observed` like the engine would (every step succeeds).
pub fn apply(desired: &DesiredProject, observed: &ObservedProject, plan: &Plan) -> ObservedProject {
    let mut state = observed.clone();
    let mut created: HashMap<StepId, String> = HashMap::new();
    let resolve = |created: &HashMap<StepId, String>, r: &ContainerRef| -> String {
        match r {
            ContainerRef::Existing(id) => id.clone(),
            ContainerRef::CreatedBy(step) => {
                created.get(step).cloned().expect("created before use")
            }
        }
    };
    for step in &plan.steps {
        match &step.action {
            Action::CheckExternalNetwork { name, .. } => {
                assert!(
                    state.networks.iter().any(|n| &n.name == name),
                    "external network {name} missing"
                );
            }
            Action::CheckExternalVolume { name, .. } => {
                assert!(
                    state.volumes.iter().any(|v| &v.name == name),
                    "external volume {name} missing"
                );
            }
            Action::CreateNetwork { key, name } => {
                let hash = desired
                    .networks
                    .iter()
                    .find(|n| &n.key == key)
                    .map(|n| n.config_hash.clone());
                state.networks.push(ObservedNetwork {
                    id: format!("netid-{name}-{}", step.id.0),
                    name: name.clone(),
                    compose_key: Some(key.clone()),
                    project: Some(desired.name.clone()),
                    config_hash: hash,
                });
            }
            Action::RemoveNetwork { name, .. } => state.networks.retain(|n| &n.name != name),
            Action::DisconnectNetwork {
                container, network, ..
            } => {
                let id = resolve(&created, container);
                let net_id = state
                    .networks
                    .iter()
                    .find(|n| &n.name == network)
                    .map(|n| n.id.clone());
                if let Some(c) = state.containers.iter_mut().find(|c| c.id == id) {
                    c.network_ids.retain(|n| Some(n) != net_id.as_ref());
                }
            }
            Action::ConnectNetwork {
                container, network, ..
            } => {
                let id = resolve(&created, container);
                let net_id = state
                    .networks
                    .iter()
                    .find(|n| &n.name == network)
                    .map(|n| n.id.clone());
                if let (Some(c), Some(net)) =
                    (state.containers.iter_mut().find(|c| c.id == id), net_id)
                {
                    c.network_ids.push(net);
                }
            }
            Action::CreateVolume { key, name } => {
                let hash = desired
                    .volumes
                    .iter()
                    .find(|v| &v.key == key)
                    .map(|v| v.config_hash.clone());
                state.volumes.push(ObservedVolume {
                    name: name.clone(),
                    compose_key: Some(key.clone()),
                    project: Some(desired.name.clone()),
                    config_hash: hash,
                });
            }
            Action::RemoveVolume { name, .. } => state.volumes.retain(|v| &v.name != name),
            Action::CreateContainer {
                service,
                number,
                name,
                ..
            } => {
                let s = desired.service(service).expect("service exists");
                let id = format!(
                    "{:x}{:060x}",
                    0xabcu32,
                    NEXT_ID.fetch_add(1, Ordering::Relaxed)
                );
                let network_ids = s
                    .networks
                    .iter()
                    .filter_map(|key| desired.networks.iter().find(|n| &n.key == key))
                    .filter_map(|n| {
                        state
                            .networks
                            .iter()
                            .find(|o| o.name == n.name || o.id == n.name)
                    })
                    .map(|n| n.id.clone())
                    .collect();
                let volume_names = s
                    .volumes
                    .iter()
                    .filter_map(|key| desired.volumes.iter().find(|v| &v.key == key))
                    .map(|v| v.name.clone())
                    .collect();
                created.insert(step.id, id.clone());
                state.containers.push(ObservedContainer {
                    id,
                    name: name.clone(),
                    service: service.clone(),
                    number: *number,
                    oneoff: false,
                    state: ContainerState::Created,
                    config_hash: s.config_hash.clone(),
                    image_digest: s.image_digest.clone(),
                    network_ids,
                    volume_names,
                });
            }
            Action::StartContainer { container, .. } => {
                let id = resolve(&created, container);
                let c = state
                    .containers
                    .iter_mut()
                    .find(|c| c.id == id)
                    .expect("start: exists");
                c.state = ContainerState::Running;
            }
            Action::StopContainer { id, .. } => {
                let c = state
                    .containers
                    .iter_mut()
                    .find(|c| &c.id == id)
                    .expect("stop: exists");
                c.state = ContainerState::Exited;
            }
            Action::RemoveContainer { id, .. } => {
                let before = state.containers.len();
                state.containers.retain(|c| &c.id != id);
                assert_eq!(
                    before,
                    state.containers.len() + 1,
                    "remove: container {id} exists"
                );
            }
            Action::RenameContainer {
                created_by,
                from,
                to,
            } => {
                let id = created
                    .get(created_by)
                    .expect("renamed container was created");
                assert!(
                    !state.containers.iter().any(|c| &c.name == to),
                    "rename {from} -> {to}: name still taken"
                );
                let c = state
                    .containers
                    .iter_mut()
                    .find(|c| &c.id == id)
                    .expect("rename: exists");
                assert_eq!(&c.name, from);
                c.name = to.clone();
            }
            Action::RenameExistingContainer { id, from, to } => {
                assert!(
                    !state.containers.iter().any(|c| &c.name == to),
                    "rename {from} -> {to}: name still taken"
                );
                let c = state
                    .containers
                    .iter_mut()
                    .find(|c| &c.id == id)
                    .expect("rename: exists");
                assert_eq!(&c.name, from);
                c.name = to.clone();
            }
            Action::WaitForDependency { .. } => {}
        }
    }
    state
}

/// The actions of the plan, in order.
pub fn actions(plan: &Plan) -> Vec<&Action> {
    plan.steps.iter().map(|s| &s.action).collect()
}

/// Short `Kind target` labels for every step, for compact assertions.
pub fn labels(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|s| match &s.action {
            Action::CheckExternalNetwork { name, .. } => format!("CheckExternalNetwork {name}"),
            Action::CheckExternalVolume { name, .. } => format!("CheckExternalVolume {name}"),
            Action::CreateNetwork { name, .. } => format!("CreateNetwork {name}"),
            Action::RemoveNetwork { name, .. } => format!("RemoveNetwork {name}"),
            Action::DisconnectNetwork { container_name, .. } => {
                format!("DisconnectNetwork {container_name}")
            }
            Action::ConnectNetwork { container_name, .. } => {
                format!("ConnectNetwork {container_name}")
            }
            Action::CreateVolume { name, .. } => format!("CreateVolume {name}"),
            Action::RemoveVolume { name, .. } => format!("RemoveVolume {name}"),
            Action::CreateContainer { name, .. } => format!("CreateContainer {name}"),
            Action::StartContainer { name, .. } => format!("StartContainer {name}"),
            Action::StopContainer { name, .. } => format!("StopContainer {name}"),
            Action::RemoveContainer { name, .. } => format!("RemoveContainer {name}"),
            Action::RenameContainer { to, .. } => format!("RenameContainer {to}"),
            Action::RenameExistingContainer { to, .. } => format!("RenameExistingContainer {to}"),
            Action::WaitForDependency {
                service,
                dependency,
                ..
            } => {
                format!("WaitForDependency {service}->{dependency}")
            }
        })
        .collect()
}

/// Position of the first step whose label is `label`.
pub fn pos(plan: &Plan, label: &str) -> usize {
    labels(plan)
        .iter()
        .position(|l| l == label)
        .unwrap_or_else(|| panic!("no step {label:?} in plan:\n{plan}"))
}

/// Whether step `later` (transitively) depends on step `earlier`.
pub fn depends_on(plan: &Plan, later: usize, earlier: usize) -> bool {
    let mut stack = vec![later];
    let mut seen = vec![false; plan.steps.len()];
    while let Some(i) = stack.pop() {
        if i == earlier && i != later {
            return true;
        }
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(plan.steps[i].after.iter().map(|a| a.0));
    }
    false
}

/// Whether the step labelled `later` depends on the step labelled `earlier`.
pub fn ordered(plan: &Plan, earlier: &str, later: &str) -> bool {
    depends_on(plan, pos(plan, later), pos(plan, earlier))
}

/// Number of steps whose label starts with `prefix`.
pub fn count(plan: &Plan, prefix: &str) -> usize {
    labels(plan)
        .iter()
        .filter(|l| l.starts_with(prefix))
        .count()
}
