//! Secret and config files copied into a container before it starts (the executor uploads
//! each [`InjectedFile`] with [`crate::Engine::upload_archive`] at `/`).
//!
//! Like Docker Compose: `environment:` and `content:` objects are written with mode 0444
//! (or the reference's `mode`) and the reference's `uid`/`gid`. Unlike Docker Compose,
//! which ignores `uid`/`gid`/`mode` on `file:` secrets and configs (bind-mounting the host
//! file as-is), Hoist honours them: when any of the three is set, the file is read and
//! injected as a copy with that owner and mode instead of being bind-mounted.

use hoist_loader::model::{FileReference, Project, ServiceConfig};

use super::mounts::{file_object, FileDelivery, FileKind};
use super::{path, SpecError};

/// Default mode of an injected secret or config.
pub const DEFAULT_FILE_MODE: u32 = 0o444;

/// One file to copy into a container before starting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFile {
    /// Secret or config.
    pub kind: FileKind,
    /// Key of the top-level secret/config.
    pub source: String,
    /// Absolute path inside the container.
    pub target: String,
    /// A tar archive holding the file at `target` (relative to `/`) with owner and mode.
    pub tar: Vec<u8>,
    /// The archive's owner must be kept (`uid`/`gid` given): upload with `copyUIDGID`.
    pub copy_uid_gid: bool,
}

/// The files to inject into a container of `service`, secrets first, in declaration order.
/// Empty contents are skipped (as Docker Compose does).
pub fn injected_files(project: &Project, service: &str) -> Result<Vec<InjectedFile>, SpecError> {
    let svc = project
        .service(service)
        .ok_or_else(|| SpecError::new(format!("services.{service}"), "no such service"))?;
    let mut out = Vec::new();
    for kind in [FileKind::Secret, FileKind::Config] {
        let refs = match kind {
            FileKind::Secret => &svc.secrets,
            FileKind::Config => &svc.configs,
        };
        for (i, r) in refs.iter().enumerate() {
            let (object, delivery) = file_object(project, svc, kind, i, r)?;
            if delivery != FileDelivery::Inject {
                continue;
            }
            let attr = || path(&svc.name, &format!("{}[{i}]", kind.section()));
            let content: Vec<u8> = if !object.content.is_empty() {
                object.content.clone().into_bytes()
            } else if !object.environment.is_empty() {
                project
                    .environment
                    .get(&object.environment)
                    .ok_or_else(|| {
                        SpecError::new(
                            format!("{}.{}.environment", kind.section(), r.source),
                            format!("environment variable {:?} is not set", object.environment),
                        )
                    })?
                    .clone()
                    .into_bytes()
            } else {
                let file = if std::path::Path::new(&object.file).is_absolute() {
                    std::path::PathBuf::from(&object.file)
                } else {
                    project.working_dir.join(&object.file)
                };
                std::fs::read(&file).map_err(|e| {
                    SpecError::new(
                        format!("{}.{}.file", kind.section(), r.source),
                        format!("cannot read {}: {e}", file.display()),
                    )
                })?
            };
            if content.is_empty() {
                continue;
            }
            if svc.read_only {
                return Err(SpecError::new(
                    attr(),
                    format!(
                        "cannot create {} {:?} in a read_only service (only `file:` without uid/gid/mode is supported there)",
                        &kind.section()[..kind.section().len() - 1],
                        r.source
                    ),
                ));
            }
            let target = kind.target(r);
            let (uid, gid, mode) = owner_and_mode(svc, kind, i, r)?;
            out.push(InjectedFile {
                kind,
                source: r.source.clone(),
                tar: single_file_tar(&target, &content, mode, uid, gid),
                target,
                copy_uid_gid: !r.uid.is_empty() || !r.gid.is_empty(),
            });
        }
    }
    Ok(out)
}

fn owner_and_mode(
    svc: &ServiceConfig,
    kind: FileKind,
    index: usize,
    r: &FileReference,
) -> Result<(u64, u64, u32), SpecError> {
    let id = |text: &str, what: &str| -> Result<u64, SpecError> {
        if text.is_empty() {
            return Ok(0);
        }
        text.parse::<u64>().map_err(|_| {
            SpecError::new(
                path(&svc.name, &format!("{}[{index}].{what}", kind.section())),
                format!("{what} must be a number, found {text:?}"),
            )
        })
    };
    let mode = match r.mode {
        Some(m) => u32::try_from(m.0)
            .ok()
            .filter(|m| *m <= 0o7777)
            .ok_or_else(|| {
                SpecError::new(
                    path(&svc.name, &format!("{}[{index}].mode", kind.section())),
                    format!("invalid file mode {}", m.0),
                )
            })?,
        None => DEFAULT_FILE_MODE,
    };
    Ok((id(&r.uid, "uid")?, id(&r.gid, "gid")?, mode))
}

fn octal_field(buf: &mut [u8], value: u64) {
    // width-1 octal digits, zero padded, NUL terminated.
    let width = buf.len() - 1;
    let text = format!("{value:0width$o}");
    let bytes = text.as_bytes();
    let start = bytes.len().saturating_sub(width);
    buf[..width].copy_from_slice(&bytes[start..]);
    buf[width] = 0;
}

/// A ustar archive with one regular file at `target` (leading `/` removed).
pub fn single_file_tar(target: &str, content: &[u8], mode: u32, uid: u64, gid: u64) -> Vec<u8> {
    let name = target.trim_start_matches('/');
    let mut header = [0u8; 512];
    // Split long names into prefix/name at a '/' as ustar allows.
    let (prefix, short) = if name.len() <= 100 {
        ("", name)
    } else {
        let cut = name[..name.len().min(156)].rfind('/').unwrap_or(0);
        (&name[..cut], &name[(cut + 1).min(name.len())..])
    };
    let short = &short.as_bytes()[..short.len().min(100)];
    header[..short.len()].copy_from_slice(short);
    octal_field(&mut header[100..108], u64::from(mode));
    octal_field(&mut header[108..116], uid);
    octal_field(&mut header[116..124], gid);
    octal_field(&mut header[124..136], content.len() as u64);
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    octal_field(&mut header[136..148], mtime);
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    let prefix = &prefix.as_bytes()[..prefix.len().min(155)];
    header[345..345 + prefix.len()].copy_from_slice(prefix);
    header[148..156].fill(b' ');
    let sum: u64 = header.iter().map(|b| u64::from(*b)).sum();
    let chk = format!("{sum:06o}\0 ");
    header[148..156].copy_from_slice(chk.as_bytes());

    let mut out = Vec::with_capacity(512 * 3 + content.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(content);
    let pad = (512 - content.len() % 512) % 512;
    out.extend(std::iter::repeat_n(0u8, pad + 1024));
    out
}
