//! A fast path for [`super::parse`]: a hand-written scanner for the subset of YAML that nearly
//! all compose files use, producing exactly the `(Event, Span)` stream that `saphyr-parser`
//! (through [`super::Positions`]) produces for the same text, several times faster.
//!
//! `saphyr-parser` stays the reference: whenever the text holds anything outside the subset,
//! or anything this module is not sure about (errors included), [`events`] returns [`Bail`]
//! and the caller parses the whole text again with saphyr. Nothing here ever reports an error.
//!
//! The subset:
//! - block mappings and block sequences at any indentation, compact forms (`- key: value`,
//!   `- - item`) and sequences written at the indentation of their parent key;
//! - single-line scalars: plain (with YAML's rules for `: `, ` #`, leading `-`, `?`, `:`),
//!   single-quoted (`''`) and double-quoted (every escape saphyr knows, except escaped line
//!   breaks);
//! - block scalars (`|`, `>`, with `-` or `+`, without an indentation indicator) in a text
//!   that ends with a line break;
//! - flow collections that open and close on one line, nested or not, whose mapping entries
//!   are `key: value` (`[a, "b", 'c']`, `{a: 1, b: [x, y]}`, `[]`, `{}`);
//! - comments, blank lines, and one `---` before the content.
//!
//! It gives up on tabs, carriage returns, other control characters, a byte order mark after
//! the first character, anchors, aliases, tags, directives, `...`, a second document,
//! multi-line plain or quoted scalars, block scalars with an indentation indicator, flow
//! collections over several lines, flow entries other than a node or `key: value`, trailing
//! commas and comments in flow collections, complex keys (`?`), keys longer than 1000 bytes,
//! and any text saphyr would reject. Text that is not ASCII is accepted: columns are counted
//! in characters and offsets in bytes, as [`super::Positions`] does.
//!
//! `tests/yaml_fast_oracle.rs` checks this: it compares the two event streams on every YAML
//! file of the repository and on generated and mutated documents.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

use crate::source::{FileId, Span};

/// The fast path gave up; the caller parses the text with saphyr instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bail;

type Res<T = ()> = Result<T, Bail>;

/// Longest simple key accepted, in bytes, from its first character to its `:` (saphyr stops
/// considering a simple key 1024 characters on).
const MAX_KEY_LEN: usize = 1000;

/// Feeds the events of `body` (text after any byte order mark, which was `base` bytes long) to
/// `sink`, in order, or gives up. A sink error also gives up: the caller then starts again
/// with saphyr, so what `sink` received must be thrown away.
pub(crate) fn events<'a, F>(body: &'a str, base: usize, file: FileId, sink: F) -> Res
where
    F: FnMut(Event<'a>, Span) -> Res,
{
    let ascii = check_bytes(body)?;
    if u32::try_from(body.len()).is_err() {
        return Err(Bail);
    }
    let mut fast = Fast {
        text: body,
        b: body.as_bytes(),
        base,
        file,
        ascii,
        pos: 0,
        line: 1,
        line_start: 0,
        sink,
    };
    fast.stream()
}

/// Checks that `text` has no byte the fast path does not handle (control characters other
/// than `\n`, tabs and carriage returns included; a byte order mark); returns whether it is
/// ASCII.
fn check_bytes(text: &str) -> Res<bool> {
    let mut high = 0u8;
    // Chunks without an early exit inside, so that the compiler vectorises the loop.
    for chunk in text.as_bytes().chunks(64) {
        let mut bad = false;
        for &b in chunk {
            bad |= (b < 0x20) & (b != b'\n') | (b == 0x7f);
            high |= b;
        }
        if bad {
            return Err(Bail);
        }
    }
    let ascii = high < 0x80;
    if !ascii && text.contains('\u{feff}') {
        return Err(Bail);
    }
    Ok(ascii)
}

/// True for a byte (or the end of the text) that may follow `-`, `:` or `?` for them to be
/// indicators in block context: a space, a line break or nothing.
fn blank_or_end(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\n'))
}

/// True for the flow indicators `,[]{}`.
fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// True for bytes that cannot start a plain scalar whatever follows them.
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b',' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// A scalar read from the text, with the position of its first character (or quote).
struct Scalar<'a> {
    text: Cow<'a, str>,
    style: ScalarStyle,
    span: Span,
}

/// What ends a scalar in block context.
enum Follow {
    /// A `:` indicator at this byte offset: the scalar is a mapping key.
    Colon(usize),
    /// The end of the line (after any comment): the cursor is at the `\n` or the end.
    Eol,
}

/// The scanner and parser state.
struct Fast<'a, F> {
    text: &'a str,
    b: &'a [u8],
    /// Bytes before `text` in the file (a byte order mark).
    base: usize,
    file: FileId,
    /// True when `text` is ASCII, so that columns are byte counts.
    ascii: bool,
    /// The cursor (a byte offset in `text`).
    pos: usize,
    /// The 1-based line of the cursor.
    line: u32,
    /// Where the cursor's line starts.
    line_start: usize,
    sink: F,
}

impl<'a, F> Fast<'a, F>
where
    F: FnMut(Event<'a>, Span) -> Res,
{
    /// The span of byte `pos` of the cursor's line.
    fn span(&self, pos: usize) -> Span {
        let col = if self.ascii {
            pos - self.line_start
        } else {
            self.text[self.line_start..pos].chars().count()
        };
        Span {
            file: self.file,
            line: self.line,
            // Cannot truncate: the text is shorter than `u32::MAX` bytes.
            col: col as u32 + 1,
            offset: self.base + pos,
        }
    }

    /// Where saphyr puts the end of the stream: on the line after the last one when the text
    /// does not end with a line break, at column 1.
    fn end_span(&self) -> Span {
        let line = if self.b.len() > self.line_start {
            self.line + 1
        } else {
            self.line
        };
        Span {
            file: self.file,
            line,
            col: 1,
            offset: self.base + self.b.len(),
        }
    }

    /// Where saphyr ends a block collection in column `indent` that ends at the cursor: the
    /// cursor itself, or at the end of the text, the end of the stream. There, collections
    /// deeper than the last line's length are closed before saphyr moves its mark to the
    /// next line, so they end at the very end of the last line.
    fn end_of(&self, indent: usize) -> Span {
        if !self.at_end() {
            return self.span(self.pos);
        }
        let last = self.span(self.b.len());
        if indent + 1 > last.col as usize {
            last
        } else {
            self.end_span()
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// The column of the cursor (0-based). Only used at the first content of a line or after
    /// `- `, where everything before the cursor on its line is ASCII.
    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn emit(&mut self, event: Event<'a>, span: Span) -> Res {
        (self.sink)(event, span)
    }

    fn emit_scalar(&mut self, scalar: Scalar<'a>) -> Res {
        self.emit(
            Event::Scalar(scalar.text, scalar.style, 0, None),
            scalar.span,
        )
    }

    /// An empty plain scalar (a null value) at `span`.
    fn emit_empty(&mut self, span: Span) -> Res {
        self.emit(
            Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
            span,
        )
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// Moves the cursor to the end of its line (the `\n` or the end of the text).
    fn skip_comment(&mut self) {
        self.pos = match self.b[self.pos..].iter().position(|&b| b == b'\n') {
            Some(i) => self.pos + i,
            None => self.b.len(),
        };
    }

    /// Skips spaces and a comment (which must follow a space) to the end of the line;
    /// anything else there gives up.
    fn finish_line(&mut self) -> Res {
        let before = self.pos;
        self.skip_spaces();
        match self.peek() {
            None | Some(b'\n') => Ok(()),
            Some(b'#') if self.pos > before => {
                self.skip_comment();
                Ok(())
            }
            _ => Err(Bail),
        }
    }

    /// From the end of a line (at its `\n` or the end of the text), moves the cursor to the
    /// first character of the next line with content, skipping blank and comment lines.
    fn next_line(&mut self) -> Res {
        if self.pos < self.b.len() {
            self.newline();
        }
        self.skip_blank_lines();
        self.check_marker()
    }

    /// Steps over the `\n` at the cursor.
    fn newline(&mut self) {
        debug_assert_eq!(self.b[self.pos], b'\n');
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    /// From the start of a line, moves the cursor to the first character of the first line
    /// with content (or to the end of the text).
    fn skip_blank_lines(&mut self) {
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b'\n') => {}
                Some(b'#') => {
                    self.skip_comment();
                    if self.at_end() {
                        return;
                    }
                }
                _ => return,
            }
            self.pos += 1;
            self.line += 1;
            self.line_start = self.pos;
        }
    }

    /// Gives up on a line starting with `---` or `...` (document markers).
    fn check_marker(&self) -> Res {
        let rest = &self.b[self.pos..];
        if self.pos == self.line_start && (rest.starts_with(b"---") || rest.starts_with(b"...")) {
            return Err(Bail);
        }
        Ok(())
    }

    /// The whole stream: at most one document, whose content is a block collection.
    fn stream(&mut self) -> Res {
        let start = Span {
            file: self.file,
            line: 1,
            col: 1,
            offset: self.base,
        };
        self.emit(Event::StreamStart, start)?;
        self.skip_blank_lines();
        if self.at_end() {
            return self.emit(Event::StreamEnd, self.end_span());
        }
        let rest = &self.b[self.pos..];
        let explicit =
            self.pos == self.line_start && rest.starts_with(b"---") && blank_or_end(rest.get(3));
        let doc_span = self.span(self.pos);
        if explicit {
            self.pos += 3;
            self.finish_line()?;
            self.next_line()?;
            if self.at_end() {
                return Err(Bail);
            }
        } else {
            self.check_marker()?;
        }
        self.emit(Event::DocumentStart(explicit), doc_span)?;
        let col = self.col();
        self.block_collection(col)?;
        if !self.at_end() {
            return Err(Bail);
        }
        let end = self.end_span();
        self.emit(Event::DocumentEnd, end)?;
        self.emit(Event::StreamEnd, end)
    }

    /// True when the cursor is at a block sequence entry (`-` followed by a space or a line
    /// break).
    fn at_entry(&self) -> bool {
        self.peek() == Some(b'-') && blank_or_end(self.b.get(self.pos + 1))
    }

    /// A block sequence or mapping whose first entry starts at the cursor, in column `col`.
    fn block_collection(&mut self, col: usize) -> Res {
        if self.at_entry() {
            return self.sequence(col, false);
        }
        match self.block_scalar()? {
            (key, Follow::Colon(colon)) => self.mapping(col, key, colon),
            (_, Follow::Eol) => Err(Bail),
        }
    }

    /// A block mapping in column `indent` whose first key has been read.
    fn mapping(&mut self, indent: usize, first: Scalar<'a>, colon: usize) -> Res {
        self.emit(Event::MappingStart(0, None), first.span)?;
        let (mut key, mut colon) = (first, colon);
        loop {
            self.emit_scalar(key)?;
            self.mapping_value(indent, colon)?;
            if self.at_end() {
                break;
            }
            let col = self.col();
            if col < indent {
                break;
            }
            if col > indent || self.at_entry() {
                return Err(Bail);
            }
            match self.block_scalar()? {
                (next, Follow::Colon(c)) => (key, colon) = (next, c),
                (_, Follow::Eol) => return Err(Bail),
            }
        }
        self.emit(Event::MappingEnd, self.end_of(indent))
    }

    /// The value of a key of the mapping in column `indent` whose `:` is at `colon`; leaves
    /// the cursor at the next line with content.
    fn mapping_value(&mut self, indent: usize, colon: usize) -> Res {
        let colon_span = self.span(colon);
        self.pos = colon + 1;
        self.skip_spaces();
        match self.peek() {
            None | Some(b'\n' | b'#') => {
                self.skip_comment();
                self.next_line()?;
                if self.at_end() {
                    return self.emit_empty(colon_span);
                }
                let col = self.col();
                if col > indent {
                    self.block_collection(col)
                } else if col == indent && self.at_entry() {
                    self.sequence(indent, true)
                } else {
                    self.emit_empty(colon_span)
                }
            }
            Some(_) => self.inline_value(indent),
        }
    }

    /// A value that starts on the cursor's line, in a collection in column `parent`: a scalar
    /// or a flow collection that ends on this line, or a block scalar. Leaves the cursor at
    /// the next line with content.
    fn inline_value(&mut self, parent: usize) -> Res {
        match self.peek() {
            Some(b'[' | b'{') => self.flow_value()?,
            Some(b'|' | b'>') => return self.block_text(parent),
            _ => match self.block_scalar()? {
                (scalar, Follow::Eol) => self.emit_scalar(scalar)?,
                (_, Follow::Colon(_)) => return Err(Bail),
            },
        }
        self.next_line()
    }

    /// A block sequence in column `indent` whose first `-` is at the cursor. An indentless
    /// sequence (one in the column of its parent key) ends at the first line in its column
    /// that is not an entry.
    fn sequence(&mut self, indent: usize, indentless: bool) -> Res {
        let mut first = true;
        loop {
            let dash = self.span(self.pos);
            self.pos += 1;
            self.skip_spaces();
            if self.peek() == Some(b'#') {
                self.skip_comment();
            }
            // Where saphyr's entry token points: after the `-`, its spaces and any comment.
            let entry = self.span(self.pos);
            if first {
                let start = if indentless { entry } else { dash };
                self.emit(Event::SequenceStart(0, None), start)?;
                first = false;
            }
            match self.peek() {
                None | Some(b'\n') => {
                    self.next_line()?;
                    if !self.at_end() && self.col() > indent {
                        let col = self.col();
                        self.block_collection(col)?;
                    } else {
                        self.emit_empty(entry)?;
                    }
                }
                Some(b'[' | b'{' | b'|' | b'>') => self.inline_value(indent)?,
                Some(_) if self.at_entry() => {
                    let col = self.col();
                    self.sequence(col, false)?;
                }
                Some(_) => {
                    let col = self.col();
                    match self.block_scalar()? {
                        (key, Follow::Colon(colon)) => self.mapping(col, key, colon)?,
                        (scalar, Follow::Eol) => {
                            self.emit_scalar(scalar)?;
                            self.next_line()?;
                        }
                    }
                }
            }
            if self.at_end() {
                break;
            }
            let col = self.col();
            if col < indent {
                break;
            }
            if col > indent {
                return Err(Bail);
            }
            if !self.at_entry() {
                if indentless {
                    break;
                }
                return Err(Bail);
            }
        }
        self.emit(Event::SequenceEnd, self.end_of(indent))
    }

    /// A block scalar at the cursor (`|` or `>`, maybe with `-` or `+`, without an
    /// indentation indicator), the value of a node in a collection in column `parent`, read
    /// as saphyr reads it; leaves the cursor at the next line with content.
    fn block_text(&mut self, parent: usize) -> Res {
        // saphyr's handling of an unterminated last line is not reproduced.
        if self.b.last() != Some(&b'\n') {
            return Err(Bail);
        }
        let indicator = self.span(self.pos);
        let (literal, style) = if self.peek() == Some(b'|') {
            (true, ScalarStyle::Literal)
        } else {
            (false, ScalarStyle::Folded)
        };
        self.pos += 1;
        let chomping = match self.peek() {
            Some(b'-') => Chomping::Strip,
            Some(b'+') => Chomping::Keep,
            _ => Chomping::Clip,
        };
        if chomping != Chomping::Clip {
            self.pos += 1;
        }
        self.finish_line()?;
        self.newline();
        // Leading empty lines; the deepest of them and the first content line set the
        // indentation.
        let mut breaks = 0;
        let mut deepest = 0;
        loop {
            self.skip_spaces();
            deepest = deepest.max(self.col());
            if self.peek() != Some(b'\n') {
                break;
            }
            breaks += 1;
            self.newline();
        }
        if self.at_end() {
            // No content: saphyr reports the scalar at its indicator.
            let text = match chomping {
                Chomping::Keep => "\n".repeat(breaks),
                Chomping::Strip | Chomping::Clip => String::new(),
            };
            let span = super::block_scalar_header(self.text, self.base, indicator);
            let event = Event::Scalar(Cow::Owned(text), style, 0, None);
            return self.emit(event, span.unwrap_or(indicator));
        }
        let indent = deepest.max(parent + 1);
        if self.col() < indent && self.col() > parent {
            return Err(Bail);
        }
        // saphyr reports the scalar where its first content line starts; the builder is given
        // the indicator's position, found the same way as on the reference path.
        let raw = self.span(self.pos);
        let span = super::block_scalar_header(self.text, self.base, raw).unwrap_or(raw);
        let mut text = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while self.col() == indent && !matches!(self.peek(), None | Some(b'\n')) {
            let trailing_blank = self.peek() == Some(b' ');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if breaks == 0 {
                    text.push(' ');
                }
            } else if leading_break {
                text.push('\n');
            }
            push_breaks(&mut text, breaks);
            breaks = 0;
            leading_blank = trailing_blank;
            let start = self.pos;
            self.skip_comment();
            text.push_str(&self.text[start..self.pos]);
            self.newline();
            leading_break = true;
            // The next line's indentation, and empty lines.
            loop {
                while self.col() < indent && self.peek() == Some(b' ') {
                    self.pos += 1;
                }
                if self.peek() != Some(b'\n') {
                    break;
                }
                breaks += 1;
                self.newline();
            }
        }
        if chomping != Chomping::Strip && leading_break {
            text.push('\n');
        }
        if chomping == Chomping::Keep {
            push_breaks(&mut text, breaks);
        }
        self.emit(Event::Scalar(Cow::Owned(text), style, 0, None), span)?;
        self.skip_blank_lines();
        self.check_marker()
    }

    /// A scalar in block context starting at the cursor (a key or a value), and what ends it.
    /// With [`Follow::Colon`], the cursor is left after the `:`; with [`Follow::Eol`], at the
    /// end of the line.
    fn block_scalar(&mut self) -> Res<(Scalar<'a>, Follow)> {
        let start = self.pos;
        let first = self.peek().ok_or(Bail)?;
        let scalar = match first {
            b'\'' | b'"' => {
                let scalar = self.quoted()?;
                // After the closing quote: spaces, then a comment, the end of the line or `:`.
                let before = self.pos;
                self.skip_spaces();
                let follow = match self.peek() {
                    None | Some(b'\n') => Follow::Eol,
                    Some(b'#') if self.pos > before => {
                        self.skip_comment();
                        Follow::Eol
                    }
                    Some(b':') if blank_or_end(self.b.get(self.pos + 1)) => Follow::Colon(self.pos),
                    _ => return Err(Bail),
                };
                (scalar, follow)
            }
            b'-' | b'?' | b':' if blank_or_end(self.b.get(start + 1)) => return Err(Bail),
            _ if is_indicator(first) => return Err(Bail),
            _ => self.plain()?,
        };
        if let (_, Follow::Colon(colon)) = &scalar {
            if colon - start > MAX_KEY_LEN {
                return Err(Bail);
            }
            self.pos = colon + 1;
        }
        Ok(scalar)
    }

    /// A single-line plain scalar in block context at the cursor, whose first character was
    /// checked by the caller.
    fn plain(&mut self) -> Res<(Scalar<'a>, Follow)> {
        let b = self.b;
        let start = self.pos;
        let mut i = start + 1;
        let (end, follow) = loop {
            match b.get(i) {
                None | Some(b'\n') => {
                    self.pos = i;
                    break (i, Follow::Eol);
                }
                Some(b' ') => {
                    let mut j = i + 1;
                    while b.get(j) == Some(&b' ') {
                        j += 1;
                    }
                    match b.get(j) {
                        None | Some(b'\n') => {
                            self.pos = j;
                            break (i, Follow::Eol);
                        }
                        Some(b'#') => {
                            self.pos = j;
                            self.skip_comment();
                            break (i, Follow::Eol);
                        }
                        Some(b':') if blank_or_end(b.get(j + 1)) => break (i, Follow::Colon(j)),
                        Some(_) => i = j + 1,
                    }
                }
                Some(b':') if blank_or_end(b.get(i + 1)) => break (i, Follow::Colon(i)),
                Some(_) => i += 1,
            }
        };
        let scalar = Scalar {
            text: Cow::Borrowed(&self.text[start..end]),
            style: ScalarStyle::Plain,
            span: self.span(start),
        };
        Ok((scalar, follow))
    }

    /// A single-line quoted scalar at the cursor (at its opening quote); leaves the cursor
    /// after the closing quote.
    fn quoted(&mut self) -> Res<Scalar<'a>> {
        let b = self.b;
        let start = self.pos;
        let quote = b[start];
        let span = self.span(start);
        let mut i = start + 1;
        // The text so far, once an escape made it differ from the source.
        let mut owned: Option<String> = None;
        let mut run = i;
        loop {
            let Some(&c) = b.get(i) else {
                return Err(Bail);
            };
            match c {
                b'\n' => return Err(Bail),
                b'\'' if quote == b'\'' => {
                    if b.get(i + 1) == Some(&b'\'') {
                        let s = owned.get_or_insert_with(String::new);
                        s.push_str(&self.text[run..=i]);
                        i += 2;
                        run = i;
                    } else {
                        break;
                    }
                }
                b'"' if quote == b'"' => break,
                b'\\' if quote == b'"' => {
                    let (ch, len) = escape(&b[i + 1..]).ok_or(Bail)?;
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..i]);
                    s.push(ch);
                    i += 1 + len;
                    run = i;
                }
                _ => i += 1,
            }
        }
        let text = match owned {
            None => Cow::Borrowed(&self.text[start + 1..i]),
            Some(mut s) => {
                s.push_str(&self.text[run..i]);
                Cow::Owned(s)
            }
        };
        self.pos = i + 1;
        let style = if quote == b'\'' {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        Ok(Scalar { text, style, span })
    }

    /// A flow collection at the cursor (at its `[` or `{`) that ends on the same line, then
    /// the rest of the line.
    fn flow_value(&mut self) -> Res {
        self.flow_collection()?;
        self.finish_line()
    }

    /// A single-line flow collection at the cursor (at its `[` or `{`); leaves the cursor
    /// after its closing bracket.
    fn flow_collection(&mut self) -> Res {
        let open = self.span(self.pos);
        let sequence = self.peek() == Some(b'[');
        let close = if sequence { b']' } else { b'}' };
        let start = if sequence {
            Event::SequenceStart(0, None)
        } else {
            Event::MappingStart(0, None)
        };
        self.emit(start, open)?;
        self.pos += 1;
        self.skip_spaces();
        if self.peek() != Some(close) {
            loop {
                if !sequence {
                    self.flow_key()?;
                }
                self.flow_node()?;
                self.skip_spaces();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.peek() == Some(close) {
                            return Err(Bail);
                        }
                    }
                    Some(c) if c == close => break,
                    _ => return Err(Bail),
                }
            }
        }
        let end = if sequence {
            Event::SequenceEnd
        } else {
            Event::MappingEnd
        };
        self.emit(end, self.span(self.pos))?;
        self.pos += 1;
        Ok(())
    }

    /// The key of a flow mapping entry and its `: `; leaves the cursor at the value.
    fn flow_key(&mut self) -> Res {
        let key = match self.peek() {
            Some(b'\'' | b'"') => self.quoted()?,
            Some(_) => self.flow_plain(true)?,
            None => return Err(Bail),
        };
        self.emit_scalar(key)?;
        self.skip_spaces();
        if self.peek() != Some(b':') || self.b.get(self.pos + 1) != Some(&b' ') {
            return Err(Bail);
        }
        self.pos += 2;
        self.skip_spaces();
        Ok(())
    }

    /// A node inside a flow collection: a scalar or a nested collection; leaves the cursor
    /// after it.
    fn flow_node(&mut self) -> Res {
        let scalar = match self.peek() {
            Some(b'[' | b'{') => return self.flow_collection(),
            Some(b'\'' | b'"') => self.quoted()?,
            Some(_) => self.flow_plain(false)?,
            None => return Err(Bail),
        };
        self.emit_scalar(scalar)
    }

    /// A plain scalar inside a single-line flow collection; leaves the cursor after it
    /// (before any spaces that follow it). A `key` ends at `: `; elsewhere `: ` gives up.
    fn flow_plain(&mut self, key: bool) -> Res<Scalar<'a>> {
        let b = self.b;
        let start = self.pos;
        let first = b[start];
        if is_indicator(first) || matches!(first, b'?' | b':' | b'\n') || !flow_continues(b, start)
        {
            return Err(Bail);
        }
        let mut i = start + 1;
        let end = loop {
            match b.get(i) {
                None | Some(b'\n' | b'[' | b'{') => return Err(Bail),
                Some(b',' | b']' | b'}') if !key => break i,
                Some(b' ') => {
                    let mut j = i + 1;
                    while b.get(j) == Some(&b' ') {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(b',' | b']' | b'}') if !key => break i,
                        Some(b':') if key && b.get(j + 1) == Some(&b' ') => break i,
                        None | Some(b'\n' | b'#' | b'[' | b'{' | b']' | b'}' | b',') => {
                            return Err(Bail)
                        }
                        Some(_) if !flow_continues(b, j) => return Err(Bail),
                        Some(_) => i = j + 1,
                    }
                }
                Some(b':') if key && b.get(i + 1) == Some(&b' ') => break i,
                Some(b':') if !flow_value_char(b.get(i + 1)) => return Err(Bail),
                Some(b',' | b']' | b'}') => return Err(Bail),
                Some(_) => i += 1,
            }
        };
        self.pos = end;
        Ok(Scalar {
            text: Cow::Borrowed(&self.text[start..end]),
            style: ScalarStyle::Plain,
            span: self.span(start),
        })
    }
}

/// How a block scalar treats its final line break and trailing empty lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    /// `-`: neither.
    Strip,
    /// The default: the final line break only.
    Clip,
    /// `+`: both.
    Keep,
}

/// Appends `count` line breaks.
fn push_breaks(text: &mut String, count: usize) {
    text.extend(std::iter::repeat_n('\n', count));
}

/// True when byte `i` of a flow collection, at the start of a plain scalar or after spaces
/// inside one, continues the scalar safely: `-` and `:` must be followed by an ordinary
/// character.
fn flow_continues(b: &[u8], i: usize) -> bool {
    match b[i] {
        b'-' | b':' => flow_value_char(b.get(i + 1)),
        _ => true,
    }
}

/// True for a byte that, following `:` or `-` in a flow collection, makes them ordinary
/// characters of a plain scalar: not a space, a line break, a flow indicator or the end.
fn flow_value_char(b: Option<&u8>) -> bool {
    matches!(b, Some(&c) if c != b' ' && c != b'\n' && !is_flow(c))
}

/// The character a double-quoted escape stands for (`rest` follows the backslash), and how
/// many bytes after the backslash it takes; `None` for escapes the fast path leaves to saphyr
/// (escaped line breaks, unknown or invalid escapes).
fn escape(rest: &[u8]) -> Option<(char, usize)> {
    let simple = match *rest.first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex_escape(rest, 2),
        b'u' => return hex_escape(rest, 4),
        b'U' => return hex_escape(rest, 8),
        _ => return None,
    };
    Some((simple, 1))
}

/// `\xHH`, `\uHHHH`, `\UHHHHHHHH`: `digits` hex digits after the letter at `rest[0]`.
fn hex_escape(rest: &[u8], digits: usize) -> Option<(char, usize)> {
    let hex = rest.get(1..=digits)?;
    let mut value = 0u32;
    for &h in hex {
        value = (value << 4) | char::from(h).to_digit(16)?;
    }
    Some((char::from_u32(value)?, 1 + digits))
}
