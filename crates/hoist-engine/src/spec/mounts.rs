//! Container filesystem attachments: service `volumes` (bind, named, anonymous, tmpfs, npipe,
//! image), plus `file:` secrets and configs as read-only bind mounts. Like Docker Compose,
//! a mount goes through the legacy `Binds` strings whenever it has no option that needs the
//! `Mounts` API (so a missing bind source is still created on the host), and through
//! `Mounts` otherwise. Secrets/configs with `environment:`/`content:`, and (Hoist only)
//! `file:` ones with `uid`/`gid`/`mode`, are injected instead — see [`super::inject`].

use bollard::models::{
    Mount, MountBindOptions, MountBindOptionsPropagationEnum, MountImageOptions, MountTmpfsOptions,
    MountType, MountVolumeOptions,
};
use hoist_loader::model::{
    FileObjectConfig, FileReference, Project, ServiceConfig, ServiceVolumeConfig,
};

use super::container::{non_empty_map, non_empty_str};
use super::{path, InheritedMounts, SpecError};
use crate::engine::ApiVersion;

/// API version that introduced `BindOptions.CreateMountpoint`.
pub const API_CREATE_MOUNTPOINT: ApiVersion = ApiVersion::new(1, 42);
/// API version that introduced read-only non-recursive / force-recursive bind options.
pub const API_BIND_RECURSIVE_RO: ApiVersion = ApiVersion::new(1, 44);
/// API version that introduced `VolumeOptions.Subpath`.
pub const API_VOLUME_SUBPATH: ApiVersion = ApiVersion::new(1, 45);
/// API version that introduced `type: image` mounts.
pub const API_IMAGE_MOUNT: ApiVersion = ApiVersion::new(1, 48);

/// Default directory of secrets inside a container.
pub const SECRETS_DIR: &str = "/run/secrets/";

/// Which kind of file object a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A top-level `secrets` entry.
    Secret,
    /// A top-level `configs` entry.
    Config,
}

impl FileKind {
    /// `secrets` or `configs`.
    pub fn section(self) -> &'static str {
        match self {
            FileKind::Secret => "secrets",
            FileKind::Config => "configs",
        }
    }

    /// The target path of a reference: absolute targets as-is, others under `/run/secrets/`
    /// (secrets) or `/` (configs), the source name when no target is given.
    pub fn target(self, reference: &FileReference) -> String {
        let base = match self {
            FileKind::Secret => SECRETS_DIR,
            FileKind::Config => "/",
        };
        if reference.target.is_empty() {
            format!("{base}{}", reference.source)
        } else if is_abs_target(&reference.target) {
            reference.target.clone()
        } else {
            format!("{base}{}", reference.target)
        }
    }
}

fn is_abs_target(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('\\')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && (b[2] == b'\\' || b[2] == b'/'))
}

/// How a secret/config reference reaches the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileDelivery {
    /// Read-only bind mount of the file.
    BindMount,
    /// Copied into the container (tar upload) before it starts.
    Inject,
}

/// Looks up the top-level object of a reference and decides how it is delivered; errors
/// for external objects and drivers, which Docker Compose does not support either.
pub fn file_object<'p>(
    project: &'p Project,
    svc: &ServiceConfig,
    kind: FileKind,
    index: usize,
    reference: &FileReference,
) -> Result<(&'p FileObjectConfig, FileDelivery), SpecError> {
    let attr = || path(&svc.name, &format!("{}[{index}]", kind.section()));
    let map = match kind {
        FileKind::Secret => &project.secrets.0,
        FileKind::Config => &project.configs.0,
    };
    let object = map.get(&reference.source).ok_or_else(|| {
        SpecError::new(
            attr(),
            format!(
                "undefined {} {:?}",
                &kind.section()[..kind.section().len() - 1],
                reference.source
            ),
        )
    })?;
    let top = format!("{}.{}", kind.section(), reference.source);
    if object.external {
        return Err(SpecError::new(
            top,
            "external secrets and configs are not supported (they need Swarm)",
        ));
    }
    if !object.driver.is_empty() {
        return Err(SpecError::new(
            format!("{top}.driver"),
            "not supported by Docker Compose nor Hoist",
        ));
    }
    if !object.template_driver.is_empty() {
        return Err(SpecError::new(
            format!("{top}.template_driver"),
            "not supported by Docker Compose nor Hoist",
        ));
    }
    let owned = !reference.uid.is_empty() || !reference.gid.is_empty() || reference.mode.is_some();
    let delivery = if !object.environment.is_empty() || !object.content.is_empty() || owned {
        FileDelivery::Inject
    } else {
        FileDelivery::BindMount
    };
    Ok((object, delivery))
}

/// The `Binds` strings and `Mounts` entries of a container of `svc`.
pub fn container_mounts(
    project: &Project,
    svc: &ServiceConfig,
    api: ApiVersion,
    inherit: Option<&InheritedMounts>,
) -> Result<(Vec<String>, Vec<Mount>), SpecError> {
    // (target, bind string or mount), later service volumes replace earlier ones with the
    // same target; secrets and configs never replace anything.
    let mut entries: Vec<(String, Result<String, Mount>)> = Vec::new();
    let put = |entries: &mut Vec<(String, Result<String, Mount>)>,
               target: String,
               item,
               replace: bool| {
        if let Some(slot) = entries.iter_mut().find(|(t, _)| *t == target) {
            if replace {
                slot.1 = item;
            }
        } else {
            entries.push((target, item));
        }
    };
    let mut taken_over: Vec<&str> = Vec::new();
    for old in inherit.map(|i| i.mounts.as_slice()).unwrap_or_default() {
        if old.kind == "tmpfs" {
            continue;
        }
        let from_image = inherit.is_some_and(|i| i.image_volumes.contains(&old.destination));
        let anonymous_in_service = svc
            .volumes
            .iter()
            .any(|v| v.target == old.destination && v.source.is_empty());
        if !from_image && !anonymous_in_service {
            continue;
        }
        if anonymous_in_service {
            taken_over.push(old.destination.as_str());
        }
        let mount = Mount {
            typ: old.kind.parse::<MountType>().ok(),
            source: non_empty_str(&old.source),
            target: Some(old.destination.clone()),
            read_only: (!old.rw).then_some(true),
            ..Default::default()
        };
        put(&mut entries, old.destination.clone(), Err(mount), true);
    }
    for (i, v) in svc.volumes.iter().enumerate() {
        if v.source.is_empty() && taken_over.contains(&v.target.as_str()) {
            continue;
        }
        let item = volume_entry(project, svc, i, v, api)?;
        put(&mut entries, v.target.clone(), item, true);
    }
    for kind in [FileKind::Secret, FileKind::Config] {
        let refs = match kind {
            FileKind::Secret => &svc.secrets,
            FileKind::Config => &svc.configs,
        };
        for (i, r) in refs.iter().enumerate() {
            let (object, delivery) = file_object(project, svc, kind, i, r)?;
            if delivery != FileDelivery::BindMount {
                continue;
            }
            let target = kind.target(r);
            let mount = Mount {
                typ: Some(MountType::BIND),
                source: Some(absolute(project, &object.file)),
                target: Some(target.clone()),
                read_only: Some(true),
                // Compose asks for a secret's bind mount with create_host_path: false.
                bind_options: (kind == FileKind::Secret).then(MountBindOptions::default),
                ..Default::default()
            };
            put(&mut entries, target, Err(mount), false);
        }
    }
    let mut binds = Vec::new();
    let mut mounts = Vec::new();
    for (_, item) in entries {
        match item {
            Ok(b) => binds.push(b),
            Err(m) => mounts.push(m),
        }
    }
    Ok((binds, mounts))
}

fn absolute(project: &Project, source: &str) -> String {
    let p = std::path::Path::new(source);
    if p.is_absolute() || is_abs_target(source) {
        source.to_string()
    } else {
        project.working_dir.join(p).to_string_lossy().into_owned()
    }
}

/// One service volume: `Ok(bind string)` or `Err(mount)` (the `Mounts` API).
fn volume_entry(
    project: &Project,
    svc: &ServiceConfig,
    index: usize,
    v: &ServiceVolumeConfig,
    api: ApiVersion,
) -> Result<Result<String, Mount>, SpecError> {
    let attr = |a: &str| path(&svc.name, &format!("volumes[{index}]{a}"));
    let mut source = v.source.clone();
    let mut named_volume = false;
    match v.kind.as_str() {
        "bind" => source = absolute(project, &v.source),
        "volume" if !v.source.is_empty() => {
            if let Some(pv) = project.volumes.0.get(&v.source) {
                source = pv.name.clone();
                named_volume = true;
            }
        }
        "image" if api < API_IMAGE_MOUNT => {
            return Err(SpecError::new(
                attr(".type"),
                format!("image volumes need engine API {API_IMAGE_MOUNT} or later (this engine speaks {api})"),
            ));
        }
        _ => {}
    }
    let typ = match v.kind.as_str() {
        "bind" => MountType::BIND,
        "volume" => MountType::VOLUME,
        "tmpfs" => MountType::TMPFS,
        "npipe" => MountType::NPIPE,
        "cluster" => MountType::CLUSTER,
        "image" => MountType::IMAGE,
        other => {
            return Err(SpecError::new(
                attr(".type"),
                format!("unknown volume type {other:?}"),
            ))
        }
    };

    // The legacy Binds API, when no option needs the Mounts API.
    if typ == MountType::BIND {
        let needs_mount_api = v.bind.as_ref().is_some_and(|b| {
            !b.create_host_path.0 || !b.propagation.is_empty() || !b.recursive.is_empty()
        });
        if !needs_mount_api {
            return Ok(Ok(bind_string(&source, v)));
        }
    }
    if typ == MountType::VOLUME && named_volume {
        let needs_mount_api = v
            .volume
            .as_ref()
            .is_some_and(|o| !o.labels.is_empty() || !o.subpath.is_empty() || o.nocopy);
        if !needs_mount_api {
            return Ok(Ok(bind_string(&source, v)));
        }
    }

    let mut mount = Mount {
        typ: Some(typ),
        source: non_empty_str(&source),
        target: Some(v.target.clone()),
        read_only: v.read_only.then_some(true),
        consistency: non_empty_str(&v.consistency),
        ..Default::default()
    };
    match typ {
        MountType::BIND => {
            if let Some(b) = &v.bind {
                let propagation = match b.propagation.as_str() {
                    "" => None,
                    p => Some(p.parse::<MountBindOptionsPropagationEnum>().map_err(|_| {
                        SpecError::new(
                            attr(".bind.propagation"),
                            format!("invalid propagation {p:?}"),
                        )
                    })?),
                };
                let mut opts = MountBindOptions {
                    propagation,
                    create_mountpoint: (b.create_host_path.0 && api >= API_CREATE_MOUNTPOINT)
                        .then_some(true),
                    ..Default::default()
                };
                match b.recursive.as_str() {
                    "" | "enabled" => {}
                    "disabled" => opts.non_recursive = Some(true),
                    "writable" | "readonly" if api < API_BIND_RECURSIVE_RO => {
                        return Err(SpecError::new(
                            attr(".bind.recursive"),
                            format!("needs engine API {API_BIND_RECURSIVE_RO} or later (this engine speaks {api})"),
                        ));
                    }
                    "writable" => opts.read_only_non_recursive = Some(true),
                    "readonly" => opts.read_only_force_recursive = Some(true),
                    other => {
                        return Err(SpecError::new(
                            attr(".bind.recursive"),
                            format!("invalid value {other:?}"),
                        ));
                    }
                }
                mount.bind_options = Some(opts);
            }
        }
        MountType::VOLUME => {
            if let Some(o) = &v.volume {
                if !o.subpath.is_empty() && api < API_VOLUME_SUBPATH {
                    return Err(SpecError::new(
                        attr(".volume.subpath"),
                        format!("needs engine API {API_VOLUME_SUBPATH} or later (this engine speaks {api})"),
                    ));
                }
                mount.volume_options = Some(MountVolumeOptions {
                    no_copy: o.nocopy.then_some(true),
                    labels: non_empty_map(&o.labels.0),
                    subpath: non_empty_str(&o.subpath),
                    ..Default::default()
                });
            }
        }
        MountType::TMPFS => {
            if let Some(t) = &v.tmpfs {
                mount.tmpfs_options = Some(MountTmpfsOptions {
                    size_bytes: (t.size.0 != 0).then_some(t.size.0),
                    mode: (t.mode != 0).then(|| i64::try_from(t.mode).unwrap_or(0)),
                    ..Default::default()
                });
            }
        }
        MountType::IMAGE => {
            if let Some(i) = &v.image {
                mount.image_options = Some(MountImageOptions {
                    subpath: non_empty_str(&i.subpath),
                });
            }
        }
        _ => {}
    }
    Ok(Err(mount))
}

/// `source:target:options` with `rw`/`ro`, then SELinux label, propagation and `nocopy`.
fn bind_string(source: &str, v: &ServiceVolumeConfig) -> String {
    let mut options = vec![if v.read_only { "ro" } else { "rw" }.to_string()];
    if let Some(b) = &v.bind {
        if !b.selinux.is_empty() {
            options.push(b.selinux.clone());
        }
        if !b.propagation.is_empty() {
            options.push(b.propagation.clone());
        }
    }
    if v.volume.as_ref().is_some_and(|o| o.nocopy) {
        options.push("nocopy".to_string());
    }
    format!("{source}:{}:{}", v.target, options.join(","))
}
