//! `up` / `create` planning: compares the desired project with the observed state and emits the
//! steps that converge them, following Docker Compose v5's reconciler:
//!
//! 1. networks (create missing, recreate diverged: stop, disconnect, remove, create, reconnect),
//! 2. volumes (create missing; a diverged volume is only reported, data is never dropped),
//! 3. containers per service in dependency order (scale down, recreate diverged, start
//!    paused/dead ones, scale up), cascading recreation to namespace children and stopping
//!    `restart: true` dependents of recreated services,
//! 4. orphans (warning, or removal with `--remove-orphans`),
//! 5. unless `--no-start`: start every container that will not be running, service by service
//!    in dependency order, after waiting for `service_healthy` /
//!    `service_completed_successfully` dependencies.
//!
//! External resources are never created: one absent from the observed state gets a
//! `CheckExternal*` step that the executor turns into an error if the resource really is
//! missing (the CLI may observe only project-labelled resources).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::graph;
use crate::model::{
    Condition, ContainerState, DesiredProject, DesiredService, ObservedContainer, ObservedNetwork,
    ObservedProject, ObservedVolume, PlanError, Recreate, UpOptions,
};
use crate::plan::{Action, ContainerRef, Plan, StepId};

/// Plans `up` (or `create` when `options.start` is false).
///
/// Errors only on inconsistent input: `container_name` with more than one replica, two
/// services sharing a container name, or a dependency cycle.
pub fn plan_up(
    desired: &DesiredProject,
    observed: &ObservedProject,
    options: &UpOptions,
) -> Result<Plan, PlanError> {
    let mut planner = UpPlanner::new(desired, observed, options);
    planner.validate()?;
    planner.orphans();
    planner.networks();
    planner.volumes();
    planner.containers()?;
    if options.remove_orphans {
        planner.remove_orphans();
    }
    if options.start {
        planner.start_phase()?;
    }
    planner.report_untouched();
    Ok(planner.plan)
}

/// A container the service will have once the create phase is done.
struct Slot {
    container: ContainerRef,
    name: String,
    /// Steps that must be done before the container may be started.
    ready: Vec<StepId>,
    /// Whether the start phase must start it.
    needs_start: bool,
}

/// A network or volume selected among the observed ones for a desired key.
struct Resolved {
    id: String,
    name: String,
}

struct UpPlanner<'a> {
    desired: &'a DesiredProject,
    observed: &'a ObservedProject,
    options: &'a UpOptions,
    plan: Plan,
    /// Services this run plans (all, or only the selected ones with `--no-deps`).
    active: BTreeSet<&'a str>,
    orphans: Vec<&'a ObservedContainer>,
    resolved_networks: HashMap<&'a str, Resolved>,
    resolved_volumes: HashMap<&'a str, Resolved>,
    /// Last step (create/check) of each network and volume key, for ordering containers.
    network_steps: HashMap<&'a str, StepId>,
    volume_steps: HashMap<&'a str, StepId>,
    /// Stop steps already planned, by container ID.
    stopped: HashMap<&'a str, StepId>,
    /// Reconnect steps planned by network recreation, by container ID.
    connects: HashMap<&'a str, Vec<StepId>>,
    /// Services with at least one container recreated (for the namespace cascade).
    recreated: HashSet<&'a str>,
    /// All create-phase steps of each service.
    service_steps: HashMap<&'a str, Vec<StepId>>,
    /// Containers of each service after the create phase.
    slots: HashMap<&'a str, Vec<Slot>>,
    /// Start-phase steps of each service.
    start_steps: HashMap<&'a str, Vec<StepId>>,
}

impl<'a> UpPlanner<'a> {
    fn new(
        desired: &'a DesiredProject,
        observed: &'a ObservedProject,
        options: &'a UpOptions,
    ) -> Self {
        let active = desired
            .services
            .iter()
            .filter(|s| !options.no_deps || s.selected)
            .map(|s| s.name.as_str())
            .collect();
        UpPlanner {
            desired,
            observed,
            options,
            plan: Plan::default(),
            active,
            orphans: Vec::new(),
            resolved_networks: HashMap::new(),
            resolved_volumes: HashMap::new(),
            network_steps: HashMap::new(),
            volume_steps: HashMap::new(),
            stopped: HashMap::new(),
            connects: HashMap::new(),
            recreated: HashSet::new(),
            service_steps: HashMap::new(),
            slots: HashMap::new(),
            start_steps: HashMap::new(),
        }
    }

    /// Desired number of containers of `service`, after `--scale` overrides.
    fn scale(&self, service: &DesiredService) -> u32 {
        self.options
            .scale
            .iter()
            .rev()
            .find(|(name, _)| *name == service.name)
            .map_or(service.replicas, |(_, n)| *n)
    }

    fn validate(&self) -> Result<(), PlanError> {
        let mut names: HashMap<&str, &str> = HashMap::new();
        for service in &self.desired.services {
            let Some(container_name) = &service.container_name else {
                continue;
            };
            if self.scale(service) > 1 {
                return Err(PlanError::new(format!(
                    "services.{}: container_name {container_name:?} cannot be used with {} replicas, \
                     as container names must be unique",
                    service.name,
                    self.scale(service)
                ))
                .with_hint("remove container_name or scale the service to 1"));
            }
            if let Some(other) = names.insert(container_name, &service.name) {
                return Err(PlanError::new(format!(
                    "services.{}: container name {container_name:?} is already in use by service {other}",
                    service.name
                ))
                .with_hint("give each service its own container_name"));
            }
        }
        Ok(())
    }

    /// Non-one-off containers of `service`.
    fn containers_of(&self, service: &str) -> Vec<&'a ObservedContainer> {
        self.observed
            .containers
            .iter()
            .filter(|c| !c.oneoff && c.service == service)
            .collect()
    }

    fn orphans(&mut self) {
        self.orphans = orphans(self.desired, self.observed);
        if !self.orphans.is_empty() && !self.options.ignore_orphans && !self.options.remove_orphans
        {
            let names: Vec<&str> = self.orphans.iter().map(|c| c.name.as_str()).collect();
            self.plan.warnings.push(format!(
                "Found orphan containers ({}) for this project. If you removed or renamed this \
                 service in your compose file, you can run this command with the \
                 --remove-orphans flag to clean it up.",
                names.join(", ")
            ));
        }
    }

    fn networks(&mut self) {
        let mut networks: Vec<_> = self.desired.networks.iter().collect();
        networks.sort_by(|a, b| a.key.cmp(&b.key));
        let mut diverged = Vec::new();
        for network in networks {
            let key = network.key.as_str();
            if network.external {
                let found = self
                    .observed
                    .networks
                    .iter()
                    .find(|n| n.name == network.name || n.id == network.name);
                match found {
                    Some(n) => {
                        self.resolved_networks.insert(
                            key,
                            Resolved {
                                id: n.id.clone(),
                                name: n.name.clone(),
                            },
                        );
                    }
                    None => {
                        let step = self.plan.push(
                            Action::CheckExternalNetwork {
                                key: key.to_string(),
                                name: network.name.clone(),
                            },
                            vec![],
                            "external network not observed",
                        );
                        self.network_steps.insert(key, step);
                    }
                }
                continue;
            }
            let candidates = self.network_candidates(key, &network.name);
            let Some(selected) = select(&candidates, &network.name, |n| &n.name) else {
                let step = self.plan.push(
                    Action::CreateNetwork {
                        key: key.to_string(),
                        name: network.name.clone(),
                    },
                    vec![],
                    "not found",
                );
                self.network_steps.insert(key, step);
                continue;
            };
            for other in candidates.iter().filter(|n| n.name != selected.name) {
                self.plan.warnings.push(format!(
                    "network {:?} (id {}) carries the compose label {key:?} but does not match the \
                     compose file (using {:?}); it is left untouched, remove it manually if it is \
                     no longer needed",
                    other.name, other.id, selected.name
                ));
            }
            let owned = selected.project.as_deref() == Some(self.desired.name.as_str());
            if !owned {
                self.plan.warnings.push(match &selected.project {
                    None => format!(
                        "a network with name {} exists but was not created by compose.\n\
                         Set `external: true` to use an existing network",
                        network.name
                    ),
                    Some(_) => format!(
                        "a network with name {} exists but was not created for project {:?}.\n\
                         Set `external: true` to use an existing network",
                        network.name, self.desired.name
                    ),
                });
            }
            let owned_hash = if owned {
                selected.config_hash.clone().filter(|h| !h.is_empty())
            } else {
                None
            };
            if owned_hash
                .as_ref()
                .is_some_and(|hash| *hash != network.config_hash)
            {
                diverged.push(network);
            }
            self.resolved_networks.insert(
                key,
                Resolved {
                    id: selected.id.clone(),
                    name: selected.name.clone(),
                },
            );
        }
        for network in diverged {
            self.recreate_network(network);
        }
    }

    /// Observed networks for `key`: the project-labelled ones with that key, else the ones
    /// named like the desired network (unmanaged or foreign).
    fn network_candidates(&self, key: &str, name: &str) -> Vec<&'a ObservedNetwork> {
        let project = self.desired.name.as_str();
        let labelled: Vec<_> = self
            .observed
            .networks
            .iter()
            .filter(|n| {
                n.project.as_deref() == Some(project) && n.compose_key.as_deref() == Some(key)
            })
            .collect();
        if !labelled.is_empty() {
            return labelled;
        }
        self.observed
            .networks
            .iter()
            .filter(|n| n.name == name)
            .collect()
    }

    fn recreate_network(&mut self, network: &'a crate::model::DesiredNetwork) {
        let key = network.key.as_str();
        let Some(observed_name) = self.resolved_networks.get(key).map(|r| r.name.clone()) else {
            return;
        };
        let users: Vec<&DesiredService> = self
            .desired
            .services
            .iter()
            .filter(|s| s.networks.iter().any(|n| n == key))
            .collect();
        let containers: Vec<&'a ObservedContainer> = users
            .iter()
            .flat_map(|s| self.containers_of(&s.name))
            .collect();
        let mut disconnects = Vec::new();
        for container in &containers {
            let mut after = Vec::new();
            if let Some(stop) = self.stop_once(container, &format!("network {key} config changed"))
            {
                after.push(stop);
            }
            disconnects.push(self.plan.push(
                Action::DisconnectNetwork {
                    container: ContainerRef::Existing(container.id.clone()),
                    container_name: container.name.clone(),
                    network: observed_name.clone(),
                },
                after,
                format!("network {key} recreate"),
            ));
        }
        let rename = observed_name != network.name;
        let remove = self.plan.push(
            Action::RemoveNetwork {
                key: key.to_string(),
                name: observed_name,
                best_effort: rename,
            },
            disconnects.clone(),
            if rename {
                "renamed (best-effort cleanup)"
            } else {
                "config hash diverged"
            },
        );
        let create = self.plan.push(
            Action::CreateNetwork {
                key: key.to_string(),
                name: network.name.clone(),
            },
            if rename { vec![] } else { vec![remove] },
            if rename {
                "renamed"
            } else {
                "recreate after config change"
            },
        );
        self.network_steps.insert(key, create);
        for (container, disconnect) in containers.iter().zip(disconnects) {
            let mut after = vec![create];
            if rename {
                after.push(disconnect);
            }
            let connect = self.plan.push(
                Action::ConnectNetwork {
                    container: ContainerRef::Existing(container.id.clone()),
                    container_name: container.name.clone(),
                    service: container.service.clone(),
                    key: key.to_string(),
                    network: network.name.clone(),
                },
                after,
                format!("network {key} recreate"),
            );
            self.connects
                .entry(container.id.as_str())
                .or_default()
                .push(connect);
        }
    }

    /// Plans a stop of `container` unless one is already planned or it is not alive; returns
    /// the stop step, if any.
    fn stop_once(&mut self, container: &'a ObservedContainer, reason: &str) -> Option<StepId> {
        if let Some(step) = self.stopped.get(container.id.as_str()) {
            return Some(*step);
        }
        if !container.state.is_alive() {
            return None;
        }
        let step = self.plan.push(
            Action::StopContainer {
                id: container.id.clone(),
                name: container.name.clone(),
                timeout: self.options.timeout,
            },
            vec![],
            reason,
        );
        self.stopped.insert(container.id.as_str(), step);
        Some(step)
    }

    fn volumes(&mut self) {
        let mut volumes: Vec<_> = self.desired.volumes.iter().collect();
        volumes.sort_by(|a, b| a.key.cmp(&b.key));
        for volume in volumes {
            let key = volume.key.as_str();
            if volume.external {
                match self.observed.volumes.iter().find(|v| v.name == volume.name) {
                    Some(v) => {
                        self.resolved_volumes.insert(
                            key,
                            Resolved {
                                id: v.name.clone(),
                                name: v.name.clone(),
                            },
                        );
                    }
                    None => {
                        let step = self.plan.push(
                            Action::CheckExternalVolume {
                                key: key.to_string(),
                                name: volume.name.clone(),
                            },
                            vec![],
                            "external volume not observed",
                        );
                        self.volume_steps.insert(key, step);
                    }
                }
                continue;
            }
            let candidates = self.volume_candidates(key, &volume.name);
            let Some(selected) = select(&candidates, &volume.name, |v| &v.name) else {
                let step = self.plan.push(
                    Action::CreateVolume {
                        key: key.to_string(),
                        name: volume.name.clone(),
                    },
                    vec![],
                    "not found",
                );
                self.volume_steps.insert(key, step);
                continue;
            };
            for other in candidates.iter().filter(|v| v.name != selected.name) {
                self.plan.warnings.push(format!(
                    "volume {:?} carries the compose label {key:?} but does not match the compose \
                     file (using {:?}); it is left untouched, remove it manually if it is no \
                     longer needed",
                    other.name, selected.name
                ));
            }
            let owned = selected.project.as_deref() == Some(self.desired.name.as_str());
            if !owned {
                self.plan.warnings.push(match &selected.project {
                    None => format!(
                        "volume {:?} already exists but was not created by Docker Compose. Use \
                         `external: true` to use an existing volume",
                        volume.name
                    ),
                    Some(other) => format!(
                        "volume {:?} already exists but was created for project {other:?} \
                         (expected {:?}). Use `external: true` to use an existing volume",
                        volume.name, self.desired.name
                    ),
                });
            }
            let owned_hash = if owned {
                selected.config_hash.clone().filter(|h| !h.is_empty())
            } else {
                None
            };
            let mut resolved_name = selected.name.clone();
            if owned_hash
                .as_ref()
                .is_some_and(|hash| *hash != volume.config_hash)
            {
                if selected.name != volume.name {
                    let step = self.plan.push(
                        Action::CreateVolume {
                            key: key.to_string(),
                            name: volume.name.clone(),
                        },
                        vec![],
                        "renamed",
                    );
                    self.volume_steps.insert(key, step);
                    resolved_name = volume.name.clone();
                } else {
                    self.plan.warnings.push(format!(
                        "volume {:?} exists but doesn't match configuration in compose file; it is \
                         kept as is (remove it to recreate it: its data will be lost)",
                        volume.name
                    ));
                }
            }
            self.resolved_volumes.insert(
                key,
                Resolved {
                    id: resolved_name.clone(),
                    name: resolved_name,
                },
            );
        }
    }

    fn volume_candidates(&self, key: &str, name: &str) -> Vec<&'a ObservedVolume> {
        let project = self.desired.name.as_str();
        let labelled: Vec<_> = self
            .observed
            .volumes
            .iter()
            .filter(|v| {
                v.project.as_deref() == Some(project) && v.compose_key.as_deref() == Some(key)
            })
            .collect();
        if !labelled.is_empty() {
            return labelled;
        }
        self.observed
            .volumes
            .iter()
            .filter(|v| v.name == name)
            .collect()
    }

    /// Why `container` must be recreated, or `None` when it matches.
    fn divergence(
        &self,
        service: &DesiredService,
        container: &ObservedContainer,
        strategy: Recreate,
        parent_recreated: bool,
    ) -> Option<&'static str> {
        match strategy {
            Recreate::Never => return None,
            Recreate::Force => return Some("forced"),
            Recreate::Diverged => {}
        }
        if parent_recreated {
            return Some("namespace parent recreated");
        }
        if container.config_hash != service.config_hash {
            return Some("config hash diverged");
        }
        if let Some(digest) = &service.image_digest {
            if container.image_digest.as_ref() != Some(digest) {
                return Some("image changed");
            }
        }
        if container.state == ContainerState::Running {
            for key in &service.networks {
                let Some(network) = self.resolved_networks.get(key.as_str()) else {
                    continue;
                };
                if network.id.is_empty() || network.id == "swarm" {
                    continue;
                }
                // Podman 4's compat API reports the network's name where Docker reports its
                // ID; either identifies the network.
                if !container.network_ids.contains(&network.id)
                    && !container.network_ids.contains(&network.name)
                {
                    return Some("not connected to an expected network");
                }
            }
        }
        for key in &service.volumes {
            let Some(volume) = self.resolved_volumes.get(key.as_str()) else {
                continue;
            };
            if !container.volume_names.contains(&volume.name) {
                return Some("missing an expected volume");
            }
        }
        None
    }

    /// Steps a container step of `service` must wait for: its networks, volumes and the
    /// create-phase steps of the services it depends on.
    fn infrastructure(&self, service: &DesiredService) -> Vec<StepId> {
        let mut after = Vec::new();
        for key in &service.networks {
            after.extend(self.network_steps.get(key.as_str()));
        }
        for key in &service.volumes {
            after.extend(self.volume_steps.get(key.as_str()));
        }
        for parent in graph::parents(service) {
            if let Some(steps) = self.service_steps.get(parent) {
                after.extend(steps.iter().copied());
            }
        }
        after
    }

    fn containers(&mut self) -> Result<(), PlanError> {
        let order = graph::dependency_order(&self.desired.services, &self.active)?;
        for service in order {
            self.reconcile_service(service);
        }
        Ok(())
    }

    fn reconcile_service(&mut self, service: &'a DesiredService) {
        let name = service.name.as_str();
        let scale = self.scale(service) as usize;
        let strategy = if service.selected {
            self.options.recreate
        } else {
            self.options.recreate_dependencies
        };
        let parent_recreated = service
            .namespace_parents
            .iter()
            .any(|p| self.recreated.contains(p.as_str()));
        let mut containers: Vec<(&'a ObservedContainer, Option<&'static str>)> = self
            .containers_of(name)
            .into_iter()
            .map(|c| (c, self.divergence(service, c, strategy, parent_recreated)))
            .collect();
        // Up-to-date containers first, then obsolete ones; lowest numbers first within each
        // group, so that scaling down drops obsolete containers, then the highest numbers.
        containers.sort_by(|(a, a_why), (b, b_why)| {
            a_why
                .is_some()
                .cmp(&b_why.is_some())
                .then(a.number.cmp(&b.number))
                .then(a.id.cmp(&b.id))
        });
        let infra = self.infrastructure(service);
        let mut steps: Vec<StepId> = Vec::new();
        let mut slots: Vec<Slot> = Vec::new();
        let existing = containers.len();
        // Kept containers whose name is not the expected one (index into `slots`).
        let mut misnamed: Vec<(usize, &'a ObservedContainer, String)> = Vec::new();
        let mut removals: Vec<StepId> = Vec::new();
        for (index, (container, why)) in containers.iter().enumerate() {
            if index >= scale {
                let mut after: Vec<StepId> = self
                    .stop_once(container, "scale down")
                    .into_iter()
                    .collect();
                after.extend(
                    self.connects
                        .get(container.id.as_str())
                        .into_iter()
                        .flatten(),
                );
                let remove = self.plan.push(
                    Action::RemoveContainer {
                        id: container.id.clone(),
                        name: container.name.clone(),
                        volumes: false,
                    },
                    after,
                    "scale down",
                );
                steps.push(remove);
                removals.push(remove);
                continue;
            }
            if let Some(why) = why {
                let slot = self.recreate_container(service, container, &infra, why);
                steps.extend(slot.ready.iter().copied());
                slots.push(slot);
                self.recreated.insert(name);
                continue;
            }
            let mut ready: Vec<StepId> = self
                .stopped
                .get(container.id.as_str())
                .copied()
                .into_iter()
                .collect();
            ready.extend(
                self.connects
                    .get(container.id.as_str())
                    .into_iter()
                    .flatten(),
            );
            let stopped_by_plan = self.stopped.contains_key(container.id.as_str());
            let needs_start = match container.state {
                _ if stopped_by_plan => true,
                ContainerState::Running => false,
                ContainerState::Created | ContainerState::Restarting | ContainerState::Exited => {
                    true
                }
                ContainerState::Paused | ContainerState::Dead | ContainerState::Removing => {
                    let mut after = infra.clone();
                    after.extend(ready.iter().copied());
                    let start = self.plan.push(
                        Action::StartContainer {
                            service: name.to_string(),
                            container: ContainerRef::Existing(container.id.clone()),
                            name: container.name.clone(),
                        },
                        after,
                        "not running",
                    );
                    ready.push(start);
                    false
                }
            };
            steps.extend(ready.iter().copied());
            let expected = self.desired.container_name(service, container.number);
            if container.name != expected {
                misnamed.push((slots.len(), container, expected));
            }
            slots.push(Slot {
                container: ContainerRef::Existing(container.id.clone()),
                name: container.name.clone(),
                ready,
                needs_start,
            });
        }
        for (slot_index, container, expected) in misnamed {
            // Another container keeping the expected name blocks the rename; a container of
            // this service removed by this plan frees it first.
            let taken = self.observed.containers.iter().any(|c| {
                c.id != container.id
                    && c.name == expected
                    && !containers
                        .iter()
                        .skip(scale)
                        .any(|(removed, _)| removed.id == c.id)
            });
            if taken {
                self.plan.warnings.push(format!(
                    "container {} should be named {expected}, but that name is taken; \
                     it is left as is",
                    container.name
                ));
                continue;
            }
            let Some(slot) = slots.get_mut(slot_index) else {
                continue;
            };
            let mut after = removals.clone();
            after.extend(slot.ready.iter().copied());
            let rename = self.plan.push(
                Action::RenameExistingContainer {
                    id: container.id.clone(),
                    from: container.name.clone(),
                    to: expected.clone(),
                },
                after,
                "unexpected container name",
            );
            slot.ready.push(rename);
            slot.name = expected;
            steps.push(rename);
        }
        if scale > existing {
            let next = self
                .containers_of(name)
                .iter()
                .map(|c| c.number)
                .max()
                .unwrap_or(0)
                .saturating_add(1);
            for offset in 0..(scale - existing) {
                let number = next.saturating_add(offset as u32);
                let container_name = self.desired.container_name(service, number);
                let create = self.plan.push(
                    Action::CreateContainer {
                        service: name.to_string(),
                        number,
                        name: container_name.clone(),
                        replaces: None,
                        inherit_from: None,
                    },
                    infra.clone(),
                    "no existing container",
                );
                steps.push(create);
                slots.push(Slot {
                    container: ContainerRef::CreatedBy(create),
                    name: container_name,
                    ready: vec![create],
                    needs_start: true,
                });
            }
        }
        self.service_steps.insert(name, steps);
        self.slots.insert(name, slots);
    }

    /// Create under a temporary name, stop the old container, remove it, rename the new one.
    fn recreate_container(
        &mut self,
        service: &'a DesiredService,
        old: &'a ObservedContainer,
        infra: &[StepId],
        why: &str,
    ) -> Slot {
        let final_name = self.desired.container_name(service, old.number);
        let short_id: String = old.id.chars().take(12).collect();
        let temporary = format!("{short_id}_{final_name}");
        let mut after = infra.to_vec();
        after.extend(self.stop_restart_dependents(service));
        let create = self.plan.push(
            Action::CreateContainer {
                service: service.name.clone(),
                number: old.number,
                name: temporary.clone(),
                replaces: Some(old.id.clone()),
                inherit_from: self.options.inherit_volumes.then(|| old.id.clone()),
            },
            after,
            why,
        );
        let mut remove_after = vec![create];
        if let Some(stop) = self.stopped.get(old.id.as_str()) {
            remove_after.push(*stop);
        } else if old.state.is_alive() {
            let stop = self.plan.push_in(
                Action::StopContainer {
                    id: old.id.clone(),
                    name: old.name.clone(),
                    timeout: self.options.timeout,
                },
                vec![create],
                format!("replaced by {create}"),
                Some(create),
            );
            self.stopped.insert(old.id.as_str(), stop);
            remove_after.push(stop);
        }
        remove_after.extend(self.connects.get(old.id.as_str()).into_iter().flatten());
        let remove = self.plan.push_in(
            Action::RemoveContainer {
                id: old.id.clone(),
                name: old.name.clone(),
                volumes: false,
            },
            remove_after,
            format!("replaced by {create}"),
            Some(create),
        );
        let rename = self.plan.push_in(
            Action::RenameContainer {
                created_by: create,
                from: temporary,
                to: final_name.clone(),
            },
            vec![remove],
            "finalize recreate",
            Some(create),
        );
        Slot {
            container: ContainerRef::CreatedBy(create),
            name: final_name,
            ready: vec![create, rename],
            needs_start: true,
        }
    }

    /// Stops the containers of active services that depend on `service` with
    /// `restart: true`; they are started again by the start phase.
    fn stop_restart_dependents(&mut self, service: &DesiredService) -> Vec<StepId> {
        let dependents: Vec<&'a DesiredService> = self
            .desired
            .services
            .iter()
            .filter(|s| self.active.contains(s.name.as_str()))
            .filter(|s| {
                s.depends_on
                    .iter()
                    .any(|d| d.restart && d.service == service.name)
            })
            .collect();
        let mut steps = Vec::new();
        for dependent in dependents {
            for container in self.containers_of(&dependent.name) {
                if self.stopped.contains_key(container.id.as_str()) {
                    continue;
                }
                let reason = format!("dependency {} being recreated", service.name);
                steps.extend(self.stop_once(container, &reason));
            }
        }
        steps
    }

    fn remove_orphans(&mut self) {
        for orphan in self.orphans.clone() {
            let after: Vec<StepId> = self
                .stop_once(orphan, "orphaned container")
                .into_iter()
                .collect();
            self.plan.push(
                Action::RemoveContainer {
                    id: orphan.id.clone(),
                    name: orphan.name.clone(),
                    volumes: false,
                },
                after,
                "orphaned container",
            );
        }
    }

    /// Lists the running containers of active services that no step refers to.
    fn report_untouched(&mut self) {
        let mut touched: HashSet<&str> = HashSet::new();
        for step in &self.plan.steps {
            match &step.action {
                Action::StopContainer { id, .. }
                | Action::RemoveContainer { id, .. }
                | Action::RenameExistingContainer { id, .. } => {
                    touched.insert(id);
                }
                Action::StartContainer {
                    container: ContainerRef::Existing(id),
                    ..
                }
                | Action::DisconnectNetwork {
                    container: ContainerRef::Existing(id),
                    ..
                }
                | Action::ConnectNetwork {
                    container: ContainerRef::Existing(id),
                    ..
                } => {
                    touched.insert(id);
                }
                Action::CreateContainer {
                    replaces: Some(id), ..
                } => {
                    touched.insert(id);
                }
                _ => {}
            }
        }
        let mut running = Vec::new();
        for service in &self.desired.services {
            if !self.active.contains(service.name.as_str()) {
                continue;
            }
            let mut containers = self.containers_of(&service.name);
            containers.sort_by_key(|c| c.number);
            for container in containers {
                if container.state == ContainerState::Running
                    && !touched.contains(container.id.as_str())
                {
                    running.push(container.name.clone());
                }
            }
        }
        self.plan.running = running;
    }

    fn start_phase(&mut self) -> Result<(), PlanError> {
        let order = graph::dependency_order(&self.desired.services, &self.active)?;
        for service in order {
            let name = service.name.as_str();
            let Some(slots) = self.slots.remove(name) else {
                continue;
            };
            if !slots.iter().any(|s| s.needs_start) {
                continue;
            }
            // Everything of the parents must be done (created and started) first.
            let mut parents_done: Vec<StepId> = Vec::new();
            for parent in graph::parents(service) {
                parents_done.extend(self.service_steps.get(parent).into_iter().flatten());
                parents_done.extend(self.start_steps.get(parent).into_iter().flatten());
            }
            let mut waits = Vec::new();
            for dependency in &service.depends_on {
                if dependency.condition == Condition::Started {
                    continue;
                }
                let Some(target) = self.desired.service(&dependency.service) else {
                    continue;
                };
                if !self.active.contains(target.name.as_str()) || self.scale(target) == 0 {
                    continue;
                }
                waits.push(self.plan.push(
                    Action::WaitForDependency {
                        service: name.to_string(),
                        dependency: dependency.service.clone(),
                        condition: dependency.condition,
                        required: dependency.required,
                    },
                    parents_done.clone(),
                    format!("depends_on {}", dependency.condition.as_compose()),
                ));
            }
            let mut starts = Vec::new();
            for slot in slots.into_iter().filter(|s| s.needs_start) {
                let mut after = parents_done.clone();
                after.extend(waits.iter().copied());
                after.extend(slot.ready);
                starts.push(self.plan.push(
                    Action::StartContainer {
                        service: name.to_string(),
                        container: slot.container,
                        name: slot.name,
                    },
                    after,
                    "not running",
                ));
            }
            self.start_steps.insert(name, starts);
        }
        Ok(())
    }
}

/// The observed resource to use among `candidates`: the one with the desired name, else the
/// one with the smallest name.
fn select<'a, T>(
    candidates: &[&'a T],
    desired_name: &str,
    name: impl Fn(&T) -> &String,
) -> Option<&'a T> {
    candidates
        .iter()
        .find(|c| name(c) == desired_name)
        .or_else(|| candidates.iter().min_by(|a, b| name(a).cmp(name(b))))
        .copied()
}

/// Containers of the project that no enabled or disabled service accounts for, plus exited or
/// dead one-off containers.
pub(crate) fn orphans<'a>(
    desired: &DesiredProject,
    observed: &'a ObservedProject,
) -> Vec<&'a ObservedContainer> {
    observed
        .containers
        .iter()
        .filter(|c| {
            if c.oneoff {
                matches!(c.state, ContainerState::Exited | ContainerState::Dead)
            } else {
                !desired.knows_service(&c.service)
            }
        })
        .collect()
}
