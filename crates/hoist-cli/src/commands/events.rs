//! `hoist events`: streams the container events of a project (text lines or `--json`), as
//! `docker compose events` does, until Ctrl-C or `--until`.

use crate::cli::{EventsArgs, GlobalOptions};
use crate::commands::logs::{cancel_on_ctrl_c, parse_time_arg};
use crate::table::{civil_from_unix, rfc3339_nano};
use crate::target::{connect, project_or_name, runtime};
use crate::Failure;
use futures_util::StreamExt;
use hoist_engine::bollard::models::EventMessage;
use hoist_engine::labels;
use hoist_executor::CancelToken;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// A project container event as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectEvent {
    /// Unix seconds and nanoseconds.
    pub time: (i64, u32),
    /// Service label.
    pub service: String,
    /// Container ID.
    pub container: String,
    /// Action (`start`, `die`, …).
    pub action: String,
    /// Attributes without the `com.docker.compose.*` labels.
    pub attributes: BTreeMap<String, String>,
}

impl ProjectEvent {
    /// Converts an engine event; `None` for non-container and one-off events.
    pub fn from_message(event: &EventMessage) -> Option<ProjectEvent> {
        if event.typ.map(|t| t.to_string()).as_deref() != Some("container") {
            return None;
        }
        let actor = event.actor.as_ref()?;
        let attrs = actor.attributes.clone().unwrap_or_default();
        if attrs.get(labels::ONEOFF).map(String::as_str) == Some("True") {
            return None;
        }
        let time = match event.time_nano {
            Some(n) if n > 0 => (
                n.div_euclid(1_000_000_000),
                n.rem_euclid(1_000_000_000) as u32,
            ),
            _ => (event.time.unwrap_or(0), 0),
        };
        Some(ProjectEvent {
            time,
            service: attrs.get(labels::SERVICE).cloned().unwrap_or_default(),
            container: actor.id.clone().unwrap_or_default(),
            action: event.action.clone().unwrap_or_default(),
            attributes: attrs
                .into_iter()
                .filter(|(k, _)| !k.starts_with("com.docker.compose."))
                .collect(),
        })
    }

    /// The text line: `2026-11-28 08:00:00.123456 container start ID (k=v, …)` followed by an
    /// empty line, as Docker Compose prints it.
    pub fn to_text(&self) -> String {
        let (y, mo, d, h, mi, s) = civil_from_unix(self.time.0);
        let attrs: Vec<String> = self
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!(
            "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:06} container {} {} ({})\n\n",
            self.time.1 / 1000,
            self.action,
            self.container,
            attrs.join(", ")
        )
    }

    /// The `--json` line (keys sorted as Go sorts map keys).
    pub fn to_json(&self) -> String {
        let attributes: Map<String, Value> = self
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let value = json!({
            "action": self.action,
            "attributes": attributes,
            "id": self.container,
            "service": self.service,
            "time": rfc3339_nano(self.time.0, self.time.1),
            "type": "container",
        });
        format!("{}\n", crate::table::go_html_escape(&value.to_string()))
    }
}

/// Runs `hoist events`.
pub fn run(global: &GlobalOptions, args: &EventsArgs) -> Result<(), Failure> {
    let (_, name) = project_or_name(global, &args.services)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let since = args
        .since
        .as_deref()
        .map(|s| parse_time_arg(s, now))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|s| parse_time_arg(s, now))
        .transpose()?;
    let rt = runtime()?;
    rt.block_on(async {
        let engine = connect().await?;
        let cancel = CancelToken::new();
        cancel_on_ctrl_c(&cancel);
        let filters = HashMap::from([(
            "label".to_string(),
            vec![labels::filter(labels::PROJECT, &name.to_lowercase())],
        )]);
        let mut stream = Box::pin(engine.docker().events(Some(
            hoist_engine::bollard::query_parameters::EventsOptions {
                since: since.map(|s| s.to_string()),
                until: until.map(|s| s.to_string()),
                filters: Some(filters),
            },
        )));
        let mut stdout = std::io::stdout();
        loop {
            let item = tokio::select! {
                item = stream.next() => item,
                _ = cancel.cancelled() => {
                    return Err(Failure { message: String::new(), code: 130 });
                }
            };
            let Some(item) = item else { return Ok(()) };
            let event = item.map_err(|e| {
                Failure::new(
                    hoist_engine::EngineError::from_bollard("engine events", "read", e).message,
                )
            })?;
            let Some(event) = ProjectEvent::from_message(&event) else {
                continue;
            };
            if !args.services.is_empty() && !args.services.contains(&event.service) {
                continue;
            }
            let line = if args.json {
                event.to_json()
            } else {
                event.to_text()
            };
            if stdout
                .write_all(line.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return Ok(());
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_text_and_json() {
        let e = ProjectEvent {
            time: (1_764_316_800, 123_456_789),
            service: "web".into(),
            container: "abc".into(),
            action: "start".into(),
            attributes: BTreeMap::from([
                ("image".into(), "busybox".into()),
                ("name".into(), "p-web-1".into()),
            ]),
        };
        assert_eq!(
            e.to_text(),
            "2025-11-28 08:00:00.123456 container start abc (image=busybox, name=p-web-1)\n\n"
        );
        assert_eq!(
            e.to_json(),
            "{\"action\":\"start\",\"attributes\":{\"image\":\"busybox\",\"name\":\"p-web-1\"},\"id\":\"abc\",\"service\":\"web\",\"time\":\"2025-11-28T08:00:00.123456789Z\",\"type\":\"container\"}\n"
        );
    }
}
