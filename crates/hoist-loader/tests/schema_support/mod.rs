//! Test support for the schema tests: a minimal YAML-to-[`Node`] reader (block and flow
//! collections, plain and quoted scalars, no anchors or tags) that keeps line:col spans, and
//! helpers to run the validator on YAML text.

#![allow(dead_code)]

use hoist_loader::node::{Entry, Mapping};
use hoist_loader::{FileId, LoadError, Node, Span, Value};
use saphyr_parser::{Event, Parser, ScalarStyle};

fn span_of(marker: &saphyr_parser::Marker) -> Span {
    Span {
        file: FileId(0),
        line: marker.line() as u32,
        col: marker.col() as u32 + 1,
        offset: marker.index(),
    }
}

fn scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            if let Ok(i) = text.parse::<i64>() {
                Value::Int(i)
            } else if text.chars().any(|c| c.is_ascii_digit())
                && text
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
            {
                text.parse::<f64>()
                    .map(Value::Float)
                    .unwrap_or_else(|_| Value::String(text.to_owned()))
            } else {
                Value::String(text.to_owned())
            }
        }
    }
}

/// Reads one YAML document into a [`Node`] tree with 1-based line:col spans.
pub fn parse(text: &str) -> Node {
    let mut events = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.expect("test YAML must parse");
        events.push((event, span_of(&span.start)));
    }
    let mut pos = 0;
    while pos < events.len() && !matches!(events[pos].0, Event::DocumentStart(_)) {
        pos += 1;
    }
    pos += 1;
    if matches!(
        events.get(pos).map(|e| &e.0),
        Some(Event::DocumentEnd) | None
    ) {
        return Node::new(
            Value::Null,
            Span {
                file: FileId(0),
                line: 1,
                col: 1,
                offset: 0,
            },
        );
    }
    read(&events, &mut pos)
}

fn read(events: &[(Event<'_>, Span)], pos: &mut usize) -> Node {
    let (event, span) = &events[*pos];
    *pos += 1;
    match event {
        Event::Scalar(text, style, _, _) => Node::new(scalar(text, *style), *span),
        Event::SequenceStart(_, _) => {
            let mut items = Vec::new();
            while !matches!(events[*pos].0, Event::SequenceEnd) {
                items.push(read(events, pos));
            }
            *pos += 1;
            Node::new(Value::Seq(items), *span)
        }
        Event::MappingStart(_, _) => {
            let mut entries = Vec::new();
            while !matches!(events[*pos].0, Event::MappingEnd) {
                let key = read(events, pos);
                let value = read(events, pos);
                let name = match &key.value {
                    Value::String(s) => s.clone(),
                    Value::Int(i) => i.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".to_owned(),
                    other => panic!("unsupported key {other:?}"),
                };
                entries.push(Entry {
                    key: name,
                    key_span: key.span,
                    value,
                });
            }
            *pos += 1;
            Node::new(Value::Map(Mapping { entries }), *span)
        }
        other => panic!("unsupported YAML event {other:?}"),
    }
}

/// Validates YAML text and returns the error `validate` reports.
pub fn first_error(yaml: &str) -> LoadError {
    let root = parse(yaml);
    match hoist_loader::schema::validate(&root) {
        Ok(()) => panic!("expected a schema error for:\n{yaml}"),
        Err(e) => e,
    }
}

/// `line:col` of an error.
pub fn at(e: &LoadError) -> String {
    match e.span {
        Some(s) => format!("{}:{}", s.line, s.col),
        None => "-".to_owned(),
    }
}

/// Asserts that YAML text is valid.
pub fn assert_valid(yaml: &str) {
    let root = parse(yaml);
    if let Err(e) = hoist_loader::schema::validate(&root) {
        panic!("expected valid, got `{e}` at {} for:\n{yaml}", at(&e));
    }
}
