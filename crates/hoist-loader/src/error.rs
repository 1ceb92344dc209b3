//! Loader errors: what went wrong, where (`file:line:col` and the key path), and a hint.
//!
//! Every stage returns [`LoadError`]. The caller renders it with [`LoadError::render`], which
//! prints the position, the offending line with a caret under the column, and the hint.

use crate::source::{SourceMap, Span};
use std::fmt;

/// An error found while loading a compose project.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// What is wrong, in one sentence, without the position.
    pub message: String,
    /// Where the offending value (or key) was written, if it came from a file.
    pub span: Option<Span>,
    /// The dotted key path of the offending value (`services.web.ports[0]`), if known.
    pub path: Option<String>,
    /// A suggestion ("did you mean `image`?"), if one exists.
    pub hint: Option<String>,
}

/// The loader's result type.
pub type Result<T, E = LoadError> = std::result::Result<T, E>;

impl LoadError {
    /// An error with a message only.
    pub fn new(message: impl Into<String>) -> Self {
        LoadError {
            message: message.into(),
            span: None,
            path: None,
            hint: None,
        }
    }

    /// An error at a position.
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        LoadError::new(message).with_span(span)
    }

    /// Sets the position (ignored for synthetic spans).
    pub fn with_span(mut self, span: Span) -> Self {
        if span.is_real() {
            self.span = Some(span);
        }
        self
    }

    /// Sets the position unless one is already set.
    pub fn or_span(self, span: Span) -> Self {
        if self.span.is_some() {
            self
        } else {
            self.with_span(span)
        }
    }

    /// Sets the key path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col`, when the error has a position.
    pub fn location(&self, sources: &SourceMap) -> Option<String> {
        let span = self.span?;
        Some(format!(
            "{}:{}:{}",
            sources.path(span.file).display(),
            span.line,
            span.col
        ))
    }

    /// Renders the error for a person: position, message, the source line with a caret, hint.
    ///
    /// With `snippet` false (non-TTY output) the source line is left out and the result is
    /// one line plus an optional hint line.
    pub fn render(&self, sources: &SourceMap, snippet: bool) -> String {
        let mut out = String::new();
        match self.location(sources) {
            Some(loc) => out.push_str(&format!("{loc}: {}", self.message)),
            None => out.push_str(&self.message),
        }
        if let Some(path) = &self.path {
            if !self.message.contains(path.as_str()) {
                out.push_str(&format!(" (at `{path}`)"));
            }
        }
        if snippet {
            if let Some(span) = self.span {
                if let Some(file) = sources.get(span.file) {
                    if let Some(line) = file.text.lines().nth(span.line.saturating_sub(1) as usize)
                    {
                        let num = span.line.to_string();
                        let pad = " ".repeat(num.len());
                        let caret_pad: String = line
                            .chars()
                            .take(span.col.saturating_sub(1) as usize)
                            .map(|c| if c == '\t' { '\t' } else { ' ' })
                            .collect();
                        out.push_str(&format!("\n{pad} |\n{num} | {line}\n{pad} | {caret_pad}^"));
                    }
                }
            }
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n  hint: {hint}"));
        }
        out
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(path) = &self.path {
            if !self.message.contains(path.as_str()) {
                write!(f, " (at `{path}`)")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// The closest candidate to `word` by edit distance, when it is close enough to be a typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        let limit = (word.len().max(c.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(
            did_you_mean("imagee", ["image", "build", "ports"]),
            Some("image")
        );
        assert_eq!(
            did_you_mean("volumse", ["volumes", "volumes_from"]),
            Some("volumes")
        );
        assert_eq!(did_you_mean("zzzzzz", ["image", "build"]), None);
    }

    #[test]
    fn renders_position_snippet_and_hint() {
        let mut sources = SourceMap::default();
        let id = sources.add("/p/compose.yaml", "services:\n  web:\n    imagee: x\n");
        let err = LoadError::at(
            Span {
                file: id,
                line: 3,
                col: 5,
                offset: 20,
            },
            "unknown attribute `imagee`",
        )
        .with_path("services.web")
        .with_hint("did you mean `image`?");
        let text = err.render(&sources, true);
        assert_eq!(
            text,
            "/p/compose.yaml:3:5: unknown attribute `imagee` (at `services.web`)\n  |\n3 |     imagee: x\n  |     ^\n  hint: did you mean `image`?"
        );
    }
}
