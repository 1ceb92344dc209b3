//! Log multiplexing: merges the output of many containers into one stream with Docker
//! Compose's `service-N | ` prefixes, and follows a project's containers through restarts and
//! recreations by watching the engine's events. Used by `hoist logs` and by attached `up`.
//!
//! # Printing ([`LogPrinter`])
//! - Each container is registered under its short name (`web-1`, or its `container_name`);
//!   the prefix is `format!("{name:<W$} | ")` with `W` = longest registered name + 1, and is
//!   recomputed when a container is registered.
//! - Colours (only when enabled: a TTY on stdout or `--ansi always`, never with `--no-color`
//!   or `NO_COLOR`) are assigned round-robin at registration: cyan, yellow, green, magenta,
//!   blue, then the bright variants of the same five.
//! - Container stdout goes to the printer's stdout, container stderr to its stderr; a chunk
//!   is split into lines and every line gets its own prefix; a partial last line is held back
//!   until its newline (or the end of the stream).
//! - Status lines (`web-1 exited with code 0`) go to stdout, coloured like the prefix. With
//!   colours off they are plain lines (Docker Compose always prefixes them with `\r\x1b[K`).
//! - Once a write fails (the reader of a pipe went away), followers stop.
//!
//! # Following ([`follow`], [`attach_and_follow`])
//! The engine's container events for the project are watched from a start time on:
//! - `start` of a watched service's (non one-off) container: the container is registered and
//!   its log stream is opened from about the moment it started (`State.StartedAt` minus a
//!   second; lines already printed are recognised by their engine timestamps and skipped), so
//!   a restarted or newly created/recreated container's output keeps appearing, exactly once
//!   (docker/compose#8925);
//! - `die`: prints `NAME exited with code N` (`… (restarting)` when the engine restarts it);
//!   attached `up` then forgets the container unless it restarts, `logs -f` keeps watching it
//!   until it is removed (`destroy`);
//! - `create` of a container with the `com.docker.compose.replace` label: prints
//!   `OLD has been recreated`; for attached `up`, any created container is expected to start
//!   and keeps the follow alive (so a recreation does not end `up`).
//!
//! # Contract of [`attach_and_follow`] (for attached `up`)
//! `attach_and_follow(engine, project, services, printer, options, cancel)`:
//! - call it **before** starting containers, or pass [`AttachOptions::since`] = the Unix time
//!   taken before the first container was started: every container of `services` (all
//!   services when empty; one-off containers never) that is running at the call, or starts at
//!   or after `since`, has its output printed from `since` on (or from its start), including
//!   after restarts and recreations;
//! - containers of `services` that exist but are not running at the call are expected to
//!   start (the caller starts them next): the call does not return before each of them has
//!   exited or been removed;
//! - each exit is printed as `NAME exited with code N` and also sent on
//!   [`AttachOptions::exits`] when given (to implement `--abort-on-container-exit` /
//!   `--exit-code-from`);
//! - it returns once at least one container was followed and none of the followed containers
//!   is running or restarting any more (all exited), or as soon as `cancel` fires; log
//!   streams are closed on return. Engine errors end it with `Err`.
//!
//! ```ignore
//! let printer = LogPrinter::stdio(color, /* prefix */ true);
//! let (tx, mut exits) = tokio::sync::mpsc::unbounded_channel();
//! let cancel = CancelToken::new();
//! let since = /* Unix seconds taken before starting containers */;
//! let follower = tokio::spawn(async move {
//!     attach_and_follow(&engine, "myproject", &services, printer,
//!         AttachOptions { timestamps: false, since: Some(since), exits: Some(tx) }, cancel).await
//! });
//! // … start the containers; read `exits` for --abort-on-container-exit; cancel on Ctrl-C …
//! ```

use crate::Failure;
use futures_util::StreamExt;
use hoist_engine::bollard::models::EventMessage;
use hoist_engine::{labels, Engine, LogChunk, LogsRequest};
use hoist_executor::CancelToken;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// ANSI colour codes in Docker Compose's round-robin order.
const COLORS: [&str; 10] = [
    "36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1",
];

/// Wraps `text` in an ANSI colour.
fn paint(code: &str, text: &str) -> String {
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Which stream of the container a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Container stdout (or its TTY).
    Stdout,
    /// Container stderr.
    Stderr,
}

struct Presenter {
    name: String,
    color: Option<&'static str>,
    prefix: String,
}

struct PrinterState {
    presenters: Vec<Presenter>,
    next_color: usize,
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
}

/// Prints container output with per-container prefixes and colours (see the module docs).
/// Shared between tasks through an `Arc`.
pub struct LogPrinter {
    color: bool,
    prefix: bool,
    state: Mutex<PrinterState>,
    closed: std::sync::atomic::AtomicBool,
}

impl LogPrinter {
    /// A printer on the process's stdout and stderr.
    pub fn stdio(color: bool, prefix: bool) -> Arc<LogPrinter> {
        LogPrinter::with_writers(
            Box::new(std::io::stdout()),
            Box::new(std::io::stderr()),
            color,
            prefix,
        )
    }

    /// A printer on the given writers (tests, captured output).
    pub fn with_writers(
        out: Box<dyn Write + Send>,
        err: Box<dyn Write + Send>,
        color: bool,
        prefix: bool,
    ) -> Arc<LogPrinter> {
        Arc::new(LogPrinter {
            color,
            prefix,
            closed: std::sync::atomic::AtomicBool::new(false),
            state: Mutex::new(PrinterState {
                presenters: Vec::new(),
                next_color: 0,
                out,
                err,
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PrinterState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a container name (no-op when known): assigns its colour and re-pads every
    /// prefix to the longest name.
    pub fn register(&self, name: &str) {
        let mut state = self.lock();
        self.register_locked(&mut state, name);
    }

    fn register_locked(&self, state: &mut PrinterState, name: &str) {
        if state.presenters.iter().any(|p| p.name == name) {
            return;
        }
        let color = if self.color {
            let c = COLORS.get(state.next_color % COLORS.len()).copied();
            state.next_color = (state.next_color + 1) % COLORS.len();
            c
        } else {
            None
        };
        state.presenters.push(Presenter {
            name: name.to_string(),
            color,
            prefix: String::new(),
        });
        let width = state
            .presenters
            .iter()
            .map(|p| p.name.chars().count())
            .max()
            .unwrap_or(0)
            + 1;
        for p in &mut state.presenters {
            p.prefix = if self.prefix {
                let text = format!("{:<width$} | ", p.name);
                match p.color {
                    Some(code) => paint(code, &text),
                    None => text,
                }
            } else {
                String::new()
            };
        }
    }

    /// Prints `text` (one or more lines, without their final newline) from container `name`.
    pub fn lines(&self, name: &str, stream: Stream, text: &str) {
        let mut state = self.lock();
        self.register_locked(&mut state, name);
        let prefix = state
            .presenters
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.prefix.clone())
            .unwrap_or_default();
        let mut buf = String::new();
        for line in text.split('\n') {
            buf.push_str(&prefix);
            buf.push_str(line);
            buf.push('\n');
        }
        let writer = match stream {
            Stream::Stdout => &mut state.out,
            Stream::Stderr => &mut state.err,
        };
        if writer
            .write_all(buf.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            self.closed
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// True once a write failed (e.g. the reader of a pipe went away): followers stop.
    pub fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Prints a status line such as `web-1 exited with code 0` on stdout, coloured like the
    /// container's prefix.
    pub fn status(&self, name: &str, message: &str) {
        let mut state = self.lock();
        self.register_locked(&mut state, name);
        let color = state
            .presenters
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.color);
        let line = match color {
            Some(code) => format!("\r\x1b[K{}\n", paint(code, &format!("{name} {message}"))),
            None => format!("{name} {message}\n"),
        };
        let _ = state.out.write_all(line.as_bytes());
        let _ = state.out.flush();
    }
}

/// Options of a log stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    /// Keep streaming (and follow restarts and new containers).
    pub follow: bool,
    /// Lines from the end of each container's log (`None`: all).
    pub tail: Option<u64>,
    /// Show the engine's timestamps after the prefix.
    pub timestamps: bool,
    /// Only output since this Unix time.
    pub since: Option<i64>,
    /// Only output before this Unix time.
    pub until: Option<i64>,
}

/// A container whose output is multiplexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    /// Container ID.
    pub id: String,
    /// Name printed in the prefix (`web-1`, or the custom `container_name`).
    pub name: String,
}

/// The short name Docker Compose prints for a container: its name without the `project-`
/// prefix when it is the default `project-service-N`, else the full (custom) name.
pub fn short_name(name: &str, project: &str, service: &str, number: &str) -> String {
    let default = format!("{project}-{service}-{number}");
    if name == default {
        name.get(project.len() + 1..).unwrap_or(name).to_string()
    } else {
        name.to_string()
    }
}

/// The name of the container a replacement is being created for, from the replacement's
/// temporary name `<first 12 hex digits of the old ID>_<old name>` (used when the
/// `com.docker.compose.replace` label is missing).
fn replaced_by_temporary_name(name: &str) -> Option<&str> {
    let (id, old) = name.split_once('_')?;
    let is_short_id = id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit());
    (is_short_id && !old.is_empty()).then_some(old)
}

/// Splits a leading engine timestamp (`2026-11-28T07:48:28.123456789Z `) off a line.
fn split_timestamp(line: &str) -> Option<((i64, u32), &str)> {
    let (ts, rest) = line.split_once(' ').unwrap_or((line, ""));
    crate::table::parse_rfc3339(ts)
        .filter(|_| ts.len() >= 20)
        .map(|t| (t, rest))
}

/// Per container and stream (stdout/stderr), the engine timestamp of the last line printed.
/// Streams of the same container (an old run's stream still draining while the restarted
/// run's stream begins) print a line only when it is newer, so nothing is printed twice.
type PrintedMarks = Arc<Mutex<HashMap<(String, Stream), (i64, u32)>>>;

/// Streams one container's output to the printer until its stream ends or `cancel` fires.
/// With `marks`, lines not newer than the last printed line of the same container and
/// stream are skipped.
async fn pump(
    engine: Engine,
    printer: Arc<LogPrinter>,
    source: LogSource,
    options: LogOptions,
    marks: Option<PrintedMarks>,
    cancel: CancelToken,
) -> Result<(), Failure> {
    let request = LogsRequest {
        follow: options.follow,
        timestamps: true,
        tail: options.tail,
        since: options.since,
        until: options.until,
    };
    let mut stream = Box::pin(engine.logs(&source.id, &request));
    let mut pending: [String; 2] = [String::new(), String::new()];
    let emit = |stream: Stream, line: &str| {
        let text = match split_timestamp(line) {
            Some((ts, rest)) => {
                if let Some(marks) = &marks {
                    let mut marks = marks.lock().unwrap_or_else(|p| p.into_inner());
                    let key = (source.id.clone(), stream);
                    if marks.get(&key).is_some_and(|last| ts <= *last) {
                        return;
                    }
                    marks.insert(key, ts);
                }
                if options.timestamps {
                    line
                } else {
                    rest
                }
            }
            None => line,
        };
        printer.lines(&source.name, stream, text);
    };
    loop {
        let item = tokio::select! {
            item = stream.next() => item,
            _ = cancel.cancelled() => break,
        };
        let Some(item) = item else { break };
        if printer.is_closed() {
            break;
        }
        let (which, bytes) = match item {
            Ok(LogChunk::Stdout(b)) => (Stream::Stdout, b),
            Ok(LogChunk::Stderr(b)) => (Stream::Stderr, b),
            Err(e) if e.is_not_found() => break,
            Err(e)
                if e.kind == hoist_engine::ErrorKind::Api { status: 501 }
                    || e.message.contains("does not support reading") =>
            {
                // The logging driver cannot be read back (e.g. `none`, `syslog`).
                crate::print_warning(&format!(
                    "Can't retrieve logs for {:?}: {}",
                    source.name, e.message
                ));
                break;
            }
            Err(e) => return Err(Failure::new(e.message)),
        };
        let slot = usize::from(which == Stream::Stderr);
        let Some(buffer) = pending.get_mut(slot) else {
            continue;
        };
        buffer.push_str(&String::from_utf8_lossy(&bytes));
        while let Some(pos) = buffer.find('\n') {
            let line: String = buffer.drain(..=pos).collect();
            emit(which, line.trim_end_matches('\n').trim_end_matches('\r'));
        }
    }
    for (slot, which) in [(0usize, Stream::Stdout), (1, Stream::Stderr)] {
        if let Some(rest) = pending.get(slot).filter(|r| !r.is_empty()) {
            emit(which, rest);
        }
    }
    Ok(())
}

/// Streams the output of `sources` concurrently (no following of new containers), until every
/// stream ended or `cancel` fires.
pub async fn print_logs(
    engine: &Engine,
    printer: Arc<LogPrinter>,
    sources: Vec<LogSource>,
    options: LogOptions,
    cancel: CancelToken,
) -> Result<(), Failure> {
    for s in &sources {
        printer.register(&s.name);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for source in sources {
        tasks.spawn(pump(
            engine.clone(),
            printer.clone(),
            source,
            options.clone(),
            None,
            cancel.clone(),
        ));
    }
    let mut result = Ok(());
    while let Some(done) = tasks.join_next().await {
        if let Ok(Err(e)) = done {
            if result.is_ok() {
                result = Err(e);
            }
        }
    }
    result
}

/// An exit of a followed container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerExit {
    /// Container ID.
    pub id: String,
    /// Short name (as printed).
    pub name: String,
    /// Service.
    pub service: String,
    /// Exit code.
    pub exit_code: i64,
    /// The engine restarts it (restart policy).
    pub restarting: bool,
}

/// When [`follow`] returns on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowEnd {
    /// `logs -f`: when every container known at the start or started later has been
    /// removed. Unlike Docker Compose, which stops following once all containers stopped
    /// (so a `restart` or a recreation ends `logs -f`), stopped containers stay followed:
    /// when they start again their new output appears.
    AllKnownRemoved,
    /// Attached `up`: once at least one container was followed and none runs any more.
    #[allow(dead_code)] // used by attached `up`
    AllFollowedExited,
}

/// Options of [`attach_and_follow`].
#[allow(dead_code)] // used by attached `up`
#[derive(Debug, Clone, Default)]
pub struct AttachOptions {
    /// Show the engine's timestamps after the prefix.
    pub timestamps: bool,
    /// Unix time from which output and events count (default: now).
    pub since: Option<i64>,
    /// Receives every exit (optional).
    pub exits: Option<mpsc::UnboundedSender<ContainerExit>>,
}

fn unix_now() -> (i64, u32) {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() as i64, d.subsec_nanos()))
        .unwrap_or((0, 0))
}

/// Follows the containers of `services` of `project` for attached `up`; see the module docs
/// for the full contract.
#[allow(dead_code)] // used by attached `up`
pub async fn attach_and_follow(
    engine: &Engine,
    project: &str,
    services: &[String],
    printer: Arc<LogPrinter>,
    options: AttachOptions,
    cancel: CancelToken,
) -> Result<(), Failure> {
    let since = options.since.unwrap_or_else(|| unix_now().0);
    // Events older than the listing are history (e.g. the `die` of a container stopped by an
    // earlier command in the same second).
    let listed_at = unix_now();
    // Register every existing container so that prefixes are aligned from the first line;
    // only the running ones are streamed now, the others when they start.
    let all = list_sources(engine, project, services, true).await?;
    for listed in &all {
        printer.register(&listed.source.name);
    }
    // Running ones are streamed now; the others are expected to start (see `follow`).
    let initial = all;
    let log_options = LogOptions {
        follow: true,
        tail: None,
        timestamps: options.timestamps,
        since: Some(since),
        until: None,
    };
    follow_from(
        engine,
        project,
        services,
        initial,
        printer,
        log_options,
        FollowEnd::AllFollowedExited,
        options.exits,
        cancel,
        listed_at,
    )
    .await
}

/// A container found by [`list_sources`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSource {
    /// What to stream.
    pub source: LogSource,
    /// Service label.
    pub service: String,
    /// Container number label.
    pub number: Option<u32>,
    /// Running (or restarting) now.
    pub running: bool,
}

/// Lists the non one-off containers of `services` (all when empty) of `project`, running
/// only or in all states, sorted by name.
pub async fn list_sources(
    engine: &Engine,
    project: &str,
    services: &[String],
    all: bool,
) -> Result<Vec<ListedSource>, Failure> {
    let filters = vec![
        labels::filter(labels::PROJECT, project),
        labels::CONFIG_HASH.to_string(),
        labels::filter(labels::ONEOFF, "False"),
    ];
    let list = engine
        .docker()
        .list_containers(Some(
            hoist_engine::bollard::query_parameters::ListContainersOptions {
                all,
                filters: Some(HashMap::from([("label".to_string(), filters)])),
                ..Default::default()
            },
        ))
        .await
        .map_err(|e| {
            Failure::new(
                hoist_engine::EngineError::from_bollard(
                    &format!("project \"{project}\""),
                    "list containers of",
                    e,
                )
                .message,
            )
        })?;
    let mut out: Vec<ListedSource> = list
        .iter()
        .filter_map(|c| {
            let labels = c.labels.as_ref()?;
            let service = labels.get(labels::SERVICE).cloned().unwrap_or_default();
            if !services.is_empty() && !services.contains(&service) {
                return None;
            }
            let names: Vec<String> = c.names.clone().unwrap_or_default();
            let name = crate::commands::ps::canonical_name(&names);
            let number_text = labels
                .get(labels::CONTAINER_NUMBER)
                .cloned()
                .unwrap_or_default();
            let state = c.state.as_ref().map(|s| s.to_string()).unwrap_or_default();
            Some(ListedSource {
                source: LogSource {
                    id: c.id.clone().unwrap_or_default(),
                    name: short_name(&name, project, &service, &number_text),
                },
                service,
                number: number_text.trim().parse().ok(),
                running: state == "running" || state == "restarting",
            })
        })
        .collect();
    out.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    Ok(out)
}

/// Streams `initial` containers and follows the project's container events (see the module
/// docs) until `end` is reached, `cancel` fires, or the engine fails.
#[allow(clippy::too_many_arguments)]
pub async fn follow(
    engine: &Engine,
    project: &str,
    services: &[String],
    initial: Vec<ListedSource>,
    printer: Arc<LogPrinter>,
    options: LogOptions,
    end: FollowEnd,
    exits: Option<mpsc::UnboundedSender<ContainerExit>>,
    cancel: CancelToken,
) -> Result<(), Failure> {
    follow_from(
        engine,
        project,
        services,
        initial,
        printer,
        options,
        end,
        exits,
        cancel,
        unix_now(),
    )
    .await
}

/// [`follow`], with `listed_at` the time taken just before `initial` was listed: earlier
/// `start`/`die` events of those containers are not acted upon.
#[allow(clippy::too_many_arguments)]
async fn follow_from(
    engine: &Engine,
    project: &str,
    services: &[String],
    initial: Vec<ListedSource>,
    printer: Arc<LogPrinter>,
    options: LogOptions,
    end: FollowEnd,
    exits: Option<mpsc::UnboundedSender<ContainerExit>>,
    cancel: CancelToken,
    listed_at: (i64, u32),
) -> Result<(), Failure> {
    let events_since = options.since.unwrap_or(listed_at.0).min(listed_at.0);
    let mut events = Box::pin(engine.project_events(project, Some(events_since.to_string())));
    let mut tasks: tokio::task::JoinSet<Result<(), Failure>> = tokio::task::JoinSet::new();
    // Containers that keep `follow` alive.
    let mut alive: HashSet<String> = HashSet::new();
    let mut seen_any = false;
    let initial_ids: HashSet<String> = initial.iter().map(|s| s.source.id.clone()).collect();
    let marks: PrintedMarks = Arc::default();
    for listed in &initial {
        printer.register(&listed.source.name);
    }
    for listed in initial {
        match end {
            FollowEnd::AllKnownRemoved => {
                alive.insert(listed.source.id.clone());
            }
            FollowEnd::AllFollowedExited if listed.running => {
                alive.insert(listed.source.id.clone());
                seen_any = true;
            }
            FollowEnd::AllFollowedExited => {
                // Created but not running: expected to start (attached `up` calls before
                // starting), so it keeps the follow alive until it exits or is removed;
                // its stream opens on its `start` event.
                alive.insert(listed.source.id.clone());
                seen_any = true;
                continue;
            }
        }
        tasks.spawn(pump(
            engine.clone(),
            printer.clone(),
            listed.source,
            options.clone(),
            Some(marks.clone()),
            cancel.clone(),
        ));
    }
    let finished = |alive: &HashSet<String>, seen_any: bool| match end {
        FollowEnd::AllKnownRemoved => alive.is_empty(),
        FollowEnd::AllFollowedExited => seen_any && alive.is_empty(),
    };
    let mut result = Ok(());
    while !finished(&alive, seen_any) && !printer.is_closed() {
        let event = tokio::select! {
            e = events.next() => e,
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                if let Ok(Err(e)) = done {
                    result = Err(e);
                    break;
                }
                continue;
            }
            _ = cancel.cancelled() => break,
        };
        let Some(event) = event else { break };
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                result = Err(Failure::new(e.message));
                break;
            }
        };
        let Some(info) = EventInfo::from_message(&event, project) else {
            continue;
        };
        if info.oneoff || (!services.is_empty() && !services.contains(&info.service)) {
            continue;
        }
        match info.action.as_str() {
            "start" => {
                if initial_ids.contains(&info.id) && info.time < listed_at {
                    continue;
                }
                alive.insert(info.id.clone());
                seen_any = true;
                printer.register(&info.name);
                let started = match engine.inspect_container(&info.id).await {
                    Ok(inspect) => inspect
                        .state
                        .and_then(|s| s.started_at)
                        .and_then(|t| crate::table::parse_rfc3339(&t)),
                    Err(e) if e.is_not_found() => continue,
                    Err(e) => {
                        result = Err(Failure::new(e.message));
                        break;
                    }
                };
                // The first lines can be stamped slightly before `StartedAt`: start a second
                // earlier and let the marks drop what was already printed.
                let mut opts = options.clone();
                opts.follow = true;
                opts.tail = None;
                let from = started.unwrap_or(info.time).0 - 1;
                opts.since = Some(options.since.map_or(from, |s| s.max(from)));
                tasks.spawn(pump(
                    engine.clone(),
                    printer.clone(),
                    LogSource {
                        id: info.id.clone(),
                        name: info.name.clone(),
                    },
                    opts,
                    Some(marks.clone()),
                    cancel.clone(),
                ));
            }
            "die" => {
                // Only containers followed by this call (not, e.g., a removed container of
                // an earlier run whose events fall in the same second).
                if !alive.contains(&info.id)
                    || (initial_ids.contains(&info.id) && info.time < listed_at)
                {
                    continue;
                }
                let restarting = match engine.inspect_container(&info.id).await {
                    Ok(inspect) => inspect.state.is_some_and(|s| {
                        s.restarting.unwrap_or(false) || s.running.unwrap_or(false)
                    }),
                    Err(_) => false,
                };
                let code = info.exit_code.unwrap_or(0);
                if restarting {
                    printer.status(&info.name, &format!("exited with code {code} (restarting)"));
                } else {
                    printer.status(&info.name, &format!("exited with code {code}"));
                    if end == FollowEnd::AllFollowedExited {
                        alive.remove(&info.id);
                    }
                }
                if let Some(tx) = &exits {
                    let _ = tx.send(ContainerExit {
                        id: info.id.clone(),
                        name: info.name.clone(),
                        service: info.service.clone(),
                        exit_code: code,
                        restarting,
                    });
                }
            }
            "create" => {
                // A new container (e.g. the replacement of a recreated one, created before
                // the old one is stopped) is expected to start: attached `up` keeps going.
                if end == FollowEnd::AllFollowedExited {
                    alive.insert(info.id.clone());
                    seen_any = true;
                }
                if let Some(replaced) = info.replace.as_deref().filter(|r| !r.is_empty()) {
                    printer.status(replaced, "has been recreated");
                }
            }
            "destroy" => {
                alive.remove(&info.id);
            }
            _ => {}
        }
    }
    // Let the streams drain what the engine already sent, then close them.
    if !cancel.is_cancelled() {
        let drain = async { while tasks.join_next().await.is_some() {} };
        let _ = tokio::time::timeout(std::time::Duration::from_millis(500), drain).await;
    }
    tasks.abort_all();
    result
}

/// The parts of a container event [`follow`] uses.
struct EventInfo {
    action: String,
    id: String,
    name: String,
    service: String,
    oneoff: bool,
    exit_code: Option<i64>,
    replace: Option<String>,
    time: (i64, u32),
}

impl EventInfo {
    fn from_message(event: &EventMessage, project: &str) -> Option<EventInfo> {
        let actor = event.actor.as_ref()?;
        let attrs = actor.attributes.as_ref()?;
        let get = |k: &str| attrs.get(k).cloned().unwrap_or_default();
        let service = get(labels::SERVICE);
        let full_name = get("name");
        let time = match event.time_nano {
            Some(n) if n > 0 => (
                n.div_euclid(1_000_000_000),
                n.rem_euclid(1_000_000_000) as u32,
            ),
            _ => (event.time.unwrap_or(0), 0),
        };
        let replace = attrs
            .get(labels::REPLACE)
            .cloned()
            .filter(|r| !r.is_empty())
            .or_else(|| {
                replaced_by_temporary_name(&full_name)
                    .map(|old| short_name(old, project, &service, &get(labels::CONTAINER_NUMBER)))
            });
        Some(EventInfo {
            action: event.action.clone().unwrap_or_default(),
            id: actor.id.clone().unwrap_or_default(),
            name: short_name(
                &full_name,
                project,
                &service,
                &get(labels::CONTAINER_NUMBER),
            ),
            service,
            oneoff: get(labels::ONEOFF) == "True",
            exit_code: attrs.get("exitCode").and_then(|c| c.parse().ok()),
            replace,
            time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl Shared {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
        }
    }

    #[test]
    fn prefixes_are_padded_to_the_longest_name() {
        let (out, err) = (Shared::default(), Shared::default());
        let p = LogPrinter::with_writers(Box::new(out.clone()), Box::new(err.clone()), false, true);
        p.lines("web-1", Stream::Stdout, "hello");
        p.register("worker-2");
        p.lines("web-1", Stream::Stdout, "a\nb");
        p.lines("worker-2", Stream::Stderr, "oops");
        p.status("web-1", "exited with code 0");
        assert_eq!(
            out.text(),
            "web-1  | hello\nweb-1     | a\nweb-1     | b\nweb-1 exited with code 0\n"
        );
        assert_eq!(err.text(), "worker-2  | oops\n");
    }

    #[test]
    fn colours_round_robin_and_no_prefix() {
        let out = Shared::default();
        let p = LogPrinter::with_writers(
            Box::new(out.clone()),
            Box::new(Shared::default()),
            true,
            true,
        );
        for i in 0..11 {
            p.register(&format!("s{i}"));
        }
        p.lines("s0", Stream::Stdout, "x");
        p.lines("s5", Stream::Stdout, "y");
        p.lines("s10", Stream::Stdout, "z");
        assert_eq!(
            out.text(),
            "\x1b[36ms0   | \x1b[0mx\n\x1b[36;1ms5   | \x1b[0my\n\x1b[36ms10  | \x1b[0mz\n"
        );
        let out = Shared::default();
        let p = LogPrinter::with_writers(
            Box::new(out.clone()),
            Box::new(Shared::default()),
            false,
            false,
        );
        p.lines("web-1", Stream::Stdout, "plain");
        assert_eq!(out.text(), "plain\n");
    }

    #[test]
    fn short_names_and_timestamps() {
        assert_eq!(short_name("p-web-1", "p", "web", "1"), "web-1");
        assert_eq!(short_name("custom", "p", "web", "1"), "custom");
        assert_eq!(
            replaced_by_temporary_name("9199013458ca_p-web-1"),
            Some("p-web-1")
        );
        assert_eq!(replaced_by_temporary_name("my_container"), None);
        assert_eq!(replaced_by_temporary_name("p-web-1"), None);
        let (ts, rest) = split_timestamp("2026-11-28T07:48:28.123456789Z hello world").expect("ts");
        assert_eq!(rest, "hello world");
        assert_eq!(ts.1, 123_456_789);
        assert!(split_timestamp("hello world").is_none());
    }

    /// Removes the reference-created project on drop.
    struct RefProject(String, std::path::PathBuf);
    impl Drop for RefProject {
        fn drop(&mut self) {
            let _ = std::process::Command::new(REFERENCE)
                .args(["-p", &self.0, "down", "-t", "0"])
                .current_dir(&self.1)
                .output();
            let _ = std::fs::remove_dir_all(&self.1);
        }
    }
    const REFERENCE: &str = "/root/.pyenv/versions/3.11.7/bin/docker-compose";

    /// Engine test (fails without an engine): attached following of containers created
    /// before and started after the call, with exits reported and the call returning once
    /// all exited.
    #[tokio::test]
    async fn attach_and_follow_reports_output_and_exits() {
        let name = format!("hobs-attach-{}", std::process::id());
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("compose.yaml"),
            "services:\n  a:\n    image: hoist-test/busybox:latest\n    command: [\"sh\", \"-c\", \"echo hi; echo oops >&2; sleep 1; exit 2\"]\n  bb:\n    image: hoist-test/busybox:latest\n    command: [\"sh\", \"-c\", \"echo from bb; sleep 2\"]\n",
        )
        .expect("compose");
        let guard = RefProject(name.clone(), dir.clone());
        let created = std::process::Command::new(REFERENCE)
            .args(["-p", &name, "create"])
            .current_dir(&dir)
            .output()
            .expect("reference create");
        assert!(
            created.status.success(),
            "{}",
            String::from_utf8_lossy(&created.stderr)
        );
        let engine = Engine::connect()
            .await
            .expect("a Docker Engine is required");
        let (out, err) = (Shared::default(), Shared::default());
        let printer =
            LogPrinter::with_writers(Box::new(out.clone()), Box::new(err.clone()), false, true);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let options = AttachOptions {
            timestamps: false,
            since: None,
            exits: Some(tx),
        };
        let follower = {
            let engine = engine.clone();
            let name = name.clone();
            tokio::spawn(async move {
                attach_and_follow(&engine, &name, &[], printer, options, CancelToken::new()).await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        for c in ["a-1", "bb-1"] {
            let id = format!("{name}-{c}");
            engine.start_container(&id).await.expect("start");
        }
        let done = tokio::time::timeout(std::time::Duration::from_secs(30), follower)
            .await
            .expect("attach_and_follow returns once all containers exited");
        done.expect("join").expect("no error");
        let text = out.text();
        assert!(text.contains("a-1   | hi\n"), "{text}");
        assert!(text.contains("bb-1  | from bb\n"), "{text}");
        assert!(text.contains("a-1 exited with code 2\n"), "{text}");
        assert!(text.contains("bb-1 exited with code 0\n"), "{text}");
        assert!(err.text().contains("a-1   | oops\n"), "{}", err.text());
        let mut exits = Vec::new();
        while let Ok(e) = rx.try_recv() {
            exits.push((e.name, e.exit_code, e.restarting));
        }
        exits.sort();
        assert_eq!(
            exits,
            vec![
                ("a-1".to_string(), 2, false),
                ("bb-1".to_string(), 0, false)
            ]
        );
        drop(guard);
    }
}
