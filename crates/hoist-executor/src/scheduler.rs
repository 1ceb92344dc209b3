//! The DAG walker behind [`crate::execute`], independent of the engine: it starts each step
//! once every step it waits for has succeeded, keeps at most `limit` steps in flight, marks
//! the dependents of a failed step as skipped, stops starting steps once cancelled, and
//! records per-step timings. The engine work itself is a [`StepRunner`].

use std::collections::HashMap;
use std::future::Future;
use std::time::Instant;

use futures_util::stream::{FuturesUnordered, StreamExt};
use hoist_planner::{Action, ContainerRef, Plan, Step, StepId};

use crate::cancel::CancelToken;
use crate::outcome::{Outcome, StepReport, StepStatus};

/// What a successful step hands back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StepSuccess {
    /// The container a `CreateContainer` step made.
    pub container_id: Option<String>,
    /// Warnings to report.
    pub warnings: Vec<String>,
}

impl StepSuccess {
    pub(crate) fn warn(message: impl Into<String>) -> Self {
        StepSuccess {
            container_id: None,
            warnings: vec![message.into()],
        }
    }
}

/// A step's result: success, or an error message.
pub(crate) type StepResult = Result<StepSuccess, String>;

/// Runs one step. `created` is the ID of the container made by the `CreateContainer` step the
/// action refers to ([`ContainerRef::CreatedBy`] or a rename's `created_by`), when any.
pub(crate) trait StepRunner {
    fn run<'a>(
        &'a self,
        step: &'a Step,
        created: Option<String>,
    ) -> impl Future<Output = StepResult> + 'a;
}

/// The `CreateContainer` step an action refers to, if any.
fn referenced_create(action: &Action) -> Option<StepId> {
    match action {
        Action::StartContainer {
            container: ContainerRef::CreatedBy(id),
            ..
        }
        | Action::ConnectNetwork {
            container: ContainerRef::CreatedBy(id),
            ..
        }
        | Action::DisconnectNetwork {
            container: ContainerRef::CreatedBy(id),
            ..
        }
        | Action::RenameContainer { created_by: id, .. } => Some(*id),
        _ => None,
    }
}

/// Walks `plan` with `runner`, `limit` steps at a time (`None`: unlimited), until every step
/// has run, been skipped, or (after cancellation) been left out.
pub(crate) async fn run_plan<R: StepRunner>(
    plan: &Plan,
    runner: &R,
    limit: Option<usize>,
    cancel: &CancelToken,
) -> Outcome {
    let started = Instant::now();
    let limit = limit.unwrap_or(usize::MAX).max(1);
    let mut reports: Vec<StepReport> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(index, _)| StepReport::pending(StepId(index)))
        .collect();
    let mut created: HashMap<StepId, String> = HashMap::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut in_flight = FuturesUnordered::new();

    loop {
        if !cancel.is_cancelled() {
            for (index, step) in plan.steps.iter().enumerate() {
                if reports[index].status != StepStatus::Pending {
                    continue;
                }
                match readiness(step, index, &reports) {
                    Readiness::Waiting => continue,
                    Readiness::Blocked(reason) => {
                        reports[index].status = StepStatus::Skipped;
                        reports[index].error = Some(reason);
                        continue;
                    }
                    Readiness::Ready => {}
                }
                if in_flight.len() >= limit {
                    continue;
                }
                let created_id = referenced_create(&step.action)
                    .and_then(|create| created.get(&create).cloned());
                reports[index].status = StepStatus::Running;
                reports[index].started_at = Some(started.elapsed());
                in_flight.push(async move {
                    let begun = Instant::now();
                    let result = runner.run(step, created_id).await;
                    (index, begun.elapsed(), result)
                });
            }
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            Some((index, took, result)) = in_flight.next() => {
                let report = &mut reports[index];
                report.duration = Some(took);
                match result {
                    Ok(success) => {
                        report.status = StepStatus::Succeeded;
                        if let Some(id) = &success.container_id {
                            created.insert(StepId(index), id.clone());
                        }
                        report.container_id = success.container_id;
                        warnings.extend(success.warnings.iter().cloned());
                        report.warnings = success.warnings;
                    }
                    Err(message) => {
                        report.status = StepStatus::Failed;
                        report.error = Some(message);
                    }
                }
            }
            _ = cancel.cancelled(), if !cancel.is_cancelled() => {}
        }
    }

    let cancelled = cancel.is_cancelled();
    for report in reports
        .iter_mut()
        .filter(|r| r.status == StepStatus::Pending)
    {
        if cancelled {
            report.status = StepStatus::NotStarted;
        } else {
            report.status = StepStatus::Skipped;
            report.error = Some("its dependencies can never be satisfied".to_string());
        }
    }
    let mut outcome = Outcome {
        steps: reports,
        warnings,
        cancelled,
        elapsed: started.elapsed(),
        failures: Vec::new(),
    };
    outcome.collect_failures(plan);
    outcome
}

enum Readiness {
    Ready,
    Waiting,
    Blocked(String),
}

/// Whether step `index` may start given the reports of the steps before it.
fn readiness(step: &Step, index: usize, reports: &[StepReport]) -> Readiness {
    let mut ready = true;
    for dependency in &step.after {
        if dependency.0 >= index {
            return Readiness::Blocked(format!(
                "invalid plan: step {} waits for later step {dependency}",
                step.id
            ));
        }
        match reports.get(dependency.0).map(|r| r.status) {
            Some(StepStatus::Succeeded) => {}
            Some(StepStatus::Failed) => {
                return Readiness::Blocked(format!("not run: step {dependency} failed"))
            }
            Some(StepStatus::Skipped) => {
                return Readiness::Blocked(format!("not run: step {dependency} did not run"))
            }
            Some(_) => ready = false,
            None => {
                return Readiness::Blocked(format!("invalid plan: no step {dependency}"));
            }
        }
    }
    if ready {
        Readiness::Ready
    } else {
        Readiness::Waiting
    }
}
