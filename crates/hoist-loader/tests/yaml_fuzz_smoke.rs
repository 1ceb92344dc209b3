//! A stable-toolchain stand-in for the `fuzz/` target: mutates a few seed compose files many
//! times (deterministically) and checks that `yaml::parse` never panics and that every span it
//! hands out, in trees and in errors, points inside the input on a character boundary.

use hoist_loader::{yaml, FileId, Node, Span, Value};

mod rng_support;
use rng_support::Rng;

const SEEDS: &[&str] = &[
    "services:\n  web:\n    image: nginx\n    ports: [\"80:80\", 443]\n    environment:\n      A: 1\n      B: ~\n",
    "x-base: &base\n  restart: always\n  labels: {a: b}\nservices:\n  a:\n    <<: *base\n    command: !override [sh, -c, 'echo hi']\n  b:\n    <<: [*base, {user: root}]\n    ports: !reset []\n",
    "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\nc: \"esc\\t\\u00e9\"\nd: 'it''s'\n",
    "é: [日本, \"😀\"]\r\nk: 0755\r\nf: .5\r\nt: 2001-12-14\r\n---\n- x\n- {y: z}\n...\n",
    "\u{feff}? complex\n: value\n!!str 1: one\nlist:\n- a\n- - b\n  - c\n",
];

const INSERTS: &[&str] = &[
    ":", ": ", "-", "- ", "&a ", "*a", "!", "!reset ", "!!int ", "<<: ", "|", ">", "'", "\"", "[",
    "]", "{", "}", "#", "\n", "  ", "\t", "\r", "\r\n", "é", "😀", "\u{feff}", "?", ",", "%", "@",
    "`", "0", "~", "---\n", "...\n", "\\", "\u{0}", "\u{85}", "\u{2028}",
];

/// A random character boundary of `text`.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    bounds[rng.below(bounds.len())]
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut out = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let a = boundary(rng, &out);
        let b = boundary(rng, &out);
        let (lo, hi) = (a.min(b), a.max(b));
        // At most `n` characters from `lo`, ending on a character boundary.
        let upto = |out: &str, n: usize| {
            out[lo..hi]
                .char_indices()
                .nth(n)
                .map_or(hi, |(i, _)| lo + i)
        };
        match rng.below(4) {
            0 => out.insert_str(a, INSERTS[rng.below(INSERTS.len())]),
            1 => {
                let end = upto(&out, 8);
                out.replace_range(lo..end, "");
            }
            2 => {
                let piece = out[lo..hi].to_string();
                let at = boundary(rng, &out);
                out.insert_str(at, &piece);
            }
            _ => {
                let end = upto(&out, 3);
                out.replace_range(lo..end, INSERTS[rng.below(INSERTS.len())]);
            }
        }
    }
    out
}

fn check_span(text: &str, span: Span) {
    assert_eq!(span.file, FileId(3), "{text:?}");
    assert!(span.line >= 1 && span.col >= 1, "{span:?} in {text:?}");
    assert!(
        span.offset <= text.len(),
        "{span:?} beyond the end of {text:?}"
    );
    assert!(
        text.is_char_boundary(span.offset),
        "{span:?} not on a char boundary of {text:?}"
    );
}

fn check_node(text: &str, node: &Node) {
    check_span(text, node.span);
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check_node(text, n)),
        Value::Map(map) => {
            for entry in &map.entries {
                check_span(text, entry.key_span);
                check_node(text, &entry.value);
            }
        }
        _ => {}
    }
}

fn check(text: &str) {
    match yaml::parse(text, FileId(3)) {
        Ok(docs) => docs.iter().for_each(|d| check_node(text, d)),
        Err(e) => {
            if let Some(span) = e.span {
                check_span(text, span);
            }
        }
    }
}

#[test]
fn seeds_parse() {
    for seed in SEEDS {
        assert!(yaml::parse(seed, FileId(3)).is_ok(), "{seed:?}");
        check(seed);
    }
}

#[test]
fn mutated_inputs_never_panic_and_spans_stay_in_bounds() {
    // `HOIST_FUZZ_ROUNDS` and `HOIST_FUZZ_SEED` widen the search when run by hand.
    let rounds = std::env::var("HOIST_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let seed = std::env::var("HOIST_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed);
    for round in 0..rounds {
        let seed = SEEDS[round % SEEDS.len()];
        let mut text = mutate(&mut rng, seed);
        if rng.below(3) == 0 {
            text = mutate(&mut rng, &text);
        }
        check(&text);
    }
}
