//! Shared helpers of the executor integration tests: a connected engine (tests FAIL without
//! one), the busybox test image, unique project names, a cleanup guard, a small
//! [`ServiceSpecs`] built directly from bollard types, the translation of the engine's
//! observed state into the planner's model, and a recording progress sink.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, Once};
use std::time::Instant;

use hoist_engine::bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, EndpointSettings, HealthConfig,
    NetworkCreateRequest, NetworkingConfig, PortBinding, VolumeCreateRequest,
};
use hoist_engine::{labels, Engine};
use hoist_executor::{CancelToken, EventStatus, ProgressEvent, ProgressSink, ServiceSpecs};
use hoist_planner as planner;

/// The image every test container uses (built by scripts/test-images.sh).
pub const BUSYBOX: &str = "hoist-test/busybox:latest";

/// A long-running command that exits at once on SIGTERM (busybox `sleep` as PID 1 would not).
pub fn long_running() -> Vec<String> {
    vec![
        "sh".into(),
        "-c".into(),
        "trap 'exit 0' TERM; sleep 600 & wait".into(),
    ]
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
}

/// Connects to the engine or fails the test with instructions; builds the test image once.
pub async fn engine() -> Engine {
    let engine = match Engine::connect().await {
        Ok(engine) => engine,
        Err(e) => panic!(
            "these tests need a Docker Engine; run scripts/ensure-engine.sh and \
             scripts/test-images.sh first. Error: {e}"
        ),
    };
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        let out = Command::new("bash")
            .arg(repo_root().join("scripts").join("test-images.sh"))
            .output()
            .expect("run scripts/test-images.sh");
        assert!(
            out.status.success(),
            "scripts/test-images.sh failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    });
    engine
}

/// A project name unique to this test run.
pub fn unique_project(tag: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("hoistexec-{tag}-{}-{n}-{nanos:x}", std::process::id())
}

/// Purges everything carrying the project label when dropped (also on panic).
pub struct ProjectGuard(pub String);

impl Drop for ProjectGuard {
    fn drop(&mut self) {
        let project = self.0.clone();
        let handle = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(engine) = Engine::connect().await {
                    if let Err(e) = engine.purge_project(&project).await {
                        eprintln!("cleanup of project {project} failed: {e}");
                    }
                }
            });
        });
        let _ = handle.join();
    }
}

/// One service of a test project.
#[derive(Clone)]
pub struct TestService {
    pub name: String,
    pub image: String,
    pub command: Vec<String>,
    /// Healthcheck test (`["CMD", "true"]`), checked every second, one retry.
    pub healthcheck: Option<Vec<String>>,
    pub depends_on: Vec<planner::Dependency>,
    /// Named project volumes mounted at `/data/<key>`.
    pub volumes: Vec<String>,
    /// Number of containers.
    pub replicas: u32,
    /// Host port (`"28110"`) or range (`"28110-28112"`) published for container port 80.
    pub published: Option<String>,
}

impl TestService {
    pub fn new(name: &str, command: Vec<String>) -> Self {
        TestService {
            name: name.into(),
            image: BUSYBOX.into(),
            command,
            healthcheck: None,
            depends_on: Vec::new(),
            volumes: Vec::new(),
            replicas: 1,
            published: None,
        }
    }

    pub fn replicas(mut self, replicas: u32) -> Self {
        self.replicas = replicas;
        self
    }

    pub fn publish(mut self, host_ports: &str) -> Self {
        self.published = Some(host_ports.into());
        self
    }

    pub fn healthcheck(mut self, test: &[&str]) -> Self {
        self.healthcheck = Some(test.iter().map(|s| s.to_string()).collect());
        self
    }

    pub fn image(mut self, image: &str) -> Self {
        self.image = image.into();
        self
    }

    pub fn volume(mut self, key: &str) -> Self {
        self.volumes.push(key.into());
        self
    }

    pub fn depends_on(
        mut self,
        service: &str,
        condition: planner::Condition,
        required: bool,
    ) -> Self {
        self.depends_on.push(planner::Dependency {
            service: service.into(),
            condition,
            restart: false,
            required,
        });
        self
    }
}

/// A test project: services on the `default` network, plus named volumes.
pub struct TestProject {
    pub name: String,
    pub services: Vec<TestService>,
    pub volumes: Vec<String>,
}

impl TestProject {
    pub fn new(name: &str, services: Vec<TestService>) -> Self {
        let mut volumes: Vec<String> = services.iter().flat_map(|s| s.volumes.clone()).collect();
        volumes.sort();
        volumes.dedup();
        TestProject {
            name: name.into(),
            services,
            volumes,
        }
    }

    pub fn network_name(&self) -> String {
        format!("{}_default", self.name)
    }

    fn hash(service: &str) -> String {
        format!("hash-{service}")
    }

    /// The planner's view of the project.
    pub fn desired(&self) -> planner::DesiredProject {
        planner::DesiredProject {
            name: self.name.clone(),
            services: self
                .services
                .iter()
                .map(|s| planner::DesiredService {
                    name: s.name.clone(),
                    replicas: s.replicas,
                    config_hash: Self::hash(&s.name),
                    image_digest: None,
                    container_name: None,
                    depends_on: s.depends_on.clone(),
                    namespace_parents: Vec::new(),
                    networks: vec!["default".into()],
                    volumes: s.volumes.clone(),
                    selected: true,
                })
                .collect(),
            disabled_services: Vec::new(),
            networks: vec![planner::DesiredNetwork {
                key: "default".into(),
                name: self.network_name(),
                external: false,
                config_hash: "net-hash".into(),
            }],
            volumes: self
                .volumes
                .iter()
                .map(|key| planner::DesiredVolume {
                    key: key.clone(),
                    name: format!("{}_{key}", self.name),
                    external: false,
                    config_hash: "vol-hash".into(),
                })
                .collect(),
        }
    }

    fn service(&self, name: &str) -> Result<&TestService, String> {
        self.services
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| format!("no service {name}"))
    }
}

impl ServiceSpecs for TestProject {
    fn container_body(
        &self,
        service: &str,
        number: u32,
        _name: &str,
        _inherit_from: Option<&ContainerInspectResponse>,
    ) -> Result<ContainerCreateBody, String> {
        let spec = self.service(service)?;
        let labels = HashMap::from([
            (labels::PROJECT.to_string(), self.name.clone()),
            (labels::SERVICE.to_string(), service.to_string()),
            (labels::CONTAINER_NUMBER.to_string(), number.to_string()),
            (labels::CONFIG_HASH.to_string(), Self::hash(service)),
            (
                labels::ONEOFF.to_string(),
                labels::oneoff_value(false).to_string(),
            ),
            (labels::VERSION.to_string(), "5.6.1".to_string()),
        ]);
        let healthcheck = spec.healthcheck.as_ref().map(|test| HealthConfig {
            test: Some(test.clone()),
            interval: Some(1_000_000_000),
            timeout: Some(1_000_000_000),
            retries: Some(1),
            ..Default::default()
        });
        let binds: Vec<String> = spec
            .volumes
            .iter()
            .map(|key| format!("{}_{key}:/data/{key}", self.name))
            .collect();
        Ok(ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: Some(spec.command.clone()),
            labels: Some(labels),
            healthcheck,
            stop_timeout: Some(2),
            exposed_ports: spec.published.as_ref().map(|_| vec!["80/tcp".to_string()]),
            host_config: Some(hoist_engine::bollard::models::HostConfig {
                binds: (!binds.is_empty()).then_some(binds),
                port_bindings: spec.published.as_ref().map(|ports| {
                    HashMap::from([(
                        "80/tcp".to_string(),
                        Some(vec![PortBinding {
                            host_ip: None,
                            host_port: Some(ports.clone()),
                        }]),
                    )])
                }),
                ..Default::default()
            }),
            networking_config: Some(NetworkingConfig {
                endpoints_config: Some(HashMap::from([(
                    self.network_name(),
                    EndpointSettings {
                        aliases: Some(vec![service.to_string()]),
                        ..Default::default()
                    },
                )])),
            }),
            ..Default::default()
        })
    }

    fn network_request(&self, key: &str) -> Result<NetworkCreateRequest, String> {
        Ok(NetworkCreateRequest {
            name: self.network_name(),
            driver: Some("bridge".into()),
            labels: Some(HashMap::from([
                (labels::PROJECT.to_string(), self.name.clone()),
                (labels::NETWORK.to_string(), key.to_string()),
                (labels::CONFIG_HASH.to_string(), "net-hash".to_string()),
            ])),
            ..Default::default()
        })
    }

    fn serialised_start(&self, service: &str) -> bool {
        self.service(service).map_or(true, |s| {
            s.published.as_ref().is_some_and(|p| p.contains('-'))
        })
    }

    fn stop_timeout(&self, _container: &str) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(1))
    }

    fn volume_request(&self, key: &str) -> Result<VolumeCreateRequest, String> {
        Ok(VolumeCreateRequest {
            name: Some(format!("{}_{key}", self.name)),
            labels: Some(HashMap::from([
                (labels::PROJECT.to_string(), self.name.clone()),
                (labels::VOLUME.to_string(), key.to_string()),
                (labels::CONFIG_HASH.to_string(), "vol-hash".to_string()),
            ])),
            ..Default::default()
        })
    }
}

/// The planner's view of what the engine holds for `project`.
pub async fn observe(engine: &Engine, project: &str) -> planner::ObservedProject {
    let state = engine
        .project_state(project)
        .await
        .expect("read project state");
    // Named volumes per container (the engine's observed state does not carry mounts).
    let summaries = engine
        .list_containers_by_labels(&[labels::filter(labels::PROJECT, project)])
        .await
        .expect("list containers");
    let mounts: HashMap<String, Vec<String>> = summaries
        .iter()
        .filter_map(|c| {
            let names = c
                .mounts
                .iter()
                .flatten()
                .filter_map(|m| m.name.clone())
                .collect();
            Some((c.id.clone()?, names))
        })
        .collect();
    planner::ObservedProject {
        containers: state
            .containers
            .iter()
            .map(|c| planner::ObservedContainer {
                id: c.id.clone(),
                name: c.name.clone(),
                service: c.service.clone(),
                number: c.number.unwrap_or(0),
                oneoff: c.oneoff,
                state: match c.state {
                    hoist_engine::ContainerState::Running => planner::ContainerState::Running,
                    hoist_engine::ContainerState::Paused => planner::ContainerState::Paused,
                    hoist_engine::ContainerState::Restarting => planner::ContainerState::Restarting,
                    hoist_engine::ContainerState::Removing => planner::ContainerState::Removing,
                    hoist_engine::ContainerState::Exited => planner::ContainerState::Exited,
                    hoist_engine::ContainerState::Dead => planner::ContainerState::Dead,
                    _ => planner::ContainerState::Created,
                },
                config_hash: c.config_hash.clone(),
                image_digest: c.image_digest.clone(),
                network_ids: c.networks.values().cloned().collect(),
                volume_names: mounts.get(&c.id).cloned().unwrap_or_default(),
            })
            .collect(),
        networks: state
            .networks
            .iter()
            .map(|n| planner::ObservedNetwork {
                id: n.id.clone(),
                name: n.name.clone(),
                compose_key: n.key.clone(),
                project: Some(n.project.clone()),
                config_hash: n.config_hash.clone(),
            })
            .collect(),
        volumes: state
            .volumes
            .iter()
            .map(|v| planner::ObservedVolume {
                name: v.name.clone(),
                compose_key: v.key.clone(),
                project: Some(v.project.clone()),
                config_hash: v.config_hash.clone(),
            })
            .collect(),
    }
}

/// A progress sink that records every event, tracks the peak number of resources with a
/// task in progress (overall and among `Starting` tasks), and can cancel a token on the
/// first event with a given text.
#[derive(Default)]
pub struct RecordingSink {
    pub events: Mutex<Vec<(Instant, ProgressEvent)>>,
    working: Mutex<(HashSet<String>, usize, HashSet<String>, usize)>,
    pub cancel_on: Option<(String, CancelToken)>,
}

impl RecordingSink {
    pub fn cancelling_on(text: &str, token: CancelToken) -> Self {
        RecordingSink {
            cancel_on: Some((text.to_string(), token)),
            ..RecordingSink::default()
        }
    }

    /// `Container p-web-1 Started` lines, in order.
    pub fn lines(&self) -> Vec<String> {
        self.events
            .lock()
            .expect("events")
            .iter()
            .map(|(_, e)| format!("{} {}", e.id(), e.text))
            .collect()
    }

    /// Position of the first line equal to `line`.
    pub fn position(&self, line: &str) -> usize {
        let lines = self.lines();
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("{line:?} not among {lines:#?}"))
    }

    /// Peak number of resources with a task in progress.
    pub fn peak_working(&self) -> usize {
        self.working.lock().expect("working").1
    }

    /// Peak number of containers starting at the same time.
    pub fn peak_starting(&self) -> usize {
        self.working.lock().expect("working").3
    }
}

impl ProgressSink for RecordingSink {
    fn event(&self, event: &ProgressEvent) {
        {
            let mut working = self.working.lock().expect("working");
            let id = event.id();
            if event.status == EventStatus::Working && event.text != "Waiting" {
                working.0.insert(id.clone());
                working.1 = working.1.max(working.0.len());
            } else {
                working.0.remove(&id);
            }
            if event.status == EventStatus::Working && event.text == "Starting" {
                working.2.insert(id);
                working.3 = working.3.max(working.2.len());
            } else {
                working.2.remove(&id);
            }
        }
        self.events
            .lock()
            .expect("events")
            .push((Instant::now(), event.clone()));
        if let Some((text, token)) = &self.cancel_on {
            if event.text == *text {
                token.cancel();
            }
        }
    }
}

/// Parses an engine RFC 3339 timestamp (`2026-11-28T07:40:01.123456789Z`) into nanoseconds
/// since the Unix epoch (UTC only, which is what the engine reports).
pub fn timestamp_nanos(text: &str) -> i128 {
    let (date, time) = text.split_once('T').expect("timestamp has a T");
    let mut date_parts = date
        .split('-')
        .map(|p| p.parse::<i64>().expect("date part"));
    let (y, m, d) = (
        date_parts.next().expect("year"),
        date_parts.next().expect("month"),
        date_parts.next().expect("day"),
    );
    // Days from civil (proleptic Gregorian), valid for any year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let time = time.trim_end_matches('Z');
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut clock_parts = clock
        .split(':')
        .map(|p| p.parse::<i64>().expect("clock part"));
    let seconds = clock_parts.next().expect("hour") * 3600
        + clock_parts.next().expect("minute") * 60
        + clock_parts.next().expect("second");
    let mut digits: String = fraction.chars().take(9).collect();
    while digits.len() < 9 {
        digits.push('0');
    }
    let nanos: i128 = digits.parse().expect("fraction");
    (i128::from(days) * 86_400 + i128::from(seconds)) * 1_000_000_000 + nanos
}

/// Inspects `name` and returns its state.
pub async fn state_of(
    engine: &Engine,
    name: &str,
) -> hoist_engine::bollard::models::ContainerState {
    engine
        .inspect_container(name)
        .await
        .unwrap_or_else(|e| panic!("inspect {name}: {e}"))
        .state
        .unwrap_or_default()
}

/// Labels of container `name`.
pub async fn labels_of(engine: &Engine, name: &str) -> BTreeMap<String, String> {
    engine
        .inspect_container(name)
        .await
        .unwrap_or_else(|e| panic!("inspect {name}: {e}"))
        .config
        .and_then(|c| c.labels)
        .map(|l| l.into_iter().collect())
        .unwrap_or_default()
}
