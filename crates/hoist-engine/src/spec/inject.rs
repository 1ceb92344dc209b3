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

/// Writes `value` as zero-padded octal digits plus a NUL; `false` when it does not fit.
fn octal_field(buf: &mut [u8], value: u64) -> bool {
    let width = buf.len() - 1;
    let text = format!("{value:0width$o}");
    if text.len() > width {
        return false;
    }
    buf[..width].copy_from_slice(text.as_bytes());
    buf[width] = 0;
    true
}

/// One PAX extended-header record: `"<len> <key>=<value>\n"`, `len` counting itself.
fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

fn header_block(
    name: &[u8],
    mode: u32,
    uid: u64,
    gid: u64,
    size: u64,
    mtime: u64,
    kind: u8,
) -> [u8; 512] {
    let mut header = [0u8; 512];
    let name = &name[..name.len().min(100)];
    header[..name.len()].copy_from_slice(name);
    octal_field(&mut header[100..108], u64::from(mode));
    // Values that do not fit are carried by the PAX header; leave zeros here.
    if !octal_field(&mut header[108..116], uid) {
        octal_field(&mut header[108..116], 0);
    }
    if !octal_field(&mut header[116..124], gid) {
        octal_field(&mut header[116..124], 0);
    }
    octal_field(&mut header[124..136], size);
    octal_field(&mut header[136..148], mtime);
    header[156] = kind;
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].fill(b' ');
    let sum: u64 = header.iter().map(|b| u64::from(*b)).sum();
    let chk = format!("{sum:06o}\0 ");
    header[148..156].copy_from_slice(chk.as_bytes());
    header
}

fn pad_to_block(out: &mut Vec<u8>) {
    let pad = (512 - out.len() % 512) % 512;
    out.extend(std::iter::repeat_n(0u8, pad));
}

/// A tar archive with one regular file at `target` (leading `/` removed), owned by
/// `uid:gid` with `mode`. A PAX extended header carries paths longer than 100 bytes and
/// ids too large for the classic header.
pub fn single_file_tar(target: &str, content: &[u8], mode: u32, uid: u64, gid: u64) -> Vec<u8> {
    let name = target.trim_start_matches('/');
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut pax = Vec::new();
    if name.len() > 100 {
        pax.extend(pax_record("path", name));
    }
    let mut probe = [0u8; 8];
    if !octal_field(&mut probe, uid) {
        pax.extend(pax_record("uid", &uid.to_string()));
    }
    if !octal_field(&mut probe, gid) {
        pax.extend(pax_record("gid", &gid.to_string()));
    }
    let mut out = Vec::with_capacity(512 * 4 + content.len() + pax.len());
    if !pax.is_empty() {
        out.extend_from_slice(&header_block(
            b"PaxHeader",
            0o644,
            0,
            0,
            pax.len() as u64,
            mtime,
            b'x',
        ));
        out.extend_from_slice(&pax);
        pad_to_block(&mut out);
    }
    out.extend_from_slice(&header_block(
        name.as_bytes(),
        mode,
        uid,
        gid,
        content.len() as u64,
        mtime,
        b'0',
    ));
    out.extend_from_slice(content);
    pad_to_block(&mut out);
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_records_count_their_own_length() {
        assert_eq!(pax_record("path", "a"), b"9 path=a\n".to_vec());
        let long = "x".repeat(95);
        let rec = pax_record("path", &long);
        let len: usize = String::from_utf8_lossy(&rec)
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(len, rec.len());
    }

    #[test]
    fn long_names_and_large_ids_use_a_pax_header() {
        let name = format!("/{}/file", "d".repeat(120));
        let tar = single_file_tar(&name, b"hi", 0o400, 3_000_000, 5);
        assert_eq!(tar[156], b'x');
        let pax_len = 512;
        let text = String::from_utf8_lossy(&tar[512..512 + pax_len]).into_owned();
        assert!(text.contains(&format!("path={}", name.trim_start_matches('/'))));
        assert!(text.contains("uid=3000000"));
        assert!(!text.contains("gid="));
        assert_eq!(tar.len() % 512, 0);
    }

    #[test]
    fn short_names_are_a_single_ustar_entry() {
        let tar = single_file_tar("/run/secrets/a", b"abc", 0o444, 0, 0);
        assert_eq!(&tar[..13], b"run/secrets/a");
        assert_eq!(tar[156], b'0');
        assert_eq!(&tar[100..107], b"0000444");
        assert_eq!(tar.len(), 512 * 4);
    }
}
