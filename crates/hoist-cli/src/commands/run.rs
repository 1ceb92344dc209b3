//! `hoist run`: a one-off container for a service, as `docker compose run` makes it — named
//! `<project>-<service>-run-<12 hex>` (or `--name`), labelled `oneoff=True` with a
//! `com.docker.compose.slug`, no restart policy, no published ports unless `-p` or
//! `--service-ports`, the service alias only with `--use-aliases`.
//!
//! Steps: load the project → unless `--no-deps`, plan and apply `up` for the service's
//! dependencies (networks and volumes always) with the lifecycle machinery of
//! [`crate::runtime`], then wait for their `depends_on` conditions → build the create body
//! (the service's, from [`crate::runtime::specs`], adjusted for the flags) → create, attach,
//! start, and drive the session ([`crate::tty::drive`]) → the container's exit code becomes
//! Hoist's. With `--rm` the container is removed however the session ends (also after
//! Ctrl-C); detached (`-d`) it gets the engine's AutoRemove instead.

use crate::cli::GlobalOptions;
use crate::commands::exec::{exit_status, interrupted, resolve_env_with};
use crate::runtime;
use crate::target::engine_failure;
use crate::tty::{self, ResizeTarget, Session, SessionEnd, SignalTarget};
use crate::Failure;
use clap::Args;
use hoist_engine::bollard::models::{ContainerCreateBody, EndpointSettings, PortBinding};
use hoist_engine::{labels, ContainerState, Engine, Health, WaitCondition};
use hoist_loader::model::Project;
use hoist_planner::{plan_up, UpOptions};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// `run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run the container in the background and print its name.
    #[arg(short = 'd', long = "detach")]
    pub detach: bool,
    /// Remove the container when it exits.
    #[arg(long = "rm")]
    pub rm: bool,
    /// Build the image before starting the container.
    #[arg(long = "build")]
    pub build: bool,
    /// Pull the image before running (`always`, `missing`, `never`).
    #[arg(long = "pull", value_enum)]
    pub pull: Option<crate::cli::PullPolicy>,
    /// Pull without printing progress information.
    #[arg(long = "quiet-pull")]
    pub quiet_pull: bool,
    /// Set environment variables (`KEY=value`, or `KEY` to take it from the environment).
    #[arg(short = 'e', long = "env", value_name = "KEY=VAL")]
    pub env: Vec<String>,
    /// Bind-mount a volume (`SOURCE:TARGET[:ro]`).
    #[arg(short = 'v', long = "volume")]
    pub volumes: Vec<String>,
    /// Publish a container port to the host (`[IP:][HOST:]CONTAINER[/PROTO]`). `-p` after
    /// `run` means this (see [`rewrite_publish_flags`]).
    #[arg(long = "publish")]
    pub publish: Vec<String>,
    /// Publish the service's ports as configured.
    #[arg(short = 'P', long = "service-ports")]
    pub service_ports: bool,
    /// Use the service's network aliases in the networks it connects to.
    #[arg(long = "use-aliases")]
    pub use_aliases: bool,
    /// Don't start linked services.
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Override the entrypoint of the image.
    #[arg(long = "entrypoint")]
    pub entrypoint: Option<String>,
    /// Assign a name to the container.
    #[arg(long = "name")]
    pub name: Option<String>,
    /// Run as this user (`name|uid[:group|gid]`).
    #[arg(short = 'u', long = "user")]
    pub user: Option<String>,
    /// Working directory inside the container.
    #[arg(short = 'w', long = "workdir")]
    pub workdir: Option<String>,
    /// Disable pseudo-TTY allocation (default: a TTY when the local side is a terminal).
    #[arg(short = 'T', long = "no-TTY", alias = "no-tty")]
    pub no_tty: bool,
    /// Add or override a label.
    #[arg(short = 'l', long = "label")]
    pub labels: Vec<String>,
    /// Add Linux capabilities.
    #[arg(long = "cap-add")]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities.
    #[arg(long = "cap-drop")]
    pub cap_drop: Vec<String>,
    /// Keep standard input open (default true; accepted for compatibility).
    #[arg(short = 'i', long = "interactive", hide = true)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY (accepted for compatibility).
    #[arg(short = 't', long = "tty", hide = true)]
    pub tty: bool,
    /// Don't print anything to standard output.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
    /// The service.
    pub service: String,
    /// Command and arguments (the service's command when absent).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

/// Global flags that take a value (to find the subcommand in the raw arguments).
const GLOBAL_VALUE_FLAGS: &[&str] = &[
    "-f",
    "--file",
    "-p",
    "--project-name",
    "--project-directory",
    "--profile",
    "--env-file",
    "--parallel",
    "--progress",
    "--ansi",
];

/// `run` flags that take a value (to find where the service name starts).
const RUN_VALUE_FLAGS: &[&str] = &[
    "-e",
    "--env",
    "-v",
    "--volume",
    "-p",
    "--publish",
    "--entrypoint",
    "--name",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "-l",
    "--label",
    "--cap-add",
    "--cap-drop",
];

/// In Docker Compose, `-p` after `run` is `--publish` (the global `-p`, project name, goes
/// before the subcommand). clap cannot shadow a global short flag, so the raw arguments are
/// rewritten before parsing: `run -p 80:80` becomes `run --publish 80:80`, up to the service
/// name. Other commands are untouched.
pub fn rewrite_publish_flags(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter();
    if let Some(program) = iter.next() {
        out.push(program);
    }
    // Before the subcommand.
    let mut in_run = false;
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy().to_string();
        out.push(arg);
        if GLOBAL_VALUE_FLAGS.contains(&text.as_str()) {
            if let Some(value) = iter.next() {
                out.push(value);
            }
            continue;
        }
        if text.starts_with('-') {
            continue;
        }
        in_run = text == "run";
        break;
    }
    if !in_run {
        out.extend(iter);
        return out;
    }
    // Inside `run`, up to the service name.
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy().to_string();
        if text == "--" || !text.starts_with('-') {
            out.push(arg);
            break;
        }
        if text == "-p" {
            out.push("--publish".into());
            if let Some(value) = iter.next() {
                out.push(value);
            }
            continue;
        }
        if let Some(value) = text.strip_prefix("-p").filter(|_| !text.starts_with("--")) {
            out.push(format!("--publish={value}").into());
            continue;
        }
        out.push(arg);
        if RUN_VALUE_FLAGS.contains(&text.as_str()) {
            if let Some(value) = iter.next() {
                out.push(value);
            }
        }
    }
    out.extend(iter);
    out
}

/// A random 64-hex-digit slug, as Docker's `stringid.GenerateRandomID`.
fn random_slug() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !filled {
        // Fall back on time and process id: unique enough for a name.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seed = nanos ^ (u128::from(std::process::id()) << 64);
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(31);
        }
    }
    let mut slug: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // Docker avoids IDs that look like numbers (all digits in the short form).
    if slug
        .get(..12)
        .is_some_and(|s| s.bytes().all(|c| c.is_ascii_digit()))
    {
        slug.replace_range(..1, "a");
    }
    slug
}

/// Parses a `-p` publish spec into (`port/proto`, binding).
pub fn parse_publish(spec: &str) -> Result<(String, PortBinding), Failure> {
    let bad = || Failure::new(format!("invalid publish spec {spec:?}"));
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((rest, proto)) if !proto.is_empty() => (rest, proto),
        _ => (spec, "tcp"),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => ("", "", *c),
        [h, c] => ("", *h, *c),
        [ip, h, c] => (*ip, *h, *c),
        _ => return Err(bad()),
    };
    if container.is_empty() || !container.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Err(bad());
    }
    Ok((
        format!("{container}/{proto}"),
        PortBinding {
            host_ip: Some(ip.to_string()).filter(|s| !s.is_empty()),
            host_port: Some(host.to_string()).filter(|s| !s.is_empty()),
        },
    ))
}

/// Turns a `-v` spec into a bind string for the engine: relative host paths resolve
/// against the project directory, project volume keys map to their engine names.
pub fn bind_of(project: &Project, spec: &str) -> String {
    let Some((source, rest)) = spec.split_once(':') else {
        return spec.to_string();
    };
    let source = if source.starts_with('.') {
        project.working_dir.join(source).display().to_string()
    } else if let Some(home) = source.strip_prefix("~/") {
        match std::env::var("HOME") {
            Ok(h) => format!("{h}/{home}"),
            Err(_) => source.to_string(),
        }
    } else if !source.starts_with('/') {
        match project.volumes.0.get(source) {
            Some(v) if !v.name.is_empty() => v.name.clone(),
            Some(_) => format!("{}_{source}", project.name),
            None => source.to_string(),
        }
    } else {
        source.to_string()
    };
    format!("{source}:{rest}")
}

/// Splits a `--entrypoint` string into words (shell-like: quotes group, backslash escapes).
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    current.push(n);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

/// The options that shape the one-off container body.
#[derive(Debug, Clone, Default)]
pub struct OneOff {
    /// Container name.
    pub name: String,
    /// The slug.
    pub slug: String,
    /// Allocate a TTY.
    pub tty: bool,
    /// Keep standard input open and attached.
    pub stdin: bool,
    /// Engine-side removal on exit (`--rm`, as Docker Compose: nothing is left even if Hoist
    /// itself is killed).
    pub auto_remove: bool,
}

/// Adjusts the service's create body for a one-off container and the command-line flags.
pub fn adjust_body(
    project: &Project,
    args: &RunArgs,
    one: &OneOff,
    body: &mut ContainerCreateBody,
) -> Result<(), Failure> {
    let mut container_labels = body.labels.take().unwrap_or_default();
    container_labels.remove(labels::CONTAINER_NUMBER);
    container_labels.insert(labels::ONEOFF.to_string(), "True".to_string());
    container_labels.insert(labels::SLUG.to_string(), one.slug.clone());
    for item in &args.labels {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| Failure::new("label must be set as KEY=VALUE"))?;
        container_labels.insert(k.to_string(), v.to_string());
    }
    if let Some(hash) = oneoff_config_hash(project, args, one) {
        container_labels.insert(labels::CONFIG_HASH.to_string(), hash);
    }
    body.labels = Some(container_labels);

    if !args.command.is_empty() {
        body.cmd = Some(args.command.clone());
    }
    if let Some(entrypoint) = &args.entrypoint {
        body.entrypoint = Some(split_words(entrypoint));
        if args.command.is_empty() {
            body.cmd = Some(Vec::new());
        }
    }
    if let Some(user) = &args.user {
        body.user = Some(user.clone());
    }
    if let Some(workdir) = &args.workdir {
        body.working_dir = Some(workdir.clone());
    }
    if !args.env.is_empty() {
        let mut env = body.env.take().unwrap_or_default();
        for item in run_env(project, &args.env) {
            let Some((key, _)) = item.split_once('=') else {
                // Unset in the environment: dropped, as Docker Compose does.
                continue;
            };
            env.retain(|e| e.split_once('=').map_or(e.as_str(), |(k, _)| k) != key);
            env.push(item.clone());
        }
        body.env = Some(env);
    }
    body.tty = Some(one.tty);
    body.open_stdin = Some(one.stdin);
    // As Docker Compose: the attach flags do not depend on `-d`.
    body.stdin_once = Some(one.stdin);
    body.attach_stdin = Some(one.stdin);
    body.attach_stdout = Some(true);
    body.attach_stderr = Some(true);

    let mut host = body.host_config.take().unwrap_or_default();
    host.restart_policy = None;
    host.auto_remove = Some(one.auto_remove);
    if !args.service_ports {
        host.port_bindings = None;
        body.exposed_ports = None;
    }
    for spec in &args.publish {
        let (port, binding) = parse_publish(spec)?;
        host.port_bindings
            .get_or_insert_with(HashMap::new)
            .entry(port.clone())
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(binding);
        let exposed = body.exposed_ports.get_or_insert_with(Vec::new);
        if !exposed.contains(&port) {
            exposed.push(port);
        }
    }
    if !args.cap_add.is_empty() {
        let mut add = host.cap_add.take().unwrap_or_default();
        add.extend(args.cap_add.iter().cloned());
        host.cap_add = Some(add);
        if let Some(drop) = host.cap_drop.as_mut() {
            drop.retain(|c| !args.cap_add.contains(c));
        }
    }
    if !args.cap_drop.is_empty() {
        let mut drop = host.cap_drop.take().unwrap_or_default();
        drop.extend(args.cap_drop.iter().cloned());
        host.cap_drop = Some(drop);
        if let Some(add) = host.cap_add.as_mut() {
            add.retain(|c| !args.cap_drop.contains(c));
        }
    }
    if !args.volumes.is_empty() {
        let mut binds = host.binds.take().unwrap_or_default();
        binds.extend(args.volumes.iter().map(|v| bind_of(project, v)));
        host.binds = Some(binds);
    }
    body.host_config = Some(host);

    if let Some(endpoints) = body
        .networking_config
        .as_mut()
        .and_then(|n| n.endpoints_config.as_mut())
    {
        for endpoint in endpoints.values_mut() {
            fix_aliases(endpoint, &one.name, args.use_aliases);
        }
    }
    Ok(())
}

/// A one-off container's aliases: its own name, plus (with `--use-aliases`) the service's.
fn fix_aliases(endpoint: &mut EndpointSettings, name: &str, use_aliases: bool) {
    let mut aliases = endpoint.aliases.take().unwrap_or_default();
    if use_aliases {
        if aliases.is_empty() {
            aliases.push(name.to_string());
        } else if let Some(first) = aliases.first_mut() {
            *first = name.to_string();
        }
    } else {
        aliases = vec![name.to_string()];
    }
    endpoint.aliases = Some(aliases);
}

/// The config hash of the one-off service as Docker Compose computes it: the service after
/// the run flags were applied (TTY, open stdin, name, command, entrypoint, user, working
/// directory, capabilities, environment, labels, ports, no restart policy).
pub fn oneoff_config_hash(project: &Project, args: &RunArgs, one: &OneOff) -> Option<String> {
    let mut service = project.service(&args.service)?.clone();
    service.tty = one.tty;
    service.stdin_open = one.stdin;
    if !args.service_ports {
        service.ports.clear();
    }
    service.container_name = one.name.clone();
    if !args.command.is_empty() {
        service.command = Some(args.command.clone());
    }
    if let Some(user) = &args.user {
        service.user = user.clone();
    }
    if !args.cap_add.is_empty() {
        service.cap_add.extend(args.cap_add.iter().cloned());
        service.cap_drop.retain(|c| !args.cap_add.contains(c));
    }
    if !args.cap_drop.is_empty() {
        service.cap_drop.extend(args.cap_drop.iter().cloned());
        service.cap_add.retain(|c| !args.cap_drop.contains(c));
    }
    if let Some(workdir) = &args.workdir {
        service.working_dir = workdir.clone();
    }
    if let Some(entrypoint) = &args.entrypoint {
        service.entrypoint = Some(split_words(entrypoint));
        if args.command.is_empty() {
            service.command = Some(Vec::new());
        }
    }
    for item in run_env(project, &args.env) {
        if let Some((key, value)) = item.split_once('=') {
            service
                .environment
                .0
                .insert(key.to_string(), Some(value.to_string()));
        }
    }
    for item in &args.labels {
        if let Some((k, v)) = item.split_once('=') {
            service.labels.0.insert(k.to_string(), v.to_string());
        }
    }
    service.restart.clear();
    if let Some(deploy) = service.deploy.as_mut() {
        deploy.restart_policy = None;
    }
    Some(service.config_hash())
}

/// `-e` entries with bare keys resolved from the project's environment (process environment
/// and `.env`), then the process environment.
fn run_env(project: &Project, items: &[String]) -> Vec<String> {
    resolve_env_with(items, &|key| {
        project
            .environment
            .get(key)
            .cloned()
            .or_else(|| std::env::var(key).ok())
    })
}

/// The services `service` depends on, transitively.
fn dependencies_of(project: &Project, service: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut queue = vec![service.to_string()];
    while let Some(name) = queue.pop() {
        if let Some(s) = project.service(&name) {
            for dep in s.depends_on.0.keys() {
                if dep != service && found.insert(dep.clone()) {
                    queue.push(dep.clone());
                }
            }
        }
    }
    found
}

/// Waits until the direct dependencies of `service` meet their `depends_on` condition.
async fn wait_conditions(engine: &Engine, project: &Project, service: &str) -> Result<(), Failure> {
    let Some(svc) = project.service(service) else {
        return Ok(());
    };
    let conditions: Vec<(String, String)> = svc
        .depends_on
        .0
        .iter()
        .filter(|(name, _)| project.service(name).is_some())
        .map(|(name, d)| (name.clone(), d.condition.clone()))
        .filter(|(_, c)| c == "service_healthy" || c == "service_completed_successfully")
        .collect();
    if conditions.is_empty() {
        return Ok(());
    }
    loop {
        let state = engine
            .project_state(&project.name)
            .await
            .map_err(engine_failure)?;
        let mut all = true;
        for (name, condition) in &conditions {
            let containers: Vec<_> = state.service_containers(name).collect();
            if containers.is_empty() {
                all = false;
            }
            for c in containers {
                match condition.as_str() {
                    "service_healthy" => match (&c.state, &c.health) {
                        (ContainerState::Running, Some(Health::Healthy)) => {}
                        (_, Some(Health::Unhealthy)) => {
                            return Err(Failure::new(format!(
                                "dependency failed to start: container {} is unhealthy",
                                c.name
                            )))
                        }
                        (ContainerState::Exited | ContainerState::Dead, _) => {
                            return Err(Failure::new(format!(
                                "dependency failed to start: container {} exited ({})",
                                c.name,
                                c.exit_code.unwrap_or(0)
                            )))
                        }
                        (ContainerState::Running, None) => {
                            return Err(Failure::new(format!(
                                "dependency failed to start: container {} has no healthcheck configured",
                                c.name
                            )))
                        }
                        _ => all = false,
                    },
                    _ => match c.state {
                        ContainerState::Exited | ContainerState::Dead => {
                            let code = c.exit_code.unwrap_or(0);
                            if code != 0 {
                                return Err(Failure::new(format!(
                                    "service \"{name}\" didn't complete successfully: exit {code}"
                                )));
                            }
                        }
                        _ => all = false,
                    },
                }
            }
        }
        if all {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Runs `hoist run`.
pub fn run(global: &GlobalOptions, args: &RunArgs) -> Result<(), Failure> {
    let project = runtime::load_project(global, std::slice::from_ref(&args.service))?;
    if project.service(&args.service).is_none() {
        return Err(Failure::new(format!("no such service: {}", args.service)));
    }
    let slug = random_slug();
    let name = match &args.name {
        Some(n) if !n.is_empty() => n.clone(),
        _ => format!(
            "{}-{}-run-{}",
            project.name,
            args.service,
            slug.get(..12).unwrap_or(&slug)
        ),
    };
    // As Docker Compose: a detached container gets a TTY when standard output is a terminal;
    // an attached one only when both ends are (otherwise the input could not be raw).
    let tty = !args.no_tty
        && if args.detach {
            std::io::IsTerminal::is_terminal(&std::io::stdout())
        } else {
            tty::is_interactive_terminal()
        };
    let one = OneOff {
        name: name.clone(),
        slug,
        tty,
        stdin: true,
        auto_remove: args.rm,
    };
    let deps = if args.no_deps {
        BTreeSet::new()
    } else {
        dependencies_of(&project, &args.service)
    };
    runtime::block_on(async {
        let engine = runtime::connect().await?;
        let images = if global.dry_run {
            Default::default()
        } else {
            super::up::ensure_images_with(
                &engine,
                global,
                args.build,
                false,
                args.pull,
                args.quiet_pull || args.quiet,
                &project,
            )
            .await
        };
        let mut session = runtime::open_session_on(
            engine,
            runtime::Target::Loaded(Box::new(project.clone())),
            &[],
            Some(&images),
        )
        .await?;
        // Plan `up` for the dependencies only; networks and volumes are always planned.
        // Other services are left out entirely (an empty selection would mean "all").
        session.desired.services.retain(|s| deps.contains(&s.name));
        for s in &mut session.desired.services {
            s.selected = true;
        }
        let options = UpOptions {
            ignore_orphans: true,
            ..UpOptions::default()
        };
        let plan = plan_up(&session.desired, &session.observed, &options)
            .map_err(runtime::plan_failure)?;
        if !plan.is_empty() || global.dry_run {
            let cancel = runtime::cancel_on_signals();
            session.execute(global, &plan, "run", &cancel).await?;
        }
        if global.dry_run {
            return Ok(());
        }
        if !args.no_deps {
            wait_conditions(&session.engine, &project, &args.service).await?;
        }
        let mut body = session
            .specs
            .container_body(&args.service, 1, &name, None)
            .map_err(Failure::new)?;
        adjust_body(&project, args, &one, &mut body)?;
        let engine = session.engine.clone();
        let created = engine
            .create_container(&name, body)
            .await
            .map_err(engine_failure)?;
        let id = created.id.clone();
        let result = run_created(&engine, session.specs.as_ref(), args, &one, &id).await;
        if args.rm && !args.detach {
            // The engine removes it on exit (AutoRemove); this also covers a container that
            // never started. Then wait until it is really gone, so nothing is left behind
            // once Hoist returns.
            let _ = engine.remove_container(&id, true, true).await;
            let _ = tokio::time::timeout(
                Duration::from_secs(30),
                engine.wait_container(&id, WaitCondition::Removed),
            )
            .await;
        }
        result
    })
}

/// Everything after the container was created: networks, files, start, session, exit code.
async fn run_created(
    engine: &Engine,
    specs: &dyn hoist_executor::ServiceSpecs,
    args: &RunArgs,
    one: &OneOff,
    id: &str,
) -> Result<(), Failure> {
    for (network, mut endpoint) in specs
        .extra_networks(&args.service, 1)
        .map_err(Failure::new)?
    {
        fix_aliases(&mut endpoint, &one.name, args.use_aliases);
        engine
            .connect_network(&network, id, endpoint)
            .await
            .map_err(engine_failure)?;
    }
    for file in specs.injected_files(&args.service).map_err(Failure::new)? {
        engine
            .upload_archive_owned(id, &file.directory, file.tar, file.keep_owner)
            .await
            .map_err(engine_failure)?;
    }
    if args.detach {
        engine.start_container(id).await.map_err(engine_failure)?;
        if !args.quiet {
            // Docker Compose prints the container ID.
            println!("{id}");
        }
        return Ok(());
    }
    let attached = engine
        .attach_container(id, one.stdin, false, None)
        .await
        .map_err(engine_failure)?;
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs().saturating_sub(1))
        .unwrap_or(0)
        .to_string();
    engine.start_container(id).await.map_err(engine_failure)?;
    let session = Session {
        tty: one.tty,
        stdin: one.stdin,
        resize: if one.tty {
            ResizeTarget::Container(id.to_string())
        } else {
            ResizeTarget::Nothing
        },
        signals: SignalTarget::Container(id.to_string()),
    };
    let end = tty::drive(engine, attached, &session)
        .await
        .map_err(Failure::new)?;
    if end == SessionEnd::Interrupted {
        let _ = engine.kill_container(id, "SIGKILL").await;
        return Err(interrupted());
    }
    match engine.wait_container(id, WaitCondition::NotRunning).await {
        Ok(code) => exit_status(code),
        // Already removed (AutoRemove): the exit code is in the container's `die` event.
        Err(e) if e.is_not_found() => exit_status(exit_code_from_events(engine, id, since).await?),
        Err(e) => Err(engine_failure(e)),
    }
}

/// The exit code of container `id` from its `die` event since `since` (Unix seconds).
async fn exit_code_from_events(engine: &Engine, id: &str, since: String) -> Result<i64, Failure> {
    use futures_util::StreamExt;
    let filters = HashMap::from([
        ("type".to_string(), vec!["container".to_string()]),
        ("container".to_string(), vec![id.to_string()]),
        ("event".to_string(), vec!["die".to_string()]),
    ]);
    let mut events = Box::pin(engine.events(filters, Some(since)));
    let first = tokio::time::timeout(Duration::from_secs(10), events.next()).await;
    let code = match first {
        Ok(Some(Ok(event))) => event
            .actor
            .and_then(|a| a.attributes)
            .and_then(|a| a.get("exitCode").and_then(|c| c.parse::<i64>().ok())),
        _ => None,
    };
    code.ok_or_else(|| {
        Failure::new(format!(
            "cannot read the exit code of container {id}: it was removed before Hoist could ask"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(args: &[&str]) -> Vec<String> {
        rewrite_publish_flags(args.iter().map(|a| a.into()).collect())
            .into_iter()
            .map(|a| a.to_string_lossy().to_string())
            .collect()
    }

    #[test]
    fn publish_short_flag_is_rewritten_only_inside_run() {
        assert_eq!(
            rewrite(&[
                "hoist",
                "-p",
                "x",
                "run",
                "-p",
                "80:80",
                "-p8080:80",
                "web",
                "ls",
                "-p"
            ]),
            vec![
                "hoist",
                "-p",
                "x",
                "run",
                "--publish",
                "80:80",
                "--publish=8080:80",
                "web",
                "ls",
                "-p"
            ]
        );
        assert_eq!(
            rewrite(&["hoist", "-f", "run", "ps", "-p"]),
            vec!["hoist", "-f", "run", "ps", "-p"]
        );
        assert_eq!(
            rewrite(&["hoist", "run", "-e", "-p", "web"]),
            vec!["hoist", "run", "-e", "-p", "web"]
        );
    }

    #[test]
    fn publish_specs_parse() {
        let (port, b) = parse_publish("8080:80").unwrap_or_else(|f| panic!("{}", f.message));
        assert_eq!(port, "80/tcp");
        assert_eq!(b.host_port.as_deref(), Some("8080"));
        let (port, b) =
            parse_publish("127.0.0.1:53:53/udp").unwrap_or_else(|f| panic!("{}", f.message));
        assert_eq!(port, "53/udp");
        assert_eq!(b.host_ip.as_deref(), Some("127.0.0.1"));
        let (port, b) = parse_publish("80").unwrap_or_else(|f| panic!("{}", f.message));
        assert_eq!(port, "80/tcp");
        assert_eq!(b.host_port, None);
        assert!(parse_publish("a:b:c:d").is_err());
        assert!(parse_publish("8080:http").is_err());
    }

    #[test]
    fn entrypoint_words_split_like_a_shell() {
        assert_eq!(
            split_words("sh -c 'echo a b'"),
            vec!["sh", "-c", "echo a b"]
        );
        assert_eq!(split_words(r#"a "b c" d\ e"#), vec!["a", "b c", "d e"]);
        assert_eq!(split_words("''"), vec![""]);
        assert!(split_words("   ").is_empty());
    }

    #[test]
    fn slugs_are_64_hex() {
        let slug = random_slug();
        assert_eq!(slug.len(), 64);
        assert!(slug.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(slug, random_slug());
    }

    #[test]
    fn aliases_keep_only_the_name_unless_asked() {
        let mut e = EndpointSettings {
            aliases: Some(vec!["p-web-1".into(), "web".into(), "extra".into()]),
            ..Default::default()
        };
        fix_aliases(&mut e, "p-web-run-abc", false);
        assert_eq!(e.aliases, Some(vec!["p-web-run-abc".to_string()]));
        let mut e = EndpointSettings {
            aliases: Some(vec!["p-web-1".into(), "web".into()]),
            ..Default::default()
        };
        fix_aliases(&mut e, "p-web-run-abc", true);
        assert_eq!(
            e.aliases,
            Some(vec!["p-web-run-abc".to_string(), "web".to_string()])
        );
    }
}
