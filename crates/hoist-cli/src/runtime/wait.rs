//! `--wait`: after the containers are started, poll the engine until every container of the
//! waited-for services is running, and healthy when it has a healthcheck.
//!
//! Better than Docker Compose (docker/compose#10596): a one-shot service (restart policy `no`
//! or unset) whose containers exited with status 0 counts as done instead of failing the
//! wait. A container that exits non-zero (or exits 0 while it should keep running), or turns
//! unhealthy, fails the wait with a message naming it; the whole wait is bounded by
//! `--wait-timeout` ("application not healthy after ...").

use crate::Failure;
use hoist_engine::{ContainerState, Engine, Health, ObservedContainer};
use hoist_executor::{CancelToken, EventStatus, ProgressEvent, ProgressSink, ResourceKind};
use hoist_loader::model::ServiceConfig;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How often the engine is polled while waiting.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// A service `--wait` waits for.
#[derive(Debug, Clone)]
pub struct Waited {
    /// Service name.
    pub name: String,
    /// Whether exiting with status 0 means done (restart policy `no` or unset).
    pub one_shot: bool,
}

impl Waited {
    /// The wait target of a loaded service.
    pub fn of(service: &ServiceConfig) -> Self {
        let deploy_restarts = service
            .deploy
            .as_ref()
            .and_then(|d| d.restart_policy.as_ref())
            .is_some_and(|p| !p.condition.is_empty() && p.condition != "none");
        let one_shot = matches!(service.restart.as_str(), "" | "no") && !deploy_restarts;
        Waited {
            name: service.name.clone(),
            one_shot,
        }
    }
}

/// What one container's state means for the wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not there yet.
    Pending,
    /// Running (healthy), or a one-shot that completed.
    Ready(&'static str),
    /// The wait fails.
    Failed(String),
}

/// Judges one container.
pub fn judge(container: &ObservedContainer, one_shot: bool) -> Verdict {
    match container.state {
        ContainerState::Running => match container.health {
            Some(Health::Healthy) => Verdict::Ready("Healthy"),
            Some(Health::Unhealthy) => {
                Verdict::Failed(format!("container {} is unhealthy", container.name))
            }
            Some(Health::Starting) => Verdict::Pending,
            None => Verdict::Ready("Running"),
        },
        ContainerState::Exited | ContainerState::Dead => {
            let code = container.exit_code.unwrap_or(0);
            if code == 0 && one_shot {
                Verdict::Ready("Exited")
            } else {
                Verdict::Failed(format!("container {} exited ({code})", container.name))
            }
        }
        _ => Verdict::Pending,
    }
}

/// Waits for `services` of `project`; `timeout` bounds the whole wait.
pub async fn wait_for(
    engine: &Engine,
    project: &str,
    services: &[Waited],
    timeout: Option<Duration>,
    cancel: &CancelToken,
    sink: &dyn ProgressSink,
) -> Result<(), Failure> {
    let started = Instant::now();
    let mut announced: BTreeSet<String> = BTreeSet::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut running_before: BTreeSet<String> = BTreeSet::new();
    loop {
        let state = engine
            .project_state(project)
            .await
            .map_err(|e| Failure::new(e.message))?;
        let mut all_ready = true;
        let mut running_now: BTreeSet<String> = BTreeSet::new();
        for service in services {
            for container in state.service_containers(&service.name) {
                if announced.insert(container.name.clone()) {
                    sink.event(&ProgressEvent::new(
                        ResourceKind::Container,
                        container.name.clone(),
                        EventStatus::Working,
                        "Waiting",
                    ));
                }
                match judge(container, service.one_shot) {
                    Verdict::Pending => all_ready = false,
                    // A container just started may still be about to exit: "running" counts
                    // once it has been seen on two consecutive polls.
                    Verdict::Ready("Running")
                        if !running_before.contains(&container.name)
                            && !done.contains(&container.name) =>
                    {
                        running_now.insert(container.name.clone());
                        all_ready = false;
                    }
                    Verdict::Ready(text) => {
                        if done.insert(container.name.clone()) {
                            sink.event(
                                &ProgressEvent::new(
                                    ResourceKind::Container,
                                    container.name.clone(),
                                    EventStatus::Done,
                                    text,
                                )
                                .with_elapsed(started.elapsed()),
                            );
                        }
                    }
                    Verdict::Failed(message) => {
                        sink.event(
                            &ProgressEvent::new(
                                ResourceKind::Container,
                                container.name.clone(),
                                EventStatus::Error,
                                "Error",
                            )
                            .with_details(message.clone()),
                        );
                        sink.finish();
                        return Err(Failure::new(message));
                    }
                }
            }
        }
        if all_ready {
            sink.finish();
            return Ok(());
        }
        running_before = running_now;
        if let Some(limit) = timeout {
            if started.elapsed() >= limit {
                sink.finish();
                return Err(Failure::new(format!(
                    "application not healthy after {}",
                    go_seconds(limit)
                )));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_INTERVAL) => {}
            _ = cancel.cancelled() => {
                sink.finish();
                return Err(super::interrupted());
            }
        }
    }
}

/// A whole number of seconds as Go prints a duration (`3s`, `1m0s`).
fn go_seconds(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(
        state: ContainerState,
        health: Option<Health>,
        code: Option<i64>,
    ) -> ObservedContainer {
        ObservedContainer {
            id: "id".into(),
            name: "p-web-1".into(),
            service: "web".into(),
            number: Some(1),
            oneoff: false,
            state,
            health,
            exit_code: code,
            config_hash: String::new(),
            image_digest: None,
            image: String::new(),
            image_id: String::new(),
            status: String::new(),
            labels: Default::default(),
            networks: Default::default(),
            volumes: Vec::new(),
            created: 0,
        }
    }

    #[test]
    fn one_shot_exit_zero_is_done() {
        let c = container(ContainerState::Exited, None, Some(0));
        assert_eq!(judge(&c, true), Verdict::Ready("Exited"));
        assert_eq!(
            judge(&c, false),
            Verdict::Failed("container p-web-1 exited (0)".into())
        );
        let failed = container(ContainerState::Exited, None, Some(3));
        assert_eq!(
            judge(&failed, true),
            Verdict::Failed("container p-web-1 exited (3)".into())
        );
    }

    #[test]
    fn health_decides_for_running_containers() {
        let starting = container(ContainerState::Running, Some(Health::Starting), None);
        assert_eq!(judge(&starting, false), Verdict::Pending);
        let healthy = container(ContainerState::Running, Some(Health::Healthy), None);
        assert_eq!(judge(&healthy, false), Verdict::Ready("Healthy"));
        let sick = container(ContainerState::Running, Some(Health::Unhealthy), None);
        assert!(matches!(judge(&sick, false), Verdict::Failed(_)));
        let plain = container(ContainerState::Running, None, None);
        assert_eq!(judge(&plain, false), Verdict::Ready("Running"));
        let created = container(ContainerState::Created, None, None);
        assert_eq!(judge(&created, false), Verdict::Pending);
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_seconds(Duration::from_secs(3)), "3s");
        assert_eq!(go_seconds(Duration::from_secs(60)), "1m0s");
        assert_eq!(go_seconds(Duration::from_secs(3661)), "1h1m1s");
    }
}
