//! Runs a planner [`Plan`](hoist_planner::Plan) against the container engine: the last stage
//! of the pipeline (loader → planner → **executor**).
//!
//! [`execute`] walks the plan's DAG with bounded parallelism: every step starts as soon as the
//! steps it waits for have succeeded (at most `--parallel` at a time, and by default at most
//! [`DEFAULT_ENGINE_WORK_LIMIT`] doing engine work: dependency waits and stops waiting out a
//! grace period are never held back), container starts run in parallel except those whose
//! host ports the engine picks (port ranges, ephemeral ports: one at a time, to avoid
//! port-allocation races), and a failing step only fails the
//! steps that depend on it, so independent services still converge. Progress goes to a
//! [`ProgressSink`] ([`PlainProgress`], [`JsonProgress`], [`TtyProgress`], [`QuietProgress`]);
//! a [`CancelToken`] stops the run between engine calls.
//!
//! The executor does not know the compose model: everything it needs about services (create
//! bodies, network and volume requests, files to inject) comes through [`ServiceSpecs`],
//! implemented by the CLI.

#![warn(missing_docs)]

mod cancel;
mod outcome;
mod progress;
mod runner;
mod scheduler;
mod specs;

pub use cancel::CancelToken;
pub use outcome::{ExecError, Failure, Outcome, StepReport, StepStatus};
pub use progress::{
    EventStatus, JsonProgress, PlainProgress, ProgressEvent, ProgressSink, QuietProgress,
    ResourceKind, TtyProgress,
};
pub use runner::{execute, ExecOptions, DEFAULT_ENGINE_WORK_LIMIT, DEPENDENCY_POLL_INTERVAL};
pub use specs::{InjectedArchive, ServiceSpecs};
