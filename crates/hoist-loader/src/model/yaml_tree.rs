//! The value tree [`super::yaml_out`] writes: what `serde_json::to_value` would make of the
//! model, without its hash-indexed objects and with struct field names borrowed, and with
//! every `#extensions` entry already spliced into the mapping that holds it (go-yaml's
//! `,inline`).

use serde::ser::{self, Serialize};
use std::borrow::Cow;

/// One value of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    /// `null` (also a float that is not finite, as in JSON).
    Null,
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer beyond `i64`.
    UInt(u64),
    /// A finite float.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Tree>),
    /// A mapping, in output order.
    Map(Vec<(Cow<'static, str>, Tree)>),
}

/// The key whose mapping value is merged into the mapping that holds it.
const INLINE_KEY: &str = "#extensions";

impl Tree {
    /// The tree of a JSON value (`#extensions` spliced in).
    pub fn from_json(value: &serde_json::Value) -> Tree {
        use serde_json::Value as J;
        match value {
            J::Null => Tree::Null,
            J::Bool(b) => Tree::Bool(*b),
            J::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Tree::Int(i),
                (None, Some(u), _) => Tree::UInt(u),
                (None, None, Some(f)) => Tree::Float(f),
                (None, None, None) => Tree::Null,
            },
            J::String(s) => Tree::Str(s.clone()),
            J::Array(items) => Tree::Seq(items.iter().map(Tree::from_json).collect()),
            J::Object(map) => {
                let mut entries = Vec::with_capacity(map.len());
                for (k, v) in map {
                    push_entry(&mut entries, Cow::Owned(k.clone()), Tree::from_json(v));
                }
                Tree::Map(entries)
            }
        }
    }
}

/// Adds `key: value` to a mapping, splicing the entries of an `#extensions` mapping instead.
fn push_entry(entries: &mut Vec<(Cow<'static, str>, Tree)>, key: Cow<'static, str>, value: Tree) {
    if key == INLINE_KEY {
        if let Tree::Map(inner) = value {
            entries.extend(inner);
        }
    } else {
        entries.push((key, value));
    }
}

/// Serialises any value into a [`Tree`].
pub fn to_tree<T: Serialize + ?Sized>(value: &T) -> Result<Tree, serde_json::Error> {
    value.serialize(TreeSerializer)
}

fn float(f: f64) -> Tree {
    if f.is_finite() {
        Tree::Float(f)
    } else {
        Tree::Null
    }
}

/// The serializer behind [`to_tree`].
struct TreeSerializer;

type Error = serde_json::Error;

impl ser::Serializer for TreeSerializer {
    type Ok = Tree;
    type Error = Error;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = VariantBuilder<SeqBuilder>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = VariantBuilder<MapBuilder>;

    fn serialize_bool(self, v: bool) -> Result<Tree, Error> {
        Ok(Tree::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Tree, Error> {
        Ok(Tree::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Tree, Error> {
        Ok(Tree::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Tree, Error> {
        Ok(Tree::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Tree, Error> {
        Ok(Tree::Int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Tree, Error> {
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => Ok(Tree::Int(i)),
            (_, Ok(u)) => Ok(Tree::UInt(u)),
            _ => Err(ser::Error::custom("number out of range")),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<Tree, Error> {
        Ok(Tree::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Tree, Error> {
        Ok(Tree::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Tree, Error> {
        Ok(Tree::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Tree, Error> {
        Ok(i64::try_from(v).map_or(Tree::UInt(v), Tree::Int))
    }
    fn serialize_u128(self, v: u128) -> Result<Tree, Error> {
        u64::try_from(v)
            .map_err(|_| ser::Error::custom("number out of range"))
            .and_then(|u| self.serialize_u64(u))
    }
    fn serialize_f32(self, v: f32) -> Result<Tree, Error> {
        Ok(float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Tree, Error> {
        Ok(float(v))
    }
    fn serialize_char(self, v: char) -> Result<Tree, Error> {
        Ok(Tree::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Tree, Error> {
        Ok(Tree::Str(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Tree, Error> {
        Ok(Tree::Seq(
            v.iter().map(|b| Tree::Int((*b).into())).collect(),
        ))
    }
    fn serialize_none(self) -> Result<Tree, Error> {
        Ok(Tree::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Tree, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Tree, Error> {
        Ok(Tree::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Tree, Error> {
        Ok(Tree::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Tree, Error> {
        Ok(Tree::Str(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Tree, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Tree, Error> {
        Ok(Tree::Map(vec![(Cow::Borrowed(variant), to_tree(value)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder, Error> {
        Ok(SeqBuilder(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<SeqBuilder>, Error> {
        Ok(VariantBuilder {
            variant,
            inner: SeqBuilder(Vec::with_capacity(len)),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder, Error> {
        Ok(MapBuilder::new(len.unwrap_or(0)))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder, Error> {
        Ok(MapBuilder::new(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<MapBuilder>, Error> {
        Ok(VariantBuilder {
            variant,
            inner: MapBuilder::new(len),
        })
    }
}

/// A sequence under construction.
struct SeqBuilder(Vec<Tree>);

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Tree;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.push(to_tree(value)?);
        Ok(())
    }
    fn end(self) -> Result<Tree, Error> {
        Ok(Tree::Seq(self.0))
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Tree;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Tree;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree, Error> {
        ser::SerializeSeq::end(self)
    }
}

/// A mapping under construction.
struct MapBuilder {
    entries: Vec<(Cow<'static, str>, Tree)>,
    key: Option<Cow<'static, str>>,
}

impl MapBuilder {
    fn new(len: usize) -> Self {
        MapBuilder {
            entries: Vec::with_capacity(len),
            key: None,
        }
    }
}

/// A map key as JSON writes it: strings as they are, numbers and booleans as their text.
fn key_text(key: Tree) -> Result<Cow<'static, str>, Error> {
    match key {
        Tree::Str(s) => Ok(Cow::Owned(s)),
        Tree::Int(i) => Ok(Cow::Owned(i.to_string())),
        Tree::UInt(u) => Ok(Cow::Owned(u.to_string())),
        Tree::Bool(b) => Ok(Cow::Borrowed(if b { "true" } else { "false" })),
        _ => Err(ser::Error::custom("key must be a string")),
    }
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Tree;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key_text(to_tree(key)?)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ser::Error::custom("value without a key"))?;
        push_entry(&mut self.entries, key, to_tree(value)?);
        Ok(())
    }
    fn end(self) -> Result<Tree, Error> {
        Ok(Tree::Map(self.entries))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Tree;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        push_entry(&mut self.entries, Cow::Borrowed(key), to_tree(value)?);
        Ok(())
    }
    fn end(self) -> Result<Tree, Error> {
        Ok(Tree::Map(self.entries))
    }
}

/// An enum variant with content: `{variant: content}`.
struct VariantBuilder<B> {
    variant: &'static str,
    inner: B,
}

impl ser::SerializeTupleVariant for VariantBuilder<SeqBuilder> {
    type Ok = Tree;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }
    fn end(self) -> Result<Tree, Error> {
        let inner = ser::SerializeSeq::end(self.inner)?;
        Ok(Tree::Map(vec![(Cow::Borrowed(self.variant), inner)]))
    }
}

impl ser::SerializeStructVariant for VariantBuilder<MapBuilder> {
    type Ok = Tree;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Result<Tree, Error> {
        let inner = ser::SerializeStruct::end(self.inner)?;
        Ok(Tree::Map(vec![(Cow::Borrowed(self.variant), inner)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    /// Serialising into a tree gives what converting the JSON value gives.
    #[test]
    fn matches_the_json_value() {
        #[derive(Serialize)]
        struct Inner {
            a: u8,
            #[serde(rename = "#extensions")]
            ext: std::collections::BTreeMap<String, i32>,
        }
        #[derive(Serialize)]
        enum Kind {
            Unit,
            New(i32),
            Tuple(i32, bool),
            Struct { x: f32 },
        }
        #[derive(Serialize)]
        struct Outer {
            name: String,
            big: u64,
            nan: f64,
            half: f32,
            list: Vec<Option<char>>,
            inner: Inner,
            kinds: Vec<Kind>,
            map: std::collections::BTreeMap<i32, bool>,
            bytes: serde_bytes_like::Bytes,
        }
        mod serde_bytes_like {
            /// Serialises as bytes.
            pub struct Bytes(pub Vec<u8>);
            impl serde::Serialize for Bytes {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_bytes(&self.0)
                }
            }
        }
        let value = Outer {
            name: "web".into(),
            big: u64::MAX,
            nan: f64::NAN,
            half: 0.5,
            list: vec![Some('x'), None],
            inner: Inner {
                a: 1,
                ext: [("x-a".to_string(), 2)].into_iter().collect(),
            },
            kinds: vec![
                Kind::Unit,
                Kind::New(1),
                Kind::Tuple(2, true),
                Kind::Struct { x: 1.5 },
            ],
            map: [(3, true)].into_iter().collect(),
            bytes: serde_bytes_like::Bytes(vec![7]),
        };
        let tree = to_tree(&value).expect("serialises");
        let json = serde_json::to_value(&value).expect("serialises");
        assert_eq!(tree, Tree::from_json(&json));
        assert_eq!(
            Tree::from_json(&json!({"a": 1, "#extensions": {"x-b": 2}})),
            Tree::Map(vec![
                (Cow::Borrowed("a"), Tree::Int(1)),
                (Cow::Borrowed("x-b"), Tree::Int(2)),
            ])
        );
    }
}
