//! Option resolution (`options.rs`): compose file discovery, the two env-file passes, profiles
//! and project-name precedence. Expected values were checked with Docker Compose v5.6.1 on the
//! same folder layouts.

use hoist_loader::options::{ProjectOptions, ResolvedOptions};
use std::path::{Path, PathBuf};

/// A fresh folder under the system temp dir, with `files` (relative path, content) written.
fn layout(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hoist-options-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn options(cwd: &Path) -> ProjectOptions {
    ProjectOptions {
        cwd: cwd.to_path_buf(),
        ..ProjectOptions::default()
    }
}

fn resolve(opts: &ProjectOptions) -> ResolvedOptions {
    opts.resolve().expect("options resolve")
}

const COMPOSE: &str = "services:\n  web:\n    image: nginx\n";

#[test]
fn discovery_walks_up_and_picks_the_override() {
    let dir = layout(
        "discovery",
        &[
            ("compose.yaml", COMPOSE),
            ("docker-compose.yml", COMPOSE),
            ("compose.override.yaml", COMPOSE),
            ("sub/deeper/.keep", ""),
        ],
    );
    let r = resolve(&options(&dir.join("sub/deeper")));
    assert_eq!(
        r.files,
        vec![
            dir.join("compose.yaml").display().to_string(),
            dir.join("compose.override.yaml").display().to_string()
        ]
    );
    assert_eq!(r.working_dir, dir);
    let _ = hoist_loader::take_warnings();
}

#[test]
fn no_compose_file_is_an_error_with_a_hint() {
    let dir = layout("nothing", &[("empty/.keep", "")]);
    // Walking up may find a compose file above the temp dir on some machines: only check
    // the error when nothing is found.
    if let Err(e) = options(&dir.join("empty")).resolve() {
        assert!(e.message.contains("no configuration file provided"));
        assert!(e.hint.is_some());
    }
}

#[test]
fn env_files_are_read_before_and_after_discovery() {
    let dir = layout(
        "two-passes",
        &[
            ("compose.yaml", COMPOSE),
            (
                ".env",
                "COMPOSE_PROFILES=debug\nTAG=root\nCOMPOSE_PROJECT_NAME=fromenvfile\n",
            ),
            ("sub/.env", "TAG=sub\n"),
        ],
    );
    let r = resolve(&options(&dir.join("sub")));
    // Pass 1 reads the current folder's `.env`, pass 2 the project folder's, which only adds
    // what is still missing.
    assert_eq!(r.environment.get("TAG").map(String::as_str), Some("sub"));
    assert_eq!(r.profiles, vec!["debug".to_string()]);
    assert_eq!(r.imperative_name.as_deref(), Some("fromenvfile"));
}

#[test]
fn project_name_precedence_flag_then_os_then_env_file() {
    let dir = layout(
        "names",
        &[
            ("compose.yaml", COMPOSE),
            (".env", "COMPOSE_PROJECT_NAME=fromenvfile\n"),
        ],
    );
    let mut opts = options(&dir);
    assert_eq!(
        resolve(&opts).imperative_name.as_deref(),
        Some("fromenvfile")
    );
    opts.os_env
        .insert("COMPOSE_PROJECT_NAME".into(), "fromos".into());
    assert_eq!(resolve(&opts).imperative_name.as_deref(), Some("fromos"));
    opts.project_name = Some("fromflag".into());
    assert_eq!(resolve(&opts).imperative_name.as_deref(), Some("fromflag"));
    opts.project_name = Some("Bad Name!".into());
    let err = opts.resolve().expect_err("invalid -p");
    assert!(
        err.message.contains("invalid project name"),
        "{}",
        err.message
    );
    assert!(err.hint.is_some());
}

#[test]
fn env_file_flags_replace_dot_env_and_later_files_win() {
    let dir = layout(
        "env-files",
        &[
            ("compose.yaml", COMPOSE),
            (".env", "TAG=ignored\n"),
            ("first.env", "TAG=1.0\nNAME=first\n"),
            ("second.env", "NAME=second\nPORT=9000\n"),
        ],
    );
    let mut opts = options(&dir);
    opts.env_files = vec!["first.env".into(), "second.env".into()];
    let r = resolve(&opts);
    let get = |k: &str| r.environment.get(k).map(String::as_str);
    assert_eq!(get("TAG"), Some("1.0"));
    assert_eq!(get("NAME"), Some("second"));
    assert_eq!(get("PORT"), Some("9000"));
    // The OS environment wins over every env file.
    opts.os_env.insert("PORT".into(), "1".into());
    assert_eq!(
        resolve(&opts).environment.get("PORT").map(String::as_str),
        Some("1")
    );
}

#[test]
fn compose_file_variable_uses_the_path_separator() {
    let dir = layout(
        "compose-file",
        &[("base.yaml", COMPOSE), ("extra.yaml", COMPOSE)],
    );
    let mut opts = options(&dir);
    opts.os_env
        .insert("COMPOSE_FILE".into(), "base.yaml;extra.yaml".into());
    opts.os_env
        .insert("COMPOSE_PATH_SEPARATOR".into(), ";".into());
    let r = resolve(&opts);
    assert_eq!(
        r.files,
        vec![
            dir.join("base.yaml").display().to_string(),
            dir.join("extra.yaml").display().to_string()
        ]
    );
    opts.os_env
        .insert("COMPOSE_FILE".into(), "base.yaml;missing.yaml".into());
    assert!(opts.resolve().is_err());
}

#[test]
fn profiles_flag_wins_over_compose_profiles() {
    let dir = layout(
        "profiles",
        &[
            ("compose.yaml", COMPOSE),
            (".env", "COMPOSE_PROFILES=a, b,\n"),
        ],
    );
    let mut opts = options(&dir);
    assert_eq!(
        resolve(&opts).profiles,
        vec!["a".to_string(), "b".to_string()]
    );
    opts.profiles = vec!["c".into()];
    assert_eq!(resolve(&opts).profiles, vec!["c".to_string()]);
}

#[test]
fn project_directory_moves_the_dot_env() {
    let dir = layout(
        "project-dir",
        &[
            ("files/compose.yaml", COMPOSE),
            ("app/.env", "TAG=from-app\n"),
            ("files/.env", "TAG=from-files\n"),
        ],
    );
    let mut opts = options(&dir);
    opts.files = vec!["files/compose.yaml".into()];
    assert_eq!(
        resolve(&opts).environment.get("TAG").map(String::as_str),
        Some("from-files")
    );
    opts.project_directory = Some(PathBuf::from("app"));
    let r = resolve(&opts);
    assert_eq!(r.working_dir, dir.join("app"));
    assert_eq!(
        r.environment.get("TAG").map(String::as_str),
        Some("from-app")
    );
}
