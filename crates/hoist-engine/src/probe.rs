//! The probe made when connecting: `GET /_ping` over a plain socket, read only for its
//! `Api-Version` and `Server` headers. The engine answers `/_ping` without asking its
//! runtime anything (a fraction of a millisecond, where `/version` takes several), and every
//! command connects once, so this is on the path of every `ps`, `up` and `down`. Endpoints it
//! cannot reach this way (TLS) or answers without those headers fall back to `/version`.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::endpoint::Endpoint;
use crate::engine::ApiVersion;

/// What the engine said about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ping {
    /// The newest API version the engine speaks (`Api-Version`).
    pub api_version: ApiVersion,
    /// The engine's version, from `Server: Docker/20.10.24 (linux)`.
    pub server_version: String,
}

const REQUEST: &[u8] = b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n";

/// Largest response head read before giving up.
const MAX_HEAD: usize = 16 * 1024;

/// Pings `endpoint`; `None` when it cannot be pinged this way or the answer lacks the headers.
pub(crate) async fn ping(endpoint: &Endpoint, timeout: Duration) -> Option<Ping> {
    if endpoint.tls.is_some() {
        return None;
    }
    let host = endpoint.host.as_str();
    let exchange = async {
        if let Some(path) = host.strip_prefix("unix://") {
            let stream = tokio::net::UnixStream::connect(path).await.ok()?;
            response_head(stream).await
        } else if let Some(address) = host
            .strip_prefix("tcp://")
            .or_else(|| host.strip_prefix("http://"))
        {
            let stream = tokio::net::TcpStream::connect(address.trim_end_matches('/'))
                .await
                .ok()?;
            response_head(stream).await
        } else {
            None
        }
    };
    let head = tokio::time::timeout(timeout, exchange).await.ok()??;
    parse(&head)
}

/// Sends the request and reads up to the end of the response headers.
async fn response_head<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> Option<String> {
    stream.write_all(REQUEST).await.ok()?;
    let mut head: Vec<u8> = Vec::with_capacity(1024);
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 || head.len() > MAX_HEAD {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Reads a `200` response head for the API version and the server version.
fn parse(head: &str) -> Option<Ping> {
    let mut lines = head.split("\r\n");
    let status = lines.next()?;
    if status.split_whitespace().nth(1) != Some("200") {
        return None;
    }
    let mut api_version = None;
    let mut server_version = None;
    for line in lines.take_while(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.eq_ignore_ascii_case("api-version") {
            api_version = ApiVersion::parse(value);
        } else if name.eq_ignore_ascii_case("server") {
            // `Docker/20.10.24+dfsg1 (linux)`, `Libpod/5.4.0 (linux)`.
            server_version = value
                .split_whitespace()
                .next()
                .and_then(|product| product.split_once('/'))
                .map(|(_, version)| version.to_string())
                .filter(|v| !v.is_empty());
        }
    }
    Some(Ping {
        api_version: api_version?,
        server_version: server_version?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_versions_from_the_headers() {
        let head = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 0\r\n\
                    Server: Docker/20.10.24+dfsg1 (linux)\r\n\r\n";
        assert_eq!(
            parse(head),
            Some(Ping {
                api_version: ApiVersion::new(1, 41),
                server_version: "20.10.24+dfsg1".into(),
            })
        );
        let lower = "HTTP/1.1 200 OK\r\napi-version:1.53\r\nserver: Libpod/5.4.0 (linux)\r\n\r\n";
        assert_eq!(
            parse(lower).map(|p| (p.api_version, p.server_version)),
            Some((ApiVersion::new(1, 53), "5.4.0".into()))
        );
    }

    #[test]
    fn anything_else_falls_back() {
        // Not a 200, no API version, no server name: `/version` decides instead.
        assert_eq!(
            parse("HTTP/1.1 404 Not Found\r\nApi-Version: 1.41\r\nServer: Docker/1 (x)\r\n\r\n"),
            None
        );
        assert_eq!(
            parse("HTTP/1.1 200 OK\r\nServer: Docker/1 (x)\r\n\r\n"),
            None
        );
        assert_eq!(parse("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n\r\n"), None);
        assert_eq!(parse(""), None);
        // Headers after the blank line belong to the body.
        assert_eq!(
            parse("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n\r\nServer: Docker/1 (x)\r\n"),
            None
        );
    }
}
