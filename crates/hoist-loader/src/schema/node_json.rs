//! The loader's [`Node`] tree as an instance representation of the `jsonschema` crate, so
//! that a model is validated where it is instead of being copied into a `serde_json::Value`
//! first. Values mean what [`Node::to_json`] makes of them: tags and spans are ignored, and a
//! float that is not finite is `null`.

use crate::node::{Mapping, Node, Value};
use crate::source::Span;
use jsonschema::json::{Array, Json, JsonNumber, NodeIdentity, Object};
use jsonschema::JsonType;
use std::borrow::Cow;

/// Marker type selecting [`Node`] trees as validated instances.
pub(crate) struct NodeJson;

impl Json for NodeJson {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = Option<Node>;

    // Mapping lookups scan the entries: for small objects a pass over the members is cheaper.
    const KEYS_PER_LOOKUP: usize = 4;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Option<Node>,
        string: &str,
        f: impl FnOnce(&Node) -> T,
    ) -> T {
        f(buffer.insert(Node::string(string, Span::SYNTHETIC)))
    }
}

/// A number of the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NodeNumber {
    Int(i64),
    Float(f64),
}

impl JsonNumber for NodeNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            NodeNumber::Int(i) => u64::try_from(i).ok(),
            NodeNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            NodeNumber::Int(i) => Some(i),
            NodeNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match *self {
            NodeNumber::Int(i) => Some(i as f64),
            NodeNumber::Float(f) => Some(f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            NodeNumber::Int(i) => serde_json::Number::from(i),
            // Only finite floats are numbers (see `as_number`).
            NodeNumber::Float(f) => {
                serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
            }
        })
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, NodeNumber::Int(_))
    }
}

/// True for the values `to_json` turns into `null`.
fn is_null_value(node: &Node) -> bool {
    match node.value {
        Value::Null => true,
        Value::Float(f) => !f.is_finite(),
        _ => false,
    }
}

impl<'a> jsonschema::json::Node<'a, NodeJson> for &'a Node {
    type Object = &'a Mapping;
    type Array = &'a [Node];
    type Number = NodeNumber;

    fn as_object(&self) -> Option<&'a Mapping> {
        self.as_map()
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        self.as_seq()
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            Value::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<NodeNumber> {
        match self.value {
            Value::Int(i) => Some(NodeNumber::Int(i)),
            Value::Float(f) if f.is_finite() => Some(NodeNumber::Float(f)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        is_null_value(self)
    }

    fn json_type(&self) -> JsonType {
        if is_null_value(self) {
            return JsonType::Null;
        }
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) | Value::Float(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

impl<'a> Object<'a, NodeJson> for &'a Mapping {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn get(&self, key: &String) -> Option<&'a Node> {
        Mapping::get(self, key)
    }

    fn members(&self) -> Members<'a> {
        Members(self.entries.iter())
    }
}

/// The `(key, value)` pairs of a mapping, in order.
pub(crate) struct Members<'a>(std::slice::Iter<'a, crate::node::Entry>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (e.key.as_str(), &e.value))
    }
}

impl<'a> Array<'a, NodeJson> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The tree and its JSON copy are judged alike, valid or not.
    #[test]
    fn validates_like_the_json_copy() {
        let schema = json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2},
                "count": {"type": "integer", "minimum": 1},
                "ratio": {"type": "number"},
                "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                "nothing": {"type": "null"},
                "mode": {"enum": ["a", 1]}
            },
            "additionalProperties": false,
            "required": ["name"]
        });
        let native = jsonschema::options_for::<NodeJson>()
            .build(&schema)
            .expect("compiles");
        let copy = jsonschema::options().build(&schema).expect("compiles");
        for doc in [
            json!({"name": "web"}),
            json!({"name": "web", "count": 3, "ratio": 1.5, "tags": ["a", "b"], "mode": 1}),
            json!({"name": "w"}),
            json!({"count": 3}),
            json!({"name": "web", "count": 0}),
            json!({"name": "web", "count": 1.5}),
            json!({"name": "web", "count": 2.0}),
            json!({"name": "web", "tags": ["a", "a"]}),
            json!({"name": "web", "tags": [1]}),
            json!({"name": "web", "nothing": null}),
            json!({"name": "web", "mode": "b"}),
            json!({"name": "web", "other": true}),
            json!([1, 2]),
        ] {
            let node = Node::from_json(&doc, Span::SYNTHETIC);
            assert_eq!(native.is_valid(&node), copy.is_valid(&doc), "{doc}");
        }
        let nan = Node::new(Value::Float(f64::NAN), Span::SYNTHETIC);
        let null_schema = json!({"type": "null"});
        let native = jsonschema::options_for::<NodeJson>()
            .build(&null_schema)
            .expect("compiles");
        assert!(native.is_valid(&nan));
    }
}
