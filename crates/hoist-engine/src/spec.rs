//! What the engine is asked to create for a compose project: container create bodies for
//! service replicas, network and volume create requests — mapped from the loader's typed
//! `Project` the way Docker Compose maps them, including the `com.docker.compose.*` labels.
//!
//! STUB (being completed): only the image, the command and the core labels are mapped yet.

use crate::engine::ApiVersion;
use crate::labels;
use bollard::models::{ContainerCreateBody, NetworkCreateRequest, VolumeCreateRequest};
use hoist_loader::model::Project;
use std::collections::HashMap;

/// The version written in `com.docker.compose.version` labels.
pub const COMPOSE_VERSION_LABEL: &str = "5.6.1";

/// What the container is for, beyond the project and the service.
#[derive(Debug, Clone, Default)]
pub struct ContainerRole {
    /// Replica number (`container-number` label); ignored for one-off containers.
    pub number: u32,
    /// A one-off container (`run`), with its slug.
    pub oneoff_slug: Option<String>,
}

/// The create body for a container of `service`.
pub fn container_create_body(
    project: &Project,
    service: &str,
    role: &ContainerRole,
    _api: ApiVersion,
) -> Result<ContainerCreateBody, String> {
    let svc = project
        .service(service)
        .ok_or_else(|| format!("no such service: {service}"))?;
    let image = if svc.image.is_empty() {
        format!("{}-{}", project.name, service)
    } else {
        svc.image.clone()
    };
    let mut l: HashMap<String, String> = HashMap::new();
    l.insert(labels::PROJECT.into(), project.name.clone());
    l.insert(labels::SERVICE.into(), service.into());
    l.insert(labels::CONFIG_HASH.into(), svc.config_hash());
    l.insert(labels::VERSION.into(), COMPOSE_VERSION_LABEL.into());
    l.insert(
        labels::ONEOFF.into(),
        if role.oneoff_slug.is_some() {
            "True"
        } else {
            "False"
        }
        .into(),
    );
    if role.oneoff_slug.is_none() {
        l.insert(labels::CONTAINER_NUMBER.into(), role.number.to_string());
    }
    Ok(ContainerCreateBody {
        image: Some(image),
        labels: Some(l),
        ..Default::default()
    })
}

/// The create request for the project network under `key`.
pub fn network_create_request(
    project: &Project,
    key: &str,
) -> Result<NetworkCreateRequest, String> {
    let net = project
        .networks
        .0
        .get(key)
        .ok_or_else(|| format!("no such network: {key}"))?;
    let mut l: HashMap<String, String> = HashMap::new();
    l.insert(labels::PROJECT.into(), project.name.clone());
    l.insert(labels::NETWORK.into(), key.into());
    l.insert(labels::VERSION.into(), COMPOSE_VERSION_LABEL.into());
    Ok(NetworkCreateRequest {
        name: net.name.clone(),
        labels: Some(l),
        ..Default::default()
    })
}

/// The create request for the project volume under `key`.
pub fn volume_create_request(project: &Project, key: &str) -> Result<VolumeCreateRequest, String> {
    let vol = project
        .volumes
        .0
        .get(key)
        .ok_or_else(|| format!("no such volume: {key}"))?;
    let mut l: HashMap<String, String> = HashMap::new();
    l.insert(labels::PROJECT.into(), project.name.clone());
    l.insert(labels::VOLUME.into(), key.into());
    l.insert(labels::VERSION.into(), COMPOSE_VERSION_LABEL.into());
    Ok(VolumeCreateRequest {
        name: Some(vol.name.clone()),
        labels: Some(l),
        ..Default::default()
    })
}
