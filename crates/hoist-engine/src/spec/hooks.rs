//! Lifecycle hooks: the ephemeral container of a `pre_start` hook (sharing the service
//! container's volumes and networks, labelled with `com.docker.compose.hook`), and the
//! exec requests of `post_start` / `pre_stop` hooks — shaped as Docker Compose v5 does.

use bollard::models::{ContainerCreateBody, EndpointSettings, HostConfig};
use hoist_loader::model::{EnvMap, ExecHook, Project, ServiceConfig};

use super::{path, ContainerLookup, ContainerRole, SpecError, COMPOSE_VERSION_LABEL};
use crate::engine::ApiVersion;
use crate::labels;
use crate::ops::ExecRequest;

/// Value of the hook label on `pre_start` hook containers.
pub const PRE_START_HOOK: &str = "pre_start";
/// Label with the position of the hook in the service's `pre_start` list.
pub const HOOK_INDEX_LABEL: &str = "com.docker.compose.hook-index";

fn env_entries(env: &EnvMap) -> Vec<String> {
    env.0
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect()
}

fn service<'p>(project: &'p Project, name: &str) -> Result<&'p ServiceConfig, SpecError> {
    project
        .service(name)
        .ok_or_else(|| SpecError::new(format!("services.{name}"), "no such service"))
}

/// The role hook containers play on the network: replica 0 of the service, no links.
fn hook_role() -> ContainerRole {
    ContainerRole::replica(0)
}

/// The create body of `pre_start[index]` of `service`, run next to the service container
/// `service_container_id` (whose volumes it mounts). The hook's image defaults to the
/// service's; its environment is the service's overridden by the hook's own.
pub fn pre_start_hook_body(
    project: &Project,
    service_name: &str,
    index: usize,
    service_container_id: &str,
    api: ApiVersion,
    lookup: ContainerLookup<'_>,
) -> Result<ContainerCreateBody, SpecError> {
    let svc = service(project, service_name)?;
    let hook = svc.pre_start.get(index).ok_or_else(|| {
        SpecError::new(
            path(service_name, &format!("pre_start[{index}]")),
            "no such hook",
        )
    })?;
    if hook.per_replica {
        return Err(SpecError::new(
            path(service_name, &format!("pre_start[{index}].per_replica")),
            "per_replica is not supported yet (remove it or set it to false)",
        ));
    }
    let image = if hook.image.is_empty() {
        svc.image_name_or_default(&project.name)
    } else {
        hook.image.clone()
    };
    // The loader already merges the service into each hook (compose-go v2.16); merging by
    // key again keeps a hook built without the loader right, without duplicating entries.
    let mut merged = svc.environment.0.clone();
    merged.extend(hook.environment.0.clone());
    let env = env_entries(&EnvMap(merged));
    let (network_mode, networking_config) =
        super::networking::network_settings(project, svc, &hook_role(), api, &[], lookup)?;
    Ok(ContainerCreateBody {
        image: Some(image),
        cmd: hook.command.clone(),
        user: super::container::non_empty_str(&hook.user),
        working_dir: super::container::non_empty_str(&hook.working_dir),
        env: super::container::non_empty(env),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        labels: Some(
            [
                (labels::PROJECT, project.name.clone()),
                (labels::SERVICE, svc.name.clone()),
                (labels::VERSION, COMPOSE_VERSION_LABEL.to_string()),
                (labels::HOOK, PRE_START_HOOK.to_string()),
                (HOOK_INDEX_LABEL, index.to_string()),
                // Docker Compose writes an empty dependency list on hook containers.
                (labels::DEPENDS_ON, String::new()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        ),
        host_config: Some(HostConfig {
            auto_remove: Some(false),
            privileged: hook.privileged.then_some(true),
            volumes_from: Some(vec![service_container_id.to_string()]),
            network_mode: Some(network_mode),
            ..Default::default()
        }),
        networking_config,
        ..Default::default()
    })
}

/// Networks to connect a `pre_start` hook container to after creating it (API < 1.44).
pub fn pre_start_hook_extra_networks(
    project: &Project,
    service_name: &str,
    api: ApiVersion,
    lookup: ContainerLookup<'_>,
) -> Result<Vec<(String, EndpointSettings)>, SpecError> {
    let role = hook_role();
    // Hook containers carry no links.
    let svc = service(project, service_name)?;
    if !svc.links.is_empty() || !svc.external_links.is_empty() {
        let mut stripped = project.clone();
        if let Some(s) = stripped.services.0.get_mut(service_name) {
            s.links.clear();
            s.external_links.clear();
        }
        return super::networking::extra_networks(&stripped, service_name, &role, api, lookup);
    }
    super::networking::extra_networks(project, service_name, &role, api, lookup)
}

/// The exec request of a `post_start` / `pre_stop` hook.
pub fn exec_hook_request(hook: &ExecHook) -> ExecRequest {
    ExecRequest {
        cmd: hook.command.clone().unwrap_or_default(),
        user: super::container::non_empty_str(&hook.user),
        env: env_entries(&hook.environment),
        working_dir: super::container::non_empty_str(&hook.working_dir),
        privileged: hook.privileged,
    }
}
