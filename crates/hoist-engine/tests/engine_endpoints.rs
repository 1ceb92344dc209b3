//! Endpoint selection end to end: DOCKER_HOST pointing at a missing socket (or a closed TCP
//! port) gives one clear error naming where Hoist looked, and a Docker context selected with
//! DOCKER_CONTEXT is honoured. Kept in its own test binary, as one sequential test, because it
//! changes the process environment.

mod common;

use hoist_engine::{Endpoint, EndpointSource, Engine, ErrorKind};

#[tokio::test]
async fn endpoint_selection_and_no_engine_message() {
    // Start from a clean slate (the outer environment may set these).
    for var in hoist_engine::endpoint::ENGINE_ENV_VARS {
        std::env::remove_var(var);
    }

    // 1. DOCKER_HOST at a missing socket.
    let socket = format!(
        "unix:///tmp/hoist-no-such-engine-{}.sock",
        std::process::id()
    );
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

    // 2. The default endpoint's advice says what to start.
    let default_missing = Endpoint::plain(socket.clone(), EndpointSource::Default);
    let err = Engine::connect_to(default_missing)
        .await
        .expect_err("missing");
    assert!(err.to_string().contains("start the Docker daemon"), "{err}");

    // 3. A closed TCP port is unreachable too, not some transport error.
    let closed = Endpoint::plain("tcp://127.0.0.1:1", EndpointSource::DockerHostEnv);
    let err = Engine::connect_to(closed).await.expect_err("closed port");
    assert_eq!(err.kind, ErrorKind::Unreachable, "{err}");
    assert!(err.to_string().contains("tcp://127.0.0.1:1"), "{err}");

    // 4. A Docker context (DOCKER_CONFIG + DOCKER_CONTEXT) pointing at the real engine works.
    let config = std::env::temp_dir().join(common::unique_project("ctx"));
    let meta = config
        .join("contexts")
        .join("meta")
        .join(hoist_engine::endpoint::context_dir_name("hoist-local"));
    std::fs::create_dir_all(&meta).expect("meta dir");
    std::fs::write(
        meta.join("meta.json"),
        r#"{"Name":"hoist-local","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///var/run/docker.sock","SkipTLSVerify":false}}}"#,
    )
    .expect("meta.json");
    std::fs::write(
        config.join("config.json"),
        r#"{"currentContext":"missing-ctx"}"#,
    )
    .expect("config.json");
    std::env::set_var("DOCKER_CONFIG", &config);
    std::env::set_var("DOCKER_CONTEXT", "hoist-local");
    let via_context = Engine::connect().await;
    // currentContext from config.json when DOCKER_CONTEXT is unset: it does not exist.
    std::env::remove_var("DOCKER_CONTEXT");
    let via_current = Engine::connect().await;
    std::env::remove_var("DOCKER_CONFIG");
    let _ = std::fs::remove_dir_all(&config);

    let engine = via_context.expect("engine through the hoist-local context");
    assert_eq!(
        engine.endpoint().source,
        EndpointSource::Context("hoist-local".into())
    );
    assert_eq!(engine.endpoint().host, "unix:///var/run/docker.sock");
    let err = via_current.expect_err("currentContext names a missing context");
    assert_eq!(err.kind, ErrorKind::Config);
    assert!(err.to_string().contains("missing-ctx"), "{err}");
}
