//! Combining compose models: `!reset` / `!override`, the merge of several `-f` files, the
//! de-duplication of sequences, and `extends`.
//!
//! This stage sits after interpolation and before schema validation and canonicalisation.
//! For every file, in order, the pipeline mirrors compose-go's `loadYamlFile`:
//!
//! 1. [`apply_extends`] resolves the `extends` of the file's services (the base is merged
//!    under the extending service with the same rules as files);
//! 2. [`merge`] lays the file over the model accumulated so far: it first removes from the
//!    accumulated model every path the file marks with `!reset` or `!override`
//!    ([`apply_resets`]), then merges with compose-go's per-path rules;
//! 3. [`enforce_unicity`] de-duplicates sequences by their key; it is meant to run again
//!    after canonicalisation, which can reveal more duplicates (ports written two ways).
//!
//! [`merge_file`] runs these three steps for one file. The accumulated model is usually
//! canonical while the next file is raw, so the rules cope with short syntax on one side and
//! long syntax on the other (`build: .` against `build: {context: .}`, a short volume
//! against a long one); ports written in both syntaxes only meet after canonicalisation,
//! hence the second [`enforce_unicity`].

mod extends;
pub(crate) mod path;
mod reset;
mod rules;
mod short;
mod unicity;

pub use extends::{apply_extends, ExtendsLoader};
pub use reset::{apply_resets, take_resets, ResetPaths};
pub use rules::{merge, merge_service};
pub use unicity::enforce_unicity;

use crate::error::Result;
use crate::node::Node;
use std::path::Path;

/// One step of loading several `-f` files, as compose-go's `loadYamlFile` does once the
/// file's `include` is applied: resolves the `extends` of `file` (the model read from
/// `file_path`), merges it over `accumulated` (start with an empty mapping) and
/// de-duplicates. Canonicalisation comes next; run [`enforce_unicity`] again after it.
pub fn merge_file(
    accumulated: Node,
    mut file: Node,
    file_path: &Path,
    working_dir: &Path,
    loader: &mut dyn ExtendsLoader,
) -> Result<Node> {
    apply_extends(&mut file, file_path, working_dir, loader)?;
    let mut merged = merge(accumulated, file)?;
    enforce_unicity(&mut merged)?;
    Ok(merged)
}
