//! Hoist's compose loader: compose files in, a fully resolved, normalised [`model::Project`] out.
//!
//! The loader means by a file exactly what Docker Compose (compose-go) means by it. It is pure:
//! it reads files and environment variables it is given, and never talks to an engine or the
//! network. The pipeline, in order (see `ARCHITECTURE.md` for the map):
//!
//! 1. [`options`]: which files, which project directory, which env files, which profiles.
//! 2. [`dotenv`]: `.env` and `env_file` parsing with compose's own rules.
//! 3. [`yaml`]: YAML text to a [`node::Node`] tree that keeps `file:line:col` for every value,
//!    resolves anchors and `<<` merge keys and records `!reset` / `!override`.
//! 4. [`interpolate`]: `${VAR:-default}` substitution on values, then type casts.
//! 5. [`merge`]: `include`, `extends` and the merge of several `-f` files, with compose-go's
//!    per-key rules.
//! 6. [`schema`]: validation against the official compose-spec JSON schema.
//! 7. [`canonical`]: short syntax to long syntax, defaults, paths, normalisation.
//! 8. [`model`]: the typed [`model::Project`], its `config` output and config hashes.
//!
//! [`load`] runs the whole pipeline.

pub mod canonical;
pub mod dotenv;
pub mod error;
pub mod interpolate;
pub mod merge;
pub mod model;
pub mod node;
pub mod schema;
pub mod source;
pub mod yaml;

pub use error::{LoadError, Result};
pub use node::{Mapping, Node, Tag, Value};
pub use source::{FileId, SourceMap, Span};
pub mod load;
pub mod options;
pub mod project_ops;
pub mod warnings;

pub use warnings::take_warnings;
