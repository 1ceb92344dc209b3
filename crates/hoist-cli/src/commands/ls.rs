//! `hoist ls`: lists Compose projects found through container labels, as `docker compose ls`
//! does (`NAME STATUS CONFIG FILES`, or JSON).

use crate::cli::{GlobalOptions, LsArgs};
use crate::table::tabwrite;
use crate::target::{connect, engine_failure, runtime};
use crate::Failure;
use hoist_engine::ProjectSummary;
use serde_json::json;
use std::io::Write;

/// Parses `--filter` values: only `name=REGEX` is accepted.
fn name_filters(filters: &[String]) -> Result<Vec<String>, Failure> {
    let mut names = Vec::new();
    for f in filters {
        let (key, value) = f
            .split_once('=')
            .ok_or_else(|| Failure::new("bad format of filter (expected name=value)"))?;
        let key = key.trim().to_lowercase();
        if key != "name" {
            return Err(Failure::new(format!("invalid filter '{key}'")));
        }
        names.push(value.to_string());
    }
    Ok(names)
}

/// True when `name` equals one of `patterns` or one of them (as an unanchored regular
/// expression) matches it.
fn matches_any(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| {
        p == name
            || regex::Regex::new(p)
                .map(|re| re.is_match(name))
                .unwrap_or(false)
    })
}

/// Renders the project list in `format` (`table`, `json`, `{{json .}}`).
fn render(projects: &[ProjectSummary], format: &str) -> Result<String, Failure> {
    let as_json = |p: &ProjectSummary| json!({"Name": p.name, "Status": p.status, "ConfigFiles": p.config_files});
    match format.to_lowercase().as_str() {
        "table" | "pretty" | "" => {
            let mut rows = vec![vec![
                "NAME".to_string(),
                "STATUS".into(),
                "CONFIG FILES".into(),
            ]];
            for p in projects {
                rows.push(vec![
                    p.name.clone(),
                    p.status.clone(),
                    p.config_files.clone(),
                ]);
            }
            Ok(tabwrite(&rows, 20, 3))
        }
        "json" => {
            let list: Vec<_> = projects.iter().map(as_json).collect();
            Ok(format!("{}\n", serde_json::Value::Array(list)))
        }
        "{{json .}}" => Ok(projects
            .iter()
            .map(|p| format!("{}\n", as_json(p)))
            .collect()),
        _ => Err(Failure::new(format!(
            "format value {format:?} could not be parsed: parsing failed"
        ))),
    }
}

/// Runs `hoist ls`.
pub fn run(_global: &GlobalOptions, args: &LsArgs) -> Result<(), Failure> {
    let patterns = name_filters(&args.filter)?;
    let rt = runtime()?;
    let mut projects = rt.block_on(async {
        let engine = connect().await?;
        engine.list_projects(args.all).await.map_err(engine_failure)
    })?;
    if !patterns.is_empty() {
        projects.retain(|p| matches_any(&patterns, &p.name));
    }
    let out = if args.quiet {
        projects.iter().map(|p| format!("{}\n", p.name)).collect()
    } else {
        render(&projects, &args.format)?
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
    fn filters_and_rendering() {
        assert_eq!(name_filters(&["name=web".into()]).expect("ok"), vec!["web"]);
        assert!(name_filters(&["status=x".into()]).is_err());
        assert!(name_filters(&["x".into()]).is_err());
        assert!(matches_any(&["^ob".into()], "obs1"));
        assert!(!matches_any(&["^x".into()], "obs1"));
        let p = vec![ProjectSummary {
            name: "obs1".into(),
            status: "running(3)".into(),
            config_files: "/tmp/obs1/compose.yaml".into(),
        }];
        // Observed with the reference `docker compose ls`.
        assert_eq!(
            render(&p, "table").expect("table"),
            "NAME                STATUS              CONFIG FILES\nobs1                running(3)          /tmp/obs1/compose.yaml\n"
        );
        assert_eq!(
            render(&p, "json").expect("json"),
            "[{\"Name\":\"obs1\",\"Status\":\"running(3)\",\"ConfigFiles\":\"/tmp/obs1/compose.yaml\"}]\n"
        );
        assert_eq!(render(&[], "json").expect("json"), "[]\n");
        assert!(render(&p, "yaml").is_err());
    }
}
