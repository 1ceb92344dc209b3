//! TLS to the engine: reads the PEM material named by [`TlsSettings`], builds a rustls client
//! configuration (ring provider) with the docker CLI's rules — the CA bundle alone is trusted
//! when given (the system's roots otherwise), no verification at all for `DOCKER_TLS` /
//! `SkipTLSVerify`, a client certificate when both `cert.pem` and `key.pem` exist — and hands
//! bollard an HTTPS transport built on it. Also explains TLS failures in one sentence.

use std::path::Path;
use std::sync::Arc;

use bollard::{BollardRequest, ClientVersion, Docker};
use hyper_rustls::HttpsConnectorBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::endpoint::TlsSettings;
use crate::error::{EngineError, ErrorKind, Result};

/// A ready rustls client configuration for one endpoint; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct TlsTransport {
    config: Arc<ClientConfig>,
}

impl TlsTransport {
    /// Reads the material of `settings` and builds the client configuration. Errors name the
    /// file that is missing or malformed; `origin` says where the settings came from.
    pub(crate) fn new(settings: &TlsSettings, origin: &str) -> Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| material_error(origin, format!("no usable TLS version: {e}")))?;
        let builder = if settings.verify {
            let roots = match &settings.ca {
                Some(ca) => ca_roots(ca, origin)?,
                None => system_roots(origin)?,
            };
            builder.with_root_certificates(roots)
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
        };
        let mut config = match &settings.client {
            Some((cert, key)) => {
                let chain = read_certs(cert, origin)?;
                let key_der = read_key(key, origin)?;
                builder.with_client_auth_cert(chain, key_der).map_err(|e| {
                    material_error(
                        origin,
                        format!(
                            "the client certificate {} and key {} do not form a usable pair: {e}",
                            cert.display(),
                            key.display()
                        ),
                    )
                })?
            }
            None => builder.with_no_client_auth(),
        };
        // No session resumption, like the docker CLI (Go's default): servers that check
        // client certificates without a session-id context (e.g. socat, some proxies) fail
        // resumed handshakes with an internal error.
        config.resumption = rustls::client::Resumption::disabled();
        Ok(TlsTransport {
            config: Arc::new(config),
        })
    }

    /// A bollard client speaking HTTPS to `host` (`tcp://host:port`), with the given request
    /// timeout in seconds and API version.
    pub(crate) fn docker(
        &self,
        host: &str,
        timeout_secs: u64,
        version: &ClientVersion,
    ) -> Result<Docker> {
        let authority = host
            .strip_prefix("tcp://")
            .unwrap_or(host)
            .trim_end_matches('/');
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = HttpsConnectorBuilder::new()
            .with_tls_config((*self.config).clone())
            .https_only()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(https);
        let transport = move |request: BollardRequest| {
            let client = client.clone();
            async move {
                client
                    .request(request)
                    .await
                    .map_err(bollard::errors::Error::from)
            }
        };
        Docker::connect_with_custom_transport(
            transport,
            Some(format!("https://{authority}")),
            timeout_secs,
            version,
        )
        .map_err(|e| {
            EngineError::new(
                ErrorKind::Config,
                format!("cannot set up TLS to the Docker Engine at {host}: {e}"),
            )
        })
    }
}

fn material_error(origin: &str, detail: String) -> EngineError {
    EngineError::new(
        ErrorKind::Config,
        format!("TLS material for the Docker Engine ({origin}) is unusable: {detail}"),
    )
}

/// A CA bundle as the only trusted roots (the docker CLI's behaviour with `ca.pem`).
fn ca_roots(path: &Path, origin: &str) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(read_certs(path, origin)?);
    if added == 0 {
        return Err(material_error(
            origin,
            format!("the CA file {} holds no usable certificate", path.display()),
        ));
    }
    Ok(roots)
}

/// The system's trusted roots, for a context with TLS but no CA of its own.
fn system_roots(origin: &str) -> Result<RootCertStore> {
    let loaded = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(loaded.certs);
    if roots.is_empty() {
        return Err(material_error(
            origin,
            "no CA file is given and no system root certificates could be loaded".to_string(),
        ));
    }
    Ok(roots)
}

fn read_certs(path: &Path, origin: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| {
            material_error(
                origin,
                format!("cannot read certificates from {}: {e}", path.display()),
            )
        })?;
    if certs.is_empty() {
        return Err(material_error(
            origin,
            format!("{} holds no PEM certificate", path.display()),
        ));
    }
    Ok(certs)
}

fn read_key(path: &Path, origin: &str) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| {
        material_error(
            origin,
            format!(
                "cannot read a private key from {} ({e}); it must be an unencrypted PEM key",
                path.display()
            ),
        )
    })
}

/// Accepts any server certificate (`DOCKER_TLS` without `DOCKER_TLS_VERIFY`, or a context's
/// `SkipTLSVerify`) but still checks handshake signatures, as Go's `InsecureSkipVerify` does.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The rustls error somewhere in the cause chain of a transport failure, if any.
pub(crate) fn rustls_cause(err: &(dyn std::error::Error + 'static)) -> Option<rustls::Error> {
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        return Some(tls.clone());
    }
    // `source()` skips an io::Error's payload (which may itself be an io::Error wrapping the
    // rustls error, as hyper-rustls does); look inside.
    if let Some(payload) = err
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        let inner: &(dyn std::error::Error + 'static) = payload;
        if let Some(found) = rustls_cause(inner) {
            return Some(found);
        }
    }
    err.source().and_then(rustls_cause)
}

/// What to do about a TLS failure, as the end of a sentence.
pub(crate) fn advice(error: &rustls::Error, settings: &TlsSettings) -> String {
    use rustls::{AlertDescription as A, CertificateError as C, Error as E};
    let ca = match &settings.ca {
        Some(ca) => format!("the CA in {}", ca.display()),
        None => "a CA the system trusts".to_string(),
    };
    match error {
        E::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => format!(
            "the engine's certificate is not signed by {ca}; point DOCKER_CERT_PATH (or the context's TLS material) at the engine's CA"
        ),
        E::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "the engine's certificate does not name this host; connect with a name or address the certificate lists".to_string()
        }
        E::InvalidCertificate(C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. }) => {
            "the engine's certificate is outside its validity period; renew it".to_string()
        }
        E::AlertReceived(A::BadCertificate | A::CertificateRequired | A::HandshakeFailure | A::UnknownCA)
            if settings.client.is_none() =>
        {
            "the engine requires a client certificate; put cert.pem and key.pem beside ca.pem".to_string()
        }
        E::AlertReceived(A::BadCertificate | A::CertificateRequired | A::HandshakeFailure | A::UnknownCA) => {
            "the engine rejected the client certificate; use one signed by the CA the engine trusts".to_string()
        }
        E::InvalidMessage(_) => {
            "the endpoint does not seem to speak TLS; unset DOCKER_TLS_VERIFY/DOCKER_TLS if it is a plain TCP endpoint".to_string()
        }
        _ => "check the TLS material and the engine's TLS settings".to_string(),
    }
}
