//! Validation of a compose model against the official compose-spec JSON schema.
//!
//! This is stage 6 of the loader pipeline: it runs on the merged model (after interpolation,
//! `include`, `extends` and the merge of several files) and before canonicalisation. The schema
//! is the exact one Docker Compose v5.6.1 (compose-go v2.14) embeds, validated as draft 2020-12
//! with the `jsonschema` crate and compiled once per process.
//!
//! Raw schema errors are turned into one [`LoadError`] per problem: the error points at the
//! offending value (or, for an unknown attribute, at its key), carries the dotted key path of
//! the value (for an unknown attribute: of the mapping that holds it) and, where possible, a
//! hint such as "did you mean 'image'?". Messages start with that path:
//! `services.web: unknown attribute 'imagee'`, `services.web.ports: must be a list, found an
//! integer (80)`.
//!
//! The schema expects compose-go's earlier steps to have run: `include` applied and removed,
//! and duplicates removed from the lists compose-go de-duplicates (`ports`, `volumes`, `dns`...). When a value breaks several rules,
//! the "most specific" error wins, the way compose-go chooses: the deepest instance location,
//! with unknown attributes counting one level deeper than the mapping that holds them.

use crate::error::{did_you_mean, LoadError, Result};
use crate::node::{Node, Value};
use crate::source::Span;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value as Json;
use std::sync::OnceLock;

mod node_json;

use node_json::NodeJson;

/// The compose-spec schema text, as embedded in Docker Compose v5.6.1 (compose-go v2.14).
pub const COMPOSE_SPEC_SCHEMA: &str = include_str!("schema/compose-spec.json");

/// The parsed schema document, for looking up allowed attribute names.
fn schema_document() -> &'static Json {
    static DOC: OnceLock<Json> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(COMPOSE_SPEC_SCHEMA).unwrap_or(Json::Bool(true)))
}

/// Compiles a schema document as draft 2020-12, with compose-go's `duration` format, for
/// instances of the representation `F`.
fn compile<F: jsonschema::json::Json>(schema: &Json) -> Validator<F> {
    let options = jsonschema::options_for::<F>()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_base_uri("https://hoist.invalid/compose_spec.json")
        .with_format("duration", is_go_duration)
        .should_validate_formats(false);
    match options.build(schema) {
        Ok(v) => v,
        // The embedded schema is fixed and tested to compile; an always-true schema keeps
        // this path panic-free should that ever change.
        Err(_) => jsonschema::options_for::<F>()
            .build(&Json::Bool(true))
            .unwrap_or_else(|_| unreachable!("the `true` schema always compiles")),
    }
}

/// The compiled validator for a whole model as JSON (to collect detailed errors), built on
/// first use.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| compile(schema_document()))
}

/// The compiled validator for a whole model as a [`Node`] tree (the yes/no check every load
/// makes, without converting the model to JSON), built on first use.
fn node_validator() -> &'static Validator<NodeJson> {
    static VALIDATOR: OnceLock<Validator<NodeJson>> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // A copy parsed for this compilation and dropped after it: the validator owns what it
        // needs, and the kept document (`schema_document`) is only parsed when errors or
        // attribute names are wanted.
        let document = serde_json::from_str(COMPOSE_SPEC_SCHEMA).unwrap_or(Json::Bool(true));
        compile(&document)
    })
}

/// Starts compiling the validator every load uses on another thread, so that it is ready (or
/// nearly) when the first file has been read and merged. Later calls do nothing; a load that
/// needs the validator first simply waits for this compilation.
pub fn prepare_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Without a thread (spawn refused), the first validation compiles it as before.
        let _ = std::thread::Builder::new()
            .name("schema-compile".into())
            .spawn(|| {
                node_validator();
            });
    });
}

/// A validator for one service (`$defs/service`), used to find the invalid services of a
/// large model quickly before collecting detailed errors.
fn service_validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let doc = schema_document();
        let mut root = serde_json::Map::new();
        for key in ["$schema", "$id", "$defs"] {
            if let Some(v) = doc.get(key) {
                root.insert(key.to_owned(), v.clone());
            }
        }
        root.insert(
            "$ref".to_owned(),
            Json::String("#/$defs/service".to_owned()),
        );
        compile(&Json::Object(root))
    })
}

/// True for a service, network, volume... name the schema accepts (`^[a-zA-Z0-9._-]+$`).
fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// Drops the services that are valid on their own: detailed error collection is much slower
/// than a yes/no check, and a valid service cannot cause an error elsewhere. Instance paths
/// stay the same because the remaining services keep their names.
fn keep_invalid_services(json: &mut Json) {
    if let Some(Json::Object(services)) = json.get_mut("services") {
        services
            .retain(|name, service| !is_valid_name(name) || !service_validator().is_valid(service));
    }
}

/// Validates a whole model (after merge, before canonicalisation) against the compose spec.
///
/// Returns the most specific problem found, as compose-go would report it.
pub fn validate(root: &Node) -> Result<()> {
    if node_validator().is_valid(root) {
        return Ok(());
    }
    let mut json = root.to_json();
    keep_invalid_services(&mut json);
    match collect(root, &json).into_iter().next() {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

/// All schema problems of a model, most specific first.
pub fn validate_all(root: &Node) -> Vec<LoadError> {
    let json = root.to_json();
    if validator().is_valid(&json) {
        return Vec::new();
    }
    let mut json = json;
    keep_invalid_services(&mut json);
    collect(root, &json)
}

/// Names of the attributes a service may have, sorted.
pub fn service_attributes() -> Vec<&'static str> {
    allowed_names_of_def("service")
}

/// Names of the attributes allowed at the top level of a compose file, sorted.
pub fn top_level_attributes() -> Vec<&'static str> {
    let mut names = Vec::new();
    collect_property_names(schema_document(), &mut names, 0);
    names.sort_unstable();
    names.dedup();
    names
}

/// Names of the attributes of a schema definition (`"service"`, `"network"`, `"volume"`,
/// `"deployment"`, `"healthcheck"`, `"job"`...), sorted; empty for an unknown definition.
pub fn definition_attributes(def: &str) -> Vec<&'static str> {
    allowed_names_of_def(def)
}

/// The embedded schema, parsed.
pub fn schema_json() -> &'static serde_json::Value {
    schema_document()
}

fn allowed_names_of_def(def: &str) -> Vec<&'static str> {
    let mut names = Vec::new();
    if let Some(schema) = schema_document().get("$defs").and_then(|d| d.get(def)) {
        collect_property_names(schema, &mut names, 0);
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// True for a duration Go's `time.ParseDuration` accepts (`1h30m`, `-1.5s`, `0`), the rule of
/// compose-go's custom `duration` format.
pub fn is_go_duration(text: &str) -> bool {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    if rest == "0" {
        return true;
    }
    if rest.is_empty() {
        return false;
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let int_digits = i - start;
        let mut frac_digits = 0;
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let frac_start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            frac_digits = i - frac_start;
        }
        if int_digits == 0 && frac_digits == 0 {
            return false;
        }
        let unit_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_digit() && bytes[i] != b'.' {
            i += 1;
        }
        match &rest[unit_start..i] {
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h" => {}
            _ => return false,
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// From raw schema errors to user errors.
// ---------------------------------------------------------------------------------------------

/// One step of an instance location.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A raw error reduced to what is needed to describe it.
#[derive(Debug, Clone)]
struct Problem {
    /// Where the offending value is.
    at: Vec<Step>,
    /// Where the keyword that failed sits in the schema (evaluation path through `$ref`s).
    schema_at: Vec<Step>,
    /// What failed.
    kind: ProblemKind,
    /// Higher is more specific; compose-go's ranking.
    specificity: usize,
    /// Order of discovery, to keep ties stable.
    order: usize,
    /// Which `oneOf` / `anyOf` branch the error came from (0 outside any branch).
    branch: usize,
}

#[derive(Debug, Clone)]
enum ProblemKind {
    /// Keys not allowed in a mapping (`additionalProperties` / `unevaluatedProperties`).
    UnknownKeys(Vec<String>),
    /// Wrong type; the allowed JSON types.
    Type(Vec<JsonType>),
    /// Value not in an enumeration.
    Enum(Vec<Json>),
    /// Value differs from a constant.
    Const(Json),
    /// A required key is missing.
    Required(String),
    /// Alternative branches each require a different key, none present.
    RequiredOneOf(Vec<String>),
    /// A string does not match a pattern.
    Pattern(String),
    /// A number is too small (`inclusive` false for `exclusiveMinimum`).
    Minimum(Json, bool),
    /// A number is too large.
    Maximum(Json, bool),
    /// A list is too short.
    MinItems(u64),
    /// A list is too long.
    MaxItems(u64),
    /// A mapping has too few keys.
    MinProperties(u64),
    /// A list has duplicates.
    UniqueItems,
    /// Several `oneOf` branches match.
    OneOfMultiple,
    /// A `false` schema matched (the key or value is not allowed at all).
    NotAllowed,
    /// Anything else, with the validator's own words.
    Other(String),
}

fn steps_of(location: &jsonschema::paths::Location) -> Vec<Step> {
    location
        .segments()
        .map(|s| match s {
            LocationSegment::Property(p) => Step::Key(p.into_owned()),
            LocationSegment::Index(i) => Step::Index(i),
        })
        .collect()
}

fn types_of(kind: &TypeKind) -> Vec<JsonType> {
    match kind {
        TypeKind::Single(t) => vec![*t],
        TypeKind::Multiple(set) => set.iter().collect(),
    }
}

/// Reduces one raw error to its most specific leaves (descending into `oneOf` / `anyOf`);
/// `branch` identifies the alternative being explored, `next_branch` hands out new ids.
fn leaves(
    err: &ValidationError<'_>,
    out: &mut Vec<Problem>,
    branch: usize,
    next_branch: &mut usize,
) {
    let at = steps_of(err.instance_path());
    let schema_at = steps_of(err.evaluation_path());
    let depth = at.len();
    let kind = match err.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let before = out.len();
            for alternative in context {
                *next_branch += 1;
                let id = *next_branch;
                for e in alternative {
                    leaves(e, out, id, next_branch);
                }
            }
            if out.len() > before {
                return;
            }
            ProblemKind::Other(err.to_string())
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            // When one branch of an `allOf` fails, the keys it declares count as unevaluated
            // too; those are not unknown, the branch's own error describes the problem.
            let allowed = allowed_names_at(&schema_at);
            let unknown: Vec<String> = unexpected
                .iter()
                .filter(|k| !allowed.keys_allow(k))
                .cloned()
                .collect();
            if unknown.is_empty() {
                return;
            }
            ProblemKind::UnknownKeys(unknown)
        }
        ValidationErrorKind::Type { kind } => ProblemKind::Type(types_of(kind)),
        ValidationErrorKind::Enum { options } => ProblemKind::Enum(
            options
                .as_array()
                .cloned()
                .unwrap_or_else(|| vec![(**options).clone()]),
        ),
        ValidationErrorKind::Constant { expected_value } => {
            ProblemKind::Const((**expected_value).clone())
        }
        ValidationErrorKind::Required { property } => ProblemKind::Required(
            property
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| property.to_string()),
        ),
        ValidationErrorKind::Pattern { pattern } => ProblemKind::Pattern(pattern.clone()),
        ValidationErrorKind::Minimum { limit } => ProblemKind::Minimum(limit.clone(), true),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            ProblemKind::Minimum(limit.clone(), false)
        }
        ValidationErrorKind::Maximum { limit } => ProblemKind::Maximum(limit.clone(), true),
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            ProblemKind::Maximum(limit.clone(), false)
        }
        ValidationErrorKind::MinItems { limit } => ProblemKind::MinItems(*limit),
        ValidationErrorKind::MaxItems { limit } => ProblemKind::MaxItems(*limit),
        ValidationErrorKind::MinProperties { limit } => ProblemKind::MinProperties(*limit),
        ValidationErrorKind::UniqueItems => ProblemKind::UniqueItems,
        ValidationErrorKind::OneOfMultipleValid { .. } => ProblemKind::OneOfMultiple,
        ValidationErrorKind::FalseSchema => ProblemKind::NotAllowed,
        _ => ProblemKind::Other(err.to_string()),
    };
    let specificity = match kind {
        ProblemKind::UnknownKeys(_) => depth + 1,
        _ => depth,
    };
    out.push(Problem {
        at,
        schema_at,
        kind,
        specificity,
        order: out.len(),
        branch,
    });
}

/// Picks, among the leaves of one raw error, the one compose-go would show, improved: among
/// equally specific leaves, an error from a branch whose type matched beats a type mismatch,
/// and type mismatches at the same place are merged into one "must be a X or a Y".
fn most_specific(mut candidates: Vec<Problem>) -> Option<Problem> {
    let best = candidates.iter().map(|p| p.specificity).max()?;
    candidates.retain(|p| p.specificity == best);
    if let Some(pos) = candidates
        .iter()
        .position(|p| !matches!(p.kind, ProblemKind::Type(_)))
    {
        let mut chosen = candidates.swap_remove(pos);
        if matches!(chosen.kind, ProblemKind::Required(_)) && chosen.branch != 0 {
            // One missing key per alternative: "needs one of 'a', 'b'".
            let mut names: Vec<String> = Vec::new();
            let mut branches: Vec<usize> = Vec::new();
            for p in std::iter::once(&chosen).chain(candidates.iter()) {
                if let ProblemKind::Required(name) = &p.kind {
                    if p.at == chosen.at && !branches.contains(&p.branch) && !names.contains(name) {
                        branches.push(p.branch);
                        names.push(name.clone());
                    }
                }
            }
            if names.len() > 1 {
                chosen.kind = ProblemKind::RequiredOneOf(names);
            }
        }
        return Some(chosen);
    }
    let mut first = candidates.first()?.clone();
    let mut all_types: Vec<JsonType> = Vec::new();
    for p in &candidates {
        if p.at == first.at {
            if let ProblemKind::Type(ts) = &p.kind {
                for t in ts {
                    if !all_types.contains(t) {
                        all_types.push(*t);
                    }
                }
            }
        }
    }
    first.kind = ProblemKind::Type(all_types);
    Some(first)
}

/// Validates and converts every raw error, most specific first.
fn collect(root: &Node, json: &Json) -> Vec<LoadError> {
    let mut problems: Vec<Problem> = Vec::new();
    for (order, err) in validator().iter_errors(json).enumerate() {
        let mut found = Vec::new();
        leaves(&err, &mut found, 0, &mut 0);
        if let Some(mut p) = most_specific(found) {
            p.order = order;
            p.at = mapping_keys_as_keys(root, p.at);
            problems.push(p);
        }
    }
    // An unknown key reported twice (e.g. by two schema branches) is one problem.
    problems.sort_by(|a, b| {
        b.specificity
            .cmp(&a.specificity)
            .then(a.order.cmp(&b.order))
    });
    let mut errors: Vec<LoadError> = Vec::new();
    for p in &problems {
        for e in describe(root, p) {
            if !errors
                .iter()
                .any(|x| x.path == e.path && x.message == e.message)
            {
                errors.push(e);
            }
        }
    }
    errors
}

/// The validator reports a numeric mapping key (`sysctls: {"1": ...}`) as an index; turn such
/// steps back into keys by following the tree.
fn mapping_keys_as_keys(root: &Node, at: Vec<Step>) -> Vec<Step> {
    let mut node = Some(root);
    at.into_iter()
        .map(|step| {
            let current = node.take();
            match (step, current.map(|n| &n.value)) {
                (Step::Index(i), Some(Value::Map(m))) => {
                    let key = i.to_string();
                    node = m.get(&key);
                    Step::Key(key)
                }
                (Step::Index(i), Some(Value::Seq(items))) => {
                    node = items.get(i);
                    Step::Index(i)
                }
                (Step::Key(k), Some(Value::Map(m))) => {
                    node = m.get(&k);
                    Step::Key(k)
                }
                (step, _) => step,
            }
        })
        .collect()
}

/// Formats a location as compose users write it: `services.web.ports[0]`.
fn dotted(at: &[Step]) -> String {
    let mut out = String::new();
    for step in at {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The node at a location, with the span of the key that leads to it when the last step is a
/// mapping key.
fn locate<'a>(root: &'a Node, at: &[Step]) -> Option<(&'a Node, Option<Span>)> {
    let mut node = root;
    let mut key_span = None;
    for step in at {
        match (step, &node.value) {
            (Step::Key(k), Value::Map(m)) => {
                let entry = m.entry(k)?;
                key_span = Some(entry.key_span);
                node = &entry.value;
            }
            (Step::Index(i), Value::Seq(items)) => {
                node = items.get(*i)?;
                key_span = None;
            }
            // A numeric key of a mapping appears as an index in the instance path.
            (Step::Index(i), Value::Map(m)) => {
                let entry = m.entry(&i.to_string())?;
                key_span = Some(entry.key_span);
                node = &entry.value;
            }
            _ => return None,
        }
    }
    Some((node, key_span))
}

/// The span of the deepest node that exists along a location (never fails).
fn best_span(root: &Node, at: &[Step]) -> Span {
    for len in (0..=at.len()).rev() {
        if let Some((node, _)) = locate(root, &at[..len]) {
            return node.span;
        }
    }
    root.span
}

/// Sets the key path unless it is the document root.
fn with_path(e: LoadError, path: &str) -> LoadError {
    if path.is_empty() {
        e
    } else {
        e.with_path(path)
    }
}

/// Turns one problem into user errors (several for several unknown keys).
fn describe(root: &Node, p: &Problem) -> Vec<LoadError> {
    let path = dotted(&p.at);
    let here = if path.is_empty() {
        "top level".to_owned()
    } else {
        path.clone()
    };
    let located = locate(root, &p.at);
    let node = located.map(|(n, _)| n);
    // An empty (or `null`) value has no text of its own: point at its key.
    let span = match located {
        Some((n, Some(key_span))) if n.is_null() => key_span,
        _ => best_span(root, &p.at),
    };
    let found = node.map(found_name).unwrap_or_else(|| "nothing".to_owned());
    let simple = |message: String| vec![with_path(LoadError::at(span, message), &path)];
    match &p.kind {
        ProblemKind::UnknownKeys(keys) => unknown_keys(root, p, keys),
        ProblemKind::Type(types) if p.at.is_empty() => {
            let e = LoadError::at(
                span,
                format!(
                    "top-level object must be {}, found {found}",
                    type_list(types)
                ),
            );
            vec![match node.map(|n| &n.value) {
                Some(Value::Null) => e.with_hint("the file is empty"),
                _ => e.with_hint("a compose file is a mapping of `services:`, `networks:`..."),
            }]
        }
        ProblemKind::Type(types) => {
            let mut e = with_path(
                LoadError::at(
                    span,
                    format!("{here}: must be {}, found {found}", type_list(types)),
                ),
                &path,
            );
            if let Some(hint) = type_hint(types, node) {
                e = e.with_hint(hint);
            }
            vec![e]
        }
        ProblemKind::Enum(options) => {
            let words: Vec<String> = options.iter().map(show_json).collect();
            let mut e = LoadError::at(
                span,
                format!("{here}: must be one of {}, found {found}", words.join(", ")),
            )
            .with_path(path.clone());
            if let Some(text) = node
                .and_then(Node::as_str)
                .filter(|t| t.chars().count() >= 3)
            {
                let names: Vec<&str> = options.iter().filter_map(Json::as_str).collect();
                if let Some(s) = did_you_mean(text, names.iter().copied()) {
                    e = e.with_hint(format!("did you mean '{s}'?"));
                }
            }
            vec![e]
        }
        ProblemKind::Const(v) => simple(format!("{here}: must be {}, found {found}", show_json(v))),
        ProblemKind::Required(key) => {
            let mut e = LoadError::at(span, format!("{here}: missing required attribute '{key}'"))
                .with_path(path.clone());
            if key == "target" && path.contains(".ports[") {
                e = e.with_hint("a long-syntax port needs the container port as `target`");
            }
            vec![e]
        }
        ProblemKind::RequiredOneOf(keys) => {
            let names: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
            simple(format!(
                "{here}: needs one of the attributes {}",
                names.join(", ")
            ))
        }
        ProblemKind::Pattern(pattern) => vec![pattern_error(span, &path, &here, &found, pattern)],
        ProblemKind::Minimum(limit, inclusive) => simple(format!(
            "{here}: must be {} {limit}, found {found}",
            if *inclusive {
                "at least"
            } else {
                "greater than"
            }
        )),
        ProblemKind::Maximum(limit, inclusive) => simple(format!(
            "{here}: must be {} {limit}, found {found}",
            if *inclusive { "at most" } else { "less than" }
        )),
        ProblemKind::MinItems(n) => {
            simple(format!("{here}: must have at least {n} item{}", plural(*n)))
        }
        ProblemKind::MaxItems(n) => {
            simple(format!("{here}: must have at most {n} item{}", plural(*n)))
        }
        ProblemKind::MinProperties(n) => simple(format!(
            "{here}: must have at least {n} attribute{}",
            plural(*n)
        )),
        ProblemKind::UniqueItems => vec![duplicate_item(span, &path, &here, node)],
        ProblemKind::OneOfMultiple => simple(format!("{here}: matches more than one allowed form")),
        ProblemKind::NotAllowed => match p.at.split_last() {
            Some((Step::Key(key), parent)) => {
                let parent_path = dotted(parent);
                let e = unknown_key_error(root, parent, &parent_path, key, &p.schema_at);
                vec![e]
            }
            _ => simple(format!("{here}: not allowed")),
        },
        ProblemKind::Other(text) => simple(format!("{here}: {text}")),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Errors for keys a mapping does not allow, one per key, in source order, at the key.
fn unknown_keys(root: &Node, p: &Problem, keys: &[String]) -> Vec<LoadError> {
    let parent_path = dotted(&p.at);
    let mut ordered: Vec<&String> = keys.iter().collect();
    if let Some((
        Node {
            value: Value::Map(m),
            ..
        },
        _,
    )) = locate(root, &p.at)
    {
        let pos = |k: &str| {
            m.entries
                .iter()
                .position(|e| e.key == k)
                .unwrap_or(usize::MAX)
        };
        ordered.sort_by_key(|k| pos(k));
    }
    ordered
        .into_iter()
        .map(|key| unknown_key_error(root, &p.at, &parent_path, key, &p.schema_at))
        .collect()
}

fn unknown_key_error(
    root: &Node,
    parent: &[Step],
    parent_path: &str,
    key: &str,
    schema_at: &[Step],
) -> LoadError {
    let mut key_at = parent.to_vec();
    key_at.push(Step::Key(key.to_owned()));
    let span = match locate(root, &key_at) {
        Some((_, Some(key_span))) => key_span,
        Some((node, None)) => node.span,
        None => best_span(root, parent),
    };
    let allowed = allowed_names_at(schema_at);
    let named_map = is_named_map(parent);
    let message = if parent_path.is_empty() {
        format!("unknown top-level attribute '{key}'")
    } else if named_map {
        format!("{parent_path}: invalid name '{key}'")
    } else {
        format!("{parent_path}: unknown attribute '{key}'")
    };
    let mut e = with_path(LoadError::at(span, message), parent_path);
    if named_map {
        e = e.with_hint("names may only contain letters, digits, '.', '_' and '-'");
    } else if let Some(s) = suggest(key, &allowed.names) {
        e = e.with_hint(format!("did you mean '{s}'?"));
    } else if key.starts_with("x_") || key.starts_with("X-") {
        e = e.with_hint("extension attributes must start with 'x-'");
    } else if matches!(parent, [Step::Key(section), _] if section == "jobs")
        && service_attributes().contains(&key)
    {
        e = e.with_hint(format!(
            "'{key}' is a service attribute; jobs do not support it"
        ));
    }
    e
}

/// The attribute a mistyped key most likely meant: a close spelling, or the same letters
/// without separators and case (`projectdir` for `project_directory`, `CapAdd` for `cap_add`).
fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(s) = did_you_mean(word, candidates.iter().copied()) {
        return Some(s);
    }
    let squash = |w: &str| -> String {
        w.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let typed = squash(word);
    if typed.chars().count() < 4 {
        return None;
    }
    candidates.iter().copied().find(|c| {
        let c = squash(c);
        c == typed || c.starts_with(&typed) || typed.starts_with(&c)
    })
}

/// True when the mapping at `at` is keyed by user-chosen names (`services`, `networks`...).
fn is_named_map(at: &[Step]) -> bool {
    matches!(
        at,
        [Step::Key(k)] if matches!(k.as_str(), "services" | "networks" | "volumes" | "secrets" | "configs" | "models" | "jobs")
    )
}

/// What keys a schema object allows: named properties and property-name patterns.
#[derive(Debug, Default)]
struct AllowedKeys {
    /// Declared property names, sorted.
    names: Vec<&'static str>,
    /// `patternProperties` patterns.
    patterns: Vec<&'static str>,
}

impl AllowedKeys {
    /// True when `key` is declared or matches a pattern (only the `^x-` extension pattern and
    /// the name pattern of named mappings occur in the compose schema).
    fn keys_allow(&self, key: &str) -> bool {
        self.names.contains(&key)
            || self.patterns.iter().any(|p| match *p {
                "^x-" => key.starts_with("x-"),
                "^[a-zA-Z0-9._-]+$" => is_valid_name(key),
                _ => false,
            })
    }
}

/// Property names the schema object at an evaluation path allows, resolving `$ref`s.
fn allowed_names_at(schema_at: &[Step]) -> AllowedKeys {
    let doc = schema_document();
    let mut node: &'static Json = doc;
    // The last step is the failing keyword itself; walk to the object that holds it.
    let parent_steps = match schema_at.split_last() {
        Some((_, rest)) => rest,
        None => schema_at,
    };
    for step in parent_steps {
        let key = match step {
            Step::Key(k) => k.clone(),
            Step::Index(i) => i.to_string(),
        };
        if key == "$ref" {
            match node
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(resolve_ref)
            {
                Some(target) => node = target,
                None => return AllowedKeys::default(),
            }
            continue;
        }
        node = match node {
            Json::Object(o) => match o.get(&key) {
                Some(n) => n,
                None => return AllowedKeys::default(),
            },
            Json::Array(a) => match key.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(n) => n,
                None => return AllowedKeys::default(),
            },
            _ => return AllowedKeys::default(),
        };
    }
    let mut allowed = AllowedKeys::default();
    collect_property_names(node, &mut allowed.names, 0);
    collect_patterns(node, &mut allowed.patterns, 0);
    allowed.names.sort_unstable();
    allowed.names.dedup();
    allowed
}

/// Collects `patternProperties` patterns of a schema object, following `$ref` and `allOf`.
fn collect_patterns(schema: &'static Json, out: &mut Vec<&'static str>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(props) = schema.get("patternProperties").and_then(Json::as_object) {
        out.extend(props.keys().map(String::as_str));
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Json::as_str)
        .and_then(resolve_ref)
    {
        collect_patterns(target, out, depth + 1);
    }
    if let Some(parts) = schema.get("allOf").and_then(Json::as_array) {
        for part in parts {
            collect_patterns(part, out, depth + 1);
        }
    }
}

fn resolve_ref(reference: &str) -> Option<&'static Json> {
    let pointer = reference.strip_prefix('#')?;
    schema_document().pointer(pointer)
}

/// Collects `properties` names of a schema object, following `$ref` and `allOf`.
fn collect_property_names(schema: &'static Json, out: &mut Vec<&'static str>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Json::as_object) {
        out.extend(props.keys().map(String::as_str));
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Json::as_str)
        .and_then(resolve_ref)
    {
        collect_property_names(target, out, depth + 1);
    }
    if let Some(parts) = schema.get("allOf").and_then(Json::as_array) {
        for part in parts {
            collect_property_names(part, out, depth + 1);
        }
    }
}

/// "a string", "a string or a number", "a string, a list or a mapping".
fn type_list(types: &[JsonType]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for t in types {
        let name = type_name(*t);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    // `integer` inside `number` is redundant.
    if names.contains(&"a number") {
        names.retain(|n| *n != "an integer");
    }
    match names.split_last() {
        None => "something else".to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "a mapping",
        JsonType::String => "a string",
    }
}

/// The kind of a value, with the value itself for scalars: `a string ('abc')`.
fn found_name(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Int(i) => format!("an integer ({i})"),
        Value::Float(f) => format!("a number ({f})"),
        Value::String(s) => format!("a string ({})", quote(s)),
        Value::Seq(_) => "a list".to_owned(),
        Value::Map(_) => "a mapping".to_owned(),
    }
}

fn quote(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let cut: String = s.chars().take(MAX).collect();
        format!("'{cut}…'")
    } else {
        format!("'{s}'")
    }
}

fn show_json(v: &Json) -> String {
    match v {
        Json::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// A hint for common type mistakes.
fn type_hint(types: &[JsonType], node: Option<&Node>) -> Option<String> {
    let node = node?;
    let wants = |t: JsonType| types.contains(&t);
    match &node.value {
        Value::Null if wants(JsonType::Object) || wants(JsonType::Array) => {
            Some("the value is empty; remove the key or give it a value".to_owned())
        }
        Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)
            if types == [JsonType::Array] =>
        {
            let text = match node.to_json() {
                Json::String(s) => s,
                other => other.to_string(),
            };
            Some(format!("write it as a list, e.g. `[{text}]`"))
        }
        Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)
            if wants(JsonType::Object) && wants(JsonType::Array) && !wants(JsonType::String) =>
        {
            Some("write `KEY: value` lines, or a list of `KEY=value` items".to_owned())
        }
        Value::Map(_) if types == [JsonType::Array] => {
            Some("this attribute takes a list (`- item`), not a mapping".to_owned())
        }
        Value::Bool(b) if wants(JsonType::String) => Some(format!("quote it: \"{b}\"")),
        Value::Int(i) if types == [JsonType::String] => Some(format!("quote it: \"{i}\"")),
        Value::Float(f) if types == [JsonType::String] => Some(format!("quote it: \"{f}\"")),
        _ => None,
    }
}

fn pattern_error(span: Span, path: &str, here: &str, found: &str, pattern: &str) -> LoadError {
    let field = path.rsplit('.').next().unwrap_or(path);
    match field {
        "pull_policy" => LoadError::at(span, format!("{here}: invalid pull policy, found {found}"))
            .with_path(path)
            .with_hint("use always, never, missing, build, if_not_present, refresh, daily, weekly or every_<duration> (e.g. every_12h)"),
        "container_name" => LoadError::at(span, format!("{here}: invalid container name, found {found}"))
            .with_path(path)
            .with_hint("a container name needs at least two characters of letters, digits, '_', '.' or '-', starting with a letter or digit"),
        _ => LoadError::at(span, format!("{here}: {found} does not match the pattern {pattern}")).with_path(path),
    }
}

/// Points at the second occurrence of a duplicated list item.
fn duplicate_item(span: Span, path: &str, here: &str, node: Option<&Node>) -> LoadError {
    if let Some(items) = node.and_then(Node::as_seq) {
        let jsons: Vec<Json> = items.iter().map(Node::to_json).collect();
        for (i, item) in jsons.iter().enumerate() {
            if let Some(j) = jsons.iter().take(i).position(|earlier| earlier == item) {
                let (Some(dup), Some(first)) = (items.get(i), items.get(j)) else {
                    continue;
                };
                let shown = match &dup.value {
                    Value::String(s) => quote(s),
                    _ => item.to_string(),
                };
                let mut e = LoadError::at(dup.span, format!("{here}: duplicate item {shown}"))
                    .with_path(format!("{path}[{i}]"));
                e = if first.span.is_real() {
                    e.with_hint(format!(
                        "it already appears at line {}; items must be unique",
                        first.span.line
                    ))
                } else {
                    e.with_hint("items must be unique")
                };
                return e;
            }
        }
    }
    LoadError::at(span, format!("{here}: items must be unique")).with_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_compiles() {
        let doc = schema_document();
        assert_eq!(
            doc.get("$id").and_then(Json::as_str),
            Some("compose_spec.json")
        );
        assert!(validator().is_valid(&serde_json::json!({"services": {"web": {"image": "x"}}})));
        assert!(!validator().is_valid(&serde_json::json!({"services": {"web": {"imagee": "x"}}})));
    }

    #[test]
    fn go_durations() {
        for ok in [
            "0",
            "1s",
            "1m30s",
            "1.5h",
            "-2ms",
            "300us",
            "1h2m3s4ms",
            "+5s",
            ".5s",
        ] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "1", "1d", "abc", "1s2", "s", "-", "1.s.", "1x"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }

    #[test]
    fn service_attribute_names() {
        let names = service_attributes();
        for n in [
            "image",
            "build",
            "ports",
            "deploy",
            "develop",
            "provider",
            "pre_start",
            "volumes",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(!names.contains(&"triggers"));
    }

    #[test]
    fn suggestions_ignore_separators_and_case() {
        let names = ["project_directory", "path", "env_file", "cap_add"];
        assert_eq!(suggest("projectdir", &names), Some("project_directory"));
        assert_eq!(suggest("CapAdd", &names), Some("cap_add"));
        assert_eq!(suggest("envfile", &names), Some("env_file"));
        assert_eq!(suggest("zzz", &names), None);
    }

    #[test]
    fn definition_attribute_names() {
        assert!(definition_attributes("network").contains(&"driver"));
        assert!(definition_attributes("healthcheck").contains(&"start_interval"));
        assert!(definition_attributes("job").contains(&"triggers"));
        assert!(definition_attributes("job").contains(&"image"));
        assert!(definition_attributes("nope").is_empty());
    }

    #[test]
    fn dotted_paths() {
        let at = vec![
            Step::Key("services".into()),
            Step::Key("web".into()),
            Step::Key("ports".into()),
            Step::Index(0),
        ];
        assert_eq!(dotted(&at), "services.web.ports[0]");
    }
}
