//! Robustness: binding and printing never panic, whatever the tree holds.
//!
//! Takes every golden fixture's JSON, replaces random values with values of random other
//! kinds, and checks that `Project::from_node` returns (a value or an error) and that printing
//! and hashing a bound project return.

use hoist_loader::model::Project;
use hoist_loader::{Node, Span};
use std::path::Path;

/// A small deterministic generator (no extra dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn random_value(rng: &mut Lcg) -> serde_json::Value {
    match rng.below(9) {
        0 => serde_json::Value::Null,
        1 => serde_json::json!(true),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(1.5),
        4 => serde_json::json!("x-y: 1\n"),
        5 => serde_json::json!([]),
        6 => serde_json::json!({}),
        7 => serde_json::json!(["a", 1, null]),
        _ => serde_json::json!({"x-k": 1, "unknown": "v"}),
    }
}

fn mutate(value: &mut serde_json::Value, rng: &mut Lcg) {
    if rng.below(12) == 0 {
        *value = random_value(rng);
        return;
    }
    match value {
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| mutate(v, rng)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| mutate(v, rng)),
        _ => {}
    }
}

#[test]
fn random_mutations_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model");
    let mut rng = Lcg(42);
    let mut bound = 0;
    for entry in std::fs::read_dir(root).expect("fixtures").flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path().join("expected.json")) else {
            continue;
        };
        let Ok(original) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for _ in 0..40 {
            let mut value = original.clone();
            mutate(&mut value, &mut rng);
            let node = Node::from_json(&value, Span::SYNTHETIC);
            if let Ok(project) = Project::from_node(&node) {
                bound += 1;
                let _ = project.to_json();
                let _ = project.to_yaml();
                let _ = project.service_hashes();
                let _ = project.image_names();
                let _ = project.service_names_dependency_order();
            }
        }
    }
    assert!(bound > 0, "some mutated projects should still bind");
}
