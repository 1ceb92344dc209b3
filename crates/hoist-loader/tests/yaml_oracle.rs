//! Scalar, collection, anchor and merge behaviour of `yaml::parse` checked against Docker
//! Compose itself: every expected value below is the `x-*` part of what
//! `docker-compose config --format json --no-interpolate` (v5.6.1, the oracle) printed for the
//! same input. JSON cannot tell 8 from 8.0, so numbers are compared as numbers here; int versus
//! float is checked separately in `yaml_parse.rs`. Compose drops a `!reset` value from the file
//! that carries it; `yaml::parse` only tags it, so tagged entries are dropped before comparing.

use hoist_loader::{yaml, FileId, Node, Tag, Value};
use serde_json::Value as J;

/// (case name, compose file text, expected `x-*` entries as JSON).
const CASES: &[(&str, &str, &str)] = &[
    (
        "plain_scalars",
        "services: {web: {image: x}}\nx-t: [0755, 08, 09, 0x1F, 0o17, +12, -3, 1_000, 1e3, 0, 1., .5, -.5, 0b101, 9223372036854775807, -9223372036854775808, 18446744073709551616, 0xFFFFFFFFFFFFFFFFFF, yes, on, No, off, y, n, True, TRUE, tRue, False, null, Null, ~, NULL, nUll, 1_0.5_0, _1, 1__2, 0x_1F, -0x1F, 0X1F, 0B1, 0O7, 1e, 00, 0o, 1.5e-3, 12:30, 1:2, .5e3, +, 1e400, 0.0, +0, 1_, 3.14_15]\n",
        "{\"x-t\":[493,8,9,31,15,12,-3,1000,1000,0,1,0.5,-0.5,5,9223372036854775807,-9223372036854775808,18446744073709552000,\"0xFFFFFFFFFFFFFFFFFF\",\"yes\",\"on\",\"No\",\"off\",\"y\",\"n\",true,true,\"tRue\",false,null,null,null,null,\"nUll\",10.5,\"_1\",12,31,-31,31,1,7,\"1e\",0,\"0o\",0.0015,\"12:30\",\"1:2\",500,\"+\",\"1e400\",0,0,1,3.1415]}",
    ),
    (
        "timestamps",
        "services: {web: {image: x}}\nx-t: [2001-12-14, 2001-12-14 21:59:43.10, 2001-12-14T21:59:43Z, 2001-12-14t21:59:43.123456789+05:30, 2001-1-4, 2001-12-14T21:59:43, 2001-02-30, 2001-12-14T21:59:43+00:00, 2024-02-29]\n",
        "{\"x-t\":[\"2001-12-14T00:00:00Z\",\"2001-12-14T21:59:43.1Z\",\"2001-12-14T21:59:43Z\",\"2001-12-14T21:59:43.123456789+05:30\",\"2001-01-04T00:00:00Z\",\"2001-12-14T21:59:43\",\"2001-02-30\",\"2001-12-14T21:59:43Z\",\"2024-02-29T00:00:00Z\"]}",
    ),
    (
        "quoted",
        "services: {web: {image: x}}\nx-t: [\"1\", '0755', \"true\", 'null', \"\", '', \"a\\tb\\n\\u00e9\\x41\", 'it''s', \"line\\\n  continued\"]\n",
        "{\"x-t\":[\"1\",\"0755\",\"true\",\"null\",\"\",\"\",\"a\\tb\\néA\",\"it's\",\"linecontinued\"]}",
    ),
    (
        "tags",
        "services: {web: {image: x}}\nx-t: [!!str 123, !!int \"12\", !!float 1, !foo bar, !!str , !!null \"\", !foo {a: 1}, !!str true, !!float \"1_0\", !!str 0x10, !!str ~, !!binary aGVsbG8=, !foo 12, !foo true, !foo ~, !override 12, !override true, !override , !!timestamp \"2001-12-14\", !!str {a: 1}, !!map [a], !!int 0x10, !!float .5, !!bool \"true\"]\n",
        "{\"x-t\":[\"123\",12,1,\"bar\",\"\",null,{\"a\":1},\"true\",10,\"0x10\",\"~\",\"hello\",\"12\",\"true\",\"~\",\"12\",\"true\",\"\",\"2001-12-14T00:00:00Z\",{\"a\":1},[\"a\"],16,0.5,true]}",
    ),
    (
        "literal_clip",
        "services: {web: {image: x}}\nx-t: |\n  line1\n   indented\n\n  line3\n\n\nx-u: 1\n",
        "{\"x-t\":\"line1\\n indented\\n\\nline3\\n\",\"x-u\":1}",
    ),
    (
        "literal_strip",
        "services: {web: {image: x}}\nx-t: |-\n  a\n  b\n\n",
        "{\"x-t\":\"a\\nb\"}",
    ),
    (
        "literal_keep",
        "services: {web: {image: x}}\nx-t: |+\n  a\n  b\n\n\nx-u: 1\n",
        "{\"x-t\":\"a\\nb\\n\\n\\n\",\"x-u\":1}",
    ),
    (
        "folded_clip",
        "services: {web: {image: x}}\nx-t: >\n  folded\n  line\n\n  para\n    more indented\n  back\n",
        "{\"x-t\":\"folded line\\npara\\n  more indented\\nback\\n\"}",
    ),
    (
        "folded_strip",
        "services: {web: {image: x}}\nx-t: >-\n  a\n  b\n",
        "{\"x-t\":\"a b\"}",
    ),
    (
        "folded_keep",
        "services: {web: {image: x}}\nx-t: >+\n  a\n  b\n\n",
        "{\"x-t\":\"a b\\n\\n\"}",
    ),
    (
        "literal_indent_indicator",
        "services: {web: {image: x}}\nx-t: |2\n    two extra\n  base\n",
        "{\"x-t\":\"  two extra\\nbase\\n\"}",
    ),
    (
        "block_in_seq",
        "services: {web: {image: x}}\nx-t:\n  - |\n    cmd1\n    cmd2\n  - >-\n    x\n    y\n",
        "{\"x-t\":[\"cmd1\\ncmd2\\n\",\"x y\"]}",
    ),
    (
        "multiline_plain",
        "services: {web: {image: x}}\nx-t: this is\n  a multi line\n\n  plain scalar\n",
        "{\"x-t\":\"this is a multi line\\nplain scalar\"}",
    ),
    (
        "multiline_double",
        "services: {web: {image: x}}\nx-t: \"first\n  second\n\n  third\"\n",
        "{\"x-t\":\"first second\\nthird\"}",
    ),
    (
        "multiline_single",
        "services: {web: {image: x}}\nx-t: 'first\n  second'\n",
        "{\"x-t\":\"first second\"}",
    ),
    (
        "flow_mapping",
        "services: {web: {image: x}}\nx-t: {a: 1, b: [x, y], c: {d: e}, \"q\": 'v', f: }\n",
        "{\"x-t\":{\"a\":1,\"b\":[\"x\",\"y\"],\"c\":{\"d\":\"e\"},\"f\":null,\"q\":\"v\"}}",
    ),
    (
        "flow_nested",
        "services: {web: {image: x}}\nx-t: [[1, 2], {a: b}, [], {}, [{c: d}]]\n",
        "{\"x-t\":[[1,2],{\"a\":\"b\"},[],{},[{\"c\":\"d\"}]]}",
    ),
    (
        "flow_multiline",
        "services: {web: {image: x}}\nx-t: {\n  a: 1,\n  b: 2,\n}\n",
        "{\"x-t\":{\"a\":1,\"b\":2}}",
    ),
    (
        "flow_seq_trailing_comma",
        "services: {web: {image: x}}\nx-t: [a, b, ]\n",
        "{\"x-t\":[\"a\",\"b\"]}",
    ),
    (
        "empty_values",
        "services: {web: {image: x}}\nx-t:\n  a:\n  b: ~\n  c: ''\n  d: []\n  e: {}\n",
        "{\"x-t\":{\"a\":null,\"b\":null,\"c\":\"\",\"d\":[],\"e\":{}}}",
    ),
    (
        "comments",
        "services: {web: {image: x}}\nx-t: # comment\n  a: 1 # trailing\n  # full line\n  b: \"# not a comment\"\n  c: a#b\n",
        "{\"x-t\":{\"a\":1,\"b\":\"# not a comment\",\"c\":\"a#b\"}}",
    ),
    (
        "unicode",
        "services: {web: {image: x}}\nx-t:\n  é: ünïcödé\n  日本: 語\n  emoji: \"😀\"\n  k: \"\\U0001F600\"\n",
        "{\"x-t\":{\"emoji\":\"😀\",\"k\":\"😀\",\"é\":\"ünïcödé\",\"日本\":\"語\"}}",
    ),
    (
        "anchors_alias",
        "services: {web: {image: x}}\nx-a: &a {p: 1, q: [x, y]}\nx-t:\n  one: *a\n  two: *a\n  s: &s scalar\n  s2: *s\n",
        "{\"x-a\":{\"p\":1,\"q\":[\"x\",\"y\"]},\"x-t\":{\"one\":{\"p\":1,\"q\":[\"x\",\"y\"]},\"s\":\"scalar\",\"s2\":\"scalar\",\"two\":{\"p\":1,\"q\":[\"x\",\"y\"]}}}",
    ),
    (
        "merge_single",
        "services: {web: {image: x}}\nx-base: &base {image: x, restart: always}\nx-t:\n  <<: *base\n  restart: never\n",
        "{\"x-base\":{\"image\":\"x\",\"restart\":\"always\"},\"x-t\":{\"image\":\"x\",\"restart\":\"never\"}}",
    ),
    (
        "merge_list_order",
        "services: {web: {image: x}}\nx-a: &a {p: a, q: a, r: a}\nx-b: &b {p: b, s: b, t: b}\nx-t:\n  t: own\n  <<: [*a, *b]\n  q: own2\n",
        "{\"x-a\":{\"p\":\"a\",\"q\":\"a\",\"r\":\"a\"},\"x-b\":{\"p\":\"b\",\"s\":\"b\",\"t\":\"b\"},\"x-t\":{\"p\":\"a\",\"q\":\"own2\",\"r\":\"a\",\"s\":\"b\",\"t\":\"own\"}}",
    ),
    (
        "merge_inline",
        "services: {web: {image: x}}\nx-t:\n  <<: {a: 1, b: 2}\n  b: 3\n",
        "{\"x-t\":{\"a\":1,\"b\":3}}",
    ),
    (
        "merge_shallow",
        "services: {web: {image: x}}\nx-t:\n  <<: {z: 1, y: {k: 1}}\n  y: {j: 2}\n",
        "{\"x-t\":{\"y\":{\"j\":2},\"z\":1}}",
    ),
    (
        "merge_nested_anchor",
        "services: {web: {image: x}}\nx-templates:\n  x-g: &g\n    environment: &genv\n      a: b\n  x-gp: &gp\n    <<: *g\n  x-gep: &gep\n    <<: *genv\n  vp0:\n    <<: *gp\n    environment:\n      <<: *gep\nx-t: 1\n",
        "{\"x-t\":1,\"x-templates\":{\"vp0\":{\"environment\":{\"a\":\"b\"}},\"x-g\":{\"environment\":{\"a\":\"b\"}},\"x-gep\":{\"a\":\"b\"},\"x-gp\":{\"environment\":{\"a\":\"b\"}}}}",
    ),
    (
        "merge_alias_to_seq",
        "services: {web: {image: x}}\nx-list: &alist\n  - image: nginx\n    restart: unless-stopped\n  - image: other\n    user: u\nx-t:\n  <<: *alist\n",
        "{\"x-list\":[{\"image\":\"nginx\",\"restart\":\"unless-stopped\"},{\"image\":\"other\",\"user\":\"u\"}],\"x-t\":{\"image\":\"nginx\",\"restart\":\"unless-stopped\",\"user\":\"u\"}}",
    ),
    (
        "quoted_merge_key",
        "services: {web: {image: x}}\nx-t:\n  \"<<\": {a: 1}\n",
        "{\"x-t\":{\"<<\":{\"a\":1}}}",
    ),
    (
        "key_styles",
        "services: {web: {image: x}}\nx-t:\n  'single': 1\n  \"double\": 2\n  ? explicit\n  : 3\n  plain key with spaces: 4\n  \"1\": 5\n  !!str 2: 6\n",
        "{\"x-t\":{\"1\":5,\"2\":6,\"double\":2,\"explicit\":3,\"plain key with spaces\":4,\"single\":1}}",
    ),
    (
        "seq_of_maps",
        "services: {web: {image: x}}\nx-t:\n  - name: a\n    value: 1\n  -   name: b\n      value: 2\n  - - nested\n    - seq\n",
        "{\"x-t\":[{\"name\":\"a\",\"value\":1},{\"name\":\"b\",\"value\":2},[\"nested\",\"seq\"]]}",
    ),
    (
        "indentless_seq",
        "services: {web: {image: x}}\nx-t:\n  list:\n  - a\n  - b\n  other: c\n",
        "{\"x-t\":{\"list\":[\"a\",\"b\"],\"other\":\"c\"}}",
    ),
    (
        "crlf",
        "services: {web: {image: x}}\r\nx-t:\r\n  a: 1\r\n  b: |\r\n    x\r\n    y\r\n  c: [p,\r\n    q]\r\n",
        "{\"x-t\":{\"a\":1,\"b\":\"x\\ny\\n\",\"c\":[\"p\",\"q\"]}}",
    ),
    (
        "document_markers",
        "---\nservices: {web: {image: x}}\nx-t: 1\n...\n",
        "{\"x-t\":1}",
    ),
    (
        "special_chars",
        "services: {web: {image: x}}\nx-t: [a:b, 'a: b', a -b, \"@x\", '`y`', http://x:80/p?q=1#f, -x, ?x, x?, '%', a,b]\n",
        "{\"x-t\":[\"a:b\",\"a: b\",\"a -b\",\"@x\",\"`y`\",\"http://x:80/p?q=1#f\",\"-x\",\"?x\",\"x?\",\"%\",\"a\",\"b\"]}",
    ),
    (
        "numbers_as_strings_keys",
        "services: {web: {image: x}}\nx-t:\n  \"80\": http\n  '443': https\n",
        "{\"x-t\":{\"443\":\"https\",\"80\":\"http\"}}",
    ),
    (
        "long_string",
        "services: {web: {image: x}}\nx-t: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
        "{\"x-t\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
    ),
    (
        "escapes_double",
        "services: {web: {image: x}}\nx-t: \"\\\\ \\\" \\0 \\a \\b \\e \\f \\r \\v \\N \\_ \\L \\P \\x7f\"\n",
        "{\"x-t\":\"\\\\ \\\" \\u0000 \\u0007 \\b \\u001b \\f \\r \\u000b        \u{7f}\"}",
    ),
    (
        "tab_in_value",
        "services: {web: {image: x}}\nx-t: \"a\tb\"\nx-u: a\tb\n",
        "{\"x-t\":\"a\\tb\",\"x-u\":\"a\\tb\"}",
    ),
    (
        "alias_in_flow",
        "services: {web: {image: x}}\nx-a: &a hello\nx-t: [*a, {k: *a}]\n",
        "{\"x-a\":\"hello\",\"x-t\":[\"hello\",{\"k\":\"hello\"}]}",
    ),
    (
        "anchor_redefined",
        "services: {web: {image: x}}\nx-a: &a first\nx-b: &a second\nx-t: *a\n",
        "{\"x-a\":\"first\",\"x-b\":\"second\",\"x-t\":\"second\"}",
    ),
    (
        "empty_flow_in_block",
        "services: {web: {image: x}}\nx-t:\n  a: []\n  b: {}\n  c: [ ]\n",
        "{\"x-t\":{\"a\":[],\"b\":{},\"c\":[]}}",
    ),
    (
        "negative_and_exp",
        "services: {web: {image: x}}\nx-t: [-1.5, +1.5, 1E5, 1e-2, -1e+2, 6.02e23, 0.1, -0.5e-3]\n",
        "{\"x-t\":[-1.5,1.5,100000,0.01,-100,6.02e+23,0.1,-0.0005]}",
    ),
    (
        "override_reset_tags",
        "services: {web: {image: x}}\nx-t:\n  a: !override [1, 2]\n  b: !override {k: v}\n  c: !reset {}\n  d: 1\n",
        "{\"x-t\":{\"a\":[1,2],\"b\":{\"k\":\"v\"},\"d\":1}}",
    ),
    (
        "bom_doc",
        "\u{feff}services: {web: {image: x}}\nx-t: bom\n",
        "{\"x-t\":\"bom\"}",
    ),
    (
        "block_scalar_trailing_spaces",
        "services: {web: {image: x}}\nx-t: |\n  a  \n  b\t\n",
        "{\"x-t\":\"a  \\nb\\t\\n\"}",
    ),
    (
        "plain_with_colon_no_space",
        "services: {web: {image: x}}\nx-t: [a:1, 'b':2]\n",
        "{\"x-t\":[\"a:1\",{\"b\":2}]}",
    ),
];

/// Equality where numbers compare by value (8 == 8.0) and objects ignore key order.
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || ((x - y) / y).abs() < 1e-12,
            _ => false,
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The node as JSON, leaving out `!reset` values the way compose does within one file.
fn json_without_resets(node: &Node) -> J {
    match &node.value {
        Value::Seq(items) => J::Array(
            items
                .iter()
                .filter(|n| n.tag != Some(Tag::Reset))
                .map(json_without_resets)
                .collect(),
        ),
        Value::Map(map) => J::Object(
            map.entries
                .iter()
                .filter(|e| e.value.tag != Some(Tag::Reset))
                .map(|e| (e.key.clone(), json_without_resets(&e.value)))
                .collect(),
        ),
        _ => node.to_json(),
    }
}

#[test]
fn values_match_docker_compose() {
    let mut failures = Vec::new();
    for (name, text, expected) in CASES {
        let expected: J = serde_json::from_str(expected).expect("expected JSON is valid");
        let docs = match yaml::parse(text, FileId(0)) {
            Ok(docs) => docs,
            Err(e) => {
                failures.push(format!("{name}: parse error {e}"));
                continue;
            }
        };
        let mut got = serde_json::Map::new();
        for doc in &docs {
            if let Some(map) = doc.as_map() {
                for (key, value) in map.iter() {
                    if key.starts_with("x-") {
                        got.insert(key.to_string(), json_without_resets(value));
                    }
                }
            }
        }
        let got = J::Object(got);
        if !same(&got, &expected) {
            failures.push(format!("{name}:\n  got      {got}\n  expected {expected}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
