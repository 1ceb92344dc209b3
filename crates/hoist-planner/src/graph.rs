//! Service dependency graph: the order in which services are planned (dependencies first, as
//! Docker Compose visits them: repeatedly the alphabetically smallest service whose
//! dependencies are all done), cycle detection, and the "dependents of" closure used by `down`
//! and `stop`.
//!
//! Edges are `depends_on` plus namespace/`volumes_from` parents; edges to services outside the
//! considered set are ignored.

use std::collections::BTreeSet;

use crate::model::{DesiredService, PlanError};

/// The services a service must come after: its `depends_on` targets and namespace parents.
pub(crate) fn parents(service: &DesiredService) -> impl Iterator<Item = &str> {
    service
        .depends_on
        .iter()
        .map(|d| d.service.as_str())
        .chain(service.namespace_parents.iter().map(String::as_str))
}

/// Orders the services named in `set` so that every service comes after its parents within
/// `set`; ties are broken by name. Fails on a dependency cycle.
pub(crate) fn dependency_order<'a>(
    services: &'a [DesiredService],
    set: &BTreeSet<&str>,
) -> Result<Vec<&'a DesiredService>, PlanError> {
    let mut pending: Vec<&DesiredService> = services
        .iter()
        .filter(|s| set.contains(s.name.as_str()))
        .collect();
    pending.sort_by(|a, b| a.name.cmp(&b.name));
    pending.dedup_by(|a, b| a.name == b.name);
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut order = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|s| parents(s).all(|p| p == s.name || !set.contains(p) || done.contains(p)));
        match ready {
            Some(index) => {
                let service = pending.remove(index);
                done.insert(service.name.as_str());
                order.push(service);
            }
            None => {
                let names: Vec<&str> = pending.iter().map(|s| s.name.as_str()).collect();
                return Err(PlanError::new(format!(
                    "dependency cycle detected between services: {}",
                    names.join(", ")
                ))
                .with_hint("remove one of the depends_on (or service:) references in the cycle"));
            }
        }
    }
    Ok(order)
}

/// `roots` plus every service of `services` that (transitively) depends on one of them.
pub(crate) fn with_dependents<'a>(
    services: &'a [DesiredService],
    roots: &BTreeSet<&'a str>,
) -> BTreeSet<&'a str> {
    let mut set = roots.clone();
    loop {
        let mut grew = false;
        for service in services {
            if set.contains(service.name.as_str()) {
                continue;
            }
            if parents(service).any(|p| set.contains(p)) {
                set.insert(service.name.as_str());
                grew = true;
            }
        }
        if !grew {
            return set;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Condition, Dependency};

    fn svc(name: &str, deps: &[&str]) -> DesiredService {
        DesiredService {
            name: name.into(),
            depends_on: deps
                .iter()
                .map(|d| Dependency {
                    service: (*d).into(),
                    condition: Condition::Started,
                    restart: false,
                    required: true,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn orders_dependencies_first_then_by_name() {
        let services = vec![
            svc("web", &["db", "cache"]),
            svc("db", &[]),
            svc("cache", &[]),
        ];
        let set = services.iter().map(|s| s.name.as_str()).collect();
        let order: Vec<&str> = dependency_order(&services, &set)
            .unwrap()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(order, ["cache", "db", "web"]);
    }

    #[test]
    fn detects_cycles() {
        let services = vec![svc("a", &["b"]), svc("b", &["a"])];
        let set = services.iter().map(|s| s.name.as_str()).collect();
        let err = dependency_order(&services, &set).unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
    }

    #[test]
    fn ignores_edges_outside_the_set() {
        let services = vec![svc("web", &["db"]), svc("db", &[])];
        let set = ["web"].into_iter().collect();
        let order = dependency_order(&services, &set).unwrap();
        assert_eq!(order.len(), 1);
    }

    #[test]
    fn dependents_closure_is_transitive() {
        let services = vec![
            svc("a", &[]),
            svc("b", &["a"]),
            svc("c", &["b"]),
            svc("d", &[]),
        ];
        let roots = ["a"].into_iter().collect();
        let set = with_dependents(&services, &roots);
        assert_eq!(set.into_iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    }
}
