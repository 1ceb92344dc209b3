//! Helpers shared by the merge tests: trees from JSON with `!reset` / `!override` written as
//! one-key objects `{"!reset": value}` / `{"!override": value}`.

#![allow(dead_code)]

use hoist_loader::{Node, Span, Tag, Value};
use serde_json::Value as J;

/// A tree from JSON, turning `{"!reset": v}` / `{"!override": v}` into tagged nodes.
pub fn tree(v: &J) -> Node {
    if let J::Object(o) = v {
        if o.len() == 1 {
            for (key, tag) in [("!reset", Tag::Reset), ("!override", Tag::Override)] {
                if let Some(inner) = o.get(key) {
                    let mut n = tree(inner);
                    n.tag = Some(tag);
                    return n;
                }
            }
        }
        let mut node = Node::from_json(&J::Object(Default::default()), Span::SYNTHETIC);
        if let Value::Map(m) = &mut node.value {
            for (k, x) in o {
                m.insert(k.clone(), Span::SYNTHETIC, tree(x));
            }
        }
        return node;
    }
    if let J::Array(a) = v {
        return Node::new(Value::Seq(a.iter().map(tree).collect()), Span::SYNTHETIC);
    }
    Node::from_json(v, Span::SYNTHETIC)
}
