//! `hoist config`: prints the resolved, canonical model — or one of its listings — exactly as
//! `docker compose config` does.

use crate::cli::{ConfigArgs, ConfigFormat, GlobalOptions};
use crate::project::{load_failure, project_options};
use crate::Failure;
use hoist_loader::load::{self, LoadContext};
use hoist_loader::model::values::go_yaml_key_cmp;
use hoist_loader::model::{json, yaml_out, Project};
use hoist_loader::Node;
use std::cmp::Ordering;
use std::io::Write;

/// Runs `hoist config`.
pub fn run(global: &GlobalOptions, args: &ConfigArgs) -> Result<(), Failure> {
    let mut opts = project_options(global)?;
    opts.no_interpolate = args.no_interpolate;
    opts.no_normalize = args.no_normalize;
    opts.no_path_resolution = args.no_path_resolution;
    opts.no_consistency = args.no_consistency;
    opts.no_env_resolution = args.no_env_resolution;
    let listing =
        args.list_services || args.volumes || args.networks || args.models || args.hash.is_some();
    if !listing {
        opts.services = args.service_names.clone();
    }
    if args.list_services || args.volumes || args.networks || args.models {
        opts.no_env_resolution = true;
    }
    if args.list_profiles || args.images {
        opts.services = args.service_names.clone();
    }

    let mut ctx = LoadContext::default();
    if args.variables {
        opts.no_interpolate = true;
        opts.no_validation = true;
        let (root, _, _) = load::load_model(&opts, &mut ctx).map_err(|e| load_failure(e, &ctx))?;
        return emit(args, variables(&root, args.format));
    }
    if args.no_interpolate
        && !args.list_services
        && args.hash.is_none()
        && !args.list_profiles
        && !args.images
    {
        // Docker Compose renders the untyped model here: every mapping with sorted keys.
        let (root, _, _) = load::load_model(&opts, &mut ctx).map_err(|e| load_failure(e, &ctx))?;
        let value = root.to_json();
        let text = match args.format.unwrap_or_default() {
            // go-yaml orders keys with numbers compared by value (`s2` before `s10`).
            ConfigFormat::Yaml => yaml_out::to_go_yaml(&sorted_json(value, &go_yaml_key_cmp)),
            ConfigFormat::Json if args.no_normalize => {
                json::to_go_json_pretty(&sorted_json(value, &str::cmp))
            }
            ConfigFormat::Json => {
                json::to_go_json_pretty(&resolved_lists_as_nil(sorted_json(value, &str::cmp)))
            }
        };
        return emit(args, text);
    }
    let project = load::load(&opts, &mut ctx).map_err(|e| load_failure(e, &ctx))?;

    let out = if args.list_services {
        lines(project.service_names_dependency_order())
    } else if args.volumes {
        lines(project.volume_names())
    } else if args.networks {
        lines(project.network_names())
    } else if args.models {
        lines(project.model_references())
    } else if let Some(which) = &args.hash {
        hashes(&project, which)?
    } else if args.list_profiles {
        lines(project.profile_names())
    } else if args.images {
        lines(project.image_names())
    } else if args.variables || args.environment {
        return Err(Failure::new(
            "`config --variables` and `--environment` are not implemented yet",
        ));
    } else {
        let text = match args.format.unwrap_or_default() {
            ConfigFormat::Yaml => project.into_yaml(),
            ConfigFormat::Json => project.to_json(),
        };
        if args.no_interpolate || !text.contains('$') {
            text
        } else {
            text.replace('$', "$$")
        }
    };
    emit(args, out)
}

/// Writes the output to `-o FILE` or standard output (nothing with `-q`).
fn emit(args: &ConfigArgs, out: String) -> Result<(), Failure> {
    if args.quiet {
        return Ok(());
    }
    match &args.output {
        Some(path) if !out.is_empty() => std::fs::write(path, out)
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display()))),
        _ => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(out.as_bytes())
                .map_err(|e| Failure::new(format!("cannot write output: {e}")))
        }
    }
}

fn lines(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for i in items {
        out.push_str(&i);
        out.push('\n');
    }
    out
}

/// `--hash SVC[,SVC…]` or `--hash '*'`: `service <sha256>` lines, sorted by service name,
/// hashing the environment as containers are created (env_file folded in).
fn hashes(project: &Project, which: &str) -> Result<String, Failure> {
    let mut names: Vec<String> = if which == "*" {
        project.service_names()
    } else {
        which.split(',').map(str::to_string).collect()
    };
    // Docker Compose checks every name first, then prints once per service, sorted by name.
    for name in &names {
        if project.service(name).is_none() {
            return Err(Failure::new(format!("no such service: {name}")));
        }
    }
    names.sort();
    names.dedup();
    let mut out = String::new();
    for name in names {
        if let Some(service) = project.service(&name) {
            out.push_str(&format!("{name} {}\n", service.config_hash()));
        }
    }
    Ok(out)
}

/// Normalisation rebuilds every service's `environment` and `build.args` list, and compose-go
/// leaves an empty result as a nil list, which its JSON encoder prints as `null` (YAML as `[]`).
fn resolved_lists_as_nil(mut value: serde_json::Value) -> serde_json::Value {
    let empty =
        |v: Option<&serde_json::Value>| v.and_then(|v| v.as_array()).is_some_and(Vec::is_empty);
    if let Some(services) = value.get_mut("services").and_then(|s| s.as_object_mut()) {
        for service in services.values_mut() {
            if empty(service.get("environment")) {
                service["environment"] = serde_json::Value::Null;
            }
            if let Some(build) = service.get_mut("build") {
                if empty(build.get("args")) {
                    build["args"] = serde_json::Value::Null;
                }
            }
        }
    }
    value
}

/// Sorts the keys of every JSON object by `order`, as Go does when it prints a
/// `map[string]any`: bytewise for JSON, numbers compared by value for go-yaml.
fn sorted_json(v: serde_json::Value, order: &dyn Fn(&str, &str) -> Ordering) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| order(&a.0, &b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted_json(v, order)))
                    .collect(),
            )
        }
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(|v| sorted_json(v, order)).collect())
        }
        other => other,
    }
}

/// `config --variables`: a table (default), JSON or YAML of the variables the model uses.
/// Docker Compose prints them in random order; Hoist sorts them by name.
fn variables(root: &Node, format: Option<ConfigFormat>) -> String {
    let mut vars = hoist_loader::interpolate::variables(root);
    vars.sort_by(|a, b| a.name.cmp(&b.name));
    vars.dedup_by(|a, b| a.name == b.name);
    match format {
        None => {
            let mut rows = vec![[
                "NAME".to_string(),
                "REQUIRED".to_string(),
                "DEFAULT VALUE".to_string(),
                "ALTERNATE VALUE".to_string(),
            ]];
            for v in &vars {
                rows.push([
                    v.name.clone(),
                    v.required.to_string(),
                    v.default_value.clone(),
                    v.presence_value.clone(),
                ]);
            }
            tab_table(&rows)
        }
        Some(ConfigFormat::Json) => {
            let mut m = serde_json::Map::new();
            for v in &vars {
                m.insert(
                    v.name.clone(),
                    serde_json::json!({
                        "Name": v.name, "DefaultValue": v.default_value,
                        "PresenceValue": v.presence_value, "Required": v.required,
                    }),
                );
            }
            let text = json::to_go_json_pretty(&serde_json::Value::Object(m));
            // Docker's formatter indents JSON by four spaces.
            text.lines()
                .map(|l| {
                    let n = l.len() - l.trim_start().len();
                    format!("{}{}\n", " ".repeat(n * 2), l.trim_start())
                })
                .collect()
        }
        Some(ConfigFormat::Yaml) => {
            let mut m = serde_json::Map::new();
            for v in &vars {
                m.insert(
                    v.name.clone(),
                    serde_json::json!({
                        "name": v.name, "defaultvalue": v.default_value,
                        "presencevalue": v.presence_value, "required": v.required,
                    }),
                );
            }
            // yaml.Marshal of a map of structs: keys sorted, struct fields in order, four spaces.
            let text = yaml_out::to_go_yaml(&serde_json::Value::Object(m));
            text.lines()
                .map(|l| {
                    let n = l.len() - l.trim_start().len();
                    format!("{}{}\n", " ".repeat(n * 2), l.trim_start())
                })
                .collect()
        }
    }
}

/// Docker's table layout (Go tabwriter, minimum width 20, padding 3): every column but the
/// last is padded.
fn tab_table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < N {
                let w = (widths[i] + 3).max(20);
                out.push_str(&" ".repeat(w - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}
