//! Canonicalisation: the stage after schema validation that turns a merged compose tree into
//! the long-syntax tree the typed model binds.
//!
//! It mirrors compose-go's steps, one public function per step, so the pipeline can call them
//! in compose-go's order:
//!
//! 0. [`rename_legacy_keys`] (per file, after merge, before validation): experimental key
//!    spellings to the standard ones;
//! 1. [`canonicalize`] (per file, after merge and validation): every short syntax to its long
//!    form (ports, volumes, devices, `depends_on`, `networks`, secrets, `env_file`, `build`,
//!    `extends`, `gpus`, `external: {name}`, `ssh`, list/map shapes, `command` shell-split…);
//! 2. [`omit_empty`]: drops empty `dns` entries;
//! 3. [`set_defaults`] (once, after all files): port protocol/mode, secret targets,
//!    `create_host_path`, device `count: all`, build context;
//! 4. [`resolve_paths`]: relative paths to absolute ones against the working directory;
//! 5. [`resolve_environment`]: bare `K` entries in `environment`, secret and config
//!    `environment` sources, from the project environment;
//! 6. [`normalize`]: project name, default network, implicit `depends_on`, build defaults,
//!    resource default names, `pull_policy` aliases, `pre_start` inheritance;
//! 7. [`prepare_for_binding`] (only on the way to the typed model, not part of the untyped
//!    model `config --no-interpolate` prints): the shapes compose-go gives while binding
//!    (`command` split, `environment`/`labels` as mappings, `healthcheck.test`…).
//!
//! Nodes generated from a short-syntax value carry that value's span, so later errors still
//! point at what the user wrote.

mod defaults;
mod environment;
mod legacy;
mod normalize;
mod paths;
mod ports;
mod services;
mod shell;
pub(crate) mod volumes;

pub use defaults::{omit_empty, set_defaults};
pub use environment::{resolve_environment, ENVIRONMENT_VALUE_KEY};
pub use legacy::rename_legacy_keys;
pub use normalize::normalize;
pub use paths::{is_remote_reference, resolve_paths, PathResolver};
pub use ports::{parse_port_spec, PortMapping};
pub use services::{
    canonicalize, canonicalize_reporting, canonicalize_with, prepare_for_binding, CanonicalOptions,
};
pub use shell::split_command_line;
pub use volumes::{clean_path as clean_slash_path, parse_volume_spec, VolumeSpec};

use crate::node::{Entry, Mapping, Node, Value};
use crate::source::Span;

/// Builds a mapping node from `(key, value)` pairs, every key spanned at `span`.
pub(crate) fn map_node(span: Span, entries: Vec<(&str, Node)>) -> Node {
    let entries = entries
        .into_iter()
        .map(|(k, v)| Entry {
            key: k.to_string(),
            key_span: span,
            value: v,
        })
        .collect();
    Node::new(Value::Map(Mapping { entries }), span)
}

/// A string node.
pub(crate) fn str_node(s: impl Into<String>, span: Span) -> Node {
    Node::string(s, span)
}

/// A boolean node.
pub(crate) fn bool_node(b: bool, span: Span) -> Node {
    Node::new(Value::Bool(b), span)
}

/// A null node.
pub(crate) fn null_node(span: Span) -> Node {
    Node::new(Value::Null, span)
}

/// Sets `key` to `value` when the mapping has no such key yet.
pub(crate) fn insert_default(map: &mut Mapping, key: &str, span: Span, value: Node) {
    if !map.contains_key(key) {
        map.insert(key, span, value);
    }
}

/// The text compose-go's `fmt.Sprint` would give for a scalar (`None` for collections).
pub(crate) fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(go_float_text(*f)),
        Value::String(s) => Some(s.clone()),
        Value::Seq(_) | Value::Map(_) => None,
    }
}

/// Formats a float the way Go's `%v` does for the common cases (`0.5`, `1`, `1e+21`).
fn go_float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{}", f as i128)
    } else {
        format!("{f}")
    }
}

/// Joins a key path and a child key (`services.web` + `ports` = `services.web.ports`).
pub(crate) fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Joins a key path and a sequence index (`services.web.ports` + 0 = `services.web.ports[0]`).
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}
