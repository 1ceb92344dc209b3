//! The container create body (`Config` + `HostConfig` + primary `NetworkingConfig`) for one
//! container of a service: process settings, compose labels, ports, resources, restart,
//! healthcheck and host settings, mapped as Docker Compose v5 `getCreateConfigs` does.
//! Mounts come from [`super::mounts`], network settings from [`super::networking`].

use std::collections::{BTreeMap, HashMap};

use bollard::models::{
    ContainerCreateBody, DeviceMapping, DeviceRequest, HealthConfig, HostConfig,
    HostConfigCgroupnsModeEnum, HostConfigIsolationEnum, HostConfigLogConfig, PortBinding, PortMap,
    ResourcesBlkioWeightDevice, ResourcesUlimits, RestartPolicy, RestartPolicyNameEnum,
    ThrottleDevice,
};
use hoist_loader::model::{
    BlkioConfig, DeviceRequest as ComposeDeviceRequest, Project, ServiceConfig,
    ThrottleDevice as ComposeThrottle,
};

use super::{path, ContainerLookup, ContainerRole, SpecError, COMPOSE_VERSION_LABEL};
use crate::engine::ApiVersion;
use crate::labels;

/// API version that introduced `HostConfig.Annotations`.
pub const API_ANNOTATIONS: ApiVersion = ApiVersion::new(1, 43);
/// API version that introduced healthcheck `StartInterval`.
pub const API_START_INTERVAL: ApiVersion = ApiVersion::new(1, 44);

/// The create body for a container of `service`; `service:X` references (network_mode, ipc,
/// pid, volumes_from, links) find no containers, so they are errors here — use
/// [`container_create_body_with`] to resolve them.
pub fn container_create_body(
    project: &Project,
    service: &str,
    role: &ContainerRole,
    api: ApiVersion,
) -> Result<ContainerCreateBody, SpecError> {
    container_create_body_with(project, service, role, api, &super::no_containers)
}

/// The create body for a container of `service`, resolving references to other services'
/// containers with `lookup` (lowest replica first).
pub fn container_create_body_with(
    project: &Project,
    service: &str,
    role: &ContainerRole,
    api: ApiVersion,
    lookup: ContainerLookup<'_>,
) -> Result<ContainerCreateBody, SpecError> {
    let svc = project
        .service(service)
        .ok_or_else(|| SpecError::new(format!("services.{service}"), "no such service"))?;
    reject_unsupported(svc)?;
    // Like Docker Compose, map (and hash) the service with its references to other
    // services' containers resolved.
    let resolved = resolve_service_references(svc, lookup, true)?;
    let svc = &resolved;

    let links = super::networking::links(project, svc, role, lookup)?;
    let (network_mode, networking_config) =
        super::networking::network_settings(project, svc, role, api, &links, lookup)?;
    let (binds, mounts) =
        super::mounts::container_mounts(project, svc, api, role.inherit.as_ref())?;
    let (security_opt, unconfined) = security_opts(project, svc)?;

    let mut host = HostConfig {
        binds: non_empty(binds),
        mounts: non_empty(mounts),
        network_mode: Some(network_mode),
        port_bindings: port_bindings(svc)?,
        restart_policy: Some(restart_policy(svc)?),
        auto_remove: role.auto_remove.then_some(true),
        volume_driver: non_empty_str(&svc.volume_driver),
        volumes_from: non_empty(svc.volumes_from.clone()),
        cap_add: non_empty(capabilities(&svc.cap_add)),
        cap_drop: non_empty(capabilities(&svc.cap_drop)),
        cgroupns_mode: cgroupns_mode(svc)?,
        dns: non_empty(dns_servers(svc)?),
        dns_options: non_empty(svc.dns_opt.clone()),
        dns_search: non_empty(svc.dns_search.clone()),
        extra_hosts: non_empty(extra_hosts(svc)),
        group_add: non_empty(svc.group_add.clone()),
        ipc_mode: non_empty_str(&svc.ipc),
        links: non_empty(links),
        oom_score_adj: (svc.oom_score_adj != 0).then_some(svc.oom_score_adj),
        pid_mode: non_empty_str(&svc.pid),
        privileged: svc.privileged.then_some(true),
        readonly_rootfs: svc.read_only.then_some(true),
        security_opt: non_empty(security_opt),
        storage_opt: non_empty_map(&svc.storage_opt.0),
        tmpfs: non_empty_map(&tmpfs_map(svc)),
        uts_mode: non_empty_str(&svc.uts),
        userns_mode: non_empty_str(&svc.userns_mode),
        shm_size: (svc.shm_size.0 != 0).then_some(svc.shm_size.0),
        sysctls: non_empty_map(&svc.sysctls.0),
        runtime: non_empty_str(&svc.runtime),
        isolation: isolation(svc)?,
        init: svc.init,
        log_config: svc.logging.as_ref().map(|l| HostConfigLogConfig {
            typ: non_empty_str(&l.driver),
            config: Some(to_hash_map(&l.options.0)),
        }),
        annotations: annotations(svc, api)?,
        ..Default::default()
    };
    if unconfined {
        host.masked_paths = Some(Vec::new());
        host.readonly_paths = Some(Vec::new());
    }
    apply_resources(svc, &mut host)?;

    let stdin_open = svc.stdin_open;
    Ok(ContainerCreateBody {
        hostname: non_empty_str(&svc.hostname),
        domainname: non_empty_str(&svc.domainname),
        user: non_empty_str(&svc.user),
        attach_stdin: Some(role.attach_stdin),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        exposed_ports: non_empty(exposed_ports(svc)?),
        tty: Some(svc.tty),
        open_stdin: Some(stdin_open),
        stdin_once: Some(role.attach_stdin && stdin_open),
        env: non_empty(environment(svc, &role.proxy_env)),
        cmd: svc.command.clone(),
        healthcheck: healthcheck(svc, api)?,
        image: Some(svc.image_name_or_default(&project.name)),
        working_dir: non_empty_str(&svc.working_dir),
        entrypoint: svc.entrypoint.clone(),
        network_disabled: (svc.network_mode == "disabled").then_some(true),
        labels: Some(container_labels(project, svc, role)),
        stop_signal: non_empty_str(&svc.stop_signal),
        stop_timeout: svc.stop_grace_period.map(|d| d.0 / 1_000_000_000),
        host_config: Some(host),
        networking_config,
        ..Default::default()
    })
}

/// Attributes Hoist cannot honour at all yet: refusing beats silently ignoring them.
fn reject_unsupported(svc: &ServiceConfig) -> Result<(), SpecError> {
    if svc.provider.is_some() {
        return Err(SpecError::new(
            path(&svc.name, "provider"),
            "a provider service is run by its plugin and has no container",
        ));
    }
    if svc.use_api_socket {
        return Err(SpecError::new(
            path(&svc.name, "use_api_socket"),
            "not supported by Hoist (mount the engine socket with a bind volume instead)",
        ));
    }
    if !svc.models.is_empty() {
        return Err(SpecError::new(
            path(&svc.name, "models"),
            "Docker Model Runner models are not supported by Hoist",
        ));
    }
    if svc.credential_spec.is_some() {
        return Err(SpecError::new(
            path(&svc.name, "credential_spec"),
            "credential specs are only supported by Windows engines",
        ));
    }
    Ok(())
}

/// All labels of the container: the service's labels, then the compose labels (which win).
pub fn container_labels(
    project: &Project,
    svc: &ServiceConfig,
    role: &ContainerRole,
) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = to_hash_map(&svc.labels.0);
    let mut put = |k: &str, v: String| {
        out.insert(k.to_string(), v);
    };
    put(labels::PROJECT, project.name.clone());
    put(labels::SERVICE, svc.name.clone());
    put(labels::VERSION, COMPOSE_VERSION_LABEL.to_string());
    put(
        labels::WORKING_DIR,
        project.working_dir.to_string_lossy().into_owned(),
    );
    put(
        labels::CONFIG_FILES,
        project
            .compose_files
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(","),
    );
    if !role.env_files.is_empty() {
        put(labels::ENVIRONMENT_FILE, role.env_files.join(","));
    }
    put(
        labels::ONEOFF,
        labels::oneoff_value(role.oneoff_slug.is_some()).to_string(),
    );
    if let Some(slug) = &role.oneoff_slug {
        put(labels::SLUG, slug.clone());
    } else if role.number > 0 {
        put(labels::CONTAINER_NUMBER, role.number.to_string());
    }
    if let Some(digest) = &role.image_digest {
        put(labels::IMAGE_DIGEST, digest.clone());
    }
    put(labels::CONFIG_HASH, svc.config_hash());
    put(labels::DEPENDS_ON, depends_on_label(svc));
    if let Some(replaced) = &role.replaces {
        put(labels::REPLACE, replaced.clone());
    }
    out
}

/// `svc:condition:restart` for every dependency, comma-joined (Compose's order is random;
/// Hoist sorts by service name).
pub fn depends_on_label(svc: &ServiceConfig) -> String {
    svc.depends_on
        .0
        .iter()
        .map(|(dep, d)| format!("{dep}:{}:{}", d.condition, d.restart))
        .collect::<Vec<_>>()
        .join(",")
}

/// Capabilities as the Docker client sends them: upper case, `CAP_` prefixed (`ALL` kept).
pub fn capabilities(caps: &[String]) -> Vec<String> {
    caps.iter()
        .map(|c| {
            let upper = c.to_ascii_uppercase();
            if upper == "ALL" || upper.starts_with("CAP_") {
                upper
            } else {
                format!("CAP_{upper}")
            }
        })
        .collect()
}

/// `KEY=value` entries (`KEY` alone for a variable without a value), sorted by name: the
/// proxy variables, overridden by the service's `environment`.
pub fn environment(svc: &ServiceConfig, proxy_env: &BTreeMap<String, String>) -> Vec<String> {
    let mut all: BTreeMap<&String, Option<&String>> =
        proxy_env.iter().map(|(k, v)| (k, Some(v))).collect();
    for (k, v) in &svc.environment.0 {
        all.insert(k, v.as_ref());
    }
    all.into_iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect()
}

/// The engine healthcheck: durations in nanoseconds, `disable` → `["NONE"]`.
pub fn healthcheck(
    svc: &ServiceConfig,
    api: ApiVersion,
) -> Result<Option<HealthConfig>, SpecError> {
    let Some(check) = &svc.healthcheck else {
        return Ok(None);
    };
    let nanos = |d: Option<hoist_loader::model::Duration>| d.map(|d| d.0).filter(|n| *n != 0);
    let mut start_interval = None;
    if let Some(si) = check.start_interval {
        if check.start_period.is_none() {
            return Err(SpecError::new(
                path(&svc.name, "healthcheck.start_interval"),
                "healthcheck.start_interval requires healthcheck.start_period to be set",
            ));
        }
        if si.0 != 0 {
            if api < API_START_INTERVAL {
                return Err(SpecError::new(
                    path(&svc.name, "healthcheck.start_interval"),
                    format!(
                        "needs engine API {API_START_INTERVAL} or later (this engine speaks {api})"
                    ),
                ));
            }
            start_interval = Some(si.0);
        }
    }
    let test = if check.disable {
        Some(vec!["NONE".to_string()])
    } else {
        non_empty(check.test.clone())
    };
    let retries = match check.retries {
        Some(r) if r != 0 => Some(i64::try_from(r).map_err(|_| {
            SpecError::new(path(&svc.name, "healthcheck.retries"), "value too large")
        })?),
        _ => None,
    };
    Ok(Some(HealthConfig {
        test,
        interval: nanos(check.interval),
        timeout: nanos(check.timeout),
        retries,
        start_period: nanos(check.start_period),
        start_interval,
    }))
}

/// The engine restart policy: `restart`, overridden by `deploy.restart_policy`.
pub fn restart_policy(svc: &ServiceConfig) -> Result<RestartPolicy, SpecError> {
    let mut policy = RestartPolicy {
        name: Some(RestartPolicyNameEnum::EMPTY),
        maximum_retry_count: Some(0),
    };
    if !svc.restart.is_empty() {
        let attr = || path(&svc.name, "restart");
        let (name, count) = match svc.restart.split_once(':') {
            Some((n, c)) => (
                n,
                c.trim().parse::<i64>().map_err(|_| {
                    SpecError::new(attr(), format!("invalid retry count in {:?}", svc.restart))
                })?,
            ),
            None => (svc.restart.as_str(), 0),
        };
        policy = RestartPolicy {
            name: Some(restart_name(name).ok_or_else(|| {
                SpecError::new(attr(), format!("unknown restart policy {name:?} (expected no, always, on-failure or unless-stopped)"))
            })?),
            maximum_retry_count: Some(count),
        };
    }
    if let Some(rp) = svc.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) {
        // An empty condition stays empty, as Docker Compose sends it.
        let condition = rp.condition.as_str();
        policy = RestartPolicy {
            name: Some(restart_name(condition).ok_or_else(|| {
                SpecError::new(
                    path(&svc.name, "deploy.restart_policy.condition"),
                    format!("unknown condition {condition:?} (expected none, on-failure or any)"),
                )
            })?),
            maximum_retry_count: Some(
                rp.max_attempts
                    .map_or(0, |n| i64::try_from(n).unwrap_or(i64::MAX)),
            ),
        };
    }
    Ok(policy)
}

fn restart_name(condition: &str) -> Option<RestartPolicyNameEnum> {
    match condition {
        "" => Some(RestartPolicyNameEnum::EMPTY),
        "none" | "no" => Some(RestartPolicyNameEnum::NO),
        "on-failure" => Some(RestartPolicyNameEnum::ON_FAILURE),
        "unless-stopped" => Some(RestartPolicyNameEnum::UNLESS_STOPPED),
        "any" | "always" => Some(RestartPolicyNameEnum::ALWAYS),
        _ => None,
    }
}

fn port_key(target: u64, protocol: &str) -> String {
    let proto = if protocol.is_empty() { "tcp" } else { protocol };
    format!("{target}/{}", proto.to_ascii_lowercase())
}

/// `port/proto` keys of the published ports and `expose` entries (ranges expanded).
pub fn exposed_ports(svc: &ServiceConfig) -> Result<Vec<String>, SpecError> {
    let mut set = std::collections::BTreeSet::new();
    for p in &svc.ports {
        set.insert(port_key(p.target, &p.protocol));
    }
    for (i, e) in svc.expose.iter().enumerate() {
        let bad = || {
            SpecError::new(
                path(&svc.name, &format!("expose[{i}]")),
                format!("invalid port or port range {e:?}"),
            )
        };
        let (range, proto) = e.split_once('/').unwrap_or((e.as_str(), "tcp"));
        let (start, end) = match range.split_once('-') {
            Some((a, b)) => (a, b),
            None => (range, range),
        };
        let start: u16 = start.trim().parse().map_err(|_| bad())?;
        let end: u16 = end.trim().parse().map_err(|_| bad())?;
        if end < start {
            return Err(bad());
        }
        for port in start..=end {
            set.insert(port_key(u64::from(port), proto));
        }
    }
    Ok(set.into_iter().collect())
}

/// Published ports, keyed by `target/proto`, in declaration order per key.
pub fn port_bindings(svc: &ServiceConfig) -> Result<Option<PortMap>, SpecError> {
    let mut map: PortMap = HashMap::new();
    for (i, p) in svc.ports.iter().enumerate() {
        if !p.host_ip.is_empty() && p.host_ip.parse::<std::net::IpAddr>().is_err() {
            return Err(SpecError::new(
                path(&svc.name, &format!("ports[{i}].host_ip")),
                format!("invalid IP address {:?}", p.host_ip),
            ));
        }
        let binding = PortBinding {
            host_ip: Some(p.host_ip.clone()),
            host_port: Some(p.published.clone()),
        };
        map.entry(port_key(p.target, &p.protocol))
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(binding);
    }
    Ok(if map.is_empty() { None } else { Some(map) })
}

/// Whether the engine picks a host port for one of the service's published ports when a
/// container starts: a host port range (`8000-8010:80`) or no host port (`80`). Concurrent
/// starts of such containers may be handed the same port, so they are started one at a time.
pub fn engine_picks_host_port(svc: &ServiceConfig) -> bool {
    svc.ports
        .iter()
        .any(|p| p.published.is_empty() || p.published.contains('-'))
}

fn dns_servers(svc: &ServiceConfig) -> Result<Vec<String>, SpecError> {
    for (i, d) in svc.dns.iter().enumerate() {
        if d.parse::<std::net::IpAddr>().is_err() {
            return Err(SpecError::new(
                path(&svc.name, &format!("dns[{i}]")),
                format!("invalid DNS address {d:?}"),
            ));
        }
    }
    Ok(svc.dns.clone())
}

/// `host:ip` entries as the engine expects them (the model keeps `host=ip`).
pub fn extra_hosts(svc: &ServiceConfig) -> Vec<String> {
    svc.extra_hosts
        .iter()
        .map(|h| match h.split_once('=') {
            Some((host, ip)) => format!("{host}:{ip}"),
            None => h.clone(),
        })
        .collect()
}

fn tmpfs_map(svc: &ServiceConfig) -> BTreeMap<String, String> {
    svc.tmpfs
        .iter()
        .map(|t| match t.split_once(':') {
            Some((p, o)) => (p.to_string(), o.to_string()),
            None => (t.clone(), String::new()),
        })
        .collect()
}

pub(crate) fn first_container(
    svc: &ServiceConfig,
    attr: &str,
    other: &str,
    lookup: ContainerLookup<'_>,
) -> Result<String, SpecError> {
    lookup(other)
        .into_iter()
        .next()
        .map(|c| c.id)
        .ok_or_else(|| {
            SpecError::new(
                path(&svc.name, attr),
                format!("service {other:?} has no container to share with yet"),
            )
        })
}

/// The service with its references to other services' containers resolved as Docker
/// Compose resolves them before creating (and hashing): `network_mode`, `ipc` and `pid`
/// `service:X` → `container:<id of X's first container>`, `volumes_from` entries
/// `container:NAME[:mode]` → `NAME` and `SERVICE[:mode]` → that first container's ID (the
/// access mode is dropped, as Compose does). With `strict`, a reference to a service
/// without containers is an error; otherwise it is left as written.
pub fn resolve_service_references(
    svc: &ServiceConfig,
    lookup: ContainerLookup<'_>,
    strict: bool,
) -> Result<ServiceConfig, SpecError> {
    let mut out = svc.clone();
    let resolve = |attr: &str, other: &str| -> Result<Option<String>, SpecError> {
        match first_container(svc, attr, other, lookup) {
            Ok(id) => Ok(Some(id)),
            Err(e) if strict => Err(e),
            Err(_) => Ok(None),
        }
    };
    for (attr, mode) in [
        ("network_mode", &mut out.network_mode),
        ("ipc", &mut out.ipc),
        ("pid", &mut out.pid),
    ] {
        if let Some(other) = mode.strip_prefix("service:").map(str::to_string) {
            if let Some(id) = resolve(attr, &other)? {
                *mode = format!("container:{id}");
            }
        }
    }
    for (i, entry) in out.volumes_from.iter_mut().enumerate() {
        let mut parts = entry.split(':');
        let first = parts.next().unwrap_or_default().to_string();
        if first == "container" {
            *entry = parts.next().unwrap_or_default().to_string();
        } else if let Some(id) = resolve(&format!("volumes_from[{i}]"), &first)? {
            *entry = id;
        }
    }
    Ok(out)
}

/// The config hash Docker Compose writes on (and expects from) a container of `service`:
/// the service hash with its container references resolved through `lookup` (references
/// that cannot be resolved are hashed as written, so they never match a created container).
pub fn resolved_config_hash(
    project: &Project,
    service: &str,
    lookup: ContainerLookup<'_>,
) -> Result<String, SpecError> {
    let svc = project
        .service(service)
        .ok_or_else(|| SpecError::new(format!("services.{service}"), "no such service"))?;
    Ok(resolve_service_references(svc, lookup, false)?.config_hash())
}

fn cgroupns_mode(svc: &ServiceConfig) -> Result<Option<HostConfigCgroupnsModeEnum>, SpecError> {
    match svc.cgroup.as_str() {
        "" => Ok(None),
        "host" => Ok(Some(HostConfigCgroupnsModeEnum::HOST)),
        "private" => Ok(Some(HostConfigCgroupnsModeEnum::PRIVATE)),
        other => Err(SpecError::new(
            path(&svc.name, "cgroup"),
            format!("invalid cgroup namespace mode {other:?} (expected host or private)"),
        )),
    }
}

fn isolation(svc: &ServiceConfig) -> Result<Option<HostConfigIsolationEnum>, SpecError> {
    match svc.isolation.as_str() {
        "" => Ok(None),
        "default" => Ok(Some(HostConfigIsolationEnum::DEFAULT)),
        "process" => Ok(Some(HostConfigIsolationEnum::PROCESS)),
        "hyperv" => Ok(Some(HostConfigIsolationEnum::HYPERV)),
        other => Err(SpecError::new(
            path(&svc.name, "isolation"),
            format!("invalid isolation {other:?} (expected default, process or hyperv)"),
        )),
    }
}

fn annotations(
    svc: &ServiceConfig,
    api: ApiVersion,
) -> Result<Option<HashMap<String, String>>, SpecError> {
    if svc.annotations.is_empty() {
        return Ok(None);
    }
    if api < API_ANNOTATIONS {
        return Err(SpecError::new(
            path(&svc.name, "annotations"),
            format!("needs engine API {API_ANNOTATIONS} or later (this engine speaks {api})"),
        ));
    }
    Ok(Some(to_hash_map(&svc.annotations.0)))
}

/// `security_opt` as the engine takes it: a `seccomp=FILE` profile is read (relative to the
/// project directory) and inlined as compact JSON; `systempaths=unconfined` is not passed
/// on but returned as `true` (it clears masked and read-only paths).
pub fn security_opts(
    project: &Project,
    svc: &ServiceConfig,
) -> Result<(Vec<String>, bool), SpecError> {
    let mut out = Vec::new();
    let mut unconfined = false;
    for (i, opt) in svc.security_opt.iter().enumerate() {
        let attr = || path(&svc.name, &format!("security_opt[{i}]"));
        if opt == "systempaths=unconfined" {
            unconfined = true;
            continue;
        }
        let (key, value) = match opt.split_once('=') {
            Some(kv) => kv,
            None if opt == "no-new-privileges" => {
                out.push(opt.clone());
                continue;
            }
            None => opt.split_once(':').ok_or_else(|| {
                SpecError::new(attr(), format!("invalid security option {opt:?}"))
            })?,
        };
        if key == "seccomp" && value != "unconfined" && value != "builtin" {
            let file = {
                let p = std::path::Path::new(value);
                if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    project.working_dir.join(p)
                }
            };
            let text = std::fs::read_to_string(&file).map_err(|e| {
                SpecError::new(
                    attr(),
                    format!("cannot read seccomp profile {}: {e}", file.display()),
                )
            })?;
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                SpecError::new(
                    attr(),
                    format!("seccomp profile {} is not JSON: {e}", file.display()),
                )
            })?;
            out.push(format!("seccomp={}", compact_json(&json)));
        } else {
            out.push(opt.clone());
        }
    }
    Ok((out, unconfined))
}

/// Compact JSON keeping the file's key order (serde_json preserves it with `preserve_order`
/// only; without it keys are sorted, which the engine does not mind).
fn compact_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn nano_cpus(cpus: f32) -> i64 {
    // Compose multiplies in float32 and truncates.
    (cpus * 1e9_f32) as i64
}

/// Resource limits, devices, device requests, ulimits and blkio settings.
fn apply_resources(svc: &ServiceConfig, host: &mut HostConfig) -> Result<(), SpecError> {
    host.cgroup_parent = non_empty_str(&svc.cgroup_parent);
    host.memory = nonzero(svc.mem_limit.0);
    host.memory_swap = nonzero(svc.memswap_limit.0);
    host.memory_swappiness = nonzero(svc.mem_swappiness.0);
    host.memory_reservation = nonzero(svc.mem_reservation.0);
    host.oom_kill_disable = Some(svc.oom_kill_disable);
    host.cpu_count = nonzero(svc.cpu_count);
    host.cpu_period = nonzero(svc.cpu_period);
    host.cpu_quota = nonzero(svc.cpu_quota);
    host.cpu_realtime_period = nonzero(svc.cpu_rt_period);
    host.cpu_realtime_runtime = nonzero(svc.cpu_rt_runtime);
    host.cpu_shares = nonzero(svc.cpu_shares);
    host.nano_cpus = nonzero(nano_cpus(svc.cpus.0));
    host.cpu_percent = nonzero((svc.cpu_percent.0 * 100.0) as i64);
    host.cpuset_cpus = non_empty_str(&svc.cpuset);
    host.device_cgroup_rules = non_empty(svc.device_cgroup_rules.clone());
    host.pids_limit = nonzero(svc.pids_limit);
    if let Some(blkio) = &svc.blkio_config {
        apply_blkio(svc, blkio, host)?;
    }

    let mut device_requests: Vec<DeviceRequest> = Vec::new();
    if let Some(deploy) = &svc.deploy {
        if let Some(limits) = &deploy.resources.limits {
            if limits.memory.0 != 0 {
                host.memory = Some(limits.memory.0);
            }
            if limits.cpus.0 != 0.0 {
                host.nano_cpus = Some(nano_cpus(limits.cpus.0));
            }
            if limits.pids > 0 {
                host.pids_limit = Some(limits.pids);
            }
        }
        if let Some(res) = &deploy.resources.reservations {
            if res.memory.0 != 0 {
                host.memory_reservation = Some(res.memory.0);
            }
            for d in &res.devices {
                device_requests.push(device_request(d, d.capabilities.clone()));
            }
        }
    }

    let mut devices = Vec::new();
    let mut cdi_names = Vec::new();
    for d in &svc.devices {
        if d.source == d.target && is_cdi_name(&d.source) {
            cdi_names.push(d.source.clone());
            continue;
        }
        devices.push(DeviceMapping {
            path_on_host: Some(d.source.clone()),
            path_in_container: Some(d.target.clone()),
            cgroup_permissions: Some(d.permissions.clone()),
        });
    }
    host.devices = non_empty(devices);
    if !cdi_names.is_empty() {
        device_requests.push(DeviceRequest {
            driver: Some("cdi".to_string()),
            device_ids: Some(cdi_names),
            ..Default::default()
        });
    }
    for g in &svc.gpus {
        let mut caps = g.capabilities.clone();
        caps.push("gpu".to_string());
        device_requests.push(device_request(g, caps));
    }
    host.device_requests = non_empty(device_requests);

    let ulimits: Vec<ResourcesUlimits> = svc
        .ulimits
        .0
        .iter()
        .map(|(name, u)| {
            let soft = if u.soft != 0 { u.soft } else { u.single };
            let hard = if u.hard != 0 { u.hard } else { u.single };
            ResourcesUlimits {
                name: Some(name.clone()),
                soft: Some(soft),
                hard: Some(hard),
            }
        })
        .collect();
    host.ulimits = non_empty(ulimits);
    Ok(())
}

fn device_request(d: &ComposeDeviceRequest, capabilities: Vec<String>) -> DeviceRequest {
    DeviceRequest {
        driver: non_empty_str(&d.driver),
        count: Some(d.count.0),
        device_ids: non_empty(d.device_ids.clone()),
        capabilities: Some(vec![capabilities]),
        options: non_empty_map(&d.options.0),
    }
}

/// A fully qualified CDI device name: `vendor.example/class=name`.
pub fn is_cdi_name(text: &str) -> bool {
    let Some((kind, name)) = text.split_once('=') else {
        return false;
    };
    let Some((vendor, class)) = kind.split_once('/') else {
        return false;
    };
    let ok_edge = |s: &str| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
    };
    let vendor_ok = ok_edge(vendor)
        && vendor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let class_ok = ok_edge(class)
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    let name_ok = ok_edge(name)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    vendor_ok && class_ok && name_ok
}

fn apply_blkio(
    svc: &ServiceConfig,
    blkio: &BlkioConfig,
    host: &mut HostConfig,
) -> Result<(), SpecError> {
    let weight = |w: u64, attr: &str| {
        u16::try_from(w).map_err(|_| SpecError::new(path(&svc.name, attr), "weight out of range"))
    };
    if blkio.weight != 0 {
        host.blkio_weight = Some(weight(blkio.weight, "blkio_config.weight")?);
    }
    let mut devices = Vec::new();
    for (i, d) in blkio.weight_device.iter().enumerate() {
        devices.push(ResourcesBlkioWeightDevice {
            path: Some(d.path.clone()),
            weight: Some(usize::from(weight(
                d.weight,
                &format!("blkio_config.weight_device[{i}].weight"),
            )?)),
        });
    }
    host.blkio_weight_device = non_empty(devices);
    let throttle = |list: &[ComposeThrottle]| {
        non_empty(
            list.iter()
                .map(|t| ThrottleDevice {
                    path: Some(t.path.clone()),
                    rate: Some(t.rate.0),
                })
                .collect(),
        )
    };
    host.blkio_device_read_bps = throttle(&blkio.device_read_bps);
    host.blkio_device_read_iops = throttle(&blkio.device_read_iops);
    host.blkio_device_write_bps = throttle(&blkio.device_write_bps);
    host.blkio_device_write_iops = throttle(&blkio.device_write_iops);
    Ok(())
}

pub(crate) fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    if v.is_empty() {
        None
    } else {
        Some(v)
    }
}

pub(crate) fn non_empty_str(s: &str) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s.to_string())
    }
}

pub(crate) fn non_empty_map(m: &BTreeMap<String, String>) -> Option<HashMap<String, String>> {
    if m.is_empty() {
        None
    } else {
        Some(to_hash_map(m))
    }
}

pub(crate) fn to_hash_map(m: &BTreeMap<String, String>) -> HashMap<String, String> {
    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn nonzero(n: i64) -> Option<i64> {
    (n != 0).then_some(n)
}

/// API version from which the create call accepts a `platform`.
pub const API_PLATFORM: ApiVersion = ApiVersion::new(1, 41);

/// The platform to create the container for: the service's `platform`, else the project
/// environment's `DOCKER_DEFAULT_PLATFORM`; `None` when neither is set. Pass it to
/// [`crate::Engine::create_container_on`].
pub fn container_platform(
    project: &Project,
    service: &str,
    api: ApiVersion,
) -> Result<Option<String>, SpecError> {
    let svc = project
        .service(service)
        .ok_or_else(|| SpecError::new(format!("services.{service}"), "no such service"))?;
    let platform = if svc.platform.is_empty() {
        project
            .environment
            .get("DOCKER_DEFAULT_PLATFORM")
            .cloned()
            .unwrap_or_default()
    } else {
        svc.platform.clone()
    };
    if platform.is_empty() {
        return Ok(None);
    }
    if platform.split('/').count() > 3 || platform.split('/').any(str::is_empty) {
        return Err(SpecError::new(
            path(service, "platform"),
            format!("invalid platform {platform:?} (expected os[/arch[/variant]])"),
        ));
    }
    if api < API_PLATFORM {
        return Err(SpecError::new(
            path(service, "platform"),
            format!("needs engine API {API_PLATFORM} or later (this engine speaks {api})"),
        ));
    }
    Ok(Some(platform))
}
