//! The DAG walker behind [`crate::execute`], independent of the engine: it starts each step
//! once every step it waits for has succeeded, keeps at most [`Limits::steps`] steps (and
//! [`Limits::engine_work`] steps doing engine work) in flight, marks the dependents of a
//! failed step as skipped, stops starting steps once cancelled, and records per-step timings.
//! The engine work itself is a [`StepRunner`].

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

    /// Whether `step` loads the engine (counted against [`Limits::engine_work`]) rather than
    /// mostly waiting.
    fn is_engine_work(&self, step: &Step) -> bool;
}

/// How many steps may be in flight at once (`None`: unlimited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Steps of any kind.
    pub steps: Option<usize>,
    /// Steps doing engine work ([`StepRunner::is_engine_work`]).
    pub engine_work: Option<usize>,
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

/// Walks `plan` with `runner` within `limits`, until every step has run, been skipped, or
/// (after cancellation) been left out.
pub(crate) async fn run_plan<R: StepRunner>(
    plan: &Plan,
    runner: &R,
    limits: Limits,
    cancel: &CancelToken,
) -> Outcome {
    let started = Instant::now();
    let limit = limits.steps.unwrap_or(usize::MAX).max(1);
    let work_limit = limits.engine_work.unwrap_or(usize::MAX).max(1);
    let engine_work: Vec<bool> = plan
        .steps
        .iter()
        .map(|s| runner.is_engine_work(s))
        .collect();
    let mut work_in_flight = 0usize;
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
                if in_flight.len() >= limit || (engine_work[index] && work_in_flight >= work_limit)
                {
                    continue;
                }
                if engine_work[index] {
                    work_in_flight += 1;
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
                if engine_work[index] {
                    work_in_flight -= 1;
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Mutex;
    use std::time::Duration;

    /// What the fake runner saw.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Seen {
        Start(usize),
        End(usize),
    }

    /// A step runner with no engine: sleeps, fails on demand, records the order of events,
    /// the peak number of steps in flight (all, and engine work: every step but dependency
    /// waits) and the created IDs it was handed.
    #[derive(Default)]
    struct FakeRunner {
        failing: HashSet<usize>,
        delay: Duration,
        cancel_on: Option<(usize, CancelToken)>,
        seen: Mutex<Vec<Seen>>,
        in_flight: Mutex<(usize, usize)>,
        work_in_flight: Mutex<(usize, usize)>,
        handed: Mutex<Vec<(usize, Option<String>)>>,
    }

    impl FakeRunner {
        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().expect("seen").clone()
        }
        fn peak(&self) -> usize {
            self.in_flight.lock().expect("in flight").1
        }
        fn peak_work(&self) -> usize {
            self.work_in_flight.lock().expect("work in flight").1
        }
    }

    impl StepRunner for FakeRunner {
        fn is_engine_work(&self, step: &Step) -> bool {
            !matches!(step.action, Action::WaitForDependency { .. })
        }

        async fn run<'a>(&'a self, step: &'a Step, created: Option<String>) -> StepResult {
            {
                let index = step.id.0;
                let work = self.is_engine_work(step);
                self.seen.lock().expect("seen").push(Seen::Start(index));
                self.handed.lock().expect("handed").push((index, created));
                {
                    let mut flight = self.in_flight.lock().expect("in flight");
                    flight.0 += 1;
                    flight.1 = flight.1.max(flight.0);
                }
                if work {
                    let mut flight = self.work_in_flight.lock().expect("work in flight");
                    flight.0 += 1;
                    flight.1 = flight.1.max(flight.0);
                }
                if let Some((at, token)) = &self.cancel_on {
                    if *at == index {
                        token.cancel();
                    }
                }
                tokio::time::sleep(self.delay).await;
                self.in_flight.lock().expect("in flight").0 -= 1;
                if work {
                    self.work_in_flight.lock().expect("work in flight").0 -= 1;
                }
                self.seen.lock().expect("seen").push(Seen::End(index));
                if self.failing.contains(&index) {
                    return Err(format!("step {index} broke"));
                }
                let container_id = matches!(step.action, Action::CreateContainer { .. })
                    .then(|| format!("cid-{index}"));
                Ok(StepSuccess {
                    container_id,
                    warnings: Vec::new(),
                })
            }
        }
    }

    fn create(service: &str) -> Action {
        Action::CreateContainer {
            service: service.into(),
            number: 1,
            name: format!("p-{service}-1"),
            replaces: None,
            inherit_from: None,
        }
    }

    fn start(service: &str, created_by: usize) -> Action {
        Action::StartContainer {
            service: service.into(),
            container: ContainerRef::CreatedBy(StepId(created_by)),
            name: format!("p-{service}-1"),
        }
    }

    fn plan_of(steps: Vec<(Action, Vec<usize>)>) -> Plan {
        Plan {
            steps: steps
                .into_iter()
                .enumerate()
                .map(|(index, (action, after))| Step {
                    id: StepId(index),
                    action,
                    after: after.into_iter().map(StepId).collect(),
                    reason: "test".into(),
                    part_of: None,
                })
                .collect(),
            ..Plan::default()
        }
    }

    fn position(seen: &[Seen], event: &Seen) -> usize {
        seen.iter()
            .position(|e| e == event)
            .unwrap_or_else(|| panic!("{event:?} not seen in {seen:?}"))
    }

    #[tokio::test]
    async fn steps_start_only_after_their_dependencies_end() {
        // db: create(0) -> start(1); web: create(2) -> start(3) after db started.
        let plan = plan_of(vec![
            (create("db"), vec![]),
            (start("db", 0), vec![0]),
            (create("web"), vec![]),
            (start("web", 2), vec![1, 2]),
        ]);
        let runner = FakeRunner {
            delay: Duration::from_millis(10),
            ..FakeRunner::default()
        };
        let outcome = run_plan(&plan, &runner, Limits::default(), &CancelToken::new()).await;
        assert!(outcome.is_success(), "{outcome:?}");
        let seen = runner.seen();
        for step in &plan.steps {
            for dependency in &step.after {
                assert!(
                    position(&seen, &Seen::End(dependency.0))
                        < position(&seen, &Seen::Start(step.id.0)),
                    "{} started before {dependency} ended: {seen:?}",
                    step.id
                );
            }
        }
        // Independent creates run concurrently.
        assert!(runner.peak() >= 2, "peak {}", runner.peak());
        // Timings are recorded for the benchmark hook.
        assert!(outcome.steps.iter().all(|s| s.duration.is_some()));
        assert!(outcome.steps.iter().all(|s| s.started_at.is_some()));
    }

    #[tokio::test]
    async fn created_ids_are_handed_to_later_steps() {
        let plan = plan_of(vec![(create("web"), vec![]), (start("web", 0), vec![0])]);
        let runner = FakeRunner::default();
        let outcome = run_plan(&plan, &runner, Limits::default(), &CancelToken::new()).await;
        assert!(outcome.is_success());
        let handed = runner.handed.lock().expect("handed").clone();
        assert_eq!(handed, vec![(0, None), (1, Some("cid-0".to_string()))]);
        assert_eq!(outcome.steps[0].container_id.as_deref(), Some("cid-0"));
    }

    #[tokio::test]
    async fn parallelism_is_bounded() {
        let steps: Vec<(Action, Vec<usize>)> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|s| (create(s), vec![]))
            .collect();
        let plan = plan_of(steps);
        for (limit, expected_peak) in [(Some(1), 1), (Some(2), 2), (None, 6)] {
            let runner = FakeRunner {
                delay: Duration::from_millis(20),
                ..FakeRunner::default()
            };
            let limits = Limits {
                steps: limit,
                engine_work: None,
            };
            let outcome = run_plan(&plan, &runner, limits, &CancelToken::new()).await;
            assert!(outcome.is_success());
            assert_eq!(runner.peak(), expected_peak, "limit {limit:?}");
        }
    }

    fn wait(service: &str) -> Action {
        Action::WaitForDependency {
            service: service.into(),
            dependency: "db".into(),
            condition: hoist_planner::Condition::Healthy,
            required: true,
        }
    }

    #[tokio::test]
    async fn engine_work_is_bounded_and_waits_are_not() {
        let mut steps: Vec<(Action, Vec<usize>)> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|s| (create(s), vec![]))
            .collect();
        steps.extend(["x", "y", "z"].iter().map(|s| (wait(s), vec![])));
        let plan = plan_of(steps);
        let runner = FakeRunner {
            delay: Duration::from_millis(20),
            ..FakeRunner::default()
        };
        let limits = Limits {
            steps: None,
            engine_work: Some(2),
        };
        let outcome = run_plan(&plan, &runner, limits, &CancelToken::new()).await;
        assert!(outcome.is_success());
        assert_eq!(runner.peak_work(), 2);
        // The three waits ran beside the two creates in flight.
        assert_eq!(runner.peak(), 5);
    }

    #[tokio::test]
    async fn steps_held_back_by_the_work_bound_are_not_started_once_cancelled() {
        let token = CancelToken::new();
        let plan = plan_of(vec![(create("a"), vec![]), (create("b"), vec![])]);
        let runner = FakeRunner {
            delay: Duration::from_millis(10),
            cancel_on: Some((0, token.clone())),
            ..FakeRunner::default()
        };
        let limits = Limits {
            steps: None,
            engine_work: Some(1),
        };
        let outcome = run_plan(&plan, &runner, limits, &token).await;
        assert!(outcome.cancelled);
        assert_eq!(outcome.steps[0].status, StepStatus::Succeeded);
        assert_eq!(outcome.steps[1].status, StepStatus::NotStarted);
        assert_eq!(runner.seen(), vec![Seen::Start(0), Seen::End(0)]);
    }

    #[tokio::test]
    async fn a_failure_skips_only_its_dependents() {
        // 0 fails; 1 after 0 and 2 after 1 are skipped; 3 and 4 are independent.
        let plan = plan_of(vec![
            (create("broken"), vec![]),
            (start("broken", 0), vec![0]),
            (create("child"), vec![1]),
            (create("lone"), vec![]),
            (start("lone", 3), vec![3]),
        ]);
        let runner = FakeRunner {
            failing: HashSet::from([0]),
            ..FakeRunner::default()
        };
        let outcome = run_plan(&plan, &runner, Limits::default(), &CancelToken::new()).await;
        let statuses: Vec<StepStatus> = outcome.steps.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            vec![
                StepStatus::Failed,
                StepStatus::Skipped,
                StepStatus::Skipped,
                StepStatus::Succeeded,
                StepStatus::Succeeded,
            ]
        );
        assert!(!outcome.is_success());
        assert!(!outcome.cancelled);
        assert_eq!(outcome.failures.len(), 1);
        assert_eq!(outcome.failures[0].service.as_deref(), Some("broken"));
        assert_eq!(outcome.failures[0].message, "step 0 broke");
        assert_eq!(outcome.failed_services(&plan), vec!["broken", "child"]);
        let error = crate::ExecError {
            outcome: Box::new(outcome),
        };
        assert_eq!(error.to_string(), "step 0 broke");
    }

    #[tokio::test]
    async fn cancellation_stops_new_steps_and_lets_running_ones_finish() {
        let token = CancelToken::new();
        let plan = plan_of(vec![
            (create("a"), vec![]),
            (create("b"), vec![]),
            (start("a", 0), vec![0]),
        ]);
        let runner = FakeRunner {
            delay: Duration::from_millis(10),
            cancel_on: Some((0, token.clone())),
            ..FakeRunner::default()
        };
        let limits = Limits {
            steps: Some(1),
            engine_work: None,
        };
        let outcome = run_plan(&plan, &runner, limits, &token).await;
        assert!(outcome.cancelled);
        assert_eq!(outcome.steps[0].status, StepStatus::Succeeded);
        assert_eq!(outcome.steps[1].status, StepStatus::NotStarted);
        assert_eq!(outcome.steps[2].status, StepStatus::NotStarted);
        assert_eq!(runner.seen(), vec![Seen::Start(0), Seen::End(0)]);
        let error = crate::ExecError {
            outcome: Box::new(outcome),
        };
        assert_eq!(error.to_string(), "cancelled");
    }

    #[tokio::test]
    async fn an_already_cancelled_run_starts_nothing() {
        let token = CancelToken::new();
        token.cancel();
        let plan = plan_of(vec![(create("a"), vec![])]);
        let runner = FakeRunner::default();
        let outcome = run_plan(&plan, &runner, Limits::default(), &token).await;
        assert!(outcome.cancelled);
        assert_eq!(outcome.steps[0].status, StepStatus::NotStarted);
        assert!(runner.seen().is_empty());
    }

    #[tokio::test]
    async fn invalid_dependencies_are_skipped_not_hung() {
        let plan = plan_of(vec![(create("a"), vec![1]), (create("b"), vec![7])]);
        let runner = FakeRunner::default();
        let outcome = run_plan(&plan, &runner, Limits::default(), &CancelToken::new()).await;
        assert_eq!(outcome.steps[0].status, StepStatus::Skipped);
        assert_eq!(outcome.steps[1].status, StepStatus::Skipped);
        assert!(runner.seen().is_empty());
    }

    #[tokio::test]
    async fn an_empty_plan_succeeds() {
        let outcome = run_plan(
            &Plan::default(),
            &FakeRunner::default(),
            Limits {
                steps: Some(0),
                engine_work: Some(0),
            },
            &CancelToken::new(),
        )
        .await;
        assert!(outcome.is_success());
        assert!(outcome.steps.is_empty());
    }
}
