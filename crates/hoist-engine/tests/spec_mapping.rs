//! Plain-data tests of `hoist_engine::spec` (no engine): compose files loaded with Hoist's
//! loader, mapped to create bodies and requests. Expected values come from docker/compose's
//! own tests (`pkg/compose/create_test.go`, `convert.go`) or from the reference binary.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use hoist_engine::bollard::models::{MountType, RestartPolicyNameEnum, Runtime, SystemInfo};
use hoist_engine::spec::{
    self, container_create_body, container_create_body_with, extra_networks, injected_files,
    network_create_request, volume_create_request, ContainerRole, ExistingContainer,
    InheritedMount, InheritedMounts,
};
use hoist_engine::ApiVersion;
use hoist_loader::load::LoadContext;
use hoist_loader::model::Project;
use hoist_loader::options::ProjectOptions;

const API_41: ApiVersion = ApiVersion::new(1, 41);
const API_44: ApiVersion = ApiVersion::new(1, 44);

fn work_dir() -> PathBuf {
    std::env::temp_dir().join("hoist-spec-unit")
}

fn load(yaml: &str) -> Project {
    load_with_env(yaml, &[])
}

fn load_with_env(yaml: &str, env: &[(&str, &str)]) -> Project {
    let opts = ProjectOptions {
        files: vec!["-".to_string()],
        stdin: Some(yaml.to_string()),
        project_name: Some("proj".to_string()),
        cwd: work_dir(),
        os_env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ProjectOptions::default()
    };
    let mut ctx = LoadContext::default();
    hoist_loader::load::load(&opts, &mut ctx).unwrap_or_else(|e| panic!("load: {e:?}"))
}

fn body(
    project: &Project,
    service: &str,
    api: ApiVersion,
) -> hoist_engine::bollard::models::ContainerCreateBody {
    container_create_body(project, service, &ContainerRole::replica(1), api)
        .unwrap_or_else(|e| panic!("body: {e}"))
}

fn err(project: &Project, service: &str, api: ApiVersion) -> spec::SpecError {
    container_create_body(project, service, &ContainerRole::replica(1), api)
        .expect_err("expected a spec error")
}

// ---- volumes (create_test.go Test_buildContainerVolumes) ---------------------------------

#[test]
fn short_bind_goes_through_binds() {
    let p = load("services:\n  test:\n    image: busybox\n    volumes:\n      - ./data:/data\n");
    let host = body(&p, "test", API_41).host_config.unwrap();
    let expected = format!("{}:/data:rw", work_dir().join("data").display());
    assert_eq!(host.binds, Some(vec![expected]));
    assert_eq!(host.mounts, None);
}

#[test]
fn bind_without_create_host_path_uses_the_mount_api() {
    let p = load(
        "services:\n  test:\n    image: busybox\n    volumes:\n      - type: bind\n        source: ./data\n        target: /data\n        bind:\n          create_host_path: false\n",
    );
    let host = body(&p, "test", API_41).host_config.unwrap();
    assert_eq!(host.binds, None);
    let mounts = host.mounts.unwrap();
    assert_eq!(mounts.len(), 1);
    assert_eq!(mounts[0].typ, Some(MountType::BIND));
    assert_eq!(
        mounts[0].source.as_deref(),
        Some(work_dir().join("data").to_str().unwrap())
    );
    assert_eq!(mounts[0].target.as_deref(), Some("/data"));
    let opts = mounts[0].bind_options.clone().expect("bind options");
    assert_eq!(opts.create_mountpoint, None);
}

#[test]
fn named_volumes_use_the_engine_name_in_binds() {
    let p = load(
        "services:\n  test:\n    image: busybox\n    volumes:\n      - data:/data\n      - data:/ro:ro\nvolumes:\n  data:\n    name: my_volume\n",
    );
    let host = body(&p, "test", API_41).host_config.unwrap();
    assert_eq!(
        host.binds,
        Some(vec![
            "my_volume:/data:rw".to_string(),
            "my_volume:/ro:ro".to_string()
        ])
    );
}

#[test]
fn volume_subpath_needs_api_1_45() {
    let yaml = "services:\n  test:\n    image: busybox\n    volumes:\n      - type: volume\n        source: data\n        target: /data\n        volume:\n          subpath: test/\nvolumes:\n  data:\n    name: my_volume\n";
    let p = load(yaml);
    let e = err(&p, "test", API_41);
    assert_eq!(e.attribute, "services.test.volumes[0].volume.subpath");
    let host = body(&p, "test", ApiVersion::new(1, 45))
        .host_config
        .unwrap();
    let mounts = host.mounts.unwrap();
    assert_eq!(mounts[0].source.as_deref(), Some("my_volume"));
    assert_eq!(
        mounts[0]
            .volume_options
            .as_ref()
            .and_then(|o| o.subpath.as_deref()),
        Some("test/")
    );
}

#[test]
fn anonymous_and_tmpfs_volumes_use_the_mount_api() {
    let p = load(
        "services:\n  test:\n    image: busybox\n    tmpfs: [\"/run:size=1m\"]\n    volumes:\n      - /anon\n      - type: tmpfs\n        target: /t\n        tmpfs:\n          size: 1024\n",
    );
    let host = body(&p, "test", API_41).host_config.unwrap();
    let mounts = host.mounts.unwrap();
    assert_eq!(mounts.len(), 2);
    assert_eq!(mounts[0].typ, Some(MountType::VOLUME));
    assert_eq!(mounts[0].source, None);
    assert_eq!(mounts[1].typ, Some(MountType::TMPFS));
    assert_eq!(
        mounts[1].tmpfs_options.as_ref().and_then(|t| t.size_bytes),
        Some(1024)
    );
    assert_eq!(
        host.tmpfs,
        Some(HashMap::from([("/run".to_string(), "size=1m".to_string())]))
    );
}

#[test]
fn recreation_keeps_anonymous_volumes() {
    let p = load(
        "services:\n  test:\n    image: busybox\n    volumes:\n      - /anon\n      - ./d:/bound\n",
    );
    let role = ContainerRole {
        inherit: Some(InheritedMounts {
            mounts: vec![
                InheritedMount {
                    kind: "volume".into(),
                    source: "0123abcd".into(),
                    destination: "/anon".into(),
                    rw: true,
                },
                InheritedMount {
                    kind: "volume".into(),
                    source: "fromimage".into(),
                    destination: "/image-vol".into(),
                    rw: true,
                },
            ],
            image_volumes: vec!["/image-vol".into()],
        }),
        ..ContainerRole::replica(1)
    };
    let host = container_create_body(&p, "test", &role, API_41)
        .unwrap()
        .host_config
        .unwrap();
    let mounts = host.mounts.unwrap();
    let sources: BTreeMap<_, _> = mounts
        .iter()
        .map(|m| (m.target.clone().unwrap(), m.source.clone()))
        .collect();
    assert_eq!(sources["/anon"].as_deref(), Some("0123abcd"));
    assert_eq!(sources["/image-vol"].as_deref(), Some("fromimage"));
    assert_eq!(host.binds.unwrap().len(), 1);
}

// ---- networks (create_test.go TestDefaultNetworkSettings / TestCreateEndpointSettings) ----

const TWO_NETWORKS: &str = "services:\n  svc:\n    image: busybox\n    networks:\n      net1:\n        priority: 10\n      net2:\n        priority: 1000\nnetworks:\n  net1: {}\n  net2: {}\n";

#[test]
fn highest_priority_network_is_primary_and_all_are_sent_on_1_44() {
    let p = load(TWO_NETWORKS);
    let b = body(&p, "svc", API_44);
    assert_eq!(
        b.host_config.unwrap().network_mode.as_deref(),
        Some("proj_net2")
    );
    let eps = b.networking_config.unwrap().endpoints_config.unwrap();
    assert_eq!(eps.len(), 2);
    assert!(eps.contains_key("proj_net1") && eps.contains_key("proj_net2"));
    assert!(extra_networks(
        &p,
        "svc",
        &ContainerRole::replica(1),
        API_44,
        &spec::no_containers
    )
    .unwrap()
    .is_empty());
}

#[test]
fn only_the_primary_network_is_sent_before_1_44() {
    let p = load(TWO_NETWORKS);
    let b = body(&p, "svc", ApiVersion::new(1, 43));
    let eps = b.networking_config.unwrap().endpoints_config.unwrap();
    assert_eq!(eps.keys().collect::<Vec<_>>(), vec!["proj_net2"]);
    let extra = extra_networks(
        &p,
        "svc",
        &ContainerRole::replica(1),
        API_41,
        &spec::no_containers,
    )
    .unwrap();
    assert_eq!(extra.len(), 1);
    assert_eq!(extra[0].0, "proj_net1");
    assert_eq!(
        extra[0].1.aliases,
        Some(vec!["proj-svc-1".to_string(), "svc".to_string()])
    );
}

#[test]
fn default_network_and_explicit_network_mode() {
    let p = load(
        "services:\n  a:\n    image: busybox\n  b:\n    image: busybox\n    network_mode: host\n",
    );
    let a = body(&p, "a", API_41);
    assert_eq!(
        a.host_config.unwrap().network_mode.as_deref(),
        Some("proj_default")
    );
    let b = body(&p, "b", API_41);
    assert_eq!(b.host_config.unwrap().network_mode.as_deref(), Some("host"));
    assert!(b.networking_config.is_none());
}

#[test]
fn no_project_networks_means_none() {
    let p = load("services:\n  only:\n    image: busybox\n    network_mode: none\n");
    let mut project = p.clone();
    project.networks.0.clear();
    let svc = project.services.0.get_mut("only").unwrap();
    svc.network_mode.clear();
    let b = body(&project, "only", API_41);
    assert_eq!(b.host_config.unwrap().network_mode.as_deref(), Some("none"));
    assert!(b.networking_config.is_none());
}

#[test]
fn endpoint_settings_carry_aliases_addresses_mac_and_driver_opts() {
    let p = load(
        "services:\n  serviceName:\n    image: busybox\n    container_name: containerName\n    external_links: [link1]\n    networks:\n      netName:\n        aliases: [alias1, alias2]\n        ipv4_address: 10.16.17.18\n        ipv6_address: fdb4:7a7f:373a:3f0c::42\n        link_local_ips: [169.254.10.20]\n        mac_address: 02:00:00:00:00:01\n        driver_opts:\n          driverOpt1: optval1\n          driverOpt2: optval2\nnetworks:\n  netName: {}\n",
    );
    let b = body(&p, "serviceName", API_44);
    let ep = b.networking_config.unwrap().endpoints_config.unwrap()["proj_netName"].clone();
    assert_eq!(
        ep.aliases,
        Some(
            vec!["containerName", "serviceName", "alias1", "alias2"]
                .into_iter()
                .map(String::from)
                .collect()
        )
    );
    let ipam = ep.ipam_config.unwrap();
    assert_eq!(ipam.ipv4_address.as_deref(), Some("10.16.17.18"));
    assert_eq!(
        ipam.ipv6_address.as_deref(),
        Some("fdb4:7a7f:373a:3f0c::42")
    );
    assert_eq!(ipam.link_local_ips, Some(vec!["169.254.10.20".to_string()]));
    assert_eq!(ep.mac_address.as_deref(), Some("02:00:00:00:00:01"));
    assert_eq!(ep.links, Some(vec!["link1:link1".to_string()]));
    assert_eq!(
        ep.driver_opts,
        Some(HashMap::from([
            ("driverOpt1".to_string(), "optval1".to_string()),
            ("driverOpt2".to_string(), "optval2".to_string())
        ]))
    );
}

#[test]
fn service_mac_address_goes_to_the_primary_endpoint() {
    let p = load("services:\n  s:\n    image: busybox\n    mac_address: 02:42:ac:11:00:99\n");
    let ep = body(&p, "s", API_44)
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap()["proj_default"]
        .clone();
    assert_eq!(ep.mac_address.as_deref(), Some("02:42:ac:11:00:99"));
    // Docker Compose sends it on 1.41 too, where the engine ignores it: Hoist refuses.
    assert_eq!(err(&p, "s", API_41).attribute, "services.s.mac_address");
}

#[test]
fn mac_address_on_a_network_needs_1_44() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    networks:\n      a:\n        priority: 5\n      b:\n        mac_address: 02:00:00:00:00:02\nnetworks:\n  a: {}\n  b: {}\n",
    );
    let e = err(&p, "s", API_41);
    assert_eq!(e.attribute, "services.s.networks.b.mac_address");
    assert!(body(&p, "s", API_44).networking_config.is_some());
}

#[test]
fn conflicting_mac_addresses_are_rejected() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    mac_address: 02:00:00:00:00:01\n    networks:\n      a:\n        mac_address: 02:00:00:00:00:02\nnetworks:\n  a: {}\n",
    );
    assert_eq!(err(&p, "s", API_44).attribute, "services.s.mac_address");
}

#[test]
fn service_references_resolve_to_container_ids() {
    let p = load(
        "services:\n  base:\n    image: busybox\n  side:\n    image: busybox\n    network_mode: service:base\n    ipc: service:base\n    volumes_from: [base, \"container:other:ro\"]\n    links: [\"base:db\"]\n",
    );
    let lookup = |s: &str| {
        if s == "base" {
            vec![ExistingContainer {
                id: "abc123".into(),
                name: "proj-base-1".into(),
            }]
        } else {
            Vec::new()
        }
    };
    let host = container_create_body_with(&p, "side", &ContainerRole::replica(2), API_41, &lookup)
        .unwrap()
        .host_config
        .unwrap();
    assert_eq!(host.network_mode.as_deref(), Some("container:abc123"));
    assert_eq!(host.ipc_mode.as_deref(), Some("container:abc123"));
    assert_eq!(
        host.volumes_from,
        Some(vec!["abc123".to_string(), "other".to_string()])
    );
    assert_eq!(
        host.links,
        Some(vec![
            "proj-base-1:db".to_string(),
            "proj-base-1:base-2".to_string(),
            "proj-base-1:proj-base-2".to_string()
        ])
    );
    let e = err(&p, "side", API_41);
    assert!(e.message.contains("base"), "{e}");
    // The config hash is taken over the resolved service, as Docker Compose does.
    let labels =
        container_create_body_with(&p, "side", &ContainerRole::replica(2), API_41, &lookup)
            .unwrap()
            .labels
            .unwrap();
    let resolved = spec::resolved_config_hash(&p, "side", &lookup).unwrap();
    assert_eq!(labels["com.docker.compose.config-hash"], resolved);
    assert_ne!(resolved, p.service("side").unwrap().config_hash());
    // Unresolvable references are hashed as written (`container:` entries still resolve).
    let mut unresolved = p.service("side").unwrap().clone();
    unresolved.volumes_from = vec!["base".to_string(), "other".to_string()];
    assert_eq!(
        spec::resolved_config_hash(&p, "side", &spec::no_containers).unwrap(),
        unresolved.config_hash()
    );
}

// ---- process, labels, restart, healthcheck ---------------------------------------------

#[test]
fn compose_labels_win_over_user_labels() {
    let p = load(
        "services:\n  web:\n    image: busybox\n    labels:\n      com.docker.compose.project: spoofed\n      mine: \"1\"\n    depends_on:\n      db:\n        condition: service_healthy\n        restart: true\n      cache:\n        condition: service_started\n  db:\n    image: busybox\n  cache:\n    image: busybox\n",
    );
    let role = ContainerRole {
        image_digest: Some("sha256:abc".into()),
        env_files: vec!["/x/.env".into()],
        ..ContainerRole::replica(3)
    };
    let labels = container_create_body(&p, "web", &role, API_41)
        .unwrap()
        .labels
        .unwrap();
    assert_eq!(labels["com.docker.compose.project"], "proj");
    assert_eq!(labels["mine"], "1");
    assert_eq!(labels["com.docker.compose.container-number"], "3");
    assert_eq!(labels["com.docker.compose.oneoff"], "False");
    assert_eq!(labels["com.docker.compose.image"], "sha256:abc");
    assert_eq!(
        labels["com.docker.compose.project.environment_file"],
        "/x/.env"
    );
    assert_eq!(labels["com.docker.compose.version"], "5.6.1");
    assert_eq!(
        labels["com.docker.compose.depends_on"],
        "cache:service_started:false,db:service_healthy:true"
    );
    assert_eq!(
        labels["com.docker.compose.config-hash"],
        p.service("web").unwrap().config_hash()
    );
}

#[test]
fn one_off_containers_have_a_slug_and_no_number() {
    let p = load("services:\n  web:\n    image: busybox\n");
    let role = ContainerRole {
        oneoff_slug: Some("f00d".into()),
        container_name: Some("proj-web-run-f00d".into()),
        use_network_aliases: false,
        ..ContainerRole::default()
    };
    let b = container_create_body(&p, "web", &role, API_41).unwrap();
    let labels = b.labels.unwrap();
    assert_eq!(labels["com.docker.compose.oneoff"], "True");
    assert_eq!(labels["com.docker.compose.slug"], "f00d");
    assert!(!labels.contains_key("com.docker.compose.container-number"));
    let ep = b.networking_config.unwrap().endpoints_config.unwrap()["proj_default"].clone();
    assert_eq!(ep.aliases, Some(vec!["proj-web-run-f00d".to_string()]));
}

#[test]
fn default_image_is_project_dash_service() {
    let p = load("services:\n  app:\n    build: .\n");
    assert_eq!(body(&p, "app", API_41).image.as_deref(), Some("proj-app"));
}

#[test]
fn process_settings_and_empty_entrypoint() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    command: echo hi\n    entrypoint: []\n    environment:\n      B: \"2\"\n      A:\n    stop_grace_period: 1m30s\n    stop_signal: SIGINT\n",
    );
    let b = body(&p, "s", API_41);
    assert_eq!(b.cmd, Some(vec!["echo".to_string(), "hi".to_string()]));
    assert_eq!(b.entrypoint, Some(Vec::new()));
    assert_eq!(b.env, Some(vec!["A".to_string(), "B=2".to_string()]));
    assert_eq!(b.stop_timeout, Some(90));
    assert_eq!(b.stop_signal.as_deref(), Some("SIGINT"));
}

#[test]
fn restart_policies_map_like_compose() {
    let p = load(
        "services:\n  a:\n    image: busybox\n    restart: on-failure:3\n  b:\n    image: busybox\n    restart: always\n    deploy:\n      restart_policy:\n        condition: none\n  c:\n    image: busybox\n    deploy:\n      restart_policy:\n        condition: any\n        max_attempts: 4\n  d:\n    image: busybox\n",
    );
    let policy = |s: &str| {
        body(&p, s, API_41)
            .host_config
            .unwrap()
            .restart_policy
            .unwrap()
    };
    assert_eq!(policy("a").name, Some(RestartPolicyNameEnum::ON_FAILURE));
    assert_eq!(policy("a").maximum_retry_count, Some(3));
    assert_eq!(policy("b").name, Some(RestartPolicyNameEnum::NO));
    assert_eq!(policy("c").name, Some(RestartPolicyNameEnum::ALWAYS));
    assert_eq!(policy("c").maximum_retry_count, Some(4));
    assert_eq!(policy("d").name, Some(RestartPolicyNameEnum::EMPTY));
}

#[test]
fn healthchecks_in_nanoseconds_and_disable() {
    let p = load(
        "services:\n  a:\n    image: busybox\n    healthcheck:\n      test: curl -f http://x\n      interval: 1m30s\n      timeout: 10s\n      retries: 3\n      start_period: 40s\n  b:\n    image: busybox\n    healthcheck:\n      disable: true\n  c:\n    image: busybox\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      start_interval: 5s\n",
    );
    let hc = body(&p, "a", API_41).healthcheck.unwrap();
    assert_eq!(
        hc.test,
        Some(vec![
            "CMD-SHELL".to_string(),
            "curl -f http://x".to_string()
        ])
    );
    assert_eq!(hc.interval, Some(90_000_000_000));
    assert_eq!(hc.timeout, Some(10_000_000_000));
    assert_eq!(hc.retries, Some(3));
    assert_eq!(hc.start_period, Some(40_000_000_000));
    assert_eq!(
        body(&p, "b", API_41).healthcheck.unwrap().test,
        Some(vec!["NONE".to_string()])
    );
    let e = err(&p, "c", API_44);
    assert_eq!(e.attribute, "services.c.healthcheck.start_interval");
    assert!(e.message.contains("start_period"));
}

#[test]
fn ports_and_expose() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    ports:\n      - \"127.0.0.1:8080:80\"\n      - \"8081:80\"\n      - \"53:53/udp\"\n    expose: [\"3000-3002/udp\", \"4000\"]\n",
    );
    let b = body(&p, "s", API_41);
    assert_eq!(
        b.exposed_ports,
        Some(
            ["3000/udp", "3001/udp", "3002/udp", "4000/tcp", "53/udp", "80/tcp"]
                .into_iter()
                .map(String::from)
                .collect()
        )
    );
    let bindings = b.host_config.unwrap().port_bindings.unwrap();
    let tcp80 = bindings["80/tcp"].clone().unwrap();
    assert_eq!(tcp80.len(), 2);
    assert_eq!(tcp80[0].host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(tcp80[0].host_port.as_deref(), Some("8080"));
    assert_eq!(tcp80[1].host_port.as_deref(), Some("8081"));
}

#[test]
fn only_ports_the_engine_picks_serialise_starts() {
    let p = load(
        "services:\n  range:\n    image: busybox\n    ports: [\"8000-8010:80\"]\n  ephemeral:\n    image: busybox\n    ports: [\"80\", \"9000:90\"]\n  fixed:\n    image: busybox\n    ports: [\"127.0.0.1:8080:80\", \"8000-8001:80-81\"]\n    expose: [\"3000-3002\"]\n  none:\n    image: busybox\n",
    );
    let picks = |name: &str| spec::engine_picks_host_port(p.service(name).expect("service"));
    assert!(picks("range"));
    assert!(picks("ephemeral"));
    assert!(!picks("fixed"));
    assert!(!picks("none"));
}

// ---- host settings ---------------------------------------------------------------------

#[test]
fn resources_and_deploy_limits() {
    let p = load(
        "services:\n  a:\n    image: busybox\n    cpus: 0.5\n    mem_limit: 64m\n    pids_limit: 10\n    ulimits:\n      nofile:\n        soft: 1\n        hard: 2\n      nproc: 5\n  b:\n    image: busybox\n    deploy:\n      resources:\n        limits:\n          cpus: \"1.5\"\n          memory: 96M\n          pids: 50\n        reservations:\n          memory: 16M\n          devices:\n            - capabilities: [gpu]\n              count: 2\n",
    );
    let a = body(&p, "a", API_41).host_config.unwrap();
    assert_eq!(a.nano_cpus, Some(500_000_000));
    assert_eq!(a.memory, Some(64 * 1024 * 1024));
    assert_eq!(a.pids_limit, Some(10));
    assert_eq!(a.oom_kill_disable, Some(false));
    let ul = a.ulimits.unwrap();
    assert_eq!(
        (ul[0].name.as_deref(), ul[0].soft, ul[0].hard),
        (Some("nofile"), Some(1), Some(2))
    );
    assert_eq!(
        (ul[1].name.as_deref(), ul[1].soft, ul[1].hard),
        (Some("nproc"), Some(5), Some(5))
    );
    let b = body(&p, "b", API_41).host_config.unwrap();
    assert_eq!(b.nano_cpus, Some(1_500_000_000));
    assert_eq!(b.memory, Some(96 * 1024 * 1024));
    assert_eq!(b.memory_reservation, Some(16 * 1024 * 1024));
    assert_eq!(b.pids_limit, Some(50));
    let req = &b.device_requests.unwrap()[0];
    assert_eq!(req.count, Some(2));
    assert_eq!(req.capabilities, Some(vec![vec!["gpu".to_string()]]));
}

#[test]
fn devices_cdi_and_gpus() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    gpus: all\n    devices:\n      - /dev/null:/dev/n:rwm\n      - vendor.example.com/gpu=0\n",
    );
    let host = body(&p, "s", API_41).host_config.unwrap();
    let devices = host.devices.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].path_in_container.as_deref(), Some("/dev/n"));
    let reqs = host.device_requests.unwrap();
    assert_eq!(reqs[0].driver.as_deref(), Some("cdi"));
    assert_eq!(
        reqs[0].device_ids,
        Some(vec!["vendor.example.com/gpu=0".to_string()])
    );
    assert_eq!(reqs[1].count, Some(-1));
    assert_eq!(reqs[1].capabilities, Some(vec![vec!["gpu".to_string()]]));
    assert_eq!(spec::services_requesting_gpu(&p), vec!["s".to_string()]);
    assert!(spec::container::is_cdi_name("nvidia.com/gpu=all"));
    assert!(!spec::container::is_cdi_name("/dev/null"));
}

#[test]
fn security_options_caps_and_unconfined() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    cap_add: [net_admin, ALL]\n    security_opt: [\"no-new-privileges\", \"systempaths=unconfined\", \"label:disable\"]\n  bad:\n    image: busybox\n    security_opt: [nonsense]\n",
    );
    let host = body(&p, "s", API_41).host_config.unwrap();
    assert_eq!(
        host.cap_add,
        Some(vec!["CAP_NET_ADMIN".to_string(), "ALL".to_string()])
    );
    assert_eq!(
        host.security_opt,
        Some(vec![
            "no-new-privileges".to_string(),
            "label:disable".to_string()
        ])
    );
    assert_eq!(host.masked_paths, Some(Vec::new()));
    assert_eq!(host.readonly_paths, Some(Vec::new()));
    assert_eq!(
        err(&p, "bad", API_41).attribute,
        "services.bad.security_opt[0]"
    );
}

#[test]
fn seccomp_profiles_are_inlined() {
    let dir = work_dir().join("seccomp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("p.json"),
        "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\"\n}\n",
    )
    .unwrap();
    let p = load(
        "services:\n  s:\n    image: busybox\n    security_opt: [\"seccomp=./seccomp/p.json\"]\n",
    );
    let host = body(&p, "s", API_41).host_config.unwrap();
    assert_eq!(
        host.security_opt,
        Some(vec![
            "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}".to_string()
        ])
    );
}

#[test]
fn dns_extra_hosts_and_invalid_dns() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    dns: [1.1.1.1]\n    extra_hosts: [\"a:10.0.0.1\", \"b=::1\"]\n  bad:\n    image: busybox\n    dns: [not-an-ip]\n",
    );
    let host = body(&p, "s", API_41).host_config.unwrap();
    assert_eq!(host.dns, Some(vec!["1.1.1.1".to_string()]));
    assert_eq!(
        host.extra_hosts,
        Some(vec!["a:10.0.0.1".to_string(), "b:::1".to_string()])
    );
    assert_eq!(err(&p, "bad", API_41).attribute, "services.bad.dns[0]");
}

#[test]
fn api_gated_attributes_are_errors_on_old_engines() {
    let p = load(
        "services:\n  ann:\n    image: busybox\n    annotations:\n      a: b\n  img:\n    image: busybox\n    volumes:\n      - type: image\n        source: alpine\n        target: /img\n",
    );
    assert_eq!(err(&p, "ann", API_41).attribute, "services.ann.annotations");
    assert!(body(&p, "ann", ApiVersion::new(1, 43))
        .host_config
        .unwrap()
        .annotations
        .is_some());
    assert_eq!(
        err(&p, "img", API_41).attribute,
        "services.img.volumes[0].type"
    );
}

#[test]
fn platform_from_service_or_default_platform() {
    let p = load_with_env(
        "services:\n  a:\n    image: busybox\n    platform: linux/arm64\n  b:\n    image: busybox\n",
        &[("DOCKER_DEFAULT_PLATFORM", "linux/amd64")],
    );
    assert_eq!(
        spec::container_platform(&p, "a", API_41)
            .unwrap()
            .as_deref(),
        Some("linux/arm64")
    );
    assert_eq!(
        spec::container_platform(&p, "b", API_41)
            .unwrap()
            .as_deref(),
        Some("linux/amd64")
    );
    assert!(spec::container_platform(&p, "a", ApiVersion::new(1, 40)).is_err());
}

// ---- secrets and configs ---------------------------------------------------------------

fn tar_entry(tar: &[u8]) -> (String, u32, u64, u64, Vec<u8>) {
    let field = |range: std::ops::Range<usize>| {
        let text: String = tar[range]
            .iter()
            .take_while(|b| **b != 0 && **b != b' ')
            .map(|b| *b as char)
            .collect();
        u64::from_str_radix(text.trim(), 8).unwrap()
    };
    let name: String = tar[..100]
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| *b as char)
        .collect();
    let size = field(124..136) as usize;
    // Header checksum: sum of the header with the checksum field as spaces.
    let mut header = tar[..512].to_vec();
    header[148..156].fill(b' ');
    let sum: u64 = header.iter().map(|b| u64::from(*b)).sum();
    assert_eq!(sum, field(148..156), "tar checksum");
    (
        name,
        field(100..108) as u32,
        field(108..116),
        field(116..124),
        tar[512..512 + size].to_vec(),
    )
}

#[test]
fn file_secrets_are_bind_mounted_read_only() {
    let dir = work_dir().join("secrets");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tok"), "x").unwrap();
    let p = load(
        "services:\n  s:\n    image: busybox\n    secrets: [tok, {source: tok, target: other}]\n    configs: [{source: conf, target: etc/c.conf}]\nsecrets:\n  tok:\n    file: ./secrets/tok\nconfigs:\n  conf:\n    file: ./secrets/tok\n",
    );
    let host = body(&p, "s", API_41).host_config.unwrap();
    let mounts = host.mounts.unwrap();
    let targets: Vec<_> = mounts.iter().map(|m| m.target.clone().unwrap()).collect();
    assert_eq!(
        targets,
        vec!["/run/secrets/tok", "/run/secrets/other", "/etc/c.conf"]
    );
    assert!(mounts
        .iter()
        .all(|m| m.read_only == Some(true) && m.typ == Some(MountType::BIND)));
    assert!(injected_files(&p, "s").unwrap().is_empty());
}

#[test]
fn content_and_environment_objects_are_injected_with_mode_and_owner() {
    let p = load_with_env(
        "services:\n  s:\n    image: busybox\n    secrets: [{source: env_secret, uid: \"1000\", gid: \"1001\", mode: 0400}]\n    configs: [inline]\nsecrets:\n  env_secret:\n    environment: TOKEN\nconfigs:\n  inline:\n    content: hello\n",
        &[("TOKEN", "t0k")],
    );
    let files = injected_files(&p, "s").unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].target, "/run/secrets/env_secret");
    assert!(files[0].copy_uid_gid);
    assert_eq!(
        tar_entry(&files[0].tar),
        (
            "run/secrets/env_secret".to_string(),
            0o400,
            1000,
            1001,
            b"t0k".to_vec()
        )
    );
    assert_eq!(files[1].target, "/inline");
    assert!(!files[1].copy_uid_gid);
    assert_eq!(
        tar_entry(&files[1].tar),
        ("inline".to_string(), 0o444, 0, 0, b"hello".to_vec())
    );
    let host = body(&p, "s", API_41).host_config.unwrap();
    assert_eq!(host.mounts, None);
}

#[test]
fn file_secrets_with_owner_or_mode_are_injected_instead_of_mounted() {
    let dir = work_dir().join("owned");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key"), "k3y").unwrap();
    let p = load(
        "services:\n  s:\n    image: busybox\n    secrets: [{source: key, mode: 0440}]\nsecrets:\n  key:\n    file: ./owned/key\n",
    );
    assert_eq!(body(&p, "s", API_41).host_config.unwrap().mounts, None);
    let files = injected_files(&p, "s").unwrap();
    assert_eq!(
        tar_entry(&files[0].tar),
        ("run/secrets/key".to_string(), 0o440, 0, 0, b"k3y".to_vec())
    );
}

#[test]
fn injected_files_in_read_only_services_are_errors() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    read_only: true\n    configs: [inline]\nconfigs:\n  inline:\n    content: hello\n",
    );
    assert_eq!(
        injected_files(&p, "s").unwrap_err().attribute,
        "services.s.configs[0]"
    );
}

// ---- networks and volumes --------------------------------------------------------------

#[test]
fn network_requests_carry_compose_labels_and_hash() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    networks: [front, ext]\nnetworks:\n  front:\n    driver: bridge\n    internal: true\n    labels:\n      mine: x\n    driver_opts:\n      o: v\n    ipam:\n      config:\n        - subnet: 10.9.0.0/24\n          gateway: 10.9.0.1\n  ext:\n    external: true\n",
    );
    let req = network_create_request(&p, "front", API_41).unwrap();
    assert_eq!(req.name, "proj_front");
    assert_eq!(req.internal, Some(true));
    assert_eq!(req.driver.as_deref(), Some("bridge"));
    let labels = req.labels.unwrap();
    assert_eq!(labels["com.docker.compose.network"], "front");
    assert_eq!(labels["com.docker.compose.project"], "proj");
    assert_eq!(labels["com.docker.compose.version"], "5.6.1");
    assert_eq!(labels["mine"], "x");
    assert_eq!(
        labels["com.docker.compose.config-hash"],
        p.networks.0["front"].config_hash()
    );
    let pool = &req.ipam.unwrap().config.unwrap()[0];
    assert_eq!(pool.subnet.as_deref(), Some("10.9.0.0/24"));
    assert!(network_create_request(&p, "ext", API_41).is_err());
}

#[test]
fn volume_requests_carry_compose_labels_and_hash() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    volumes: [data:/d]\nvolumes:\n  data:\n    driver_opts:\n      type: tmpfs\n",
    );
    let req = volume_create_request(&p, "data").unwrap();
    assert_eq!(req.name.as_deref(), Some("proj_data"));
    let labels = req.labels.unwrap();
    assert_eq!(labels["com.docker.compose.volume"], "data");
    assert_eq!(
        labels["com.docker.compose.config-hash"],
        p.volumes.0["data"].config_hash()
    );
    assert_eq!(req.driver_opts.unwrap()["type"], "tmpfs");
}

#[test]
fn gpu_support_check_reads_runtimes_and_cdi() {
    let mut info = SystemInfo {
        runtimes: Some(HashMap::from([("runc".to_string(), Runtime::default())])),
        ..Default::default()
    };
    let message = spec::check_gpu_support(&info).unwrap_err();
    assert!(
        message.contains("NVIDIA") && message.contains("runc"),
        "{message}"
    );
    info.runtimes
        .as_mut()
        .unwrap()
        .insert("nvidia".to_string(), Runtime::default());
    assert!(spec::check_gpu_support(&info).is_ok());
    let cdi = SystemInfo {
        cdi_spec_dirs: Some(vec!["/etc/cdi".to_string()]),
        ..Default::default()
    };
    assert!(spec::check_gpu_support(&cdi).is_ok());
}

#[test]
fn proxy_variables_from_the_cli_config_yield_to_the_service_environment() {
    let config = serde_json::json!({
        "proxies": {
            "default": { "httpProxy": "http://proxy:3128", "noProxy": "localhost" },
            "tcp://other:2376": { "httpProxy": "http://other-proxy" }
        }
    });
    let env = spec::proxy_environment(&config, "unix:///var/run/docker.sock");
    assert_eq!(env["HTTP_PROXY"], "http://proxy:3128");
    assert_eq!(env["http_proxy"], "http://proxy:3128");
    assert_eq!(env["no_proxy"], "localhost");
    assert_eq!(env.len(), 4);
    assert_eq!(
        spec::proxy_environment(&config, "tcp://other:2376")["HTTP_PROXY"],
        "http://other-proxy"
    );
    let p = load("services:\n  s:\n    image: busybox\n    environment:\n      NO_PROXY: mine\n");
    let role = ContainerRole {
        proxy_env: env,
        ..ContainerRole::replica(1)
    };
    let body = container_create_body(&p, "s", &role, API_41).unwrap();
    assert_eq!(
        body.env.unwrap(),
        vec![
            "HTTP_PROXY=http://proxy:3128",
            "NO_PROXY=mine",
            "http_proxy=http://proxy:3128",
            "no_proxy=localhost"
        ]
    );
}

#[test]
fn lifecycle_hooks() {
    let p = load(
        "services:\n  s:\n    image: busybox\n    environment:\n      A: \"1\"\n    post_start:\n      - command: [\"touch\", \"/ready\"]\n        user: root\n        environment:\n          B: \"2\"\n    pre_start:\n      - command: [\"true\"]\n        image: alpine\n        per_replica: true\n",
    );
    let svc = p.service("s").unwrap();
    let req = spec::exec_hook_request(&svc.post_start[0]);
    assert_eq!(req.cmd, vec!["touch".to_string(), "/ready".to_string()]);
    assert_eq!(req.user.as_deref(), Some("root"));
    assert_eq!(req.env, vec!["B=2".to_string()]);
    let e = spec::pre_start_hook_body(&p, "s", 0, "abc", API_41, &spec::no_containers).unwrap_err();
    assert_eq!(e.attribute, "services.s.pre_start[0].per_replica");
    assert!(spec::pre_start_hook_body(&p, "s", 1, "abc", API_41, &spec::no_containers).is_err());
}

#[test]
fn unknown_restart_policies_are_errors() {
    let p = load(
        "services:\n  a:\n    image: busybox\n    restart: sometimes\n  b:\n    image: busybox\n    restart: on-failure:x\n",
    );
    assert_eq!(err(&p, "a", API_41).attribute, "services.a.restart");
    assert_eq!(err(&p, "b", API_41).attribute, "services.b.restart");
}
