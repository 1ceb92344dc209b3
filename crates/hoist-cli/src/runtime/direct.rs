//! Engine operations that are not planned (`kill`, `pause`, `unpause`, `restart`): the same
//! call on a set of containers, a bounded number at a time, with Docker Compose's progress
//! lines (`Container x  Killing` → `Killed`). Every failure is collected; the others proceed.

use crate::Failure;
use futures_util::stream::{self, StreamExt};
use hoist_engine::EngineError;
use hoist_executor::{CancelToken, EventStatus, ProgressEvent, ProgressSink, ResourceKind};
use std::future::Future;
use std::time::Instant;

/// A container to act on.
#[derive(Debug, Clone)]
pub struct Target {
    /// Engine ID.
    pub id: String,
    /// Name (for progress and errors).
    pub name: String,
}

/// Runs `op` on every target, `limit` at a time (`None`: all at once), emitting `working` then
/// `done` (or `Error`) events. Returns one failure listing every error. The caller finishes
/// the sink.
pub async fn for_each<F, Fut>(
    targets: Vec<Target>,
    limit: Option<usize>,
    working: &str,
    done: &str,
    sink: &dyn ProgressSink,
    cancel: &CancelToken,
    op: F,
) -> Result<(), Failure>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<(), EngineError>>,
{
    let limit = limit.unwrap_or(usize::MAX).max(1);
    let op = &op;
    let results: Vec<Result<(), String>> = stream::iter(targets)
        .map(|target| async move {
            if cancel.is_cancelled() {
                return Ok(());
            }
            let started = Instant::now();
            sink.event(&ProgressEvent::new(
                ResourceKind::Container,
                target.name.clone(),
                EventStatus::Working,
                working,
            ));
            match op(target.id.clone()).await {
                Ok(()) => {
                    sink.event(
                        &ProgressEvent::new(
                            ResourceKind::Container,
                            target.name.clone(),
                            EventStatus::Done,
                            done,
                        )
                        .with_elapsed(started.elapsed()),
                    );
                    Ok(())
                }
                Err(e) => {
                    sink.event(
                        &ProgressEvent::new(
                            ResourceKind::Container,
                            target.name.clone(),
                            EventStatus::Error,
                            "Error",
                        )
                        .with_details(e.message.clone()),
                    );
                    Err(e.message)
                }
            }
        })
        .buffer_unordered(limit)
        .collect()
        .await;
    let errors: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    if cancel.is_cancelled() {
        return Err(super::interrupted());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(errors.join("\n")))
    }
}
