//! The connection to the container engine: turns a resolved [`Endpoint`] into a live bollard
//! client (unix socket, plain TCP, or TCP with TLS through [`crate::tls`]), negotiates the API
//! version (the highest version both sides speak) and keeps the engine's identity. Every other
//! module of this crate works through an [`Engine`].

use std::fmt;
use std::time::Duration;

use bollard::{ClientVersion, Docker, API_DEFAULT_VERSION};

use crate::endpoint::{self, Endpoint};
use crate::error::{transport_detail, EngineError, ErrorKind, Result};
use crate::probe;
use crate::tls::{self, TlsTransport};

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
        let transport = transport_for(&endpoint)?;
        if let Some(ping) = probe::ping(&endpoint, PING_TIMEOUT).await {
            let api_version = ping.api_version.min(client_max_api_version());
            let docker = client_for(&endpoint, &transport, api_version, DEFAULT_REQUEST_TIMEOUT)?;
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
            let docker = client_for(&endpoint, &transport, wanted, CONNECT_TIMEOUT)?;
            match docker.version().await {
                Ok(version) => {
                    let server_api = version
                        .api_version
                        .as_deref()
                        .and_then(ApiVersion::parse)
                        .unwrap_or(wanted);
                    let api_version = server_api.min(wanted);
                    let docker =
                        client_for(&endpoint, &transport, api_version, DEFAULT_REQUEST_TIMEOUT)?;
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
                Err(other) => return Err(connect_failure(&endpoint, &other)),
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

/// How requests reach an endpoint; prepared once per connection (TLS material is read here).
enum Transport {
    /// A unix socket.
    Unix,
    /// Plain HTTP over TCP.
    Http,
    /// HTTPS over TCP.
    Tls(TlsTransport),
}

/// Checks the endpoint's scheme and prepares its transport.
fn transport_for(endpoint: &Endpoint) -> Result<Transport> {
    let host = endpoint.host.as_str();
    let unsupported = |what: &str| {
        EngineError::new(
            ErrorKind::Unsupported,
            format!(
                "{what} is not supported by Hoist yet (engine endpoint {host}, {}); use a unix:// socket or a tcp:// endpoint (with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH for TLS)",
                endpoint.origin()
            ),
        )
    };
    if host.starts_with("unix://") {
        Ok(Transport::Unix)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        match &endpoint.tls {
            Some(settings) if host.starts_with("tcp://") => Ok(Transport::Tls(TlsTransport::new(
                settings,
                &endpoint.origin(),
            )?)),
            Some(_) => Err(EngineError::new(
                ErrorKind::Config,
                format!(
                    "engine endpoint {host} ({}) asks for plain HTTP but TLS is requested; use tcp://",
                    endpoint.origin()
                ),
            )),
            None => Ok(Transport::Http),
        }
    } else if host.starts_with("ssh://") {
        Err(unsupported("the ssh:// scheme"))
    } else if host.starts_with("npipe://") {
        Err(unsupported("the npipe:// scheme (Windows named pipes)"))
    } else if host.starts_with("fd://") {
        Err(unsupported("the fd:// scheme"))
    } else {
        let hint = if host.starts_with("https://") {
            "; for TLS use tcp:// with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH"
        } else {
            ""
        };
        Err(EngineError::new(
            ErrorKind::Config,
            format!(
                "engine endpoint \"{host}\" ({}) has an unknown scheme; expected unix:// or tcp://{hint}",
                endpoint.origin()
            ),
        ))
    }
}

/// Builds a bollard client for `endpoint` over `transport` speaking `version`.
fn client_for(
    endpoint: &Endpoint,
    transport: &Transport,
    version: ApiVersion,
    timeout: Duration,
) -> Result<Docker> {
    let host = endpoint.host.as_str();
    let secs = timeout.as_secs().max(1);
    let client = version.to_client();
    let docker = match transport {
        Transport::Unix => Docker::connect_with_unix(host, secs, &client),
        Transport::Http => Docker::connect_with_http(host, secs, &client),
        Transport::Tls(tls) => return tls.docker(host, secs, &client),
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

/// The one-sentence error for a failed first request: a TLS failure explained, a plain request
/// to what looks like a TLS endpoint flagged, anything else "nothing answers".
fn connect_failure(endpoint: &Endpoint, err: &bollard::errors::Error) -> EngineError {
    if let (Some(settings), Some(cause)) = (&endpoint.tls, tls::rustls_cause(err)) {
        return EngineError::new(
            ErrorKind::Tls,
            format!(
                "TLS with the Docker Engine at {} ({}) failed: {cause}; {}.",
                endpoint.host,
                endpoint.origin(),
                tls::advice(&cause, settings)
            ),
        );
    }
    let detail = transport_detail(err);
    if endpoint.tls.is_none() && !endpoint.host.starts_with("unix://") && no_http_answer(&detail) {
        return EngineError::new(
            ErrorKind::Unreachable,
            format!(
                "Cannot connect to the Docker Engine at {} ({}): {detail}; the endpoint accepted the connection but gave no HTTP answer: if it expects TLS, set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (or use a Docker context with TLS material).",
                endpoint.host,
                endpoint.origin()
            ),
        );
    }
    unreachable(endpoint, &detail)
}

/// True when a plain HTTP request failed the way it does against a TLS endpoint: a TLS record
/// instead of an HTTP status line, or the connection dropped or reset without any answer.
fn no_http_answer(detail: &str) -> bool {
    [
        "invalid HTTP version",
        "connection closed before message completed",
        "Connection reset by peer",
    ]
    .iter()
    .any(|symptom| detail.contains(symptom))
}

/// The one-sentence "nothing answers" error.
fn unreachable(endpoint: &Endpoint, detail: &str) -> EngineError {
    let advice = match &endpoint.source {
        endpoint::EndpointSource::DockerHostEnv => {
            "start the Docker daemon there or fix/unset DOCKER_HOST".to_string()
        }
        endpoint::EndpointSource::Context(_) => {
            "start the Docker daemon there or switch context (DOCKER_CONTEXT / `docker context use`)".to_string()
        }
        endpoint::EndpointSource::Default if endpoint.tls.is_some() => {
            "start a Docker daemon listening with TLS there, set DOCKER_HOST, or unset DOCKER_TLS_VERIFY/DOCKER_TLS".to_string()
        }
        endpoint::EndpointSource::Default => {
            let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            default_advice(endpoint::podman_socket(&env).as_deref())
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

/// What to start when the default socket does not answer; names a Podman socket that exists.
fn default_advice(podman: Option<&std::path::Path>) -> String {
    let start =
        "start the Docker daemon (e.g. `dockerd &` or `systemctl start docker`) or set DOCKER_HOST";
    match podman {
        Some(socket) => format!(
            "{start} (a Podman socket exists at {0}: DOCKER_HOST=unix://{0} uses it)",
            socket.display()
        ),
        None => start.to_string(),
    }
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
    fn schemes_are_checked_before_connecting() {
        let of = |host: &str| Endpoint::plain(host, endpoint::EndpointSource::DockerHostEnv);
        assert!(matches!(
            transport_for(&of("unix:///s")),
            Ok(Transport::Unix)
        ));
        assert!(matches!(
            transport_for(&of("tcp://h:2375")),
            Ok(Transport::Http)
        ));
        let Err(err) = transport_for(&of("ssh://me@h")) else {
            panic!("ssh accepted")
        };
        assert_eq!(err.kind, ErrorKind::Unsupported);
        assert!(err.message.contains("ssh://"), "{}", err.message);
        let Err(err) = transport_for(&of("https://h:2376")) else {
            panic!("https accepted")
        };
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("DOCKER_TLS_VERIFY"), "{}", err.message);
    }

    #[test]
    fn missing_tls_material_is_named() {
        let endpoint = Endpoint {
            host: "tcp://h:2376".into(),
            source: endpoint::EndpointSource::DockerHostEnv,
            tls: Some(endpoint::TlsSettings {
                verify: true,
                ca: Some("/nonexistent/hoist/ca.pem".into()),
                client: None,
            }),
        };
        let Err(err) = transport_for(&endpoint) else {
            panic!("missing CA accepted")
        };
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(
            err.message.contains("/nonexistent/hoist/ca.pem"),
            "{}",
            err.message
        );
        assert!(err.message.contains("from DOCKER_HOST"), "{}", err.message);
    }

    #[test]
    fn default_advice_names_an_existing_podman_socket() {
        assert!(!default_advice(None).contains("Podman"));
        let said = default_advice(Some(std::path::Path::new("/run/podman/podman.sock")));
        assert!(
            said.contains("DOCKER_HOST=unix:///run/podman/podman.sock"),
            "{said}"
        );
    }

    #[test]
    fn plain_requests_to_tls_endpoints_are_recognised() {
        assert!(no_http_answer("invalid HTTP version parsed"));
        assert!(no_http_answer("Connection reset by peer (os error 104)"));
        assert!(!no_http_answer("Connection refused (os error 111)"));
    }
}
