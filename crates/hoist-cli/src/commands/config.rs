//! `hoist config`: prints the resolved, canonical model — or one of its listings — exactly as
//! `docker compose config` does.

use crate::cli::{ConfigArgs, ConfigFormat, GlobalOptions};
use crate::project::{load_failure, project_options};
use crate::Failure;
use hoist_loader::load::{self, LoadContext};
use hoist_loader::model::Project;
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
            ConfigFormat::Yaml => project.to_yaml(),
            ConfigFormat::Json => project.to_json(),
        };
        if args.no_interpolate {
            text
        } else {
            text.replace('$', "$$")
        }
    };
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
    let names: Vec<String> = if which == "*" {
        project.service_names()
    } else {
        which.split(',').map(str::to_string).collect()
    };
    let mut out = String::new();
    for name in names {
        let service = project
            .service(&name)
            .ok_or_else(|| Failure::new(format!("no such service: {name}")))?;
        out.push_str(&format!("{name} {}\n", service.config_hash()));
    }
    Ok(out)
}
