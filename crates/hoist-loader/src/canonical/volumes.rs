//! Short-syntax service `volumes` entries (`[SOURCE:]TARGET[:OPTIONS]`), parsed the way
//! compose-go's `format.ParseVolume` parses them, and Go's `path.Clean` for targets.
//!
//! A source that starts with `.`, `/`, `~`, `\\` or a Windows drive (`c:`) is a bind mount;
//! any other source is a named volume; no source at all is an anonymous volume. `${…}`
//! sections are never split at their colons (they survive when interpolation is off).

/// A service volume parsed from a short-syntax spec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolumeSpec {
    /// `bind` or `volume`.
    pub kind: &'static str,
    /// The host path or volume name (`""` for an anonymous volume).
    pub source: String,
    /// The path in the container, as written (not yet cleaned).
    pub target: String,
    /// `ro` was given (and not overridden by a later `rw`).
    pub read_only: bool,
    /// The bind options, present for binds and when a bind option was given.
    pub bind: Option<BindOptions>,
    /// The volume options, present for named/anonymous volumes or when `nocopy` was given.
    pub volume: Option<VolumeOptions>,
}

/// Bind-mount options from a short-syntax spec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BindOptions {
    /// `rprivate`, `private`, `rshared`, `shared`, `rslave` or `slave`.
    pub propagation: Option<String>,
    /// `z` or `Z`.
    pub selinux: Option<String>,
    /// True for every short-syntax bind.
    pub create_host_path: bool,
}

/// Volume options from a short-syntax spec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolumeOptions {
    /// `nocopy` was given.
    pub nocopy: bool,
}

const PROPAGATIONS: [&str; 6] = [
    "rprivate", "private", "rshared", "shared", "rslave", "slave",
];

/// Parses one short-syntax volume spec. The error text is compose-go's
/// (`invalid spec: a::b: empty section between colons`).
pub fn parse_volume_spec(spec: &str) -> Result<VolumeSpec, String> {
    let mut volume = VolumeSpec {
        kind: "volume",
        ..VolumeSpec::default()
    };
    match spec.len() {
        0 => return Err("invalid empty volume spec".to_string()),
        1 | 2 => {
            volume.target = spec.to_string();
            return Ok(volume);
        }
        _ => {}
    }
    let chars: Vec<char> = spec.chars().collect();
    let mut buffer: Vec<char> = Vec::new();
    let mut substitution_depth = 0usize;
    let mut i = 0;
    while i <= chars.len() {
        let ch = chars.get(i).copied();
        i += 1;
        if ch == Some('$') && chars.get(i) == Some(&'{') {
            substitution_depth += 1;
            buffer.push('$');
            continue;
        }
        if ch == Some('}') && substitution_depth > 0 {
            substitution_depth -= 1;
            buffer.push('}');
            continue;
        }
        let is_separator = ch.is_none() || (ch == Some(':') && substitution_depth == 0);
        if ch == Some(':') && buffer.len() == 1 && buffer[0].is_alphabetic() {
            // A Windows drive letter (`c:`) is part of the path, not a separator.
            buffer.push(':');
        } else if is_separator {
            let end = ch.is_none();
            if let Err(e) = fill_field(end, &buffer, &mut volume) {
                return Err(format!("invalid spec: {spec}: {e}"));
            }
            buffer.clear();
        } else if let Some(c) = ch {
            buffer.push(c);
        }
    }
    set_kind(&mut volume);
    Ok(volume)
}

fn fill_field(at_end: bool, buffer: &[char], volume: &mut VolumeSpec) -> Result<(), &'static str> {
    let text: String = buffer.iter().collect();
    if buffer.is_empty() {
        return Err("empty section between colons");
    }
    if volume.source.is_empty() && at_end {
        volume.target = text;
        return Ok(());
    }
    if volume.source.is_empty() {
        volume.source = text;
        return Ok(());
    }
    if volume.target.is_empty() {
        volume.target = text;
        return Ok(());
    }
    if !at_end {
        return Err("too many colons");
    }
    for option in text.split(',') {
        match option {
            "ro" => volume.read_only = true,
            "rw" => volume.read_only = false,
            "nocopy" => volume.volume = Some(VolumeOptions { nocopy: true }),
            "z" | "Z" => {
                volume.bind.get_or_insert_with(BindOptions::default).selinux =
                    Some(option.to_string())
            }
            p if PROPAGATIONS.contains(&p) => {
                volume
                    .bind
                    .get_or_insert_with(BindOptions::default)
                    .propagation = Some(p.to_string())
            }
            // compose-go silently ignores options it does not know.
            _ => {}
        }
    }
    Ok(())
}

fn set_kind(volume: &mut VolumeSpec) {
    if is_file_path(&volume.source) {
        volume.kind = "bind";
        volume
            .bind
            .get_or_insert_with(BindOptions::default)
            .create_host_path = true;
    } else {
        volume.kind = "volume";
        volume.volume.get_or_insert_with(VolumeOptions::default);
    }
}

/// True when a volume source names a host path rather than a volume.
pub(crate) fn is_file_path(source: &str) -> bool {
    let mut chars = source.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(first, '.' | '/' | '~') || source.starts_with("\\\\") {
        return true;
    }
    first.is_alphabetic() && source.as_bytes().get(first.len_utf8()) == Some(&b':')
}

/// Go's `path.Clean`: the shortest equivalent slash-separated path, lexically.
pub fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let body = path.strip_prefix('/').unwrap_or(path);
    if !body.is_empty()
        && body
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
    {
        // Already clean (the usual case).
        return path.to_string();
    }
    let mut parts: Vec<&str> = Vec::with_capacity(path.bytes().filter(|b| *b == b'/').count() + 1);
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    if rooted {
        out.push('/');
    }
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean_path;

    #[test]
    fn clean_path_is_go_path_clean() {
        for (input, cleaned) in [
            ("", "."),
            ("/", "/"),
            ("//", "/"),
            ("a/b", "a/b"),
            ("/a/b", "/a/b"),
            ("/a/./b/", "/a/b"),
            ("a//b", "a/b"),
            ("./a", "a"),
            ("a/../..", ".."),
            ("../x", "../x"),
            ("/../a", "/a"),
            ("/tmp/p/./data/svc0", "/tmp/p/data/svc0"),
            ("a/b/../../..", ".."),
            (".", "."),
            ("..", ".."),
        ] {
            assert_eq!(clean_path(input), cleaned, "{input:?}");
        }
    }
}
