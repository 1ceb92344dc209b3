//! `hoist stats`: resource usage of a project's containers (all services, or one), in the
//! Docker CLI's `stats` formats — the table (`CONTAINER ID  NAME  CPU %  MEM USAGE / LIMIT
//! MEM %  NET I/O  BLOCK I/O  PIDS`), `--format json` (one object per container per
//! sample) or a `{{.Field}}` template.
//!
//! `--no-stream` prints one sample. Streaming redraws the table every second on a terminal
//! (as the Docker CLI); when standard output is not a terminal it prints one block per
//! sample without control characters (line-based, friendlier to logs and pipes).

use crate::cli::GlobalOptions;
use crate::table::tabwrite;
use crate::target::{connect, engine_failure, project_name};
use crate::Failure;
use clap::Args;
use futures_util::StreamExt;
use hoist_engine::bollard::models::ContainerStatsResponse;
use hoist_engine::labels;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};

/// `stats` arguments.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Show all containers (default shows just running).
    #[arg(short = 'a', long = "all")]
    pub all: bool,
    /// Output format: `table`, `json`, `table TEMPLATE` or a `{{.Field}}` template.
    #[arg(long = "format")]
    pub format: Option<String>,
    /// Disable streaming stats and only pull the first result.
    #[arg(long = "no-stream")]
    pub no_stream: bool,
    /// Do not truncate output.
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// The service (all services when absent).
    pub service: Option<String>,
}

/// One rendered sample of one container, with the Docker CLI's field names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsRow {
    /// Full container ID.
    pub container: String,
    /// Short (or full with `--no-trunc`) ID.
    pub id: String,
    /// Container name.
    pub name: String,
    /// `12.34%`.
    pub cpu_perc: String,
    /// `1.5MiB / 23.54GiB`.
    pub mem_usage: String,
    /// `0.01%`.
    pub mem_perc: String,
    /// `746B / 0B`.
    pub net_io: String,
    /// `0B / 0B`.
    pub block_io: String,
    /// Number of processes.
    pub pids: String,
}

/// Go's `%.{precision}g` for non-negative values.
fn format_g(value: f64, precision: usize) -> String {
    if value == 0.0 || !value.is_finite() {
        return "0".to_string();
    }
    let exponent = value.abs().log10().floor() as i32;
    let precision_i = i32::try_from(precision).unwrap_or(4);
    if exponent < -4 || exponent >= precision_i {
        let text = format!("{:.*e}", precision.saturating_sub(1), value);
        // Rust prints `1.5e3`; Go prints `1.5e+03`.
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = trim_fraction(mantissa);
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let decimals = usize::try_from(precision_i - 1 - exponent).unwrap_or(0);
    trim_fraction(&format!("{value:.decimals$}"))
}

fn trim_fraction(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

fn custom_size(size: f64, base: f64, units: &[&str], precision: usize) -> String {
    let mut size = size;
    let mut i = 0;
    while size >= base && i + 1 < units.len() {
        size /= base;
        i += 1;
    }
    format!(
        "{}{}",
        format_g(size, precision),
        units.get(i).copied().unwrap_or("")
    )
}

/// Binary sizes as the Docker CLI's memory column (`units.BytesSize`: `1.703MiB`).
pub fn bytes_size(size: f64) -> String {
    custom_size(
        size,
        1024.0,
        &["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"],
        4,
    )
}

/// Decimal sizes as the Docker CLI's I/O columns (`units.HumanSizeWithPrecision(_, 3)`).
pub fn human_size(size: f64) -> String {
    custom_size(
        size,
        1000.0,
        &["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"],
        3,
    )
}

/// Computes a row from one sample, as the Docker CLI does (memory excludes the page cache;
/// CPU is the share of the host's CPU time since the previous sample).
pub fn row_of(stats: &ContainerStatsResponse, id: &str, name: &str, no_trunc: bool) -> StatsRow {
    let cpu = stats.cpu_stats.clone().unwrap_or_default();
    let pre = stats.precpu_stats.clone().unwrap_or_default();
    let total = |c: &hoist_engine::bollard::models::ContainerCpuStats| {
        c.cpu_usage
            .as_ref()
            .and_then(|u| u.total_usage)
            .unwrap_or(0) as f64
    };
    let cpu_delta = total(&cpu) - total(&pre);
    let system_delta =
        cpu.system_cpu_usage.unwrap_or(0) as f64 - pre.system_cpu_usage.unwrap_or(0) as f64;
    let online = cpu
        .online_cpus
        .filter(|n| *n > 0)
        .map(f64::from)
        .or_else(|| {
            cpu.cpu_usage
                .as_ref()
                .and_then(|u| u.percpu_usage.as_ref())
                .map(|p| p.len() as f64)
        })
        .unwrap_or(1.0);
    let cpu_percent = if system_delta > 0.0 && cpu_delta > 0.0 {
        cpu_delta / system_delta * online * 100.0
    } else {
        0.0
    };
    let memory = stats.memory_stats.clone().unwrap_or_default();
    let cache = memory
        .stats
        .as_ref()
        .and_then(|s| {
            s.get("total_inactive_file")
                .or_else(|| s.get("inactive_file"))
                .copied()
        })
        .unwrap_or(0);
    let usage = memory.usage.unwrap_or(0);
    let used = if cache < usage { usage - cache } else { usage } as f64;
    let limit = memory.limit.unwrap_or(0) as f64;
    let mem_percent = if limit > 0.0 {
        used / limit * 100.0
    } else {
        0.0
    };
    let (mut rx, mut tx) = (0.0, 0.0);
    for net in stats
        .networks
        .as_ref()
        .map(|n| n.values())
        .into_iter()
        .flatten()
    {
        rx += net.rx_bytes.unwrap_or(0) as f64;
        tx += net.tx_bytes.unwrap_or(0) as f64;
    }
    let (mut read, mut write) = (0.0, 0.0);
    for entry in stats
        .blkio_stats
        .as_ref()
        .and_then(|b| b.io_service_bytes_recursive.as_ref())
        .into_iter()
        .flatten()
    {
        let value = entry.value.unwrap_or(0) as f64;
        match entry.op.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("read") => read += value,
            Some("write") => write += value,
            _ => {}
        }
    }
    let pids = stats
        .pids_stats
        .as_ref()
        .and_then(|p| p.current)
        .unwrap_or(0);
    StatsRow {
        container: id.to_string(),
        id: if no_trunc {
            id.to_string()
        } else {
            id.chars().take(12).collect()
        },
        name: name.to_string(),
        cpu_perc: format!("{cpu_percent:.2}%"),
        mem_usage: format!("{} / {}", bytes_size(used), bytes_size(limit)),
        mem_perc: format!("{mem_percent:.2}%"),
        net_io: format!("{} / {}", human_size(rx), human_size(tx)),
        block_io: format!("{} / {}", human_size(read), human_size(write)),
        pids: pids.to_string(),
    }
}

/// The JSON line of a row (the Docker CLI's keys, sorted).
pub fn json_line(row: &StatsRow) -> String {
    serde_json::json!({
        "BlockIO": row.block_io,
        "CPUPerc": row.cpu_perc,
        "Container": row.container,
        "ID": row.id,
        "MemPerc": row.mem_perc,
        "MemUsage": row.mem_usage,
        "Name": row.name,
        "NetIO": row.net_io,
        "PIDs": row.pids,
    })
    .to_string()
}

fn field(row: &StatsRow, name: &str) -> Option<String> {
    Some(match name {
        "Container" => row.container.clone(),
        "ID" => row.id.clone(),
        "Name" => row.name.clone(),
        "CPUPerc" => row.cpu_perc.clone(),
        "MemUsage" => row.mem_usage.clone(),
        "MemPerc" => row.mem_perc.clone(),
        "NetIO" => row.net_io.clone(),
        "BlockIO" => row.block_io.clone(),
        "PIDs" => row.pids.clone(),
        _ => return None,
    })
}

fn header(name: &str) -> String {
    match name {
        "Container" => "CONTAINER",
        "ID" => "CONTAINER ID",
        "Name" => "NAME",
        "CPUPerc" => "CPU %",
        "MemUsage" => "MEM USAGE / LIMIT",
        "MemPerc" => "MEM %",
        "NetIO" => "NET I/O",
        "BlockIO" => "BLOCK I/O",
        "PIDs" => "PIDS",
        other => other,
    }
    .to_string()
}

/// Expands `{{.Field}}` placeholders (and `\t`, `\n`) of a template with `lookup`.
fn expand(
    template: &str,
    lookup: &dyn Fn(&str) -> Result<String, Failure>,
) -> Result<String, Failure> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let end = after.find("}}").ok_or_else(|| {
            Failure::new(format!(
                "template parsing error: unclosed action in {template:?}"
            ))
        })?;
        let action = after.get(..end).unwrap_or("").trim();
        let name = action
            .strip_prefix('.')
            .ok_or_else(|| Failure::new(format!("unsupported template action {{{{{action}}}}}")))?;
        out.push_str(&lookup(name)?);
        rest = after.get(end + 2..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out.replace("\\t", "\t").replace("\\n", "\n"))
}

const DEFAULT_TABLE: &str =
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

/// Renders one sample of every container in `format`.
pub fn render(rows: &[StatsRow], format: Option<&str>) -> Result<String, Failure> {
    let format = match format.map(str::trim) {
        None | Some("") | Some("table") => DEFAULT_TABLE,
        Some(f) => f,
    };
    if format == "json" || format == "{{json .}}" {
        return Ok(rows.iter().map(|r| json_line(r) + "\n").collect());
    }
    let unknown = |name: &str| {
        Failure::new(format!(
            "template: can't evaluate field {name} in type stats"
        ))
    };
    if let Some(table) = format.strip_prefix("table") {
        let table = table.trim_start();
        let head = expand(table, &|name| {
            field(&StatsRow::default(), name)
                .map(|_| header(name))
                .ok_or_else(|| unknown(name))
        })?;
        let mut lines: Vec<Vec<String>> = vec![head.split('\t').map(str::to_string).collect()];
        for row in rows {
            let line = expand(table, &|name| field(row, name).ok_or_else(|| unknown(name)))?;
            lines.push(line.split('\t').map(str::to_string).collect());
        }
        return Ok(tabwrite(&lines, 10, 3));
    }
    let mut out = String::new();
    for row in rows {
        out.push_str(&expand(format, &|name| {
            field(row, name).ok_or_else(|| unknown(name))
        })?);
        out.push('\n');
    }
    Ok(out)
}

/// Runs `hoist stats`.
pub fn run(global: &GlobalOptions, args: &StatsArgs) -> Result<(), Failure> {
    let project = project_name(global)?;
    // Validate the format before touching the engine.
    render(&[], args.format.as_deref())?;
    crate::runtime::block_on(async {
        let engine = connect().await?;
        let mut filters = vec![format!("{}={project}", labels::PROJECT)];
        if let Some(service) = &args.service {
            filters.push(format!("{}={service}", labels::SERVICE));
        }
        let mut containers = engine
            .list_containers_by_labels(&filters)
            .await
            .map_err(engine_failure)?;
        if !args.all {
            containers
                .retain(|c| c.state.as_ref().map(|s| s.to_string()).as_deref() == Some("running"));
        }
        let targets: Vec<(String, String)> = containers
            .iter()
            .map(|c| {
                (
                    c.id.clone().unwrap_or_default(),
                    crate::commands::ps::canonical_name(&c.names.clone().unwrap_or_default()),
                )
            })
            .collect();
        if args.no_stream {
            let samples = futures_util::future::join_all(targets.iter().map(|(id, name)| {
                let engine = engine.clone();
                async move {
                    let mut stream = engine.container_stats(id, false);
                    let sample = stream.next().await.and_then(Result::ok);
                    row_from(sample.as_ref(), id, name, args.no_trunc)
                }
            }))
            .await;
            let text = render(&samples, args.format.as_deref())?;
            let mut out = std::io::stdout().lock();
            return out
                .write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| Failure::new(format!("cannot write output: {e}")));
        }
        stream_stats(&engine, &targets, args).await
    })
}

/// A row from a sample, or the zero row of a container without one (stopped).
fn row_from(
    sample: Option<&ContainerStatsResponse>,
    id: &str,
    name: &str,
    no_trunc: bool,
) -> StatsRow {
    match sample {
        Some(s) => row_of(s, id, name, no_trunc),
        None => row_of(&ContainerStatsResponse::default(), id, name, no_trunc),
    }
}

async fn stream_stats(
    engine: &hoist_engine::Engine,
    targets: &[(String, String)],
    args: &StatsArgs,
) -> Result<(), Failure> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, ContainerStatsResponse)>(64);
    for (index, (id, _)) in targets.iter().enumerate() {
        let engine = engine.clone();
        let id = id.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut stream = engine.container_stats(&id, true);
            while let Some(Ok(sample)) = stream.next().await {
                if tx.send((index, sample)).await.is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let terminal = std::io::stdout().is_terminal();
    let mut latest: HashMap<usize, StatsRow> = HashMap::new();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.tick().await;
    let mut open = true;
    loop {
        tokio::select! {
            item = rx.recv(), if open => match item {
                Some((index, sample)) => {
                    if let Some((id, name)) = targets.get(index) {
                        latest.insert(index, row_of(&sample, id, name, args.no_trunc));
                    }
                }
                None => open = false,
            },
            _ = tick.tick() => {
                let rows: Vec<StatsRow> = (0..targets.len()).filter_map(|i| latest.get(&i).cloned()).collect();
                let text = render(&rows, args.format.as_deref())?;
                let mut out = std::io::stdout().lock();
                let written = if terminal {
                    out.write_all(b"\x1b[2J\x1b[H").and_then(|_| out.write_all(text.as_bytes()))
                } else {
                    out.write_all(text.as_bytes())
                };
                if written.and_then(|_| out.flush()).is_err() {
                    // The reader went away (closed pipe): stop quietly.
                    return Ok(());
                }
                if !open && latest.is_empty() {
                    return Ok(());
                }
            }
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_format_like_go_units() {
        // Values from the reference output: `1.703MiB / 23.54GiB`, `746B / 0B`, `1.05kB`.
        assert_eq!(bytes_size(1.703 * 1024.0 * 1024.0), "1.703MiB");
        assert_eq!(bytes_size(1.5 * 1024.0 * 1024.0), "1.5MiB");
        assert_eq!(bytes_size(0.0), "0B");
        assert_eq!(human_size(746.0), "746B");
        assert_eq!(human_size(1050.0), "1.05kB");
        assert_eq!(human_size(0.0), "0B");
        assert_eq!(format_g(1234.5, 3), "1.23e+03");
    }

    #[test]
    fn table_and_json_render_like_the_docker_cli() {
        let row = StatsRow {
            container: "a3ebb4f0ab04159d2b796f3ffcd784a4fc07dd2b7fb365725bfbd97e83550df2".into(),
            id: "a3ebb4f0ab04".into(),
            name: "iatest-web-1".into(),
            cpu_perc: "0.00%".into(),
            mem_usage: "1.703MiB / 23.54GiB".into(),
            mem_perc: "0.01%".into(),
            net_io: "746B / 0B".into(),
            block_io: "0B / 0B".into(),
            pids: "1".into(),
        };
        let row2 = StatsRow {
            container: "306f6d2079c3b55811f1fda2afced95c69b6ab97a2c6fcd7ef68cc40c155e532".into(),
            id: "306f6d2079c3".into(),
            name: "iatest-db-1".into(),
            cpu_perc: "1.81%".into(),
            mem_usage: "1.5MiB / 23.54GiB".into(),
            mem_perc: "0.01%".into(),
            net_io: "1.05kB / 0B".into(),
            block_io: "0B / 0B".into(),
            pids: "1".into(),
        };
        // Captured from `docker compose stats --no-stream` (v5.6.1).
        let expected = "CONTAINER ID   NAME           CPU %     MEM USAGE / LIMIT     MEM %     NET I/O       BLOCK I/O   PIDS\n\
a3ebb4f0ab04   iatest-web-1   0.00%     1.703MiB / 23.54GiB   0.01%     746B / 0B     0B / 0B     1\n\
306f6d2079c3   iatest-db-1    1.81%     1.5MiB / 23.54GiB     0.01%     1.05kB / 0B   0B / 0B     1\n";
        assert_eq!(
            render(&[row.clone(), row2], None).ok().as_deref(),
            Some(expected)
        );
        assert_eq!(
            json_line(&row),
            r#"{"BlockIO":"0B / 0B","CPUPerc":"0.00%","Container":"a3ebb4f0ab04159d2b796f3ffcd784a4fc07dd2b7fb365725bfbd97e83550df2","ID":"a3ebb4f0ab04","MemPerc":"0.01%","MemUsage":"1.703MiB / 23.54GiB","Name":"iatest-web-1","NetIO":"746B / 0B","PIDs":"1"}"#
        );
        assert_eq!(
            render(std::slice::from_ref(&row), Some("{{.Name}}: {{ .PIDs }}"))
                .ok()
                .as_deref(),
            Some("iatest-web-1: 1\n")
        );
        assert!(render(&[row], Some("{{.Nope}}")).is_err());
    }
}
