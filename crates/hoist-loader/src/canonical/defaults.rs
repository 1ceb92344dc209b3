//! [`set_defaults`] (compose-go's `transform.SetDefaultValues`) and [`omit_empty`]
//! (`loader.OmitEmpty`).
//!
//! `omit_empty` runs per file right after [`super::canonicalize`]; `set_defaults` runs once on
//! the merged model, before path resolution.

use super::{bool_node, index_path, insert_default, scalar_text, str_node};
use crate::error::{LoadError, Result};
use crate::node::{Node, Value};

/// Fills in the defaults compose-go sets on the canonical model: port `protocol: tcp` and
/// `mode: ingress`, secret `target: /run/secrets/<source>`, bind `create_host_path: true`,
/// device requests (`gpus`, `deploy.resources.reservations.devices`) `count: all` when they
/// name neither a count nor device ids, and build `context: .`.
pub fn set_defaults(root: &mut Node) -> Result<()> {
    let Some(services) = root
        .as_map_mut()
        .and_then(|m| m.get_mut("services"))
        .and_then(Node::as_map_mut)
    else {
        return Ok(());
    };
    for service in &mut services.entries {
        let name = service.key.as_str();
        let Some(svc) = service.value.as_map_mut() else {
            continue;
        };
        for entry in &mut svc.entries {
            // Key paths are only made where an error may need them.
            let key = entry.key.as_str();
            let path = || format!("services.{name}.{key}");
            let node = &mut entry.value;
            let span = node.span;
            match key {
                "build" => {
                    if let Some(build) = node.as_map_mut() {
                        insert_default(build, "context", span, str_node(".", span));
                    }
                }
                "secrets" => each_map(node, &path(), |m, span, _| {
                    let source = m
                        .get("source")
                        .and_then(scalar_text)
                        .unwrap_or_else(|| "%!s(<nil>)".into());
                    insert_default(
                        m,
                        "target",
                        span,
                        str_node(format!("/run/secrets/{source}"), span),
                    );
                    Ok(())
                })?,
                "ports" => {
                    if let Value::Seq(items) = &mut node.value {
                        for item in items.iter_mut() {
                            let span = item.span;
                            if let Some(m) = item.as_map_mut() {
                                insert_default(m, "protocol", span, str_node("tcp", span));
                                insert_default(m, "mode", span, str_node("ingress", span));
                            }
                        }
                    }
                }
                "gpus" => each_map(node, &path(), device_request_defaults)?,
                "deploy" => {
                    let devices = node
                        .as_map_mut()
                        .and_then(|d| d.get_mut("resources"))
                        .and_then(Node::as_map_mut)
                        .and_then(|r| r.get_mut("reservations"))
                        .and_then(Node::as_map_mut)
                        .and_then(|r| r.get_mut("devices"));
                    if let Some(devices) = devices {
                        each_map(
                            devices,
                            &format!("{}.resources.reservations.devices", path()),
                            device_request_defaults,
                        )?;
                    }
                }
                "volumes" => {
                    if let Value::Seq(items) = &mut node.value {
                        for (i, item) in items.iter_mut().enumerate() {
                            let Some(bind) = item.as_map_mut().and_then(|m| m.get_mut("bind"))
                            else {
                                continue;
                            };
                            let span = bind.span;
                            match &mut bind.value {
                                Value::Map(b) => insert_default(
                                    b,
                                    "create_host_path",
                                    span,
                                    bool_node(true, span),
                                ),
                                _ => {
                                    let bp = format!("{}.bind", index_path(&path(), i));
                                    return Err(LoadError::at(
                                        span,
                                        format!(
                                            "{bp}: invalid type {} for service volume bind",
                                            bind.kind_name()
                                        ),
                                    )
                                    .with_path(bp));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Calls `f` on every item of a sequence, which must all be mappings.
fn each_map(
    node: &mut Node,
    path: &str,
    mut f: impl FnMut(&mut crate::node::Mapping, crate::source::Span, &str) -> Result<()>,
) -> Result<()> {
    if let Value::Seq(items) = &mut node.value {
        for (i, item) in items.iter_mut().enumerate() {
            let ip = index_path(path, i);
            let span = item.span;
            let kind = item.kind_name();
            match item.as_map_mut() {
                Some(m) => f(m, span, &ip)?,
                None => {
                    return Err(
                        LoadError::at(span, format!("{ip}: unsupported type {kind}")).with_path(ip),
                    );
                }
            }
        }
    }
    Ok(())
}

fn device_request_defaults(
    m: &mut crate::node::Mapping,
    span: crate::source::Span,
    _: &str,
) -> Result<()> {
    if !m.contains_key("count") && !m.contains_key("device_ids") {
        m.insert("count", span, str_node("all", span));
    }
    Ok(())
}

/// Drops `null` and empty-string entries from every service's `dns` list.
pub fn omit_empty(root: &mut Node) {
    let Some(services) = root
        .as_map_mut()
        .and_then(|m| m.get_mut("services"))
        .and_then(Node::as_map_mut)
    else {
        return;
    };
    for service in &mut services.entries {
        if let Some(Value::Seq(items)) = service
            .value
            .as_map_mut()
            .and_then(|s| s.get_mut("dns"))
            .map(|d| &mut d.value)
        {
            items.retain(|item| !matches!(&item.value, Value::Null) && item.as_str() != Some(""));
        }
    }
}
