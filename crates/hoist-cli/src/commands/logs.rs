//! `hoist logs`: prints (and with `-f` follows) the output of a project's containers through
//! the multiplexer in [`crate::logmux`], with Docker Compose's flags and prefixes.

use crate::cli::{Ansi, GlobalOptions, LogsArgs};
use crate::logmux::{self, FollowEnd, LogOptions, LogPrinter};
use crate::table::parse_rfc3339;
use crate::target::{connect, project_or_name, runtime};
use crate::Failure;
use hoist_executor::CancelToken;
use std::io::IsTerminal;

/// Whether log prefixes are coloured: `--ansi`, `NO_COLOR`, `--no-color` and a TTY stdout.
pub fn use_color(global: &GlobalOptions, no_color: bool) -> bool {
    if no_color {
        return false;
    }
    match global.ansi {
        Some(Ansi::Always) => true,
        Some(Ansi::Never) => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Parses a Go duration such as `42m`, `1h30m`, `10s`, `1.5h` into seconds (Go's units
/// only: no bare numbers, no days).
fn parse_duration_secs(text: &str) -> Option<f64> {
    hoist_loader::model::go_duration::parse_unit_sequence(text.trim(), false).map(|n| n / 1e9)
}

/// The docker CLI's `GetTimestamp`: an RFC 3339 time or date, Unix seconds, or a duration
/// counted back from now; returns Unix seconds.
pub fn parse_time_arg(text: &str, now: i64) -> Result<i64, Failure> {
    if let Some(d) = parse_duration_secs(text) {
        return Ok(now - d.ceil() as i64);
    }
    if let Ok(secs) = text.parse::<f64>() {
        return Ok(secs as i64);
    }
    if let Some((secs, _)) = parse_rfc3339(text) {
        return Ok(secs);
    }
    Err(Failure::new(format!(
        "invalid value for time: {text:?} (use an RFC 3339 timestamp, Unix seconds or a duration such as 42m)"
    )))
}

/// `--tail`: `all` or a non-negative number.
fn parse_tail(text: &str) -> Result<Option<u64>, Failure> {
    if text == "all" || text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Ok(None),
        Ok(n) => Ok(Some(n as u64)),
        Err(_) => Err(Failure::new(format!(
            "invalid value for --tail: {text:?} (a number or \"all\")"
        ))),
    }
}

/// Installs a Ctrl-C handler that fires `cancel`.
pub fn cancel_on_ctrl_c(cancel: &CancelToken) {
    let cancel = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
}

/// Runs `hoist logs`.
pub fn run(global: &GlobalOptions, args: &LogsArgs) -> Result<(), Failure> {
    if args.index > 0 && args.services.len() != 1 {
        return Err(Failure::new("--index requires one service to be selected"));
    }
    let mut global = global.clone();
    if !args.files_after.is_empty() {
        global.files = args.files_after.clone();
    }
    let (project, name) = project_or_name(&global, &args.services)?;
    let mut services = args.services.clone();
    if let Some(project) = &project {
        if services.is_empty() {
            services = project
                .services
                .0
                .iter()
                .filter(|(_, s)| s.attach != Some(false))
                .map(|(n, _)| n.clone())
                .collect();
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let options = LogOptions {
        follow: args.follow,
        tail: parse_tail(&args.tail)?,
        timestamps: args.timestamps,
        since: args
            .since
            .as_deref()
            .map(|s| parse_time_arg(s, now))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|s| parse_time_arg(s, now))
            .transpose()?,
    };
    let printer = LogPrinter::stdio(use_color(&global, args.no_color), !args.no_log_prefix);
    let rt = runtime()?;
    rt.block_on(async {
        let engine = connect().await?;
        let cancel = CancelToken::new();
        cancel_on_ctrl_c(&cancel);
        let project_name = name.to_lowercase();
        let mut listed = logmux::list_sources(&engine, &project_name, &services, true).await?;
        if args.index > 0 {
            let service = services.first().cloned().unwrap_or_default();
            listed.retain(|l| l.number == Some(args.index));
            if listed.is_empty() {
                return Err(Failure::new(format!(
                    "service {service:?} is not running container #{}",
                    args.index
                )));
            }
        }
        let result = if args.follow {
            logmux::follow(
                &engine,
                &project_name,
                &services,
                listed,
                printer,
                options,
                FollowEnd::AllKnownRemoved,
                None,
                cancel.clone(),
            )
            .await
        } else {
            let sources = listed.into_iter().map(|l| l.source).collect();
            logmux::print_logs(&engine, printer, sources, options, cancel.clone()).await
        };
        if cancel.is_cancelled() {
            return Err(Failure {
                message: String::new(),
                code: 130,
            });
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_arguments() {
        assert_eq!(parse_time_arg("10m", 1000).expect("d"), 400);
        assert_eq!(parse_time_arg("1h30m", 10_000).expect("d"), 10_000 - 5400);
        assert_eq!(parse_time_arg("1700000000", 0).expect("u"), 1_700_000_000);
        assert_eq!(
            parse_time_arg("2013-01-02T13:23:37Z", 0).expect("t"),
            1_357_133_017
        );
        assert!(parse_time_arg("yesterday", 0).is_err());
        assert!(
            parse_time_arg("1d", 0).is_err(),
            "Go durations have no days"
        );
        assert_eq!(parse_tail("all").expect("all"), None);
        assert_eq!(parse_tail("5").expect("5"), Some(5));
        assert!(parse_tail("x").is_err());
    }
}
