//! The glue between the loader, the engine, the planner and the executor, shared by the
//! lifecycle commands (`up`, `down`, `create`, `start`, `stop`, ...).
//!
//! Pipeline: [`load_target`] loads the compose project (or, for commands that work without a
//! compose file, falls back to the project name and the engine's labels) → [`connect`] →
//! [`observed::observe`] reads the engine state → [`desired`] translates the project for the
//! planner → a `hoist_planner::plan_*` function → [`execute_plan`] runs the plan with the
//! [`specs::ProjectSpecs`] request bodies, a progress sink from [`progress`], and Ctrl-C
//! cancellation (exit status 130).

pub mod desired;
pub mod direct;
pub mod observed;
pub mod progress;
pub mod specs;
pub mod wait;

use crate::cli::GlobalOptions;
use crate::project::{load_failure, project_options};
use crate::Failure;
use hoist_engine::Engine;
use hoist_executor::{execute, CancelToken, ExecOptions, Outcome, ServiceSpecs};
use hoist_loader::load::{self, LoadContext};
use hoist_loader::model::Project;
use hoist_planner::Plan;
use std::future::Future;

/// Exit status of a command interrupted by SIGINT/SIGTERM (as Docker Compose: 128 + SIGINT).
pub const INTERRUPTED_EXIT_CODE: u8 = 130;

/// Runs an async command body on a fresh multi-threaded tokio runtime.
pub fn block_on<F: Future<Output = Result<(), Failure>>>(body: F) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(body)
}

/// Connects to the engine; the engine crate words the "no engine answers" sentence.
pub async fn connect() -> Result<Engine, Failure> {
    Engine::connect().await.map_err(|e| Failure::new(e.message))
}

/// Loads the compose project, restricted to `services` (plus their dependencies) when any
/// are named.
pub fn load_project(global: &GlobalOptions, services: &[String]) -> Result<Project, Failure> {
    let mut opts = project_options(global)?;
    opts.services = services.to_vec();
    let mut ctx = LoadContext::default();
    load::load(&opts, &mut ctx).map_err(|e| load_failure(e, &ctx))
}

/// What a command acts on: a loaded compose project, or only a project name (no compose
/// file; the services are whatever the engine's labels say).
pub enum Target {
    /// A project loaded from compose files.
    Loaded(Box<Project>),
    /// A project known only by name.
    Labels(String),
}

impl Target {
    /// The loaded project, if any.
    pub fn project(&self) -> Option<&Project> {
        match self {
            Target::Loaded(project) => Some(project),
            Target::Labels(_) => None,
        }
    }
}

/// Loads the project; when no compose file can be found but a project name is given (`-p` or
/// `COMPOSE_PROJECT_NAME`), acts on that name alone, as Docker Compose's `down`, `stop`, ...
/// do.
pub fn load_target(global: &GlobalOptions) -> Result<Target, Failure> {
    let opts = project_options(global)?;
    let mut ctx = LoadContext::default();
    match load::load(&opts, &mut ctx) {
        Ok(project) => Ok(Target::Loaded(Box::new(project))),
        Err(err) if err.message.starts_with("no configuration file provided") => {
            let name = global
                .project_name
                .clone()
                .or_else(|| std::env::var("COMPOSE_PROJECT_NAME").ok())
                .filter(|n| !n.is_empty());
            match name {
                Some(name) => Ok(Target::Labels(
                    hoist_loader::options::normalize_project_name(&name),
                )),
                None => Err(load_failure(err, &ctx)),
            }
        }
        Err(err) => Err(load_failure(err, &ctx)),
    }
}

/// `--parallel`, else `COMPOSE_PARALLEL_LIMIT`, as given.
fn parallel_setting(global: &GlobalOptions) -> Option<i64> {
    global.parallel.or_else(|| {
        std::env::var("COMPOSE_PARALLEL_LIMIT")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
    })
}

/// Maps `--parallel` / `COMPOSE_PARALLEL_LIMIT` to the executor's limit (`None`: unlimited).
pub fn parallel_limit(global: &GlobalOptions) -> Option<usize> {
    match parallel_setting(global) {
        Some(n) if n > 0 => usize::try_from(n).ok(),
        _ => None,
    }
}

/// The executor's bound on engine work in flight: the default one when the user gave no
/// parallelism, none when they did (their limit applies to every step, `-1` lifts all).
pub fn engine_work_limit(global: &GlobalOptions) -> Option<usize> {
    match parallel_setting(global) {
        None => Some(hoist_executor::DEFAULT_ENGINE_WORK_LIMIT),
        Some(_) => None,
    }
}

/// Converts `-t/--timeout` to the planner's seconds (negative: none).
pub fn timeout_secs(timeout: Option<i64>) -> Option<u32> {
    timeout.and_then(|t| u32::try_from(t).ok())
}

/// Prints the plan's warnings on standard error.
pub fn print_warnings(plan: &Plan) {
    for warning in &plan.warnings {
        crate::print_warning(warning.strip_prefix("Warning: ").unwrap_or(warning));
    }
}

/// A cancellation token cancelled by the first SIGINT or SIGTERM.
pub fn cancel_on_signals() -> CancelToken {
    let token = CancelToken::new();
    let handler = token.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        handler.cancel();
    });
    token
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs `plan` (unless it is a dry run: then prints `plan.render()` and touches nothing).
/// Returns the outcome; a cancelled run is a failure with exit status 130, a failed one a
/// failure listing every failed step.
pub async fn execute_plan(
    global: &GlobalOptions,
    engine: &Engine,
    plan: &Plan,
    specs: &dyn ServiceSpecs,
    project: &str,
    title: &str,
    cancel: &CancelToken,
) -> Result<Option<Outcome>, Failure> {
    print_warnings(plan);
    if global.dry_run {
        print!("{}", plan.render());
        return Ok(None);
    }
    if plan.is_empty() {
        let sink = progress::sink(global, title);
        for name in &plan.running {
            sink.event(&hoist_executor::ProgressEvent::new(
                hoist_executor::ResourceKind::Container,
                name.clone(),
                hoist_executor::EventStatus::Done,
                "Running",
            ));
        }
        sink.finish();
        return Ok(Some(Outcome::default()));
    }
    let sink = progress::sink(global, title);
    for name in &plan.running {
        sink.event(&hoist_executor::ProgressEvent::new(
            hoist_executor::ResourceKind::Container,
            name.clone(),
            hoist_executor::EventStatus::Done,
            "Running",
        ));
    }
    let options = ExecOptions {
        project: project.to_string(),
        parallel: parallel_limit(global),
        engine_work_limit: engine_work_limit(global),
        wait_timeout: None,
        cancel: cancel.clone(),
    };
    match execute(plan, engine, specs, sink.as_ref(), &options).await {
        Ok(outcome) => {
            for warning in &outcome.warnings {
                crate::print_warning(warning);
            }
            Ok(Some(outcome))
        }
        Err(err) => {
            for warning in &err.outcome.warnings {
                crate::print_warning(warning);
            }
            if err.outcome.cancelled && err.outcome.failures.is_empty() {
                return Err(interrupted());
            }
            let mut lines: Vec<String> = Vec::new();
            for failure in &err.outcome.failures {
                match &failure.service {
                    Some(service) => lines.push(format!("service {service}: {}", failure.message)),
                    None => lines.push(failure.message.clone()),
                }
            }
            if lines.is_empty() {
                lines.push(err.to_string());
            }
            let mut failure = Failure::new(lines.join("\n"));
            if err.outcome.cancelled {
                failure.code = INTERRUPTED_EXIT_CODE;
            }
            Err(failure)
        }
    }
}

/// The failure of an interrupted command (exit status 130).
pub fn interrupted() -> Failure {
    Failure {
        message: "interrupted: no further changes were made; run the command again to converge"
            .to_string(),
        code: INTERRUPTED_EXIT_CODE,
    }
}

/// Checks that every name in `services` is a service of `project` (enabled or disabled).
pub fn check_service_names(project: &Project, services: &[String]) -> Result<(), Failure> {
    for name in services {
        if project.service(name).is_none() && !project.disabled_services.0.contains_key(name) {
            return Err(Failure::new(format!("no such service: {name}")));
        }
    }
    Ok(())
}

/// Everything a lifecycle command needs once connected: the engine, the request bodies, the
/// desired project and the observed state (engine view and planner view).
pub struct Session {
    /// The engine connection.
    pub engine: Engine,
    /// The loaded project, when there is a compose file.
    pub project: Option<Project>,
    /// Request bodies (creating anything needs a loaded project).
    pub specs: Box<dyn ServiceSpecs>,
    /// The planner's desired project.
    pub desired: hoist_planner::DesiredProject,
    /// The engine's view of the project.
    pub state: hoist_engine::ObservedProject,
    /// The planner's view of the project.
    pub observed: hoist_planner::ObservedProject,
}

impl Session {
    /// Runs `plan` against this session's engine, with its specs and project name (see
    /// [`execute_plan`]).
    pub async fn execute(
        &self,
        global: &GlobalOptions,
        plan: &Plan,
        title: &str,
        cancel: &CancelToken,
    ) -> Result<Option<Outcome>, Failure> {
        execute_plan(
            global,
            &self.engine,
            plan,
            self.specs.as_ref(),
            &self.desired.name,
            title,
            cancel,
        )
        .await
    }
}

/// Connects and reads the state of `target`. `selected` marks the services named on the
/// command line; `resolve_images` looks up the local image of every service (for `up`,
/// `create`, `scale`).
pub async fn open_session(
    target: Target,
    selected: &[String],
    resolve_images: bool,
) -> Result<Session, Failure> {
    let engine = connect().await?;
    let known = hoist_engine::build::ImageDigests::new();
    open_session_on(engine, target, selected, resolve_images.then_some(&known)).await
}

/// [`open_session`] on a connected engine. `images` (when given) asks for the local image of
/// every service: those it maps to an image ID are taken as they are (`up` has just made sure
/// of them), the others are looked up.
pub async fn open_session_on(
    engine: Engine,
    target: Target,
    selected: &[String],
    images: Option<&hoist_engine::build::ImageDigests>,
) -> Result<Session, Failure> {
    match target {
        Target::Loaded(project) => {
            let project = *project;
            if images.is_some() {
                check_gpus(&engine, &project).await?;
            }
            let mut specs = specs::ProjectSpecs::new(project.clone(), engine.api_version());
            if let Some(known) = images {
                specs
                    .resolve_images(&engine, known)
                    .await
                    .map_err(Failure::new)?;
            }
            let mut desired = desired::from_project(&project, selected, specs.digests());
            let (state, observed) = observed::observe(&engine, &desired).await?;
            specs.note_containers(&state);
            // Docker Compose hashes a service after replacing its `service:X` references by
            // container IDs: compare with the same hash.
            for service in &mut desired.services {
                if let Some(hash) = specs.resolved_hash(&service.name) {
                    service.config_hash = hash;
                }
            }
            Ok(Session {
                engine,
                project: Some(project),
                specs: Box::new(specs),
                desired,
                state,
                observed,
            })
        }
        Target::Labels(name) => {
            let first = engine
                .project_state(&name)
                .await
                .map_err(|e| Failure::new(e.message))?;
            let desired = desired::from_labels(&name, &first);
            let (state, observed) = observed::observe(&engine, &desired).await?;
            Ok(Session {
                engine,
                project: None,
                specs: Box::new(specs::NoSpecs),
                desired,
                state,
                observed,
            })
        }
    }
}

/// Whether an environment variable holds a true boolean (`1`, `true`, ...).
pub fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        })
        .unwrap_or(false)
}

/// Maps a planner error to a failure.
pub fn plan_failure(err: hoist_planner::PlanError) -> Failure {
    Failure::new(err.to_string())
}

/// `roots` plus every service of `desired` that (transitively) depends on one of them
/// (`depends_on` or a namespace parent).
pub fn with_dependents(
    desired: &hoist_planner::DesiredProject,
    roots: &[String],
) -> std::collections::BTreeSet<String> {
    let mut set: std::collections::BTreeSet<String> = roots.iter().cloned().collect();
    loop {
        let mut grew = false;
        for service in &desired.services {
            if set.contains(&service.name) {
                continue;
            }
            let depends = service.depends_on.iter().any(|d| set.contains(&d.service))
                || service.namespace_parents.iter().any(|p| set.contains(p));
            if depends {
                set.insert(service.name.clone());
                grew = true;
            }
        }
        if !grew {
            return set;
        }
    }
}

/// Service names of `desired` in dependency order (dependencies first, ties by name).
pub fn dependency_order(desired: &hoist_planner::DesiredProject) -> Vec<String> {
    let mut pending: Vec<&hoist_planner::DesiredService> = desired.services.iter().collect();
    pending.sort_by(|a, b| a.name.cmp(&b.name));
    let names: std::collections::BTreeSet<&str> = pending.iter().map(|s| s.name.as_str()).collect();
    let mut done: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut order = Vec::new();
    while !pending.is_empty() {
        let ready = pending.iter().position(|s| {
            s.depends_on
                .iter()
                .map(|d| d.service.as_str())
                .chain(s.namespace_parents.iter().map(String::as_str))
                .all(|p| p == s.name || !names.contains(p) || done.contains(p))
        });
        // A cycle cannot come from a loaded project; take the first one to make progress.
        let index = ready.unwrap_or(0);
        let service = pending.remove(index);
        done.insert(service.name.clone());
        order.push(service.name.clone());
    }
    order
}

/// Applies the `--profile` restriction of `down`/`stop` (see
/// [`desired::restrict_to_profiles`]) and turns the named services into the planner's list.
/// Returns `None` when nothing is left to act on.
pub fn profile_scope(
    global: &GlobalOptions,
    session: &mut Session,
    services: &[String],
) -> Option<Vec<String>> {
    let mut services = services.to_vec();
    if session.project.is_none() {
        // Without a compose file a name may be a typo or an already removed service.
        let before = services.len();
        services.retain(|s| session.desired.service(s).is_some());
        if before > 0 && services.is_empty() {
            return None;
        }
        return Some(services);
    }
    let profiles = &global.profiles;
    if profiles.is_empty() || profiles.iter().any(|p| p == "*") {
        return Some(services);
    }
    if let Some(project) = &session.project {
        desired::restrict_to_profiles(project, &mut session.desired, profiles);
    }
    let names: Vec<String> = session
        .desired
        .services
        .iter()
        .map(|s| s.name.clone())
        .collect();
    if names.is_empty() {
        return None;
    }
    if services.is_empty() {
        services = names;
    } else {
        services.retain(|s| names.contains(s));
        if services.is_empty() {
            return None;
        }
    }
    Some(services)
}

/// Refuses, before anything is created, a project whose services reserve GPUs on an engine
/// that cannot provide them (no NVIDIA runtime, no CDI): the engine would otherwise fail each
/// container start with an obscure driver error.
async fn check_gpus(engine: &Engine, project: &Project) -> Result<(), Failure> {
    let wanting = hoist_engine::spec::services_requesting_gpu(project);
    if wanting.is_empty() {
        return Ok(());
    }
    let info = engine
        .docker()
        .info()
        .await
        .map_err(|e| Failure::new(format!("cannot read the engine's information: {e}")))?;
    hoist_engine::spec::check_gpu_support(&info).map_err(|why| {
        Failure::new(format!(
            "service{} {} reserve{} GPUs, but {why}",
            if wanting.len() > 1 { "s" } else { "" },
            wanting.join(", "),
            if wanting.len() > 1 { "" } else { "s" },
        ))
    })
}
