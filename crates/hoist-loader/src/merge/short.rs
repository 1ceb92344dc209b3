//! Just enough of the short volume syntax (`source:target[:mode]`) to find a mount's target
//! (its de-duplication key) and to rebase a relative bind source. The full short-to-long
//! conversion lives in `canonical`.

/// The fields of a short volume spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShortVolume {
    /// The source (empty for an anonymous volume).
    pub source: String,
    /// The path in the container.
    pub target: String,
    /// The options after the second colon, if any.
    pub mode: Option<String>,
}

/// Parses `source:target[:mode]`, `target`, keeping `${...}` and Windows drive letters whole.
pub(crate) fn parse_volume(spec: &str) -> Result<ShortVolume, String> {
    let chars: Vec<char> = spec.chars().collect();
    if chars.is_empty() {
        return Err("invalid empty volume spec".into());
    }
    if chars.len() <= 2 {
        return Ok(ShortVolume {
            source: String::new(),
            target: spec.to_string(),
            mode: None,
        });
    }
    let mut fields: Vec<String> = Vec::new();
    let mut buffer = String::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i <= chars.len() {
        let c = chars.get(i).copied();
        match c {
            Some('$') if chars.get(i + 1) == Some(&'{') => {
                depth += 1;
                buffer.push('$');
            }
            Some('}') if depth > 0 => {
                depth -= 1;
                buffer.push('}');
            }
            Some(':') if buffer.chars().count() == 1 && buffer.chars().all(char::is_alphabetic) => {
                buffer.push(':');
            }
            Some(':') | None if depth == 0 => {
                if buffer.is_empty() {
                    return Err(format!(
                        "invalid spec: {spec}: empty section between colons"
                    ));
                }
                if fields.len() == 2 && c == Some(':') {
                    return Err(format!("invalid spec: {spec}: too many colons"));
                }
                fields.push(std::mem::take(&mut buffer));
            }
            Some(other) => buffer.push(other),
            None => {
                // An unterminated `${` runs to the end of the spec.
                fields.push(std::mem::take(&mut buffer));
            }
        }
        i += 1;
    }
    let mut it = fields.into_iter();
    let first = it.next().unwrap_or_default();
    match it.next() {
        None => Ok(ShortVolume {
            source: String::new(),
            target: first,
            mode: None,
        }),
        Some(target) => Ok(ShortVolume {
            source: first,
            target,
            mode: it.next(),
        }),
    }
}

/// True when a short-syntax source is a host path (a bind mount) rather than a volume name.
pub(crate) fn is_file_path(source: &str) -> bool {
    if source.starts_with(['.', '/', '~']) || source.starts_with("\\\\") {
        return true;
    }
    let mut chars = source.chars();
    matches!((chars.next(), chars.next()), (Some(d), Some(':')) if d.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(spec: &str) -> String {
        parse_volume(spec).map(|v| v.target).unwrap_or_else(|e| e)
    }

    #[test]
    fn finds_targets() {
        assert_eq!(target("/data"), "/data");
        assert_eq!(target("./src:/app"), "/app");
        assert_eq!(target("db:/var/lib/db:ro"), "/var/lib/db");
        assert_eq!(target("C:\\data:/data"), "/data");
        assert_eq!(target("${HOME:-/x}:/home"), "/home");
        assert_eq!(target("/a"), "/a");
    }

    #[test]
    fn rejects_bad_specs() {
        assert!(parse_volume("").is_err());
        assert!(parse_volume("ab::c").is_err());
        assert!(parse_volume("ab:/cd:ro:gh").is_err());
    }

    #[test]
    fn tells_paths_from_names() {
        assert!(is_file_path("./x"));
        assert!(is_file_path("~/x"));
        assert!(is_file_path("/x"));
        assert!(is_file_path("c:\\x"));
        assert!(!is_file_path("data"));
        assert!(!is_file_path(""));
    }
}
