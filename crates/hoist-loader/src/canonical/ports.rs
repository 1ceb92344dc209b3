//! Short-syntax `ports` entries (`"[HOST_IP:][HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTO]"`)
//! parsed the way Docker's `nat.ParsePortSpec` parses them, and their long form.
//!
//! Ranges are expanded into one entry per container port. When a single container port is
//! paired with a host range, the published value keeps the range (`"7000-7005"`). Entries
//! come out sorted by the text `"<port>/<proto>"`, as compose-go sorts them (so `10` comes
//! before `9`).

use std::net::IpAddr;

/// One published port parsed from a short-syntax spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    /// The host address to bind (`""` for all addresses), without IPv6 brackets.
    pub host_ip: String,
    /// The host port or host port range (`""` when the engine picks one).
    pub published: String,
    /// The container port.
    pub target: u16,
    /// The protocol, lower-cased (`tcp`, `udp` or `sctp`).
    pub protocol: String,
}

/// Parses one short-syntax port spec into its port mappings.
///
/// The error text is the one Docker Compose prints (`invalid hostPort: a`).
pub fn parse_port_spec(spec: &str) -> Result<Vec<PortMapping>, String> {
    let (raw_ip, host_port, container_part) = split_parts(spec);
    let (proto, container_port) = split_proto_port(container_part);
    let mut ip = raw_ip.to_string();
    if ip.starts_with('[') {
        ip = match ip.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(inner) if !inner.contains('[') && !inner.contains(']') => inner.to_string(),
            _ => {
                return Err(format!(
                    "invalid IP address {ip}: address {ip}:: missing ']' in address"
                ));
            }
        };
    }
    if !ip.is_empty() && ip.parse::<IpAddr>().is_err() {
        return Err(format!("invalid IP address: {ip}"));
    }
    if container_port.is_empty() {
        return Err(format!("no port specified: {spec}<empty>"));
    }
    let (start, end) = parse_port_range(container_port)
        .ok_or_else(|| format!("invalid containerPort: {container_port}"))?;
    let (host_start, host_end) = if host_port.is_empty() {
        (0, 0)
    } else {
        parse_port_range(host_port).ok_or_else(|| format!("invalid hostPort: {host_port}"))?
    };
    if !host_port.is_empty() && (end - start) != (host_end - host_start) && end != start {
        return Err(format!(
            "invalid ranges specified for container and host Ports: {container_port} and {host_port}"
        ));
    }
    let proto = proto.to_lowercase();
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    let mut mappings = Vec::new();
    for i in 0..=(end - start) {
        let target = start + i;
        let mut published = String::new();
        if !host_port.is_empty() {
            published = (host_start + i).to_string();
            if start == end && host_start != host_end {
                published = format!("{published}-{host_end}");
            }
        }
        mappings.push(PortMapping {
            host_ip: ip.clone(),
            published,
            target: target as u16,
            protocol: proto.clone(),
        });
    }
    // compose-go walks the parsed ports in the order of their "<port>/<proto>" keys.
    mappings.sort_by_key(|m| format!("{}/{}", m.target, m.protocol));
    Ok(mappings)
}

/// Splits `ip:host:container` where the IP may itself contain colons (IPv6).
fn split_parts(spec: &str) -> (&str, &str, &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    let n = parts.len();
    match n {
        0 | 1 => ("", "", spec),
        2 => ("", parts[0], parts[1]),
        _ => {
            // Everything before the last two colons is the IP.
            let container = parts[n - 1];
            let host = parts[n - 2];
            let ip_len = spec.len() - container.len() - host.len() - 2;
            (&spec[..ip_len], host, container)
        }
    }
}

/// Splits `port/proto`; the protocol defaults to `tcp`.
fn split_proto_port(raw: &str) -> (&str, &str) {
    let mut parts = raw.split('/');
    let port = parts.next().unwrap_or("");
    if raw.is_empty() || port.is_empty() {
        return ("", "");
    }
    match parts.next() {
        None | Some("") => ("tcp", port),
        Some(proto) => (proto, port),
    }
}

/// Parses `N` or `N-M` (0..=65535, `M >= N`).
fn parse_port_range(text: &str) -> Option<(u32, u32)> {
    match text.split_once('-') {
        None => {
            let p = parse_port(text)?;
            Some((p, p))
        }
        Some((a, b)) => {
            let start = parse_port(a)?;
            let end = parse_port(b)?;
            (end >= start).then_some((start, end))
        }
    }
}

fn parse_port(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = digits.trim_start_matches('0').parse().unwrap_or(0);
    if digits.trim_start_matches('0').len() > 5 || value > 65535 {
        return None;
    }
    Some(value)
}
