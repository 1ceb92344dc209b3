//! `stop` and `start` planning on existing containers (no creation, no removal).
//!
//! `stop` goes in reverse dependency order and takes the dependents of named services along;
//! `start` goes in dependency order, waiting for `service_healthy` /
//! `service_completed_successfully` dependencies before starting a service's containers.

use std::collections::{BTreeSet, HashMap};

use crate::graph;
use crate::model::{Condition, DesiredProject, LifecycleOptions, ObservedProject, PlanError};
use crate::plan::{Action, ContainerRef, Plan, StepId};

/// Plans `stop`: every alive container of the named services (all when none is named) and of
/// their dependents, dependents first. Errors only on a dependency cycle.
pub fn plan_stop(
    desired: &DesiredProject,
    observed: &ObservedProject,
    options: &LifecycleOptions,
) -> Result<Plan, PlanError> {
    let named: BTreeSet<&str> = options.services.iter().map(String::as_str).collect();
    let set = if named.is_empty() {
        desired.services.iter().map(|s| s.name.as_str()).collect()
    } else {
        graph::with_dependents(&desired.services, &named)
    };
    let mut order = graph::dependency_order(&desired.services, &set)?;
    order.reverse();
    let mut plan = Plan::default();
    let mut stops: HashMap<&str, Vec<StepId>> = HashMap::new();
    for service in order {
        let after: Vec<StepId> = desired
            .services
            .iter()
            .filter(|s| graph::parents(s).any(|p| p == service.name))
            .flat_map(|s| stops.get(s.name.as_str()).into_iter().flatten().copied())
            .collect();
        let mut steps = Vec::new();
        for container in observed
            .containers
            .iter()
            .filter(|c| !c.oneoff && c.service == service.name && c.state.is_alive())
        {
            steps.push(plan.push(
                Action::StopContainer {
                    id: container.id.clone(),
                    name: container.name.clone(),
                    timeout: options.timeout,
                },
                after.clone(),
                "stop",
            ));
        }
        stops.insert(service.name.as_str(), steps);
    }
    Ok(plan)
}

/// Plans `start`: every non-running container of the named services (all when none is named),
/// in dependency order, after the dependencies' start steps and condition waits.
///
/// Errors when the project has no container at all (`service "x" has no container to start`)
/// or on a dependency cycle.
pub fn plan_start(
    desired: &DesiredProject,
    observed: &ObservedProject,
    options: &LifecycleOptions,
) -> Result<Plan, PlanError> {
    let set: BTreeSet<&str> = if options.services.is_empty() {
        desired.services.iter().map(|s| s.name.as_str()).collect()
    } else {
        options
            .services
            .iter()
            .map(String::as_str)
            .filter(|name| desired.service(name).is_some())
            .collect()
    };
    let order = graph::dependency_order(&desired.services, &set)?;
    let has_containers = observed.containers.iter().any(|c| !c.oneoff);
    let mut plan = Plan::default();
    let mut starts: HashMap<&str, Vec<StepId>> = HashMap::new();
    for service in order {
        if !has_containers {
            if service.replicas == 0 {
                continue;
            }
            return Err(PlanError::new(format!(
                "service {:?} has no container to start",
                service.name
            ))
            .with_hint("run `up` or `create` first"));
        }
        let to_start: Vec<_> = observed
            .containers
            .iter()
            .filter(|c| {
                !c.oneoff
                    && c.service == service.name
                    && c.state != crate::model::ContainerState::Running
            })
            .collect();
        if to_start.is_empty() {
            continue;
        }
        let parents_done: Vec<StepId> = graph::parents(service)
            .flat_map(|p| starts.get(p).into_iter().flatten().copied())
            .collect();
        let mut after = parents_done.clone();
        for dependency in &service.depends_on {
            if dependency.condition == Condition::Started {
                continue;
            }
            let Some(target) = desired.service(&dependency.service) else {
                continue;
            };
            if target.replicas == 0 {
                continue;
            }
            after.push(plan.push(
                Action::WaitForDependency {
                    service: service.name.clone(),
                    dependency: dependency.service.clone(),
                    condition: dependency.condition,
                    required: dependency.required,
                },
                parents_done.clone(),
                format!("depends_on {}", dependency.condition.as_compose()),
            ));
        }
        let mut steps = Vec::new();
        for container in to_start {
            steps.push(plan.push(
                Action::StartContainer {
                    service: service.name.clone(),
                    container: ContainerRef::Existing(container.id.clone()),
                    name: container.name.clone(),
                },
                after.clone(),
                "start",
            ));
        }
        starts.insert(service.name.as_str(), steps);
    }
    Ok(plan)
}
