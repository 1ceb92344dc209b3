//! The typed [`Project`] model: the last stage of the loader, and what `hoist config` prints.
//!
//! [`Project::from_node`] binds the canonical tree (long syntax, defaults applied; the shape of
//! `docker compose config --format json`) into typed structs. [`Project::to_json`] and
//! [`Project::to_yaml`] print it byte for byte as Docker Compose v5.6.1 does, before the final
//! `$` → `$$` step ([`escape_dollars`]). [`ServiceConfig::config_hash`] gives the hash Docker
//! Compose puts on containers. The `config --services/--volumes/...` lists live here too.

mod de;
pub mod go_duration;
mod hash;
pub mod json;
mod types;
pub mod values;
pub mod yaml_out;
pub mod yaml_tree;

pub use types::*;
pub use values::{
    DeviceCount, Duration, EnvMap, Extensions, FileMode, MultiOptions, OptOut, SortedMap, SshKey,
    StringMap, Ulimit, UnitBytes, F32,
};

use crate::error::{LoadError, Result};
use crate::node::{Node, Value};
use values::{with_mode, AnyValue, OutputMode};
use yaml_tree::Tree;

/// A top-level secret.
pub type SecretConfig = FileObjectConfig;
/// A top-level config.
pub type ConfigObjConfig = FileObjectConfig;

impl ServiceConfig {
    /// Number of containers: `scale`, else `deploy.replicas`, else 1.
    pub fn get_scale(&self) -> i64 {
        self.scale
            .or_else(|| self.deploy.as_ref().and_then(|d| d.replicas))
            .unwrap_or(1)
    }

    /// The image, or `<project>-<service>` for a service that is only built.
    pub fn image_name_or_default(&self, project_name: &str) -> String {
        if self.image.is_empty() {
            format!("{project_name}-{}", self.name)
        } else {
            self.image.clone()
        }
    }

    /// Network names by `priority` (highest first), then by name.
    pub fn networks_by_priority(&self) -> Vec<String> {
        let mut names: Vec<(i64, &String)> = self
            .networks
            .0
            .iter()
            .map(|(name, cfg)| (cfg.as_ref().map_or(0, |c| c.priority), name))
            .collect();
        names.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        names.into_iter().map(|(_, n)| n.clone()).collect()
    }
}

/// True when a binding error is about one of the top-level `keys` (or has no path).
fn bound_before(err: &LoadError, keys: &[String]) -> bool {
    match err.path.as_deref() {
        None | Some("") => true,
        Some(path) => keys.iter().any(|k| {
            path == *k
                || path
                    .strip_prefix(k)
                    .is_some_and(|r| r.starts_with(['.', '[']))
        }),
    }
}

/// Escapes `$` as `$$`, the last step of `config` output (so the output can be loaded again).
pub fn escape_dollars(text: &str) -> String {
    text.replace('$', "$$")
}

impl Project {
    /// Binds a canonical tree into a project; errors carry the span and key path.
    pub fn from_node(root: &Node) -> Result<Project> {
        if root.as_map().is_none() {
            return Err(LoadError::at(
                root.span,
                format!(
                    "expected a mapping at the top level, found {}",
                    root.kind_name()
                ),
            ));
        }
        // `version` (obsolete) and `include` (already resolved) are not part of the model.
        let stripped;
        let root = match root.as_map() {
            Some(map) if map.contains_key("version") || map.contains_key("include") => {
                let mut copy = root.clone();
                if let Some(map) = copy.as_map_mut() {
                    map.remove("version");
                    map.remove("include");
                }
                stripped = copy;
                &stripped
            }
            _ => root,
        };
        let mut project: Project = de::from_node(root, "")?;
        project.fill_names();
        Ok(project)
    }

    /// Binds a canonical tree into a project like [`Project::from_node`], consuming the tree:
    /// each service's subtree is freed as soon as it is bound, so that the tree and the typed
    /// project are never both whole in memory. Errors are the ones `from_node` reports.
    pub fn from_owned_node(mut root: Node) -> Result<Project> {
        let Some(map) = root.as_map_mut() else {
            return Project::from_node(&root);
        };
        map.remove("version");
        map.remove("include");
        let Some(at) = map
            .entries
            .iter()
            .position(|e| e.key == "services" && e.value.as_map().is_some())
        else {
            return Project::from_node(&root);
        };
        let services = map.entries.remove(at);
        let Value::Map(services) = services.value.value else {
            unreachable!("checked to be a mapping");
        };
        let before: Vec<String> = map.entries[..at].iter().map(|e| e.key.clone()).collect();
        let mut project: Project = match de::from_node(&root, "") {
            Ok(project) => project,
            // In place, the keys written before `services` are bound before it.
            Err(e) if bound_before(&e, &before) => return Err(e),
            Err(e) => {
                for service in &services.entries {
                    de::from_node::<ServiceConfig>(
                        &service.value,
                        &format!("services.{}", service.key),
                    )?;
                }
                return Err(e);
            }
        };
        drop(root);
        // Bound in key order, so that each service is appended to the map instead of moving
        // the (large) services after it; an error is still the first in document order.
        let mut order: Vec<usize> = (0..services.entries.len()).collect();
        order.sort_by(|&a, &b| services.entries[a].key.cmp(&services.entries[b].key));
        let mut entries: Vec<Option<crate::node::Entry>> =
            services.entries.into_iter().map(Some).collect();
        let mut first_error: Option<(usize, LoadError)> = None;
        for i in order {
            let Some(entry) = entries[i].take() else {
                continue;
            };
            match de::from_node::<ServiceConfig>(&entry.value, &format!("services.{}", entry.key)) {
                Ok(_) if first_error.is_some() => {}
                Ok(service) => {
                    drop(entry.value);
                    project.services.0.insert(entry.key, Box::new(service));
                }
                Err(e) => {
                    if first_error.as_ref().is_none_or(|(at, _)| i < *at) {
                        first_error = Some((i, e));
                    }
                }
            }
        }
        if let Some((_, e)) = first_error {
            return Err(e);
        }
        project.fill_names();
        Ok(project)
    }

    /// Binds the JSON form (`config --format json`, with `$$` already un-escaped).
    pub fn from_json(value: &serde_json::Value) -> Result<Project> {
        Project::from_node(&Node::from_json(value, crate::source::Span::SYNTHETIC))
    }

    /// Sets each service's and job's `name` from its key (jobs keep a `name` they were given).
    pub fn fill_names(&mut self) {
        for (name, service) in self.services.0.iter_mut() {
            service.name = name.clone();
        }
        for (name, service) in self.disabled_services.0.iter_mut() {
            service.name = name.clone();
        }
        for (name, job) in self.jobs.0.iter_mut() {
            if job.name.is_empty() {
                job.name = name.clone();
            }
        }
    }

    /// The project as `docker compose config --format json` prints it (before `$$` escaping).
    pub fn to_json(&self) -> String {
        json::to_go_json_pretty(&self.to_json_value())
    }

    /// A copy fit for printing: secret contents are never printed, and a config read from an
    /// environment variable prints its source, not its content (as compose-go marshals them).
    fn printable(&self) -> std::borrow::Cow<'_, Project> {
        let hides_content = self.secrets.0.values().any(|s| !s.content.is_empty())
            || self
                .configs
                .0
                .values()
                .any(|c| !c.environment.is_empty() && !c.content.is_empty());
        if !hides_content {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut copy = self.clone();
        for secret in copy.secrets.0.values_mut() {
            secret.content.clear();
        }
        for config in copy.configs.0.values_mut() {
            if !config.environment.is_empty() {
                config.content.clear();
            }
        }
        std::borrow::Cow::Owned(copy)
    }

    /// The project as a JSON value in Go's key order (what [`Project::to_json`] prints).
    pub fn to_json_value(&self) -> serde_json::Value {
        let project = self.printable();
        let this: &Project = &project;
        with_mode(OutputMode::Json, || {
            let mut entries: Vec<(String, serde_json::Value)> = Vec::new();
            let mut put = |key: &str, value: serde_json::Result<serde_json::Value>| {
                entries.push((key.to_string(), value.unwrap_or(serde_json::Value::Null)));
            };
            put("name", Ok(serde_json::Value::String(this.name.clone())));
            put("services", serde_json::to_value(&this.services));
            if !this.jobs.is_empty() {
                put("jobs", serde_json::to_value(&this.jobs));
            }
            if !this.networks.is_empty() {
                put("networks", serde_json::to_value(&this.networks));
            }
            if !this.volumes.is_empty() {
                put("volumes", serde_json::to_value(&this.volumes));
            }
            if !this.secrets.is_empty() {
                put("secrets", serde_json::to_value(&this.secrets));
            }
            if !this.configs.is_empty() {
                put("configs", serde_json::to_value(&this.configs));
            }
            for (key, value) in &this.extensions.0 {
                put(key, serde_json::to_value(AnyValue(value)));
            }
            // A Go map: keys in byte order, a later duplicate wins.
            let mut sorted: std::collections::BTreeMap<String, serde_json::Value> =
                Default::default();
            for (k, v) in entries {
                sorted.insert(k, v);
            }
            serde_json::Value::Object(sorted.into_iter().collect())
        })
    }

    /// The project as `docker compose config` prints it (YAML, before `$$` escaping).
    pub fn to_yaml(&self) -> String {
        let tree = with_mode(OutputMode::Yaml, || yaml_tree::to_tree(self)).unwrap_or(Tree::Null);
        yaml_out::emit(&tree)
    }

    /// The project as `docker compose config` prints it, like [`Project::to_yaml`], consuming
    /// the project: services are serialised and written one at a time.
    pub fn into_yaml(mut self) -> String {
        let services = std::mem::take(&mut self.services.0);
        with_mode(OutputMode::Yaml, || {
            let Ok(tree) = yaml_tree::to_tree(&self) else {
                return yaml_out::emit(&Tree::Null);
            };
            // The order `SortedMap` serialises in.
            let mut names: Vec<&String> = services.keys().collect();
            names.sort_by(|a, b| values::go_yaml_key_cmp(a, b));
            let failed = std::cell::Cell::new(false);
            let entries =
                names
                    .into_iter()
                    .map_while(|name| match yaml_tree::to_tree(&services[name]) {
                        Ok(tree) => Some((name.clone(), tree)),
                        Err(_) => {
                            failed.set(true);
                            None
                        }
                    });
            let text = yaml_out::emit_streaming(&tree, "services", entries);
            if failed.get() {
                // As `to_yaml`, which cannot serialise the whole project then.
                return yaml_out::emit(&Tree::Null);
            }
            text
        })
    }

    /// Names of the active services, sorted.
    pub fn service_names(&self) -> Vec<String> {
        self.services.0.keys().cloned().collect()
    }

    /// The active service called `name`.
    pub fn service(&self, name: &str) -> Option<&ServiceConfig> {
        self.services.0.get(name).map(|s| &**s)
    }

    /// Names of the networks (`config --networks`), sorted.
    pub fn network_names(&self) -> Vec<String> {
        self.networks.0.keys().cloned().collect()
    }

    /// Names of the volumes (`config --volumes`), sorted.
    pub fn volume_names(&self) -> Vec<String> {
        self.volumes.0.keys().cloned().collect()
    }

    /// Model references (`config --models`): each model's `model`, when set, by model name.
    pub fn model_references(&self) -> Vec<String> {
        self.models
            .0
            .values()
            .filter(|m| !m.model.is_empty())
            .map(|m| m.model.clone())
            .collect()
    }

    /// Images (`config --images`): per service (by name), its image or `<project>-<service>`,
    /// then the images of its `pre_start` hooks that differ from it; then each job's image.
    /// Docker Compose prints services in map order (random); this list is in name order.
    pub fn image_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, service) in &self.services.0 {
            let image = if service.image.is_empty() {
                format!("{}-{}", self.name, name)
            } else {
                service.image.clone()
            };
            let hooks: Vec<String> = service
                .pre_start
                .iter()
                .filter(|h| !h.image.is_empty() && h.image != image)
                .map(|h| h.image.clone())
                .collect();
            out.push(image);
            out.extend(hooks);
        }
        for (name, job) in &self.jobs.0 {
            out.push(if job.image.is_empty() {
                format!("{}-{}", self.name, name)
            } else {
                job.image.clone()
            });
        }
        out
    }

    /// Active service names with each service's dependencies before it (`config --services`):
    /// services are visited by name, and each visit first visits its `depends_on` targets.
    pub fn service_names_dependency_order(&self) -> Vec<String> {
        fn visit(
            project: &Project,
            name: &str,
            seen: &mut std::collections::BTreeSet<String>,
            out: &mut Vec<String>,
        ) {
            if !seen.insert(name.to_string()) {
                return;
            }
            if let Some(service) = project.services.0.get(name) {
                for dependency in service.depends_on.0.keys() {
                    if project.services.0.contains_key(dependency) {
                        visit(project, dependency, seen, out);
                    }
                }
            }
            out.push(name.to_string());
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for name in self.services.0.keys() {
            visit(self, name, &mut seen, &mut out);
        }
        out
    }

    /// Profiles named by any service, active or not (`config --profiles`), sorted and unique.
    pub fn profile_names(&self) -> Vec<String> {
        let mut set = std::collections::BTreeSet::new();
        for service in self
            .services
            .0
            .values()
            .chain(self.disabled_services.0.values())
        {
            set.extend(service.profiles.iter().cloned());
        }
        set.into_iter().collect()
    }

    /// `(service, hash)` pairs, sorted by service, as `config --hash '*'` prints them.
    pub fn service_hashes(&self) -> Vec<(String, String)> {
        self.services
            .0
            .iter()
            .map(|(name, s)| (name.clone(), s.config_hash()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;
    use serde_json::json;

    fn node(value: serde_json::Value) -> Node {
        Node::from_json(&value, Span::SYNTHETIC)
    }

    #[test]
    fn owned_binding_gives_the_same_project() {
        let root = node(json!({
            "name": "demo",
            "services": {
                "web": {"image": "nginx", "environment": {"A": "1"}, "networks": {"default": null}},
                "db": {"image": "postgres", "mem_limit": "512m"}
            },
            "networks": {"default": {"name": "demo_default"}},
            "version": "3"
        }));
        let borrowed = Project::from_node(&root).expect("binds");
        let owned = Project::from_owned_node(root).expect("binds");
        assert_eq!(owned, borrowed);
        assert_eq!(owned.services.0["db"].name, "db");
    }

    /// With errors on both sides of `services`, the first in document order wins, as when
    /// the whole tree is bound in place.
    #[test]
    fn owned_binding_reports_errors_in_document_order() {
        let bad_volume = json!({"driver_opts": {"size": [1]}});
        for (root, first) in [
            (
                json!({
                    "volumes": {"data": bad_volume},
                    "services": {"web": {"image": "nginx", "mem_limit": "lots"}}
                }),
                "volumes.data.driver_opts",
            ),
            (
                json!({
                    "services": {"web": {"image": "nginx", "mem_limit": "lots"}},
                    "volumes": {"data": bad_volume}
                }),
                "services.web.mem_limit",
            ),
            (
                json!({
                    "services": {"web": {"image": "nginx"}},
                    "volumes": {"data": bad_volume}
                }),
                "volumes.data.driver_opts",
            ),
            (
                json!({
                    "services": {
                        "web": {"image": "nginx", "mem_limit": "lots"},
                        "app": {"image": "nginx", "mem_limit": "many"}
                    }
                }),
                "services.web.mem_limit",
            ),
        ] {
            let root = node(root);
            let borrowed = Project::from_node(&root).expect_err("fails");
            let owned = Project::from_owned_node(root).expect_err("fails");
            assert_eq!(owned, borrowed);
            assert_eq!(owned.path.as_deref(), Some(first));
        }
    }

    /// Many services, in names not in key order: bound one by one, with the same project, and
    /// the same first error in document order, as in place.
    #[test]
    fn owned_binding_of_many_services_matches_binding_in_place() {
        let many = |bad: &[usize]| {
            let mut services = serde_json::Map::new();
            for i in (0..300).rev() {
                let mut service =
                    json!({"image": format!("img{i}"), "environment": {"I": i.to_string()}});
                if bad.contains(&i) {
                    service["mem_limit"] = json!(format!("lots{i}"));
                }
                services.insert(format!("svc{i:03}"), service);
            }
            node(json!({"name": "many", "services": services}))
        };
        let root = many(&[]);
        let borrowed = Project::from_node(&root).expect("binds");
        let owned = Project::from_owned_node(root).expect("binds");
        assert_eq!(owned, borrowed);
        assert_eq!(owned.services.0.len(), 300);
        // Written one service at a time, the YAML is the whole-tree writer's.
        assert_eq!(owned.clone().into_yaml(), owned.to_yaml());
        // Document order runs from svc299 down to svc000.
        for (bad, first) in [
            (&[40, 250][..], "services.svc250.mem_limit"),
            (&[3][..], "services.svc003.mem_limit"),
            (&[299, 0][..], "services.svc299.mem_limit"),
        ] {
            let root = many(bad);
            let borrowed = Project::from_node(&root).expect_err("fails");
            let owned = Project::from_owned_node(root).expect_err("fails");
            assert_eq!(owned, borrowed);
            assert_eq!(owned.path.as_deref(), Some(first));
        }
    }
}
