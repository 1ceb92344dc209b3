//! `.dockerignore` handling for build contexts: parsing the file, Docker's pattern rules
//! (`*`, `?`, `[...]`, `**`, `\` escapes, `!` exceptions, last match wins, a pattern that
//! matches a directory excludes everything under it) and the choice of ignore file
//! (`<Dockerfile>.dockerignore` next to the Dockerfile wins over the context's `.dockerignore`).
//!
//! Pipeline position: [`crate::build`] asks an [`IgnoreRules`] which files of the context to put
//! in the tar it sends to the engine's `/build` endpoint.

use hoist_loader::canonical::clean_slash_path;
use std::path::{Path, PathBuf};

/// One parsed line of a `.dockerignore` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnorePattern {
    /// The cleaned pattern text, without the leading `!`.
    pub text: String,
    /// True for an exception (`!pattern`): matching paths are included again.
    pub exception: bool,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    /// `?`: one character other than `/`.
    AnyChar,
    /// `*`: any run of characters other than `/`.
    AnyRun,
    /// `**` at the end of the pattern: anything at all.
    AnyPath,
    /// `**/` inside the pattern: zero or more whole directories.
    AnyDirs,
    /// `[...]`: a character class.
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
}

impl IgnorePattern {
    /// Parses one pattern (already trimmed, `!` allowed). `None` for an empty pattern.
    pub fn parse(line: &str) -> Option<IgnorePattern> {
        let mut text = line.trim();
        let mut exception = false;
        if let Some(rest) = text.strip_prefix('!') {
            exception = true;
            text = rest.trim();
        }
        if text.is_empty() {
            return None;
        }
        let mut cleaned = clean_slash_path(text);
        if cleaned.len() > 1 && cleaned.starts_with('/') {
            cleaned.remove(0);
        }
        let tokens = tokenize(&cleaned);
        Some(IgnorePattern {
            text: cleaned,
            exception,
            tokens,
        })
    }

    /// True when the pattern matches the whole slash-separated relative `path`.
    pub fn matches_exactly(&self, path: &str) -> bool {
        let chars: Vec<char> = path.chars().collect();
        let mut memo = vec![None; (self.tokens.len() + 1) * (chars.len() + 1)];
        match_from(&self.tokens, 0, &chars, 0, &mut memo)
    }
}

/// The ordered patterns of one ignore file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreRules {
    /// Patterns in file order; the last matching one decides.
    pub patterns: Vec<IgnorePattern>,
}

impl IgnoreRules {
    /// Parses the text of a `.dockerignore` file (`#` comments, blank lines skipped).
    pub fn parse(text: &str) -> IgnoreRules {
        let patterns = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(IgnorePattern::parse)
            .collect();
        IgnoreRules { patterns }
    }

    /// Builds rules from pattern strings (`!` allowed).
    pub fn from_patterns<S: AsRef<str>>(patterns: &[S]) -> IgnoreRules {
        IgnoreRules {
            patterns: patterns
                .iter()
                .filter_map(|p| IgnorePattern::parse(p.as_ref()))
                .collect(),
        }
    }

    /// True when some pattern is an exception (`!`), so an excluded directory must still be
    /// walked.
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// True when `path` (relative to the context, `/`-separated) is excluded: the last
    /// pattern that matches the path or one of its parent directories decides.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./").trim_matches('/');
        let parents: Vec<&str> = path
            .char_indices()
            .filter(|(_, c)| *c == '/')
            .filter_map(|(i, _)| path.get(..i))
            .collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // An exclusion cannot change an excluded path, nor an exception an included one.
            if pattern.exception != excluded {
                continue;
            }
            let hit = pattern.matches_exactly(path)
                || parents.iter().any(|parent| pattern.matches_exactly(parent));
            if hit {
                excluded = !pattern.exception;
            }
        }
        excluded
    }

    /// Makes sure the Dockerfile and the ignore file itself still reach the builder, as the
    /// docker CLI does: when the rules exclude them, exceptions are appended.
    pub fn keep_build_files(&mut self, dockerfile: &str) {
        for keep in [".dockerignore", dockerfile] {
            if self.is_excluded(keep) {
                if let Some(p) = IgnorePattern::parse(&format!("!{keep}")) {
                    self.patterns.push(p);
                }
            }
        }
    }
}

/// Finds the ignore file for a build: `<dockerfile>.dockerignore` next to the Dockerfile when
/// it exists, else `<context>/.dockerignore`. `None` when neither exists.
pub fn find_ignore_file(context: &Path, dockerfile: &Path) -> Option<PathBuf> {
    let mut specific = dockerfile.as_os_str().to_owned();
    specific.push(".dockerignore");
    let specific = PathBuf::from(specific);
    if specific.is_file() {
        return Some(specific);
    }
    let general = context.join(".dockerignore");
    general.is_file().then_some(general)
}

/// Reads the rules for a build (see [`find_ignore_file`]); empty rules when there is no file.
pub fn load_rules(context: &Path, dockerfile: &Path) -> std::io::Result<IgnoreRules> {
    match find_ignore_file(context, dockerfile) {
        Some(file) => Ok(IgnoreRules::parse(&std::fs::read_to_string(file)?)),
        None => Ok(IgnoreRules::default()),
    }
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i >= chars.len() {
                    tokens.push(Token::AnyPath);
                } else {
                    tokens.push(Token::AnyDirs);
                }
                continue;
            }
            '*' => tokens.push(Token::AnyRun),
            '?' => tokens.push(Token::AnyChar),
            '\\' => {
                i += 1;
                match chars.get(i) {
                    Some(&next) => tokens.push(Token::Literal(next)),
                    None => tokens.push(Token::Literal('\\')),
                }
            }
            '[' => {
                if let Some((class, next)) = parse_class(&chars, i + 1) {
                    tokens.push(class);
                    i = next;
                    continue;
                }
                tokens.push(Token::Literal('['));
            }
            other => tokens.push(Token::Literal(other)),
        }
        i += 1;
    }
    tokens
}

/// Parses a class body starting after `[`; returns the token and the index after `]`.
fn parse_class(chars: &[char], mut i: usize) -> Option<(Token, usize)> {
    let mut negated = false;
    if matches!(chars.get(i), Some('^') | Some('!')) {
        negated = true;
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let mut c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Token::Class { negated, items }, i + 1));
        }
        first = false;
        if c == '\\' {
            i += 1;
            c = *chars.get(i)?;
        }
        i += 1;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|n| *n != ']') {
            let mut hi = *chars.get(i + 1)?;
            i += 2;
            if hi == '\\' {
                hi = *chars.get(i)?;
                i += 1;
            }
            items.push((c, hi));
        } else {
            items.push((c, c));
        }
    }
}

fn match_from(
    tokens: &[Token],
    t: usize,
    chars: &[char],
    c: usize,
    memo: &mut Vec<Option<bool>>,
) -> bool {
    let key = t * (chars.len() + 1) + c;
    if let Some(Some(known)) = memo.get(key) {
        return *known;
    }
    let result = match tokens.get(t) {
        None => c == chars.len(),
        Some(Token::Literal(l)) => {
            chars.get(c) == Some(l) && match_from(tokens, t + 1, chars, c + 1, memo)
        }
        Some(Token::AnyChar) => {
            chars.get(c).is_some_and(|ch| *ch != '/')
                && match_from(tokens, t + 1, chars, c + 1, memo)
        }
        Some(Token::Class { negated, items }) => {
            chars.get(c).is_some_and(|ch| {
                *ch != '/' && (items.iter().any(|(lo, hi)| lo <= ch && ch <= hi) != *negated)
            }) && match_from(tokens, t + 1, chars, c + 1, memo)
        }
        Some(Token::AnyRun) => {
            let mut end = c;
            loop {
                if match_from(tokens, t + 1, chars, end, memo) {
                    break true;
                }
                match chars.get(end) {
                    Some(ch) if *ch != '/' => end += 1,
                    _ => break false,
                }
            }
        }
        Some(Token::AnyPath) => true,
        Some(Token::AnyDirs) => {
            // Zero directories, or any prefix ending with '/'.
            match_from(tokens, t + 1, chars, c, memo)
                || (c..chars.len()).any(|i| {
                    chars.get(i) == Some(&'/') && match_from(tokens, t + 1, chars, i + 1, memo)
                })
        }
    };
    if let Some(slot) = memo.get_mut(key) {
        *slot = Some(result);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(patterns: &[&str], path: &str) -> bool {
        IgnoreRules::from_patterns(patterns).is_excluded(path)
    }

    // Cases from moby/patternmatcher's tests (TestMatches), which match a path or its parents.
    #[test]
    fn pattern_table_from_upstream() {
        let table: &[(&str, &str, bool)] = &[
            ("**", "file", true),
            ("**", "file/", true),
            ("**/", "file", true),
            ("**/", "file/", true),
            ("**", "/", true),
            ("**/", "/", true),
            ("**", "dir/file", true),
            ("**/", "dir/file", true),
            ("**", "dir/file/", true),
            ("**/", "dir/file/", true),
            ("**/**", "dir/file", true),
            ("**/**", "dir/file/", true),
            ("dir/**", "dir/file", true),
            ("dir/**", "dir/file/", true),
            ("dir/**", "dir/dir2/file", true),
            ("dir/**", "dir/dir2/file/", true),
            ("**/dir", "dir", true),
            ("**/dir", "dir/file", true),
            ("**/dir2/*", "dir/dir2/file", true),
            ("**/dir2/*", "dir/dir2/file/", true),
            ("**/dir2/**", "dir/dir2/dir3/file", true),
            ("**/dir2/**", "dir/dir2/dir3/file/", true),
            ("**file", "file", true),
            ("**file", "dir/file", true),
            ("**/file", "dir/file", true),
            ("**file", "dir/dir/file", true),
            ("**/file", "dir/dir/file", true),
            ("**/file*", "dir/dir/file", true),
            ("**/file*", "dir/dir/file.txt", true),
            ("**/file*txt", "dir/dir/file.txt", true),
            ("**/file*.txt", "dir/dir/file.txt", true),
            ("**/file*.txt*", "dir/dir/file.txt", true),
            ("**/**/*.txt", "dir/dir/file.txt", true),
            ("**/**/*.txt2", "dir/dir/file.txt", false),
            ("**/*.txt", "file.txt", true),
            ("**/**/*.txt", "file.txt", true),
            ("a**/*.txt", "a/file.txt", true),
            ("a**/*.txt", "a/dir/file.txt", true),
            ("a**/*.txt", "a/dir/dir/file.txt", true),
            ("a/*.txt", "a/dir/file.txt", false),
            ("a/*.txt", "a/file.txt", true),
            ("a/*.txt**", "a/file.txt", true),
            ("a[b-d]e", "ae", false),
            ("a[b-d]e", "ace", true),
            ("a[b-d]e", "aae", false),
            ("a[^b-d]e", "aze", true),
            (".*", ".foo", true),
            (".*", "foo", false),
            ("abc.def", "abcdef", false),
            ("abc.def", "abc.def", true),
            ("abc.def", "abcZdef", false),
            ("abc?def", "abcZdef", true),
            ("abc?def", "abcdef", false),
            ("a\\\\", "a\\", true),
            ("**/foo/bar", "foo/bar", true),
            ("**/foo/bar", "dir/foo/bar", true),
            ("**/foo/bar", "dir/dir2/foo/bar", true),
            ("abc/**", "abc", false),
            ("abc/**", "abc/def", true),
            ("abc/**", "abc/def/ghi", true),
            ("**/.foo", ".foo", true),
            ("**/.foo", "bar.foo", false),
            ("a(b)c/def", "a(b)c/def", true),
            ("a(b)c/def", "a(b)c/xyz", false),
            ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
            (
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                true,
            ),
            (
                "dist/*.whl",
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                true,
            ),
        ];
        for (pattern, path, want) in table {
            let got = excluded(&[pattern], path);
            assert_eq!(got, *want, "pattern {pattern:?} on {path:?}");
        }
    }

    // Cases from patternmatcher's TestMatchesWithMalformedPatterns / parent matching.
    #[test]
    fn parent_directories_and_exceptions() {
        assert!(excluded(&["fileutils.go"], "fileutils.go"));
        assert!(!excluded(&["*.go"], "fileutils.go2"));
        assert!(excluded(&["docs"], "docs/README.md"));
        assert!(excluded(&["**"], "docs/README.md"));
        assert!(!excluded(&["docs", "!docs/README.md"], "docs/README.md"));
        assert!(excluded(&["docs", "!docs/README.md"], "docs/other.md"));
        assert!(excluded(
            &["docs/*", "!docs/README.md", "docs/README.md"],
            "docs/README.md"
        ));
        assert!(excluded(&["*", "!keep"], "drop"));
        assert!(!excluded(&["*", "!keep"], "keep"));
        assert!(excluded(&["/secret"], "secret"));
        assert!(excluded(&["./secret/"], "secret/x"));
        assert!(excluded(&["a/../b"], "b"));
        assert!(!excluded(&["*.md"], "docs/README.md"));
        assert!(excluded(&["*/*.md"], "docs/README.md"));
        assert!(excluded(&["**/*.md"], "docs/deep/README.md"));
    }

    #[test]
    fn parses_files_and_keeps_build_files() {
        let mut rules = IgnoreRules::parse("# comment\n\n  *  \n!  src\n");
        assert_eq!(rules.patterns.len(), 2);
        assert!(rules.patterns[1].exception);
        assert!(rules.is_excluded("Dockerfile"));
        rules.keep_build_files("Dockerfile");
        assert!(!rules.is_excluded("Dockerfile"));
        assert!(!rules.is_excluded(".dockerignore"));
        assert!(!rules.is_excluded("src/main.rs"));
    }

    #[test]
    fn malformed_patterns_never_panic() {
        for p in ["[", "[a-", "\\", "[]", "[^", "a[", "**/[z-a]"] {
            let rules = IgnoreRules::from_patterns(&[p]);
            let _ = rules.is_excluded("a/b");
        }
    }
}
