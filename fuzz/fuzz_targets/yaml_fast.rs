//! Fuzz target for the fast path of `hoist_loader::yaml::parse`: wherever the fast path accepts
//! a text, its `(Event, Span)` stream must equal the one `saphyr-parser` (the reference path)
//! gives, and wherever saphyr rejects a text, the fast path must give up. `yaml::parse` must
//! also return exactly what the reference path returns (documents or error).
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run yaml_fast -- -max_len=4096` (in `fuzz/`). Keep every
//! crash input under `crates/hoist-loader/tests/fixtures/fuzz/`: `tests/yaml_fast_oracle.rs`
//! checks them all with the same property.

#![no_main]

use hoist_loader::{yaml, FileId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = yaml::fast_events(text, FileId(3)) {
        match yaml::reference_events(text, FileId(3)) {
            Ok(reference) => assert_eq!(fast, reference, "event streams differ for {text:?}"),
            Err(e) => panic!("the fast path accepted text saphyr rejects ({e}): {text:?}"),
        }
    }
    // Compared through `Debug`: a `.nan` scalar is a NaN float, which `==` never equals.
    assert_eq!(
        format!("{:?}", yaml::parse(text, FileId(3))),
        format!("{:?}", yaml::parse_reference(text, FileId(3))),
        "parse differs from the reference for {text:?}"
    );
});
