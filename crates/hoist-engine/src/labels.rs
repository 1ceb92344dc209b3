//! The `com.docker.compose.*` label names Docker Compose writes on containers, networks,
//! volumes and images. Hoist's whole notion of "state" is these labels on engine objects, so
//! they must match Docker Compose byte for byte for the two tools to see each other's objects.

/// Project name; on containers, networks, volumes and locally built images.
pub const PROJECT: &str = "com.docker.compose.project";
/// Service name; on containers and locally built images.
pub const SERVICE: &str = "com.docker.compose.service";
/// Configuration hash of a service, network or volume (sha256 hex).
pub const CONFIG_HASH: &str = "com.docker.compose.config-hash";
/// Replica number `n` of a service container (absent on one-off containers).
pub const CONTAINER_NUMBER: &str = "com.docker.compose.container-number";
/// Compose key of a network (the key under top-level `networks:`).
pub const NETWORK: &str = "com.docker.compose.network";
/// Compose key of a volume (the key under top-level `volumes:`).
pub const VOLUME: &str = "com.docker.compose.volume";
/// Absolute project working directory; on containers.
pub const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
/// Absolute paths of the compose files, comma-joined; on containers.
pub const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
/// Absolute paths given with `--env-file`, comma-joined; on containers (only when given).
pub const ENVIRONMENT_FILE: &str = "com.docker.compose.project.environment_file";
/// `True` on one-off (`run`) containers, `False` otherwise.
pub const ONEOFF: &str = "com.docker.compose.oneoff";
/// Full random slug of a one-off container.
pub const SLUG: &str = "com.docker.compose.slug";
/// Digest/ID of the image the container was created from; a mismatch forces recreation.
pub const IMAGE_DIGEST: &str = "com.docker.compose.image";
/// `target=digest` pairs (comma-joined) of `type: image` volume sources.
pub const IMAGE_VOLUME_DIGEST: &str = "com.docker.compose.image-volume-digest";
/// Dependencies of a service as `svc:condition:restart` items, comma-joined.
pub const DEPENDS_ON: &str = "com.docker.compose.depends_on";
/// Version (core semver) of the compose tool that created the object.
pub const VERSION: &str = "com.docker.compose.version";
/// Builder used to produce a locally built image (`classic` for the classic builder).
pub const IMAGE_BUILDER: &str = "com.docker.compose.image.builder";
/// On a recreated container: the name of the container it replaces.
pub const REPLACE: &str = "com.docker.compose.replace";
/// Name of the engine that runs the container.
pub const ENGINE: &str = "com.docker.compose.engine";
/// Lifecycle hook type of an ephemeral hook container (e.g. `pre_start`).
pub const HOOK: &str = "com.docker.compose.hook";

/// Value of the [`ONEOFF`] label for one-off (`true`) and service (`false`) containers.
pub fn oneoff_value(oneoff: bool) -> &'static str {
    if oneoff {
        "True"
    } else {
        "False"
    }
}

/// A `label=key=value` filter value as the engine's list endpoints expect it.
pub fn filter(key: &str, value: &str) -> String {
    format!("{key}={value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_match_docker_compose() {
        assert_eq!(PROJECT, "com.docker.compose.project");
        assert_eq!(CONFIG_HASH, "com.docker.compose.config-hash");
        assert_eq!(CONTAINER_NUMBER, "com.docker.compose.container-number");
        assert_eq!(oneoff_value(true), "True");
        assert_eq!(oneoff_value(false), "False");
        assert_eq!(filter(PROJECT, "demo"), "com.docker.compose.project=demo");
    }
}
