//! Progress reporting: the executor emits a [`ProgressEvent`] whenever a resource changes
//! state (`Container proj-web-1  Starting` → `Started`), and a [`ProgressSink`] shows them.
//! Four sinks mirror Docker Compose's `--progress` modes: [`PlainProgress`] (one line per
//! event), [`JsonProgress`] (one JSON object per line), [`TtyProgress`] (a live block of lines
//! redrawn with ANSI escapes) and [`QuietProgress`] (nothing).

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The kind of resource an event is about (first word of the progress line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// A container.
    Container,
    /// A network.
    Network,
    /// A volume.
    Volume,
    /// A service as a whole.
    Service,
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResourceKind::Container => "Container",
            ResourceKind::Network => "Network",
            ResourceKind::Volume => "Volume",
            ResourceKind::Service => "Service",
        })
    }
}

/// Where a resource's task stands (Docker Compose's `Working`/`Done`/`Warning`/`Error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventStatus {
    /// In progress (`Creating`, `Starting`, `Waiting`, ...).
    Working,
    /// Finished (`Created`, `Started`, `Healthy`, ...).
    Done,
    /// Finished with a warning.
    Warning,
    /// Failed.
    Error,
}

impl EventStatus {
    /// Docker Compose's word for the status (JSON `status` field).
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Working => "Working",
            EventStatus::Done => "Done",
            EventStatus::Warning => "Warning",
            EventStatus::Error => "Error",
        }
    }
}

/// One state change of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEvent {
    /// Resource kind.
    pub kind: ResourceKind,
    /// Resource name (`proj-web-1`, `proj_default`).
    pub name: String,
    /// Task status.
    pub status: EventStatus,
    /// Status text (`Creating`, `Created`, `Healthy`, `Error`, ...).
    pub text: String,
    /// Extra detail (error message, warning reason); empty when none.
    pub details: String,
    /// Time since the resource's task started (zero for the first `Working` event).
    pub elapsed: Duration,
}

impl ProgressEvent {
    /// A new event with no details and no elapsed time.
    pub fn new(
        kind: ResourceKind,
        name: impl Into<String>,
        status: EventStatus,
        text: impl Into<String>,
    ) -> Self {
        ProgressEvent {
            kind,
            name: name.into(),
            status,
            text: text.into(),
            details: String::new(),
            elapsed: Duration::ZERO,
        }
    }

    /// Sets the details.
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = details.into();
        self
    }

    /// Sets the elapsed time.
    pub fn with_elapsed(mut self, elapsed: Duration) -> Self {
        self.elapsed = elapsed;
        self
    }

    /// The resource's identity as shown: `Container proj-web-1`.
    pub fn id(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }

    /// The plain-mode line, without newline: ` Container proj-web-1 Started ` (Docker
    /// Compose prints id, text and details separated by single spaces after a leading one).
    pub fn plain_line(&self) -> String {
        format!(" {} {} {}", self.id(), self.text, self.details)
    }

    /// The JSON-lines form: `{"id":"Container proj-web-1","status":"Done","text":"Started"}`
    /// (`details` only when not empty).
    pub fn json_line(&self) -> String {
        let mut object = serde_json::Map::new();
        object.insert("id".into(), self.id().into());
        object.insert("status".into(), self.status.as_str().into());
        object.insert("text".into(), self.text.clone().into());
        if !self.details.is_empty() {
            object.insert("details".into(), self.details.clone().into());
        }
        serde_json::Value::Object(object).to_string()
    }
}

/// Receives progress events. Called from the executor's task; must not block for long.
pub trait ProgressSink: Send + Sync {
    /// One state change.
    fn event(&self, event: &ProgressEvent);
    /// The run is over: flush, stop animations. Further events are still accepted.
    fn finish(&self) {}
}

/// Shows nothing (`--progress quiet`).
#[derive(Debug, Clone, Copy, Default)]
pub struct QuietProgress;

impl ProgressSink for QuietProgress {
    fn event(&self, _event: &ProgressEvent) {}
}

/// One line per event (`--progress plain`), as Docker Compose prints them.
pub struct PlainProgress {
    out: Mutex<Box<dyn Write + Send>>,
}

impl PlainProgress {
    /// Writes to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        PlainProgress {
            out: Mutex::new(out),
        }
    }

    /// Writes to standard error (where Docker Compose writes progress).
    pub fn stderr() -> Self {
        PlainProgress::new(Box::new(std::io::stderr()))
    }
}

impl ProgressSink for PlainProgress {
    fn event(&self, event: &ProgressEvent) {
        if let Ok(mut out) = self.out.lock() {
            let _ = writeln!(out, "{}", event.plain_line());
            let _ = out.flush();
        }
    }
}

/// One JSON object per event and line (`--progress json`).
pub struct JsonProgress {
    out: Mutex<Box<dyn Write + Send>>,
}

impl JsonProgress {
    /// Writes to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        JsonProgress {
            out: Mutex::new(out),
        }
    }

    /// Writes to standard error.
    pub fn stderr() -> Self {
        JsonProgress::new(Box::new(std::io::stderr()))
    }
}

impl ProgressSink for JsonProgress {
    fn event(&self, event: &ProgressEvent) {
        if let Ok(mut out) = self.out.lock() {
            let _ = writeln!(out, "{}", event.json_line());
            let _ = out.flush();
        }
    }
}

const SPINNER_FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const TICK: Duration = Duration::from_millis(100);

/// One resource line of the live view.
struct TtyLine {
    id: String,
    status: EventStatus,
    text: String,
    details: String,
    started: Instant,
    /// Frozen elapsed time once the task is no longer working.
    finished: Option<Duration>,
}

struct TtyState {
    out: Box<dyn Write + Send>,
    title: String,
    lines: Vec<TtyLine>,
    drawn: usize,
    frame: usize,
    width: usize,
}

impl TtyState {
    fn apply(&mut self, event: &ProgressEvent) {
        let id = event.id();
        let now = Instant::now();
        let index = match self.lines.iter().position(|l| l.id == id) {
            Some(index) => index,
            None => {
                self.lines.push(TtyLine {
                    id,
                    status: event.status,
                    text: String::new(),
                    details: String::new(),
                    started: now.checked_sub(event.elapsed).unwrap_or(now),
                    finished: None,
                });
                self.lines.len() - 1
            }
        };
        let Some(line) = self.lines.get_mut(index) else {
            return;
        };
        if event.status == EventStatus::Working && line.finished.is_some() {
            // A new task on a resource already shown (e.g. Started, then Waiting).
            line.started = now;
            line.finished = None;
        }
        line.status = event.status;
        line.text = event.text.clone();
        line.details = event.details.clone();
        if event.status != EventStatus::Working {
            line.finished = Some(now.saturating_duration_since(line.started));
        }
    }

    fn render(&self) -> Vec<String> {
        let done = self
            .lines
            .iter()
            .filter(|l| l.status != EventStatus::Working)
            .count();
        let mut rows = vec![format!("[+] {} {done}/{}", self.title, self.lines.len())];
        let id_width = self
            .lines
            .iter()
            .map(|l| l.id.chars().count())
            .max()
            .unwrap_or(0);
        let text_width = self
            .lines
            .iter()
            .map(|l| l.text.chars().count())
            .max()
            .unwrap_or(0);
        for line in &self.lines {
            let (mark, color) = match line.status {
                EventStatus::Working => (SPINNER_FRAMES[self.frame % SPINNER_FRAMES.len()], "34"),
                EventStatus::Done => ("✔", "32"),
                EventStatus::Warning => ("!", "33"),
                EventStatus::Error => ("✘", "31"),
            };
            let elapsed = line
                .finished
                .unwrap_or_else(|| line.started.elapsed())
                .as_secs_f64();
            let mut body = format!("{:<id_width$} {:<text_width$}", line.id, line.text);
            if !line.details.is_empty() {
                body.push(' ');
                body.push_str(&line.details);
            }
            let timer = format!("{elapsed:.1}s");
            // Keep each row within the terminal: mark(3) + body + space + timer.
            let room = self.width.saturating_sub(4 + timer.len()).max(10);
            let body: String = if body.chars().count() > room {
                body.chars()
                    .take(room.saturating_sub(1))
                    .chain(['…'])
                    .collect()
            } else {
                format!("{body:<room$}")
            };
            rows.push(format!(" \x1b[{color}m{mark}\x1b[0m {body} {timer}"));
        }
        rows
    }

    fn redraw(&mut self) {
        let rows = self.render();
        let mut text = String::from("\x1b[?25l");
        if self.drawn > 0 {
            text.push_str(&format!("\x1b[{}A", self.drawn));
        }
        for row in &rows {
            text.push_str("\r\x1b[2K");
            text.push_str(row);
            text.push('\n');
        }
        text.push_str("\x1b[?25h");
        self.drawn = rows.len();
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }
}

/// A live view for terminals (`--progress tty`/`auto` on a TTY): a `[+] Running n/m` header
/// and one line per resource with a spinner or mark, its status text and elapsed seconds,
/// redrawn in place every 100 ms and on every event.
pub struct TtyProgress {
    state: Arc<Mutex<TtyState>>,
    stop: Arc<AtomicBool>,
    ticker: Mutex<Option<JoinHandle<()>>>,
}

impl TtyProgress {
    /// A live view titled `title` (Docker Compose uses `Running`) written to `out`, `width`
    /// columns wide (from `COLUMNS` or the terminal; 80 is a fine default).
    pub fn new(out: Box<dyn Write + Send>, title: impl Into<String>, width: usize) -> Self {
        let state = Arc::new(Mutex::new(TtyState {
            out,
            title: title.into(),
            lines: Vec::new(),
            drawn: 0,
            frame: 0,
            width,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("hoist-progress".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(TICK);
                        if let Ok(mut state) = state.lock() {
                            let working =
                                state.lines.iter().any(|l| l.status == EventStatus::Working);
                            if working {
                                state.frame = state.frame.wrapping_add(1);
                                state.redraw();
                            }
                        }
                    }
                })
                .ok()
        };
        TtyProgress {
            state,
            stop,
            ticker: Mutex::new(ticker),
        }
    }

    /// A live view on standard error, `COLUMNS` wide (80 when unset).
    pub fn stderr(title: impl Into<String>) -> Self {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(80);
        TtyProgress::new(Box::new(std::io::stderr()), title, width)
    }
}

impl ProgressSink for TtyProgress {
    fn event(&self, event: &ProgressEvent) {
        if let Ok(mut state) = self.state.lock() {
            state.apply(event);
            state.redraw();
        }
    }

    fn finish(&self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.ticker.lock().ok().and_then(|mut t| t.take()) {
            let _ = handle.join();
        }
        if let Ok(mut state) = self.state.lock() {
            if !state.lines.is_empty() {
                state.redraw();
            }
        }
    }
}

impl Drop for TtyProgress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose bytes the test can read back.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("capture lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Capture {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().expect("capture lock")).into_owned()
        }
    }

    fn started() -> ProgressEvent {
        ProgressEvent::new(
            ResourceKind::Container,
            "exq-web-1",
            EventStatus::Done,
            "Started",
        )
    }

    #[test]
    fn plain_lines_match_docker_compose() {
        // Oracle: ` Container exq-web-1 Started ` and ` Network exq_default Creating `.
        let capture = Capture::default();
        let sink = PlainProgress::new(Box::new(capture.clone()));
        sink.event(&started());
        sink.event(&ProgressEvent::new(
            ResourceKind::Network,
            "exq_default",
            EventStatus::Working,
            "Creating",
        ));
        assert_eq!(
            capture.text(),
            " Container exq-web-1 Started \n Network exq_default Creating \n"
        );
    }

    #[test]
    fn json_lines_match_docker_compose() {
        // Oracle: {"id":"Container exq-web-1","status":"Done","text":"Started"}
        let capture = Capture::default();
        let sink = JsonProgress::new(Box::new(capture.clone()));
        sink.event(&started());
        sink.event(
            &ProgressEvent::new(
                ResourceKind::Container,
                "exq-db-1",
                EventStatus::Error,
                "Error",
            )
            .with_details("dependency db failed to start"),
        );
        assert_eq!(
            capture.text(),
            "{\"id\":\"Container exq-web-1\",\"status\":\"Done\",\"text\":\"Started\"}\n\
             {\"id\":\"Container exq-db-1\",\"status\":\"Error\",\"text\":\"Error\",\"details\":\"dependency db failed to start\"}\n"
        );
    }

    #[test]
    fn tty_view_redraws_one_line_per_resource() {
        let capture = Capture::default();
        let sink = TtyProgress::new(Box::new(capture.clone()), "Running", 80);
        sink.event(&ProgressEvent::new(
            ResourceKind::Container,
            "p-web-1",
            EventStatus::Working,
            "Starting",
        ));
        sink.event(&ProgressEvent::new(
            ResourceKind::Container,
            "p-web-1",
            EventStatus::Done,
            "Started",
        ));
        sink.finish();
        let text = capture.text();
        // Second and later draws move the cursor up over the previous block (header + 1 line).
        assert!(text.contains("\x1b[2A"), "{text:?}");
        assert!(text.contains("[+] Running 1/1"), "{text:?}");
        assert!(text.contains("✔"), "{text:?}");
        let last_block = text.rsplit("[+]").next().unwrap_or_default();
        assert!(
            last_block.contains("Container p-web-1 Started"),
            "{last_block:?}"
        );
        assert_eq!(last_block.matches("Container").count(), 1, "{last_block:?}");
    }

    #[test]
    fn tty_rows_are_truncated_to_the_width() {
        let capture = Capture::default();
        let sink = TtyProgress::new(Box::new(capture.clone()), "Running", 30);
        sink.event(
            &ProgressEvent::new(
                ResourceKind::Container,
                "a-very-long-container-name-1",
                EventStatus::Error,
                "Error",
            )
            .with_details("a long, long error message"),
        );
        sink.finish();
        assert!(capture.text().contains('…'));
    }
}
