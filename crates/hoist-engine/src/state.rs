//! Observed state: what the engine currently holds for a Compose project, read only from
//! `com.docker.compose.*` labels exactly as Docker Compose does (containers need both the
//! project and the config-hash label to be seen). The planner diffs this against the desired
//! project; `ls` uses [`Engine::list_projects`].

use std::collections::{BTreeMap, HashMap};

use bollard::models::ContainerSummary;
use bollard::query_parameters::{ListContainersOptions, ListNetworksOptions, ListVolumesOptions};

use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::labels;

/// Lifecycle state of a container as the engine reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerState {
    /// Created, never started.
    Created,
    /// Running.
    Running,
    /// Paused.
    Paused,
    /// Restarting (restart policy kicked in).
    Restarting,
    /// Being removed.
    Removing,
    /// Exited.
    Exited,
    /// Dead (failed removal etc.).
    Dead,
    /// Any other value, kept verbatim.
    Other(String),
}

impl ContainerState {
    /// Parses the engine's state word (`running`, `exited`, ...).
    pub fn parse(word: &str) -> Self {
        match word {
            "created" => ContainerState::Created,
            "running" => ContainerState::Running,
            "paused" => ContainerState::Paused,
            "restarting" => ContainerState::Restarting,
            "removing" => ContainerState::Removing,
            "exited" => ContainerState::Exited,
            "dead" => ContainerState::Dead,
            other => ContainerState::Other(other.to_string()),
        }
    }

    /// The engine's word for this state.
    pub fn as_str(&self) -> &str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Removing => "removing",
            ContainerState::Exited => "exited",
            ContainerState::Dead => "dead",
            ContainerState::Other(word) => word,
        }
    }
}

impl std::fmt::Display for ContainerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Health of a container that has a healthcheck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    /// Within the start period / no result yet.
    Starting,
    /// Last checks passed.
    Healthy,
    /// Failed `retries` times in a row.
    Unhealthy,
}

impl Health {
    /// Parses `starting`, `healthy`, `unhealthy`.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "starting" => Some(Health::Starting),
            "healthy" => Some(Health::Healthy),
            "unhealthy" => Some(Health::Unhealthy),
            _ => None,
        }
    }
}

/// One container of a project, as seen through the list endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedContainer {
    /// Full container ID.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// `com.docker.compose.service` (empty when missing).
    pub service: String,
    /// `com.docker.compose.container-number`, when present and numeric.
    pub number: Option<u32>,
    /// True for one-off (`run`) containers (`com.docker.compose.oneoff=True`).
    pub oneoff: bool,
    /// Lifecycle state.
    pub state: ContainerState,
    /// Health, when the container has a healthcheck (from the summary's health on API >= 1.50,
    /// else parsed from the status line).
    pub health: Option<Health>,
    /// Exit code for exited containers (parsed from the status line, e.g. `Exited (137) ...`).
    pub exit_code: Option<i64>,
    /// `com.docker.compose.config-hash`.
    pub config_hash: String,
    /// `com.docker.compose.image` (image digest recorded at creation), when present.
    pub image_digest: Option<String>,
    /// Image reference the container was created with.
    pub image: String,
    /// Image ID (`sha256:...`).
    pub image_id: String,
    /// The engine's human status line (`Up 3 minutes (healthy)`).
    pub status: String,
    /// All labels.
    pub labels: BTreeMap<String, String>,
    /// Connected networks: network name → network ID.
    pub networks: BTreeMap<String, String>,
    /// Names of the named volumes it mounts.
    pub volumes: Vec<String>,
    /// Creation time, Unix seconds.
    pub created: i64,
}

impl ObservedContainer {
    /// Builds an observed container from a list-endpoint summary.
    pub fn from_summary(summary: &ContainerSummary) -> Self {
        let labels: BTreeMap<String, String> = summary
            .labels
            .as_ref()
            .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let label = |key: &str| labels.get(key).cloned();
        let status = summary.status.clone().unwrap_or_default();
        let state = summary
            .state
            .as_ref()
            .map(|s| ContainerState::parse(s.as_ref()))
            .unwrap_or_else(|| ContainerState::Other(String::new()));
        let name = summary
            .names
            .as_ref()
            .and_then(|names| names.first())
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_default();
        let networks = summary
            .network_settings
            .as_ref()
            .and_then(|ns| ns.networks.as_ref())
            .map(|nets| {
                nets.iter()
                    .map(|(name, ep)| (name.clone(), ep.network_id.clone().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        let exit_code = if state == ContainerState::Exited {
            exit_code_from_status(&status)
        } else {
            None
        };
        let volumes = summary
            .mounts
            .iter()
            .flatten()
            .filter(|m| m.typ.as_deref() == Some("volume"))
            .filter_map(|m| m.name.clone())
            .collect();
        ObservedContainer {
            id: summary.id.clone().unwrap_or_default(),
            name,
            service: label(labels::SERVICE).unwrap_or_default(),
            number: label(labels::CONTAINER_NUMBER).and_then(|n| n.trim().parse().ok()),
            oneoff: label(labels::ONEOFF).is_some_and(|v| v == "True"),
            health: summary
                .health
                .as_ref()
                .and_then(|h| h.status.as_ref())
                .and_then(|s| Health::parse(s.as_ref()))
                .or_else(|| health_from_status(&status)),
            exit_code,
            config_hash: label(labels::CONFIG_HASH).unwrap_or_default(),
            image_digest: label(labels::IMAGE_DIGEST),
            image: summary.image.clone().unwrap_or_default(),
            image_id: summary.image_id.clone().unwrap_or_default(),
            status,
            state,
            networks,
            volumes,
            created: summary.created.unwrap_or_default(),
            labels,
        }
    }
}

/// Parses the exit code out of an engine status line such as `Exited (137) 5 seconds ago`.
pub fn exit_code_from_status(status: &str) -> Option<i64> {
    let rest = status.strip_prefix("Exited (")?;
    let end = rest.find(')')?;
    rest.get(..end)?.trim().parse().ok()
}

/// Parses the health out of an engine status line such as `Up 2 minutes (healthy)` or
/// `Up 3 seconds (health: starting)`.
pub fn health_from_status(status: &str) -> Option<Health> {
    if status.ends_with("(healthy)") {
        Some(Health::Healthy)
    } else if status.ends_with("(unhealthy)") {
        Some(Health::Unhealthy)
    } else if status.ends_with("(health: starting)") {
        Some(Health::Starting)
    } else {
        None
    }
}

/// A network carrying the project label.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedNetwork {
    /// Network ID.
    pub id: String,
    /// Engine-side name (`<project>_<key>` unless `name:` was given).
    pub name: String,
    /// Compose key (`com.docker.compose.network`), when present.
    pub key: Option<String>,
    /// `com.docker.compose.config-hash`, when present.
    pub config_hash: Option<String>,
    /// `com.docker.compose.project`.
    pub project: String,
    /// Driver (`bridge`, `overlay`, ...).
    pub driver: String,
    /// All labels.
    pub labels: BTreeMap<String, String>,
}

/// A volume carrying the project label.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedVolume {
    /// Engine-side name (`<project>_<key>` unless `name:` was given).
    pub name: String,
    /// Compose key (`com.docker.compose.volume`), when present.
    pub key: Option<String>,
    /// `com.docker.compose.config-hash`, when present.
    pub config_hash: Option<String>,
    /// `com.docker.compose.project`.
    pub project: String,
    /// Driver (`local`, ...).
    pub driver: String,
    /// All labels.
    pub labels: BTreeMap<String, String>,
}

/// Everything the engine holds for one project.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObservedProject {
    /// Project name.
    pub name: String,
    /// Containers with the project and config-hash labels (one-offs included), sorted by
    /// service, then one-off last, then number, then name.
    pub containers: Vec<ObservedContainer>,
    /// Networks with the project label, sorted by name.
    pub networks: Vec<ObservedNetwork>,
    /// Volumes with the project label, sorted by name.
    pub volumes: Vec<ObservedVolume>,
}

impl ObservedProject {
    /// The non-one-off containers of `service`, ordered by number.
    pub fn service_containers<'a>(
        &'a self,
        service: &'a str,
    ) -> impl Iterator<Item = &'a ObservedContainer> + 'a {
        self.containers
            .iter()
            .filter(move |c| !c.oneoff && c.service == service)
    }

    /// The one-off (`run`) containers.
    pub fn oneoff_containers(&self) -> impl Iterator<Item = &ObservedContainer> {
        self.containers.iter().filter(|c| c.oneoff)
    }

    /// Networks grouped by compose key (networks without a key are left out).
    pub fn networks_by_key(&self) -> BTreeMap<&str, Vec<&ObservedNetwork>> {
        let mut map: BTreeMap<&str, Vec<&ObservedNetwork>> = BTreeMap::new();
        for net in &self.networks {
            if let Some(key) = net.key.as_deref().filter(|k| !k.is_empty()) {
                map.entry(key).or_default().push(net);
            }
        }
        map
    }

    /// Volumes grouped by compose key (volumes without a key are left out).
    pub fn volumes_by_key(&self) -> BTreeMap<&str, Vec<&ObservedVolume>> {
        let mut map: BTreeMap<&str, Vec<&ObservedVolume>> = BTreeMap::new();
        for vol in &self.volumes {
            if let Some(key) = vol.key.as_deref().filter(|k| !k.is_empty()) {
                map.entry(key).or_default().push(vol);
            }
        }
        map
    }

    /// True when the engine holds nothing for this project.
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty() && self.networks.is_empty() && self.volumes.is_empty()
    }
}

/// One line of `ls`: a project found through its containers' labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSummary {
    /// Project name.
    pub name: String,
    /// Combined status, e.g. `exited(1), running(2)` (states sorted alphabetically).
    pub status: String,
    /// Distinct config files of all containers, comma-joined in first-seen order, or `N/A`
    /// when a container lacks the config-files label.
    pub config_files: String,
}

/// Builds `ls` lines from container summaries, grouping by project label, as Docker Compose
/// does (projects sorted by name).
pub fn summarize_projects(containers: &[ContainerSummary]) -> Vec<ProjectSummary> {
    let mut by_project: BTreeMap<String, Vec<&ContainerSummary>> = BTreeMap::new();
    for ctr in containers {
        let Some(project) = ctr.labels.as_ref().and_then(|l| l.get(labels::PROJECT)) else {
            continue;
        };
        by_project.entry(project.clone()).or_default().push(ctr);
    }
    by_project
        .into_iter()
        .map(|(name, ctrs)| {
            let states: Vec<String> = ctrs
                .iter()
                .map(|c| c.state.as_ref().map(|s| s.to_string()).unwrap_or_default())
                .collect();
            ProjectSummary {
                name,
                status: combined_status(&states),
                config_files: combined_config_files(&ctrs),
            }
        })
        .collect()
}

/// `running(2), exited(1)`-style status: counts per state, states sorted alphabetically.
pub fn combined_status<S: AsRef<str>>(states: &[S]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for state in states {
        *counts.entry(state.as_ref()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(state, n)| format!("{state}({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn combined_config_files(containers: &[&ContainerSummary]) -> String {
    let mut files: Vec<&str> = Vec::new();
    for ctr in containers {
        let Some(value) = ctr
            .labels
            .as_ref()
            .and_then(|l| l.get(labels::CONFIG_FILES))
        else {
            return "N/A".to_string();
        };
        for file in value.split(',') {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    files.join(",")
}

fn label_filters(values: &[String]) -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_string(), values.to_vec())])
}

fn to_btree(map: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

impl Engine {
    /// Reads the observed state of `project`: its containers (all states, one-offs included,
    /// only those with a config-hash label), networks and volumes (project label).
    pub async fn project_state(&self, project: &str) -> Result<ObservedProject> {
        let resource = format!("project \"{project}\"");
        let project_filter = labels::filter(labels::PROJECT, project);
        // Three independent list calls: one round trip instead of three.
        let container_filters =
            label_filters(&[project_filter.clone(), labels::CONFIG_HASH.to_string()]);
        let project_filters = label_filters(std::slice::from_ref(&project_filter));
        let (summaries, networks, volumes) = tokio::join!(
            self.docker.list_containers(Some(ListContainersOptions {
                all: true,
                filters: Some(container_filters),
                ..Default::default()
            })),
            self.docker.list_networks(Some(ListNetworksOptions {
                filters: Some(project_filters.clone()),
            })),
            self.docker.list_volumes(Some(ListVolumesOptions {
                filters: Some(project_filters),
            })),
        );
        let summaries =
            summaries.map_err(|e| EngineError::from_bollard(&resource, "list containers of", e))?;
        let mut containers: Vec<ObservedContainer> = summaries
            .iter()
            .map(ObservedContainer::from_summary)
            .collect();
        containers.sort_by(|a, b| {
            (&a.service, a.oneoff, a.number, &a.name)
                .cmp(&(&b.service, b.oneoff, b.number, &b.name))
        });

        let networks =
            networks.map_err(|e| EngineError::from_bollard(&resource, "list networks of", e))?;
        let mut networks: Vec<ObservedNetwork> = networks
            .into_iter()
            .map(|n| {
                let labels = to_btree(n.labels.as_ref());
                ObservedNetwork {
                    id: n.id.unwrap_or_default(),
                    name: n.name.unwrap_or_default(),
                    key: labels.get(labels::NETWORK).cloned(),
                    config_hash: labels.get(labels::CONFIG_HASH).cloned(),
                    project: labels.get(labels::PROJECT).cloned().unwrap_or_default(),
                    driver: n.driver.unwrap_or_default(),
                    labels,
                }
            })
            .collect();
        networks.sort_by(|a, b| a.name.cmp(&b.name));

        let volumes =
            volumes.map_err(|e| EngineError::from_bollard(&resource, "list volumes of", e))?;
        let mut volumes: Vec<ObservedVolume> = volumes
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                let labels = to_btree(Some(&v.labels));
                ObservedVolume {
                    name: v.name,
                    key: labels.get(labels::VOLUME).cloned(),
                    config_hash: labels.get(labels::CONFIG_HASH).cloned(),
                    project: labels.get(labels::PROJECT).cloned().unwrap_or_default(),
                    driver: v.driver,
                    labels,
                }
            })
            .collect();
        volumes.sort_by(|a, b| a.name.cmp(&b.name));

        Ok(ObservedProject {
            name: project.to_string(),
            containers,
            networks,
            volumes,
        })
    }

    /// Lists Compose projects for `ls`: containers with the project and config-hash labels,
    /// grouped by project. With `all == false` only running containers count (so projects
    /// with nothing running are not listed), as in Docker Compose.
    pub async fn list_projects(&self, all: bool) -> Result<Vec<ProjectSummary>> {
        let summaries = self
            .docker
            .list_containers(Some(ListContainersOptions {
                all,
                filters: Some(label_filters(&[
                    labels::PROJECT.to_string(),
                    labels::CONFIG_HASH.to_string(),
                ])),
                ..Default::default()
            }))
            .await
            .map_err(|e| EngineError::from_bollard("Compose projects", "list", e))?;
        Ok(summarize_projects(&summaries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_parsing() {
        assert_eq!(
            exit_code_from_status("Exited (137) 5 seconds ago"),
            Some(137)
        );
        assert_eq!(
            exit_code_from_status("Exited (0) About a minute ago"),
            Some(0)
        );
        assert_eq!(exit_code_from_status("Up 3 minutes"), None);
        assert_eq!(exit_code_from_status("Exited ("), None);
        assert_eq!(
            health_from_status("Up 2 minutes (healthy)"),
            Some(Health::Healthy)
        );
        assert_eq!(
            health_from_status("Up 1 second (health: starting)"),
            Some(Health::Starting)
        );
        assert_eq!(
            health_from_status("Up 9 hours (unhealthy)"),
            Some(Health::Unhealthy)
        );
        assert_eq!(health_from_status("Up 9 hours"), None);
    }

    #[test]
    fn combined_status_counts_sorted_states() {
        // Same rule as docker/compose pkg/compose/ls_test.go: sorted, "state(n)".
        let states = ["running", "exited", "running", "paused"];
        assert_eq!(combined_status(&states), "exited(1), paused(1), running(2)");
        assert_eq!(combined_status::<&str>(&[]), "");
    }

    fn summary(project: &str, state: &str, files: Option<&str>) -> ContainerSummary {
        let mut labels = HashMap::from([(labels::PROJECT.to_string(), project.to_string())]);
        if let Some(files) = files {
            labels.insert(labels::CONFIG_FILES.to_string(), files.to_string());
        }
        serde_json::from_value(serde_json::json!({
            "Id": format!("{project}-{state}"),
            "Names": [format!("/{project}-x-1")],
            "State": state,
            "Labels": labels,
        }))
        .expect("summary")
    }

    #[test]
    fn projects_are_grouped_with_config_files() {
        let list = vec![
            summary("b", "running", Some("/p/b.yaml")),
            summary("a", "running", Some("/p/a.yaml,/p/o.yaml")),
            summary("a", "exited", Some("/p/a.yaml")),
            summary("c", "running", None),
        ];
        let projects = summarize_projects(&list);
        assert_eq!(
            projects,
            vec![
                ProjectSummary {
                    name: "a".into(),
                    status: "exited(1), running(1)".into(),
                    config_files: "/p/a.yaml,/p/o.yaml".into(),
                },
                ProjectSummary {
                    name: "b".into(),
                    status: "running(1)".into(),
                    config_files: "/p/b.yaml".into(),
                },
                ProjectSummary {
                    name: "c".into(),
                    status: "running(1)".into(),
                    config_files: "N/A".into(),
                },
            ]
        );
    }

    #[test]
    fn observed_container_from_summary() {
        let summary: ContainerSummary = serde_json::from_value(serde_json::json!({
            "Id": "abc",
            "Names": ["/demo-web-2"],
            "Image": "hoist-test/busybox",
            "ImageID": "sha256:1",
            "Created": 1700000000,
            "State": "exited",
            "Status": "Exited (3) 2 seconds ago",
            "Labels": {
                "com.docker.compose.project": "demo",
                "com.docker.compose.service": "web",
                "com.docker.compose.container-number": "2",
                "com.docker.compose.oneoff": "False",
                "com.docker.compose.config-hash": "h"
            },
            "NetworkSettings": {"Networks": {"demo_default": {"NetworkID": "n1"}}}
        }))
        .expect("summary");
        let c = ObservedContainer::from_summary(&summary);
        assert_eq!(c.name, "demo-web-2");
        assert_eq!(c.service, "web");
        assert_eq!(c.number, Some(2));
        assert!(!c.oneoff);
        assert_eq!(c.state, ContainerState::Exited);
        assert_eq!(c.exit_code, Some(3));
        assert_eq!(c.config_hash, "h");
        assert_eq!(
            c.networks.get("demo_default").map(String::as_str),
            Some("n1")
        );
        assert_eq!(c.created, 1700000000);
    }
}
