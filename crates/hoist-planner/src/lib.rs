//! Pure convergence logic: (desired project, observed engine state, options) -> a plan, a DAG of
//! small engine actions. No I/O here; everything is unit-tested on plain data.
