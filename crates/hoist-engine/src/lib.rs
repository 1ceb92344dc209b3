//! The only part of Hoist that talks to the container engine (Docker Engine API via `bollard`):
//! connection, typed observed state of a project, and the engine operations the executor runs.
