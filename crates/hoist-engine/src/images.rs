//! Image pulls, pushes, tags and removals for compose services, with registry credentials and
//! per-layer progress, plus `pull_policy` interpretation (`always`, `missing`/`if_not_present`,
//! `never`, `build`, `daily`, `weekly`, `every_<duration>`).
//!
//! Pipeline position: the `pull`/`push` commands and [`crate::build::ensure_images`] (which `up`,
//! `create` and `run` call before creating containers) use these operations; progress goes to an
//! [`ImageProgress`] sink supplied by the CLI.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bollard::query_parameters::{
    CreateImageOptions, PushImageOptions, RemoveImageOptions, TagImageOptions,
};
use futures_util::StreamExt;
use hoist_loader::model::ServiceConfig;

use crate::credentials::Credentials;
use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind, Result};

/// A service's `pull_policy`, interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullPolicy {
    /// Always pull, even when the image exists.
    Always,
    /// Pull when the image is missing (the default; `if_not_present` too).
    Missing,
    /// Never pull; a missing image is an error when containers are created.
    Never,
    /// Always build (never pull).
    Build,
    /// Pull when missing or when the local tag is older than the duration
    /// (`daily`, `weekly`, `every_<duration>`).
    Refresh(Duration),
}

impl PullPolicy {
    /// Parses a `pull_policy` value; empty or unknown values mean `missing`, as in compose-go.
    /// An `every_` value with a malformed duration is an error.
    pub fn parse(text: &str) -> std::result::Result<PullPolicy, String> {
        Ok(match text {
            "always" => PullPolicy::Always,
            "never" => PullPolicy::Never,
            "build" => PullPolicy::Build,
            "missing" | "if_not_present" | "" => PullPolicy::Missing,
            "daily" => PullPolicy::Refresh(Duration::from_secs(24 * 3600)),
            "weekly" => PullPolicy::Refresh(Duration::from_secs(7 * 24 * 3600)),
            other => match other.strip_prefix("every_") {
                Some(delay) => PullPolicy::Refresh(parse_refresh_duration(delay).ok_or_else(|| {
                    format!("invalid pull_policy \"{other}\": \"{delay}\" is not a duration (examples: 12h, 1d, 2w, 30m)")
                })?),
                None => PullPolicy::Missing,
            },
        })
    }

    /// The policy of a service (see [`PullPolicy::parse`]), errors naming the service.
    pub fn of_service(service: &ServiceConfig) -> Result<PullPolicy> {
        PullPolicy::parse(&service.pull_policy).map_err(|e| {
            EngineError::new(
                ErrorKind::Config,
                format!("service \"{}\": {e}", service.name),
            )
        })
    }
}

/// Parses durations like `1d`, `2w`, `12h30m`, `45s`, `100ms` (Go units plus `d` and `w`).
pub fn parse_refresh_duration(text: &str) -> Option<Duration> {
    let nanos = hoist_loader::model::go_duration::parse_unit_sequence(text.trim(), true)?;
    Duration::try_from_secs_f64(nanos / 1e9).ok()
}

/// What happens to an image during a pull, push or build, for progress display.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageEventKind {
    /// The operation started (`Pulling`, `Pushing`, `Building`).
    Started,
    /// A layer's status, with bytes when the engine reports them.
    Layer {
        /// Layer ID (short digest).
        id: String,
        /// Engine status text (`Downloading`, `Pull complete`, ...).
        status: String,
        /// Bytes done.
        current: Option<i64>,
        /// Bytes in total.
        total: Option<i64>,
    },
    /// A line of output (build output, pull status without layer).
    Line(String),
    /// The operation finished successfully.
    Done,
    /// The operation failed with this message.
    Failed(String),
}

/// Which operation an [`ImageEvent`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageAction {
    /// A pull.
    Pull,
    /// A push.
    Push,
    /// A build.
    Build,
}

impl ImageAction {
    /// The progressive and past verbs Docker Compose prints (`Pulling`/`Pulled`...).
    pub fn verbs(self) -> (&'static str, &'static str) {
        match self {
            ImageAction::Pull => ("Pulling", "Pulled"),
            ImageAction::Push => ("Pushing", "Pushed"),
            ImageAction::Build => ("Building", "Built"),
        }
    }
}

/// One progress event, naming the service (or image) it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageEvent {
    /// The operation.
    pub action: ImageAction,
    /// The service name (or the image reference for images without a service).
    pub service: String,
    /// The image reference concerned.
    pub image: String,
    /// What happened.
    pub kind: ImageEventKind,
}

/// Receives image progress events (the CLI renders them for a TTY, as plain lines or JSON).
pub trait ImageProgress: Send + Sync {
    /// Called for every event, possibly from several tasks at once.
    fn event(&self, event: ImageEvent);
}

/// A sink that drops everything (`-q`).
#[derive(Debug, Default)]
pub struct NoProgress;

impl ImageProgress for NoProgress {
    fn event(&self, _event: ImageEvent) {}
}

/// A sink that records events (tests).
#[derive(Debug, Default)]
pub struct RecordingProgress {
    /// Events in arrival order.
    pub events: Mutex<Vec<ImageEvent>>,
}

impl ImageProgress for RecordingProgress {
    fn event(&self, event: ImageEvent) {
        if let Ok(mut events) = self.events.lock() {
            events.push(event);
        }
    }
}

/// A local image as far as pull policies and the `com.docker.compose.image` label care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// Image ID (`sha256:...`): the value of the `com.docker.compose.image` label.
    pub id: String,
    /// When the tag was last set (pull or build), seconds since the epoch, if known.
    pub last_tag_time: Option<i64>,
    /// Repo digests (`name@sha256:...`).
    pub repo_digests: Vec<String>,
}

/// Splits `name:tag` / `name@digest` into the name and the tag (`latest` by default).
pub fn split_reference(image: &str) -> (String, String) {
    if let Some((name, digest)) = image.split_once('@') {
        return (name.to_string(), digest.to_string());
    }
    let last_slash = image.rfind('/').map(|i| i + 1).unwrap_or(0);
    match image.get(last_slash..).and_then(|tail| tail.rfind(':')) {
        Some(colon) => {
            let at = last_slash + colon;
            (
                image.get(..at).unwrap_or(image).to_string(),
                image.get(at + 1..).unwrap_or("latest").to_string(),
            )
        }
        None => (image.to_string(), "latest".to_string()),
    }
}

/// Parses an RFC 3339 timestamp (`2024-01-02T03:04:05.123Z`, offsets allowed) to epoch seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    let hms = time.get(..8)?;
    let mut t = hms.split(':');
    let hour: i64 = t.next()?.parse().ok()?;
    let min: i64 = t.next()?.parse().ok()?;
    let sec: i64 = t.next()?.parse().ok()?;
    let tail = time.get(8..)?;
    let zone = tail.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = if zone.is_empty() || zone == "Z" {
        0
    } else {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone.get(1..)?.split_once(':')?;
        sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
    };
    // Days from the civil date (proleptic Gregorian calendar).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86400 + hour * 3600 + min * 60 + sec - offset)
}

fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Whether `policy` asks for a pull given the local image (compose's `mustPull`).
pub fn must_pull(policy: PullPolicy, local: Option<&LocalImage>) -> bool {
    match policy {
        PullPolicy::Always => true,
        PullPolicy::Never | PullPolicy::Build => false,
        PullPolicy::Missing => local.is_none(),
        PullPolicy::Refresh(every) => match local {
            None => true,
            Some(img) => match img.last_tag_time {
                Some(t) => now_epoch() > t + every.as_secs() as i64,
                None => true,
            },
        },
    }
}

impl Engine {
    /// Inspects a local image; `None` when it does not exist.
    pub async fn local_image(&self, reference: &str) -> Result<Option<LocalImage>> {
        match self.docker.inspect_image(reference).await {
            Ok(inspect) => Ok(Some(LocalImage {
                id: inspect.id.unwrap_or_default(),
                last_tag_time: inspect
                    .metadata
                    .and_then(|m| m.last_tag_time)
                    .and_then(|t| parse_rfc3339(&t.to_string()))
                    .filter(|t| *t > 0),
                repo_digests: inspect.repo_digests.unwrap_or_default(),
            })),
            Err(e) => {
                let err =
                    EngineError::from_bollard(&format!("image \"{reference}\""), "inspect", e);
                if err.is_not_found() {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Pulls `image` (for `platform` when not empty) with the user's credentials, reporting
    /// per-layer progress under `service`. Returns the local image ID afterwards.
    pub async fn pull_image(
        &self,
        service: &str,
        image: &str,
        platform: &str,
        credentials: &Credentials,
        progress: &dyn ImageProgress,
    ) -> Result<String> {
        let emit = |kind| {
            progress.event(ImageEvent {
                action: ImageAction::Pull,
                service: service.to_string(),
                image: image.to_string(),
                kind,
            })
        };
        emit(ImageEventKind::Started);
        let auth = credentials.for_image(image)?;
        let (name, tag) = split_reference(image);
        let options = CreateImageOptions {
            from_image: Some(name),
            tag: Some(tag),
            platform: platform.to_string(),
            ..Default::default()
        };
        let docker = self.with_timeout(Duration::from_secs(24 * 3600));
        let mut stream = docker.create_image(Some(options), None, auth);
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    if let Some(detail) = info.error_detail.and_then(|d| d.message) {
                        emit(ImageEventKind::Failed(detail.clone()));
                        return Err(pull_error(service, image, &detail));
                    }
                    let status = info.status.unwrap_or_default();
                    match info.id {
                        Some(id) if !status.starts_with("Pulling from") => {
                            let detail = info.progress_detail.unwrap_or_default();
                            emit(ImageEventKind::Layer {
                                id,
                                status,
                                current: detail.current,
                                total: detail.total,
                            })
                        }
                        _ if !status.is_empty() => emit(ImageEventKind::Line(status)),
                        _ => {}
                    }
                }
                Err(e) => {
                    let message = stream_error_text(e);
                    emit(ImageEventKind::Failed(message.clone()));
                    return Err(pull_error(service, image, &message));
                }
            }
        }
        let id = self
            .local_image(image)
            .await?
            .map(|i| i.id)
            .unwrap_or_default();
        emit(ImageEventKind::Done);
        Ok(id)
    }

    /// Pushes `image` with the user's credentials, reporting per-layer progress.
    pub async fn push_image(
        &self,
        service: &str,
        image: &str,
        credentials: &Credentials,
        progress: &dyn ImageProgress,
    ) -> Result<()> {
        let emit = |kind| {
            progress.event(ImageEvent {
                action: ImageAction::Push,
                service: service.to_string(),
                image: image.to_string(),
                kind,
            })
        };
        emit(ImageEventKind::Started);
        let auth = credentials.for_image(image)?;
        let (name, tag) = split_reference(image);
        let docker = self.with_timeout(Duration::from_secs(24 * 3600));
        let options = PushImageOptions {
            tag: Some(tag),
            ..Default::default()
        };
        // The engine insists on an X-Registry-Auth header, even an empty one.
        let auth = auth.or_else(|| Some(Default::default()));
        let mut stream = docker.push_image(&name, Some(options), auth);
        while let Some(item) = stream.next().await {
            let failure = match item {
                Ok(info) => match info.error_detail.and_then(|d| d.message) {
                    Some(message) => Some(message),
                    None => {
                        let status = info.status.unwrap_or_default();
                        let detail = info.progress_detail.unwrap_or_default();
                        if !status.is_empty() {
                            if detail.total.is_some() || detail.current.is_some() {
                                emit(ImageEventKind::Layer {
                                    id: String::new(),
                                    status,
                                    current: detail.current,
                                    total: detail.total,
                                });
                            } else {
                                emit(ImageEventKind::Line(status));
                            }
                        }
                        None
                    }
                },
                Err(e) => Some(stream_error_text(e)),
            };
            if let Some(message) = failure {
                emit(ImageEventKind::Failed(message.clone()));
                return Err(EngineError::new(
                    ErrorKind::Api { status: 500 },
                    format!("service \"{service}\": cannot push image \"{image}\": {message}"),
                ));
            }
        }
        emit(ImageEventKind::Done);
        Ok(())
    }

    /// Adds the tag `target` (`name[:tag]`) to the local image `source`.
    pub async fn tag_image(&self, source: &str, target: &str) -> Result<()> {
        let (repo, tag) = split_reference(target);
        self.docker
            .tag_image(
                source,
                Some(TagImageOptions {
                    repo: Some(repo),
                    tag: Some(tag),
                }),
            )
            .await
            .map_err(|e| {
                EngineError::from_bollard(
                    &format!("image \"{source}\""),
                    &format!("tag as \"{target}\""),
                    e,
                )
            })
    }

    /// Removes a local image (tag); `force` removes it even when containers use it.
    pub async fn remove_image(&self, reference: &str, force: bool) -> Result<()> {
        self.docker
            .remove_image(
                reference,
                Some(RemoveImageOptions {
                    force,
                    ..Default::default()
                }),
                None,
            )
            .await
            .map(|_| ())
            .map_err(|e| EngineError::from_bollard(&format!("image \"{reference}\""), "remove", e))
    }

    /// Local images for several references (missing ones are absent from the map), each
    /// distinct reference inspected once, all at the same time.
    pub async fn local_images(&self, references: &[String]) -> Result<HashMap<String, LocalImage>> {
        let mut distinct: Vec<&String> = references.iter().collect();
        distinct.sort();
        distinct.dedup();
        let answers = futures_util::future::join_all(
            distinct
                .iter()
                .map(|r| async move { (*r, self.local_image(r).await) }),
        )
        .await;
        let mut out = HashMap::new();
        for (reference, answer) in answers {
            if let Some(img) = answer? {
                out.insert(reference.clone(), img);
            }
        }
        Ok(out)
    }
}

fn pull_error(service: &str, image: &str, message: &str) -> EngineError {
    let hint = if message.contains("unauthorized")
        || message.contains("authentication required")
        || message.contains("no basic auth credentials")
    {
        " (log in to the registry: add credentials to ~/.docker/config.json or configure a credential helper)"
    } else {
        ""
    };
    EngineError::new(
        ErrorKind::Api { status: 500 },
        format!(
            "service \"{service}\": cannot pull image \"{image}\": {}{hint}",
            message.trim()
        ),
    )
}

/// The text of a stream error without bollard's wrapping.
pub(crate) fn stream_error_text(err: bollard::errors::Error) -> String {
    match err {
        bollard::errors::Error::DockerStreamError { error } => error,
        bollard::errors::Error::DockerResponseServerError { message, .. } => message,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policies() {
        assert_eq!(PullPolicy::parse("always"), Ok(PullPolicy::Always));
        assert_eq!(PullPolicy::parse("if_not_present"), Ok(PullPolicy::Missing));
        assert_eq!(PullPolicy::parse("whatever"), Ok(PullPolicy::Missing));
        assert_eq!(
            PullPolicy::parse("daily"),
            Ok(PullPolicy::Refresh(Duration::from_secs(86400)))
        );
        assert_eq!(
            PullPolicy::parse("weekly"),
            Ok(PullPolicy::Refresh(Duration::from_secs(604800)))
        );
        assert_eq!(
            PullPolicy::parse("every_12h"),
            Ok(PullPolicy::Refresh(Duration::from_secs(43200)))
        );
        assert_eq!(
            PullPolicy::parse("every_1w2d"),
            Ok(PullPolicy::Refresh(Duration::from_secs(9 * 86400)))
        );
        assert!(PullPolicy::parse("every_soon").is_err());
    }

    #[test]
    fn must_pull_follows_compose() {
        let fresh = LocalImage {
            id: "sha256:x".into(),
            last_tag_time: Some(now_epoch()),
            repo_digests: vec![],
        };
        let old = LocalImage {
            last_tag_time: Some(now_epoch() - 3 * 86400),
            ..fresh.clone()
        };
        assert!(must_pull(PullPolicy::Always, Some(&fresh)));
        assert!(!must_pull(PullPolicy::Never, None));
        assert!(!must_pull(PullPolicy::Build, None));
        assert!(must_pull(PullPolicy::Missing, None));
        assert!(!must_pull(PullPolicy::Missing, Some(&fresh)));
        let daily = PullPolicy::Refresh(Duration::from_secs(86400));
        assert!(!must_pull(daily, Some(&fresh)));
        assert!(must_pull(daily, Some(&old)));
        assert!(must_pull(daily, None));
    }

    #[test]
    fn references_and_times() {
        assert_eq!(
            split_reference("busybox"),
            ("busybox".into(), "latest".into())
        );
        assert_eq!(
            split_reference("localhost:5000/a/b:1.2"),
            ("localhost:5000/a/b".into(), "1.2".into())
        );
        assert_eq!(
            split_reference("localhost:5000/a"),
            ("localhost:5000/a".into(), "latest".into())
        );
        assert_eq!(
            split_reference("a@sha256:00"),
            ("a".into(), "sha256:00".into())
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2024-03-01T12:00:00.5+01:00"),
            Some(1709290800)
        );
        assert_eq!(
            parse_rfc3339("0001-01-01T00:00:00Z").map(|t| t < 0),
            Some(true)
        );
        assert_eq!(parse_rfc3339("garbage"), None);
    }
}
