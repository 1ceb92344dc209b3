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
    /// Compose configuration files (repeatable; `-` reads standard input). Accepted before
    /// the subcommand only, as in Docker Compose (`rm -f` is `--force`).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
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
    Up(UpArgs),
    /// Stop and remove containers, networks.
    Down(DownArgs),
    /// Create containers for a service.
    Create(CreateArgs),
    /// Start services.
    Start(StartArgs),
    /// Stop services.
    Stop(StopArgs),
    /// Restart service containers.
    Restart(RestartArgs),
    /// Remove stopped service containers.
    Rm(RmArgs),
    /// Force stop service containers.
    Kill(KillArgs),
    /// Pause services.
    Pause(ServicesArgs),
    /// Unpause services.
    Unpause(ServicesArgs),
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
    Scale(ScaleArgs),
    /// Execute a command in a running container.
    Exec(crate::commands::exec::ExecArgs),
    /// Run a one-off command on a service.
    Run(crate::commands::run::RunArgs),
    /// Attach local standard input, output, and error streams to a service's running container.
    Attach(crate::commands::attach::AttachArgs),
    /// Copy files/folders between a service container and the local filesystem.
    Cp(crate::commands::cp::CpArgs),
    /// Display a live stream of container(s) resource usage statistics.
    Stats(crate::commands::stats::StatsArgs),
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

/// `--pull` policies of `up` / `create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PullPolicy {
    /// Always pull.
    Always,
    /// Pull missing images.
    Missing,
    /// Never pull.
    Never,
    /// Pull when the compose file says so.
    Policy,
    /// Build images (`pull_policy: build`).
    Build,
}

/// `--rmi` values of `down`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RmiMode {
    /// Remove only images without a custom tag.
    Local,
    /// Remove every image used by services.
    All,
}

/// Flags shared by `up` and `create`: what to (re)create.
#[derive(Debug, Args, Default, Clone)]
pub struct CreateFlags {
    /// Build images before starting containers (building is not implemented yet).
    #[arg(long)]
    pub build: bool,
    /// Don't build an image, even if it's policy.
    #[arg(long = "no-build")]
    pub no_build: bool,
    /// Pull image before running.
    #[arg(long, value_enum)]
    pub pull: Option<PullPolicy>,
    /// Pull without printing progress information.
    #[arg(long = "quiet-pull")]
    pub quiet_pull: bool,
    /// Recreate containers even if their configuration and image haven't changed.
    #[arg(long = "force-recreate", conflicts_with = "no_recreate")]
    pub force_recreate: bool,
    /// If containers already exist, don't recreate them.
    #[arg(long = "no-recreate")]
    pub no_recreate: bool,
    /// Remove containers for services not defined in the Compose file.
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Scale SERVICE to NUM instances (`SERVICE=NUM`, repeatable).
    #[arg(long = "scale", value_name = "SERVICE=NUM")]
    pub scale: Vec<String>,
    /// Assume "yes" as answer to all prompts and run non-interactively.
    #[arg(short = 'y', long = "yes")]
    pub yes: bool,
}

/// Arguments of `hoist up`.
#[derive(Debug, Args, Default, Clone)]
pub struct UpArgs {
    /// Services to start (default: all), with their dependencies unless `--no-deps`.
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// What to create or recreate.
    #[command(flatten)]
    pub create: CreateFlags,
    /// Detached mode: run containers in the background.
    #[arg(short = 'd', long = "detach")]
    pub detach: bool,
    /// Stops all containers if any container was stopped (attached mode).
    #[arg(long = "abort-on-container-exit")]
    pub abort_on_container_exit: bool,
    /// Stops all containers if any container exited with failure (attached mode).
    #[arg(long = "abort-on-container-failure")]
    pub abort_on_container_failure: bool,
    /// Recreate dependent containers.
    #[arg(long = "always-recreate-deps")]
    pub always_recreate_deps: bool,
    /// Restrict attaching to the specified services.
    #[arg(long = "attach")]
    pub attach: Vec<String>,
    /// Automatically attach to log output of dependent services.
    #[arg(long = "attach-dependencies")]
    pub attach_dependencies: bool,
    /// Return the exit code of the selected service container.
    #[arg(long = "exit-code-from")]
    pub exit_code_from: Option<String>,
    /// Enable interactive shortcuts when running attached.
    #[arg(long = "menu")]
    pub menu: bool,
    /// Do not attach (stream logs) to the specified services.
    #[arg(long = "no-attach")]
    pub no_attach: Vec<String>,
    /// Produce monochrome output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Don't start linked services.
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Don't print prefix in logs.
    #[arg(long = "no-log-prefix")]
    pub no_log_prefix: bool,
    /// Don't start the services after creating them.
    #[arg(long = "no-start")]
    pub no_start: bool,
    /// Suppress the build output.
    #[arg(long = "quiet-build")]
    pub quiet_build: bool,
    /// Recreate anonymous volumes instead of retrieving data from the previous containers.
    #[arg(short = 'V', long = "renew-anon-volumes")]
    pub renew_anon_volumes: bool,
    /// Use this timeout in seconds for container shutdown when containers are already running.
    #[arg(short = 't', long = "timeout", allow_hyphen_values = true)]
    pub timeout: Option<i64>,
    /// Show timestamps.
    #[arg(long = "timestamps")]
    pub timestamps: bool,
    /// Wait for services to be running|healthy. Implies detached mode.
    #[arg(long = "wait")]
    pub wait: bool,
    /// Maximum duration in seconds to wait for the project to be running|healthy.
    #[arg(long = "wait-timeout")]
    pub wait_timeout: Option<u64>,
    /// Watch source code and rebuild/refresh containers when files are updated.
    #[arg(short = 'w', long = "watch")]
    pub watch: bool,
}

/// Arguments of `hoist create`.
#[derive(Debug, Args, Default, Clone)]
pub struct CreateArgs {
    /// Services to create (default: all), with their dependencies.
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// What to create or recreate.
    #[command(flatten)]
    pub create: CreateFlags,
}

/// Arguments of `hoist down`.
#[derive(Debug, Args, Default, Clone)]
pub struct DownArgs {
    /// Services to stop and remove (default: all), with their dependents.
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Remove containers for services not defined in the Compose file.
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Remove images used by services (not implemented yet).
    #[arg(long = "rmi", value_enum)]
    pub rmi: Option<RmiMode>,
    /// Specify a shutdown timeout in seconds.
    #[arg(short = 't', long = "timeout", allow_hyphen_values = true)]
    pub timeout: Option<i64>,
    /// Remove named volumes declared in the "volumes" section and anonymous volumes.
    #[arg(short = 'v', long = "volumes")]
    pub volumes: bool,
}

/// Arguments of `hoist start`.
#[derive(Debug, Args, Default, Clone)]
pub struct StartArgs {
    /// Services to start (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Wait for services to be running|healthy.
    #[arg(long = "wait")]
    pub wait: bool,
    /// Maximum duration in seconds to wait for the project to be running|healthy.
    #[arg(long = "wait-timeout")]
    pub wait_timeout: Option<u64>,
}

/// Arguments of `hoist stop`.
#[derive(Debug, Args, Default, Clone)]
pub struct StopArgs {
    /// Services to stop (default: all), with their dependents.
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Specify a shutdown timeout in seconds.
    #[arg(short = 't', long = "timeout", allow_hyphen_values = true)]
    pub timeout: Option<i64>,
}

/// Arguments of `hoist restart`.
#[derive(Debug, Args, Default, Clone)]
pub struct RestartArgs {
    /// Services to restart (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Don't restart dependent services.
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Specify a shutdown timeout in seconds.
    #[arg(short = 't', long = "timeout", allow_hyphen_values = true)]
    pub timeout: Option<i64>,
}

/// Arguments of `hoist rm`.
#[derive(Debug, Args, Default, Clone)]
pub struct RmArgs {
    /// Services whose containers to remove (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Don't ask to confirm removal.
    #[arg(short = 'f', long = "force")]
    pub force: bool,
    /// Stop the containers, if required, before removing.
    #[arg(short = 's', long = "stop")]
    pub stop: bool,
    /// Remove any anonymous volumes attached to containers.
    #[arg(short = 'v', long = "volumes")]
    pub volumes: bool,
}

/// Arguments of `hoist kill`.
#[derive(Debug, Args, Default, Clone)]
pub struct KillArgs {
    /// Services to kill (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Remove containers for services not defined in the Compose file.
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// SIGNAL to send to the container.
    #[arg(short = 's', long = "signal", default_value = "SIGKILL")]
    pub signal: String,
}

/// Arguments of commands that only take service names (`pause`, `unpause`).
#[derive(Debug, Args, Default, Clone)]
pub struct ServicesArgs {
    /// Services (default: all).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `hoist scale`.
#[derive(Debug, Args, Default, Clone)]
pub struct ScaleArgs {
    /// `SERVICE=REPLICAS` pairs.
    #[arg(value_name = "SERVICE=REPLICAS", required = true)]
    pub scales: Vec<String>,
    /// Don't start linked services.
    #[arg(long = "no-deps")]
    pub no_deps: bool,
}

#[cfg(test)]
mod lifecycle_args_tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn lifecycle_flags_parse_like_docker_compose() {
        let cli = Cli::parse_from(["hoist", "-f", "a.yaml", "rm", "-f", "-s", "-v", "web"]);
        let Command::Rm(rm) = cli.command else {
            panic!("rm expected");
        };
        assert!(rm.force && rm.stop && rm.volumes);
        assert_eq!(cli.global.files, ["a.yaml"]);
        let cli = Cli::parse_from(["hoist", "kill", "web"]);
        let Command::Kill(kill) = cli.command else {
            panic!("kill expected");
        };
        assert_eq!(kill.signal, "SIGKILL");
        let cli = Cli::parse_from([
            "hoist",
            "up",
            "-d",
            "--scale",
            "web=2",
            "-t",
            "3",
            "--wait",
            "--wait-timeout",
            "9",
        ]);
        let Command::Up(up) = cli.command else {
            panic!("up expected");
        };
        assert!(up.detach && up.wait);
        assert_eq!(up.create.scale, ["web=2"]);
        assert_eq!((up.timeout, up.wait_timeout), (Some(3), Some(9)));
    }
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
