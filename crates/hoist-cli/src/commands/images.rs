//! `hoist images`: the images a project's containers were created from (one row per
//! container), as `docker compose images` prints them (table, JSON or IDs).

use crate::cli::{GlobalOptions, ImagesArgs};
use crate::commands::ps::canonical_name;
use crate::table::{human_duration, human_size, parse_rfc3339, rfc3339_nano, tabwrite};
use crate::target::{connect, project_name, runtime};
use crate::Failure;
use hoist_engine::bollard::models::ContainerSummary;
use hoist_engine::labels;
use serde_json::{Map, Value};
use std::io::Write;

/// One row of `images`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRow {
    /// Canonical container name.
    pub container: String,
    /// Image ID (`sha256:…`).
    pub id: String,
    /// Familiar repository name (`hoist-test/busybox`), empty when unknown.
    pub repository: String,
    /// Tag, empty when unknown.
    pub tag: String,
    /// `os/arch[/variant]`, or `unknown`.
    pub platform: String,
    /// Size in bytes.
    pub size: i64,
    /// Creation time (Unix seconds, nanoseconds), when known.
    pub created: Option<(i64, u32)>,
    /// Last tag time, when known and not zero.
    pub last_tag_time: Option<(i64, u32)>,
}

/// Splits an image reference into its familiar repository and tag, as Docker's
/// `ParseDockerRef` + `FamiliarName` do (`busybox` → (`busybox`, `latest`)); raw IDs give
/// empty strings.
pub fn repository_and_tag(reference: &str) -> (String, String) {
    if reference.starts_with("sha256:") || reference.is_empty() {
        return (String::new(), String::new());
    }
    let (name, digested) = match reference.split_once('@') {
        Some((n, _)) => (n, true),
        None => (reference, false),
    };
    let last_slash = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (repo, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (
            &name[..last_slash + i],
            name[last_slash + i + 1..].to_string(),
        ),
        None if digested => (name, String::new()),
        None => (name, "latest".to_string()),
    };
    let familiar = repo
        .strip_prefix("docker.io/library/")
        .or_else(|| repo.strip_prefix("index.docker.io/library/"))
        .or_else(|| repo.strip_prefix("docker.io/"))
        .or_else(|| repo.strip_prefix("index.docker.io/"))
        .unwrap_or(repo);
    (familiar.to_string(), tag)
}

fn short_id(id: &str) -> String {
    let id = id.split_once(':').map(|(_, rest)| rest).unwrap_or(id);
    id.chars().take(12).collect()
}

async fn image_row(
    engine: &hoist_engine::Engine,
    container: &ContainerSummary,
) -> Result<ImageRow, Failure> {
    let image_ref = container.image.clone().unwrap_or_default();
    let (repository, tag) = repository_and_tag(&image_ref);
    let name = canonical_name(&container.names.clone().unwrap_or_default());
    match engine.inspect_image(&image_ref).await {
        Ok(img) => {
            let platform = match img.os.as_deref().filter(|o| !o.is_empty()) {
                None => "unknown".to_string(),
                Some(os) => {
                    let mut parts = vec![os.to_string()];
                    if let Some(arch) = img.architecture.as_deref().filter(|a| !a.is_empty()) {
                        parts.push(arch.to_string());
                    }
                    if let Some(variant) = img.variant.as_deref().filter(|v| !v.is_empty()) {
                        parts.push(variant.to_string());
                    }
                    parts.join("/")
                }
            };
            let last_tag_time = img
                .metadata
                .as_ref()
                .and_then(|m| m.last_tag_time.as_deref())
                .and_then(parse_rfc3339)
                .filter(|t| t.0 > 0);
            Ok(ImageRow {
                container: name,
                id: img.id.clone().unwrap_or_default(),
                repository,
                tag,
                platform,
                size: img.size.unwrap_or(0),
                created: img.created.as_deref().and_then(parse_rfc3339),
                last_tag_time,
            })
        }
        Err(e) if e.is_not_found() => Ok(ImageRow {
            container: name,
            id: container.image_id.clone().unwrap_or_default(),
            repository,
            tag,
            platform: "unknown".into(),
            size: 0,
            created: None,
            last_tag_time: None,
        }),
        Err(e) => Err(Failure::new(e.message)),
    }
}

fn row_json(r: &ImageRow) -> Value {
    let mut m = Map::new();
    m.insert("ID".into(), r.id.clone().into());
    m.insert("ContainerName".into(), r.container.clone().into());
    m.insert("Repository".into(), r.repository.clone().into());
    m.insert("Tag".into(), r.tag.clone().into());
    m.insert("Platform".into(), r.platform.clone().into());
    m.insert("Size".into(), r.size.into());
    if let Some((s, n)) = r.created {
        m.insert("Created".into(), rfc3339_nano(s, n).into());
    }
    if let Some((s, n)) = r.last_tag_time {
        m.insert("LastTagTime".into(), rfc3339_nano(s, n).into());
    }
    Value::Object(m)
}

/// Renders rows (already sorted by container) as `format`.
pub fn render(rows: &[ImageRow], format: &str, now: f64) -> Result<String, Failure> {
    match format.to_lowercase().as_str() {
        "json" => {
            let list: Vec<Value> = rows.iter().map(row_json).collect();
            Ok(format!("{}\n", Value::Array(list)))
        }
        "table" | "pretty" | "" => {
            let mut table = vec![[
                "CONTAINER",
                "REPOSITORY",
                "TAG",
                "PLATFORM",
                "IMAGE ID",
                "SIZE",
                "CREATED",
            ]
            .map(String::from)
            .to_vec()];
            for r in rows {
                let or_none = |s: &str| {
                    if s.is_empty() {
                        "<none>".to_string()
                    } else {
                        s.to_string()
                    }
                };
                table.push(vec![
                    r.container.clone(),
                    or_none(&r.repository),
                    or_none(&r.tag),
                    r.platform.clone(),
                    short_id(&r.id),
                    human_size(r.size as f64),
                    match r.created {
                        Some((s, _)) => format!("{} ago", human_duration(now - s as f64)),
                        None => "N/A".into(),
                    },
                ]);
            }
            Ok(tabwrite(&table, 20, 3))
        }
        _ => Err(Failure::new(format!(
            "format value {format:?} could not be parsed: parsing failed"
        ))),
    }
}

/// Runs `hoist images`.
pub fn run(global: &GlobalOptions, args: &ImagesArgs) -> Result<(), Failure> {
    let name = project_name(global)?;
    let rt = runtime()?;
    let mut rows = rt.block_on(async {
        let engine = connect().await?;
        let containers = engine
            .list_containers_by_labels(&[labels::filter(labels::PROJECT, &name.to_lowercase())])
            .await
            .map_err(|e| Failure::new(e.message))?;
        let mut out = Vec::new();
        for c in containers.iter().filter(|c| {
            args.services.is_empty()
                || c.labels
                    .as_ref()
                    .and_then(|l| l.get(labels::SERVICE))
                    .is_some_and(|s| args.services.contains(s))
        }) {
            out.push(image_row(&engine, c).await?);
        }
        Ok::<_, Failure>(out)
    })?;
    rows.sort_by(|a, b| a.container.cmp(&b.container));
    let out = if args.quiet {
        let mut ids: Vec<String> = Vec::new();
        for r in &rows {
            let id =
                r.id.split_once(':')
                    .map(|(_, x)| x)
                    .unwrap_or(&r.id)
                    .to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.iter().map(|i| format!("{i}\n")).collect()
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        render(&rows, &args.format, now)?
    };
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| Failure::new(format!("cannot write output: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let rt = |s: &str| repository_and_tag(s);
        assert_eq!(
            rt("hoist-test/busybox:latest"),
            ("hoist-test/busybox".into(), "latest".into())
        );
        assert_eq!(rt("busybox"), ("busybox".into(), "latest".into()));
        assert_eq!(
            rt("docker.io/library/redis:7"),
            ("redis".into(), "7".into())
        );
        assert_eq!(
            rt("localhost:5000/app"),
            ("localhost:5000/app".into(), "latest".into())
        );
        assert_eq!(rt("app@sha256:abc"), ("app".into(), String::new()));
        assert_eq!(rt("sha256:abc"), (String::new(), String::new()));
        assert_eq!(short_id("sha256:9e1ac0c44d60db3c7501"), "9e1ac0c44d60");
    }
}
