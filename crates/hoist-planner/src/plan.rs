//! The planner's output: a [`Plan`], a DAG of small engine [`Action`]s that the executor runs
//! with bounded parallelism, plus warnings for the user. Steps are stored in a valid
//! topological order (every step comes after the steps it waits for), so running them one by
//! one in order is always correct.

use std::fmt;

use crate::model::Condition;

/// Index of a step inside its [`Plan`] (`plan.steps[id.0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepId(pub usize);

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A container an action applies to: one that exists now, or one a `CreateContainer` step of
/// the same plan makes (the executor substitutes the ID that step returned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerRef {
    /// An existing container, by engine ID.
    Existing(String),
    /// The container created by this `CreateContainer` step.
    CreatedBy(StepId),
}

/// One engine operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Fail unless the external network exists (inspect by name or ID). Emitted only for
    /// external networks absent from the observed state.
    CheckExternalNetwork { key: String, name: String },
    /// Fail unless the external volume exists. Emitted only for external volumes absent from
    /// the observed state.
    CheckExternalVolume { key: String, name: String },
    /// Create a project network (a "conflict" answer means it already exists: success).
    CreateNetwork { key: String, name: String },
    /// Remove a project network. When `best_effort`, "still in use" or "not found" is a
    /// warning, not a failure.
    RemoveNetwork {
        key: String,
        name: String,
        best_effort: bool,
    },
    /// Disconnect a container from a network (before the network is recreated).
    DisconnectNetwork {
        container: ContainerRef,
        container_name: String,
        network: String,
    },
    /// Connect a container to a (recreated) network, with the service's endpoint settings.
    ConnectNetwork {
        container: ContainerRef,
        container_name: String,
        service: String,
        key: String,
        network: String,
    },
    /// Create a project volume.
    CreateVolume { key: String, name: String },
    /// Remove a volume (`down -v`).
    RemoveVolume { key: String, name: String },
    /// Create a container of `service` with the given replica number and name. When it
    /// replaces an existing container, `name` is the temporary name `<oldid[:12]>_<final>` and
    /// `replaces` is the old container's ID; `inherit_from` names the container whose
    /// anonymous volumes are inherited.
    CreateContainer {
        service: String,
        number: u32,
        name: String,
        replaces: Option<String>,
        inherit_from: Option<String>,
    },
    /// Start a container (injecting secrets/configs first). The executor serialises the start
    /// calls of containers whose host ports the engine picks.
    StartContainer {
        service: String,
        container: ContainerRef,
        name: String,
    },
    /// Stop a container (`timeout`: seconds, else the service's `stop_grace_period`).
    StopContainer {
        id: String,
        name: String,
        timeout: Option<u32>,
    },
    /// Remove a container (forcefully); `volumes` also removes its anonymous volumes.
    RemoveContainer {
        id: String,
        name: String,
        volumes: bool,
    },
    /// Rename the container made by `created_by` from its temporary name to its final name.
    RenameContainer {
        created_by: StepId,
        from: String,
        to: String,
    },
    /// Rename an existing container to its expected name: one kept by the plan whose name is
    /// not `<project>-<service>-<n>` / `container_name`, typically the temporary
    /// `<oldid[:12]>_<name>` left by an interrupted recreation.
    RenameExistingContainer {
        id: String,
        from: String,
        to: String,
    },
    /// Poll until every container of `dependency` satisfies `condition` (healthy or exited 0)
    /// before `service` is started. With `required: false` a failure is only a warning.
    WaitForDependency {
        service: String,
        dependency: String,
        condition: Condition,
        required: bool,
    },
}

/// One node of the plan DAG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// This step's position in [`Plan::steps`].
    pub id: StepId,
    /// What to do.
    pub action: Action,
    /// Steps that must have succeeded before this one runs (all have smaller IDs).
    pub after: Vec<StepId>,
    /// Why the step is needed (for `--dry-run` detail and debugging).
    pub reason: String,
    /// For the stop/remove/rename steps of a recreation: the `CreateContainer` step leading
    /// it. Such steps are folded into the leader's `Recreate` line by [`Plan::render`].
    pub part_of: Option<StepId>,
}

/// The planner's result: steps in topological order and warnings to print before running.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The DAG, in a valid execution order.
    pub steps: Vec<Step>,
    /// Messages for the user (orphans, unmanaged resources, diverged volumes, ...).
    pub warnings: Vec<String>,
    /// Names of running containers no step touches (`up` reports them as `Running`).
    pub running: Vec<String>,
}

impl Plan {
    /// True when there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The step with this ID.
    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.get(id.0)
    }

    /// Appends a step running after `after` (duplicates are dropped) and returns its ID.
    pub(crate) fn push(
        &mut self,
        action: Action,
        after: Vec<StepId>,
        reason: impl Into<String>,
    ) -> StepId {
        self.push_in(action, after, reason, None)
    }

    /// Like [`Plan::push`], marking the step as part of the recreation led by `part_of`.
    pub(crate) fn push_in(
        &mut self,
        action: Action,
        mut after: Vec<StepId>,
        reason: impl Into<String>,
        part_of: Option<StepId>,
    ) -> StepId {
        after.sort();
        after.dedup();
        let id = StepId(self.steps.len());
        self.steps.push(Step {
            id,
            action,
            after,
            reason: reason.into(),
            part_of,
        });
        id
    }

    /// The human `--dry-run` text, worded like Docker Compose's progress: first one
    /// `Container x  Running` line per untouched running container, then one line per
    /// user-visible step in execution order (`Container myproj-web-1  Recreate`). A recreation
    /// is shown as one `Recreate` line; `service_started` waits (pure ordering) and external
    /// checks are not shown.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for name in &self.running {
            out.push_str(&format!("Container {name}  Running\n"));
        }
        for step in &self.steps {
            if step.part_of.is_some() {
                continue;
            }
            if let Some(line) = self.render_step(step) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    fn render_step(&self, step: &Step) -> Option<String> {
        let line = match &step.action {
            Action::CheckExternalNetwork { .. } | Action::CheckExternalVolume { .. } => {
                return None
            }
            Action::CreateNetwork { name, .. } => format!("Network {name}  Creating"),
            Action::RemoveNetwork { name, .. } => format!("Network {name}  Removing"),
            Action::DisconnectNetwork {
                container_name,
                network,
                ..
            } => format!("Container {container_name}  Disconnecting from {network}"),
            Action::ConnectNetwork {
                container_name,
                network,
                ..
            } => format!("Container {container_name}  Connecting to {network}"),
            Action::CreateVolume { name, .. } => format!("Volume {name}  Creating"),
            Action::RemoveVolume { name, .. } => format!("Volume {name}  Removing"),
            Action::CreateContainer {
                name,
                replaces: None,
                ..
            } => format!("Container {name}  Creating"),
            Action::CreateContainer {
                replaces: Some(_), ..
            } => {
                let final_name = self.final_name_of(step.id)?;
                format!("Container {final_name}  Recreate")
            }
            Action::StartContainer { name, .. } => format!("Container {name}  Starting"),
            Action::StopContainer { name, .. } => format!("Container {name}  Stopping"),
            Action::RemoveContainer { name, .. } => format!("Container {name}  Removing"),
            Action::RenameContainer { to, .. } => format!("Container {to}  Renaming"),
            Action::RenameExistingContainer { to, .. } => format!("Container {to}  Renaming"),
            Action::WaitForDependency {
                condition: Condition::Started,
                ..
            } => return None,
            Action::WaitForDependency {
                dependency,
                condition,
                ..
            } => {
                let what = match condition {
                    Condition::Healthy => "healthy",
                    _ => "completed",
                };
                format!("Service {dependency}  Waiting ({what})")
            }
        };
        Some(line)
    }

    /// The final name of the container a recreating `CreateContainer` step makes.
    fn final_name_of(&self, create: StepId) -> Option<String> {
        self.steps.iter().find_map(|s| match &s.action {
            Action::RenameContainer { created_by, to, .. } if *created_by == create => {
                Some(to.clone())
            }
            _ => None,
        })
    }
}

impl fmt::Display for Step {
    /// Detailed form: `#3 [1,2] StopContainer plx-web-1 (scale down)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let after: Vec<String> = self.after.iter().map(|a| a.0.to_string()).collect();
        write!(f, "{} [{}] ", self.id, after.join(","))?;
        match &self.action {
            Action::CheckExternalNetwork { name, .. } => write!(f, "CheckExternalNetwork {name}")?,
            Action::CheckExternalVolume { name, .. } => write!(f, "CheckExternalVolume {name}")?,
            Action::CreateNetwork { name, .. } => write!(f, "CreateNetwork {name}")?,
            Action::RemoveNetwork { name, .. } => write!(f, "RemoveNetwork {name}")?,
            Action::DisconnectNetwork {
                container_name,
                network,
                ..
            } => write!(f, "DisconnectNetwork {container_name} {network}")?,
            Action::ConnectNetwork {
                container_name,
                network,
                ..
            } => write!(f, "ConnectNetwork {container_name} {network}")?,
            Action::CreateVolume { name, .. } => write!(f, "CreateVolume {name}")?,
            Action::RemoveVolume { name, .. } => write!(f, "RemoveVolume {name}")?,
            Action::CreateContainer { name, .. } => write!(f, "CreateContainer {name}")?,
            Action::StartContainer { name, .. } => write!(f, "StartContainer {name}")?,
            Action::StopContainer { name, .. } => write!(f, "StopContainer {name}")?,
            Action::RemoveContainer { name, .. } => write!(f, "RemoveContainer {name}")?,
            Action::RenameContainer { from, to, .. } => {
                write!(f, "RenameContainer {from} -> {to}")?
            }
            Action::RenameExistingContainer { from, to, .. } => {
                write!(f, "RenameExistingContainer {from} -> {to}")?
            }
            Action::WaitForDependency {
                service,
                dependency,
                condition,
                ..
            } => write!(
                f,
                "WaitForDependency {service} on {dependency} ({})",
                condition.as_compose()
            )?,
        }
        write!(f, " ({})", self.reason)
    }
}

impl fmt::Display for Plan {
    /// Every step on its own line in detailed form, then the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.steps {
            writeln!(f, "{step}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "WARN {warning}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create_network(name: &str) -> Action {
        Action::CreateNetwork {
            key: "default".into(),
            name: name.into(),
        }
    }

    #[test]
    fn push_sorts_and_dedups_dependencies() {
        let mut plan = Plan::default();
        let a = plan.push(create_network("a"), vec![], "test");
        let b = plan.push(create_network("b"), vec![], "test");
        let c = plan.push(create_network("c"), vec![b, a, b], "test");
        assert_eq!(plan.step(c).unwrap().after, [a, b]);
        assert_eq!(c, StepId(2));
        assert!(plan.step(StepId(3)).is_none());
    }

    #[test]
    fn step_display_shows_id_dependencies_and_reason() {
        let mut plan = Plan::default();
        let a = plan.push(create_network("n"), vec![], "not found");
        plan.push(
            Action::StopContainer {
                id: "x".into(),
                name: "p-web-1".into(),
                timeout: None,
            },
            vec![a],
            "scale down",
        );
        assert_eq!(
            plan.steps[1].to_string(),
            "#1 [0] StopContainer p-web-1 (scale down)"
        );
    }

    #[test]
    fn recreate_without_rename_step_is_not_rendered() {
        let mut plan = Plan::default();
        plan.push(
            Action::CreateContainer {
                service: "web".into(),
                number: 1,
                name: "abc_p-web-1".into(),
                replaces: Some("abc".into()),
                inherit_from: None,
            },
            vec![],
            "config hash diverged",
        );
        assert_eq!(plan.render(), "");
    }
}
