//! Binding a canonical [`Node`] tree to the typed model with serde, keeping positions.
//!
//! [`from_node`] drives any `Deserialize` type over the tree. Errors remember the dotted key
//! path and the span of the value that could not be bound; unknown keys are reported with a
//! "did you mean" hint; `x-*` keys of a struct are gathered into its `#extensions` field.

use crate::error::{did_you_mean, LoadError};
use crate::node::{Entry, Mapping, Node, Value};
use crate::source::Span;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A binding error with the place it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct BindError {
    /// What went wrong.
    pub message: String,
    /// Dotted key path of the offending value, once known.
    pub path: Option<String>,
    /// Span of the offending value or key, once known.
    pub span: Option<Span>,
    /// A suggestion, if any.
    pub hint: Option<String>,
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BindError {}

impl de::Error for BindError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        BindError {
            message: msg.to_string(),
            path: None,
            span: None,
            hint: None,
        }
    }
}

impl BindError {
    fn locate(mut self, path: &KeyPath<'_>, span: Span) -> Self {
        if self.path.is_none() {
            self.path = Some(path.render());
            self.span = Some(span);
        }
        self
    }

    /// Converts to the loader's error type.
    pub fn into_load_error(self) -> LoadError {
        let mut err = LoadError::new(self.message);
        if let Some(span) = self.span {
            err = err.with_span(span);
        }
        if let Some(path) = self.path.filter(|p| !p.is_empty()) {
            err = err.with_path(path);
        }
        if let Some(hint) = self.hint {
            err = err.with_hint(hint);
        }
        err
    }
}

/// Binds `node` (whose key path is `path`) to `T`.
pub fn from_node<'de, T: de::Deserialize<'de>>(
    node: &'de Node,
    path: &str,
) -> Result<T, LoadError> {
    let path = KeyPath::Base(path);
    T::deserialize(NodeDeserializer { node, path })
        .map_err(|e| e.locate(&path, node.span).into_load_error())
}

/// The key path of the node being bound, as a chain of borrowed steps: it is only rendered
/// (`services.web.ports[0]`) when an error needs it.
#[derive(Debug, Clone, Copy)]
enum KeyPath<'p> {
    /// The path `from_node` was given.
    Base(&'p str),
    /// A mapping key below a parent.
    Key(&'p KeyPath<'p>, &'p str),
    /// A sequence index below a parent.
    Index(&'p KeyPath<'p>, usize),
}

impl KeyPath<'_> {
    fn render(&self) -> String {
        match self {
            KeyPath::Base(base) => base.to_string(),
            KeyPath::Key(parent, key) => {
                let parent = parent.render();
                if parent.is_empty() {
                    key.to_string()
                } else {
                    format!("{parent}.{key}")
                }
            }
            KeyPath::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// A serde deserializer over one node.
struct NodeDeserializer<'a, 'p> {
    node: &'a Node,
    path: KeyPath<'p>,
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'de, '_> {
    type Error = BindError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BindError> {
        match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Seq(items) => visitor.visit_seq(NodeSeq {
                items,
                index: 0,
                path: self.path,
            }),
            Value::Map(map) => visitor.visit_map(NodeMap::plain(map, self.path)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BindError> {
        if self.node.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, BindError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, BindError> {
        static EMPTY: Mapping = Mapping {
            entries: Vec::new(),
        };
        match &self.node.value {
            Value::Map(map) => visitor.visit_map(NodeMap::for_struct(map, self.path, fields)?),
            Value::Null => visitor.visit_map(NodeMap::for_struct(&EMPTY, self.path, fields)?),
            _ => Err(de::Error::custom(format!(
                "expected a mapping ({}), found {}",
                struct_label(name),
                self.node.kind_name()
            ))),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, BindError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map enum identifier
    }
}

/// What a struct is, in words, for messages (`ServiceConfig` → `a service definition`).
fn struct_label(name: &str) -> String {
    let words = match name {
        "Project" => "a compose project",
        "ServiceConfig" => "a service definition",
        "NetworkConfig" => "a network definition",
        "VolumeConfig" => "a volume definition",
        "FileObjectConfig" => "a secret or config definition",
        "BuildConfig" => "build settings",
        "DeployConfig" => "deploy settings",
        "HealthCheckConfig" => "healthcheck settings",
        "ServicePortConfig" => "a port definition",
        "ServiceVolumeConfig" => "a volume mount",
        _ => return format!("`{name}`"),
    };
    words.to_string()
}

struct NodeSeq<'a, 'p> {
    items: &'a [Node],
    index: usize,
    path: KeyPath<'p>,
}

impl<'de> SeqAccess<'de> for NodeSeq<'de, '_> {
    type Error = BindError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, BindError> {
        let Some(node) = self.items.get(self.index) else {
            return Ok(None);
        };
        let path = KeyPath::Index(&self.path, self.index);
        self.index += 1;
        seed.deserialize(NodeDeserializer { node, path })
            .map(Some)
            .map_err(|e| e.locate(&path, node.span))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len().saturating_sub(self.index))
    }
}

/// Map access; for structs, `x-*` keys are held back and handed over as one `#extensions` map.
struct NodeMap<'a, 'p> {
    entries: &'a [Entry],
    /// True when binding a struct: its `x-*` keys are skipped (gathered in `extensions`).
    is_struct: bool,
    index: usize,
    path: KeyPath<'p>,
    extensions: Option<Node>,
    pending: Option<PendingValue<'a>>,
}

enum PendingValue<'a> {
    Entry(&'a Entry),
    Extensions,
}

impl<'a, 'p> NodeMap<'a, 'p> {
    fn plain(map: &'a Mapping, path: KeyPath<'p>) -> Self {
        NodeMap {
            entries: &map.entries,
            is_struct: false,
            index: 0,
            path,
            extensions: None,
            pending: None,
        }
    }

    fn for_struct(
        map: &'a Mapping,
        path: KeyPath<'p>,
        fields: &'static [&'static str],
    ) -> Result<Self, BindError> {
        let wants_extensions = fields.contains(&"#extensions");
        let mut extensions = Mapping::new();
        let mut extensions_span = None;
        for entry in &map.entries {
            let known = fields.contains(&entry.key.as_str());
            if known && entry.key != "#extensions" {
                // Handed over by `next_key_seed`.
            } else if entry.key.starts_with("x-") && wants_extensions {
                extensions_span.get_or_insert(entry.key_span);
                extensions.entries.push(entry.clone());
            } else if entry.key.starts_with("x-") {
                // Extensions where the model has no room for them are dropped, like compose-go.
            } else {
                let candidates = fields.iter().copied().filter(|f| !f.starts_with('#'));
                let mut err = BindError {
                    message: format!("unknown attribute `{}`", entry.key),
                    path: Some(KeyPath::Key(&path, &entry.key).render()),
                    span: Some(entry.key_span),
                    hint: None,
                };
                if let Some(best) = did_you_mean(&entry.key, candidates) {
                    err.hint = Some(format!("did you mean `{best}`?"));
                }
                return Err(err);
            }
        }
        let extensions = (!extensions.is_empty()).then(|| {
            Node::new(
                Value::Map(extensions),
                extensions_span.unwrap_or(Span::SYNTHETIC),
            )
        });
        Ok(NodeMap {
            entries: &map.entries,
            is_struct: true,
            index: 0,
            path,
            extensions,
            pending: None,
        })
    }

    /// The next entry to hand over: for a struct, only its own fields (`for_struct` has
    /// checked that every other key is an `x-*` extension, and no field is named `x-…`).
    fn next_entry(&mut self) -> Option<&'a Entry> {
        while let Some(entry) = self.entries.get(self.index) {
            self.index += 1;
            let extension = self.is_struct && entry.key.starts_with("x-");
            if !extension {
                return Some(entry);
            }
        }
        None
    }
}

impl<'de> MapAccess<'de> for NodeMap<'de, '_> {
    type Error = BindError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, BindError> {
        if let Some(entry) = self.next_entry() {
            self.pending = Some(PendingValue::Entry(entry));
            let key: de::value::StrDeserializer<'_, BindError> =
                entry.key.as_str().into_deserializer();
            return seed
                .deserialize(key)
                .map(Some)
                .map_err(|e| e.locate(&KeyPath::Key(&self.path, &entry.key), entry.key_span));
        }
        if self.extensions.is_some() {
            // The gathered `x-*` keys come last, as one `#extensions` entry.
            self.pending = Some(PendingValue::Extensions);
            let key: de::value::StrDeserializer<'_, BindError> = "#extensions".into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, BindError> {
        match self.pending.take() {
            Some(PendingValue::Entry(entry)) => {
                let path = KeyPath::Key(&self.path, &entry.key);
                let node = &entry.value;
                seed.deserialize(NodeDeserializer { node, path })
                    .map_err(|e| e.locate(&path, node.span))
            }
            Some(PendingValue::Extensions) => {
                let node = self
                    .extensions
                    .take()
                    .unwrap_or_else(|| Node::map(Span::SYNTHETIC));
                seed_owned(seed, node, &self.path.render())
            }
            None => Err(de::Error::custom("value requested before key")),
        }
    }
}

/// Deserialises an owned node (the gathered extensions); its values are plain JSON-like data.
fn seed_owned<'de, V: DeserializeSeed<'de>>(
    seed: V,
    node: Node,
    path: &str,
) -> Result<V::Value, BindError> {
    let json = node.to_json();
    seed.deserialize(json.into_deserializer())
        .map_err(|e: serde_json::Error| BindError {
            message: e.to_string(),
            path: Some(path.to_string()),
            span: Some(node.span),
            hint: None,
        })
}
