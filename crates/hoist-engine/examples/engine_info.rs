//! Prints where Hoist finds the engine and the negotiated API version, or the connect error.
//! `cargo run -p hoist-engine --example engine_info`

#[tokio::main]
async fn main() {
    match hoist_engine::Engine::connect().await {
        Ok(engine) => println!(
            "engine {} at {} ({}), API {}",
            engine.server_version(),
            engine.endpoint().host,
            engine.endpoint().origin(),
            engine.api_version()
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
