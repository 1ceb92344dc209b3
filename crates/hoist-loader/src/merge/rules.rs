//! The merge of one compose model over another, with compose-go's per-path rules.
//!
//! Mappings merge recursively (the later side wins on conflicts), sequences are appended
//! (skipping items equal to one already there), scalars are replaced; a table of path patterns overrides this default for the attributes
//! compose treats specially (`command` replaced, `environment` merged per key whatever its
//! syntax, `depends_on` list turned into a map, and so on). A `null` on the overriding side
//! keeps the earlier value, except where the rule is "replace".

use super::path::{go_format, same_value, KeyPath, PatternTable};
use super::reset::take_resets;
use crate::error::{LoadError, Result};
use crate::node::{Mapping, Node, Value};
use crate::source::Span;
use std::sync::OnceLock;

/// How the values found at one path are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Both sides become `key=value` sequences, which are appended.
    ToSequence,
    /// A string becomes `{context: ...}`, then the mappings merge.
    Build,
    /// The later value replaces the earlier one, even `null`.
    Replace,
    /// Lists become maps of `{condition: service_started, required: true}`, then merge.
    DependsOn,
    /// Lists become maps of `null`, then merge (service `networks`, `models`).
    ListToMap,
    /// Both sides become sequences; items of the later one already present are dropped.
    ExtraHosts,
    /// Options merge when both sides use the same driver (or one omits it).
    Logging,
    /// A mapping merges into a mapping; anything else replaces.
    Ulimit,
    /// IPAM pools merge by `subnet`.
    IpamConfig,
}

/// The special rules, by path pattern.
const RULES: &[(&str, Rule)] = &[
    ("networks.*.ipam.config", Rule::IpamConfig),
    ("networks.*.labels", Rule::ToSequence),
    ("volumes.*.labels", Rule::ToSequence),
    ("services.*.annotations", Rule::ToSequence),
    ("services.*.build", Rule::Build),
    ("services.*.build.args", Rule::ToSequence),
    ("services.*.build.additional_contexts", Rule::ToSequence),
    ("services.*.build.extra_hosts", Rule::ExtraHosts),
    ("services.*.build.labels", Rule::ToSequence),
    ("services.*.command", Rule::Replace),
    ("services.*.depends_on", Rule::DependsOn),
    ("services.*.deploy.labels", Rule::ToSequence),
    ("services.*.dns", Rule::ToSequence),
    ("services.*.dns_opt", Rule::ToSequence),
    ("services.*.dns_search", Rule::ToSequence),
    ("services.*.entrypoint", Rule::Replace),
    ("services.*.env_file", Rule::ToSequence),
    ("services.*.label_file", Rule::ToSequence),
    ("services.*.environment", Rule::ToSequence),
    ("services.*.extra_hosts", Rule::ExtraHosts),
    ("services.*.healthcheck.test", Rule::Replace),
    ("services.*.labels", Rule::ToSequence),
    ("services.*.volumes.*.volume.labels", Rule::ToSequence),
    ("services.*.logging", Rule::Logging),
    ("services.*.models", Rule::ListToMap),
    ("services.*.networks", Rule::ListToMap),
    ("services.*.sysctls", Rule::ToSequence),
    ("services.*.tmpfs", Rule::ToSequence),
    ("services.*.ulimits.*", Rule::Ulimit),
    ("models.*.runtime_flags", Rule::Replace),
];

fn rule_for(path: &KeyPath) -> Option<Rule> {
    static TABLE: OnceLock<PatternTable<Rule>> = OnceLock::new();
    TABLE.get_or_init(|| PatternTable::new(RULES)).lookup(path)
}

/// Merges the model `over` on top of the model `base` (two whole compose files).
///
/// First removes from `base` every path that `over` marks with `!reset` or `!override` (and
/// drops the `!reset` nodes from `over`), then merges with compose-go's per-path rules.
/// Sequences are appended without de-duplication by key: run [`super::enforce_unicity`] on
/// the result.
pub fn merge(mut base: Node, mut over: Node) -> Result<Node> {
    let resets = take_resets(&mut over);
    resets.apply(&mut base);
    merge_at(base, over, &mut KeyPath::root())
}

/// Merges the service definition `over` on top of the service definition `base`, as
/// `extends` does: the rules are those of `services.<any>.*`. Tags are not processed here.
pub fn merge_service(base: Node, over: Node) -> Result<Node> {
    merge_at(base, over, &mut KeyPath::from_keys(&["services", "x"]))
}

/// Merges two values found at `path`.
pub(crate) fn merge_at(base: Node, over: Node, path: &mut KeyPath) -> Result<Node> {
    if let Some(rule) = rule_for(path) {
        return apply_rule(rule, base, over, path);
    }
    if over.is_null() {
        return Ok(base);
    }
    let base_span = base.span;
    match (base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => Ok(Node::new(
            Value::Map(merge_mappings(b, o, path)?),
            base_span,
        )),
        (Value::Seq(b), Value::Seq(o)) => {
            Ok(Node::new(Value::Seq(append_new_items(b, o)), base_span))
        }
        (Value::Map(_), value) | (Value::Seq(_), value) => {
            let over = Node {
                value,
                span: over.span,
                tag: over.tag,
            };
            Err(cannot_override(&over, path))
        }
        (_, value) => Ok(Node {
            value,
            span: over.span,
            tag: over.tag,
        }),
    }
}

/// Appends to `base` the items of `over` not already present (equal in value), as the
/// compose-go inside Docker Compose v5.6.1 does: duplicates already in `base` stay.
fn append_new_items(mut base: Vec<Node>, over: Vec<Node>) -> Vec<Node> {
    let mut seen: Vec<serde_json::Value> = base.iter().map(Node::to_json).collect();
    for item in over {
        let value = item.to_json();
        if !seen.contains(&value) {
            seen.push(value);
            base.push(item);
        }
    }
    base
}

fn cannot_override(over: &Node, path: &KeyPath) -> LoadError {
    let shown = path.display();
    LoadError::at(over.span, format!("cannot override {shown}: {} cannot replace the earlier value", over.kind_name()))
        .with_path(shown)
        .with_hint("use the same syntax (mapping or sequence) as the earlier file, or tag the value with `!override`")
}

/// Merges two mappings key by key; keys new in `over` are appended in its order.
pub(crate) fn merge_mappings(
    mut base: Mapping,
    over: Mapping,
    path: &mut KeyPath,
) -> Result<Mapping> {
    for entry in over.entries {
        match base.entries.iter().position(|e| e.key == entry.key) {
            Some(i) => {
                let earlier = std::mem::replace(
                    &mut base.entries[i].value,
                    Node::new(Value::Null, Span::SYNTHETIC),
                );
                path.push_key(&entry.key);
                let merged = merge_at(earlier, entry.value, path);
                path.pop();
                base.entries[i].value = merged?;
            }
            None => base.entries.push(entry),
        }
    }
    Ok(base)
}

fn apply_rule(rule: Rule, base: Node, over: Node, path: &mut KeyPath) -> Result<Node> {
    let span = base.span;
    match rule {
        Rule::Replace => Ok(over),
        Rule::ToSequence => {
            let mut items = into_sequence(&base);
            items.extend(into_sequence(&over));
            Ok(Node::new(Value::Seq(items), span))
        }
        Rule::ExtraHosts => {
            let mut items = into_sequence(&base);
            let later: Vec<Node> = into_sequence(&over)
                .into_iter()
                .filter(|o| !items.iter().any(|b| same_value(b, o)))
                .collect();
            items.extend(later);
            Ok(Node::new(Value::Seq(items), span))
        }
        Rule::Build => {
            let b = build_mapping(base);
            let o = build_mapping(over);
            match (b, o) {
                (Some(b), Some(o)) => Ok(Node::new(Value::Map(merge_mappings(b, o, path)?), span)),
                (Some(b), None) => Ok(Node::new(Value::Map(b), span)),
                (None, Some(o)) => Ok(Node::new(Value::Map(o), span)),
                (None, None) => Ok(Node::new(Value::Null, span)),
            }
        }
        Rule::DependsOn => {
            let b = into_mapping(base, true, path)?;
            let o = into_mapping(over, true, path)?;
            Ok(Node::new(Value::Map(merge_mappings(b, o, path)?), span))
        }
        Rule::ListToMap => {
            let b = into_mapping(base, false, path)?;
            let o = into_mapping(over, false, path)?;
            Ok(Node::new(Value::Map(merge_mappings(b, o, path)?), span))
        }
        Rule::Logging => match (base.value, over.value) {
            (Value::Map(b), Value::Map(o)) => {
                let same_driver = match (b.get("driver"), o.get("driver")) {
                    (Some(x), Some(y)) => same_value(x, y),
                    _ => true,
                };
                if same_driver {
                    Ok(Node::new(Value::Map(merge_mappings(b, o, path)?), span))
                } else {
                    Ok(Node::new(Value::Map(o), over.span))
                }
            }
            (Value::Map(_), value) => {
                let over = Node {
                    value,
                    span: over.span,
                    tag: over.tag,
                };
                Err(cannot_merge_logging(&over, path))
            }
            (value, _) => {
                let base = Node {
                    value,
                    span,
                    tag: base.tag,
                };
                Err(cannot_merge_logging(&base, path))
            }
        },
        Rule::Ulimit => match (base.value, over.value) {
            (Value::Map(b), Value::Map(o)) => {
                Ok(Node::new(Value::Map(merge_mappings(b, o, path)?), span))
            }
            (_, value) => Ok(Node {
                value,
                span: over.span,
                tag: over.tag,
            }),
        },
        Rule::IpamConfig => merge_ipam_config(base, over, path),
    }
}

/// Docker Compose refuses to merge a `logging` that is not a mapping (even `null`).
fn cannot_merge_logging(offending: &Node, path: &KeyPath) -> LoadError {
    let shown = path.display();
    LoadError::at(
        offending.span,
        format!(
            "{shown}: cannot merge logging: expected a mapping, got {}",
            go_type_name(offending)
        ),
    )
    .with_path(shown)
    .with_hint("write `logging:` as a mapping (`driver:`, `options:`), or remove it with `!reset`")
}

/// The Go type name compose-go prints for a YAML value (`<nil>`, `string`, `int`...).
fn go_type_name(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Seq(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

/// A `build` value as a mapping: a string is the context.
fn build_mapping(node: Node) -> Option<Mapping> {
    match node.value {
        Value::String(s) => {
            let mut m = Mapping::new();
            m.insert("context", node.span, Node::new(Value::String(s), node.span));
            Some(m)
        }
        Value::Map(m) => Some(m),
        _ => None,
    }
}

/// A list-or-mapping value as `key=value` strings: a mapping is sorted, `null` values give
/// the bare key, sequence values give one item each; a string is a one-item list.
pub(crate) fn into_sequence(node: &Node) -> Vec<Node> {
    match &node.value {
        Value::Map(m) => {
            let mut items: Vec<Node> = Vec::new();
            for e in &m.entries {
                match &e.value.value {
                    Value::Null => items.push(Node::string(e.key.clone(), e.key_span)),
                    Value::Seq(values) => {
                        for v in values {
                            items.push(Node::string(format!("{}={}", e.key, go_format(v)), v.span));
                        }
                    }
                    _ => items.push(Node::string(
                        format!("{}={}", e.key, go_format(&e.value)),
                        e.value.span,
                    )),
                }
            }
            items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            items
        }
        Value::Seq(items) => items.clone(),
        Value::String(_) => vec![node.clone()],
        _ => Vec::new(),
    }
}

/// A list-or-mapping value as a mapping: list items become keys whose value is `null`, or
/// `{condition: service_started, required: true}` for `depends_on`.
fn into_mapping(node: Node, depends_on_defaults: bool, path: &KeyPath) -> Result<Mapping> {
    match node.value {
        Value::Map(m) => Ok(m),
        Value::Seq(items) => {
            let mut m = Mapping::new();
            for (i, item) in items.into_iter().enumerate() {
                let Some(name) = item.as_str() else {
                    let mut at = path.clone();
                    at.push_index(i);
                    return Err(LoadError::at(
                        item.span,
                        format!(
                            "{}: cannot use {} as a mapping key",
                            path.display(),
                            go_type_name(&item)
                        ),
                    )
                    .with_path(at.display())
                    .with_hint("list items here are names; write the long syntax as a mapping"));
                };
                let value = if depends_on_defaults {
                    let mut d = Mapping::new();
                    d.insert(
                        "condition",
                        item.span,
                        Node::string("service_started", item.span),
                    );
                    d.insert(
                        "required",
                        item.span,
                        Node::new(Value::Bool(true), item.span),
                    );
                    Node::new(Value::Map(d), item.span)
                } else {
                    Node::new(Value::Null, item.span)
                };
                m.insert(name.to_string(), item.span, value);
            }
            Ok(m)
        }
        _ => Ok(Mapping::new()),
    }
}

/// `networks.*.ipam.config`: pools of the later file with a new subnet are added, pools with
/// a known subnet are merged into it. This reproduces compose-go's algorithm exactly,
/// including its quirk: an earlier pool is merged in place with every later pool whose
/// subnet is already listed, so it can take another pool's subnet. Pools are kept in an
/// arena and listed by index to mirror the sharing of Go maps.
fn merge_ipam_config(base: Node, over: Node, path: &mut KeyPath) -> Result<Node> {
    let span = base.span;
    let Value::Seq(configs) = base.value else {
        let shown = path.display();
        return Err(LoadError::at(span, format!("{shown} must be a sequence")).with_path(shown));
    };
    let Value::Seq(overrides) = over.value else {
        let shown = path.display();
        return Err(
            LoadError::at(over.span, format!("{shown} must be a sequence")).with_path(shown),
        );
    };
    let subnet = |m: &Mapping| m.get("subnet").map(Node::to_json);
    let earlier = configs.len();
    let mut arena: Vec<(Mapping, Span)> = configs
        .iter()
        .chain(overrides.iter())
        .map(|n| (n.as_map().cloned().unwrap_or_default(), n.span))
        .collect();
    let mut pools: Vec<usize> = Vec::new();
    for right in 0..earlier {
        for left in earlier..arena.len() {
            let left_subnet = subnet(&arena[left].0);
            if left_subnet != subnet(&arena[right].0)
                && !pools.iter().any(|&p| subnet(&arena[p].0) == left_subnet)
            {
                pools.push(left);
                continue;
            }
            let later = arena[left].0.clone();
            let current = std::mem::take(&mut arena[right].0);
            arena[right].0 = merge_mappings(current, later, path)?;
            let merged_subnet = subnet(&arena[right].0);
            match pools
                .iter()
                .position(|&p| subnet(&arena[p].0) == merged_subnet)
            {
                Some(i) => pools[i] = right,
                None => pools.push(right),
            }
        }
    }
    let items = pools
        .into_iter()
        .filter_map(|i| {
            arena
                .get(i)
                .map(|(m, s)| Node::new(Value::Map(m.clone()), *s))
        })
        .collect();
    Ok(Node::new(Value::Seq(items), span))
}
