//! The executor's [`ServiceSpecs`] for a loaded project: engine request bodies built with
//! `hoist_engine::spec`, plus what only the CLI knows at run time — the local image of each
//! service (written in the `com.docker.compose.image` label), images that are missing, the
//! containers that exist or were just created (for `network_mode: service:X`,
//! `volumes_from`, links), and stop grace periods by container name.

use hoist_engine::bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, EndpointSettings, NetworkCreateRequest,
    VolumeCreateRequest,
};
use hoist_engine::spec::{self, ContainerRole, ExistingContainer, InheritedMount, InheritedMounts};
use hoist_engine::ApiVersion;
use hoist_executor::{InjectedArchive, ServiceSpecs};
use hoist_loader::model::Project;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

/// Request bodies for one loaded project.
pub struct ProjectSpecs {
    project: Project,
    api: ApiVersion,
    /// Absolute `--env-file` paths, for the `project.environment_file` label.
    env_files: Vec<String>,
    /// Local image ID of each service whose image exists.
    digests: HashMap<String, String>,
    /// Services whose image is missing, with the image reference.
    missing: HashMap<String, String>,
    /// Container name → service, for stop grace periods.
    container_services: HashMap<String, String>,
    /// Service → (number, container) of the service containers known so far.
    containers: Mutex<HashMap<String, BTreeMap<u32, ExistingContainer>>>,
}

impl ProjectSpecs {
    /// Specs for `project` on an engine speaking `api`.
    pub fn new(project: Project, api: ApiVersion) -> Self {
        ProjectSpecs {
            project,
            api,
            env_files: Vec::new(),
            digests: HashMap::new(),
            missing: HashMap::new(),
            container_services: HashMap::new(),
            containers: Mutex::new(HashMap::new()),
        }
    }

    /// Looks up the local image of every service: records its ID (written in the
    /// `com.docker.compose.image` label and compared by the planner) or notes it missing.
    /// Services `known` maps to an image ID are not looked up again.
    pub async fn resolve_images(
        &mut self,
        engine: &hoist_engine::Engine,
        known: &hoist_engine::build::ImageDigests,
    ) -> Result<(), String> {
        let services: Vec<(String, String)> = self
            .project
            .services
            .0
            .values()
            .map(|s| (s.name.clone(), s.image_name_or_default(&self.project.name)))
            .collect();
        let mut images: Vec<&String> = services
            .iter()
            .filter(|(service, _)| !known.contains_key(service))
            .map(|(_, image)| image)
            .collect();
        images.sort();
        images.dedup();
        let answers =
            futures_util::future::join_all(images.iter().map(|image| async move {
                (image.to_string(), engine.inspect_image(image).await)
            }))
            .await;
        let mut found: HashMap<String, Option<String>> = HashMap::new();
        for (image, answer) in answers {
            match answer {
                Ok(info) => {
                    found.insert(image, info.id);
                }
                Err(e) if e.is_not_found() => {
                    found.insert(image, None);
                }
                Err(e) => return Err(e.message),
            }
        }
        for (service, image) in services {
            if let Some(id) = known.get(&service) {
                self.digests.insert(service, id.clone());
                continue;
            }
            match found.get(&image) {
                Some(Some(id)) => {
                    self.digests.insert(service, id.clone());
                }
                Some(None) => {
                    self.missing.insert(service, image);
                }
                None => {}
            }
        }
        Ok(())
    }

    /// Records the observed containers: which service each belongs to, and the service
    /// containers that `service:X` references resolve to.
    pub fn note_containers(&mut self, state: &hoist_engine::ObservedProject) {
        let mut known = self.containers.lock().unwrap_or_else(|e| e.into_inner());
        for c in &state.containers {
            self.container_services
                .insert(c.name.clone(), c.service.clone());
            if c.oneoff {
                continue;
            }
            if let Some(number) = c.number {
                known.entry(c.service.clone()).or_default().insert(
                    number,
                    ExistingContainer {
                        id: c.id.clone(),
                        name: c.name.clone(),
                    },
                );
            }
        }
    }

    /// Local image IDs by service.
    pub fn digests(&self) -> &HashMap<String, String> {
        &self.digests
    }

    /// The config hash of `service` as Docker Compose labels it: `service:X` references
    /// replaced by the IDs of the containers known now. `None` when the service refers to no
    /// container (its plain config hash is the one).
    pub fn resolved_hash(&self, service: &str) -> Option<String> {
        let svc = self.project.service(service)?;
        let refers = [&svc.network_mode, &svc.ipc, &svc.pid]
            .iter()
            .any(|mode| mode.starts_with("service:"))
            || !svc.volumes_from.is_empty();
        if !refers {
            return None;
        }
        let lookup = |s: &str| self.lookup(s);
        spec::resolved_config_hash(&self.project, service, &lookup).ok()
    }

    /// The containers of `service`, lowest number first.
    fn lookup(&self, service: &str) -> Vec<ExistingContainer> {
        let known = self.containers.lock().unwrap_or_else(|e| e.into_inner());
        known
            .get(service)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The error for a service whose image is missing.
    pub fn missing_image_error(&self, service: &str) -> Option<String> {
        let image = self.missing.get(service)?;
        let what = if self
            .project
            .service(service)
            .is_some_and(|s| s.build.is_some())
        {
            "building images is not implemented yet"
        } else {
            "pulling images is not implemented yet"
        };
        Some(format!(
            "service {service}: image {image} is not available locally and {what}; \
             make it available with `docker pull {image}` (or `docker build`) first"
        ))
    }

    /// The role of replica `number` of `service`.
    fn role(&self, service: &str, number: u32) -> ContainerRole {
        ContainerRole {
            image_digest: self.digests.get(service).cloned(),
            env_files: self.env_files.clone(),
            ..ContainerRole::replica(number)
        }
    }
}

/// What a recreated container keeps from the one it replaces (its anonymous volumes).
fn inherited(old: &ContainerInspectResponse) -> InheritedMounts {
    let mounts = old
        .mounts
        .iter()
        .flatten()
        .map(|m| InheritedMount {
            kind: m.typ.as_ref().map(|t| t.to_string()).unwrap_or_default(),
            source: m
                .name
                .clone()
                .or_else(|| m.source.clone())
                .unwrap_or_default(),
            destination: m.destination.clone().unwrap_or_default(),
            rw: m.rw.unwrap_or(true),
        })
        .collect();
    InheritedMounts {
        mounts,
        image_volumes: Vec::new(),
    }
}

impl ServiceSpecs for ProjectSpecs {
    fn container_body(
        &self,
        service: &str,
        number: u32,
        name: &str,
        inherit_from: Option<&ContainerInspectResponse>,
    ) -> Result<ContainerCreateBody, String> {
        if let Some(error) = self.missing_image_error(service) {
            return Err(error);
        }
        let mut role = self.role(service, number);
        let svc = self
            .project
            .service(service)
            .ok_or_else(|| format!("no such service: {service}"))?;
        // A replacement is created under a temporary name: Docker Compose labels it with the
        // short name of what it replaces (`container_name`, or `<service>-<number>`).
        let final_name = role.name_for(&self.project.name, svc);
        let temporary = name
            .strip_suffix(final_name.as_str())
            .and_then(|prefix| prefix.strip_suffix('_'))
            .is_some_and(|id| id.len() == 12 && id.chars().all(|c| c.is_ascii_hexdigit()));
        if temporary {
            role.replaces = Some(if svc.container_name.is_empty() {
                format!("{service}-{number}")
            } else {
                svc.container_name.clone()
            });
        }
        if let Some(old) = inherit_from {
            role.inherit = Some(inherited(old));
        }
        let lookup = |s: &str| self.lookup(s);
        spec::container_create_body_with(&self.project, service, &role, self.api, &lookup)
            .map_err(|e| e.to_string())
    }

    fn extra_networks(
        &self,
        service: &str,
        number: u32,
    ) -> Result<Vec<(String, EndpointSettings)>, String> {
        let lookup = |s: &str| self.lookup(s);
        spec::extra_networks(
            &self.project,
            service,
            &self.role(service, number),
            self.api,
            &lookup,
        )
        .map_err(|e| e.to_string())
    }

    fn endpoint_settings(
        &self,
        service: &str,
        network_key: &str,
    ) -> Result<EndpointSettings, String> {
        let svc = self
            .project
            .service(service)
            .ok_or_else(|| format!("no such service: {service}"))?;
        let primary = svc
            .networks_by_priority()
            .first()
            .is_some_and(|k| k == network_key);
        spec::networking::endpoint_settings(
            &self.project,
            svc,
            &self.role(service, 1),
            self.api,
            network_key,
            primary,
            &[],
        )
        .map_err(|e| e.to_string())
    }

    fn network_request(&self, key: &str) -> Result<NetworkCreateRequest, String> {
        spec::network_create_request(&self.project, key, self.api).map_err(|e| e.to_string())
    }

    fn volume_request(&self, key: &str) -> Result<VolumeCreateRequest, String> {
        spec::volume_create_request(&self.project, key).map_err(|e| e.to_string())
    }

    fn injected_files(&self, service: &str) -> Result<Vec<InjectedArchive>, String> {
        Ok(spec::injected_files(&self.project, service)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|f| InjectedArchive {
                directory: "/".into(),
                tar: f.tar,
                keep_owner: f.copy_uid_gid,
            })
            .collect())
    }

    fn platform(&self, service: &str) -> Result<Option<String>, String> {
        spec::container_platform(&self.project, service, self.api).map_err(|e| e.to_string())
    }

    fn note_created(&self, service: &str, number: u32, name: &str, id: &str) {
        let mut known = self.containers.lock().unwrap_or_else(|e| e.into_inner());
        known.entry(service.to_string()).or_default().insert(
            number,
            ExistingContainer {
                id: id.to_string(),
                name: name.to_string(),
            },
        );
    }

    fn serialised_start(&self, service: &str) -> bool {
        self.project
            .service(service)
            .is_none_or(spec::engine_picks_host_port)
    }

    fn stop_timeout(&self, container: &str) -> Option<Duration> {
        let service = self.container_services.get(container)?;
        self.project
            .service(service)?
            .stop_grace_period
            .as_ref()
            .map(|d| d.to_std())
    }
}

/// Specs for commands without a loaded project (labels only): nothing can be created.
pub struct NoSpecs;

impl ServiceSpecs for NoSpecs {
    fn container_body(
        &self,
        service: &str,
        _number: u32,
        _name: &str,
        _inherit_from: Option<&ContainerInspectResponse>,
    ) -> Result<ContainerCreateBody, String> {
        Err(format!(
            "cannot create a container for service {service} without a compose file"
        ))
    }

    fn network_request(&self, key: &str) -> Result<NetworkCreateRequest, String> {
        Err(format!(
            "cannot create network {key} without a compose file"
        ))
    }

    fn volume_request(&self, key: &str) -> Result<VolumeCreateRequest, String> {
        Err(format!("cannot create volume {key} without a compose file"))
    }
}
