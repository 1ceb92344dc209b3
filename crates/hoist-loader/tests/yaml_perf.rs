//! Timing sanity check for `yaml::parse` on a generated 1000-service file (about 20k lines).
//! Ignored by default; run it in release mode and read the printed time:
//! `cargo test --release -p hoist-loader --test yaml_perf -- --ignored --nocapture`.

use hoist_loader::{yaml, FileId};

/// A compose file with `services` services of about 20 lines each, using an anchor and `<<`.
fn generated_file(services: usize) -> String {
    let mut text = String::from(
        "x-defaults: &defaults\n  restart: unless-stopped\n  logging:\n    driver: json-file\n    options: {max-size: 10m}\nservices:\n",
    );
    for i in 0..services {
        text.push_str(&format!(
            "  svc{i}:\n    <<: *defaults\n    image: \"registry.example.com/team/app{i}:1.{i}\"\n    command: [\"run\", \"--port\", \"{port}\"]\n    environment:\n      MODE: production\n      INDEX: {i}\n      DEBUG: \"false\"\n    ports:\n      - \"{port}:80\"\n      - target: 443\n        published: {tls}\n    volumes:\n      - ./data/{i}:/data:ro\n    labels:\n      com.example.service: svc{i}\n      com.example.tier: backend\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\n      interval: 30s\n    depends_on: [svc0]\n",
            port = 10000 + i,
            tls = 20000 + i,
        ));
    }
    text
}

#[test]
#[ignore]
fn thousand_services() {
    let text = generated_file(1000);
    let lines = text.lines().count();
    // Warm up once, then time the best of several runs.
    let docs = yaml::parse(&text, FileId(0)).expect("parses");
    assert_eq!(docs.len(), 1);
    let mut best = std::time::Duration::MAX;
    for _ in 0..10 {
        let started = std::time::Instant::now();
        let docs = yaml::parse(&text, FileId(0)).expect("parses");
        best = best.min(started.elapsed());
        std::hint::black_box(docs);
    }
    // The parser's events alone, for comparison: the tree building is the difference.
    let mut events_only = std::time::Duration::MAX;
    for _ in 0..10 {
        let started = std::time::Instant::now();
        let mut parser = saphyr_parser::Parser::new_from_str(&text);
        while let Some(event) = parser.next_event() {
            std::hint::black_box(event.expect("valid YAML"));
        }
        events_only = events_only.min(started.elapsed());
    }
    println!(
        "yaml::parse: {lines} lines, {} bytes: best of 10 = {best:?} (saphyr events alone: {events_only:?})",
        text.len()
    );
}
