//! `hoist`: the command-line entry point. Parses arguments, runs the command, renders errors
//! and maps them to Docker Compose's exit codes.

mod cli;
mod commands;
mod logmux;
mod project;
mod runtime;
mod table;
mod target;
mod tty;

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: the loader makes hundreds of thousands of small
/// allocations, for which glibc's malloc and free took a quarter of the instructions of
/// `config` on 1000 services (`bench/config_bench.py`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A command failure: what to print and which exit status to return.
#[derive(Debug)]
pub struct Failure {
    /// The rendered message (may span several lines).
    pub message: String,
    /// The exit status.
    pub code: u8,
}

impl Failure {
    /// A failure with exit status 1.
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

fn main() -> ExitCode {
    small_pages_only();
    let cli = cli::Cli::parse_from(commands::run::rewrite_publish_flags(
        std::env::args_os().collect(),
    ));
    let result = commands::run(cli);
    for w in hoist_loader::take_warnings() {
        print_warning(&w);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                if color {
                    eprintln!("\x1b[31merror:\x1b[0m {}", f.message);
                } else {
                    eprintln!("error: {}", f.message);
                }
            }
            ExitCode::from(f.code)
        }
    }
}

/// Turns transparent huge pages off for this process. mimalloc's arena would otherwise be
/// backed by 2 MiB pages: a little faster for `config` of 1000 services, but each thread's
/// heap then costs whole huge pages (peak RSS 45 MB instead of 34 MB there), which is not
/// worth it for a command-line tool.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag on this process's memory map; the
    // arguments are plain integers and the call cannot touch Rust-visible memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Prints a warning on standard error.
pub fn print_warning(message: &str) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if color {
        eprintln!("\x1b[33mwarning:\x1b[0m {message}");
    } else {
        eprintln!("warning: {message}");
    }
}
