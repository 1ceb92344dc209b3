//! Command-line definitions: Docker Compose's global flags and subcommands, parsed with clap.
//!
//! Flag names, short forms and defaults follow `docker compose` so that scripts and habits
//! carry over. Environment fallbacks (`COMPOSE_FILE`, `COMPOSE_PROFILES`, …) are applied by
//! [`crate::project`] rather than by clap, because compose also reads them from `.env`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Hoist: define and run multi-container applications from a compose file.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, disable_version_flag = true, about, long_about = None)]
pub struct Cli {
    /// Global options, accepted before the subcommand.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options that apply to every command.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalOptions {
    /// Compose configuration files (repeatable; `-` reads standard input).
    #[arg(short = 'f', long = "file", global = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Project name.
    #[arg(short = 'p', long = "project-name", global = true)]
    pub project_name: Option<String>,
    /// Alternate working directory (default: the directory of the first compose file).
    #[arg(long = "project-directory", global = true, value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Profiles to enable (repeatable; `*` enables all).
    #[arg(long = "profile", global = true)]
    pub profiles: Vec<String>,
    /// Alternate environment files (repeatable).
    #[arg(long = "env-file", global = true, value_name = "FILE")]
    pub env_files: Vec<String>,
    /// Maximum number of concurrent engine calls (-1 for unlimited).
    #[arg(long = "parallel", global = true, allow_hyphen_values = true)]
    pub parallel: Option<i64>,
    /// Progress output type.
    #[arg(long = "progress", global = true, value_enum)]
    pub progress: Option<Progress>,
    /// When to print ANSI control characters.
    #[arg(long = "ansi", global = true, value_enum)]
    pub ansi: Option<Ansi>,
    /// Execute the command in dry-run mode: show what would be done, change nothing.
    #[arg(long = "dry-run", global = true)]
    pub dry_run: bool,
    /// Keep networks and volumes that no service uses.
    #[arg(long = "all-resources", global = true)]
    pub all_resources: bool,
}

/// `--progress` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// A live view on a terminal, plain lines otherwise.
    Auto,
    /// Always the live terminal view.
    Tty,
    /// One line per event.
    Plain,
    /// Structured JSON events.
    Json,
    /// Nothing but errors.
    Quiet,
    /// Alias for quiet.
    None,
}

/// `--ansi` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ansi {
    /// Colour when the output is a terminal.
    Auto,
    /// Never colour.
    Never,
    /// Always colour.
    Always,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, resolve and render the compose file in canonical format.
    Config(ConfigArgs),
    /// Show the Hoist version information.
    Version(VersionArgs),
    /// Create and start containers.
    Up(PassArgs),
    /// Stop and remove containers, networks.
    Down(PassArgs),
    /// Create containers for a service.
    Create(PassArgs),
    /// Start services.
    Start(PassArgs),
    /// Stop services.
    Stop(PassArgs),
    /// Restart service containers.
    Restart(PassArgs),
    /// Remove stopped service containers.
    Rm(PassArgs),
    /// Force stop service containers.
    Kill(PassArgs),
    /// Pause services.
    Pause(PassArgs),
    /// Unpause services.
    Unpause(PassArgs),
    /// List containers.
    Ps(PassArgs),
    /// List running compose projects.
    Ls(PassArgs),
    /// View output from containers.
    Logs(PassArgs),
    /// Display the running processes.
    Top(PassArgs),
    /// Print the public port for a port binding.
    Port(PassArgs),
    /// List images used by the created containers.
    Images(PassArgs),
    /// Receive real time events from containers.
    Events(PassArgs),
    /// Block until containers of all (or specified) services stop.
    Wait(PassArgs),
    /// Scale services.
    Scale(PassArgs),
    /// Execute a command in a running container.
    Exec(PassArgs),
    /// Run a one-off command on a service.
    Run(PassArgs),
    /// Attach local standard input, output, and error streams to a service's running container.
    Attach(PassArgs),
    /// Copy files/folders between a service container and the local filesystem.
    Cp(PassArgs),
    /// Display a live stream of container(s) resource usage statistics.
    Stats(PassArgs),
    /// Build or rebuild services.
    Build(BuildArgs),
    /// Pull service images.
    Pull(PullArgs),
    /// Push service images.
    Push(PushArgs),
    /// Watch the build context and rebuild/refresh containers when files are updated.
    Watch(PassArgs),
}

impl Command {
    /// The subcommand's name as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Config(_) => "config",
            Command::Version(_) => "version",
            Command::Up(_) => "up",
            Command::Down(_) => "down",
            Command::Create(_) => "create",
            Command::Start(_) => "start",
            Command::Stop(_) => "stop",
            Command::Restart(_) => "restart",
            Command::Rm(_) => "rm",
            Command::Kill(_) => "kill",
            Command::Pause(_) => "pause",
            Command::Unpause(_) => "unpause",
            Command::Ps(_) => "ps",
            Command::Ls(_) => "ls",
            Command::Logs(_) => "logs",
            Command::Top(_) => "top",
            Command::Port(_) => "port",
            Command::Images(_) => "images",
            Command::Events(_) => "events",
            Command::Wait(_) => "wait",
            Command::Scale(_) => "scale",
            Command::Exec(_) => "exec",
            Command::Run(_) => "run",
            Command::Attach(_) => "attach",
            Command::Cp(_) => "cp",
            Command::Stats(_) => "stats",
            Command::Build(_) => "build",
            Command::Pull(_) => "pull",
            Command::Push(_) => "push",
            Command::Watch(_) => "watch",
        }
    }
}

/// Arguments of a command that is not implemented yet: accepted, then refused clearly.
#[derive(Debug, Args)]
pub struct PassArgs {
    /// Arguments of the command.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// `config` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ConfigFormat {
    /// YAML (the default).
    #[default]
    Yaml,
    /// JSON.
    Json,
}

/// Arguments of `hoist config`.
#[derive(Debug, Args, Default)]
pub struct ConfigArgs {
    /// Services to render (default: all enabled services).
    #[arg(value_name = "SERVICE")]
    pub service_names: Vec<String>,
    /// Format the output.
    #[arg(long, value_enum)]
    pub format: Option<ConfigFormat>,
    /// Only validate the configuration, don't print anything.
    #[arg(short, long)]
    pub quiet: bool,
    /// Don't interpolate environment variables.
    #[arg(long = "no-interpolate")]
    pub no_interpolate: bool,
    /// Don't normalize the compose model.
    #[arg(long = "no-normalize")]
    pub no_normalize: bool,
    /// Don't resolve file paths.
    #[arg(long = "no-path-resolution")]
    pub no_path_resolution: bool,
    /// Don't check model consistency (may produce invalid output).
    #[arg(long = "no-consistency")]
    pub no_consistency: bool,
    /// Don't resolve service env files.
    #[arg(long = "no-env-resolution")]
    pub no_env_resolution: bool,
    /// Print the service names, one per line.
    #[arg(long = "services")]
    pub list_services: bool,
    /// Print the volume names, one per line.
    #[arg(long)]
    pub volumes: bool,
    /// Print the network names, one per line.
    #[arg(long)]
    pub networks: bool,
    /// Print the model names, one per line.
    #[arg(long)]
    pub models: bool,
    /// Print the profile names, one per line.
    #[arg(long = "profiles", id = "list_profiles")]
    pub list_profiles: bool,
    /// Print the image names, one per line.
    #[arg(long)]
    pub images: bool,
    /// Print the service config hash, one per line (`*` for all services).
    #[arg(long)]
    pub hash: Option<String>,
    /// Print model variables and default values.
    #[arg(long)]
    pub variables: bool,
    /// Print the environment used for interpolation.
    #[arg(long)]
    pub environment: bool,
    /// Save to file (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Arguments of `hoist version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Format the output (`pretty` or `json`).
    #[arg(short, long)]
    pub format: Option<String>,
    /// Show only the version number.
    #[arg(long)]
    pub short: bool,
}

/// Arguments of `hoist build`.
#[derive(Debug, Args, Default)]
pub struct BuildArgs {
    /// Services to build (default: every service with `build`).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Set a build-time variable (`KEY=VALUE`, or `KEY` to take it from the environment).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
    /// Do not use cache when building the image.
    #[arg(long = "no-cache")]
    pub no_cache: bool,
    /// Always attempt to pull a newer version of the base images.
    #[arg(long)]
    pub pull: bool,
    /// Push the images after building them.
    #[arg(long)]
    pub push: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the build definition as JSON instead of building.
    #[arg(long)]
    pub print: bool,
    /// Also build the services the selected ones depend on.
    #[arg(long = "with-dependencies")]
    pub with_dependencies: bool,
    /// Memory limit for the build container (e.g. `512m`).
    #[arg(short = 'm', long)]
    pub memory: Option<String>,
    /// SSH agent sockets or keys for the build (needs BuildKit: refused).
    #[arg(long)]
    pub ssh: Option<String>,
    /// Builder to use (only the engine's classic builder is supported).
    #[arg(long)]
    pub builder: Option<String>,
}

/// Arguments of `hoist pull`.
#[derive(Debug, Args, Default)]
pub struct PullArgs {
    /// Services whose images to pull (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Pull what it can and ignore images with pull failures.
    #[arg(long = "ignore-pull-failures")]
    pub ignore_pull_failures: bool,
    /// Ignore images that can be built.
    #[arg(long = "ignore-buildable")]
    pub ignore_buildable: bool,
    /// Also pull the images of the services the selected ones depend on.
    #[arg(long = "include-deps")]
    pub include_deps: bool,
    /// Apply a pull policy (`missing` or `always`) instead of pulling every image.
    #[arg(long)]
    pub policy: Option<String>,
    /// Pull without printing progress information.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `hoist push`.
#[derive(Debug, Args, Default)]
pub struct PushArgs {
    /// Services whose images to push (default: all with an `image`).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Push what it can and ignore images with push failures.
    #[arg(long = "ignore-push-failures")]
    pub ignore_push_failures: bool,
    /// Also push the images of the services the selected ones depend on.
    #[arg(long = "include-deps")]
    pub include_deps: bool,
    /// Push without printing progress information.
    #[arg(short, long)]
    pub quiet: bool,
}
