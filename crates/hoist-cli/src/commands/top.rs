//! `hoist top`: the processes of a project's running containers, one table for all, with
//! `SERVICE` and `#` (replica) columns first and `CMD` last, as `docker compose top` prints it.

use crate::cli::{GlobalOptions, TopArgs};
use crate::commands::ps::{canonical_name, list_project_containers, PsQuery};
use crate::table::tabwrite;
use crate::target::{connect, project_name, runtime};
use crate::Failure;
use hoist_engine::bollard::query_parameters::TopOptions;
use hoist_engine::labels;
use std::io::Write;

/// The `top` result of one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerProcesses {
    /// Canonical container name (sort key).
    pub name: String,
    /// Service label (the name when missing).
    pub service: String,
    /// Container number label (empty when missing).
    pub replica: String,
    /// Column titles from the engine.
    pub titles: Vec<String>,
    /// Process rows.
    pub processes: Vec<Vec<String>>,
}

/// Builds the table: columns in first-seen order after `SERVICE` and `#`, `CMD` moved last,
/// `-` for a column a container does not report.
pub fn top_table(containers: &[ContainerProcesses]) -> Vec<Vec<String>> {
    let mut header: Vec<String> = vec!["SERVICE".into(), "#".into()];
    for c in containers {
        for t in &c.titles {
            if !header.contains(t) {
                header.push(t.clone());
            }
        }
    }
    if let Some(pos) = header.iter().position(|h| h == "CMD") {
        let cmd = header.remove(pos);
        header.push(cmd);
    }
    let mut rows = vec![header.clone()];
    for c in containers {
        for proc_row in &c.processes {
            let row = header
                .iter()
                .map(|h| match h.as_str() {
                    "SERVICE" => c.service.clone(),
                    "#" => c.replica.clone(),
                    title => c
                        .titles
                        .iter()
                        .position(|t| t == title)
                        .and_then(|i| proc_row.get(i))
                        .cloned()
                        .unwrap_or_else(|| "-".into()),
                })
                .collect();
            rows.push(row);
        }
    }
    rows
}

/// Runs `hoist top`.
pub fn run(global: &GlobalOptions, args: &TopArgs) -> Result<(), Failure> {
    let name = project_name(global)?;
    let rt = runtime()?;
    let mut containers = rt.block_on(async {
        let engine = connect().await?;
        let query = PsQuery {
            project: name.clone(),
            services: args.services.clone(),
            all: false,
        };
        // One-offs are included, as in Docker Compose.
        let mut listed = list_project_containers(&engine, &PsQuery { all: true, ..query }).await?;
        listed.retain(|c| c.state.as_ref().map(|s| s.to_string()).as_deref() == Some("running"));
        let mut tasks = tokio::task::JoinSet::new();
        for c in listed {
            let engine = engine.clone();
            tasks.spawn(async move {
                let id = c.id.clone().unwrap_or_default();
                let top = engine
                    .docker()
                    .top_processes(&id, None::<TopOptions>)
                    .await
                    .map_err(|e| {
                        Failure::new(
                            hoist_engine::EngineError::from_bollard(
                                &format!("container \"{id}\""),
                                "list the processes of",
                                e,
                            )
                            .message,
                        )
                    })?;
                let names = c.names.clone().unwrap_or_default();
                let name = canonical_name(&names);
                let labels = c.labels.clone().unwrap_or_default();
                Ok::<_, Failure>(ContainerProcesses {
                    service: labels
                        .get(labels::SERVICE)
                        .cloned()
                        .unwrap_or_else(|| name.clone()),
                    replica: labels
                        .get(labels::CONTAINER_NUMBER)
                        .cloned()
                        .unwrap_or_default(),
                    name,
                    titles: top.titles.unwrap_or_default(),
                    processes: top.processes.unwrap_or_default(),
                })
            });
        }
        let mut out = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(r) => out.push(r?),
                Err(e) => return Err(Failure::new(format!("internal error: {e}"))),
            }
        }
        Ok(out)
    })?;
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    let rows = top_table(&containers);
    if rows.len() <= 1 {
        return Ok(());
    }
    std::io::stdout()
        .lock()
        .write_all(tabwrite(&rows, 4, 2).as_bytes())
        .map_err(|e| Failure::new(format!("cannot write output: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmd_column_goes_last() {
        let c = ContainerProcesses {
            name: "p-web-1".into(),
            service: "web".into(),
            replica: "1".into(),
            titles: vec!["UID".into(), "PID".into(), "CMD".into(), "EXTRA".into()],
            processes: vec![vec!["root".into(), "1".into(), "httpd".into(), "x".into()]],
        };
        let rows = top_table(&[c]);
        assert_eq!(rows[0], vec!["SERVICE", "#", "UID", "PID", "EXTRA", "CMD"]);
        assert_eq!(rows[1], vec!["web", "1", "root", "1", "x", "httpd"]);
        // Observed with the reference: `SERVICE  #   UID   PID ...` (tabwriter 4,1,2).
        assert_eq!(
            tabwrite(&rows, 4, 2),
            "SERVICE  #   UID   PID  EXTRA  CMD\nweb      1   root  1    x      httpd\n"
        );
    }
}
