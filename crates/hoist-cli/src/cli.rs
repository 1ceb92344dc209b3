//! Command-line definitions: Docker Compose's global flags and subcommands, parsed with clap.
//!
//! Flag names, short forms and defaults follow `docker compose` so that scripts and habits
//! carry over. Environment fallbacks (`COMPOSE_FILE`, `COMPOSE_PROFILES`, …) are applied by
//! [`crate::project`] rather than by clap, because compose also reads them from `.env`.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
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
    Ps(PsArgs),
    /// List running compose projects.
    Ls(LsArgs),
    /// View output from containers.
    Logs(LogsArgs),
    /// Display the running processes.
    Top(TopArgs),
    /// Print the public port for a port binding.
    Port(PortArgs),
    /// List images used by the created containers.
    Images(ImagesArgs),
    /// Receive real time events from containers.
    Events(EventsArgs),
    /// Block until containers of all (or specified) services stop.
    Wait(WaitArgs),
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
    Build(PassArgs),
    /// Pull service images.
    Pull(PassArgs),
    /// Push service images.
    Push(PassArgs),
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

/// Arguments of `hoist ps`.
#[derive(Debug, Args, Default)]
pub struct PsArgs {
    /// Services to list (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Format the output: `table` (default), `json` or a Go template
    /// (`{{.Name}}`, `{{json .}}`, `{{.Label "key"}}`; a `table ` prefix adds headers).
    #[arg(long)]
    pub format: Option<String>,
    /// Show all stopped containers (including those created by the run command).
    #[arg(short = 'a', long = "all")]
    pub all: bool,
    /// Only display IDs.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
    /// Display services.
    #[arg(long = "services")]
    pub services_only: bool,
    /// Filter services by a property (supported filters: status).
    #[arg(long)]
    pub filter: Option<String>,
    /// Filter services by status (paused, restarting, removing, running, dead, created, exited).
    #[arg(long = "status")]
    pub status: Vec<String>,
    /// Don't truncate output.
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Include orphaned services (not declared by project); `--orphans=false` to hide them.
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true)]
    pub orphans: bool,
}

/// Arguments of `hoist ls`.
#[derive(Debug, Args, Default)]
pub struct LsArgs {
    /// Format the output: `table` (default) or `json`.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Only display project names.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
    /// Filter output based on conditions provided (`name=REGEX`).
    #[arg(long)]
    pub filter: Vec<String>,
    /// Show all stopped Compose projects.
    #[arg(short = 'a', long = "all")]
    pub all: bool,
}

/// Arguments of `hoist logs`.
#[derive(Debug, Args, Default)]
pub struct LogsArgs {
    /// Services to show (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Follow log output (including restarted and new containers).
    #[arg(short = 'f', long = "follow")]
    pub follow: bool,
    /// `--file` given after `logs` (where `-f` means `--follow`, as in Docker Compose).
    #[arg(long = "file", id = "files", value_name = "FILE", hide = true)]
    pub files_after: Vec<String>,
    /// Index of the container if the service has multiple replicas.
    #[arg(long, default_value_t = 0)]
    pub index: u32,
    /// Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m).
    #[arg(long)]
    pub since: Option<String>,
    /// Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m).
    #[arg(long)]
    pub until: Option<String>,
    /// Produce monochrome output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Don't print prefix in logs.
    #[arg(long = "no-log-prefix")]
    pub no_log_prefix: bool,
    /// Show timestamps.
    #[arg(short = 't', long = "timestamps")]
    pub timestamps: bool,
    /// Number of lines to show from the end of the logs for each container (`all`).
    #[arg(short = 'n', long = "tail", default_value = "all")]
    pub tail: String,
}

/// Arguments of `hoist top`.
#[derive(Debug, Args, Default)]
pub struct TopArgs {
    /// Services to show (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `hoist port`.
#[derive(Debug, Args, Default)]
pub struct PortArgs {
    /// The service.
    #[arg(value_name = "SERVICE")]
    pub service: String,
    /// The container port.
    #[arg(value_name = "PRIVATE_PORT")]
    pub private_port: String,
    /// tcp or udp.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Index of the container if the service has multiple replicas.
    #[arg(long, default_value_t = 0)]
    pub index: u32,
}

/// Arguments of `hoist images`.
#[derive(Debug, Args, Default)]
pub struct ImagesArgs {
    /// Services to show (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Format the output: `table` (default) or `json`.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Only display IDs.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
}

/// Arguments of `hoist events`.
#[derive(Debug, Args, Default)]
pub struct EventsArgs {
    /// Services to watch (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Output events as a stream of json objects.
    #[arg(long)]
    pub json: bool,
    /// Show all events created since timestamp.
    #[arg(long)]
    pub since: Option<String>,
    /// Stream events until this timestamp.
    #[arg(long)]
    pub until: Option<String>,
}

/// Arguments of `hoist wait`.
#[derive(Debug, Args, Default)]
pub struct WaitArgs {
    /// Services to wait for.
    #[arg(value_name = "SERVICE", required = true)]
    pub services: Vec<String>,
    /// Drops project when the first container stops.
    #[arg(long = "down-project")]
    pub down_project: bool,
}
