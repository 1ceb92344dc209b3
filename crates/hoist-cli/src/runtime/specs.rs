//! The executor's [`ServiceSpecs`] for a loaded project: engine request bodies built with
//! `hoist_engine::spec`, plus what only the CLI knows at run time (the local image digest of
//! each service, images that are missing, the extra networks an old engine cannot take at
//! creation, stop grace periods by container name).
//!
//! Settings that `hoist_engine::spec` leaves unset are filled with a minimal mapping of the
//! service (command, environment, healthcheck, restart policy, ports, mounts, networks, ...),
//! so that the lifecycle commands work end to end; whatever the spec module sets wins.

use hoist_engine::bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, EndpointSettings, HealthConfig, HostConfig,
    Mount, MountType, NetworkCreateRequest, NetworkingConfig, PortBinding, RestartPolicy,
    RestartPolicyNameEnum, VolumeCreateRequest,
};
use hoist_engine::spec::{self, ContainerRole};
use hoist_engine::{labels, ApiVersion};
use hoist_executor::ServiceSpecs;
use hoist_loader::model::{Project, ServiceConfig};
use std::collections::HashMap;
use std::time::Duration;

/// First API version accepting several endpoints in a container create request.
const MULTI_ENDPOINT_API: ApiVersion = ApiVersion::new(1, 44);

/// Request bodies for one loaded project.
pub struct ProjectSpecs {
    project: Project,
    api: ApiVersion,
    /// Local image ID of each service whose image exists.
    digests: HashMap<String, String>,
    /// Services whose image is missing, with the image reference.
    missing: HashMap<String, String>,
    /// Container name → service, for stop grace periods.
    container_services: HashMap<String, String>,
}

impl ProjectSpecs {
    /// Specs for `project` on an engine speaking `api`.
    pub fn new(project: Project, api: ApiVersion) -> Self {
        ProjectSpecs {
            project,
            api,
            digests: HashMap::new(),
            missing: HashMap::new(),
            container_services: HashMap::new(),
        }
    }

    /// Looks up the local image of every service: records its ID (written in the
    /// `com.docker.compose.image` label and compared by the planner) or notes it missing.
    pub async fn resolve_images(&mut self, engine: &hoist_engine::Engine) -> Result<(), String> {
        let services: Vec<(String, String)> = self
            .project
            .services
            .0
            .values()
            .map(|s| (s.name.clone(), s.image_name_or_default(&self.project.name)))
            .collect();
        let mut images: Vec<&String> = services.iter().map(|(_, image)| image).collect();
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

    /// Records which service each observed container belongs to.
    pub fn note_containers(&mut self, state: &hoist_engine::ObservedProject) {
        for c in &state.containers {
            self.container_services
                .insert(c.name.clone(), c.service.clone());
        }
    }

    /// Local image IDs by service.
    pub fn digests(&self) -> &HashMap<String, String> {
        &self.digests
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

    /// Engine name of the project network `key`.
    fn network_name(&self, key: &str) -> String {
        match self.project.networks.0.get(key) {
            Some(n) if !n.name.is_empty() => n.name.clone(),
            _ => format!("{}_{key}", self.project.name),
        }
    }

    /// Engine name of the project volume `key`.
    fn volume_name(&self, key: &str) -> String {
        match self.project.volumes.0.get(key) {
            Some(v) if !v.name.is_empty() => v.name.clone(),
            _ => format!("{}_{key}", self.project.name),
        }
    }

    /// The endpoint of `service` on network `key`: aliases (the container name when known,
    /// the service name, then the configured aliases, as Docker Compose sets them), addresses.
    fn endpoint(
        &self,
        service: &ServiceConfig,
        key: &str,
        container: Option<&str>,
    ) -> EndpointSettings {
        let mut aliases: Vec<String> = container.map(str::to_string).into_iter().collect();
        aliases.push(service.name.clone());
        let mut endpoint = EndpointSettings::default();
        if let Some(Some(cfg)) = service.networks.0.get(key) {
            aliases.extend(cfg.aliases.iter().cloned());
            if !cfg.ipv4_address.is_empty() || !cfg.ipv6_address.is_empty() {
                endpoint.ipam_config = Some(hoist_engine::bollard::models::EndpointIpamConfig {
                    ipv4_address: Some(cfg.ipv4_address.clone()).filter(|a| !a.is_empty()),
                    ipv6_address: Some(cfg.ipv6_address.clone()).filter(|a| !a.is_empty()),
                    ..Default::default()
                });
            }
        }
        endpoint.aliases = Some(aliases);
        endpoint
    }

    /// The container name of replica `number` of the service called `name`.
    fn container_name_of(&self, name: &str, number: u32) -> String {
        match self.project.service(name) {
            Some(s) if !s.container_name.is_empty() => s.container_name.clone(),
            _ => format!("{}-{name}-{number}", self.project.name),
        }
    }

    /// Fills what the spec module left unset (see the module documentation).
    fn complete(&self, service: &ServiceConfig, container: &str, body: &mut ContainerCreateBody) {
        if body.cmd.is_none() {
            body.cmd = service.command.clone();
        }
        if body.entrypoint.is_none() {
            body.entrypoint = service.entrypoint.clone();
        }
        if body.env.is_none() && !service.environment.is_empty() {
            body.env = Some(
                service
                    .environment
                    .0
                    .iter()
                    .map(|(k, v)| match v {
                        Some(v) => format!("{k}={v}"),
                        None => k.clone(),
                    })
                    .collect(),
            );
        }
        if body.healthcheck.is_none() {
            if let Some(h) = &service.healthcheck {
                let nanos = |d: &Option<hoist_loader::model::Duration>| d.as_ref().map(|d| d.0);
                body.healthcheck = Some(if h.disable {
                    HealthConfig {
                        test: Some(vec!["NONE".to_string()]),
                        ..Default::default()
                    }
                } else {
                    HealthConfig {
                        test: Some(h.test.clone()).filter(|t| !t.is_empty()),
                        interval: nanos(&h.interval),
                        timeout: nanos(&h.timeout),
                        retries: h.retries.and_then(|r| i64::try_from(r).ok()),
                        start_period: nanos(&h.start_period),
                        start_interval: nanos(&h.start_interval),
                    }
                });
            }
        }
        if body.stop_timeout.is_none() {
            body.stop_timeout = service
                .stop_grace_period
                .as_ref()
                .and_then(|d| i64::try_from(d.to_std().as_secs()).ok());
        }
        if body.stop_signal.is_none() && !service.stop_signal.is_empty() {
            body.stop_signal = Some(service.stop_signal.clone());
        }
        if body.tty.is_none() && service.tty {
            body.tty = Some(true);
        }
        if body.open_stdin.is_none() && service.stdin_open {
            body.open_stdin = Some(true);
        }
        if body.working_dir.is_none() && !service.working_dir.is_empty() {
            body.working_dir = Some(service.working_dir.clone());
        }
        if body.user.is_none() && !service.user.is_empty() {
            body.user = Some(service.user.clone());
        }
        if body.hostname.is_none() && !service.hostname.is_empty() {
            body.hostname = Some(service.hostname.clone());
        }
        let mut container_labels = body.labels.take().unwrap_or_default();
        for (k, v) in &service.labels.0 {
            container_labels
                .entry(k.clone())
                .or_insert_with(|| v.clone());
        }
        if let Some(digest) = self.digests.get(&service.name) {
            container_labels.insert(labels::IMAGE_DIGEST.to_string(), digest.clone());
        }
        container_labels
            .entry(labels::WORKING_DIR.to_string())
            .or_insert_with(|| self.project.working_dir.display().to_string());
        if !self.project.compose_files.is_empty() {
            container_labels
                .entry(labels::CONFIG_FILES.to_string())
                .or_insert_with(|| {
                    self.project
                        .compose_files
                        .iter()
                        .map(|f| f.display().to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                });
        }
        // Always present, empty without dependencies, as Docker Compose writes it.
        container_labels
            .entry(labels::DEPENDS_ON.to_string())
            .or_insert_with(|| {
                service
                    .depends_on
                    .0
                    .iter()
                    .map(|(name, d)| format!("{name}:{}:{}", d.condition, d.restart))
                    .collect::<Vec<_>>()
                    .join(",")
            });
        body.labels = Some(container_labels);

        let mut host = body.host_config.take().unwrap_or_default();
        self.complete_host(service, container, body, &mut host);
        body.host_config = Some(host);
    }

    fn complete_host(
        &self,
        service: &ServiceConfig,
        container: &str,
        body: &mut ContainerCreateBody,
        host: &mut HostConfig,
    ) {
        if host.restart_policy.is_none() && !service.restart.is_empty() {
            let (name, count) = match service.restart.split_once(':') {
                Some((name, count)) => (name, count.parse::<i64>().ok()),
                None => (service.restart.as_str(), None),
            };
            let name = match name {
                "always" => RestartPolicyNameEnum::ALWAYS,
                "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
                "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
                _ => RestartPolicyNameEnum::NO,
            };
            host.restart_policy = Some(RestartPolicy {
                name: Some(name),
                maximum_retry_count: count,
            });
        }
        if host.port_bindings.is_none() && !service.ports.is_empty() {
            let mut bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
            let mut exposed: Vec<String> = Vec::new();
            for port in &service.ports {
                let protocol = if port.protocol.is_empty() {
                    "tcp"
                } else {
                    port.protocol.as_str()
                };
                let key = format!("{}/{protocol}", port.target);
                if !exposed.contains(&key) {
                    exposed.push(key.clone());
                }
                bindings
                    .entry(key)
                    .or_insert_with(|| Some(Vec::new()))
                    .get_or_insert_with(Vec::new)
                    .push(PortBinding {
                        host_ip: Some(port.host_ip.clone()).filter(|h| !h.is_empty()),
                        host_port: Some(port.published.clone()).filter(|p| !p.is_empty()),
                    });
            }
            host.port_bindings = Some(bindings);
            if body.exposed_ports.is_none() {
                body.exposed_ports = Some(exposed);
            }
        }
        if host.mounts.is_none() && host.binds.is_none() && !service.volumes.is_empty() {
            let mounts = service
                .volumes
                .iter()
                .filter_map(|v| {
                    let (typ, source) = match v.kind.as_str() {
                        "volume" if v.source.is_empty() => (MountType::VOLUME, None),
                        "volume" => (MountType::VOLUME, Some(self.volume_name(&v.source))),
                        "bind" => (MountType::BIND, Some(v.source.clone())),
                        "tmpfs" => (MountType::TMPFS, None),
                        _ => return None,
                    };
                    Some(Mount {
                        target: Some(v.target.clone()),
                        source,
                        typ: Some(typ),
                        read_only: Some(v.read_only).filter(|r| *r),
                        ..Default::default()
                    })
                })
                .collect();
            host.mounts = Some(mounts);
        }
        if host.network_mode.is_none() && body.networking_config.is_none() {
            let mode = &service.network_mode;
            if let Some(parent) = mode.strip_prefix("service:") {
                host.network_mode =
                    Some(format!("container:{}", self.container_name_of(parent, 1)));
            } else if !mode.is_empty() {
                host.network_mode = Some(mode.clone());
            } else {
                let keys = service.networks_by_priority();
                if let Some(primary) = keys.first() {
                    let primary_name = self.network_name(primary);
                    host.network_mode = Some(primary_name.clone());
                    let mut endpoints = HashMap::new();
                    let all = if self.api >= MULTI_ENDPOINT_API {
                        keys.len()
                    } else {
                        1
                    };
                    for key in keys.iter().take(all) {
                        endpoints.insert(
                            self.network_name(key),
                            self.endpoint(service, key, Some(container)),
                        );
                    }
                    body.networking_config = Some(NetworkingConfig {
                        endpoints_config: Some(endpoints),
                    });
                }
            }
        }
    }
}

impl ServiceSpecs for ProjectSpecs {
    fn container_body(
        &self,
        service: &str,
        number: u32,
        _name: &str,
        _inherit_from: Option<&ContainerInspectResponse>,
    ) -> Result<ContainerCreateBody, String> {
        if let Some(error) = self.missing_image_error(service) {
            return Err(error);
        }
        let svc = self
            .project
            .service(service)
            .ok_or_else(|| format!("no such service: {service}"))?;
        let role = ContainerRole {
            number,
            oneoff_slug: None,
        };
        let mut body = spec::container_create_body(&self.project, service, &role, self.api)?;
        self.complete(svc, &self.container_name_of(service, number), &mut body);
        Ok(body)
    }

    fn extra_networks(
        &self,
        service: &str,
        number: u32,
    ) -> Result<Vec<(String, EndpointSettings)>, String> {
        let Some(svc) = self.project.service(service) else {
            return Ok(Vec::new());
        };
        if self.api >= MULTI_ENDPOINT_API || !svc.network_mode.is_empty() {
            return Ok(Vec::new());
        }
        Ok(svc
            .networks_by_priority()
            .iter()
            .skip(1)
            .map(|key| {
                let container = self.container_name_of(service, number);
                (
                    self.network_name(key),
                    self.endpoint(svc, key, Some(&container)),
                )
            })
            .collect())
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
        Ok(self.endpoint(svc, network_key, None))
    }

    fn network_request(&self, key: &str) -> Result<NetworkCreateRequest, String> {
        let mut request = spec::network_create_request(&self.project, key)?;
        if let Some(network) = self.project.networks.0.get(key) {
            let mut request_labels = request.labels.take().unwrap_or_default();
            request_labels
                .entry(labels::CONFIG_HASH.to_string())
                .or_insert_with(|| network.config_hash());
            for (k, v) in &network.labels.0 {
                request_labels.entry(k.clone()).or_insert_with(|| v.clone());
            }
            request.labels = Some(request_labels);
            if request.driver.is_none() && !network.driver.is_empty() {
                request.driver = Some(network.driver.clone());
            }
            if request.internal.is_none() && network.internal {
                request.internal = Some(true);
            }
            if request.attachable.is_none() && network.attachable {
                request.attachable = Some(true);
            }
        }
        Ok(request)
    }

    fn volume_request(&self, key: &str) -> Result<VolumeCreateRequest, String> {
        let mut request = spec::volume_create_request(&self.project, key)?;
        if let Some(volume) = self.project.volumes.0.get(key) {
            let mut request_labels = request.labels.take().unwrap_or_default();
            request_labels
                .entry(labels::CONFIG_HASH.to_string())
                .or_insert_with(|| volume.config_hash());
            for (k, v) in &volume.labels.0 {
                request_labels.entry(k.clone()).or_insert_with(|| v.clone());
            }
            request.labels = Some(request_labels);
            if request.driver.is_none() && !volume.driver.is_empty() {
                request.driver = Some(volume.driver.clone());
            }
            if request.driver_opts.is_none() && !volume.driver_opts.0.is_empty() {
                request.driver_opts = Some(
                    volume
                        .driver_opts
                        .0
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<HashMap<_, _>>(),
                );
            }
        }
        Ok(request)
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
