//! The local terminal for the interactive commands (`exec`, `run`, `attach`): raw mode with a
//! guard that restores the saved settings on drop (so also on early returns and panics), a
//! process-wide copy of the saved settings restored by a panic hook, the window size, and a
//! standard-input pump that runs on its own thread (a blocked read never holds up exit).
//!
//! [`drive`] runs one interactive session: it copies the hijacked engine streams of
//! `hoist_engine::interactive` to and from the local terminal, forwards window-size changes
//! (SIGWINCH) and SIGINT/SIGTERM, and restores the terminal however it ends.
//!
//! Pipeline position: used by the interactive commands (`exec`, `run`, `attach`) once the
//! engine side (exec instance or container) is set up.

use futures_util::StreamExt;
use hoist_engine::interactive::{Attached, OutputChunk};
use hoist_engine::Engine;
use std::io::{IsTerminal, Read, Write};
use std::sync::Mutex;
use tokio::io::AsyncWriteExt;

/// Terminal settings saved before the first switch to raw mode, for the panic hook.
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Whether standard input and standard output are both terminals.
pub fn is_interactive_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The window size (columns, rows) of the terminal on standard output (or standard input),
/// `None` when neither is a terminal.
pub fn window_size() -> Option<(u16, u16)> {
    for fd in [libc::STDOUT_FILENO, libc::STDIN_FILENO] {
        // SAFETY: TIOCGWINSZ writes a `winsize` into the struct we own.
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) };
        if rc == 0 && size.ws_col > 0 && size.ws_row > 0 {
            return Some((size.ws_col, size.ws_row));
        }
    }
    None
}

/// Restores the terminal settings saved by the first [`RawMode::enable`], if any.
pub fn restore_saved() {
    let saved = SAVED.lock().ok().and_then(|s| *s);
    if let Some(termios) = saved {
        // SAFETY: tcsetattr reads the struct we pass.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &termios);
        }
    }
}

/// Raw mode on standard input while alive; the previous settings come back on drop.
#[derive(Debug)]
pub struct RawMode {
    original: libc::termios,
}

impl RawMode {
    /// Puts the terminal on standard input in raw mode (no echo, no line editing, no
    /// signal keys: Ctrl-C reaches the container as a byte). Installs, once, a panic hook
    /// that restores the terminal before the panic message is printed.
    pub fn enable() -> std::io::Result<RawMode> {
        // SAFETY: tcgetattr fills the struct we own; cfmakeraw edits it in place.
        let mut original: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut original) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if let Ok(mut saved) = SAVED.lock() {
            if saved.is_none() {
                *saved = Some(original);
                let previous = std::panic::take_hook();
                std::panic::set_hook(Box::new(move |info| {
                    restore_saved();
                    previous(info);
                }));
            }
        }
        let mut raw = original;
        unsafe { libc::cfmakeraw(&mut raw) };
        if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(RawMode { original })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: tcsetattr reads the struct we own.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &self.original);
        }
    }
}

/// Reads standard input on a dedicated thread and hands the chunks over a channel; the
/// channel closes at end of input (or on a read error).
pub fn stdin_pump() -> tokio::sync::mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(16);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 8192];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let Some(bytes) = buf.get(..n) else { break };
                    if tx.blocking_send(bytes.to_vec()).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
    });
    rx
}

/// Parses a `--detach-keys` value (`ctrl-p,ctrl-q`, `a,ctrl-@`...) into the byte sequence,
/// as the Docker CLI accepts it.
pub fn parse_detach_keys(spec: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for key in spec.split(',') {
        let key = key.trim();
        let lower = key.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("ctrl-") {
            let byte = match rest.as_bytes() {
                [c @ b'a'..=b'z'] => c - b'a' + 1,
                [b'@'] => 0,
                [b'['] => 27,
                [b'\\'] => 28,
                [b']'] => 29,
                [b'^'] => 30,
                [b'_'] => 31,
                _ => return Err(format!("invalid detach key: {key}")),
            };
            out.push(byte);
        } else if key.len() == 1 {
            out.extend_from_slice(key.as_bytes());
        } else {
            return Err(format!("invalid detach key: {key}"));
        }
    }
    Ok(out)
}

/// What gets resized when the local window changes.
#[derive(Debug, Clone)]
pub enum ResizeTarget {
    /// Nothing (no TTY).
    Nothing,
    /// The TTY of an exec instance.
    Exec(String),
    /// The TTY of a container.
    Container(String),
}

/// Where SIGINT/SIGTERM received by Hoist go.
#[derive(Debug, Clone)]
pub enum SignalTarget {
    /// The container's main process (`run`, `attach`), through the engine.
    Container(String),
    /// Nowhere: the first signal ends the session (the remote side goes on).
    Nothing,
    /// The process of an exec instance: signalled directly when the engine runs on this
    /// host, otherwise (TTY only) SIGINT becomes a Ctrl-C byte on its terminal; a signal
    /// that cannot reach it ends the session with a warning (the command may run on).
    Exec(String),
}

/// How a [`drive`]n session is set up.
#[derive(Debug, Clone)]
pub struct Session {
    /// The remote side has a TTY (output is one raw stream; local terminal goes raw).
    pub tty: bool,
    /// Copy local standard input to the remote side.
    pub stdin: bool,
    /// What to resize on SIGWINCH.
    pub resize: ResizeTarget,
    /// Where to forward signals.
    pub signals: SignalTarget,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// The remote side closed its output (process ended, or detach keys were typed).
    Closed,
    /// A second SIGINT/SIGTERM arrived (the user wants out now), or the first one could not
    /// be forwarded.
    Interrupted,
}

async fn resize(engine: &Engine, target: &ResizeTarget) {
    let Some((w, h)) = window_size() else { return };
    // Resizing is best effort: the process may already be gone.
    let _ = match target {
        ResizeTarget::Nothing => Ok(()),
        ResizeTarget::Exec(id) => engine.resize_exec_tty(id, w, h).await,
        ResizeTarget::Container(id) => engine.resize_container_tty(id, w, h).await,
    };
}

/// How long to wait for the engine to record the PID of an exec process that has started:
/// under load its first output can come well before the engine knows its PID.
const EXEC_PID_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// What became of a signal Hoist received.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Forwarded {
    /// Sent on (or nothing left to send it to: the process has ended).
    Done,
    /// It cannot reach the remote process; the reason is for the user.
    Undeliverable(String),
}

/// Whether `cgroup` (the text of `/proc/<pid>/cgroup`) puts the process in the container
/// with the full ID `container_id` (`/docker/<id>`, `docker-<id>.scope`, `libpod-<id>.scope`,
/// ... all name it).
fn cgroup_names_container(cgroup: &str, container_id: &str) -> bool {
    container_id.len() >= 12
        && cgroup
            .lines()
            .any(|line| line.rsplit(':').next().unwrap_or("").contains(container_id))
}

/// The PID, in Hoist's own PID namespace, of exec instance `exec_id`'s process: the engine's
/// PID once the engine has recorded it, checked against `/proc/<pid>/cgroup` so that a PID
/// from another namespace (an engine in a VM or another container) never signals an
/// unrelated process here. `Ok(None)`: the process has already ended.
async fn local_exec_pid(engine: &Engine, exec_id: &str) -> Result<Option<i32>, String> {
    if !engine.endpoint().host.starts_with("unix://") {
        return Err("the engine is not on this host".into());
    }
    let deadline = tokio::time::Instant::now() + EXEC_PID_WAIT;
    let (pid, container) = loop {
        let process = engine.exec_process(exec_id).await.map_err(|e| e.message)?;
        if !process.running {
            return Ok(None);
        }
        if let Some(pid) = process.pid {
            break (pid, process.container_id);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err("the engine did not report the process's PID".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let cgroup = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap_or_default();
    if !cgroup_names_container(&cgroup, &container) {
        return Err("the engine's processes are not visible from here".into());
    }
    i32::try_from(pid).map(Some).map_err(|e| e.to_string())
}

async fn forward_signal(
    engine: &Engine,
    target: &SignalTarget,
    signal: i32,
    tty: bool,
    input: &mut std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
) -> Forwarded {
    let name = if signal == libc::SIGINT {
        "SIGINT"
    } else {
        "SIGTERM"
    };
    match target {
        SignalTarget::Nothing => Forwarded::Done,
        SignalTarget::Container(id) => {
            // A container that is no longer running ends the session by itself.
            let _ = engine.kill_container(id, name).await;
            Forwarded::Done
        }
        SignalTarget::Exec(id) => {
            let why = match local_exec_pid(engine, id).await {
                Ok(None) => return Forwarded::Done,
                // SAFETY: kill only sends a signal to the given process.
                Ok(Some(pid)) => match unsafe { libc::kill(pid, signal) } {
                    0 => return Forwarded::Done,
                    _ => std::io::Error::last_os_error().to_string(),
                },
                Err(why) => why,
            };
            if tty && signal == libc::SIGINT {
                // The terminal in the container turns Ctrl-C into SIGINT.
                let _ = input.write_all(&[3]).await;
                let _ = input.flush().await;
                return Forwarded::Done;
            }
            Forwarded::Undeliverable(format!(
                "cannot send {name} to the command in the container ({why}); it may still be running there"
            ))
        }
    }
}

/// Runs one interactive session until the remote side closes its output (or a second
/// signal arrives). The terminal is in raw mode for the duration when `session.tty` and
/// standard input is a terminal.
pub async fn drive(
    engine: &Engine,
    attached: Attached,
    session: &Session,
) -> Result<SessionEnd, String> {
    use tokio::signal::unix::{signal, SignalKind};
    let Attached {
        mut output,
        mut input,
    } = attached;
    let _raw = if session.tty && std::io::stdin().is_terminal() {
        Some(RawMode::enable().map_err(|e| format!("cannot set the terminal to raw mode: {e}"))?)
    } else {
        None
    };
    if session.tty {
        resize(engine, &session.resize).await;
    }
    let mut stdin = session.stdin.then(stdin_pump);
    let mut winch = signal(SignalKind::window_change()).map_err(|e| e.to_string())?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut signals_seen = 0u32;
    loop {
        tokio::select! {
            item = output.next() => match item {
                Some(Ok(OutputChunk::Stdout(bytes))) => {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&bytes);
                    let _ = out.flush();
                }
                Some(Ok(OutputChunk::Stderr(bytes))) => {
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(&bytes);
                    let _ = err.flush();
                }
                Some(Err(e)) => return Err(e.message),
                None => return Ok(SessionEnd::Closed),
            },
            data = async { match stdin.as_mut() { Some(rx) => rx.recv().await, None => std::future::pending().await } } => match data {
                Some(bytes) => {
                    if input.write_all(&bytes).await.is_err() || input.flush().await.is_err() {
                        stdin = None;
                    }
                }
                None => {
                    stdin = None;
                    let _ = input.shutdown().await;
                }
            },
            _ = winch.recv() => {
                if session.tty {
                    resize(engine, &session.resize).await;
                }
            }
            _ = interrupt.recv() => {
                signals_seen += 1;
                if signals_seen > 1 || matches!(session.signals, SignalTarget::Nothing) {
                    return Ok(SessionEnd::Interrupted);
                }
                if let Forwarded::Undeliverable(why) = forward_signal(engine, &session.signals, libc::SIGINT, session.tty, &mut input).await {
                    crate::print_warning(&why);
                    return Ok(SessionEnd::Interrupted);
                }
            }
            _ = terminate.recv() => {
                signals_seen += 1;
                if signals_seen > 1 || matches!(session.signals, SignalTarget::Nothing) {
                    return Ok(SessionEnd::Interrupted);
                }
                if let Forwarded::Undeliverable(why) = forward_signal(engine, &session.signals, libc::SIGTERM, session.tty, &mut input).await {
                    crate::print_warning(&why);
                    return Ok(SessionEnd::Interrupted);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_cgroup_naming_the_container_matches() {
        let id = "ad83a0602b108d325e22904a5b9a39def32fe2d03fb27f9a60121c3e82dd2070";
        let v1 = format!("9:name=systemd:/docker/{id}\n8:pids:/docker/{id}\n0::/docker/{id}\n");
        assert!(cgroup_names_container(&v1, id));
        let systemd = format!("0::/system.slice/docker-{id}.scope\n");
        assert!(cgroup_names_container(&systemd, id));
        let podman = format!("0::/machine.slice/libpod-{id}.scope/container\n");
        assert!(cgroup_names_container(&podman, id));
        // Another container, a host process, a process that is gone, no ID known.
        let other = "0::/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
        assert!(!cgroup_names_container(other, id));
        assert!(!cgroup_names_container("0::/init.scope\n", id));
        assert!(!cgroup_names_container("", id));
        assert!(!cgroup_names_container(&v1, ""));
        // The ID only in the controller list, never in the path, does not count.
        assert!(!cgroup_names_container(&format!("1:{id}:/\n"), id));
    }

    #[test]
    fn detach_keys_parse_like_the_docker_cli() {
        assert_eq!(parse_detach_keys("ctrl-p,ctrl-q").unwrap(), vec![16, 17]);
        assert_eq!(parse_detach_keys("a,ctrl-@").unwrap(), vec![b'a', 0]);
        assert_eq!(parse_detach_keys("ctrl-x").unwrap(), vec![24]);
        assert!(parse_detach_keys("ctrl-").is_err());
        assert!(parse_detach_keys("abc").is_err());
    }
}
