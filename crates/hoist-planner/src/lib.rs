//! Pure convergence logic: (desired project, observed engine state, options) -> a plan, a DAG of
//! small engine actions. No I/O here; everything is unit-tested on plain data.
//!
//! Pipeline position: the CLI translates the loaded compose project into a [`DesiredProject`]
//! and the engine's label-based view into an [`ObservedProject`], calls one of the `plan_*`
//! functions, prints [`Plan::warnings`] (and [`Plan::render`] for `--dry-run`), then hands the
//! [`Plan`] to the executor.
//!
//! - [`plan_up`] plans `up` and `create` (Docker Compose v5's reconciler, plus the start phase).
//! - [`plan_down`] plans `down`.
//! - [`plan_stop`] and [`plan_start`] plan `stop` / `start`.
//!
//! Planning is idempotent: applying a plan and planning again against the resulting state
//! yields an empty plan.
//!
//! # Executor contract
//!
//! - Steps are in a valid order; a step may run once every step in its `after` list is done.
//!   Independent steps may run concurrently (starts of containers whose host ports the engine
//!   picks should be serialised).
//! - [`ContainerRef::CreatedBy`] names the `CreateContainer` step whose resulting container ID
//!   to use; [`Action::RenameContainer::created_by`](Action::RenameContainer) likewise.
//! - `CheckExternalNetwork` / `CheckExternalVolume` fail the run when the external resource
//!   does not exist (the planner never creates external resources).
//! - `RemoveNetwork { best_effort: true }` and every `down` network/volume removal turn
//!   "still in use" or "not found" into warnings.
//! - `depends_on.restart: true` is planned as a stop of the dependent before its dependency is
//!   recreated and a start after it (there is no separate restart action), as Docker Compose
//!   does.
//! - `WaitForDependency` is emitted only for `service_healthy` and
//!   `service_completed_successfully`; `service_started` is pure step ordering.

mod down;
mod graph;
mod lifecycle;
mod model;
mod plan;
mod up;

pub use down::plan_down;
pub use lifecycle::{plan_start, plan_stop};
pub use model::{
    Condition, ContainerState, Dependency, DesiredNetwork, DesiredProject, DesiredService,
    DesiredVolume, DownOptions, LifecycleOptions, ObservedContainer, ObservedNetwork,
    ObservedProject, ObservedVolume, PlanError, Recreate, UpOptions,
};
pub use plan::{Action, ContainerRef, Plan, Step, StepId};
pub use up::plan_up;
