//! The engine's view of a project (labels, states, networks, volumes) translated into the
//! planner's [`ObservedProject`]. Besides the project-labelled objects, networks and volumes
//! named like a desired one (unmanaged, foreign or external) are looked up by name so the
//! planner can warn about them, use external ones, and never create them twice.

use crate::Failure;
use futures_util::future::join_all;
use hoist_engine::{labels, ContainerState as EngineState, Engine};
use hoist_planner::{
    ContainerState, DesiredProject, ObservedContainer, ObservedNetwork, ObservedProject,
    ObservedVolume,
};

/// Reads the engine state of `desired.name`, returning the engine's own view (for commands
/// that need health, exit codes, ...) and the planner's translation.
pub async fn observe(
    engine: &Engine,
    desired: &DesiredProject,
) -> Result<(hoist_engine::ObservedProject, ObservedProject), Failure> {
    let state = engine
        .project_state(&desired.name)
        .await
        .map_err(|e| Failure::new(e.message))?;
    let mut observed = translate(&state);
    // Desired networks and volumes the labels did not reveal, looked up by name all at once.
    let mut network_names: Vec<&str> = Vec::new();
    for network in &desired.networks {
        let known = observed
            .networks
            .iter()
            .any(|n| n.name == network.name || n.id == network.name);
        if !known && !network_names.contains(&network.name.as_str()) {
            network_names.push(&network.name);
        }
    }
    let mut volume_names: Vec<&str> = Vec::new();
    for volume in &desired.volumes {
        let known = observed.volumes.iter().any(|v| v.name == volume.name);
        if !known && !volume_names.contains(&volume.name.as_str()) {
            volume_names.push(&volume.name);
        }
    }
    let (networks, volumes) = tokio::join!(
        join_all(
            network_names
                .iter()
                .map(|name| engine.inspect_network(name))
        ),
        join_all(volume_names.iter().map(|name| engine.inspect_volume(name))),
    );
    for answer in networks {
        match answer {
            Ok(found) => {
                let labels = found.labels.clone().unwrap_or_default();
                observed.networks.push(ObservedNetwork {
                    id: found.id.clone().unwrap_or_default(),
                    name: found.name.clone().unwrap_or_default(),
                    compose_key: labels.get(labels::NETWORK).cloned(),
                    project: labels.get(labels::PROJECT).cloned(),
                    config_hash: labels.get(labels::CONFIG_HASH).cloned(),
                });
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(Failure::new(e.message)),
        }
    }
    for answer in volumes {
        match answer {
            Ok(found) => {
                let labels = found.labels.clone();
                observed.volumes.push(ObservedVolume {
                    name: found.name.clone(),
                    compose_key: labels.get(labels::VOLUME).cloned(),
                    project: labels.get(labels::PROJECT).cloned(),
                    config_hash: labels.get(labels::CONFIG_HASH).cloned(),
                });
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(Failure::new(e.message)),
        }
    }
    Ok((state, observed))
}

/// Translates the engine crate's state into the planner's.
pub fn translate(state: &hoist_engine::ObservedProject) -> ObservedProject {
    ObservedProject {
        containers: state
            .containers
            .iter()
            .map(|c| ObservedContainer {
                id: c.id.clone(),
                name: c.name.clone(),
                service: c.service.clone(),
                number: c.number.unwrap_or(0),
                oneoff: c.oneoff,
                state: container_state(&c.state),
                config_hash: c.config_hash.clone(),
                image_digest: c.image_digest.clone(),
                network_ids: c.networks.values().cloned().collect(),
                volume_names: c.volumes.clone(),
            })
            .collect(),
        networks: state
            .networks
            .iter()
            .map(|n| ObservedNetwork {
                id: n.id.clone(),
                name: n.name.clone(),
                compose_key: n.key.clone(),
                project: Some(n.project.clone()).filter(|p| !p.is_empty()),
                config_hash: n.config_hash.clone(),
            })
            .collect(),
        volumes: state
            .volumes
            .iter()
            .map(|v| ObservedVolume {
                name: v.name.clone(),
                compose_key: v.key.clone(),
                project: Some(v.project.clone()).filter(|p| !p.is_empty()),
                config_hash: v.config_hash.clone(),
            })
            .collect(),
    }
}

/// The planner's container state for the engine's.
pub fn container_state(state: &EngineState) -> ContainerState {
    match state {
        EngineState::Created => ContainerState::Created,
        EngineState::Running => ContainerState::Running,
        EngineState::Paused => ContainerState::Paused,
        EngineState::Restarting => ContainerState::Restarting,
        EngineState::Removing => ContainerState::Removing,
        EngineState::Exited => ContainerState::Exited,
        EngineState::Dead | EngineState::Other(_) => ContainerState::Dead,
    }
}
