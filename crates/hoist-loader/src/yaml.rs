//! Stage 3 of the loader: YAML text to spanned [`Node`] trees, one per document.
//!
//! The events of `saphyr-parser` (or of `fast`, which produces the same events several times
//! faster for the YAML most compose files use) are assembled into [`Node`]s here, with the
//! rules of the YAML library compose uses (go-yaml v4), checked against `docker compose config`:
//!
//! - Scalars are resolved by `resolve` (YAML 1.2 core schema plus Go's integer rules: `yes` is
//!   a string, `0755` is 493, `08` is 8.0). Quoted and block scalars are strings; `!!int`,
//!   `!!float`, `!!str`… are honoured; any other tag (`!foo`, `!reset`, `!override`) leaves a
//!   scalar as its text, as compose does. Timestamps become compose's RFC 3339 text; integers
//!   that only fit `u64` become floats (the tree has no `u64`).
//! - Anchors are expanded by cloning; an alias node takes the alias's position, its children
//!   keep theirs. Expansion is capped at [`MAX_ALIAS_NODES`] nodes ("excessive aliasing").
//! - `<<` merge keys: explicit keys win, earlier merged mappings win over later ones, merged
//!   entries appear where the `<<` was. A `!reset` / `!override` on the `<<` value moves to
//!   the mapping holding it.
//! - `!reset` / `!override` are recorded on [`Node::tag`]; the node itself is kept (removing
//!   a reset value is the merge stage's job).
//! - Duplicate keys are errors naming both lines; collections as keys are errors; a
//!   non-string scalar key is reported after the document parsed otherwise cleanly, with
//!   compose's wording (`non-string key in services: 1`).
//!
//! Every node and key keeps the [`Span`] of its first character (an anchor or tag, if any; for
//! block scalars the `|` / `>` indicator), with the parser's character positions converted to
//! byte offsets here.
//!
//! The next stage is interpolation ([`crate::interpolate`]); deciding that an empty file or a
//! non-mapping document is an error is left to the caller.

mod fast;
mod resolve;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use crate::error::{LoadError, Result};
use crate::node::{Entry, Mapping, Node, Tag, Value};
use crate::source::{FileId, Span};
use resolve::Scalar;

/// Most nodes that alias expansion may create in one document before it is rejected as an
/// alias bomb (`&a [*b, *b, …]` chains grow exponentially).
pub const MAX_ALIAS_NODES: usize = 250_000;

/// Deepest nesting of sequences and mappings accepted, so that later recursive stages cannot
/// overflow the stack.
pub const MAX_DEPTH: usize = 512;

/// Parses YAML text (possibly several `---` documents) into one Node per document.
///
/// A file with no document at all (empty, or only comments) gives an empty vector; a document
/// with no content (`---` alone) gives a [`Value::Null`] node. A leading UTF-8 byte order mark
/// is skipped (byte offsets still count it).
///
/// Most compose files are read by the fast path (`yaml::fast`); anything it does not handle, or
/// any error, is parsed again from scratch by `saphyr-parser`, with identical results.
pub fn parse(text: &str, file: FileId) -> Result<Vec<Node>> {
    let (body, bom_len) = strip_bom(text);
    let mut builder = Builder::new();
    let fast = fast::events(body, bom_len, file, |event, span| {
        builder.on_event(event, span).map_err(|_| fast::Bail)
    });
    match fast {
        Ok(()) => Ok(builder.documents),
        Err(fast::Bail) => parse_reference(text, file),
    }
}

/// [`parse`] without the fast path: `saphyr-parser` alone (the reference, for tests).
#[doc(hidden)]
pub fn parse_reference(text: &str, file: FileId) -> Result<Vec<Node>> {
    let (body, bom_len) = strip_bom(text);
    let positions = Positions::new(body, bom_len, file);
    let mut parser = Parser::new_from_str(body);
    let mut builder = Builder::new();
    while let Some(next) = parser.next_event() {
        let (event, span) =
            next.map_err(|e| builder.with_path(syntax_error(&e, &positions, body)))?;
        let start = event_start(body, &positions, &event, span.start);
        builder.on_event(event, start)?;
    }
    Ok(builder.documents)
}

/// The events and spans `saphyr-parser` gives the builder for `text`, or its error message
/// (for tests of the fast path).
#[doc(hidden)]
pub fn reference_events(
    text: &str,
    file: FileId,
) -> std::result::Result<Vec<(Event<'_>, Span)>, String> {
    let (body, bom_len) = strip_bom(text);
    let positions = Positions::new(body, bom_len, file);
    let mut events = Vec::new();
    for next in Parser::new_from_str(body) {
        let (event, span) = next.map_err(|e| e.to_string())?;
        let start = event_start(body, &positions, &event, span.start);
        events.push((event, start));
    }
    Ok(events)
}

/// The events and spans the fast path gives the builder for `text`, or `None` where it gives
/// up (for tests).
#[doc(hidden)]
pub fn fast_events(text: &str, file: FileId) -> Option<Vec<(Event<'_>, Span)>> {
    let (body, bom_len) = strip_bom(text);
    let mut events = Vec::new();
    fast::events(body, bom_len, file, |event, span| {
        events.push((event, span));
        Ok(())
    })
    .ok()?;
    Some(events)
}

/// The text after a leading byte order mark, and the mark's length in bytes.
fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (text, 0),
    }
}

/// The position the builder is given for an event that saphyr reported at `marker`.
fn event_start(body: &str, positions: &Positions, event: &Event<'_>, marker: Marker) -> Span {
    let start = positions.span(marker);
    if let Event::Scalar(_, ScalarStyle::Literal | ScalarStyle::Folded, ..) = event {
        return block_scalar_header(body, positions.base, start).unwrap_or(start);
    }
    start
}

/// Converts the parser's positions (character index, 1-based line, 0-based column) to [`Span`]s.
struct Positions {
    file: FileId,
    /// Bytes skipped before the parsed text (a byte order mark).
    base: usize,
    /// Byte offset of every character, when the text is not pure ASCII (plus one past the end).
    char_offsets: Option<Vec<usize>>,
    /// Length of the parsed text in bytes.
    len: usize,
}

impl Positions {
    fn new(text: &str, base: usize, file: FileId) -> Self {
        let char_offsets = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        Positions {
            file,
            base,
            char_offsets,
            len: text.len(),
        }
    }

    fn byte_offset(&self, char_index: usize) -> usize {
        let offset = match &self.char_offsets {
            None => char_index.min(self.len),
            Some(table) => table.get(char_index).copied().unwrap_or(self.len),
        };
        offset + self.base
    }

    fn span(&self, m: Marker) -> Span {
        Span {
            file: self.file,
            line: u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
            col: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
            offset: self.byte_offset(m.index()),
        }
    }
}

/// The position of the `|` or `>` that introduces a block scalar whose content the parser
/// reported at `content` (the parser points at the first content line, compose at the
/// indicator). Only blank lines may separate the two; otherwise `None`.
/// `base` is the number of bytes before `text` in the file (a byte order mark).
fn block_scalar_header(text: &str, base: usize, content: Span) -> Option<Span> {
    let content_at = content.offset.checked_sub(base)?;
    let mut end = text.get(..content_at)?.rfind('\n')?;
    let mut line = content.line;
    loop {
        line = line.checked_sub(1).filter(|l| *l >= 1)?;
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let candidate = text[start..end].trim_end_matches('\r');
        if let Some(col) = header_indicator(candidate) {
            let prefix = &candidate[..col];
            return Some(Span {
                file: content.file,
                line,
                col: u32::try_from(prefix.chars().count() + 1).ok()?,
                offset: base + start + col,
            });
        }
        if !candidate.trim().is_empty() || start == 0 {
            return None;
        }
        end = start - 1;
    }
}

/// The byte index of a block scalar indicator ending `line` (`|`, `>-`, `|2+ # comment`…).
fn header_indicator(line: &str) -> Option<usize> {
    let code = match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    };
    let code = code.trim_end();
    let rest = code.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    rest.ends_with(['|', '>']).then(|| rest.len() - 1)
}

/// Turns a parser error into a [`LoadError`] at the place the parser stopped.
fn syntax_error(e: &ScanError, positions: &Positions, text: &str) -> LoadError {
    let span = positions.span(*e.marker());
    let info = e.info();
    let mut err = LoadError::at(span, format!("invalid YAML: {info}"));
    let at = span.offset.saturating_sub(positions.base);
    let line_start = text
        .get(..at)
        .map_or(0, |before| before.rfind('\n').map_or(0, |i| i + 1));
    let line = text
        .get(line_start..)
        .and_then(|rest| rest.lines().next())
        .unwrap_or("");
    let near_tab = line.contains('\t') || info.contains("tab");
    if near_tab {
        err = err.with_hint("YAML does not allow tabs for indentation; indent with spaces");
    } else if info.contains("mapping values are not allowed") {
        err = err.with_hint("a value containing `: ` must be quoted, or the indentation is wrong");
    } else if info.contains("expected") || info.contains("unexpected end") {
        err = err.with_hint("check for an unclosed quote or bracket, or inconsistent indentation");
    }
    err
}

/// A key waiting for its value.
struct PendingKey {
    /// The key as a string (for non-string keys, how the error message shows it).
    text: String,
    span: Span,
    /// True for a plain `<<`.
    is_merge: bool,
}

/// One item of a mapping under construction, in source order.
enum MapItem {
    Entry(Entry),
    /// The mappings named by a `<<` key, earliest first.
    Merge(Vec<Mapping>),
}

/// The part of a collection under construction that depends on its kind.
enum FrameKind {
    Seq(Vec<Node>),
    Map {
        items: Vec<MapItem>,
        pending: Option<PendingKey>,
        /// Where a `<<` key was written, if one was.
        merge_key: Option<Span>,
        /// Key positions by key, built once the mapping grows past [`SMALL_MAP`] entries.
        index: Option<HashMap<String, Span>>,
    },
}

/// A sequence or mapping whose end event has not been seen yet.
struct Frame {
    span: Span,
    tag: Option<Tag>,
    anchor: usize,
    kind: FrameKind,
}

/// What a finished node means when it is used as a mapping key.
struct KeyInfo {
    /// True when the node is a string (a timestamp, although kept as text, is not).
    is_string: bool,
    /// True for a plain `<<`.
    is_merge: bool,
}

/// Assembles parser events into documents.
struct Builder {
    stack: Vec<Frame>,
    /// Anchored nodes of the current document, by the parser's anchor id, with their size.
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes created by alias expansion so far in this document.
    alias_nodes: usize,
    root: Option<Node>,
    /// The first non-string key of the document: reported once the document parsed cleanly,
    /// like compose, which checks keys after decoding.
    non_string_key: Option<LoadError>,
    documents: Vec<Node>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            root: None,
            non_string_key: None,
            documents: Vec::new(),
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<()> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                self.root = None;
                self.anchors.clear();
                self.alias_nodes = 0;
                self.non_string_key = None;
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(err) = self.non_string_key.take() {
                    return Err(err);
                }
                let root = self
                    .root
                    .take()
                    .unwrap_or_else(|| Node::new(Value::Null, span));
                self.documents.push(root);
                self.anchors.clear();
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                let (node, info) = self.scalar(text, style, tag.as_deref(), span)?;
                self.finish(node, anchor, info)
            }
            Event::Alias(id) => {
                let (node, size) = match self.anchors.get(&id) {
                    Some(found) => found,
                    None if self.stack.iter().any(|f| f.anchor == id) => {
                        return Err(self
                            .error(
                                span,
                                "cycle detected: an alias refers to a node that contains it",
                            )
                            .with_hint(
                                "an anchor can only be used after the node it names is complete",
                            ));
                    }
                    None => return Err(self.error(span, "unknown anchor referenced")),
                };
                self.alias_nodes = self.alias_nodes.saturating_add(*size);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(self
                        .error(span, format!("excessive aliasing: aliases expand to more than {MAX_ALIAS_NODES} nodes"))
                        .with_hint("this looks like an alias bomb (anchors that alias each other many times)"));
                }
                let mut node = node.clone();
                node.span = span;
                let info = KeyInfo {
                    is_string: matches!(node.value, Value::String(_)),
                    is_merge: false,
                };
                self.finish(node, 0, info)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(span, anchor, tag.as_deref(), FrameKind::Seq(Vec::new()))
            }
            Event::MappingStart(anchor, tag) => self.open(
                span,
                anchor,
                tag.as_deref(),
                FrameKind::Map {
                    items: Vec::new(),
                    pending: None,
                    merge_key: None,
                    index: None,
                },
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(self.error(span, "unbalanced collection end"));
                };
                let value = match frame.kind {
                    FrameKind::Seq(items) => Value::Seq(items),
                    FrameKind::Map { items, .. } => Value::Map(apply_merges(items)),
                };
                let node = Node {
                    value,
                    span: frame.span,
                    tag: frame.tag,
                };
                let info = KeyInfo {
                    is_string: false,
                    is_merge: false,
                };
                self.finish(node, frame.anchor, info)
            }
        }
    }

    /// Starts a sequence or mapping.
    fn open(
        &mut self,
        span: Span,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
        kind: FrameKind,
    ) -> Result<()> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                span,
                format!("collections are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        if let Some(Frame {
            kind: FrameKind::Map { pending: None, .. },
            ..
        }) = self.stack.last()
        {
            let what = if matches!(kind, FrameKind::Seq(_)) {
                "a sequence"
            } else {
                "a mapping"
            };
            return Err(self
                .error(span, format!("{what} cannot be used as a mapping key"))
                .with_hint("mapping keys must be strings"));
        }
        self.stack.push(Frame {
            span,
            tag: compose_tag(tag),
            anchor,
            kind,
        });
        Ok(())
    }

    /// Resolves a scalar event to a node.
    fn scalar(
        &self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        span: Span,
    ) -> Result<(Node, KeyInfo)> {
        let plain = matches!(style, ScalarStyle::Plain);
        let is_merge = plain && tag.is_none() && text == "<<";
        let resolved = match tag {
            None if plain => resolve::resolve_plain(text),
            // The parser's string is kept, not copied.
            None => Scalar::Str(text.into_owned()),
            Some(t) if t.is_yaml_core_schema() => {
                resolve::resolve_tagged(&t.suffix, &text).map_err(|msg| self.error(span, msg))?
            }
            Some(_) => Scalar::Str(text.into_owned()),
        };
        let is_string = matches!(resolved, Scalar::Str(_));
        let value = match resolved {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::Int(i),
            Scalar::UInt(u) => Value::Float(u as f64),
            Scalar::Float(f) => Value::Float(f),
            Scalar::Timestamp(s) | Scalar::Str(s) => Value::String(s),
        };
        let node = Node {
            value,
            span,
            tag: compose_tag(tag),
        };
        Ok((
            node,
            KeyInfo {
                is_string,
                is_merge,
            },
        ))
    }

    /// Places a finished node: records its anchor, then adds it to the enclosing collection
    /// (as an item, a key or a value) or makes it the document root.
    fn finish(&mut self, node: Node, anchor: usize, info: KeyInfo) -> Result<()> {
        if anchor != 0 {
            let size = count_nodes(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let Some((frame, parents)) = self.stack.split_last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map {
                items,
                pending,
                merge_key,
                index,
            } => {
                match pending.take() {
                    None => {
                        let key_span = node.span;
                        let text = match node.value {
                            Value::String(s) if info.is_string => s,
                            Value::Seq(_) | Value::Map(_) => {
                                return Err(LoadError::at(
                                    key_span,
                                    "a collection cannot be used as a mapping key",
                                )
                                .with_path(path_below(parents))
                                .with_hint("mapping keys must be strings"));
                            }
                            other => {
                                let shown = key_display(&other);
                                if self.non_string_key.is_none() {
                                    let path = path_below(parents);
                                    let message = if path.is_empty() {
                                        format!("non-string key at top level: {shown}")
                                    } else {
                                        format!("non-string key in {path}: {shown}")
                                    };
                                    let mut err = LoadError::at(key_span, message)
                                        .with_hint(format!("quote the key: \"{shown}\""));
                                    if !path.is_empty() {
                                        err = err.with_path(path);
                                    }
                                    self.non_string_key = Some(err);
                                }
                                shown
                            }
                        };
                        *pending = Some(PendingKey {
                            text,
                            span: key_span,
                            is_merge: info.is_merge,
                        });
                    }
                    Some(key) => {
                        if let Some(first) =
                            previous_key(items, *merge_key, index.as_ref(), &key.text)
                        {
                            return Err(LoadError::at(
                            key.span,
                            format!("mapping key \"{}\" already defined at line {}", key.text, first.line),
                        )
                        .with_path(join_path(&path_below(parents), &key.text))
                        .with_hint("a key may appear only once in a mapping; remove or rename one of them"));
                        }
                        if let Some(index) = index.as_mut() {
                            index.insert(key.text.clone(), key.span);
                        } else if items.len() >= SMALL_MAP {
                            let mut built = key_index(items, *merge_key);
                            built.insert(key.text.clone(), key.span);
                            *index = Some(built);
                        }
                        if key.is_merge {
                            *merge_key = Some(key.span);
                        }
                        if key.is_merge {
                            let (sources, tag) = merge_sources(node).map_err(|bad| {
                            LoadError::at(bad, "map merge requires map or sequence of maps as the value")
                                .with_path(join_path(&path_below(parents), "<<"))
                                .with_hint("`<<` takes an alias to a mapping (`<<: *base`) or a list of them")
                        })?;
                            frame.tag = frame.tag.or(tag);
                            items.push(MapItem::Merge(sources));
                        } else {
                            items.push(MapItem::Entry(Entry {
                                key: key.text,
                                key_span: key.span,
                                value: node,
                            }));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The dotted key path of the innermost open collection (`services.web.ports[0]`).
    fn path(&self) -> String {
        path_below(self.stack.split_last().map_or(&[], |(_, parents)| parents))
    }

    fn error(&self, span: Span, message: impl Into<String>) -> LoadError {
        self.with_path(LoadError::at(span, message))
    }

    /// Adds the path of the place the builder has reached to an error.
    fn with_path(&self, err: LoadError) -> LoadError {
        let mut path = self.path();
        if let Some(frame) = self.stack.last() {
            match &frame.kind {
                FrameKind::Seq(items) => path.push_str(&format!("[{}]", items.len())),
                FrameKind::Map {
                    pending: Some(key), ..
                } => path = join_path(&path, &key.text),
                FrameKind::Map { pending: None, .. } => {}
            }
        }
        if path.is_empty() {
            err
        } else {
            err.with_path(path)
        }
    }
}

/// The dotted key path of the collection whose enclosing open collections are `parents`.
fn path_below(parents: &[Frame]) -> String {
    let mut path = String::new();
    for frame in parents {
        match &frame.kind {
            FrameKind::Seq(items) => path.push_str(&format!("[{}]", items.len())),
            FrameKind::Map { pending, .. } => {
                let key = pending.as_ref().map_or("", |k| k.text.as_str());
                path = join_path(&path, key);
            }
        }
    }
    path
}

/// Mappings up to this many entries find duplicate keys by scanning rather than hashing.
const SMALL_MAP: usize = 16;

/// Where `key` was already written in a mapping under construction, if it was.
fn previous_key(
    items: &[MapItem],
    merge_key: Option<Span>,
    index: Option<&HashMap<String, Span>>,
    key: &str,
) -> Option<Span> {
    if let Some(index) = index {
        return index.get(key).copied();
    }
    if key == "<<" && merge_key.is_some() {
        return merge_key;
    }
    items.iter().find_map(|item| match item {
        MapItem::Entry(e) if e.key == key => Some(e.key_span),
        _ => None,
    })
}

/// A key index of the entries so far (and the `<<` key, if any).
fn key_index(items: &[MapItem], merge_key: Option<Span>) -> HashMap<String, Span> {
    let mut index: HashMap<String, Span> = items
        .iter()
        .filter_map(|item| match item {
            MapItem::Entry(e) => Some((e.key.clone(), e.key_span)),
            MapItem::Merge(_) => None,
        })
        .collect();
    if let Some(span) = merge_key {
        index.entry("<<".to_string()).or_insert(span);
    }
    index
}

/// `parent.key`, or `key` at the top.
fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `!reset` / `!override` from a parser tag; other tags are not compose's business.
fn compose_tag(tag: Option<&saphyr_parser::Tag>) -> Option<Tag> {
    let tag = tag?;
    if tag.handle != "!" {
        return None;
    }
    match tag.suffix.as_str() {
        "reset" => Some(Tag::Reset),
        "override" => Some(Tag::Override),
        _ => None,
    }
}

/// How a scalar key that is not a string is shown in the error about it.
fn key_display(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s.clone(),
        Value::Seq(_) => "a sequence".to_string(),
        Value::Map(_) => "a mapping".to_string(),
    }
}

/// The mappings a `<<` value names, or the span of the first value that is not a mapping.
///
/// A `!reset` / `!override` on the `<<` value (or on one of the listed mappings) is returned
/// too: compose applies it to the mapping that holds the `<<` key.
fn merge_sources(node: Node) -> std::result::Result<(Vec<Mapping>, Option<Tag>), Span> {
    match node.value {
        Value::Map(m) => Ok((vec![m], node.tag)),
        Value::Seq(items) => {
            let mut tag = node.tag;
            let mut maps = Vec::with_capacity(items.len());
            for item in items {
                match item.value {
                    Value::Map(m) => {
                        tag = tag.or(item.tag);
                        maps.push(m);
                    }
                    _ => return Err(item.span),
                }
            }
            Ok((maps, tag))
        }
        _ => Err(node.span),
    }
}

/// Builds a mapping from its items, expanding `<<` merges in place: explicit keys win over
/// merged ones, and among merged mappings the first to provide a key wins.
fn apply_merges(items: Vec<MapItem>) -> Mapping {
    let has_merge = items.iter().any(|i| matches!(i, MapItem::Merge(_)));
    if !has_merge {
        let entries = items
            .into_iter()
            .filter_map(|i| match i {
                MapItem::Entry(e) => Some(e),
                MapItem::Merge(_) => None,
            })
            .collect();
        return Mapping { entries };
    }
    let explicit: HashSet<String> = items
        .iter()
        .filter_map(|i| match i {
            MapItem::Entry(e) => Some(e.key.clone()),
            MapItem::Merge(_) => None,
        })
        .collect();
    let mut merged: HashSet<String> = HashSet::new();
    let mut entries = Vec::new();
    for item in items {
        match item {
            MapItem::Entry(e) => entries.push(e),
            MapItem::Merge(sources) => {
                for source in sources {
                    for e in source.entries {
                        if !explicit.contains(&e.key) && merged.insert(e.key.clone()) {
                            entries.push(e);
                        }
                    }
                }
            }
        }
    }
    Mapping { entries }
}

/// Number of nodes in a tree (the node itself included).
fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(m) => {
            1 + m
                .entries
                .iter()
                .map(|e| 1 + count_nodes(&e.value))
                .sum::<usize>()
        }
        _ => 1,
    }
}
