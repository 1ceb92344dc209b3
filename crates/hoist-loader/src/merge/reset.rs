//! `!reset` and `!override`: the paths a file asks to clear from what earlier files built.
//!
//! compose-go records, while decoding a file, the path of every node tagged `!reset` (the
//! node itself is dropped) or `!override` (the node is kept), then deletes those paths from
//! the accumulated model before merging the file into it. As a consequence an `!override`
//! value is simply inserted, bypassing the merge rules. Tags inside sequence items are
//! honoured for the file itself (a `!reset` item is dropped) but never remove anything from
//! the earlier model, as in compose-go.

use super::path::{KeyPath, Trail};
use crate::error::Result;
use crate::node::{Node, Tag, Value};

/// The paths a file marked with `!reset` or `!override`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResetPaths {
    paths: Vec<KeyPath>,
}

impl ResetPaths {
    /// True when the file marked nothing.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The marked paths, dotted (`services.web.ports`).
    pub fn dotted(&self) -> Vec<String> {
        self.paths.iter().map(KeyPath::display).collect()
    }

    /// Deletes every marked path from `base` (mapping entries only; sequence items are kept).
    pub fn apply(&self, base: &mut Node) {
        if self.paths.is_empty() {
            return;
        }
        let mut path = KeyPath::root();
        self.apply_at(base, &mut path);
    }

    fn apply_at(&self, node: &mut Node, path: &mut KeyPath) {
        match &mut node.value {
            Value::Map(m) => {
                let mut i = 0;
                while i < m.entries.len() {
                    path.push_key(&m.entries[i].key);
                    if self.paths.iter().any(|p| path.matches_path(p)) {
                        m.entries.remove(i);
                    } else {
                        self.apply_at(&mut m.entries[i].value, path);
                        i += 1;
                    }
                    path.pop();
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push_index(i);
                    self.apply_at(item, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}

/// Records the `!reset` / `!override` paths of `over` and drops its `!reset` nodes (a
/// `!reset` mapping entry disappears, a `!reset` sequence item too). `!override` nodes stay,
/// tag included.
pub fn take_resets(over: &mut Node) -> ResetPaths {
    let mut found = ResetPaths::default();
    if over.tag == Some(Tag::Reset) {
        // A whole document marked `!reset` leaves nothing to merge.
        over.tag = None;
        over.value = Value::Null;
        return found;
    }
    collect(over, &Trail::Root, true, &mut found);
    found
}

fn collect(node: &mut Node, path: &Trail<'_>, record: bool, found: &mut ResetPaths) {
    match &mut node.value {
        Value::Map(m) => {
            // Mapping entries tagged `!reset` disappear; the others are walked.
            m.entries.retain_mut(|entry| {
                let here = Trail::Key(path, &entry.key);
                let tag = entry.value.tag;
                if record && tag.is_some() {
                    found.paths.push(here.key_path());
                }
                if tag == Some(Tag::Reset) {
                    return false;
                }
                collect(&mut entry.value, &here, record, found);
                true
            });
        }
        Value::Seq(items) => {
            items.retain(|item| item.tag != Some(Tag::Reset));
            for item in items.iter_mut() {
                // Paths below a sequence item never match the earlier model.
                collect(item, path, false, found);
            }
        }
        _ => {}
    }
}

/// Drops the `!reset` nodes of `node` and clears its `!override` tags, everywhere.
pub(crate) fn strip_tags(node: &mut Node) {
    node.tag = None;
    match &mut node.value {
        Value::Map(m) => {
            m.entries.retain(|e| e.value.tag != Some(Tag::Reset));
            for e in m.entries.iter_mut() {
                strip_tags(&mut e.value);
            }
        }
        Value::Seq(items) => {
            items.retain(|i| i.tag != Some(Tag::Reset));
            for i in items.iter_mut() {
                strip_tags(i);
            }
        }
        _ => {}
    }
}

/// Removes from `base` every path that `over` marks with `!reset` or `!override`, and drops
/// the `!reset` nodes from `over`, as compose-go's ResetProcessor does before a file is
/// merged. [`super::merge`] does this itself; call it directly when the paths are needed
/// before the merge.
pub fn apply_resets(base: &mut Node, over: &mut Node) -> Result<()> {
    let paths = take_resets(over);
    paths.apply(base);
    Ok(())
}
