//! Errors of the engine layer: every failure names the engine resource it concerns
//! (`container "p-web-1"`, `network "p_default"`) and is classified so that callers (planner,
//! executor, CLI) can react to "not found" or "conflict" without parsing messages.

use std::fmt;

/// What kind of failure an [`EngineError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// No engine answered at the resolved endpoint.
    Unreachable,
    /// The endpoint or a setting asks for something Hoist does not support yet (ssh://).
    Unsupported,
    /// The TLS handshake with the engine failed (certificate not trusted, client certificate
    /// refused, not a TLS endpoint).
    Tls,
    /// The engine answered 404: the resource does not exist.
    NotFound,
    /// The engine answered 409: name already in use, resource in use, ...
    Conflict,
    /// The engine answered 304: the resource already is in the requested state
    /// (e.g. starting a running container).
    NotModified,
    /// The request did not get an answer within its timeout.
    Timeout,
    /// Any other error status returned by the engine.
    Api {
        /// The HTTP status code the engine returned.
        status: u16,
    },
    /// Bad configuration (unreadable Docker context, malformed DOCKER_HOST, ...).
    Config,
    /// Transport or decoding failure while talking to the engine.
    Other,
}

/// An error from the engine layer, with a message that names the resource it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    /// Classification of the failure.
    pub kind: ErrorKind,
    /// Human readable, complete sentence(s) naming the resource.
    pub message: String,
}

/// Result type of the engine layer.
pub type Result<T> = std::result::Result<T, EngineError>;

impl EngineError {
    /// Builds an error of the given kind with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EngineError {
            kind,
            message: message.into(),
        }
    }

    /// Converts a bollard error raised while acting on `resource` (e.g. `container "p-web-1"`)
    /// doing `action` (e.g. `"start"`).
    pub fn from_bollard(resource: &str, action: &str, err: bollard::errors::Error) -> Self {
        use bollard::errors::Error as B;
        match err {
            B::DockerResponseServerError {
                status_code,
                message,
            } => {
                let kind = match status_code {
                    404 => ErrorKind::NotFound,
                    409 => ErrorKind::Conflict,
                    304 => ErrorKind::NotModified,
                    s => ErrorKind::Api { status: s },
                };
                let message = message.trim();
                EngineError::new(kind, format!("cannot {action} {resource}: {message}"))
            }
            B::RequestTimeoutError => EngineError::new(
                ErrorKind::Timeout,
                format!("cannot {action} {resource}: the engine did not answer in time"),
            ),
            ref whole @ B::SocketNotFoundError(_) => EngineError::new(
                ErrorKind::Unreachable,
                format!(
                    "cannot {action} {resource}: the engine is not reachable ({})",
                    transport_detail(whole)
                ),
            ),
            ref whole @ B::HyperLegacyError { ref err } if err.is_connect() => EngineError::new(
                ErrorKind::Unreachable,
                format!(
                    "cannot {action} {resource}: the engine is not reachable ({})",
                    transport_detail(whole)
                ),
            ),
            other => EngineError::new(
                ErrorKind::Other,
                format!("cannot {action} {resource}: {other}"),
            ),
        }
    }

    /// True when the engine said the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// True when the engine reported a conflict (name in use, resource busy).
    pub fn is_conflict(&self) -> bool {
        self.kind == ErrorKind::Conflict
    }

    /// True when no engine answered.
    pub fn is_unreachable(&self) -> bool {
        self.kind == ErrorKind::Unreachable
    }
}

/// A short reason for a transport failure: the innermost cause ("Connection refused"), not
/// bollard's wrapper text.
pub(crate) fn transport_detail(err: &bollard::errors::Error) -> String {
    use bollard::errors::Error as B;
    match err {
        B::SocketNotFoundError(path) => format!("no socket exists at {path}"),
        B::RequestTimeoutError => "no answer in time".to_string(),
        other => {
            let mut cause: &dyn std::error::Error = other;
            while let Some(inner) = cause.source() {
                cause = inner;
            }
            cause.to_string()
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_are_classified_and_name_the_resource() {
        let err = EngineError::from_bollard(
            "container \"p-web-1\"",
            "start",
            bollard::errors::Error::DockerResponseServerError {
                status_code: 404,
                message: "No such container: p-web-1\n".into(),
            },
        );
        assert!(err.is_not_found());
        assert_eq!(
            err.to_string(),
            "cannot start container \"p-web-1\": No such container: p-web-1"
        );
        let conflict = EngineError::from_bollard(
            "network \"p_default\"",
            "create",
            bollard::errors::Error::DockerResponseServerError {
                status_code: 409,
                message: "already exists".into(),
            },
        );
        assert!(conflict.is_conflict());
        let other = EngineError::from_bollard(
            "volume \"v\"",
            "remove",
            bollard::errors::Error::DockerResponseServerError {
                status_code: 500,
                message: "boom".into(),
            },
        );
        assert_eq!(other.kind, ErrorKind::Api { status: 500 });
    }
}
