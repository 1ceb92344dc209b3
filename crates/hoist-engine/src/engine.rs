//! The connection to the container engine: turns a resolved [`Endpoint`] into a live bollard
//! client, negotiates the API version (the highest version both sides speak) and keeps the
//! engine's identity. Every other module of this crate works through an [`Engine`].

use std::fmt;
use std::time::Duration;

use bollard::{ClientVersion, Docker, API_DEFAULT_VERSION};

use crate::endpoint::{self, Endpoint};
use crate::error::{transport_detail, EngineError, ErrorKind, Result};
use crate::probe;

/// Timeout for ordinary requests (time until the engine starts answering).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Timeout for the version probe made while connecting.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Timeout for the `/_ping` tried first when connecting (then `/version` is asked).
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// An engine API version such as `1.41`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// Major part (always 1 so far).
    pub major: usize,
    /// Minor part.
    pub minor: usize,
}

impl ApiVersion {
    /// Builds a version from its parts.
    pub const fn new(major: usize, minor: usize) -> Self {
        ApiVersion { major, minor }
    }

    /// Parses `"1.41"`; `None` when malformed.
    pub fn parse(text: &str) -> Option<Self> {
        let (major, minor) = text.trim().split_once('.')?;
        Some(ApiVersion {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    fn to_client(self) -> ClientVersion {
        ClientVersion {
            major_version: self.major,
            minor_version: self.minor,
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The newest API version this build of Hoist can speak (bollard's default).
pub fn client_max_api_version() -> ApiVersion {
    ApiVersion::new(
        API_DEFAULT_VERSION.major_version,
        API_DEFAULT_VERSION.minor_version,
    )
}

/// A connected container engine. Cheap to clone (shares the connection pool).
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) docker: Docker,
    endpoint: Endpoint,
    api_version: ApiVersion,
    server_version: String,
}

impl Engine {
    /// Connects to the engine selected by `DOCKER_HOST`, `DOCKER_CONTEXT`, the current Docker
    /// context or the default socket, and negotiates the API version.
    pub async fn connect() -> Result<Engine> {
        let endpoint = endpoint::resolve_from_env()?;
        Engine::connect_to(endpoint).await
    }

    /// Connects to an explicit endpoint and negotiates the API version: from a `/_ping`
    /// when the endpoint answers one with its versions, else from `/version`.
    pub async fn connect_to(endpoint: Endpoint) -> Result<Engine> {
        if let Some(ping) = probe::ping(&endpoint, PING_TIMEOUT).await {
            let api_version = ping.api_version.min(client_max_api_version());
            let docker = client_for(&endpoint, api_version, DEFAULT_REQUEST_TIMEOUT)?;
            return Ok(Engine {
                docker,
                endpoint,
                api_version,
                server_version: ping.server_version,
            });
        }
        let mut wanted = client_max_api_version();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let docker = client_for(&endpoint, wanted, CONNECT_TIMEOUT)?;
            match docker.version().await {
                Ok(version) => {
                    let server_api = version
                        .api_version
                        .as_deref()
                        .and_then(ApiVersion::parse)
                        .unwrap_or(wanted);
                    let api_version = server_api.min(wanted);
                    let docker = client_for(&endpoint, api_version, DEFAULT_REQUEST_TIMEOUT)?;
                    return Ok(Engine {
                        docker,
                        endpoint,
                        api_version,
                        server_version: version.version.unwrap_or_default(),
                    });
                }
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 400,
                    message,
                }) if attempts == 1 => match max_version_from_refusal(&message) {
                    Some(max) if max < wanted => wanted = max,
                    _ => return Err(refused(&endpoint, &message)),
                },
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code,
                    message,
                }) => {
                    return Err(EngineError::new(
                        ErrorKind::Api {
                            status: status_code,
                        },
                        format!(
                            "the Docker Engine at {} ({}) refused the version request: {}",
                            endpoint.host,
                            endpoint.origin(),
                            message.trim()
                        ),
                    ))
                }
                Err(other) => return Err(unreachable(&endpoint, &transport_detail(&other))),
            }
        }
    }

    /// The endpoint this engine was reached at.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The negotiated API version: min(engine's version, [`client_max_api_version`]).
    pub fn api_version(&self) -> ApiVersion {
        self.api_version
    }

    /// The engine's own version string, e.g. `20.10.24+dfsg1`.
    pub fn server_version(&self) -> &str {
        &self.server_version
    }

    /// The underlying bollard client (escape hatch for calls this crate does not wrap yet).
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// A client sharing this connection with a different request timeout.
    pub(crate) fn with_timeout(&self, timeout: Duration) -> Docker {
        self.docker.clone().with_timeout(timeout)
    }
}

/// Builds a bollard client for `endpoint` speaking `version`.
fn client_for(endpoint: &Endpoint, version: ApiVersion, timeout: Duration) -> Result<Docker> {
    let host = endpoint.host.as_str();
    let unsupported = |what: &str| {
        EngineError::new(
            ErrorKind::Unsupported,
            format!(
                "{what} is not supported by Hoist yet (engine endpoint {host}, {}); use a unix:// socket or a plain tcp:// endpoint",
                endpoint.origin()
            ),
        )
    };
    if endpoint.tls || host.starts_with("https://") {
        return Err(unsupported(
            "TLS to the Docker Engine (DOCKER_TLS_VERIFY/DOCKER_CERT_PATH)",
        ));
    }
    let secs = timeout.as_secs().max(1);
    let client = version.to_client();
    let docker = if host.starts_with("unix://") {
        Docker::connect_with_unix(host, secs, &client)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, secs, &client)
    } else if host.starts_with("ssh://") {
        return Err(unsupported("ssh:// engine endpoints"));
    } else if host.starts_with("npipe://") {
        return Err(unsupported("Windows named-pipe engine endpoints"));
    } else {
        return Err(EngineError::new(
            ErrorKind::Config,
            format!(
                "engine endpoint \"{host}\" ({}) has an unknown scheme; expected unix:// or tcp://",
                endpoint.origin()
            ),
        ));
    };
    docker.map_err(|e| unreachable(endpoint, &transport_detail(&e)))
}

/// The engine's "client version X is too new. Maximum supported API version is Y" answer
/// carries its maximum; extract it.
fn max_version_from_refusal(message: &str) -> Option<ApiVersion> {
    let marker = "Maximum supported API version is ";
    let start = message.find(marker)? + marker.len();
    let rest = message.get(start..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    ApiVersion::parse(rest.get(..end)?.trim_end_matches('.'))
}

fn refused(endpoint: &Endpoint, message: &str) -> EngineError {
    EngineError::new(
        ErrorKind::Api { status: 400 },
        format!(
            "the Docker Engine at {} ({}) refused to talk to Hoist: {}",
            endpoint.host,
            endpoint.origin(),
            message.trim()
        ),
    )
}

/// The one-sentence "nothing answers" error.
fn unreachable(endpoint: &Endpoint, detail: &str) -> EngineError {
    let advice = match &endpoint.source {
        endpoint::EndpointSource::DockerHostEnv => {
            "start the Docker daemon there or fix/unset DOCKER_HOST"
        }
        endpoint::EndpointSource::Context(_) => {
            "start the Docker daemon there or switch context (DOCKER_CONTEXT / `docker context use`)"
        }
        endpoint::EndpointSource::Default => {
            "start the Docker daemon (e.g. `dockerd &` or `systemctl start docker`) or set DOCKER_HOST"
        }
    };
    EngineError::new(
        ErrorKind::Unreachable,
        format!(
            "Cannot connect to the Docker Engine at {} ({}): {detail}; {advice}.",
            endpoint.host,
            endpoint.origin()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions_and_refusals() {
        assert_eq!(ApiVersion::parse("1.41"), Some(ApiVersion::new(1, 41)));
        assert_eq!(ApiVersion::parse("x"), None);
        assert!(ApiVersion::new(1, 41) < ApiVersion::new(1, 53));
        assert_eq!(ApiVersion::new(1, 9).to_string(), "1.9");
        assert_eq!(
            max_version_from_refusal(
                "client version 1.53 is too new. Maximum supported API version is 1.41"
            ),
            Some(ApiVersion::new(1, 41))
        );
        assert_eq!(max_version_from_refusal("something else"), None);
    }

    #[test]
    fn tls_and_ssh_are_reported_as_unsupported() {
        let tls = Endpoint {
            host: "tcp://h:2376".into(),
            source: endpoint::EndpointSource::DockerHostEnv,
            tls: true,
        };
        let err = client_for(&tls, ApiVersion::new(1, 41), CONNECT_TIMEOUT).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unsupported);
        assert!(err.message.contains("TLS"), "{}", err.message);
        let ssh = Endpoint {
            host: "ssh://me@h".into(),
            source: endpoint::EndpointSource::DockerHostEnv,
            tls: false,
        };
        let err = client_for(&ssh, ApiVersion::new(1, 41), CONNECT_TIMEOUT).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unsupported);
    }
}
