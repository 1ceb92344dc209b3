//! The loaded compose [`Project`] (or, without a compose file, the engine's labels) translated
//! into the planner's [`DesiredProject`]: replicas, config hashes, image digests, dependency
//! edges, namespace parents, networks and volumes.

use hoist_engine::labels;
use hoist_loader::model::{Project, ServiceConfig};
use hoist_planner::{
    Condition, Dependency, DesiredNetwork, DesiredProject, DesiredService, DesiredVolume,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Translates `project`. `selected` are the services named on the command line (empty: all are
/// selected); `digests` maps service names to the ID of their local image, when known.
pub fn from_project(
    project: &Project,
    selected: &[String],
    digests: &HashMap<String, String>,
) -> DesiredProject {
    let services = project
        .services
        .0
        .values()
        .map(|service| {
            let is_selected = selected.is_empty() || selected.contains(&service.name);
            desired_service(project, service, is_selected, digests.get(&service.name))
        })
        .collect();
    DesiredProject {
        name: project.name.clone(),
        services,
        disabled_services: project.disabled_services.0.keys().cloned().collect(),
        networks: project
            .networks
            .0
            .iter()
            .map(|(key, network)| DesiredNetwork {
                key: key.clone(),
                name: if network.name.is_empty() {
                    format!("{}_{key}", project.name)
                } else {
                    network.name.clone()
                },
                external: network.external,
                config_hash: network.config_hash(),
            })
            .collect(),
        volumes: project
            .volumes
            .0
            .iter()
            .map(|(key, volume)| DesiredVolume {
                key: key.clone(),
                name: if volume.name.is_empty() {
                    format!("{}_{key}", project.name)
                } else {
                    volume.name.clone()
                },
                external: volume.external,
                config_hash: volume.config_hash(),
            })
            .collect(),
    }
}

/// The planner's view of one service.
fn desired_service(
    project: &Project,
    service: &ServiceConfig,
    selected: bool,
    digest: Option<&String>,
) -> DesiredService {
    let depends_on = service
        .depends_on
        .0
        .iter()
        .map(|(name, dep)| Dependency {
            service: name.clone(),
            condition: condition(&dep.condition),
            restart: dep.restart,
            required: dep.required,
        })
        .collect();
    let mut namespace_parents: BTreeSet<String> = BTreeSet::new();
    for mode in [&service.network_mode, &service.ipc, &service.pid] {
        if let Some(parent) = mode.strip_prefix("service:") {
            namespace_parents.insert(parent.to_string());
        }
    }
    for from in &service.volumes_from {
        if from.starts_with("container:") {
            continue;
        }
        let name = from.split(':').next().unwrap_or_default();
        if !name.is_empty() {
            namespace_parents.insert(name.to_string());
        }
    }
    let networks = service.networks.0.keys().cloned().collect();
    let volumes = service
        .volumes
        .iter()
        .filter(|v| v.kind == "volume" && project.volumes.0.contains_key(&v.source))
        .map(|v| v.source.clone())
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    DesiredService {
        name: service.name.clone(),
        replicas: u32::try_from(service.get_scale().max(0)).unwrap_or(u32::MAX),
        config_hash: service.config_hash(),
        image_digest: digest.cloned(),
        container_name: Some(service.container_name.clone()).filter(|n| !n.is_empty()),
        depends_on,
        namespace_parents: namespace_parents.into_iter().collect(),
        networks,
        volumes,
        selected,
    }
}

/// `depends_on.condition` (empty means `service_started`).
fn condition(text: &str) -> Condition {
    match text {
        "service_healthy" => Condition::Healthy,
        "service_completed_successfully" => Condition::CompletedSuccessfully,
        _ => Condition::Started,
    }
}

/// A desired project rebuilt from the engine's labels alone (no compose file): one service
/// per `com.docker.compose.service` label (dependencies from `com.docker.compose.depends_on`),
/// the project-labelled networks and volumes.
pub fn from_labels(name: &str, state: &hoist_engine::ObservedProject) -> DesiredProject {
    let mut services: BTreeMap<String, DesiredService> = BTreeMap::new();
    for container in state.containers.iter().filter(|c| !c.oneoff) {
        let entry = services
            .entry(container.service.clone())
            .or_insert_with(|| DesiredService {
                name: container.service.clone(),
                replicas: 0,
                config_hash: container.config_hash.clone(),
                selected: true,
                depends_on: parse_depends_on(container.labels.get(labels::DEPENDS_ON)),
                ..Default::default()
            });
        entry.replicas = entry.replicas.saturating_add(1);
    }
    // Dependencies on services without containers would break ordering: drop them.
    let known: BTreeSet<String> = services.keys().cloned().collect();
    for service in services.values_mut() {
        service.depends_on.retain(|d| known.contains(&d.service));
    }
    DesiredProject {
        name: name.to_string(),
        services: services.into_values().collect(),
        disabled_services: Vec::new(),
        networks: state
            .networks
            .iter()
            .filter(|n| n.project == name)
            .filter_map(|n| {
                Some(DesiredNetwork {
                    key: n.key.clone()?,
                    name: n.name.clone(),
                    external: false,
                    config_hash: n.config_hash.clone().unwrap_or_default(),
                })
            })
            .collect(),
        volumes: state
            .volumes
            .iter()
            .filter(|v| v.project == name)
            .filter_map(|v| {
                Some(DesiredVolume {
                    key: v.key.clone()?,
                    name: v.name.clone(),
                    external: false,
                    config_hash: v.config_hash.clone().unwrap_or_default(),
                })
            })
            .collect(),
    }
}

/// Parses a `com.docker.compose.depends_on` label: `svc:condition:restart[:required]` items,
/// comma-joined.
fn parse_depends_on(label: Option<&String>) -> Vec<Dependency> {
    let Some(label) = label else {
        return Vec::new();
    };
    label
        .split(',')
        .filter(|item| !item.is_empty())
        .filter_map(|item| {
            let mut parts = item.split(':');
            let service = parts.next()?.to_string();
            if service.is_empty() {
                return None;
            }
            let condition = condition(parts.next().unwrap_or_default());
            let restart = parts.next() == Some("true");
            Some(Dependency {
                service,
                condition,
                restart,
                required: true,
            })
        })
        .collect()
}

/// Keeps only the services whose `profiles` include one of `profiles` (the BETTER behaviour of
/// `down`/`stop --profile`: services without a profile are not touched). `*` keeps all.
pub fn restrict_to_profiles(project: &Project, desired: &mut DesiredProject, profiles: &[String]) {
    if profiles.is_empty() || profiles.iter().any(|p| p == "*") {
        return;
    }
    let (kept, left): (Vec<DesiredService>, Vec<DesiredService>) =
        std::mem::take(&mut desired.services)
            .into_iter()
            .partition(|s| {
                project
                    .service(&s.name)
                    .is_some_and(|svc| svc.profiles.iter().any(|p| profiles.contains(p)))
            });
    desired.services = kept;
    // The other services stay known (not orphans) but untouched.
    desired
        .disabled_services
        .extend(left.into_iter().map(|s| s.name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_on_labels_parse() {
        let label = "db:service_healthy:true,cache:service_started:false".to_string();
        let deps = parse_depends_on(Some(&label));
        assert_eq!(deps.len(), 2);
        assert_eq!(deps[0].service, "db");
        assert_eq!(deps[0].condition, Condition::Healthy);
        assert!(deps[0].restart);
        assert_eq!(deps[1].condition, Condition::Started);
        assert!(!deps[1].restart);
        assert!(parse_depends_on(None).is_empty());
        assert!(parse_depends_on(Some(&String::new())).is_empty());
    }

    #[test]
    fn conditions_map_from_compose_words() {
        assert_eq!(condition(""), Condition::Started);
        assert_eq!(condition("service_healthy"), Condition::Healthy);
        assert_eq!(
            condition("service_completed_successfully"),
            Condition::CompletedSuccessfully
        );
    }
}
