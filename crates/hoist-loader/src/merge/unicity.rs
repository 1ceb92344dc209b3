//! compose-go's `EnforceUnicity`: sequences whose items name a resource (a mount target, a
//! published port, an environment variable...) keep one item per name. A later item
//! replaces the earlier one in place, so the order of first appearance is kept.

use super::path::{go_format, PatternCursor, PatternTable, Trail};
use super::short::parse_volume;
use crate::error::{LoadError, Result};
use crate::node::{Entry, Node, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// How the key of a sequence item is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Indexer {
    /// `KEY` of `KEY=value`, or the whole string.
    KeyValue,
    /// The mount target (long syntax `target`, or parsed from the short syntax).
    Volume,
    /// The device path in the container (`target`, or the second field of `a:b`).
    Device,
    /// `target`, else `<dir>/<source>` (secrets and configs).
    Mount(&'static str),
    /// The exposed port as written.
    Expose,
    /// The exact short string, or `host_ip:published:target/protocol` of the long syntax.
    Port,
    /// The env file path.
    EnvFile,
}

const UNIQUE: &[(&str, Indexer)] = &[
    ("networks.*.labels", Indexer::KeyValue),
    ("networks.*.ipam.options", Indexer::KeyValue),
    ("services.*.annotations", Indexer::KeyValue),
    ("services.*.build.args", Indexer::KeyValue),
    ("services.*.build.additional_contexts", Indexer::KeyValue),
    ("services.*.build.platform", Indexer::KeyValue),
    ("services.*.build.tags", Indexer::KeyValue),
    ("services.*.build.labels", Indexer::KeyValue),
    ("services.*.cap_add", Indexer::KeyValue),
    ("services.*.cap_drop", Indexer::KeyValue),
    ("services.*.devices", Indexer::Device),
    ("services.*.configs", Indexer::Mount("")),
    ("services.*.deploy.labels", Indexer::KeyValue),
    ("services.*.dns", Indexer::KeyValue),
    ("services.*.dns_opt", Indexer::KeyValue),
    ("services.*.dns_search", Indexer::KeyValue),
    ("services.*.environment", Indexer::KeyValue),
    ("services.*.env_file", Indexer::EnvFile),
    ("services.*.expose", Indexer::Expose),
    ("services.*.labels", Indexer::KeyValue),
    ("services.*.links", Indexer::KeyValue),
    ("services.*.networks.*.aliases", Indexer::KeyValue),
    ("services.*.networks.*.link_local_ips", Indexer::KeyValue),
    ("services.*.ports", Indexer::Port),
    ("services.*.profiles", Indexer::KeyValue),
    ("services.*.secrets", Indexer::Mount("/run/secrets")),
    ("services.*.sysctls", Indexer::KeyValue),
    ("services.*.tmpfs", Indexer::KeyValue),
    ("services.*.volumes", Indexer::Volume),
];

fn table() -> &'static PatternTable<Indexer> {
    static TABLE: OnceLock<PatternTable<Indexer>> = OnceLock::new();
    TABLE.get_or_init(|| PatternTable::new(UNIQUE))
}

/// De-duplicates, everywhere in the model `root`, the sequences compose keys by name
/// (volumes by target, ports by `host_ip:published:target/protocol`, secrets and configs by
/// target, environment and labels by variable name, ...). The last definition of a key
/// replaces the first one in place.
pub fn enforce_unicity(root: &mut Node) -> Result<()> {
    let table = table();
    walk(root, &Trail::Root, table.root(), table)
}

/// Only the parts of the tree where a pattern of [`UNIQUE`] can still match are visited.
fn walk(
    node: &mut Node,
    path: &Trail<'_>,
    at: PatternCursor,
    table: &PatternTable<Indexer>,
) -> Result<()> {
    match &mut node.value {
        Value::Map(m) => {
            for Entry { key, value, .. } in m.entries.iter_mut() {
                let below = table.key(at, key);
                if !below.is_dead() {
                    walk(value, &Trail::Key(path, key), below, table)?;
                }
            }
            Ok(())
        }
        Value::Seq(items) => {
            let Some(indexer) = table.matched(at) else {
                return Ok(());
            };
            let first = {
                let mut keys = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    keys.push(item_key(indexer, item, &Trail::Index(path, i))?);
                }
                first_occurrences(&keys)
            };
            if first.iter().enumerate().all(|(i, &f)| f == i) {
                // No duplicates (the usual case): nothing moves.
                return Ok(());
            }
            // Each key keeps the position of its first item and the value of its last.
            let mut slots: Vec<Option<Node>> = Vec::with_capacity(items.len());
            for (i, item) in std::mem::take(items).into_iter().enumerate() {
                if first[i] == i {
                    slots.push(Some(item));
                } else {
                    slots[first[i]] = Some(item);
                    slots.push(None);
                }
            }
            *items = slots.into_iter().flatten().collect();
            Ok(())
        }
        _ => Ok(()),
    }
}

/// For every key, the index of the first key equal to it.
fn first_occurrences(keys: &[Cow<'_, str>]) -> Vec<usize> {
    if keys.len() <= 16 {
        return (0..keys.len())
            .map(|i| keys[..i].iter().position(|k| *k == keys[i]).unwrap_or(i))
            .collect();
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
    keys.iter()
        .enumerate()
        .map(|(i, k)| *seen.entry(k.as_ref()).or_insert(i))
        .collect()
}

fn item_key<'a>(indexer: Indexer, item: &'a Node, path: &Trail<'_>) -> Result<Cow<'a, str>> {
    let fail = |msg: String| {
        let shown = path.display();
        Err(LoadError::at(item.span, msg).with_path(shown))
    };
    match indexer {
        Indexer::KeyValue => match &item.value {
            Value::String(s) => Ok(s.split_once('=').map_or(s.as_str(), |(k, _)| k).into()),
            _ => fail(format!("expected a string, found {}", item.kind_name())),
        },
        Indexer::Volume => match &item.value {
            Value::Map(m) => match m.get("target").and_then(Node::as_str) {
                Some(t) => Ok(t.into()),
                None => fail(format!(
                    "service volume {} is missing a mount target",
                    path.display()
                )),
            },
            Value::String(s) => match parse_volume(s) {
                Ok(v) => Ok(v.target.into()),
                Err(e) => fail(e),
            },
            _ => Ok(Cow::Borrowed("")),
        },
        Indexer::Device => match &item.value {
            Value::Map(m) => match m.get("target").and_then(Node::as_str) {
                Some(t) => Ok(t.into()),
                None => fail(format!(
                    "service device {} is missing a mount target",
                    path.display()
                )),
            },
            Value::String(s) => {
                let mut parts = s.split(':');
                let first = parts.next().unwrap_or_default();
                Ok(parts.next().unwrap_or(first).into())
            }
            _ => Ok(Cow::Borrowed("")),
        },
        Indexer::Mount(dir) => match &item.value {
            Value::String(s) => Ok(format!("{dir}/{s}").into()),
            Value::Map(m) => match m.get("target") {
                Some(t) => Ok(go_format(t).into()),
                None => Ok(format!(
                    "{dir}/{}",
                    m.get("source").map_or("<nil>".to_string(), go_format)
                )
                .into()),
            },
            _ => fail(format!(
                "expected a name or a mapping, found {}",
                item.kind_name()
            )),
        },
        Indexer::Expose => match &item.value {
            Value::String(s) => Ok(s.as_str().into()),
            Value::Int(i) => Ok(i.to_string().into()),
            _ => fail(format!("unsupported expose value: {}", item.kind_name())),
        },
        Indexer::Port => match &item.value {
            Value::Int(i) => Ok(i.to_string().into()),
            Value::String(s) => Ok(s.as_str().into()),
            Value::Map(m) => {
                let Some(target) = m.get("target") else {
                    return fail(format!(
                        "service ports {} is missing a target port",
                        path.display()
                    ));
                };
                // Mimics Go's `%s:%s:%d/%s` so that values of different types stay distinct.
                let published = m
                    .get("published")
                    .map_or("%!s(<nil>)".to_string(), go_string_verb);
                let host = m
                    .get("host_ip")
                    .map_or("0.0.0.0".to_string(), go_string_verb);
                let protocol = m.get("protocol").map_or("tcp".to_string(), go_string_verb);
                let target = match &target.value {
                    Value::Int(i) => i.to_string(),
                    _ => format!("%!d({})", go_format(target)),
                };
                Ok(format!("{host}:{published}:{target}/{protocol}").into())
            }
            _ => Ok(Cow::Borrowed("")),
        },
        Indexer::EnvFile => match &item.value {
            Value::String(s) => Ok(s.as_str().into()),
            Value::Map(m) => match m.get("path") {
                Some(p) => Ok(go_format(p).into()),
                None => fail(format!(
                    "environment path attribute {} is missing",
                    path.display()
                )),
            },
            _ => Ok(Cow::Borrowed("")),
        },
    }
}

/// Go's `%s` of a value: strings as-is, anything else marked with its type.
fn go_string_verb(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.clone(),
        Value::Null => "%!s(<nil>)".to_string(),
        Value::Int(i) => format!("%!s(int={i})"),
        _ => format!("%!s({})", go_format(node)),
    }
}
