//! What the executor needs to know about the project's services, networks and volumes,
//! supplied by the CLI (which owns the compose model) so that the executor never depends on
//! the loader. Every method answers with ready-to-send engine request bodies.

use std::time::Duration;

use hoist_engine::bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, EndpointSettings, NetworkCreateRequest,
    VolumeCreateRequest,
};

/// A tar archive to extract in a container before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedArchive {
    /// Directory of the container the archive is extracted at.
    pub directory: String,
    /// The tar bytes.
    pub tar: Vec<u8>,
    /// Keep the owners written in the archive (`uid`/`gid` given).
    pub keep_owner: bool,
}

/// Engine request bodies for the resources of one project. Errors are plain messages; the
/// executor reports them as the failure of the step that asked.
pub trait ServiceSpecs: Send + Sync {
    /// The create body (config, host config, networking config with at most one endpoint on
    /// engines below API 1.44) of replica `number` of `service`, to be created as `name`.
    /// `inherit_from` is the inspected container whose anonymous volumes the new one reuses
    /// (recreation without `-V`).
    fn container_body(
        &self,
        service: &str,
        number: u32,
        name: &str,
        inherit_from: Option<&ContainerInspectResponse>,
    ) -> Result<ContainerCreateBody, String>;

    /// Networks to connect a freshly created container of `service` to before it starts
    /// (engine network name, endpoint settings): those the create body could not carry.
    fn extra_networks(
        &self,
        service: &str,
        number: u32,
    ) -> Result<Vec<(String, EndpointSettings)>, String> {
        let _ = (service, number);
        Ok(Vec::new())
    }

    /// Endpoint settings (aliases, addresses) of `service` on the network with compose key
    /// `network_key`, for reconnecting containers after a network was recreated.
    fn endpoint_settings(
        &self,
        service: &str,
        network_key: &str,
    ) -> Result<EndpointSettings, String> {
        let _ = (service, network_key);
        Ok(EndpointSettings::default())
    }

    /// The create request of the project network with compose key `key`.
    fn network_request(&self, key: &str) -> Result<NetworkCreateRequest, String>;

    /// The create request of the project volume with compose key `key`.
    fn volume_request(&self, key: &str) -> Result<VolumeCreateRequest, String>;

    /// Files to copy into each container of `service` before it starts (secrets and configs
    /// given by content): tar archives to extract at a directory of the container.
    fn injected_files(&self, service: &str) -> Result<Vec<InjectedArchive>, String> {
        let _ = service;
        Ok(Vec::new())
    }

    /// The platform (`os/arch`) to create containers of `service` for, when one is set and
    /// the engine accepts it.
    fn platform(&self, service: &str) -> Result<Option<String>, String> {
        let _ = service;
        Ok(None)
    }

    /// Called after replica `number` of `service` was created as `name` with engine ID `id`,
    /// so that later bodies can refer to it (`network_mode: service:X`, `volumes_from`).
    fn note_created(&self, service: &str, number: u32, name: &str, id: &str) {
        let _ = (service, number, name, id);
    }

    /// Whether starting a container of `service` must wait until no other such start is in
    /// flight: the engine picks a host port for it (a published port with a host port range
    /// such as `8000-8010:80`, or none such as `80`), and concurrent starts may be handed the
    /// same port (docker/compose#8530). Other starts run in parallel. The default is the safe
    /// answer when nothing is known about the service.
    fn serialised_start(&self, service: &str) -> bool {
        let _ = service;
        true
    }

    /// Grace period for stopping the container named `container` when the plan gives no
    /// `-t/--timeout` (the service's `stop_grace_period`; the CLI maps names to services from
    /// the observed state). `None` lets the engine use the container's own `StopTimeout`,
    /// which Docker Compose sets from `stop_grace_period` at creation.
    fn stop_timeout(&self, container: &str) -> Option<Duration> {
        let _ = container;
        None
    }
}
