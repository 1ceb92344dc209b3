//! Timing of schema validation on a large model (1000 services). Prints the time; the assertion
//! is generous so that debug builds on a shared machine pass. Release target: well under 20 ms.

mod schema_support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

fn big_model(services: usize, extra: &str) -> String {
    let mut y = String::from("name: big\nservices:\n");
    for i in 0..services {
        let _ = write!(
            y,
            "  svc{i}:\n    image: registry.example/app:{i}\n    ports:\n      - \"{p}:80\"\n      - target: 443\n        published: \"{q}\"\n    environment:\n      A: \"1\"\n      B: two\n    labels: [com.example.n={i}]\n    volumes:\n      - ./data{i}:/data\n      - type: volume\n        source: v\n        target: /v\n    depends_on:\n      db:\n        condition: service_healthy\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 10s\n    deploy:\n      resources:\n        limits:\n          cpus: \"0.5\"\n          memory: 64m\n    x-meta: {{k: v}}\n",
            p = 10000 + i,
            q = 20000 + i
        );
    }
    y.push_str("  db:\n    image: postgres\n");
    y.push_str(extra);
    y.push_str("volumes:\n  v: {}\n");
    y
}

/// CPU time of the current thread (Linux `schedstat`), so that a loaded machine does not
/// distort the measure; `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Average wall and CPU time of `f` over `runs` runs.
fn measure(runs: u32, mut f: impl FnMut()) -> (Duration, Option<Duration>) {
    let cpu_start = thread_cpu();
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    let wall = start.elapsed() / runs;
    let cpu = match (cpu_start, thread_cpu()) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a) / runs),
        _ => None,
    };
    (wall, cpu)
}

#[test]
fn thousand_services_validate_quickly() {
    let root = schema_support::parse(&big_model(1000, ""));
    // Warm up: compiles the schema.
    assert!(hoist_loader::schema::validate(&root).is_ok());
    let (valid_wall, valid_cpu) = measure(10, || {
        assert!(hoist_loader::schema::validate(&root).is_ok());
    });

    let broken = schema_support::parse(&big_model(1000, "  bad:\n    imagee: x\n    ports: 80\n"));
    let errors = hoist_loader::schema::validate_all(&broken);
    assert_eq!(errors.len(), 2, "{errors:?}");
    let (invalid_wall, invalid_cpu) = measure(10, || {
        assert_eq!(hoist_loader::schema::validate_all(&broken).len(), 2);
    });
    println!(
        "1000 services: valid model {valid_wall:?} wall / {valid_cpu:?} cpu, \
         invalid model {invalid_wall:?} wall / {invalid_cpu:?} cpu"
    );
    assert!(valid_wall.as_millis() < 2000);
}
