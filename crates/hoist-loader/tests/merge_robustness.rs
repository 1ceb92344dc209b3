//! Robustness: merging, de-duplicating and resolving `extends` on many random models made
//! of compose keys must never panic (errors are fine).

use hoist_loader::merge::{apply_extends, enforce_unicity, merge, ExtendsLoader};
use hoist_loader::{LoadError, Mapping, Node, Result, Span, Tag, Value};
use std::path::Path;

/// A small deterministic pseudo-random generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const KEYS: &[&str] = &[
    "services",
    "web",
    "db",
    "networks",
    "volumes",
    "ipam",
    "config",
    "subnet",
    "labels",
    "environment",
    "ports",
    "target",
    "published",
    "host_ip",
    "protocol",
    "build",
    "context",
    "args",
    "logging",
    "driver",
    "options",
    "ulimits",
    "nofile",
    "depends_on",
    "command",
    "secrets",
    "configs",
    "source",
    "env_file",
    "path",
    "expose",
    "devices",
    "extends",
    "service",
    "file",
    "healthcheck",
    "test",
    "extra_hosts",
    "models",
    "tmpfs",
    "dns",
    "aliases",
    "x-a",
    "0",
    "*",
];
const STRINGS: &[&str] = &[
    "", "a", "A=1", "8080:80", "./a:/b", "web", "db", "a:b:c:d", "${X", "/x", "k=v=w", "::",
];

fn random_node(rng: &mut Rng, depth: usize) -> Node {
    let span = Span::SYNTHETIC;
    let pick = if depth == 0 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    let mut node = match pick {
        0 => Node::new(Value::Null, span),
        1 => Node::new(Value::Bool(rng.below(2) == 0), span),
        2 => Node::new(Value::Int(rng.below(70000) as i64 - 10), span),
        3 => Node::new(Value::Float(rng.below(100) as f64 / 7.0), span),
        4 => Node::string(STRINGS[rng.below(STRINGS.len())], span),
        5 => Node::new(
            Value::Seq(
                (0..rng.below(4))
                    .map(|_| random_node(rng, depth - 1))
                    .collect(),
            ),
            span,
        ),
        _ => {
            let mut m = Mapping::new();
            for _ in 0..rng.below(5) {
                let key = KEYS[rng.below(KEYS.len())];
                m.insert(key, span, random_node(rng, depth - 1));
            }
            Node::new(Value::Map(m), span)
        }
    };
    match rng.below(12) {
        0 => node.tag = Some(Tag::Reset),
        1 => node.tag = Some(Tag::Override),
        _ => {}
    }
    node
}

/// A random model shaped like a compose file, so that the special paths are reached.
fn random_model(rng: &mut Rng) -> Node {
    let mut services = Mapping::new();
    for name in ["web", "db"] {
        if rng.below(3) > 0 {
            let mut svc = Mapping::new();
            for _ in 0..rng.below(6) {
                let key = KEYS[rng.below(KEYS.len())];
                svc.insert(key, Span::SYNTHETIC, random_node(rng, 3));
            }
            if rng.below(3) == 0 {
                let target = if rng.below(2) == 0 { "db" } else { "web" };
                svc.insert(
                    "extends",
                    Span::SYNTHETIC,
                    Node::string(target, Span::SYNTHETIC),
                );
            }
            services.insert(
                name,
                Span::SYNTHETIC,
                Node::new(Value::Map(svc), Span::SYNTHETIC),
            );
        }
    }
    let mut root = Mapping::new();
    root.insert(
        "services",
        Span::SYNTHETIC,
        Node::new(Value::Map(services), Span::SYNTHETIC),
    );
    if rng.below(2) == 0 {
        root.insert("networks", Span::SYNTHETIC, random_node(rng, 4));
    }
    Node::new(Value::Map(root), Span::SYNTHETIC)
}

struct RandomFiles(Rng);

impl ExtendsLoader for RandomFiles {
    fn load(&mut self, _path: &Path) -> Result<Node> {
        if self.0.below(4) == 0 {
            return Err(LoadError::new("no such file"));
        }
        Ok(random_model(&mut self.0))
    }
}

#[test]
fn random_models_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut files = RandomFiles(Rng(42));
    for _ in 0..3000 {
        let base = if rng.below(4) == 0 {
            random_node(&mut rng, 5)
        } else {
            random_model(&mut rng)
        };
        let mut over = if rng.below(4) == 0 {
            random_node(&mut rng, 5)
        } else {
            random_model(&mut rng)
        };
        let _ = apply_extends(
            &mut over,
            Path::new("/w/compose.yaml"),
            Path::new("/w"),
            &mut files,
        );
        if let Ok(mut merged) = merge(base, over) {
            let _ = enforce_unicity(&mut merged);
        }
    }
}
