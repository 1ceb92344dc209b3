//! A profiling probe, not a check: parses one YAML file with the loader's YAML stage, through
//! the fast path (`yaml::parse`) or, with `--reference`, through saphyr-parser alone, and
//! prints how many documents it read. For example:
//!
//! ```sh
//! cargo build --profile profiling -p hoist-loader --example yaml_probe
//! valgrind --tool=callgrind target/profiling/examples/yaml_probe compose.yaml
//! ```

use hoist_loader::source::FileId;
use hoist_loader::yaml;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let mut reference = false;
    let mut path = None;
    for arg in args.by_ref() {
        match arg.as_str() {
            "--reference" => reference = true,
            _ => path = Some(arg),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: yaml_probe [--reference] FILE");
        return std::process::ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let parsed = if reference {
        yaml::parse_reference(&text, FileId(0))
    } else {
        yaml::parse(&text, FileId(0))
    };
    match parsed {
        Ok(docs) => {
            println!("{} document(s)", docs.len());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(1)
        }
    }
}
