//! Runs a plan against the engine with bounded parallelism, dependency conditions, progress
//! events and cancellation.
