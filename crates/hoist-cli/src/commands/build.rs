//! `hoist build`: builds the images of services that have a `build` section (in parallel,
//! bounded by `--parallel`), with Docker Compose's flags. Also holds what `pull` and `push`
//! share with it: loading the project, selecting services, the async runtime and the image
//! progress output (live per-layer bytes on a terminal, quiet lines otherwise, JSON lines
//! with `--progress json`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use hoist_engine::build::{self, image_name, BuildOptions};
use hoist_engine::images::{ImageAction, ImageEvent, ImageEventKind, ImageProgress};
use hoist_loader::model::Project;

use crate::cli::{BuildArgs, GlobalOptions, Progress};

use crate::Failure;

/// Runs `hoist build`.
pub fn run(global: &GlobalOptions, args: &BuildArgs) -> Result<(), Failure> {
    let project = load_project(global)?;
    let mut selected = select_services(&project, &args.services, args.with_dependencies)?;
    selected.retain(|name| {
        project
            .services
            .0
            .get(name)
            .is_some_and(|s| s.build.is_some())
    });
    if args.ssh.is_some() {
        return Err(Failure::new(
            "build --ssh needs BuildKit, which Hoist cannot drive yet (it builds with the engine's classic builder)",
        ));
    }
    if let Some(builder) = args.builder.as_deref().filter(|b| !b.is_empty()) {
        return Err(Failure::new(format!(
            "build --builder {builder}: Hoist only builds with the engine's classic builder"
        )));
    }
    let options = BuildOptions {
        no_cache: args.no_cache,
        pull: args.pull,
        quiet: args.quiet,
        build_args: args
            .build_args
            .iter()
            .map(|a| match a.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            })
            .collect(),
        push: args.push,
        memory: match &args.memory {
            Some(m) => hoist_loader::model::values::parse_byte_size(m)
                .ok_or_else(|| Failure::new(format!("invalid --memory value \"{m}\"")))?,
            None => 0,
        },
    };
    if args.print {
        return print_definition(&project, &selected, &options);
    }
    if selected.is_empty() {
        return Ok(());
    }
    let output = Arc::new(ImagesOutput::new(global, args.quiet));
    let parallel = parallelism(global);
    runtime()?.block_on(async {
        let engine = connect().await?;
        if global.dry_run {
            for name in &selected {
                if let Some(s) = project.services.0.get(name) {
                    out_line(&format!(
                        "DRY-RUN MODE -  Image {} Building",
                        image_name(&project, s)
                    ));
                }
            }
            return Ok(());
        }
        let sink: Arc<dyn ImageProgress> = output.clone();
        build::build_services(&engine, &project, &selected, &options, parallel, sink)
            .await
            .map(|_| ())
            .map_err(|e| Failure::new(e.message))
    })?;
    output.finish();
    Ok(())
}

/// `--print`: the build definition of each selected service as JSON (context, Dockerfile,
/// resolved args, labels, tags, target...), without building.
fn print_definition(
    project: &Project,
    selected: &[String],
    options: &BuildOptions,
) -> Result<(), Failure> {
    let mut targets = serde_json::Map::new();
    for name in selected {
        let Some(service) = project.services.0.get(name) else {
            continue;
        };
        let Some(b) = &service.build else { continue };
        let args: BTreeMap<_, _> = build::resolve_build_args(project, b, &options.build_args)
            .into_iter()
            .collect();
        let mut tags = vec![image_name(project, service)];
        tags.extend(b.tags.iter().cloned());
        let mut labels: BTreeMap<String, String> = b.labels.0.clone();
        labels.insert(build::IMAGE_BUILDER_LABEL.into(), "classic".into());
        let mut t = serde_json::Map::new();
        t.insert("context".into(), b.context.clone().into());
        let dockerfile = if b.dockerfile.is_empty() {
            "Dockerfile".to_string()
        } else {
            b.dockerfile.clone()
        };
        if b.dockerfile_inline.is_empty() {
            t.insert("dockerfile".into(), dockerfile.into());
        } else {
            t.insert(
                "dockerfile-inline".into(),
                b.dockerfile_inline.clone().into(),
            );
        }
        t.insert(
            "args".into(),
            serde_json::to_value(args).unwrap_or_default(),
        );
        t.insert(
            "labels".into(),
            serde_json::to_value(labels).unwrap_or_default(),
        );
        t.insert("tags".into(), tags.into());
        if !b.target.is_empty() {
            t.insert("target".into(), b.target.clone().into());
        }
        if !b.network.is_empty() {
            t.insert("network".into(), b.network.clone().into());
        }
        if !b.platforms.is_empty() {
            t.insert("platforms".into(), b.platforms.clone().into());
        }
        if !b.cache_from.is_empty() {
            t.insert("cache-from".into(), b.cache_from.clone().into());
        }
        if b.no_cache || options.no_cache {
            t.insert("no-cache".into(), true.into());
        }
        if b.pull || options.pull {
            t.insert("pull".into(), true.into());
        }
        targets.insert(name.clone(), t.into());
    }
    let names: Vec<&String> = targets.keys().collect();
    let doc = serde_json::json!({
        "group": {"default": {"targets": names}},
        "target": targets,
    });
    out_line(&serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into()));
    Ok(())
}

/// Loads the whole project (every enabled service), rendering loader errors.
pub(crate) fn load_project(global: &GlobalOptions) -> Result<Project, Failure> {
    crate::runtime::load_project(global, &[])
}

/// The services named on the command line (all services when none), checked to exist, in
/// dependency order, with their dependencies when `with_deps`.
pub(crate) fn select_services(
    project: &Project,
    requested: &[String],
    with_deps: bool,
) -> Result<Vec<String>, Failure> {
    for name in requested {
        if !project.services.0.contains_key(name) {
            return Err(Failure::new(format!("no such service: {name}")));
        }
    }
    let mut wanted: BTreeSet<String> = if requested.is_empty() {
        project.services.0.keys().cloned().collect()
    } else {
        requested.iter().cloned().collect()
    };
    if with_deps {
        let mut stack: Vec<String> = wanted.iter().cloned().collect();
        while let Some(name) = stack.pop() {
            if let Some(s) = project.services.0.get(&name) {
                for dep in s.depends_on.0.keys() {
                    if project.services.0.contains_key(dep) && wanted.insert(dep.clone()) {
                        stack.push(dep.clone());
                    }
                }
            }
        }
    }
    Ok(project
        .service_names_dependency_order()
        .into_iter()
        .filter(|n| wanted.contains(n))
        .collect())
}

/// `--parallel` as a task limit (0 = unlimited).
pub(crate) fn parallelism(global: &GlobalOptions) -> usize {
    crate::runtime::parallel_limit(global).unwrap_or(0)
}

/// A multi-threaded runtime for one command.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))
}

pub(crate) use crate::runtime::connect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Quiet,
    Plain,
    Tty,
    Json,
}

/// Renders image events for the terminal: on a TTY a live status line with per-layer bytes
/// plus permanent lines for milestones; otherwise one line per milestone and build output
/// prefixed with the service name; JSON objects with `--progress json`.
pub(crate) struct ImagesOutput {
    mode: Mode,
    state: Mutex<TtyState>,
}

#[derive(Default)]
struct TtyState {
    live: bool,
}

impl ImagesOutput {
    /// Chooses the mode from `--progress`, `-q` and whether stdout is a terminal.
    pub(crate) fn new(global: &GlobalOptions, quiet: bool) -> Self {
        let tty = std::io::stderr().is_terminal();
        let mode = if quiet {
            Mode::Quiet
        } else {
            match global.progress {
                Some(Progress::Quiet) | Some(Progress::None) => Mode::Quiet,
                Some(Progress::Json) => Mode::Json,
                Some(Progress::Plain) => Mode::Plain,
                Some(Progress::Tty) => Mode::Tty,
                Some(Progress::Auto) | None if tty => Mode::Tty,
                _ => Mode::Plain,
            }
        };
        ImagesOutput {
            mode,
            state: Mutex::new(TtyState::default()),
        }
    }

    /// Reports a skipped image or service (` <id> Skipped <reason>`), except when quiet.
    pub(crate) fn skipped(&self, id: &str, reason: &str) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Json => out_line(
                &serde_json::json!({"id": id, "status": "Skipped", "text": reason}).to_string(),
            ),
            _ => self.line(format!(" {id} Skipped {reason}").trim_end()),
        }
    }

    /// Clears a pending live line.
    pub(crate) fn finish(&self) {
        if let Ok(mut st) = self.state.lock() {
            if st.live {
                eprint!("\r\x1b[K");
                st.live = false;
            }
        }
    }

    fn line(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        if let Ok(mut st) = self.state.lock() {
            if st.live {
                let _ = write!(err, "\r\x1b[K");
                st.live = false;
            }
        }
        let _ = writeln!(err, "{text}");
    }

    fn live(&self, text: &str) {
        if let Ok(mut st) = self.state.lock() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K{text}");
            let _ = err.flush();
            st.live = true;
        }
    }
}

/// Writes a line on standard output, ignoring a closed pipe (`hoist ... | head`).
pub(crate) fn out_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

/// `1.5MB`-style sizes, as Docker prints them.
pub(crate) fn human_bytes(n: i64) -> String {
    let n = n.max(0) as f64;
    if n < 1000.0 {
        format!("{n}B")
    } else if n < 1e6 {
        format!("{:.1}kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.1}MB", n / 1e6)
    } else {
        format!("{:.2}GB", n / 1e9)
    }
}

impl ImageProgress for ImagesOutput {
    fn event(&self, event: ImageEvent) {
        match self.mode {
            Mode::Quiet => {
                if let ImageEventKind::Failed(message) = &event.kind {
                    self.line(&format!(" Image {} Error {}", event.image, message.trim()));
                }
            }
            Mode::Json => {
                let (status, text) = match &event.kind {
                    ImageEventKind::Started => (event.action.verbs().0, String::new()),
                    ImageEventKind::Layer {
                        id,
                        status,
                        current,
                        total,
                    } => (
                        "Working",
                        format!(
                            "{id} {status} {}/{}",
                            current.unwrap_or(0),
                            total.unwrap_or(0)
                        ),
                    ),
                    ImageEventKind::Line(l) => ("Working", l.clone()),
                    ImageEventKind::Done => (event.action.verbs().1, String::new()),
                    ImageEventKind::Failed(m) => ("Error", m.clone()),
                };
                let obj = serde_json::json!({
                    "id": format!("Image {}", event.image),
                    "service": event.service,
                    "status": status,
                    "text": text,
                });
                out_line(&obj.to_string());
            }
            Mode::Plain | Mode::Tty => {
                let tty = self.mode == Mode::Tty;
                match &event.kind {
                    ImageEventKind::Started => self.line(&format!(
                        " Image {} {}",
                        event.image,
                        event.action.verbs().0
                    )),
                    ImageEventKind::Done => self.line(&format!(
                        " Image {} {}",
                        event.image,
                        event.action.verbs().1
                    )),
                    ImageEventKind::Failed(m) => {
                        self.line(&format!(" Image {} Error {}", event.image, m.trim()))
                    }
                    ImageEventKind::Line(l) => {
                        // Without a terminal, only build output is shown line by line;
                        // pull/push chatter stays quiet.
                        if !tty && event.action != ImageAction::Build {
                            return;
                        }
                        self.line(&format!("{} | {l}", event.service))
                    }
                    ImageEventKind::Layer {
                        id,
                        status,
                        current,
                        total,
                    } => {
                        if !tty {
                            return;
                        }
                        let bytes = match (current, total) {
                            (Some(c), Some(t)) if *t > 0 => {
                                format!(" {}/{}", human_bytes(*c), human_bytes(*t))
                            }
                            (Some(c), _) if *c > 0 => format!(" {}", human_bytes(*c)),
                            _ => String::new(),
                        };
                        self.live(&format!(" {} {id} {status}{bytes}", event.service));
                    }
                }
            }
        }
    }
}
