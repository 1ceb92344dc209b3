//! "No engine" behaviour: pointing DOCKER_HOST at a missing socket (or a closed TCP port) must
//! give one clear error naming where Hoist looked. Kept in its own test binary because it
//! changes the process environment.

use hoist_engine::{Endpoint, EndpointSource, Engine, ErrorKind};

#[tokio::test]
async fn missing_socket_from_docker_host_is_a_clear_unreachable_error() {
    let socket = format!(
        "unix:///tmp/hoist-no-such-engine-{}.sock",
        std::process::id()
    );
    // This binary's only test touching the environment.
    std::env::set_var("DOCKER_HOST", &socket);
    let err = Engine::connect().await.expect_err("nothing listens there");
    std::env::remove_var("DOCKER_HOST");
    assert_eq!(err.kind, ErrorKind::Unreachable, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&socket), "message names the socket: {msg}");
    assert!(
        msg.contains("DOCKER_HOST"),
        "message says where it came from: {msg}"
    );
    assert!(
        msg.starts_with("Cannot connect to the Docker Engine at"),
        "{msg}"
    );
    assert_eq!(msg.lines().count(), 1, "one line: {msg}");

    // The default endpoint's advice says what to start.
    let default_missing = Endpoint {
        host: socket.clone(),
        source: EndpointSource::Default,
        tls: false,
    };
    let err = Engine::connect_to(default_missing)
        .await
        .expect_err("missing");
    assert!(err.to_string().contains("start the Docker daemon"), "{err}");

    // A closed TCP port is unreachable too, not some transport error.
    let closed = Endpoint {
        host: "tcp://127.0.0.1:1".into(),
        source: EndpointSource::DockerHostEnv,
        tls: false,
    };
    let err = Engine::connect_to(closed).await.expect_err("closed port");
    assert_eq!(err.kind, ErrorKind::Unreachable, "{err}");
    assert!(err.to_string().contains("tcp://127.0.0.1:1"), "{err}");
}
