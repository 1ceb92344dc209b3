//! GPU support checks. A device request for GPUs (`gpus:`, `deploy.resources.reservations.
//! devices`) fails only at container start, with an obscure OCI error, on an engine that
//! has no NVIDIA runtime or CDI; the CLI calls [`check_gpu_support`] before creating.

use bollard::models::SystemInfo;
use hoist_loader::model::ServiceConfig;

/// Whether the service asks the engine for GPUs.
pub fn service_requests_gpu(svc: &ServiceConfig) -> bool {
    if !svc.gpus.is_empty() {
        return true;
    }
    svc.deploy
        .as_ref()
        .and_then(|d| d.resources.reservations.as_ref())
        .is_some_and(|r| {
            r.devices
                .iter()
                .any(|d| d.capabilities.iter().any(|c| c == "gpu") || d.driver == "nvidia")
        })
}

/// `Ok` when the engine (from its `info`) can satisfy GPU device requests: an `nvidia`
/// runtime is registered or CDI specification directories are configured; otherwise a
/// message saying what is missing.
pub fn check_gpu_support(info: &SystemInfo) -> Result<(), String> {
    let has_nvidia_runtime = info
        .runtimes
        .as_ref()
        .is_some_and(|r| r.keys().any(|k| k.contains("nvidia")));
    let has_cdi = info.cdi_spec_dirs.as_ref().is_some_and(|d| !d.is_empty());
    if has_nvidia_runtime || has_cdi {
        return Ok(());
    }
    let runtimes = info
        .runtimes
        .as_ref()
        .map(|r| {
            let mut names: Vec<&str> = r.keys().map(String::as_str).collect();
            names.sort_unstable();
            names.join(", ")
        })
        .unwrap_or_default();
    Err(format!(
        "this engine cannot provide GPUs: no NVIDIA runtime is registered (runtimes: {}) and CDI is not enabled; install the NVIDIA Container Toolkit on the engine host (nvidia-ctk runtime configure) and restart the engine",
        if runtimes.is_empty() { "none" } else { &runtimes }
    ))
}

/// Names of the project's services that ask for GPUs (sorted), for deciding whether to
/// call [`check_gpu_support`] before creating anything.
pub fn services_requesting_gpu(project: &hoist_loader::model::Project) -> Vec<String> {
    project
        .services
        .0
        .iter()
        .filter(|(_, svc)| service_requests_gpu(svc))
        .map(|(name, _)| name.clone())
        .collect()
}
