//! Schema validation never panics and always locates its errors, whatever value an attribute
//! holds.

mod schema_support;

use hoist_loader::schema::{definition_attributes, service_attributes, validate, validate_all};

const VALUES: &[&str] = &[
    "", "null", "true", "1", "-5", "1.5", "abc", "\"\"", "[]", "{}", "[{}]", "[[1]]", "{a: {}}",
    "[a, a]", "{x-a: 1}",
];

fn check(yaml: &str) {
    let root = schema_support::parse(yaml);
    let all = validate_all(&root);
    for e in &all {
        assert!(e.span.is_some(), "no position for `{e}` in:\n{yaml}");
        assert!(!e.message.is_empty());
    }
    assert_eq!(validate(&root).err(), all.first().cloned(), "{yaml}");
}

#[test]
fn any_value_for_any_service_attribute() {
    for attr in service_attributes() {
        for value in VALUES {
            check(&format!(
                "services:\n  web:\n    image: x\n    {attr}: {value}\n"
            ));
        }
    }
}

#[test]
fn any_value_for_any_attribute_of_other_definitions() {
    for (section, def) in [
        ("networks", "network"),
        ("volumes", "volume"),
        ("secrets", "secret"),
        ("configs", "config"),
        ("models", "model"),
        ("jobs", "job"),
    ] {
        for attr in definition_attributes(def) {
            for value in VALUES {
                check(&format!("{section}:\n  one:\n    {attr}: {value}\n"));
            }
        }
    }
}

#[test]
fn any_value_at_the_top_level() {
    for attr in [
        "version", "name", "include", "services", "networks", "volumes", "secrets", "configs",
        "models", "jobs", "x-a", "other",
    ] {
        for value in VALUES {
            check(&format!("{attr}: {value}\n"));
        }
    }
}
