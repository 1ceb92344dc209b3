//! Building service images with the engine's classic `/build` endpoint, and making sure every
//! service has its image before containers are created.
//!
//! Pipeline position: the `build` command calls [`build_services`]; `up`, `create` and `run`
//! call [`ensure_images`] before the executor creates containers:
//!
//! ```no_run
//! # async fn demo(engine: &hoist_engine::Engine, project: &hoist_loader::model::Project) -> hoist_engine::Result<()> {
//! use hoist_engine::build::{ensure_images, BuildPolicy};
//! use hoist_engine::images::NoProgress;
//! let services = vec!["web".to_string()];
//! let digests = ensure_images(engine, project, &services, &BuildPolicy::default(), &NoProgress).await?;
//! // digests["web"] is the image ID for the `com.docker.compose.image` label.
//! # Ok(()) }
//! ```
//!
//! [`ensure_images`] follows Docker Compose: images that `pull_policy` asks for are pulled
//! first (a failed pull is ignored when the service can be built), then services with `build`
//! whose image is missing (or all of them with `--build`, or `pull_policy: build`) are built,
//! unless `--no-build`.
//!
//! The build context is sent as a tar made here: `.dockerignore` (or
//! `<Dockerfile>.dockerignore`) applies with Docker's pattern rules ([`crate::dockerignore`]),
//! the Dockerfile and ignore file are always sent, `dockerfile_inline` and a Dockerfile
//! outside the context are added to the tar. Hoist uses the classic builder (BuildKit sessions
//! are not available over this API client): `secrets`, `ssh`, `additional_contexts`,
//! `cache_to`, `privileged`, `entitlements` and more than one of `platforms` need BuildKit
//! and give an error naming the service and attribute. The image gets the
//! `com.docker.compose.image.builder=classic` label, as with Docker Compose's classic builder.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bollard::auth::DockerCredentials;
use bollard::query_parameters::BuildImageOptions;
use futures_util::StreamExt;
use hoist_loader::model::{BuildConfig, Project, ServiceConfig};
use tokio::sync::Semaphore;

use crate::credentials::Credentials;
use crate::dockerignore::{self, IgnoreRules};
use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind, Result};
use crate::images::{
    must_pull, stream_error_text, ImageAction, ImageEvent, ImageEventKind, ImageProgress,
    LocalImage, PullPolicy,
};

/// Label Docker Compose puts on images to tell which builder made them.
pub const IMAGE_BUILDER_LABEL: &str = "com.docker.compose.image.builder";

/// `--pull` of `up`/`create`/`run`: overrides every service's `pull_policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PullOption {
    /// Follow each service's `pull_policy`.
    #[default]
    Policy,
    /// `--pull always`.
    Always,
    /// `--pull missing`.
    Missing,
    /// `--pull never`.
    Never,
}

/// How [`ensure_images`] may obtain images.
#[derive(Debug, Clone, Default)]
pub struct BuildPolicy {
    /// `--build`: rebuild every service that has `build`.
    pub build: bool,
    /// `--no-build`: never build, even a missing image.
    pub no_build: bool,
    /// `--pull`.
    pub pull: PullOption,
    /// Options used when a build happens.
    pub options: BuildOptions,
    /// Maximum concurrent pulls/builds (`--parallel`); 0 means unlimited.
    pub parallel: usize,
}

/// Options of one build run (`hoist build` flags).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `--no-cache`.
    pub no_cache: bool,
    /// `--pull`: always try to pull newer base images.
    pub pull: bool,
    /// `-q`: no build output.
    pub quiet: bool,
    /// `--build-arg KEY[=VALUE]` overrides (a bare key takes its value from the environment).
    pub build_args: Vec<(String, Option<String>)>,
    /// `--push`: push each image after building it.
    pub push: bool,
    /// `--memory` in bytes (0: unset).
    pub memory: i64,
}

/// Image IDs by service name: the values of the `com.docker.compose.image` label.
pub type ImageDigests = BTreeMap<String, String>;

/// The image name of a service: `image`, or `<project>-<service>`.
pub fn image_name(project: &Project, service: &ServiceConfig) -> String {
    if service.image.is_empty() {
        format!("{}-{}", project.name, service.name)
    } else {
        service.image.clone()
    }
}

fn config_error(service: &str, message: impl std::fmt::Display) -> EngineError {
    EngineError::new(
        ErrorKind::Config,
        format!("service \"{service}\": {message}"),
    )
}

/// Rejects what the classic builder cannot do, naming the service and attribute.
pub fn check_classic_supported(service: &ServiceConfig, build: &BuildConfig) -> Result<()> {
    let needs_buildkit = |attr: &str| {
        Err(config_error(
            &service.name,
            format!("build.{attr} needs BuildKit, which Hoist cannot drive yet (it builds with the engine's classic builder); remove build.{attr} or build this image with `docker buildx build`"),
        ))
    };
    if !build.secrets.is_empty() {
        return needs_buildkit("secrets");
    }
    if !build.ssh.is_empty() {
        return needs_buildkit("ssh");
    }
    if !build.additional_contexts.is_empty() {
        return needs_buildkit("additional_contexts");
    }
    if !build.cache_to.is_empty() {
        return needs_buildkit("cache_to");
    }
    if build.privileged {
        return needs_buildkit("privileged");
    }
    if !build.entitlements.is_empty() {
        return needs_buildkit("entitlements");
    }
    if build.platforms.len() > 1 {
        return Err(config_error(
            &service.name,
            format!(
                "build.platforms lists {} platforms ({}); the classic builder builds one platform at a time and multi-platform images need BuildKit",
                build.platforms.len(),
                build.platforms.join(", ")
            ),
        ));
    }
    if context_is_remote(&build.context) {
        return Err(config_error(
            &service.name,
            format!("build.context \"{}\" is a remote (git/URL) context, which Hoist does not support yet; use a local directory", build.context),
        ));
    }
    Ok(())
}

fn context_is_remote(context: &str) -> bool {
    ["http://", "https://", "git://", "git@", "github.com/"]
        .iter()
        .any(|p| context.starts_with(p))
}

/// The final build arguments: `build.args`, then `--build-arg` overrides, then bare names
/// resolved from the project environment (dropped when unset there).
pub fn resolve_build_args(
    project: &Project,
    build: &BuildConfig,
    overrides: &[(String, Option<String>)],
) -> HashMap<String, String> {
    let mut merged: BTreeMap<String, Option<String>> = build.args.0.clone();
    for (k, v) in overrides {
        merged.insert(k.clone(), v.clone());
    }
    merged
        .into_iter()
        .filter_map(|(k, v)| {
            let value = v.or_else(|| {
                project
                    .environment
                    .get(&k)
                    .cloned()
                    .or_else(|| std::env::var(&k).ok())
            })?;
            Some((k, value))
        })
        .collect()
}

/// A build context ready to send: the tar bytes and the Dockerfile's path inside it.
#[derive(Debug)]
pub struct ContextArchive {
    /// The uncompressed tar.
    pub tar: Vec<u8>,
    /// Path of the Dockerfile inside the tar.
    pub dockerfile: String,
    /// Number of regular files included.
    pub files: usize,
}

/// Makes the tar for a build: walks `context`, applies the ignore rules, and adds the
/// Dockerfile (`dockerfile_inline` text or a file outside the context) when needed.
pub fn context_archive(
    service: &str,
    context: &Path,
    dockerfile: &str,
    dockerfile_inline: &str,
) -> Result<ContextArchive> {
    let io_error = |what: &str, path: &Path, e: std::io::Error| {
        config_error(service, format!("{what} {}: {e}", path.display()))
    };
    if !context.is_dir() {
        return Err(config_error(
            service,
            format!("build context {} is not a directory", context.display()),
        ));
    }
    let dockerfile = if dockerfile.is_empty() {
        "Dockerfile"
    } else {
        dockerfile
    };
    let dockerfile_path = if Path::new(dockerfile).is_absolute() {
        PathBuf::from(dockerfile)
    } else {
        context.join(dockerfile)
    };
    // The Dockerfile's name inside the tar, or None when it must be added separately.
    let mut extra: Option<(String, Vec<u8>)> = None;
    let in_tar = if !dockerfile_inline.is_empty() {
        extra = Some((
            ".hoist.inline.Dockerfile".to_string(),
            dockerfile_inline.as_bytes().to_vec(),
        ));
        ".hoist.inline.Dockerfile".to_string()
    } else {
        match dockerfile_path.strip_prefix(context) {
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => {
                let bytes = std::fs::read(&dockerfile_path)
                    .map_err(|e| io_error("cannot read the Dockerfile", &dockerfile_path, e))?;
                extra = Some((".hoist.external.Dockerfile".to_string(), bytes));
                ".hoist.external.Dockerfile".to_string()
            }
        }
    };
    if extra.is_none() && !dockerfile_path.is_file() {
        return Err(config_error(
            service,
            format!(
                "cannot find the Dockerfile {} (build.dockerfile)",
                dockerfile_path.display()
            ),
        ));
    }
    let mut rules = dockerignore::load_rules(context, &dockerfile_path)
        .map_err(|e| io_error("cannot read the .dockerignore of", context, e))?;
    rules.keep_build_files(&in_tar);
    let mut tar = TarWriter::default();
    let mut files = 0;
    walk(context, "", &rules, &mut tar, &mut files)
        .map_err(|e| io_error("cannot read the build context", context, e))?;
    if let Some((name, bytes)) = extra {
        tar.file(&name, 0o644, 0, &bytes);
    }
    Ok(ContextArchive {
        tar: tar.finish(),
        dockerfile: in_tar,
        files,
    })
}

fn walk(
    dir: &Path,
    prefix: &str,
    rules: &IgnoreRules,
    tar: &mut TarWriter,
    files: &mut usize,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let meta = std::fs::symlink_metadata(entry.path())?;
        let excluded = rules.is_excluded(&rel);
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mode = permissions(&meta);
        if meta.is_dir() {
            if excluded && !rules.has_exceptions() {
                continue;
            }
            if !excluded {
                tar.dir(&rel, mode, mtime);
            }
            walk(&entry.path(), &rel, rules, tar, files)?;
        } else if excluded {
            continue;
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            tar.symlink(&rel, &target.to_string_lossy(), mtime);
        } else if meta.is_file() {
            let bytes = std::fs::read(entry.path())?;
            tar.file(&rel, mode, mtime, &bytes);
            *files += 1;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn permissions(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permissions(meta: &std::fs::Metadata) -> u32 {
    if meta.is_dir() {
        0o755
    } else {
        0o644
    }
}

/// A minimal ustar writer (PAX headers for long names), enough for build contexts.
#[derive(Debug, Default)]
pub struct TarWriter {
    out: Vec<u8>,
}

impl TarWriter {
    /// Adds a regular file.
    pub fn file(&mut self, name: &str, mode: u32, mtime: u64, data: &[u8]) {
        self.entry(name, mode, mtime, b'0', "", data);
    }

    /// Adds a directory.
    pub fn dir(&mut self, name: &str, mode: u32, mtime: u64) {
        self.entry(&format!("{name}/"), mode, mtime, b'5', "", &[]);
    }

    /// Adds a symbolic link.
    pub fn symlink(&mut self, name: &str, target: &str, mtime: u64) {
        self.entry(name, 0o777, mtime, b'2', target, &[]);
    }

    /// The finished archive (with the two zero end blocks).
    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(&[0u8; 1024]);
        self.out
    }

    fn entry(&mut self, name: &str, mode: u32, mtime: u64, kind: u8, link: &str, data: &[u8]) {
        if name.len() > 100 || link.len() > 100 {
            let mut pax = Vec::new();
            if name.len() > 100 {
                pax.extend(pax_record("path", name));
            }
            if link.len() > 100 {
                pax.extend(pax_record("linkpath", link));
            }
            self.header("PaxHeader", 0o644, mtime, b'x', "", pax.len() as u64);
            self.data(&pax);
        }
        self.header(name, mode, mtime, kind, link, data.len() as u64);
        self.data(data);
    }

    fn data(&mut self, data: &[u8]) {
        self.out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        self.out.extend(std::iter::repeat_n(0u8, pad));
    }

    fn header(&mut self, name: &str, mode: u32, mtime: u64, kind: u8, link: &str, size: u64) {
        let mut h = [0u8; 512];
        put(&mut h[0..100], name.as_bytes());
        put(&mut h[100..108], format!("{mode:07o}\0").as_bytes());
        put(&mut h[108..116], b"0000000\0");
        put(&mut h[116..124], b"0000000\0");
        put(&mut h[124..136], format!("{size:011o}\0").as_bytes());
        put(
            &mut h[136..148],
            format!("{:011o}\0", mtime.min(0o77777777777)).as_bytes(),
        );
        h[156] = kind;
        put(&mut h[157..257], link.as_bytes());
        put(&mut h[257..265], b"ustar\x0000");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        put(&mut h[148..156], format!("{sum:06o}\0 ").as_bytes());
        self.out.extend_from_slice(&h);
    }
}

/// Copies as much of `src` as fits into `dst`.
fn put(dst: &mut [u8], src: &[u8]) {
    let n = dst.len().min(src.len());
    if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
        d.copy_from_slice(s);
    }
}

fn pax_record(key: &str, value: &str) -> Vec<u8> {
    // The length prefix counts itself.
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    loop {
        let candidate = len.to_string().len() + body.len();
        if candidate == len {
            break;
        }
        len = candidate;
    }
    format!("{len}{body}").into_bytes()
}

/// The engine's own platform, `os/arch` (e.g. `linux/amd64`).
pub async fn engine_platform(engine: &Engine) -> Result<String> {
    let version = engine
        .docker()
        .version()
        .await
        .map_err(|e| EngineError::from_bollard("the engine", "query the version of", e))?;
    Ok(format!(
        "{}/{}",
        version.os.unwrap_or_else(|| "linux".into()),
        version.arch.unwrap_or_else(|| "amd64".into())
    ))
}

/// True when a requested platform (`linux/amd64`, `linux/arm64/v8`, `linux/x86_64`) is the
/// engine's `os/arch`.
pub fn platform_matches(requested: &str, native: &str) -> bool {
    fn norm(p: &str) -> (String, String) {
        let mut parts = p.split('/').map(|s| s.trim().to_ascii_lowercase());
        let os = parts.next().unwrap_or_default();
        let arch = match parts.next().unwrap_or_default().as_str() {
            "x86_64" | "x86-64" => "amd64".to_string(),
            "aarch64" => "arm64".to_string(),
            other => other.to_string(),
        };
        (os, arch)
    }
    norm(requested) == norm(native)
}

/// Builds one service's image; returns its image ID. Build output goes to `progress` under
/// the service's name; a builder error is returned naming the service.
pub async fn build_service(
    engine: &Engine,
    project: &Project,
    service: &ServiceConfig,
    options: &BuildOptions,
    credentials: &HashMap<String, DockerCredentials>,
    progress: &dyn ImageProgress,
) -> Result<String> {
    let result =
        build_service_inner(engine, project, service, options, credentials, progress).await;
    if let Err(e) = &result {
        // Builder errors were already reported by the stream; report the others too.
        if e.kind != (ErrorKind::Api { status: 500 }) {
            progress.event(ImageEvent {
                action: ImageAction::Build,
                service: service.name.clone(),
                image: image_name(project, service),
                kind: ImageEventKind::Failed(e.message.clone()),
            });
        }
    }
    result
}

async fn build_service_inner(
    engine: &Engine,
    project: &Project,
    service: &ServiceConfig,
    options: &BuildOptions,
    credentials: &HashMap<String, DockerCredentials>,
    progress: &dyn ImageProgress,
) -> Result<String> {
    let build = service
        .build
        .as_ref()
        .ok_or_else(|| config_error(&service.name, "has no build section"))?;
    check_classic_supported(service, build)?;
    let image = image_name(project, service);
    let emit = |kind| {
        progress.event(ImageEvent {
            action: ImageAction::Build,
            service: service.name.clone(),
            image: image.clone(),
            kind,
        })
    };
    emit(ImageEventKind::Started);
    let context = if build.context.is_empty() {
        project.working_dir.clone()
    } else if Path::new(&build.context).is_absolute() {
        PathBuf::from(&build.context)
    } else {
        project.working_dir.join(&build.context)
    };
    let dockerfile = if build.dockerfile.is_empty() {
        service.dockerfile.clone()
    } else {
        build.dockerfile.clone()
    };
    let service_name = service.name.clone();
    let inline = build.dockerfile_inline.clone();
    let archive = tokio::task::spawn_blocking(move || {
        context_archive(&service_name, &context, &dockerfile, &inline)
    })
    .await
    .map_err(|e| {
        config_error(
            &service.name,
            format!("preparing the build context failed: {e}"),
        )
    })??;

    let mut labels: HashMap<String, String> = build.labels.0.clone().into_iter().collect();
    labels.insert(IMAGE_BUILDER_LABEL.to_string(), "classic".to_string());
    let extra_hosts: Vec<String> = build
        .extra_hosts
        .iter()
        .map(|h| match h.split_once('=') {
            Some((host, ip)) => format!("{host}:{ip}"),
            None => h.clone(),
        })
        .collect();
    let platform = build
        .platforms
        .first()
        .cloned()
        .unwrap_or_else(|| service.platform.clone());
    if !platform.is_empty() {
        let native = engine_platform(engine).await?;
        if !platform_matches(&platform, &native) {
            return Err(config_error(
                &service.name,
                format!(
                    "cannot build for platform {platform}: the engine's classic builder only builds for its own platform ({native}); building for another platform needs BuildKit with emulation (`docker buildx`)"
                ),
            ));
        }
    }
    let shm = i32::try_from(build.shm_size.0).ok().filter(|s| *s > 0);
    let request = BuildImageOptions {
        dockerfile: archive.dockerfile.clone(),
        t: Some(image.clone()),
        extrahosts: (extra_hosts.len() == 1).then(|| extra_hosts.join("")),
        q: options.quiet,
        nocache: build.no_cache || options.no_cache,
        cachefrom: (!build.cache_from.is_empty()).then(|| build.cache_from.clone()),
        pull: (build.pull || options.pull).then(|| "1".to_string()),
        rm: true,
        forcerm: true,
        memory: i32::try_from(options.memory).ok().filter(|m| *m > 0),
        buildargs: Some(resolve_build_args(project, build, &options.build_args)),
        shmsize: shm,
        labels: Some(labels),
        networkmode: (!build.network.is_empty()).then(|| build.network.clone()),
        platform,
        target: build.target.clone(),
        ..Default::default()
    };
    let creds = (!credentials.is_empty()).then(|| credentials.clone());
    let mut image_id = String::new();
    let failure = {
        let docker = engine.with_timeout(Duration::from_secs(24 * 3600));
        // The API client sends at most one `extrahosts` value; the engine wants one query
        // parameter per host.
        let docker = if extra_hosts.len() > 1 {
            docker.with_request_modifier(move |mut request| {
                repeat_extra_hosts(&mut request, &extra_hosts);
                request
            })
        } else {
            docker
        };
        let body = bollard::body_full(archive.tar.into());
        let mut stream = docker.build_image(request, creds, Some(body));
        let mut failure = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    if let Some(id) = info.aux.and_then(|a| a.id) {
                        image_id = id;
                    }
                    if let Some(text) = info.stream {
                        for line in text.lines().filter(|l| !l.trim().is_empty()) {
                            emit(ImageEventKind::Line(line.to_string()));
                        }
                    }
                    if let Some(status) = info.status.filter(|s| !s.is_empty()) {
                        emit(ImageEventKind::Line(status));
                    }
                }
                Err(e) => {
                    failure = Some(stream_error_text(e));
                    break;
                }
            }
        }
        failure
    };
    if let Some(message) = failure {
        emit(ImageEventKind::Failed(message.clone()));
        return Err(EngineError::new(
            ErrorKind::Api { status: 500 },
            format!(
                "service \"{}\" failed to build: {}",
                service.name,
                message.trim()
            ),
        ));
    }
    if image_id.is_empty() {
        image_id = engine
            .local_image(&image)
            .await?
            .map(|i| i.id)
            .unwrap_or_default();
    }
    for tag in &build.tags {
        engine.tag_image(&image, tag).await?;
    }
    emit(ImageEventKind::Done);
    Ok(image_id)
}

/// Builds several services, at most `parallel` at a time (0: unlimited). Returns image IDs
/// by service; the first failure is returned after the running builds finish.
pub async fn build_services(
    engine: &Engine,
    project: &Project,
    services: &[String],
    options: &BuildOptions,
    parallel: usize,
    progress: Arc<dyn ImageProgress>,
) -> Result<ImageDigests> {
    let credentials = Arc::new(
        tokio::task::spawn_blocking(|| Credentials::load().and_then(|c| c.all()))
            .await
            .map_err(|e| {
                EngineError::new(ErrorKind::Other, format!("credential lookup failed: {e}"))
            })??,
    );
    let limit = Arc::new(Semaphore::new(if parallel == 0 {
        Semaphore::MAX_PERMITS
    } else {
        parallel
    }));
    let mut tasks = Vec::new();
    for name in services {
        let service = project.services.0.get(name).cloned().ok_or_else(|| {
            EngineError::new(ErrorKind::Config, format!("no such service: {name}"))
        })?;
        if service.build.is_none() {
            continue;
        }
        let (engine, project, options) = (engine.clone(), project.clone(), options.clone());
        let (credentials, progress, limit) = (credentials.clone(), progress.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await;
            let id = build_service(
                &engine,
                &project,
                &service,
                &options,
                &credentials,
                &*progress,
            )
            .await?;
            if options.push && !service.image.is_empty() {
                let creds = Credentials::load()?;
                engine
                    .push_image(&service.name, &service.image, &creds, &*progress)
                    .await?;
            }
            Ok::<_, EngineError>((service.name.clone(), id))
        }));
    }
    let mut out = ImageDigests::new();
    let mut first_error = None;
    for task in tasks {
        match task.await {
            Ok(Ok((name, id))) => {
                out.insert(name, id);
            }
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error.get_or_insert(EngineError::new(
                    ErrorKind::Other,
                    format!("a build task failed: {e}"),
                ));
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Pulls the images `services` need according to their `pull_policy` (or `pull`), at most
/// `parallel` at a time. A failed pull of a buildable service is ignored. Returns the pulled
/// image IDs by image reference.
pub async fn pull_required(
    engine: &Engine,
    project: &Project,
    services: &[String],
    pull: PullOption,
    local: &HashMap<String, LocalImage>,
    parallel: usize,
    progress: Arc<dyn ImageProgress>,
) -> Result<HashMap<String, String>> {
    let credentials = Arc::new(
        tokio::task::spawn_blocking(Credentials::load)
            .await
            .map_err(|e| {
                EngineError::new(ErrorKind::Other, format!("credential lookup failed: {e}"))
            })??,
    );
    let limit = Arc::new(Semaphore::new(if parallel == 0 {
        Semaphore::MAX_PERMITS
    } else {
        parallel
    }));
    let mut scheduled = std::collections::HashSet::new();
    let mut tasks = Vec::new();
    for name in services {
        let Some(service) = project.services.0.get(name) else {
            continue;
        };
        if service.image.is_empty() {
            continue;
        }
        let policy = match pull {
            PullOption::Policy => PullPolicy::of_service(service)?,
            PullOption::Always => PullPolicy::Always,
            PullOption::Missing => PullPolicy::Missing,
            PullOption::Never => PullPolicy::Never,
        };
        if !must_pull(policy, local.get(&service.image)) || !scheduled.insert(service.image.clone())
        {
            continue;
        }
        let buildable = project
            .services
            .0
            .values()
            .any(|s| s.image == service.image && s.build.is_some());
        let (engine, credentials, progress, limit) = (
            engine.clone(),
            credentials.clone(),
            progress.clone(),
            limit.clone(),
        );
        let (service_name, image, platform) = (
            service.name.clone(),
            service.image.clone(),
            service.platform.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await;
            match engine
                .pull_image(&service_name, &image, &platform, &credentials, &*progress)
                .await
            {
                Ok(id) => Ok(Some((image, id))),
                Err(_) if buildable => Ok(None),
                Err(e) => Err(e),
            }
        }));
    }
    let mut out = HashMap::new();
    let mut first_error = None;
    for task in tasks {
        match task.await {
            Ok(Ok(Some((image, id)))) => {
                out.insert(image, id);
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error.get_or_insert(EngineError::new(
                    ErrorKind::Other,
                    format!("a pull task failed: {e}"),
                ));
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Makes sure every service in `services` has its image (pulling and building as Docker
/// Compose does, see the module docs) and returns the image ID of each service, for the
/// `com.docker.compose.image` label. A service whose image is still missing (e.g. with
/// `--no-build` or `pull_policy: never`) is absent from the result.
pub async fn ensure_images(
    engine: &Engine,
    project: &Project,
    services: &[String],
    policy: &BuildPolicy,
    progress: &dyn ImageProgress,
) -> Result<ImageDigests> {
    // The spawned tasks need a shared sink: forward their events through a channel.
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<ImageEvent>();
    let channel: Arc<dyn ImageProgress> = Arc::new(ChannelProgress(sender));
    let work = ensure_images_shared(engine, project, services, policy, channel);
    tokio::pin!(work);
    loop {
        tokio::select! {
            result = &mut work => {
                while let Ok(ev) = receiver.try_recv() {
                    progress.event(ev);
                }
                return result;
            }
            Some(ev) = receiver.recv() => progress.event(ev),
        }
    }
}

struct ChannelProgress(tokio::sync::mpsc::UnboundedSender<ImageEvent>);

impl ImageProgress for ChannelProgress {
    fn event(&self, event: ImageEvent) {
        let _ = self.0.send(event);
    }
}

/// [`ensure_images`] with a shared progress sink.
pub async fn ensure_images_shared(
    engine: &Engine,
    project: &Project,
    services: &[String],
    policy: &BuildPolicy,
    progress: Arc<dyn ImageProgress>,
) -> Result<ImageDigests> {
    let mut selected = Vec::new();
    for name in services {
        let service = project.services.0.get(name).ok_or_else(|| {
            EngineError::new(ErrorKind::Config, format!("no such service: {name}"))
        })?;
        if service.image.is_empty() && service.build.is_none() && service.provider.is_none() {
            return Err(config_error(name, "must specify either image or build"));
        }
        if service.provider.is_none() {
            selected.push(service);
        }
    }
    let references: Vec<String> = selected.iter().map(|s| image_name(project, s)).collect();
    let mut local = engine.local_images(&references).await?;
    let names: Vec<String> = selected.iter().map(|s| s.name.clone()).collect();
    let pulled = pull_required(
        engine,
        project,
        &names,
        policy.pull,
        &local,
        policy.parallel,
        progress.clone(),
    )
    .await?;
    for (image, id) in pulled {
        local.insert(
            image,
            LocalImage {
                id,
                last_tag_time: None,
                repo_digests: Vec::new(),
            },
        );
    }
    let mut ids: ImageDigests = ImageDigests::new();
    if !policy.no_build {
        let to_build: Vec<String> = selected
            .iter()
            .filter(|s| s.build.is_some())
            .filter(|s| {
                policy.build
                    || s.pull_policy == "build"
                    || !local.contains_key(&image_name(project, s))
            })
            .map(|s| s.name.clone())
            .collect();
        if !to_build.is_empty() {
            let built = build_services(
                engine,
                project,
                &to_build,
                &policy.options,
                policy.parallel,
                progress,
            )
            .await?;
            for (service, id) in built {
                if let Some(s) = project.services.0.get(&service) {
                    local.insert(
                        image_name(project, s),
                        LocalImage {
                            id: id.clone(),
                            last_tag_time: None,
                            repo_digests: Vec::new(),
                        },
                    );
                }
            }
        }
    }
    for s in &selected {
        if let Some(img) = local.get(&image_name(project, s)) {
            ids.insert(s.name.clone(), img.id.clone());
        }
    }
    Ok(ids)
}

/// Appends one `extrahosts` query parameter per host to a build request.
fn repeat_extra_hosts(request: &mut bollard::BollardRequest, hosts: &[String]) {
    let mut uri = request.uri().to_string();
    for (i, host) in hosts.iter().enumerate() {
        let separator = if i == 0 && !uri.contains('?') {
            '?'
        } else {
            '&'
        };
        uri.push(separator);
        uri.push_str("extrahosts=");
        uri.push_str(&percent_encode(host));
    }
    if let Ok(parsed) = uri.parse() {
        *request.uri_mut() = parsed;
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_hosts_become_repeated_query_parameters() {
        let mut request = bollard::BollardRequest::new(bollard::body_full(Vec::new().into()));
        *request.uri_mut() = "http://localhost/v1.41/build?t=a%20b".parse().expect("uri");
        repeat_extra_hosts(&mut request, &["x:1.2.3.4".into(), "y:::1".into()]);
        assert_eq!(
            request.uri().to_string(),
            "http://localhost/v1.41/build?t=a%20b&extrahosts=x%3A1.2.3.4&extrahosts=y%3A%3A%3A1"
        );
        let mut request = bollard::BollardRequest::new(bollard::body_full(Vec::new().into()));
        *request.uri_mut() = "http://localhost/v1.41/build".parse().expect("uri");
        repeat_extra_hosts(&mut request, &["a:1".into(), "b:2".into()]);
        assert_eq!(
            request.uri().query(),
            Some("extrahosts=a%3A1&extrahosts=b%3A2")
        );
    }

    fn read_tar(bytes: &[u8]) -> Vec<(String, u8, Vec<u8>)> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut long_name: Option<String> = None;
        while pos + 512 <= bytes.len() {
            let h = &bytes[pos..pos + 512];
            if h.iter().all(|b| *b == 0) {
                break;
            }
            let name = String::from_utf8_lossy(&h[0..100])
                .trim_end_matches('\0')
                .to_string();
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&h[124..135])
                    .trim_end_matches('\0')
                    .trim(),
                8,
            )
            .unwrap();
            let stored: u32 =
                u32::from_str_radix(String::from_utf8_lossy(&h[148..154]).trim(), 8).unwrap();
            let mut copy = h.to_vec();
            copy[148..156].copy_from_slice(b"        ");
            assert_eq!(stored, copy.iter().map(|b| *b as u32).sum::<u32>());
            let data = bytes[pos + 512..pos + 512 + size].to_vec();
            pos += 512 + size.div_ceil(512) * 512;
            if h[156] == b'x' {
                let text = String::from_utf8_lossy(&data).to_string();
                long_name = text
                    .split_once("path=")
                    .map(|(_, v)| v.trim_end().to_string());
                continue;
            }
            out.push((long_name.take().unwrap_or(name), h[156], data));
        }
        out
    }

    #[test]
    fn tar_round_trip_with_long_names() {
        let mut t = TarWriter::default();
        t.dir("a", 0o755, 0);
        t.file("a/b.txt", 0o644, 1, b"hello");
        let long = format!("a/{}", "x".repeat(150));
        t.file(&long, 0o600, 1, b"long");
        t.symlink("link", "a/b.txt", 0);
        let entries = read_tar(&t.finish());
        let names: Vec<_> = entries.iter().map(|e| e.0.clone()).collect();
        assert_eq!(
            names,
            vec!["a/".to_string(), "a/b.txt".into(), long, "link".into()]
        );
        assert_eq!(entries[1].2, b"hello");
        assert_eq!(entries[3].1, b'2');
    }

    #[test]
    fn pax_lengths_count_themselves() {
        let r = pax_record("path", "abc");
        let text = String::from_utf8(r.clone()).unwrap();
        let (n, _) = text.split_once(' ').unwrap();
        assert_eq!(n.parse::<usize>().unwrap(), r.len());
    }

    #[test]
    fn context_honours_dockerignore() {
        let dir = std::env::temp_dir().join(format!("hoist-ctx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("docs/keep")).unwrap();
        std::fs::create_dir_all(dir.join("node_modules/x")).unwrap();
        std::fs::write(dir.join("Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(dir.join("app.txt"), "app").unwrap();
        std::fs::write(dir.join("secret.key"), "k").unwrap();
        std::fs::write(dir.join("docs/a.md"), "a").unwrap();
        std::fs::write(dir.join("docs/keep/b.md"), "b").unwrap();
        std::fs::write(dir.join("node_modules/x/y"), "y").unwrap();
        std::fs::write(
            dir.join(".dockerignore"),
            "*.key\nnode_modules\ndocs\n!docs/keep\nDockerfile\n",
        )
        .unwrap();
        let archive = context_archive("web", &dir, "", "").unwrap();
        let names: Vec<String> = read_tar(&archive.tar).into_iter().map(|e| e.0).collect();
        assert!(names.contains(&"app.txt".to_string()), "{names:?}");
        assert!(names.contains(&"Dockerfile".to_string()), "{names:?}");
        assert!(names.contains(&".dockerignore".to_string()), "{names:?}");
        assert!(names.contains(&"docs/keep/b.md".to_string()), "{names:?}");
        assert!(
            !names
                .iter()
                .any(|n| n.contains("secret") || n.contains("node_modules") || n == "docs/a.md"),
            "{names:?}"
        );

        // Dockerfile.dockerignore next to the Dockerfile wins.
        std::fs::write(dir.join("Dockerfile.dockerignore"), "app.txt\n").unwrap();
        let archive = context_archive("web", &dir, "Dockerfile", "").unwrap();
        let names: Vec<String> = read_tar(&archive.tar).into_iter().map(|e| e.0).collect();
        assert!(!names.contains(&"app.txt".to_string()), "{names:?}");
        assert!(names.contains(&"secret.key".to_string()), "{names:?}");

        // Inline Dockerfile is added to the tar.
        let archive = context_archive("web", &dir, "", "FROM busybox\n").unwrap();
        let entries = read_tar(&archive.tar);
        let inline = entries.iter().find(|e| e.0 == archive.dockerfile).unwrap();
        assert_eq!(inline.2, b"FROM busybox\n");

        let err = context_archive("web", &dir, "Missing.Dockerfile", "").unwrap_err();
        assert!(err.message.contains("service \"web\""), "{}", err.message);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn buildkit_features_are_refused_by_name() {
        let service = ServiceConfig {
            name: "api".into(),
            ..Default::default()
        };
        let mut build = BuildConfig::default();
        assert!(check_classic_supported(&service, &build).is_ok());
        build.ssh = vec![Default::default()];
        let err = check_classic_supported(&service, &build).unwrap_err();
        assert!(err.message.contains("service \"api\"") && err.message.contains("build.ssh"));
        build.ssh.clear();
        build.platforms = vec!["linux/amd64".into(), "linux/arm64".into()];
        let err = check_classic_supported(&service, &build).unwrap_err();
        assert!(err.message.contains("platforms"), "{}", err.message);
    }

    #[test]
    fn platforms_compare_by_os_and_arch() {
        assert!(platform_matches("linux/amd64", "linux/amd64"));
        assert!(platform_matches("linux/x86_64", "linux/amd64"));
        assert!(platform_matches("linux/arm64/v8", "linux/arm64"));
        assert!(!platform_matches("linux/s390x", "linux/amd64"));
        assert!(!platform_matches("windows/amd64", "linux/amd64"));
    }

    #[test]
    fn build_args_resolve_from_environment() {
        let mut project = Project::default();
        project
            .environment
            .insert("FROM_ENV".into(), "env-value".into());
        let mut build = BuildConfig::default();
        build.args.0.insert("FIXED".into(), Some("1".into()));
        build.args.0.insert("FROM_ENV".into(), None);
        build.args.0.insert("UNSET_HOIST_TEST_VAR".into(), None);
        let args = resolve_build_args(&project, &build, &[("FIXED".into(), Some("2".into()))]);
        assert_eq!(args.get("FIXED").map(String::as_str), Some("2"));
        assert_eq!(args.get("FROM_ENV").map(String::as_str), Some("env-value"));
        assert!(!args.contains_key("UNSET_HOIST_TEST_VAR"));
    }
}
