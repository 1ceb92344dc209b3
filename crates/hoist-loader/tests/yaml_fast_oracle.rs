//! The fast path of `yaml::parse` against `saphyr-parser`, the reference: wherever the fast
//! path accepts a text, its `(Event, Span)` stream must equal saphyr's exactly, and wherever
//! saphyr rejects a text, the fast path must give up. Inputs: every YAML file in the
//! repository, the fuzzers' crash inputs, the benchmark file, hand-picked tricky texts, and
//! thousands of generated compose-like files, clean and mutated (`YAML_FAST_ROUNDS=n` checks
//! more). `yaml::parse` itself (fast path, with its fallback)
//! must also give the same documents or the same error as the reference path.

use std::path::{Path, PathBuf};

use hoist_loader::{yaml, FileId};

mod rng_support;
use rng_support::Rng;

const FILE: FileId = FileId(7);

/// What the fast path did with a text.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Declined,
}

/// Checks the differential property on `text` and reports whether the fast path accepted it.
fn check(text: &str) -> Outcome {
    let reference = yaml::reference_events(text, FILE);
    let fast = yaml::fast_events(text, FILE);
    let outcome = match (&fast, &reference) {
        (None, _) => Outcome::Declined,
        (Some(_), Err(e)) => panic!("fast path accepted text saphyr rejects ({e}):\n{text:?}"),
        (Some(f), Ok(r)) => {
            if f != r {
                let at = f.iter().zip(r).position(|(a, b)| a != b);
                let at = at.unwrap_or(f.len().min(r.len()));
                panic!(
                    "event streams differ at event {at} for:\n{text:?}\nfast:      {:?}\nreference: {:?}\n(fast has {} events, reference {})",
                    f.get(at),
                    r.get(at),
                    f.len(),
                    r.len()
                );
            }
            Outcome::Accepted
        }
    };
    // Compared through `Debug`: a `.nan` scalar is a NaN float, which `==` never equals.
    assert_eq!(
        format!("{:?}", yaml::parse(text, FILE)),
        format!("{:?}", yaml::parse_reference(text, FILE)),
        "parse differs from the reference for:\n{text:?}"
    );
    outcome
}

/// Every `.yml` / `.yaml` file of the repository (outside `target/` and `.git/`).
fn repo_yaml_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    walk(&path, out);
                }
            } else if name.ends_with(".yml") || name.ends_with(".yaml") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
}

#[test]
fn fuzz_crash_inputs_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let entries = std::fs::read_dir(dir).expect("tests/fixtures/fuzz holds the fuzzers' finds");
    let mut checked = 0;
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).expect("readable fuzz input");
        check(&String::from_utf8_lossy(&bytes));
        checked += 1;
    }
    assert!(checked > 0, "no fuzz inputs found");
}

#[test]
fn repository_yaml_files_agree_and_mostly_take_the_fast_path() {
    let files = repo_yaml_files();
    assert!(files.len() > 50, "found only {} YAML files", files.len());
    let mut accepted = 0;
    let mut declined = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        match check(&text) {
            Outcome::Accepted => accepted += 1,
            Outcome::Declined => declined.push(path.display().to_string()),
        }
    }
    eprintln!(
        "fast path accepted {accepted} of {} repository YAML files; declined:\n  {}",
        files.len(),
        declined.join("\n  ")
    );
    assert!(
        accepted * 10 >= files.len() * 7,
        "only {accepted} of {} files took the fast path",
        files.len()
    );
}

/// The file `bench/config_bench.py` generates (`generate(n)`), written out in Rust.
fn bench_file(n: usize) -> String {
    let mut lines = vec!["name: bench".to_string(), "services:".to_string()];
    for i in 0..n {
        lines.extend([
            format!("  svc{i}:"),
            format!("    image: registry.example.com/team/svc{i}:${{TAG:-1.0}}"),
            format!(
                "    command: [\"serve\", \"--port\", \"{}\"]",
                8000 + i % 1000
            ),
            "    environment:".to_string(),
            format!("      SERVICE_INDEX: \"{i}\""),
            "      LOG_LEVEL: ${LOG_LEVEL:-info}".to_string(),
            "    ports:".to_string(),
            format!("      - \"{}:8000\"", 20000 + i),
            "    volumes:".to_string(),
            format!("      - ./data/svc{i}:/data"),
            "      - shared:/shared:ro".to_string(),
            "    labels:".to_string(),
            format!("      com.example.index: \"{i}\""),
            "    healthcheck:".to_string(),
            "      test: [\"CMD\", \"true\"]".to_string(),
            "      interval: 10s".to_string(),
        ]);
        if i > 0 {
            lines.extend([
                "    depends_on:".to_string(),
                format!("      svc{}:", i - 1),
                "        condition: service_started".to_string(),
            ]);
        }
        if i % 10 == 0 {
            lines.extend([
                "    build:".to_string(),
                "      context: .".to_string(),
                "      args:".to_string(),
                format!("        INDEX: \"{i}\""),
            ]);
        }
    }
    lines.extend(["volumes:".to_string(), "  shared: {}".to_string()]);
    lines.join("\n") + "\n"
}

#[test]
fn benchmark_file_takes_the_fast_path() {
    assert_eq!(check(&bench_file(30)), Outcome::Accepted);
}

/// Texts the fast path must accept (and agree on).
const ACCEPTED: &[&str] = &[
    "",
    "\n\n",
    "# only a comment",
    "# comment\n  \n# another\n",
    "a: 1",
    "a: 1\n",
    "\u{feff}a: 1\n",
    "---\na: 1\n",
    "--- # doc\na: 1\n",
    "# c\n---\na: 1\n",
    "a: b:c\n",
    "- -1\n- - -1\n",
    "a: -1\n",
    "x: \"a\\\"b\"\n",
    "k: 'it''s'\n",
    "k: ''''\n",
    "p: 8080:80\n",
    "u: http://h:1/p # c\n",
    "e: \n",
    "e:\n",
    "e:",
    "k:  v  \n",
    "k: [a, b]\n",
    "k: [ a , 'b' ,\"c\" ]  # c\n",
    "k: []\n",
    "k: [ ]\n",
    "k: {}\n",
    "k: { }\n",
    "k: a#b\n",
    "k: a #b\n",
    "k: a  b   c\n",
    "k: ?x\n",
    "k: :x\n",
    "k: -x\n",
    "k: --- x\n",
    "k: ~\n",
    "\"quoted key\": 1\n'single': 2\n\"a\" : 3\n",
    "a b: c\n",
    "a b : c\n",
    "-k: 1\n?k: 2\n:k: 3\nk-: 4\n",
    "k: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\/\\\\\\N\\_\\L\\P\\x41\\u00e9\\U0001F600\"\n",
    "é: ü\nk: \"日本\" # 😀\nl: [é, 'ü']\n",
    "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
    "a:\n- 1\n- 2\nb: 3\n",
    "a:\n  - 1\n  - 2\nb:\n- x\n",
    "- a\n- b\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "- - a\n  - b\n- c\n",
    "-\n  a: 1\n-\n- x\n-   # comment\n  b: 2\n-  # comment\n",
    "- a:\n  - x\n  - y\n- b\n",
    "- a:\n- b\n",
    "a:\n    b: 1\n    c:\n        - d\n        -   e: f\n            g: h\n",
    "  a: 1\n  b: 2\n",
    "a: 1\n\n\n# c\n   # d\nb: 2\n  # trailing\n",
    "a: 1 # c\nb: 2\n",
    "a: 1\n  # deeper comment\nb: 2\n",
    "s:\n  a:\n  - x\nt: 1\n",
    "a: [\"x\", \"y\"]\nb: ['it''s', \"q\\\"\"]\n",
    "a: [-1, a-b, a:b, a#b, a b]\n",
    "k: \"a\"   \n",
    "k: 'a' # c\n",
    "- [a, b]\n- {}\n- []\n",
    "- \"a\": 1\n  'b': 2\n",
    "k: x\n# no newline at end",
    "k: x\n   ",
    "k:\n  # comment\n  a: 1\n",
    "<<: 1\n",
    "a: true\nb: 0755\nc: 1e3\nd: null\n",
    "a: [x, [y]]\n",
    "a: {b: c}\n",
    "x: [[1, 2], [a, [b, c]], []]\ny: {a: 1, b: [x, y]}\n",
    "h: [{command: echo pre}, {command: [stop, now], privileged: true}]\n",
    "- {path: ./src, action: sync, ignore: [node_modules/]}\n",
    "m: { \"a\": 'b' , c : d, e:f: g, h: i:j }\n",
    "m: {a: {b: {c: []}}}  # c\n",
    "a: |\n  x\n",
    "a: >\n  x\n  y\n\n  z\n   more\n  back\nb: 1\n",
    "a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: |\nd: >-\n\n\n  e\n",
    "- |\n  x\n  # not a comment\n- >\n    deep\n\n- k: |  # comment\n    v\n  l: 1\n",
    "a:\n  b: |\n      x\n    # comment\n  c: 1\n",
    "\"a #b\": |\n  x\n",
    "a: |\n  \n   \n   x\n",
    "a: |\nb: |\n",
    "a: |\n",
    "a: |+\n\n",
    "- >-\n\n",
    "a:\n  b: é\n  # ü",
    "a:\n  b:\n    c: 1\n   ",
    "a:\n  b:\n    c: 1\n      # deep comment",
    "a:\n  - b:\n    - c\n # c",
    "a: 1 # c\n\n  # c\nb: 2\n",
];

#[test]
fn tricky_texts_take_the_fast_path() {
    for text in ACCEPTED {
        assert_eq!(check(text), Outcome::Accepted, "declined:\n{text:?}");
    }
}

/// Texts the fast path must decline (whether or not saphyr accepts them).
const DECLINED: &[&str] = &[
    "a",
    "a: 1\nb",
    "a: b: c\n",
    "a: b:\n",
    "a:\tb\n",
    "a: 1\r\n",
    "a: &x 1\nb: *x\n",
    "a: !reset 1\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: 1\n...\n",
    "a: 1\n---\nb: 2\n",
    "---\n",
    "--- a\n",
    "a: |\n  x",
    "a: >\n  x\n  y",
    "a: |2\n   x\n",
    "a: |-1\n  x\n",
    "a: |\n    \n  x\n",
    "a: \"x\n  y\"\n",
    "a: 'x\n  y'\n",
    "a: x\n  y\n",
    "a:\n  x\n",
    "a: [x,\n  y]\n",
    "a: [x, y,]\n",
    "a: [a: b]\n",
    "a: {a}\n",
    "a: {a: }\n",
    "a: {a:}\n",
    "a: {\"a\":b}\n",
    "a: {a: b,}\n",
    "a: {a: b c: d}\n",
    "a: {a: [b}\n",
    "a: [{a: b]\n",
    "a: [a]: b\n",
    "? a\n: b\n",
    "a: \"\\q\"\n",
    "a: \"\\\n\"\n",
    "a: \"x\"y\n",
    "a: 'x'#y\n",
    "a: [x]y\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: 1\n - b\n",
    "- a\nb: 1\n",
    "a: 1\n- b\n",
    "[a, b]\n",
    "a: - b\n",
    "a: @x\n",
    "a: `x\n",
    "a: %x\n",
    "a: \u{feff}x\n",
    "a: x\u{0}\n",
    "- a # c\n  b\n",
    "a: b # c\n  d\n",
    "a: \"b\" # c\n  d\n",
];

#[test]
fn unsupported_texts_are_declined() {
    for text in DECLINED {
        assert_eq!(check(text), Outcome::Declined, "accepted:\n{text:?}");
    }
}

#[test]
fn keys_up_to_1000_bytes_take_the_fast_path() {
    for len in [999, 1000, 1001, 1023, 1024, 1025, 1030] {
        for key in ["k".repeat(len), format!("\"{}\"", "k".repeat(len - 2))] {
            let text = format!("{key}: 1\n- x: 1\n");
            let mapping = format!("{key}: 1\n");
            let compact = format!("- {key}: 1\n");
            let in_flow = format!("a: {{{key}: 1}}\n");
            let expected = if len <= 1000 {
                Outcome::Accepted
            } else {
                Outcome::Declined
            };
            assert_eq!(check(&mapping), expected, "key of {len} bytes");
            assert_eq!(check(&compact), expected, "key of {len} bytes after `- `");
            assert_eq!(
                check(&in_flow),
                Outcome::Accepted,
                "flow key of {len} bytes"
            );
            assert_eq!(check(&text), Outcome::Declined);
        }
    }
}

/// Keys the fast path handles.
const KEYS: &[&str] = &[
    "services",
    "web",
    "image",
    "ports",
    "x-a",
    "com.example.label",
    "\"quoted key\"",
    "'sq'",
    "8080",
    "a b",
    "-k",
    "?k",
    ":k",
    "k-",
    "<<",
    "k#x",
    "true",
    "~",
    "é",
    "日本",
    "\"a:b\"",
    "a:b",
    "k.",
    "\"\"",
    "''",
    "1.5",
    "null",
    "\"x\\ty\"",
];

/// Inline values the fast path handles (after `key: ` or `- `).
const VALUES: &[&str] = &[
    "nginx",
    "b:c",
    "-1",
    "8080:80",
    "http://h:1/p",
    "http://h:1/p # c",
    "  v  ",
    "\"a\\\"b\"",
    "'it''s'",
    "\"\"",
    "''",
    "a  b",
    "a#b",
    "a #b",
    "[a, b]",
    "[]",
    "{}",
    "[ \"x\" , 'y' ]",
    "{ }",
    "0755",
    "yes",
    "1.5",
    "\"\\u00e9\\x41\\t\"",
    "?x",
    ":x",
    "日本語",
    "\"é\"",
    "x y z",
    "x:y:z",
    "${VAR:-default}",
    "'a b' # c",
    "\"#\"",
    "[-1, a:b, 'q']",
    "--- x",
    "~",
    "x  ",
    "\"a\"  # c",
    "[a b, c]",
    "0x1F",
    "2001-12-14",
    "'\"'",
    "\"'\"",
    "a,b",
    "a]b",
    "a}b",
    "a[b",
    "a{b",
    "a!",
    "{a: b}",
    "[a, [b]]",
    "{a: 1, b: [x, y]}",
    "[{c: echo pre}]",
    "[[1, 2], [a, [b, c]], []]",
    "{a: {b: c}}",
    "{ \"a\": 'b' , c: d }",
    "{a: b:c}",
    "{a:b: c}",
    "[{}, [], {a: []}]",
    "{a: -1, b: 'x', c: \"y\"}",
    "a&b",
    "a*b",
    "a|b",
    "a>b",
];

/// Inline values the fast path declines (or that are invalid), for the unclean corpus.
const BAD_VALUES: &[&str] = &[
    "a: b",
    "&a x",
    "*a",
    "!t x",
    "\"a\\",
    "'unterminated",
    "[a",
    "[a, [b]]",
    "[a: b]",
    "[a, b,]",
    "[-]",
    "[a -]",
    "[:a]",
    "[a, b]x",
    "\"x\"y",
    "\"x\"#y",
    "|",
    ">-",
    "%x",
    "@x",
    "`x",
    "{a: b,}",
    "{a}",
    "{a:}",
    "{a: }",
    "{\"a\":b}",
    "{a: b c: d}",
    "{? a: b}",
    "{a: [b}",
    "[{a: b]",
    "{a: b]",
    "{a: #b}",
    "[a, {b: c}",
    "{a: b}}",
    "[[a]:b]",
    "? x",
    "- x",
    "\"\\q\"",
    "[a #c]",
    "[a,\n b]",
    "\"a\n b\"",
    "x:",
    "x :",
    "[a:]",
    "[a:,b]",
    "[a, -]",
    "[a, ?b]",
    "{a}",
    "[,]",
    "[\"a\":b]",
    "[\"a\" :b]",
    "-",
    "%",
    "!",
];

/// Generates compose-like documents: nested mappings and sequences in every form the fast
/// path accepts, with comments and blank lines; with `bad`, also values it declines.
struct Gen {
    rng: Rng,
    bad: bool,
    /// Whether the document being generated has a block scalar (which the fast path only
    /// accepts in a text that ends with a line break).
    block: bool,
}

impl Gen {
    fn document(&mut self) -> String {
        self.block = false;
        let mut out = String::new();
        if self.rng.chance(10) {
            out.push_str("# leading comment\n");
        }
        if self.rng.chance(10) {
            out.push_str("---\n");
        }
        let base = if self.rng.chance(10) {
            self.rng.below(3)
        } else {
            0
        };
        if self.rng.chance(15) {
            self.sequence(&mut out, base, 0, false);
        } else {
            self.mapping(&mut out, base, 0, false);
        }
        if self.rng.chance(20) && (self.bad || !self.block) {
            out.pop();
        }
        out
    }

    fn value(&mut self) -> &'static str {
        if self.bad && self.rng.chance(15) {
            self.rng.pick(BAD_VALUES)
        } else {
            self.rng.pick(VALUES)
        }
    }

    fn filler(&mut self, out: &mut String, indent: usize) {
        match self.rng.below(12) {
            0 => out.push('\n'),
            1 => {
                out.push_str(&" ".repeat(self.rng.below(indent + 3)));
                out.push_str("# comment: - [x]\n");
            }
            2 => out.push_str("   \n"),
            _ => {}
        }
    }

    /// A line's end: maybe trailing spaces, maybe a comment.
    fn line_end(&mut self, out: &mut String) {
        match self.rng.below(10) {
            0 => out.push_str("  "),
            1 => out.push_str(" # c"),
            2 => out.push_str("   #"),
            _ => {}
        }
        out.push('\n');
    }

    /// A block scalar (header and content) as the value of a node in a collection in column
    /// `parent`.
    fn block_scalar(&mut self, out: &mut String, parent: usize) {
        self.block = true;
        out.push_str(self.rng.pick(&["|", ">"]));
        out.push_str(self.rng.pick(&["", "", "-", "+"]));
        if self.bad && self.rng.chance(20) {
            out.push_str(self.rng.pick(&["2", "-1", "x", "#c", "0"]));
        }
        self.line_end(out);
        let indent = parent + 1 + self.rng.below(3);
        // Before the first content line, deeper blank lines or content would change the
        // indentation saphyr detects (and make the clean corpus invalid).
        let mut started = false;
        for _ in 0..self.rng.below(6) {
            match self.rng.below(8) {
                0 => out.push('\n'),
                1 => {
                    let limit = if started { indent + 3 } else { parent + 2 };
                    out.push_str(&" ".repeat(self.rng.below(limit)));
                    out.push('\n');
                }
                2 if self.bad => {
                    out.push_str(&" ".repeat(self.rng.below(indent + 1)));
                    out.push_str("off\n");
                }
                _ => {
                    out.push_str(&" ".repeat(indent));
                    let lines: &[&str] = if started {
                        &[
                            "x",
                            "a b",
                            "# not a comment",
                            "  more indented",
                            " one more",
                            "trail  ",
                        ]
                    } else {
                        &["x", "a b", "# not a comment", "trail  "]
                    };
                    let line = if self.rng.chance(30) {
                        self.rng
                            .pick(&["é ü", "- x", "k: v", "'q'", "\"dq\"", "[a, b]", "|", "> x"])
                    } else {
                        self.rng.pick(lines)
                    };
                    out.push_str(line);
                    out.push('\n');
                    started = true;
                }
            }
        }
    }

    /// A block mapping at `indent`; with `compact`, the first key continues a line already
    /// written (after `- `).
    fn mapping(&mut self, out: &mut String, indent: usize, depth: usize, compact: bool) {
        let n = 1 + self.rng.below(4);
        for i in 0..n {
            if i > 0 || !compact {
                self.filler(out, indent);
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(self.rng.pick(KEYS));
            if self.rng.chance(5) {
                out.push(' ');
            }
            out.push(':');
            let nested = depth < 4 && self.rng.chance(35);
            if nested {
                self.line_end(out);
                let step = 1 + self.rng.below(4);
                match self.rng.below(4) {
                    0 => self.sequence(out, indent, depth + 1, false),
                    1 => self.sequence(out, indent + step, depth + 1, false),
                    _ => self.mapping(out, indent + step, depth + 1, false),
                }
            } else if self.rng.chance(10) {
                self.line_end(out);
            } else if self.rng.chance(8) {
                out.push(' ');
                self.block_scalar(out, indent);
            } else {
                out.push(' ');
                let value = self.value();
                out.push_str(value);
                self.line_end(out);
            }
        }
    }

    /// A block sequence at `indent`; with `compact`, the first entry continues a line already
    /// written (after `- `).
    fn sequence(&mut self, out: &mut String, indent: usize, depth: usize, compact: bool) {
        let n = 1 + self.rng.below(4);
        for i in 0..n {
            if i > 0 || !compact {
                self.filler(out, indent);
                out.push_str(&" ".repeat(indent));
            }
            out.push('-');
            let spaces = 1 + if self.rng.chance(20) {
                self.rng.below(3)
            } else {
                0
            };
            let col = indent + 1 + spaces;
            match self.rng.below(11) {
                0 if depth < 4 => {
                    out.push_str(&" ".repeat(spaces));
                    self.mapping(out, col, depth + 1, true);
                }
                1 if depth < 4 => {
                    out.push_str(&" ".repeat(spaces));
                    self.sequence(out, col, depth + 1, true);
                }
                2 if depth < 4 => {
                    self.line_end(out);
                    let step = 1 + self.rng.below(3);
                    if self.rng.chance(50) {
                        self.mapping(out, indent + step, depth + 1, false);
                    } else {
                        self.sequence(out, indent + step, depth + 1, false);
                    }
                }
                3 => self.line_end(out),
                4 => {
                    out.push_str(&" ".repeat(spaces));
                    self.block_scalar(out, indent);
                }
                _ => {
                    out.push_str(&" ".repeat(spaces));
                    let value = self.value();
                    out.push_str(value);
                    self.line_end(out);
                }
            }
        }
    }
}

/// Pieces inserted by mutations.
const INSERTS: &[&str] = &[
    ":", ": ", "-", "- ", "&a ", "*a", "!", "#", " #", "'", "\"", "[", "]", "{", "}", ",", "?",
    "? ", "\t", "\r", "\n", " ", "  ", "é", "\\", "---\n", "...\n", "|", ">", "%", "@", "\u{feff}",
    "''", "\\\"", "\n  ", "\n- ", "x", "\u{85}", "\u{2028}", "\u{a0}", "😀", "日",
];

/// A random small change: insert a piece, delete a character, or change a line's indentation.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let at = boundaries[rng.below(boundaries.len())];
    match rng.below(4) {
        0 | 1 => format!("{}{}{}", &text[..at], rng.pick(INSERTS), &text[at..]),
        2 => {
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            format!("{}{}", &text[..at], &text[end..])
        }
        _ => {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            if rng.chance(50) {
                format!("{} {}", &text[..line_start], &text[line_start..])
            } else if text[line_start..].starts_with(' ') {
                format!("{}{}", &text[..line_start], &text[line_start + 1..])
            } else {
                text.to_string()
            }
        }
    }
}

/// How many generated texts a test checks: `default`, or `YAML_FAST_ROUNDS` for longer runs.
fn rounds(default: usize) -> usize {
    std::env::var("YAML_FAST_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn generated_clean_documents_all_take_the_fast_path() {
    let mut gen = Gen {
        rng: Rng(0x9e37_79b9_7f4a_7c15),
        bad: false,
        block: false,
    };
    for _ in 0..rounds(3000) {
        let text = gen.document();
        if yaml::reference_events(&text, FILE).is_err() {
            panic!("the clean generator made invalid YAML:\n{text}");
        }
        assert_eq!(check(&text), Outcome::Accepted, "declined:\n{text}");
    }
}

#[test]
fn generated_and_mutated_documents_agree() {
    let mut gen = Gen {
        rng: Rng(0x2545_f491_4f6c_dd1d),
        bad: false,
        block: false,
    };
    let (mut total, mut accepted, mut rejected_by_saphyr) = (0, 0, 0);
    for round in 0..rounds(4000) {
        gen.bad = round % 3 == 0;
        let mut text = gen.document();
        for _ in 0..gen.rng.below(4) {
            text = mutate(&mut gen.rng, &text);
        }
        total += 1;
        if yaml::reference_events(&text, FILE).is_err() {
            rejected_by_saphyr += 1;
        }
        if check(&text) == Outcome::Accepted {
            accepted += 1;
        }
    }
    eprintln!(
        "{accepted} of {total} generated texts took the fast path; saphyr rejected {rejected_by_saphyr}"
    );
    assert!(accepted * 3 > total, "only {accepted} of {total} accepted");
    assert!(
        rejected_by_saphyr * 10 > total,
        "too few invalid inputs: {rejected_by_saphyr}"
    );
}
