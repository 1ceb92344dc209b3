//! `hoist cp`: copies files and folders between a service container and the local
//! filesystem, as `docker compose cp` does (itself following `docker cp`'s path rules):
//!
//! - `SERVICE:SRC DEST` copies from the first container of the service (`--index` picks a
//!   replica); `DEST` `-` writes the tar stream to standard output;
//! - `SRC SERVICE:DEST` copies into every container of the service (or replica `--index`;
//!   `--all` adds one-off containers); `SRC` `-` reads a tar stream from standard input;
//! - an existing directory destination receives the source under its own name, a missing
//!   one is created (directory source) or written as the file; `SRC/.` copies a directory's
//!   contents; `-L` follows a symbolic link source; `-a` keeps owners (UID/GID).
//!
//! Archives go through the engine's `/archive` endpoints (`hoist_engine::interactive`).

use crate::cli::GlobalOptions;
use crate::target::{connect, engine_failure, project_name};
use crate::Failure;
use clap::Args;
use hoist_engine::bollard::models::ContainerSummary;
use hoist_engine::{labels, Engine};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// `cp` arguments.
#[derive(Debug, Args)]
pub struct CpArgs {
    /// Include containers created by the run command (copying into a service).
    #[arg(long = "all")]
    pub all: bool,
    /// Archive mode (copy all UID/GID information).
    #[arg(short = 'a', long = "archive")]
    pub archive: bool,
    /// Always follow a symbolic link in SRC_PATH.
    #[arg(short = 'L', long = "follow-link")]
    pub follow_link: bool,
    /// Index of the container if the service has several replicas.
    #[arg(long = "index", default_value_t = 0)]
    pub index: u32,
    /// `SERVICE:SRC_PATH` or a local path (`-`: a tar stream on standard input).
    pub source: String,
    /// `SERVICE:DEST_PATH` or a local path (`-`: a tar stream on standard output).
    pub destination: String,
}

/// Splits `service:path` (a local path has no colon before its first slash).
pub fn split_cp_arg(arg: &str) -> (Option<&str>, &str) {
    if arg.starts_with('/') || arg.starts_with('.') {
        return (None, arg);
    }
    match arg.split_once(':') {
        Some((service, path)) if !service.contains('/') => (Some(service), path),
        _ => (None, arg),
    }
}

fn failure(e: impl std::fmt::Display) -> Failure {
    Failure::new(e.to_string())
}

/// Whether a path asks for a directory's contents (`dir/.`).
fn wants_contents(path: &str) -> bool {
    path == "." || path.ends_with("/.")
}

/// The last path component of a container path (`/a/b/` → `b`).
fn base_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/.").unwrap_or(trimmed);
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// The parent of a container path (`/a/b` → `/a`, `b` → `.`).
fn parent_of(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some(("", _)) => "/".to_string(),
        Some((parent, _)) => parent.to_string(),
        None => ".".to_string(),
    }
}

/// Safe relative path of an archive entry (no `..`, no root).
fn entry_components(path: &Path) -> Result<Vec<String>, Failure> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().to_string()),
            Component::CurDir => {}
            _ => {
                return Err(Failure::new(format!(
                    "refusing archive entry {} (leaves the destination)",
                    path.display()
                )))
            }
        }
    }
    Ok(parts)
}

/// Whether the first entry of an archive is a directory.
fn first_entry_is_dir(tar: &[u8]) -> bool {
    let mut archive = tar::Archive::new(tar);
    let Ok(mut entries) = archive.entries() else {
        return false;
    };
    matches!(entries.next(), Some(Ok(e)) if e.header().entry_type().is_dir())
}

/// Extracts `tar` to the local `dest`. The archive's first component (the source's base
/// name) is kept when `dest` is an existing directory and the source was not `dir/.`; it is
/// replaced by `dest` otherwise.
pub fn extract_to_local(tar: &[u8], dest: &Path, src_contents: bool) -> Result<(), Failure> {
    let dest_is_dir = dest.is_dir();
    let keep_top = dest_is_dir && !src_contents;
    if !dest.exists() {
        if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(Failure::new(format!(
                    "destination directory {} does not exist",
                    parent.display()
                )));
            }
        }
    }
    let mut archive = tar::Archive::new(tar);
    archive.set_preserve_permissions(true);
    archive.set_preserve_mtime(true);
    archive.set_overwrite(true);
    for entry in archive.entries().map_err(failure)? {
        let mut entry = entry.map_err(failure)?;
        let path = entry.path().map_err(failure)?.to_path_buf();
        let parts = entry_components(&path)?;
        // `dir/.` archives are already relative to the directory (`./x`).
        let target: PathBuf = if keep_top || src_contents {
            parts.iter().fold(dest.to_path_buf(), |p, c| p.join(c))
        } else {
            parts
                .iter()
                .skip(1)
                .fold(dest.to_path_buf(), |p, c| p.join(c))
        };
        if target == dest && entry.header().entry_type().is_dir() && dest.is_dir() {
            continue;
        }
        if target == dest && dest.is_dir() && !entry.header().entry_type().is_dir() {
            return Err(Failure::new(format!(
                "cannot overwrite directory {} with non-directory",
                dest.display()
            )));
        }
        entry
            .unpack(&target)
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", target.display())))?;
    }
    Ok(())
}

/// Builds a tar archive of the local `src` whose top entry is called `name` (for `dir/.`,
/// the directory's entries at the top). Symbolic links are stored as links unless `follow`
/// (which applies to `src` itself, as `docker cp -L`).
pub fn archive_local(
    src: &Path,
    name: &str,
    contents: bool,
    follow: bool,
) -> Result<Vec<u8>, Failure> {
    let meta = if follow {
        std::fs::metadata(src)
    } else {
        std::fs::symlink_metadata(src)
    }
    .map_err(|e| Failure::new(format!("cannot read {}: {e}", src.display())))?;
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    builder.mode(tar::HeaderMode::Complete);
    let src = if follow {
        std::fs::canonicalize(src).map_err(failure)?
    } else {
        src.to_path_buf()
    };
    if meta.is_dir() {
        if contents {
            for entry in std::fs::read_dir(&src).map_err(failure)? {
                let entry = entry.map_err(failure)?;
                let child = entry.path();
                let child_name = entry.file_name();
                if entry.file_type().map_err(failure)?.is_dir() {
                    builder
                        .append_dir_all(&child_name, &child)
                        .map_err(failure)?;
                } else {
                    builder
                        .append_path_with_name(&child, &child_name)
                        .map_err(failure)?;
                }
            }
        } else {
            builder.append_dir_all(name, &src).map_err(failure)?;
        }
    } else {
        builder.append_path_with_name(&src, name).map_err(failure)?;
    }
    builder.into_inner().map_err(failure)
}

/// Rewrites the top component of every entry of `tar` to `name` (used when the container
/// destination does not exist yet and must be created under another name).
fn rename_top(tar: &[u8], name: &str) -> Result<Vec<u8>, Failure> {
    let mut archive = tar::Archive::new(tar);
    let mut builder = tar::Builder::new(Vec::new());
    for entry in archive.entries().map_err(failure)? {
        let mut entry = entry.map_err(failure)?;
        let path = entry.path().map_err(failure)?.to_path_buf();
        let parts = entry_components(&path)?;
        let mut renamed = PathBuf::from(name);
        for part in parts.iter().skip(1) {
            renamed.push(part);
        }
        let mut header = entry.header().clone();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).map_err(failure)?;
        if header.entry_type().is_symlink() || header.entry_type().is_hard_link() {
            let target = entry
                .link_name()
                .map_err(failure)?
                .map(|l| l.to_path_buf())
                .unwrap_or_default();
            builder
                .append_link(&mut header, &renamed, &target)
                .map_err(failure)?;
        } else {
            builder
                .append_data(&mut header, &renamed, data.as_slice())
                .map_err(failure)?;
        }
    }
    builder.into_inner().map_err(failure)
}

async fn targets(
    engine: &Engine,
    project: &str,
    service: &str,
    args: &CpArgs,
    to_service: bool,
) -> Result<Vec<ContainerSummary>, Failure> {
    if args.index > 0 {
        let c =
            crate::commands::exec::service_container(engine, project, service, args.index, true)
                .await?;
        return Ok(vec![c]);
    }
    let filters = vec![
        format!("{}={project}", labels::PROJECT),
        format!("{}={service}", labels::SERVICE),
    ];
    let mut containers = engine
        .list_containers_by_labels(&filters)
        .await
        .map_err(engine_failure)?;
    if !(args.all && to_service) {
        containers.retain(|c| {
            c.labels
                .as_ref()
                .and_then(|l| l.get(labels::ONEOFF))
                .is_none_or(|v| v != "True")
        });
    }
    crate::commands::exec::sort_candidates(&mut containers);
    if containers.is_empty() {
        return Err(Failure::new(format!(
            "no container found for service \"{service}\""
        )));
    }
    if !to_service {
        containers.truncate(1);
    }
    Ok(containers)
}

fn container_name(c: &ContainerSummary) -> String {
    crate::commands::ps::canonical_name(&c.names.clone().unwrap_or_default())
}

async fn copy_from(
    engine: &Engine,
    container: &ContainerSummary,
    src: &str,
    dest: &str,
    follow: bool,
) -> Result<(), Failure> {
    let id = container.id.clone().unwrap_or_default();
    let mut src_path = src.to_string();
    if follow {
        let stat = engine
            .stat_container_path(&id, src)
            .await
            .map_err(engine_failure)?;
        if !stat.link_target.is_empty() {
            src_path = if stat.link_target.starts_with('/') {
                stat.link_target.clone()
            } else {
                format!("{}/{}", parent_of(src), stat.link_target)
            };
        }
    }
    let tar = engine
        .download_archive(&id, &src_path)
        .await
        .map_err(engine_failure)?;
    if dest == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(&tar).map_err(failure)?;
        return out.flush().map_err(failure);
    }
    let dest_path = Path::new(dest);
    let tar = if follow && src_path != src {
        // The archive is named after the link target: name it after the link, as docker cp.
        rename_top(&tar, &base_name(src))?
    } else {
        tar
    };
    if !dest_path.exists() {
        let parent = dest_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(Failure::new(format!(
                "invalid output path: directory \"{}\" does not exist",
                parent.display()
            )));
        }
        if dest.ends_with('/') && !first_entry_is_dir(&tar) {
            return Err(Failure::new(format!(
                "no such directory: {dest} (the source is not a directory)"
            )));
        }
    }
    extract_to_local(&tar, dest_path, wants_contents(src))
}

async fn copy_to(
    engine: &Engine,
    container: &ContainerSummary,
    src: &str,
    dest: &str,
    args: &CpArgs,
    stdin_tar: Option<&[u8]>,
) -> Result<(), Failure> {
    let id = container.id.clone().unwrap_or_default();
    if let Some(tar) = stdin_tar {
        return engine
            .upload_archive_with(&id, dest, tar.to_vec(), args.archive)
            .await
            .map_err(engine_failure);
    }
    let src_path = Path::new(src);
    let src_meta = if args.follow_link {
        std::fs::metadata(src_path)
    } else {
        std::fs::symlink_metadata(src_path)
    }
    .map_err(|e| Failure::new(format!("cannot read {src}: {e}")))?;
    let contents = wants_contents(src);
    let dest_stat = engine.stat_container_path(&id, dest).await;
    // (directory to extract into, top entry name, archive the contents only)
    let (upload_dir, name, contents_only) = match dest_stat {
        Ok(stat) if stat.is_dir() => (dest.to_string(), base_name(src), contents),
        Ok(_) if src_meta.is_dir() => {
            return Err(Failure::new(format!(
                "cannot copy directory {src} to file {dest}"
            )))
        }
        Ok(_) => (parent_of(dest), base_name(dest), false),
        Err(e) if e.is_not_found() => {
            if dest.ends_with('/') && !src_meta.is_dir() {
                return Err(Failure::new(format!(
                    "destination directory {dest} does not exist"
                )));
            }
            (parent_of(dest), base_name(dest), false)
        }
        Err(e) => return Err(engine_failure(e)),
    };
    let tar = archive_local(src_path, &name, contents_only, args.follow_link)?;
    engine
        .upload_archive_with(&id, &upload_dir, tar, args.archive)
        .await
        .map_err(engine_failure)
}

/// Runs `hoist cp`.
pub fn run(global: &GlobalOptions, args: &CpArgs) -> Result<(), Failure> {
    let (src_service, src) = split_cp_arg(&args.source);
    let (dest_service, dest) = split_cp_arg(&args.destination);
    let (service, to_service) = match (src_service, dest_service) {
        (Some(_), Some(_)) => {
            return Err(Failure::new("copying between services is not supported"))
        }
        (None, None) => return Err(Failure::new("unknown copy direction")),
        (Some(s), None) => (s.to_string(), false),
        (None, Some(s)) => (s.to_string(), true),
    };
    let stdin_tar = if to_service && src == "-" {
        let mut data = Vec::new();
        std::io::stdin().read_to_end(&mut data).map_err(failure)?;
        Some(data)
    } else {
        None
    };
    let project = project_name(global)?;
    let sink = crate::runtime::progress::sink(global, "cp");
    let result = crate::runtime::block_on(async {
        let engine = connect().await?;
        let containers = targets(&engine, &project, &service, args, to_service).await?;
        for container in &containers {
            let name = container_name(container);
            let detail = if to_service {
                format!("{src} to {name}:{dest}")
            } else {
                format!("{name}:{src} to {dest}")
            };
            if to_service {
                copy_to(&engine, container, src, dest, args, stdin_tar.as_deref()).await?;
            } else {
                copy_from(&engine, container, src, dest, args.follow_link).await?;
            }
            let mut event = hoist_executor::ProgressEvent::new(
                hoist_executor::ResourceKind::Container,
                name.clone(),
                hoist_executor::EventStatus::Done,
                "Copied",
            );
            event.details = detail;
            sink.event(&event);
        }
        Ok(())
    });
    sink.finish();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp_arguments_split_on_the_service_colon() {
        assert_eq!(split_cp_arg("web:/etc/hosts"), (Some("web"), "/etc/hosts"));
        assert_eq!(split_cp_arg("./a:b"), (None, "./a:b"));
        assert_eq!(split_cp_arg("/tmp/x"), (None, "/tmp/x"));
        assert_eq!(split_cp_arg("dir/a:b"), (None, "dir/a:b"));
        assert_eq!(split_cp_arg("-"), (None, "-"));
    }

    #[test]
    fn container_paths() {
        assert_eq!(base_name("/a/b/"), "b");
        assert_eq!(base_name("/a/b/."), "b");
        assert_eq!(parent_of("/a/b"), "/a");
        assert_eq!(parent_of("/a"), "/");
        assert_eq!(parent_of("b"), ".");
        assert!(wants_contents("/a/."));
        assert!(!wants_contents("/a"));
    }

    #[test]
    fn local_archive_round_trip_keeps_modes_and_links() {
        let base = std::env::temp_dir().join(format!("hoist-cp-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let src = base.join("src");
        std::fs::create_dir_all(src.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(src.join("sub/bin"), [0u8, 255, 1, 2]).unwrap_or_else(|e| panic!("{e}"));
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(src.join("sub/bin"), std::fs::Permissions::from_mode(0o751))
            .unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink("sub/bin", src.join("link")).unwrap_or_else(|e| panic!("{e}"));
        let tar =
            archive_local(&src, "src", false, false).unwrap_or_else(|f| panic!("{}", f.message));
        let out = base.join("out");
        extract_to_local(&tar, &out, false).unwrap_or_else(|f| panic!("{}", f.message));
        assert_eq!(
            std::fs::read(out.join("sub/bin")).ok(),
            Some(vec![0u8, 255, 1, 2])
        );
        let mode = std::fs::metadata(out.join("sub/bin")).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o751));
        assert_eq!(
            std::fs::read_link(out.join("link")).ok(),
            Some(PathBuf::from("sub/bin"))
        );
        let renamed = rename_top(&tar, "other").unwrap_or_else(|f| panic!("{}", f.message));
        let mut names = Vec::new();
        let mut archive = tar::Archive::new(renamed.as_slice());
        for e in archive.entries().unwrap_or_else(|e| panic!("{e}")) {
            let e = e.unwrap_or_else(|e| panic!("{e}"));
            names.push(
                e.path()
                    .unwrap_or_else(|e| panic!("{e}"))
                    .display()
                    .to_string(),
            );
        }
        assert!(names.iter().all(|n| n.starts_with("other")), "{names:?}");
        let _ = std::fs::remove_dir_all(&base);
    }
}
