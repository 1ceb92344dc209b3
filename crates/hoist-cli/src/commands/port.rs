//! `hoist port SERVICE PRIVATE_PORT`: prints the host address a container port is published
//! on (`0.0.0.0:32768`), as `docker compose port` does.

use crate::cli::{GlobalOptions, PortArgs};
use crate::commands::ps::canonical_name;
use crate::target::{connect, project_name, runtime};
use crate::Failure;
use hoist_engine::bollard::models::ContainerSummary;
use hoist_engine::bollard::query_parameters::ListContainersOptions;
use hoist_engine::labels;
use std::collections::HashMap;

/// Picks the container `port` looks at: the lowest-numbered service container first, one-off
/// containers last.
fn pick(mut containers: Vec<ContainerSummary>) -> Option<ContainerSummary> {
    let key = |c: &ContainerSummary| {
        let l = c.labels.clone().unwrap_or_default();
        let number: i64 = l
            .get(labels::CONTAINER_NUMBER)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let oneoff = l.get(labels::ONEOFF).is_some_and(|v| v == "True");
        (oneoff, number)
    };
    containers.sort_by_key(key);
    containers.into_iter().next()
}

/// Finds `port/protocol` among the container's ports: `Ok("ip:public")` or the error text.
fn lookup(container: &ContainerSummary, port: u16, protocol: &str) -> Result<String, String> {
    let mut ports = container.ports.clone().unwrap_or_default();
    ports.sort_by_key(|p| p.private_port);
    for p in &ports {
        let typ = p.typ.map(|t| t.to_string()).unwrap_or_default();
        if p.private_port == port && typ == protocol {
            return Ok(format!(
                "{}:{}",
                p.ip.clone().unwrap_or_default(),
                p.public_port.unwrap_or(0)
            ));
        }
    }
    let listed: Vec<String> = ports
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.private_port,
                p.typ.map(|t| t.to_string()).unwrap_or_default()
            )
        })
        .collect();
    let names = container.names.clone().unwrap_or_default();
    Err(format!(
        "no port {port}/{protocol} for container {}: {}",
        canonical_name(&names),
        listed.join(", ")
    ))
}

/// Runs `hoist port`.
pub fn run(global: &GlobalOptions, args: &PortArgs) -> Result<(), Failure> {
    let port: u16 = args.private_port.parse().map_err(|_| {
        Failure::new(format!(
            "strconv.ParseUint: parsing {:?}: invalid syntax",
            args.private_port
        ))
    })?;
    let protocol = args.protocol.to_lowercase();
    let name = project_name(global)?;
    let rt = runtime()?;
    let container = rt.block_on(async {
        let engine = connect().await?;
        let mut filters = vec![
            labels::filter(labels::PROJECT, &name.to_lowercase()),
            labels::filter(labels::SERVICE, &args.service),
            labels::CONFIG_HASH.to_string(),
        ];
        if args.index > 0 {
            filters.push(labels::filter(
                labels::CONTAINER_NUMBER,
                &args.index.to_string(),
            ));
        }
        engine
            .docker()
            .list_containers(Some(ListContainersOptions {
                all: false,
                filters: Some(HashMap::from([("label".to_string(), filters)])),
                ..Default::default()
            }))
            .await
            .map_err(|e| {
                Failure::new(
                    hoist_engine::EngineError::from_bollard(
                        &format!("service \"{}\"", args.service),
                        "list containers of",
                        e,
                    )
                    .message,
                )
            })
    })?;
    let Some(container) = pick(container) else {
        return Err(Failure::new(if args.index > 0 {
            format!(
                "service {:?} is not running container #{}",
                args.service, args.index
            )
        } else {
            format!("service {:?} is not running", args.service)
        }));
    };
    let address = lookup(&container, port, &protocol).map_err(Failure::new)?;
    println!("{address}");
    Ok(())
}
