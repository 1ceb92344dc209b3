//! Choosing the progress sink from `--progress` (or `COMPOSE_PROGRESS`), `--ansi` and whether
//! standard error is a terminal. Better than Docker Compose: without a terminal the default is
//! quiet, line-based output (one plain line per event), never control sequences.

use crate::cli::{Ansi, GlobalOptions, Progress};
use hoist_executor::{JsonProgress, PlainProgress, ProgressSink, QuietProgress, TtyProgress};
use std::io::IsTerminal;

/// The progress mode after applying defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Live terminal view.
    Tty,
    /// One line per event.
    Plain,
    /// JSON lines.
    Json,
    /// Nothing.
    Quiet,
}

/// Resolves the progress mode. `requested` is `--progress` (else `COMPOSE_PROGRESS`).
pub fn mode(requested: Option<Progress>, ansi: Option<Ansi>, stderr_is_tty: bool) -> Mode {
    let ansi = ansi.or_else(|| match std::env::var("COMPOSE_ANSI").ok().as_deref() {
        Some("never") => Some(Ansi::Never),
        Some("always") => Some(Ansi::Always),
        _ => None,
    });
    let requested = requested.or_else(|| match std::env::var("COMPOSE_PROGRESS").ok().as_deref() {
        Some("tty") => Some(Progress::Tty),
        Some("plain") => Some(Progress::Plain),
        Some("json") => Some(Progress::Json),
        Some("quiet") | Some("none") => Some(Progress::Quiet),
        _ => None,
    });
    match requested {
        Some(Progress::Tty) => Mode::Tty,
        Some(Progress::Plain) => Mode::Plain,
        Some(Progress::Json) => Mode::Json,
        Some(Progress::Quiet) | Some(Progress::None) => Mode::Quiet,
        Some(Progress::Auto) | None => {
            let colour_ok = match ansi {
                Some(Ansi::Never) => false,
                Some(Ansi::Always) => true,
                _ => stderr_is_tty,
            };
            if stderr_is_tty && colour_ok {
                Mode::Tty
            } else {
                Mode::Plain
            }
        }
    }
}

/// The sink for this command line; `title` heads the terminal view.
pub fn sink(global: &GlobalOptions, title: &str) -> Box<dyn ProgressSink> {
    match mode(
        global.progress,
        global.ansi,
        std::io::stderr().is_terminal(),
    ) {
        Mode::Tty => Box::new(TtyProgress::stderr(title)),
        Mode::Plain => Box::new(PlainProgress::stderr()),
        Mode::Json => Box::new(JsonProgress::stderr()),
        Mode::Quiet => Box::new(QuietProgress),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_depend_on_the_terminal() {
        assert_eq!(mode(None, None, false), Mode::Plain);
        assert_eq!(mode(None, Some(Ansi::Never), true), Mode::Plain);
        assert_eq!(mode(Some(Progress::Json), None, true), Mode::Json);
        assert_eq!(mode(Some(Progress::None), None, true), Mode::Quiet);
        assert_eq!(mode(Some(Progress::Tty), None, false), Mode::Tty);
    }
}
