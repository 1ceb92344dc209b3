//! Warnings the loader emits (obsolete `version`, unset variables, several candidate files…).
//!
//! Loading never prints. Warnings are collected per thread and the caller takes them with
//! [`take_warnings`] after loading, to print them however it prints things.

use std::cell::RefCell;

thread_local! {
    static WARNINGS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Records a warning.
pub fn warn(message: impl Into<String>) {
    let message = message.into();
    WARNINGS.with(|w| {
        let mut w = w.borrow_mut();
        if !w.contains(&message) {
            w.push(message);
        }
    });
}

/// Returns and clears the warnings recorded on this thread, in order, without duplicates.
pub fn take_warnings() -> Vec<String> {
    WARNINGS.with(|w| std::mem::take(&mut *w.borrow_mut()))
}
