//! `hoist ps`: lists a project's containers exactly as `docker compose ps` does (table, JSON
//! lines or a Go template), from ONE engine list call filtered by labels: no per-container
//! inspect (health and exit code come from the list summary and its status line), so it stays
//! fast with hundreds of containers.

use crate::cli::{GlobalOptions, PsArgs};
use crate::table::{
    ellipsis, go_html_escape, go_time_string, human_duration, tabwrite_lines, Template,
    TemplateData,
};
use crate::target::{connect, engine_failure, project_or_name, runtime};
use crate::Failure;
use hoist_engine::bollard::models::ContainerSummary;
use hoist_engine::bollard::query_parameters::ListContainersOptions;
use hoist_engine::labels;
use hoist_engine::Engine;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// The default `ps` table.
const DEFAULT_TABLE: &str = "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}";

/// A published (or exposed) port of a container, as `ps --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    /// Host address (`0.0.0.0`, `::`, `127.0.0.1`) or empty when not published.
    pub url: String,
    /// Container port.
    pub target_port: u16,
    /// Host port (0 when not published).
    pub published_port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

/// One container as `ps` shows it (Docker Compose's `ContainerSummary` + formatter context).
#[derive(Debug, Clone, PartialEq)]
pub struct PsRow {
    /// Full container ID.
    pub id: String,
    /// Canonical name (without `/`).
    pub name: String,
    /// All names without the leading `/`.
    pub names: Vec<String>,
    /// Image reference.
    pub image: String,
    /// Project label.
    pub project: String,
    /// Service label.
    pub service: String,
    /// Command line as the engine reports it.
    pub command: String,
    /// Engine state word.
    pub state: String,
    /// Engine status line.
    pub status: String,
    /// Creation time (Unix seconds).
    pub created: i64,
    /// Labels (sorted).
    pub labels: BTreeMap<String, String>,
    /// Mount names (volume name, else source).
    pub mounts: Vec<String>,
    /// Number of mounts using the `local` driver.
    pub local_volumes: usize,
    /// Network names.
    pub networks: Vec<String>,
    /// Health (`healthy`, `unhealthy`, `starting`) of a running container, else empty.
    pub health: String,
    /// Exit code of an exited/dead container, else 0.
    pub exit_code: i64,
    /// Ports, sorted by container port.
    pub publishers: Vec<Publisher>,
    /// Truncate IDs, commands and mount names (no `--no-trunc`).
    pub trunc: bool,
}

/// The canonical name of a container: its only name without extra `/` (link aliases have
/// more), else the first name.
pub fn canonical_name(names: &[String]) -> String {
    names
        .iter()
        .map(|n| n.trim_start_matches('/'))
        .find(|n| !n.contains('/'))
        .or_else(|| names.first().map(|n| n.trim_start_matches('/')))
        .unwrap_or_default()
        .to_string()
}

/// `Exited (137) 5 seconds ago` → 137.
fn exit_code_from_status(status: &str) -> Option<i64> {
    let rest = status.strip_prefix("Exited (")?;
    let end = rest.find(')')?;
    rest.get(..end)?.trim().parse().ok()
}

fn health_from_summary(summary: &ContainerSummary, status: &str) -> String {
    if let Some(h) = summary
        .health
        .as_ref()
        .and_then(|h| h.status.as_ref())
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty() && s != "none")
    {
        return h;
    }
    if status.ends_with("(healthy)") {
        "healthy".into()
    } else if status.ends_with("(unhealthy)") {
        "unhealthy".into()
    } else if status.ends_with("(health: starting)") {
        "starting".into()
    } else {
        String::new()
    }
}

impl PsRow {
    /// Builds a row from an engine list summary.
    pub fn from_summary(summary: &ContainerSummary, trunc: bool) -> PsRow {
        let names: Vec<String> = summary
            .names
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|n| n.trim_start_matches('/').to_string())
            .collect();
        let labels: BTreeMap<String, String> = summary
            .labels
            .as_ref()
            .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let state = summary
            .state
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default();
        let status = summary.status.clone().unwrap_or_default();
        let health = if state == "running" {
            health_from_summary(summary, &status)
        } else {
            String::new()
        };
        let exit_code = if state == "exited" || state == "dead" {
            exit_code_from_status(&status).unwrap_or(0)
        } else {
            0
        };
        let mut mounts = Vec::new();
        let mut local_volumes = 0;
        for m in summary.mounts.iter().flatten() {
            let name = m
                .name
                .clone()
                .filter(|n| !n.is_empty())
                .or_else(|| m.source.clone())
                .unwrap_or_default();
            if m.driver.as_deref() == Some("local") {
                local_volumes += 1;
            }
            mounts.push(name);
        }
        let networks = summary
            .network_settings
            .as_ref()
            .and_then(|n| n.networks.as_ref())
            .map(|n| {
                let mut names: Vec<String> = n.keys().cloned().collect();
                names.sort();
                names
            })
            .unwrap_or_default();
        let mut publishers: Vec<Publisher> = summary
            .ports
            .iter()
            .flatten()
            .map(|p| Publisher {
                url: p.ip.clone().unwrap_or_default(),
                target_port: p.private_port,
                published_port: p.public_port.unwrap_or(0),
                protocol: p.typ.map(|t| t.to_string()).unwrap_or_default(),
            })
            .collect();
        publishers.sort_by_key(|p| p.target_port);
        PsRow {
            id: summary.id.clone().unwrap_or_default(),
            name: canonical_name(&names),
            names,
            image: summary.image.clone().unwrap_or_default(),
            project: labels.get(labels::PROJECT).cloned().unwrap_or_default(),
            service: labels.get(labels::SERVICE).cloned().unwrap_or_default(),
            command: summary.command.clone().unwrap_or_default(),
            state,
            status,
            created: summary.created.unwrap_or_default(),
            labels,
            mounts,
            local_volumes,
            networks,
            health,
            exit_code,
            publishers,
            trunc,
        }
    }

    fn id_text(&self) -> String {
        if self.trunc {
            self.id.chars().take(12).collect()
        } else {
            self.id.clone()
        }
    }

    fn command_text(&self) -> String {
        let command = if self.trunc {
            ellipsis(&self.command, 20)
        } else {
            self.command.clone()
        };
        go_quote(&command)
    }

    fn names_text(&self) -> String {
        if self.trunc {
            if let Some(n) = self.names.iter().find(|n| !n.contains('/')) {
                return n.clone();
            }
        }
        self.names.join(",")
    }

    fn running_for(&self) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        format!("{} ago", human_duration(now - self.created as f64))
    }

    fn labels_text(&self) -> String {
        self.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn mounts_text(&self) -> String {
        self.mounts
            .iter()
            .map(|m| {
                if self.trunc {
                    ellipsis(m, 15)
                } else {
                    m.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn publishers_json(&self) -> Value {
        Value::Array(
            self.publishers
                .iter()
                .map(|p| {
                    json!({
                        "URL": p.url,
                        "TargetPort": p.target_port,
                        "PublishedPort": p.published_port,
                        "Protocol": p.protocol,
                    })
                })
                .collect(),
        )
    }

    /// The row as the JSON object `ps --format json` prints (keys sorted, as Go does).
    pub fn to_json_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("Command".into(), self.command_text().into());
        map.insert("CreatedAt".into(), go_time_string(self.created).into());
        map.insert(
            "Engine".into(),
            self.labels
                .get(labels::ENGINE)
                .cloned()
                .unwrap_or_default()
                .into(),
        );
        map.insert("ExitCode".into(), self.exit_code.into());
        map.insert("Health".into(), self.health.clone().into());
        map.insert("ID".into(), self.id_text().into());
        map.insert("Image".into(), self.image.clone().into());
        map.insert("Labels".into(), self.labels_text().into());
        map.insert("LocalVolumes".into(), self.local_volumes.to_string().into());
        map.insert("Mounts".into(), self.mounts_text().into());
        map.insert("Name".into(), self.name.clone().into());
        map.insert("Names".into(), self.names_text().into());
        map.insert("Networks".into(), self.networks.join(",").into());
        map.insert("Ports".into(), displayable_ports(&self.publishers).into());
        map.insert("Project".into(), self.project.clone().into());
        map.insert("Publishers".into(), self.publishers_json());
        map.insert("RunningFor".into(), self.running_for().into());
        map.insert("Service".into(), self.service.clone().into());
        map.insert("Size".into(), "0B".into());
        map.insert("State".into(), self.state.clone().into());
        map.insert("Status".into(), self.status.clone().into());
        Value::Object(map)
    }
}

impl TemplateData for PsRow {
    fn field(&self, name: &str) -> Option<String> {
        Some(match name {
            "ID" => self.id_text(),
            "Name" => self.name.clone(),
            "Names" => self.names_text(),
            "Service" => self.service.clone(),
            "Project" => self.project.clone(),
            "Image" => self.image.clone(),
            "Command" => self.command_text(),
            "CreatedAt" => go_time_string(self.created),
            "RunningFor" => self.running_for(),
            "ExitCode" => self.exit_code.to_string(),
            "State" => self.state.clone(),
            "Status" => self.status.clone(),
            "Health" => self.health.clone(),
            "Ports" => displayable_ports(&self.publishers),
            "Labels" => self.labels_text(),
            "Engine" => self.labels.get(labels::ENGINE).cloned().unwrap_or_default(),
            "Mounts" => self.mounts_text(),
            "LocalVolumes" => self.local_volumes.to_string(),
            "Networks" => self.networks.join(","),
            "Size" => "0B".into(),
            _ => return None,
        })
    }

    fn field_json(&self, name: &str) -> Option<String> {
        let value = self.to_json_value();
        let Value::Object(map) = value else {
            return None;
        };
        map.get(name).map(|v| go_html_escape(&v.to_string()))
    }

    fn label(&self, key: &str) -> String {
        self.labels.get(key).cloned().unwrap_or_default()
    }

    fn json(&self) -> String {
        go_html_escape(&self.to_json_value().to_string())
    }
}

/// Go's `strconv.Quote` for printable text: double quotes, `\"` and `\\` escaped, control
/// characters as escapes.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn join_host_port(ip: &str, port: &str) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// The docker CLI's `DisplayablePorts`: consecutive unpublished ports grouped into ranges,
/// then `host:port->port/proto` mappings, comma-separated.
pub fn displayable_ports(publishers: &[Publisher]) -> String {
    let mut ports: Vec<&Publisher> = publishers.iter().collect();
    ports.sort_by(|a, b| {
        (a.target_port, &a.url, a.published_port, &a.protocol).cmp(&(
            b.target_port,
            &b.url,
            b.published_port,
            &b.protocol,
        ))
    });
    let mut groups: HashMap<String, (u16, u16)> = HashMap::new();
    let mut group_order: Vec<String> = Vec::new();
    let mut result: Vec<String> = Vec::new();
    let mut mappings: Vec<String> = Vec::new();
    for p in ports {
        let current = p.target_port;
        let mut key = p.protocol.clone();
        if !p.url.is_empty() {
            if p.published_port != current {
                mappings.push(format!(
                    "{}->{}/{}",
                    join_host_port(&p.url, &p.published_port.to_string()),
                    p.target_port,
                    p.protocol
                ));
                continue;
            }
            key = format!("{}/{}", p.url, p.protocol);
        }
        match groups.get_mut(&key) {
            None => {
                groups.insert(key.clone(), (current, current));
                group_order.push(key);
            }
            Some(group) if group.1.checked_add(1) == Some(current) => group.1 = current,
            Some(group) => {
                result.push(form_group(&key, group.0, group.1));
                *group = (current, current);
            }
        }
    }
    for key in &group_order {
        if let Some((first, last)) = groups.get(key) {
            result.push(form_group(key, *first, *last));
        }
    }
    result.extend(mappings);
    result.join(", ")
}

fn form_group(key: &str, first: u16, last: u16) -> String {
    let (ip, proto) = match key.rsplit_once('/') {
        Some((ip, proto)) => (ip, proto),
        None => ("", key),
    };
    let mut group = first.to_string();
    if first != last {
        group = format!("{group}-{last}");
    }
    if !ip.is_empty() {
        group = format!("{}->{group}", join_host_port(ip, &group));
    }
    format!("{group}/{proto}")
}

/// Which containers to list.
#[derive(Debug, Clone, Default)]
pub struct PsQuery {
    /// Project name.
    pub project: String,
    /// Only these services (empty: all).
    pub services: Vec<String>,
    /// Include stopped containers and one-offs.
    pub all: bool,
}

/// Lists a project's containers with one engine call: the project and config-hash labels,
/// `oneoff=False` unless `all`, and the service label when exactly one service is asked for.
pub async fn list_project_containers(
    engine: &Engine,
    query: &PsQuery,
) -> Result<Vec<ContainerSummary>, Failure> {
    let mut label_filters = vec![
        labels::filter(labels::PROJECT, &query.project.to_lowercase()),
        labels::CONFIG_HASH.to_string(),
    ];
    if !query.all {
        label_filters.push(labels::filter(labels::ONEOFF, "False"));
    }
    if let [only] = query.services.as_slice() {
        label_filters.push(labels::filter(labels::SERVICE, only));
    }
    let list = engine
        .docker()
        .list_containers(Some(ListContainersOptions {
            all: query.all,
            filters: Some(HashMap::from([("label".to_string(), label_filters)])),
            ..Default::default()
        }))
        .await
        .map_err(|e| {
            engine_failure(hoist_engine::EngineError::from_bollard(
                &format!("project \"{}\"", query.project),
                "list containers of",
                e,
            ))
        })?;
    Ok(list
        .into_iter()
        .filter(|c| {
            query.services.is_empty()
                || c.labels
                    .as_ref()
                    .and_then(|l| l.get(labels::SERVICE))
                    .is_some_and(|s| query.services.contains(s))
        })
        .collect())
}

/// Column headers of the container formatter.
pub fn ps_headers() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("ID", "CONTAINER ID"),
        ("Name", "NAME"),
        ("Names", "NAMES"),
        ("Project", "PROJECT"),
        ("Service", "SERVICE"),
        ("Image", "IMAGE"),
        ("Command", "COMMAND"),
        ("CreatedAt", "CREATED AT"),
        ("RunningFor", "CREATED"),
        ("Ports", "PORTS"),
        ("State", "STATE"),
        ("Status", "STATUS"),
        ("Size", "SIZE"),
        ("Labels", "LABELS"),
        ("Engine", "ENGINE"),
        ("Mounts", "MOUNTS"),
        ("Networks", "NETWORKS"),
        ("LocalVolumes", "LOCAL VOLUMES"),
        ("Health", "HEALTH"),
        ("ExitCode", "EXIT CODE"),
        ("Publishers", "PUBLISHERS"),
    ])
}

/// Renders rows with a template: a header and aligned columns for `table` templates, one
/// rendered line per row otherwise.
pub fn render_rows(
    template: &Template,
    rows: &[&dyn TemplateData],
    headers: &BTreeMap<&str, &str>,
) -> Result<String, Failure> {
    let mut lines = Vec::new();
    if template.table {
        lines.push(template.render_header(headers));
    }
    for row in rows {
        lines.push(template.render(*row).map_err(Failure::new)?);
    }
    if template.table {
        Ok(tabwrite_lines(&lines, 10, 3))
    } else {
        let mut out = String::new();
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        Ok(out)
    }
}

/// Parses `--filter KEY=VAL` into extra statuses.
fn parse_filter(filter: Option<&str>, statuses: &mut Vec<String>) -> Result<(), Failure> {
    let Some(filter) = filter.filter(|f| !f.is_empty()) else {
        return Ok(());
    };
    let (key, value) = filter
        .split_once('=')
        .ok_or_else(|| Failure::new("arguments to --filter should be in form KEY=VAL"))?;
    match key {
        "status" => {
            statuses.push(value.to_string());
            Ok(())
        }
        "source" => Err(Failure::new("not implemented")),
        other => Err(Failure::new(format!("unknown filter {other}"))),
    }
}

/// Runs `hoist ps`.
pub fn run(global: &GlobalOptions, args: &PsArgs) -> Result<(), Failure> {
    let mut statuses = args.status.clone();
    parse_filter(args.filter.as_deref(), &mut statuses)?;
    let (project, name) = project_or_name(global, &args.services)?;
    let mut services = args.services.clone();
    if let Some(project) = &project {
        let names = project.service_names();
        if !services.is_empty() {
            for s in &services {
                if !names.contains(s) {
                    return Err(Failure::new(format!("no such service: {s}")));
                }
            }
        } else if !args.orphans {
            services = names;
        }
    }
    let query = PsQuery {
        project: name,
        services,
        all: args.all || !statuses.is_empty(),
    };
    let rt = runtime()?;
    let summaries = rt.block_on(async {
        let engine = connect().await?;
        list_project_containers(&engine, &query).await
    })?;
    let mut rows: Vec<PsRow> = summaries
        .iter()
        .map(|s| PsRow::from_summary(s, !args.no_trunc))
        .filter(|r| statuses.is_empty() || statuses.contains(&r.state))
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));

    let mut out = String::new();
    if args.quiet {
        for r in &rows {
            out.push_str(&r.id);
            out.push('\n');
        }
    } else if args.services_only {
        let mut seen: Vec<&str> = Vec::new();
        for r in &rows {
            if !seen.contains(&r.service.as_str()) {
                seen.push(&r.service);
            }
        }
        out = seen.join("\n");
        out.push('\n');
    } else {
        let format = args.format.as_deref().unwrap_or("");
        let show_engine = rows.iter().any(|r| r.labels.contains_key(labels::ENGINE));
        let template_text = match format {
            "" | "table" => {
                let mut t = DEFAULT_TABLE.to_string();
                if show_engine {
                    t.push_str("\t{{.Engine}}");
                }
                t
            }
            "json" => "{{json .}}".to_string(),
            custom => custom.to_string(),
        };
        let template = Template::parse(&template_text).map_err(Failure::new)?;
        let dyn_rows: Vec<&dyn TemplateData> =
            rows.iter().map(|r| r as &dyn TemplateData).collect();
        out = render_rows(&template, &dyn_rows, &ps_headers())?;
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| Failure::new(format!("cannot write output: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publisher(url: &str, target: u16, published: u16, proto: &str) -> Publisher {
        Publisher {
            url: url.into(),
            target_port: target,
            published_port: published,
            protocol: proto.into(),
        }
    }

    #[test]
    fn ports_are_displayed_like_docker() {
        // Observed with the reference on `ports: ["8080", "127.0.0.1:18081:81/udp"]`.
        let ports = vec![
            publisher("0.0.0.0", 8080, 32768, "tcp"),
            publisher("::", 8080, 32768, "tcp"),
            publisher("127.0.0.1", 81, 18081, "udp"),
        ];
        assert_eq!(
            displayable_ports(&ports),
            "127.0.0.1:18081->81/udp, 0.0.0.0:32768->8080/tcp, [::]:32768->8080/tcp"
        );
        let exposed = vec![
            publisher("", 80, 0, "tcp"),
            publisher("", 81, 0, "tcp"),
            publisher("", 82, 0, "tcp"),
            publisher("", 90, 0, "tcp"),
        ];
        assert_eq!(displayable_ports(&exposed), "80-82/tcp, 90/tcp");
        let same = vec![publisher("0.0.0.0", 80, 80, "tcp")];
        assert_eq!(displayable_ports(&same), "0.0.0.0:80->80/tcp");
    }

    #[test]
    fn quoting_and_names() {
        assert_eq!(go_quote("sh -c 'echo \"x\"'"), "\"sh -c 'echo \\\"x\\\"'\"");
        assert_eq!(
            canonical_name(&["/p-web-1".into(), "/other/alias".into()]),
            "p-web-1"
        );
        assert_eq!(canonical_name(&[]), "");
    }

    #[test]
    fn filters() {
        let mut s = Vec::new();
        parse_filter(Some("status=running"), &mut s).expect("ok");
        assert_eq!(s, vec!["running"]);
        assert!(parse_filter(Some("nope"), &mut s).is_err());
        assert!(parse_filter(Some("name=x"), &mut s).is_err());
    }
}
