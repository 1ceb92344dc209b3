//! Network side of a container and the project's networks and volumes: `network_mode`,
//! endpoint settings (aliases, static addresses, MAC, driver options, links), the networks
//! connected after creation on engines older than API 1.44, and the network/volume create
//! requests with their compose labels and config hashes.

use std::collections::HashMap;

use bollard::models::{
    EndpointIpamConfig, EndpointSettings, Ipam, IpamConfig, NetworkCreateRequest, NetworkingConfig,
    VolumeCreateRequest,
};
use hoist_loader::model::{Project, ServiceConfig, ServiceNetworkConfig};

use super::container::{first_container, non_empty, non_empty_map, non_empty_str, to_hash_map};
use super::{path, ContainerLookup, ContainerRole, SpecError, COMPOSE_VERSION_LABEL};
use crate::engine::ApiVersion;
use crate::labels;

/// API version from which a container can be created on several networks at once, and
/// from which (endpoint) MAC addresses are honoured.
pub const API_MULTI_NETWORK_CREATE: ApiVersion = ApiVersion::new(1, 44);
/// API version that introduced `EnableIPv4` on networks.
pub const API_ENABLE_IPV4: ApiVersion = ApiVersion::new(1, 47);
/// API version that introduced endpoint `GwPriority`.
pub const API_GW_PRIORITY: ApiVersion = ApiVersion::new(1, 48);
/// API version that honours `interface_name` (the endpoint ifname driver option).
pub const API_INTERFACE_NAME: ApiVersion = ApiVersion::new(1, 49);

const IFNAME_OPT: &str = "com.docker.network.endpoint.ifname";

/// Legacy links of a container: for `links: [svc[:alias]]` every container of `svc` as
/// `name:alias`, `name:svc-N`, `name:project-svc-N` (N = this container's number); for a
/// one-off, the service's own containers; then `external_links` as `container:alias`.
pub fn links(
    project: &Project,
    svc: &ServiceConfig,
    role: &ContainerRole,
    lookup: ContainerLookup<'_>,
) -> Result<Vec<String>, SpecError> {
    let mut out = Vec::new();
    let n = role.number;
    for raw in &svc.links {
        let (other, alias) = raw.split_once(':').unwrap_or((raw.as_str(), raw.as_str()));
        for c in lookup(other) {
            out.push(format!("{}:{alias}", c.name));
            out.push(format!("{}:{other}-{n}", c.name));
            out.push(format!("{}:{}-{other}-{n}", c.name, project.name));
        }
    }
    if role.oneoff_slug.is_some() {
        for c in lookup(&svc.name) {
            let short = c
                .name
                .strip_prefix(&format!("{}-", project.name))
                .unwrap_or(&c.name)
                .to_string();
            out.push(format!("{}:{}", c.name, svc.name));
            out.push(format!("{}:{short}", c.name));
            out.push(format!("{}:{}", c.name, c.name));
        }
    }
    for raw in &svc.external_links {
        let (name, alias) = raw.split_once(':').unwrap_or((raw.as_str(), raw.as_str()));
        out.push(format!("{name}:{alias}"));
    }
    Ok(out)
}

/// `HostConfig.NetworkMode` and the `NetworkingConfig` sent at create: with `network_mode`
/// set, that mode (`service:X` → `container:<id>`) and no endpoints; with no project
/// networks, `none`; otherwise the primary network (highest priority) and, on API ≥ 1.44,
/// every other network of the service too.
pub fn network_settings(
    project: &Project,
    svc: &ServiceConfig,
    role: &ContainerRole,
    api: ApiVersion,
    links: &[String],
    lookup: ContainerLookup<'_>,
) -> Result<(String, Option<NetworkingConfig>), SpecError> {
    if !svc.network_mode.is_empty() {
        let mode = match svc.network_mode.strip_prefix("service:") {
            Some(other) => format!(
                "container:{}",
                first_container(svc, "network_mode", other, lookup)?
            ),
            None => svc.network_mode.clone(),
        };
        return Ok((mode, None));
    }
    if project.networks.0.is_empty() {
        return Ok(("none".to_string(), None));
    }
    let keys = network_keys(svc);
    let Some((primary, others)) = keys.split_first() else {
        return Ok(("none".to_string(), None));
    };
    check_mac_consistency(svc, primary)?;
    let primary_name = engine_network_name(project, svc, primary)?;
    let mut endpoints = HashMap::new();
    endpoints.insert(
        primary_name.clone(),
        endpoint_settings(project, svc, role, api, primary, true, links)?,
    );
    if api >= API_MULTI_NETWORK_CREATE {
        for key in others {
            endpoints.insert(
                engine_network_name(project, svc, key)?,
                endpoint_settings(project, svc, role, api, key, false, links)?,
            );
        }
    } else {
        // Fail now, before anything is created, if a later connect would fail.
        for key in others {
            engine_network_name(project, svc, key)?;
            endpoint_settings(project, svc, role, api, key, false, links)?;
        }
    }
    Ok((
        primary_name,
        Some(NetworkingConfig {
            endpoints_config: Some(endpoints),
        }),
    ))
}

/// Networks to connect after creating the container (engine network name, endpoint), in
/// priority order: the service's non-primary networks on API < 1.44, nothing otherwise.
pub fn extra_networks(
    project: &Project,
    service: &str,
    role: &ContainerRole,
    api: ApiVersion,
    lookup: ContainerLookup<'_>,
) -> Result<Vec<(String, EndpointSettings)>, SpecError> {
    let svc = project
        .service(service)
        .ok_or_else(|| SpecError::new(format!("services.{service}"), "no such service"))?;
    if api >= API_MULTI_NETWORK_CREATE
        || !svc.network_mode.is_empty()
        || project.networks.0.is_empty()
    {
        return Ok(Vec::new());
    }
    let links = links(project, svc, role, lookup)?;
    let keys = network_keys(svc);
    let mut out = Vec::new();
    for key in keys.iter().skip(1) {
        out.push((
            engine_network_name(project, svc, key)?,
            endpoint_settings(project, svc, role, api, key, false, &links)?,
        ));
    }
    Ok(out)
}

/// The service's network keys by priority, or `default` when it lists none.
fn network_keys(svc: &ServiceConfig) -> Vec<String> {
    let keys = svc.networks_by_priority();
    if keys.is_empty() {
        vec!["default".to_string()]
    } else {
        keys
    }
}

fn engine_network_name(
    project: &Project,
    svc: &ServiceConfig,
    key: &str,
) -> Result<String, SpecError> {
    project
        .networks
        .0
        .get(key)
        .map(|n| {
            if n.name.is_empty() {
                format!("{}_{key}", project.name)
            } else {
                n.name.clone()
            }
        })
        .ok_or_else(|| {
            SpecError::new(
                path(&svc.name, &format!("networks.{key}")),
                format!("service refers to undefined network {key}"),
            )
        })
}

fn network_config<'a>(svc: &'a ServiceConfig, key: &str) -> Option<&'a ServiceNetworkConfig> {
    svc.networks.0.get(key).and_then(|c| c.as_deref())
}

fn check_mac_consistency(svc: &ServiceConfig, primary: &str) -> Result<(), SpecError> {
    if let Some(cfg) = network_config(svc, primary) {
        if !svc.mac_address.is_empty()
            && !cfg.mac_address.is_empty()
            && cfg.mac_address != svc.mac_address
        {
            return Err(SpecError::new(
                path(&svc.name, "mac_address"),
                format!(
                    "the service-level mac_address should have the same value as network {primary}"
                ),
            ));
        }
    }
    Ok(())
}

fn valid_mac(mac: &str) -> bool {
    let parts: Vec<&str> = mac.split([':', '-']).collect();
    matches!(parts.len(), 6 | 8 | 20)
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The endpoint settings of the container on network `key`.
pub fn endpoint_settings(
    project: &Project,
    svc: &ServiceConfig,
    role: &ContainerRole,
    api: ApiVersion,
    key: &str,
    primary: bool,
    links: &[String],
) -> Result<EndpointSettings, SpecError> {
    let cfg = network_config(svc, key);
    let attr = |a: &str| path(&svc.name, &format!("networks.{key}.{a}"));
    let mut aliases = vec![role.name_for(&project.name, svc)];
    if role.use_network_aliases {
        aliases.push(svc.name.clone());
        if let Some(c) = cfg {
            aliases.extend(c.aliases.iter().cloned());
        }
    }
    let mut ep = EndpointSettings {
        aliases: Some(aliases),
        links: non_empty(links.to_vec()),
        ..Default::default()
    };
    let mut mac = cfg.map(|c| c.mac_address.clone()).unwrap_or_default();
    let mut mac_attr = attr("mac_address");
    if primary && mac.is_empty() {
        mac = svc.mac_address.clone();
        mac_attr = path(&svc.name, "mac_address");
    }
    if let Some(c) = cfg {
        let ip = |text: &str, a: &str| -> Result<Option<String>, SpecError> {
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<std::net::IpAddr>()
                .map(|_| Some(text.to_string()))
                .map_err(|_| SpecError::new(attr(a), format!("invalid IP address {text:?}")))
        };
        let mut link_local = Vec::new();
        for (i, l) in c.link_local_ips.iter().enumerate() {
            if let Some(addr) = ip(l, &format!("link_local_ips[{i}]"))? {
                link_local.push(addr);
            }
        }
        ep.ipam_config = Some(EndpointIpamConfig {
            ipv4_address: ip(&c.ipv4_address, "ipv4_address")?,
            ipv6_address: ip(&c.ipv6_address, "ipv6_address")?,
            link_local_ips: non_empty(link_local),
        });
        let mut opts = c.driver_opts.0.clone();
        if !c.interface_name.is_empty() {
            if api < API_INTERFACE_NAME {
                return Err(SpecError::new(
                    attr("interface_name"),
                    format!(
                        "needs engine API {API_INTERFACE_NAME} or later (this engine speaks {api})"
                    ),
                ));
            }
            opts.insert(IFNAME_OPT.to_string(), c.interface_name.clone());
        }
        ep.driver_opts = non_empty_map(&opts);
        if c.gw_priority != 0 {
            if api < API_GW_PRIORITY {
                return Err(SpecError::new(
                    attr("gw_priority"),
                    format!(
                        "needs engine API {API_GW_PRIORITY} or later (this engine speaks {api})"
                    ),
                ));
            }
            ep.gw_priority = Some(c.gw_priority);
        }
    }
    if !mac.is_empty() {
        if !valid_mac(&mac) {
            return Err(SpecError::new(
                attr("mac_address"),
                format!("invalid MAC address {mac:?}"),
            ));
        }
        if api < API_MULTI_NETWORK_CREATE {
            // Older engines only take the container-wide Config.MacAddress, which the
            // current API model no longer has; Docker Compose sends the endpoint field
            // anyway and the engine silently ignores it. Refuse instead.
            return Err(SpecError::new(
                mac_attr,
                format!(
                    "a MAC address needs engine API {API_MULTI_NETWORK_CREATE} or later (this engine speaks {api}; Docker Compose silently ignores it there)"
                ),
            ));
        }
        ep.mac_address = Some(mac);
    }
    Ok(ep)
}

/// The create request of the project network under `key`: driver, options, IPAM, flags,
/// user labels plus the compose labels and the network's config hash.
pub fn network_create_request(
    project: &Project,
    key: &str,
    api: ApiVersion,
) -> Result<NetworkCreateRequest, SpecError> {
    let attr = format!("networks.{key}");
    let net = project
        .networks
        .0
        .get(key)
        .ok_or_else(|| SpecError::new(attr.clone(), "no such network"))?;
    if net.external {
        return Err(SpecError::new(
            attr,
            "an external network is never created by Hoist",
        ));
    }
    let mut l = to_hash_map(&net.labels.0);
    l.insert(labels::NETWORK.into(), key.into());
    l.insert(labels::PROJECT.into(), project.name.clone());
    l.insert(labels::VERSION.into(), COMPOSE_VERSION_LABEL.into());
    l.insert(labels::CONFIG_HASH.into(), net.config_hash());
    let ipam = &net.ipam;
    let ipam = if !ipam.driver.is_empty() || !ipam.config.is_empty() || !ipam.options.is_empty() {
        let mut pools = Vec::new();
        for (i, pool) in ipam.config.iter().enumerate() {
            let pattr = |a: &str| format!("{attr}.ipam.config[{i}].{a}");
            check_cidr(&pool.subnet, &pattr("subnet"))?;
            check_cidr(&pool.ip_range, &pattr("ip_range"))?;
            if !pool.gateway.is_empty() && pool.gateway.parse::<std::net::IpAddr>().is_err() {
                return Err(SpecError::new(
                    pattr("gateway"),
                    format!("invalid gateway address {:?}", pool.gateway),
                ));
            }
            for (name, addr) in &pool.aux_addresses.0 {
                if addr.parse::<std::net::IpAddr>().is_err() {
                    return Err(SpecError::new(
                        pattr(&format!("aux_addresses.{name}")),
                        format!("invalid auxiliary address {addr:?}"),
                    ));
                }
            }
            pools.push(IpamConfig {
                subnet: non_empty_str(&pool.subnet),
                ip_range: non_empty_str(&pool.ip_range),
                gateway: non_empty_str(&pool.gateway),
                auxiliary_addresses: non_empty_map(&pool.aux_addresses.0),
            });
        }
        Some(Ipam {
            driver: non_empty_str(&ipam.driver),
            config: Some(pools),
            options: non_empty_map(&ipam.options.0),
        })
    } else {
        None
    };
    let enable_ipv4 = match net.enable_ipv4 {
        Some(false) if api < API_ENABLE_IPV4 => {
            return Err(SpecError::new(
                format!("{attr}.enable_ipv4"),
                format!("disabling IPv4 needs engine API {API_ENABLE_IPV4} or later (this engine speaks {api})"),
            ));
        }
        v if api >= API_ENABLE_IPV4 => v,
        _ => None,
    };
    Ok(NetworkCreateRequest {
        name: if net.name.is_empty() {
            format!("{}_{key}", project.name)
        } else {
            net.name.clone()
        },
        driver: non_empty_str(&net.driver),
        internal: net.internal.then_some(true),
        attachable: net.attachable.then_some(true),
        ipam,
        enable_ipv4,
        enable_ipv6: net.enable_ipv6,
        options: non_empty_map(&net.driver_opts.0),
        labels: Some(l),
        ..Default::default()
    })
}

fn check_cidr(text: &str, attr: &str) -> Result<(), SpecError> {
    if text.is_empty() {
        return Ok(());
    }
    let ok = text.split_once('/').is_some_and(|(ip, bits)| {
        ip.parse::<std::net::IpAddr>().is_ok_and(|addr| {
            bits.parse::<u8>()
                .is_ok_and(|b| b <= if addr.is_ipv4() { 32 } else { 128 })
        })
    });
    if ok {
        Ok(())
    } else {
        Err(SpecError::new(attr, format!("invalid CIDR {text:?}")))
    }
}

/// The create request of the project volume under `key`: driver, options, user labels plus
/// the compose labels and the volume's config hash.
pub fn volume_create_request(
    project: &Project,
    key: &str,
) -> Result<VolumeCreateRequest, SpecError> {
    let attr = format!("volumes.{key}");
    let vol = project
        .volumes
        .0
        .get(key)
        .ok_or_else(|| SpecError::new(attr.clone(), "no such volume"))?;
    if vol.external {
        return Err(SpecError::new(
            attr,
            "an external volume is never created by Hoist",
        ));
    }
    let mut l = to_hash_map(&vol.labels.0);
    l.insert(labels::VOLUME.into(), key.into());
    l.insert(labels::PROJECT.into(), project.name.clone());
    l.insert(labels::VERSION.into(), COMPOSE_VERSION_LABEL.into());
    l.insert(labels::CONFIG_HASH.into(), vol.config_hash());
    Ok(VolumeCreateRequest {
        name: Some(if vol.name.is_empty() {
            format!("{}_{key}", project.name)
        } else {
            vol.name.clone()
        }),
        driver: non_empty_str(&vol.driver),
        driver_opts: non_empty_map(&vol.driver_opts.0),
        labels: Some(l),
        ..Default::default()
    })
}
