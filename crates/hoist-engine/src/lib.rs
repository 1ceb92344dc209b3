//! The only part of Hoist that talks to the container engine (Docker Engine API via `bollard`):
//! connection, typed observed state of a project, and the engine operations the executor runs.
//!
//! Pipeline position: loader → planner (diffs the desired project against
//! [`ObservedProject`] from [`Engine::project_state`]) → executor (calls the operations in
//! [`ops`] on an [`Engine`]). State lives only in `com.docker.compose.*` labels ([`labels`]),
//! so Docker Compose and Hoist see each other's objects.
//!
//! ```no_run
//! # async fn demo() -> hoist_engine::Result<()> {
//! let engine = hoist_engine::Engine::connect().await?; // DOCKER_HOST / context / default
//! println!("API {}", engine.api_version());
//! let state = engine.project_state("myapp").await?;
//! for c in state.service_containers("web") {
//!     println!("{} #{:?} {} {}", c.name, c.number, c.state, c.config_hash);
//! }
//! for p in engine.list_projects(true).await? {
//!     println!("{} {} {}", p.name, p.status, p.config_files);
//! }
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod build;
pub mod credentials;
pub mod dockerignore;
pub mod endpoint;
pub mod engine;
pub mod error;
pub mod images;
pub mod interactive;
pub mod labels;
pub mod ops;
mod probe;
pub mod spec;
pub mod state;
mod tls;

/// The bollard version this crate is built on, for callers that build request bodies
/// (`bollard::models::ContainerCreateBody`, `NetworkCreateRequest`, ...).
pub use bollard;

pub use endpoint::{Endpoint, EndpointSource, TlsSettings};
pub use engine::{ApiVersion, Engine};
pub use error::{EngineError, ErrorKind, Result};
pub use ops::{CreatedContainer, ExecOutput, ExecRequest, LogChunk, LogsRequest, WaitCondition};
pub use state::{
    ContainerState, Health, ObservedContainer, ObservedNetwork, ObservedProject, ObservedVolume,
    ProjectSummary,
};
