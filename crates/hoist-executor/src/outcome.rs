//! The result of a run: what happened to every step (status, timings, errors), the warnings
//! collected on the way, and the error type returned when anything failed or the run was
//! cancelled. Per-step timings are the benchmark hook (compare with the engine floor).

use std::fmt;
use std::time::Duration;

use hoist_planner::{Action, Plan, StepId};

/// What happened to one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepStatus {
    /// Not started yet (only seen while running).
    Pending,
    /// Started, not finished (only seen while running).
    Running,
    /// Finished without error (possibly with warnings).
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Never started because a step it waits for failed or was skipped.
    Skipped,
    /// Never started because the run was cancelled.
    NotStarted,
}

/// The record of one step of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// The step (index in the plan).
    pub id: StepId,
    /// How it ended.
    pub status: StepStatus,
    /// When it started, relative to the start of the run.
    pub started_at: Option<Duration>,
    /// How long it ran.
    pub duration: Option<Duration>,
    /// The ID of the container a `CreateContainer` step made.
    pub container_id: Option<String>,
    /// The error of a failed step, or why a step was skipped.
    pub error: Option<String>,
    /// Warnings the step produced (best-effort removals, optional dependencies, engine).
    pub warnings: Vec<String>,
}

impl StepReport {
    pub(crate) fn pending(id: StepId) -> Self {
        StepReport {
            id,
            status: StepStatus::Pending,
            started_at: None,
            duration: None,
            container_id: None,
            error: None,
            warnings: Vec::new(),
        }
    }
}

/// One failed step, described for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The failed step.
    pub step: StepId,
    /// The service the step belongs to, when it acts on a service or its containers.
    pub service: Option<String>,
    /// The error message.
    pub message: String,
}

/// Everything a run did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// One report per plan step, in plan order (`steps[i].id == StepId(i)`).
    pub steps: Vec<StepReport>,
    /// Every warning, in the order produced.
    pub warnings: Vec<String>,
    /// Whether the run was cancelled before every step could run.
    pub cancelled: bool,
    /// Wall-clock duration of the whole run.
    pub elapsed: Duration,
    /// Failed steps with their service, in plan order.
    pub failures: Vec<Failure>,
}

impl Outcome {
    /// True when every step succeeded and the run was not cancelled.
    pub fn is_success(&self) -> bool {
        !self.cancelled && self.steps.iter().all(|s| s.status == StepStatus::Succeeded)
    }

    /// The report of one step.
    pub fn step(&self, id: StepId) -> Option<&StepReport> {
        self.steps.get(id.0)
    }

    /// Steps with the given status.
    pub fn with_status(&self, status: StepStatus) -> impl Iterator<Item = &StepReport> {
        self.steps.iter().filter(move |s| s.status == status)
    }

    /// Names of the services with at least one failed or skipped step, sorted, no duplicates.
    pub fn failed_services(&self, plan: &Plan) -> Vec<String> {
        let mut names: Vec<String> = self
            .steps
            .iter()
            .filter(|s| matches!(s.status, StepStatus::Failed | StepStatus::Skipped))
            .filter_map(|s| plan.step(s.id).and_then(|step| service_of(&step.action)))
            .map(str::to_string)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Fills [`Outcome::failures`] from the step reports.
    pub(crate) fn collect_failures(&mut self, plan: &Plan) {
        self.failures = self
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Failed)
            .map(|s| Failure {
                step: s.id,
                service: plan
                    .step(s.id)
                    .and_then(|step| service_of(&step.action))
                    .map(str::to_string),
                message: s.error.clone().unwrap_or_else(|| "failed".to_string()),
            })
            .collect();
    }
}

/// The service an action belongs to, when there is one.
pub(crate) fn service_of(action: &Action) -> Option<&str> {
    match action {
        Action::CreateContainer { service, .. }
        | Action::StartContainer { service, .. }
        | Action::ConnectNetwork { service, .. }
        | Action::WaitForDependency { service, .. } => Some(service),
        _ => None,
    }
}

/// A run that did not fully succeed: some steps failed, or it was cancelled. Carries the whole
/// [`Outcome`] so the caller can still report what converged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError {
    /// What the run did.
    pub outcome: Box<Outcome>,
}

impl fmt::Display for ExecError {
    /// One failure message per line; `cancelled` when nothing failed but the run was cut short.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self
            .outcome
            .failures
            .iter()
            .map(|failure| failure.message.as_str())
            .collect();
        if messages.is_empty() {
            return f.write_str(if self.outcome.cancelled {
                "cancelled"
            } else {
                "some steps did not run"
            });
        }
        f.write_str(&messages.join("\n"))
    }
}

impl std::error::Error for ExecError {}
