//! Fuzz target for stage 3 of the loader, `hoist_loader::yaml::parse`: any UTF-8 input must
//! give documents or an error, never a panic, a hang or unbounded memory, and every position
//! handed out must point inside the input, on a character boundary.

#![no_main]

use hoist_loader::{yaml, FileId, Node, Span, Value};
use libfuzzer_sys::fuzz_target;

/// Checks that a span is real and lies inside `text` on a character boundary.
fn check_span(text: &str, span: Span) {
    assert_eq!(span.file, FileId(3));
    assert!(span.line >= 1 && span.col >= 1, "{span:?}");
    assert!(span.offset <= text.len(), "{span:?} beyond {}", text.len());
    assert!(
        text.is_char_boundary(span.offset),
        "{span:?} not on a char boundary"
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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match yaml::parse(text, FileId(3)) {
        Ok(docs) => docs.iter().for_each(|d| check_node(text, d)),
        Err(e) => {
            if let Some(span) = e.span {
                check_span(text, span);
            }
        }
    }
});
