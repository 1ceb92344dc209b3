//! `down` planning: stop and remove the containers of the project's services in reverse
//! dependency order (a named service takes its dependents along), optionally the orphans and
//! one-off containers, then the project networks and, with `-v`, the project volumes.
//!
//! Network and volume removals come after every container removal. The executor treats
//! "still in use" and "not found" answers for them as warnings, as Docker Compose does.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::graph;
use crate::model::{DesiredProject, DownOptions, ObservedContainer, ObservedProject, PlanError};
use crate::plan::{Action, Plan, StepId};
use crate::up::orphans;

/// Plans `down`.
///
/// Errors on a named service the project does not have (`no such service: x`) and on a
/// dependency cycle. When the project was rebuilt from container labels (no compose file),
/// the CLI should drop unknown names first, as Docker Compose ignores them then.
pub fn plan_down(
    desired: &DesiredProject,
    observed: &ObservedProject,
    options: &DownOptions,
) -> Result<Plan, PlanError> {
    let mut plan = Plan::default();
    if let Some(unknown) = options
        .services
        .iter()
        .find(|name| desired.service(name).is_none())
    {
        return Err(PlanError::new(format!("no such service: {unknown}")));
    }
    let named: BTreeSet<&str> = options.services.iter().map(String::as_str).collect();
    let set = if named.is_empty() {
        desired.services.iter().map(|s| s.name.as_str()).collect()
    } else {
        graph::with_dependents(&desired.services, &named)
    };
    let mut order = graph::dependency_order(&desired.services, &set)?;
    order.reverse();

    let mut removed: HashSet<&str> = HashSet::new();
    let mut removals: HashMap<&str, Vec<StepId>> = HashMap::new();
    let mut all_removals: Vec<StepId> = Vec::new();
    for service in order {
        // Dependents were planned before (reverse order): wait for their removal.
        let after: Vec<StepId> = desired
            .services
            .iter()
            .filter(|s| graph::parents(s).any(|p| p == service.name))
            .flat_map(|s| removals.get(s.name.as_str()).into_iter().flatten().copied())
            .collect();
        let containers = observed
            .containers
            .iter()
            .filter(|c| c.service == service.name && (!c.oneoff || options.remove_orphans));
        let mut steps = Vec::new();
        for container in containers {
            let step = stop_and_remove(&mut plan, container, after.clone(), options, "down");
            removed.insert(container.id.as_str());
            steps.push(step);
        }
        all_removals.extend(steps.iter().copied());
        removals.insert(service.name.as_str(), steps);
    }

    if options.remove_orphans {
        for orphan in orphans(desired, observed) {
            if removed.insert(orphan.id.as_str()) {
                let mut orphan_options = options.clone();
                orphan_options.remove_volumes = false;
                let step = stop_and_remove(
                    &mut plan,
                    orphan,
                    vec![],
                    &orphan_options,
                    "orphaned container",
                );
                all_removals.push(step);
            }
        }
    }

    for network in desired.networks.iter().filter(|n| !n.external) {
        let exists = observed.networks.iter().any(|n| {
            n.name == network.name
                && n.project.as_deref() == Some(desired.name.as_str())
                && n.compose_key.as_deref() == Some(network.key.as_str())
        });
        if exists {
            plan.push(
                Action::RemoveNetwork {
                    key: network.key.clone(),
                    name: network.name.clone(),
                    best_effort: true,
                },
                all_removals.clone(),
                "down",
            );
        }
    }

    if options.remove_volumes {
        for volume in desired.volumes.iter().filter(|v| !v.external) {
            if observed.volumes.iter().any(|v| v.name == volume.name) {
                plan.push(
                    Action::RemoveVolume {
                        key: volume.key.clone(),
                        name: volume.name.clone(),
                    },
                    all_removals.clone(),
                    "down --volumes",
                );
            }
        }
    }

    // Docker Compose warns only when it found no container and had no network (or, with -v,
    // volume) removal to attempt, whether or not those resources exist.
    let attempted_resources = desired.networks.iter().any(|n| !n.external)
        || (options.remove_volumes && desired.volumes.iter().any(|v| !v.external));
    if all_removals.is_empty() && !attempted_resources {
        plan.warnings.push(format!(
            "Warning: No resource found to remove for project {:?}.",
            desired.name
        ));
    }
    Ok(plan)
}

/// Stop (when alive) then remove `container`; returns the removal step.
fn stop_and_remove(
    plan: &mut Plan,
    container: &ObservedContainer,
    after: Vec<StepId>,
    options: &DownOptions,
    reason: &str,
) -> StepId {
    let mut remove_after = after.clone();
    if container.state.is_alive() {
        remove_after.push(plan.push(
            Action::StopContainer {
                id: container.id.clone(),
                name: container.name.clone(),
                timeout: options.timeout,
            },
            after,
            reason,
        ));
    }
    plan.push(
        Action::RemoveContainer {
            id: container.id.clone(),
            name: container.name.clone(),
            volumes: options.remove_volumes,
        },
        remove_after,
        reason,
    )
}
