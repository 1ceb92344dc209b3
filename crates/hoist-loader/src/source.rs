//! Source files and positions.
//!
//! Every value the loader reads remembers where it came from as a [`Span`]: the file (as a
//! [`FileId`] into a [`SourceMap`]), the 1-based line and column, and the byte offset. The
//! source map keeps the text of every file read, so that an error can later be rendered with a
//! snippet even when the file came from standard input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A position in a source file: 1-based line and column (in characters), byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file this position is in.
    pub file: FileId,
    /// 1-based line number.
    pub line: u32,
    /// 1-based column number, counted in characters.
    pub col: u32,
    /// Byte offset of the position in the file's text.
    pub offset: usize,
}

impl Span {
    /// A span for values that were not read from any file (defaults, command-line values).
    pub const SYNTHETIC: Span = Span {
        file: FileId(u32::MAX),
        line: 0,
        col: 0,
        offset: 0,
    };

    /// True when this span points into a real file.
    pub fn is_real(&self) -> bool {
        self.file.0 != u32::MAX
    }
}

/// One file read by the loader.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as it should be shown to the user (absolute, or `-` for stdin).
    pub path: PathBuf,
    /// The full text of the file.
    pub text: Arc<str>,
}

/// All files read while loading a project, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Registers a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> FileId {
        self.files.push(SourceFile {
            path: path.into(),
            text: text.into(),
        });
        FileId((self.files.len() - 1) as u32)
    }

    /// The file behind an id, if the id is real.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The path of a file, or `<unknown>` for synthetic spans.
    pub fn path(&self, id: FileId) -> &Path {
        self.get(id)
            .map(|f| f.path.as_path())
            .unwrap_or(Path::new("<unknown>"))
    }
}
