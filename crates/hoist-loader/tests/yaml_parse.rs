//! `yaml::parse`: kinds (int versus float, which compose's JSON output cannot show), spans of
//! values and keys, tags, anchors, merge keys, documents and errors.
//!
//! Expected values come from the oracle (`docker-compose` v5.6.1), from compose-go's loader
//! tests (`loader/loader_test.go`, `loader/reset_test.go`), or from go-yaml v4's resolver table
//! (`internal/libyaml/resolver.go`) where JSON output cannot tell kinds apart.

use hoist_loader::{yaml, FileId, Node, Span, Tag, Value};

const FILE: FileId = FileId(7);

fn parse_one(text: &str) -> Node {
    let mut docs =
        yaml::parse(text, FILE).unwrap_or_else(|e| panic!("{text:?}: {e} at {:?}", e.span));
    assert_eq!(docs.len(), 1, "{text:?}");
    docs.remove(0)
}

/// The value of top-level key `v` in `v: <scalar>`.
fn scalar(src: &str) -> Value {
    let doc = parse_one(&format!("v: {src}\n"));
    doc.as_map()
        .and_then(|m| m.get("v"))
        .map(|n| n.value.clone())
        .expect("has v")
}

/// Follows a path of keys (`"a"`) and indexes (`"0"` on sequences).
fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    let mut cur = node;
    for step in path {
        cur = match &cur.value {
            Value::Map(m) => m.get(step).unwrap_or_else(|| panic!("no key {step}")),
            Value::Seq(items) => &items[step.parse::<usize>().expect("index")],
            _ => panic!("cannot step into scalar at {step}"),
        };
    }
    cur
}

fn key_span(node: &Node, key: &str) -> (u32, u32, usize) {
    let e = node
        .as_map()
        .and_then(|m| m.entry(key))
        .unwrap_or_else(|| panic!("no key {key}"));
    (e.key_span.line, e.key_span.col, e.key_span.offset)
}

fn pos(span: Span) -> (u32, u32, usize) {
    assert_eq!(span.file, FILE);
    (span.line, span.col, span.offset)
}

fn parse_err(text: &str) -> hoist_loader::LoadError {
    match yaml::parse(text, FILE) {
        Ok(docs) => panic!("{text:?} parsed: {docs:?}"),
        Err(e) => e,
    }
}

fn err_pos(e: &hoist_loader::LoadError) -> (u32, u32) {
    let s = e.span.expect("error has a span");
    (s.line, s.col)
}

#[derive(Debug)]
enum K {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'static str),
}

fn check(src: &str, want: &K) {
    let got = scalar(src);
    let ok = match (want, &got) {
        (K::Null, Value::Null) => true,
        (K::Bool(a), Value::Bool(b)) => a == b,
        (K::Int(a), Value::Int(b)) => a == b,
        (K::Float(a), Value::Float(b)) => {
            (a.is_nan() && b.is_nan()) || (a == b && a.is_sign_negative() == b.is_sign_negative())
        }
        (K::Str(a), Value::String(b)) => a == b,
        _ => false,
    };
    assert!(ok, "{src:?}: want {want:?}, got {got:?}");
}

#[test]
fn scalar_kinds_follow_go_yaml_v4() {
    use K::*;
    // Kinds per go-yaml v4's resolver; values agree with the oracle's JSON output.
    let table: &[(&str, K)] = &[
        ("~", Null),
        ("null", Null),
        ("Null", Null),
        ("NULL", Null),
        ("", Null),
        ("nUll", Str("nUll")),
        ("true", Bool(true)),
        ("True", Bool(true)),
        ("TRUE", Bool(true)),
        ("false", Bool(false)),
        ("False", Bool(false)),
        ("FALSE", Bool(false)),
        ("tRue", Str("tRue")),
        ("yes", Str("yes")),
        ("no", Str("no")),
        ("on", Str("on")),
        ("off", Str("off")),
        ("y", Str("y")),
        ("0", Int(0)),
        ("00", Int(0)),
        ("12", Int(12)),
        ("+12", Int(12)),
        ("-3", Int(-3)),
        ("0755", Int(493)),
        ("-0755", Int(-493)),
        ("0o17", Int(15)),
        ("0O7", Int(7)),
        ("0x1F", Int(31)),
        ("0X1F", Int(31)),
        ("-0x1F", Int(-31)),
        ("0b101", Int(5)),
        ("0B1", Int(1)),
        ("1_000", Int(1000)),
        ("1__2", Int(12)),
        ("0x_1F", Int(31)),
        ("9223372036854775807", Int(i64::MAX)),
        ("-9223372036854775808", Int(i64::MIN)),
        ("08", Float(8.0)),
        ("09", Float(9.0)),
        ("1e3", Float(1000.0)),
        ("1.5", Float(1.5)),
        ("1.", Float(1.0)),
        (".5", Float(0.5)),
        ("-.5", Float(-0.5)),
        ("1.5e-3", Float(0.0015)),
        (".5e3", Float(500.0)),
        ("1_0.5_0", Float(10.5)),
        ("0.0", Float(0.0)),
        ("-0", Float(-0.0)),
        ("-0.0", Float(-0.0)),
        (".inf", Float(f64::INFINITY)),
        (".Inf", Float(f64::INFINITY)),
        ("+.INF", Float(f64::INFINITY)),
        ("-.Inf", Float(f64::NEG_INFINITY)),
        (".nan", Float(f64::NAN)),
        (".NaN", Float(f64::NAN)),
        ("9223372036854775808", Float(9223372036854775808.0)),
        ("18446744073709551616", Float(18446744073709551616.0)),
        ("0xFFFFFFFFFFFFFFFFFF", Str("0xFFFFFFFFFFFFFFFFFF")),
        ("1e400", Str("1e400")),
        ("1e", Str("1e")),
        ("0o", Str("0o")),
        ("_1", Str("_1")),
        ("12:30", Str("12:30")),
        (".iNf", Str(".iNf")),
        ("2001-12-14", Str("2001-12-14T00:00:00Z")),
        ("2001-12-14 21:59:43.10", Str("2001-12-14T21:59:43.1Z")),
        ("2001-12-14T21:59:43", Str("2001-12-14T21:59:43")),
        ("\"1\"", Str("1")),
        ("'0755'", Str("0755")),
        ("\"true\"", Str("true")),
        ("'~'", Str("~")),
        ("!!str 123", Str("123")),
        ("!!str", Str("")),
        ("!!int \"12\"", Int(12)),
        ("!!int 0x10", Int(16)),
        ("!!float 1", Float(1.0)),
        ("!!float \"1_0\"", Float(10.0)),
        ("!!bool \"true\"", Bool(true)),
        ("!!null \"\"", Null),
        ("!!binary aGVsbG8=", Str("hello")),
        ("!!binary \"/w==\"", Str("\u{fffd}")),
        ("!!timestamp \"2001-12-14\"", Str("2001-12-14T00:00:00Z")),
        ("!foo 12", Str("12")),
        ("!foo ~", Str("~")),
        ("!override 12", Str("12")),
        ("!override true", Str("true")),
        ("|\n  a\n  b\n", Str("a\nb\n")),
        ("|-\n  a\n", Str("a")),
        ("|+\n  a\n", Str("a\n\n")),
        (">\n  a\n  b\n\n  c\n", Str("a b\nc\n")),
    ];
    for (src, want) in table {
        check(src, want);
    }
}

#[test]
fn tag_mismatches_are_errors_with_go_yaml_wording() {
    // Messages as printed by the oracle.
    let cases = [
        ("v: !!int abc\n", "cannot construct !!str `abc` as a !!int"),
        (
            "v: !!bool yes\n",
            "cannot construct !!str `yes` as a !!bool",
        ),
        (
            "v: !!int 1.5\n",
            "cannot construct !!float `1.5` as a !!int",
        ),
        (
            "v: !!null \"a\"\n",
            "cannot construct !!str `a` as a !!null",
        ),
        ("v: !!int -0\n", "cannot construct !!float `-0` as a !!int"),
        (
            "v: !!binary \"a*b\"\n",
            "!!binary value contains invalid base64 data",
        ),
    ];
    for (text, message) in cases {
        let e = parse_err(text);
        assert_eq!(e.message, message, "{text:?}");
        assert_eq!(err_pos(&e), (1, 4), "{text:?}");
        assert_eq!(e.path.as_deref(), Some("v"));
    }
}

#[test]
fn spans_of_values_and_keys() {
    let text = "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n      - 443\n    env: {A: 1, B: [x, y]}\n";
    let doc = parse_one(text);
    assert_eq!(pos(doc.span), (1, 1, 0));
    assert_eq!(key_span(&doc, "services"), (1, 1, 0));
    let services = at(&doc, &["services"]);
    assert_eq!(pos(services.span), (2, 3, 12));
    assert_eq!(key_span(services, "web"), (2, 3, 12));
    let web = at(&doc, &["services", "web"]);
    assert_eq!(pos(web.span), (3, 5, 21));
    assert_eq!(key_span(web, "image"), (3, 5, 21));
    assert_eq!(pos(at(web, &["image"]).span), (3, 12, 28));
    assert_eq!(pos(at(web, &["ports"]).span), (5, 7, 51));
    assert_eq!(pos(at(web, &["ports", "0"]).span), (5, 9, 53));
    assert_eq!(pos(at(web, &["ports", "1"]).span), (6, 9, 69));
    assert_eq!(pos(at(web, &["env"]).span), (7, 10, 82));
    assert_eq!(key_span(at(web, &["env"]), "B"), (7, 17, 89));
    assert_eq!(pos(at(web, &["env", "B", "1"]).span), (7, 24, 96));
}

#[test]
fn spans_count_characters_for_columns_and_bytes_for_offsets() {
    // "é" is 2 bytes, "日本" 6 bytes, "😀" 4 bytes.
    let text = "é: [日本, x]\nk: \"😀\" \nz: 1\n";
    let doc = parse_one(text);
    assert_eq!(key_span(&doc, "é"), (1, 1, 0));
    assert_eq!(pos(at(&doc, &["é"]).span), (1, 4, 4));
    assert_eq!(pos(at(&doc, &["é", "0"]).span), (1, 5, 5));
    assert_eq!(pos(at(&doc, &["é", "1"]).span), (1, 9, 13));
    assert_eq!(at(&doc, &["é", "1"]).as_str(), Some("x"));
    assert_eq!(pos(at(&doc, &["k"]).span), (2, 4, 19));
    assert_eq!(key_span(&doc, "z"), (3, 1, 27));
    assert_eq!(&text[27..28], "z");
}

#[test]
fn crlf_bom_and_tabs() {
    let doc = parse_one("a: 1\r\nb:\r\n  - x\r\n  - \"q\tr\"\r\n");
    assert_eq!(key_span(&doc, "b"), (2, 1, 6));
    assert_eq!(pos(at(&doc, &["b", "1"]).span), (4, 5, 21));
    assert_eq!(at(&doc, &["b", "1"]).as_str(), Some("q\tr"));

    // A byte order mark is skipped; columns start after it, byte offsets count it.
    let doc = parse_one("\u{feff}a: x\nb: y\n");
    assert_eq!(key_span(&doc, "a"), (1, 1, 3));
    assert_eq!(key_span(&doc, "b"), (2, 1, 8));
    assert_eq!(at(&doc, &["a"]).as_str(), Some("x"));

    // A tab inside a value is fine; a tab used as indentation is an error (oracle: an error
    // on line 3).
    assert_eq!(scalar("a\tb"), Value::String("a\tb".into()));
    let e = parse_err("services:\n  web:\n\timage: x");
    assert_eq!(e.span.map(|s| s.line), Some(3));
    assert!(e.message.starts_with("invalid YAML:"), "{}", e.message);
    assert!(e.hint.as_deref().unwrap_or("").contains("tab"));
}

#[test]
fn spans_of_block_scalars_point_at_the_indicator() {
    let doc = parse_one("a: |\n  x\nb: >- # note\n\n  y\nc:\n  - |2\n     z\n");
    assert_eq!(pos(at(&doc, &["a"]).span), (1, 4, 3));
    assert_eq!(pos(at(&doc, &["b"]).span), (3, 4, 12));
    assert_eq!(pos(at(&doc, &["c", "0"]).span), (7, 5, 34));
    assert_eq!(at(&doc, &["c", "0"]).as_str(), Some(" z\n"));
}

#[test]
fn empty_values_anchor_and_tag_positions() {
    let doc = parse_one("a: &x !override foo\nb:\nc: *x\n");
    // A node with properties starts at its first property.
    assert_eq!(pos(at(&doc, &["a"]).span), (1, 4, 3));
    assert_eq!(at(&doc, &["a"]).tag, Some(Tag::Override));
    assert!(at(&doc, &["b"]).is_null());
    assert_eq!(at(&doc, &["b"]).span.line, 2);
    // An alias takes the position of the alias, and the anchored node's tag.
    assert_eq!(pos(at(&doc, &["c"]).span), (3, 4, 26));
    assert_eq!(at(&doc, &["c"]).tag, Some(Tag::Override));
}

#[test]
fn documents() {
    // Oracle: an empty file and a comment-only file are "empty compose file"; `---` alone is
    // a document whose value is not a mapping.
    assert!(yaml::parse("", FILE).expect("ok").is_empty());
    assert!(yaml::parse("# only a comment\n\n", FILE)
        .expect("ok")
        .is_empty());
    let docs = yaml::parse("---\n", FILE).expect("ok");
    assert_eq!(docs.len(), 1);
    assert!(docs[0].is_null());
    let docs = yaml::parse("a: 1\n---\nb: 2\n...\n---\n- x\n", FILE).expect("ok");
    assert_eq!(docs.len(), 3);
    assert_eq!(key_span(&docs[1], "b"), (3, 1, 9));
    assert!(docs[2].as_seq().is_some());
    assert_eq!(parse_one("\"hello\"\n").as_str(), Some("hello"));
}

#[test]
fn compose_tags_on_nodes_aliases_and_merges() {
    let text = "\
x-reset: &reset !reset []
x-inner: &inner
  ports: !reset []
services:
  a:
    ports: *reset
    configs: !override
      - source: c
    labels: !reset {}
    env: !custom {A: 1}
  b:
    <<: *inner
    image: x
";
    let doc = parse_one(text);
    assert_eq!(at(&doc, &["services", "a", "ports"]).tag, Some(Tag::Reset));
    assert_eq!(
        at(&doc, &["services", "a", "configs"]).tag,
        Some(Tag::Override)
    );
    assert_eq!(at(&doc, &["services", "a", "labels"]).tag, Some(Tag::Reset));
    assert_eq!(at(&doc, &["services", "a", "env"]).tag, None);
    assert_eq!(
        at(&doc, &["services", "a", "env", "A"]).value,
        Value::Int(1)
    );
    // A tag inside a merged mapping survives the merge (compose-go reset_test.go).
    assert_eq!(at(&doc, &["services", "b", "ports"]).tag, Some(Tag::Reset));
    // A tag on the `<<` value applies to the mapping holding the `<<`.
    let doc = parse_one("c:\n  <<: !override {x: 1}\n  y: 2\n");
    assert_eq!(at(&doc, &["c"]).tag, Some(Tag::Override));
}

fn keys(node: &Node) -> Vec<&str> {
    node.as_map().expect("map").iter().map(|(k, _)| k).collect()
}

#[test]
fn merge_keys() {
    // Oracle: {"p":"a","q":"own2","r":"a","s":"b","t":"own"}.
    let doc = parse_one(
        "x-a: &a {p: a, q: a, r: a}\nx-b: &b {p: b, s: b, t: b}\nx-t:\n  t: own\n  <<: [*a, *b]\n  q: own2\n",
    );
    let t = at(&doc, &["x-t"]);
    assert_eq!(keys(t), ["t", "p", "r", "s", "q"]);
    assert_eq!(at(t, &["p"]).as_str(), Some("a"));
    assert_eq!(at(t, &["q"]).as_str(), Some("own2"));
    assert_eq!(at(t, &["s"]).as_str(), Some("b"));
    // Merged entries keep where they were written.
    assert_eq!(key_span(t, "p"), (1, 10, 9));
    // The merge is shallow (oracle: y is {j: 2}).
    let doc = parse_one("m:\n  <<: {z: 1, y: {k: 1}}\n  y: {j: 2}\n");
    assert_eq!(at(&doc, &["m", "y"]).to_json(), serde_json::json!({"j": 2}));
    assert_eq!(at(&doc, &["m", "z"]).value, Value::Int(1));
    // An alias to a sequence of mappings is accepted (compose-go reset_test.go).
    let doc =
        parse_one("x-list: &l\n  - image: nginx\n    restart: no\nservices:\n  s1:\n    <<: *l\n");
    assert_eq!(
        at(&doc, &["services", "s1", "image"]).as_str(),
        Some("nginx")
    );
    // A quoted "<<" is an ordinary key (oracle).
    let doc = parse_one("x:\n  \"<<\": {a: 1}\n");
    assert_eq!(keys(at(&doc, &["x"])), ["<<"]);
    // Nested merges through several anchors (compose-go reset_test.go nested_merge_no_cycle).
    let doc = parse_one(
        "x-templates:\n  x-gluetun: &gluetun\n    environment: &gluetun_env\n      a: b\n  x-gluetun-pia: &gluetun_pia\n    <<: *gluetun\n  x-gluetun-env-pia: &gluetun_env_pia\n    <<: *gluetun_env\n  vp0:\n    <<: *gluetun_pia\n    environment:\n      <<: *gluetun_env_pia\n",
    );
    assert_eq!(
        at(&doc, &["x-templates", "vp0", "environment", "a"]).as_str(),
        Some("b")
    );
}

#[test]
fn merge_key_errors() {
    // Oracle: "map merge requires map or sequence of maps as the value" at the bad value.
    let cases = [
        ("x-t:\n  <<: 1\n", (2, 7)),
        ("x-t:\n  <<: [1]\n", (2, 8)),
        ("x-t:\n  <<: [[{a: 1}]]\n", (2, 8)),
        ("x-t:\n  <<: ~\n", (2, 7)),
        (
            "x-s: &s \"not-a-map\"\nservices:\n  s1:\n    <<: *s\n",
            (4, 9),
        ),
    ];
    for (text, at) in cases {
        let e = parse_err(text);
        assert_eq!(
            e.message, "map merge requires map or sequence of maps as the value",
            "{text:?}"
        );
        assert_eq!(err_pos(&e), at, "{text:?}");
    }
    // Two `<<` keys in one mapping are duplicate keys (oracle).
    let e = parse_err("x-t:\n  a: 1\n  <<: {a: 2}\n  <<: {a: 3}\n");
    assert_eq!(e.message, "mapping key \"<<\" already defined at line 3");
    assert_eq!(err_pos(&e), (4, 3));
}

#[test]
fn duplicate_keys() {
    // Oracle: `mapping key "a" already defined at line 5`, reported on line 6.
    let e = parse_err("services:\n  web:\n    image: x\n    labels:\n      a: 1\n      a: 2\n");
    assert_eq!(e.message, "mapping key \"a\" already defined at line 5");
    assert_eq!(err_pos(&e), (6, 7));
    assert_eq!(e.path.as_deref(), Some("services.web.labels.a"));
    assert!(e.hint.is_some());
    // "1" and 1 are the same key (oracle).
    let e = parse_err("x-t:\n  1: 1\n  \"1\": 2\n");
    assert_eq!(e.message, "mapping key \"1\" already defined at line 2");
    // In a flow mapping, and in a sequence item.
    let e = parse_err("a:\n  - {b: x, b: 2}\n");
    assert_eq!(err_pos(&e), (2, 12));
    assert_eq!(e.path.as_deref(), Some("a[0].b"));
    // Keys merged in by `<<` are not duplicates of explicit keys.
    assert!(yaml::parse("b: &b {k: 1}\nc:\n  <<: *b\n  k: 2\n", FILE).is_ok());
}

#[test]
fn non_string_keys() {
    // Messages from compose-go loader_test.go TestNonStringKeys and the oracle.
    let cases: &[(&str, &str, (u32, u32))] = &[
        ("123:\n  foo:\n    image: busybox\n", "non-string key at top level: 123", (1, 1)),
        ("services:\n  foo:\n    image: busybox\n  123:\n    image: busybox\n", "non-string key in services: 123", (4, 3)),
        (
            "services:\n  foo:\n    image: busybox\nnetworks:\n  default:\n    ipam:\n      config:\n        - 123: oh dear\n",
            "non-string key in networks.default.ipam.config[0]: 123",
            (8, 11),
        ),
        (
            "services:\n  dict-env:\n    image: busybox\n    environment:\n      1: FOO\n",
            "non-string key in services.dict-env.environment: 1",
            (5, 7),
        ),
        ("services: {1: {image: x}}\n", "non-string key in services: 1", (1, 12)),
        ("services:\n  web:\n    labels: {80: x}\n", "non-string key in services.web.labels: 80", (3, 14)),
        ("x-t:\n  true: v\n", "non-string key in x-t: true", (2, 3)),
        ("x-t:\n  ~: v\n", "non-string key in x-t: <nil>", (2, 3)),
        ("x-t:\n  1.5: v\n", "non-string key in x-t: 1.5", (2, 3)),
        ("x-t:\n  0x10: v\n", "non-string key in x-t: 16", (2, 3)),
    ];
    for (text, message, at) in cases {
        let e = parse_err(text);
        assert_eq!(&e.message, message, "{text:?}");
        assert_eq!(err_pos(&e), *at, "{text:?}");
    }
    // Quoted or `!!str` keys are strings; `yes` is a string in YAML 1.2 (oracle).
    let doc = parse_one("x-t:\n  \"1\": a\n  !!str 2: b\n  yes: c\n");
    assert_eq!(keys(at(&doc, &["x-t"])), ["1", "2", "yes"]);
    // A duplicate key is reported before a non-string key, as compose does.
    let e = parse_err("a: {1: x}\nb: 1\nb: 2\n");
    assert!(e.message.starts_with("mapping key \"b\""), "{}", e.message);
    // Collections as keys are errors at the key.
    let e = parse_err("x-t:\n  ? [a, b]\n  : v\n");
    assert_eq!(err_pos(&e), (2, 5));
    let e = parse_err("x-t:\n  {a: 1}: v\n");
    assert_eq!(err_pos(&e), (2, 3));
}

#[test]
fn syntax_errors_have_positions() {
    // (input, line and column from the oracle's message, text the message contains)
    let cases: &[(&str, (u32, u32), &str)] = &[
        ("a: b: c", (1, 5), "mapping values are not allowed"),
        ("a: *x", (1, 4), "unknown anchor"),
        (
            "services:\n  web:\n    image: \"x\n",
            (3, 12),
            "quoted scalar",
        ),
        ("a: 'x\n", (1, 4), "quoted scalar"),
        ("a: \"\\q\"\n", (1, 4), "unknown escape"),
        ("key: @x\n", (1, 6), "@"),
        ("x: [a, b\n", (2, 1), "flow sequence"),
        ("a: {b: 1\n", (2, 1), "flow mapping"),
        ("a:\n  b: 1\n c: 2\n", (3, 2), "did not find expected key"),
    ];
    for (text, at, fragment) in cases {
        let e = parse_err(text);
        assert_eq!(err_pos(&e), *at, "{text:?}: {}", e.message);
        assert!(e.message.contains(fragment), "{text:?}: {}", e.message);
        assert!(e.message.starts_with("invalid YAML: "), "{}", e.message);
    }
    // The error knows where in the tree it happened.
    let e = parse_err("services:\n  web:\n    ports: [80,\n  x\n");
    assert_eq!(
        e.path
            .as_deref()
            .map(|p| p.starts_with("services.web.ports")),
        Some(true),
        "{e:?}"
    );
}

#[test]
fn anchors_aliases_and_cycles() {
    let doc = parse_one("services:\n  a: &a\n    image: alpine\n  a2: *a\n  a3: *a\n");
    assert_eq!(
        at(&doc, &["services", "a3", "image"]).as_str(),
        Some("alpine")
    );
    assert_eq!(pos(at(&doc, &["services", "a2"]).span), (4, 7, 42));
    // Inner nodes keep the place they were written.
    assert_eq!(at(&doc, &["services", "a2", "image"]).span.line, 3);
    // A redefined anchor: later aliases see the new one.
    let doc = parse_one("a: &x 1\nb: &x 2\nc: *x\n");
    assert_eq!(at(&doc, &["c"]).value, Value::Int(2));
    // Self reference (compose-go reset_test.go direct_self_reference_cycle).
    let e = parse_err(
        "name: test\nx-healthcheck: &healthcheck\n  egress-service:\n    <<: *healthcheck\n",
    );
    assert!(e.message.contains("cycle"), "{}", e.message);
    assert_eq!(err_pos(&e), (4, 9));
}

fn bomb(branching: usize, levels: usize) -> String {
    let names: Vec<char> = ('a'..='z').collect();
    let mut text = String::from("name: test\nx-a: &a {k: v}\n");
    for level in 1..levels {
        let prev = names[level - 1];
        let items = vec![format!("*{prev}"); branching].join(", ");
        text.push_str(&format!("x-{0}: &{0} [{items}]\n", names[level]));
    }
    text.push_str("services:\n  svc:\n    image: alpine\n");
    text
}

#[test]
fn alias_bombs_are_rejected_quickly() {
    // compose-go reset_test.go: B9_N9 and B9_N8 must fail with "excessive aliasing".
    for levels in [9, 10] {
        let started = std::time::Instant::now();
        let e = parse_err(&bomb(9, levels));
        assert!(e.message.contains("excessive aliasing"), "{}", e.message);
        assert!(e.hint.is_some());
        assert!(started.elapsed().as_secs() < 5);
    }
    // A small branching structure either loads or fails, quickly (B3_N10).
    let started = std::time::Instant::now();
    let _ = yaml::parse(&bomb(3, 10), FILE);
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn large_legitimate_file_loads() {
    // compose-go reset_test.go TestLargeLegitimateFile: 400 services x 122 variables.
    let mut text = String::from("name: test\nservices:\n");
    for s in 0..400 {
        text.push_str(&format!("  svc{s}:\n    image: alpine\n    environment:\n"));
        for e in 0..122 {
            text.push_str(&format!("      KEY_{e}: val\n"));
        }
    }
    let doc = parse_one(&text);
    assert_eq!(at(&doc, &["services"]).as_map().map(|m| m.len()), Some(400));
    assert_eq!(
        at(&doc, &["services", "svc399", "environment", "KEY_121"]).as_str(),
        Some("val")
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let e = parse_err(&text);
    assert!(e.span.is_some());
    let text = format!("a: {}\n", "{b: ".repeat(3000));
    assert!(yaml::parse(&text, FILE).is_err());
}

#[test]
fn odd_inputs_never_panic() {
    let inputs = [
        "\u{feff}",
        "\u{feff}\u{feff}a: 1",
        "\r",
        "\r\r\n",
        "a:\r b",
        "- \u{0}",
        "? ",
        ": ",
        "&a",
        "*",
        "!",
        "!!",
        "!<>",
        "--- !!binary ====",
        "%YAML 1.1\n---\na: 1",
        "%YAML 2.0\n---\na: 1",
        "a: !!int",
        "[",
        "{",
        "]",
        "'",
        "\"\\",
        "a: |\n",
        "a: >9\n x",
        "- - - - -",
        "é: é: é",
        "\t",
        "a: \u{85}b",
        "\u{2028}",
        "<<: *a",
        "<<: {}",
        "? <<\n: 1",
    ];
    for input in inputs {
        let _ = yaml::parse(input, FILE);
    }
}
