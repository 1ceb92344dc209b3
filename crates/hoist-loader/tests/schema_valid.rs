//! Schema validation: inputs the oracle (Docker Compose v5.6.1) accepts at the schema stage,
//! and ports of compose-go's `schema/schema_test.go`.

mod schema_support;

use schema_support::{assert_valid, parse};

const VALID: &[(&str, &str)] = &[
    // oracle: valid
    (
        "develop_watch",
        r#"services:
  web:
    image: nginx
    develop:
      watch:
        - path: ./src
          action: sync
          target: /app
          ignore: [node_modules]
        - path: package.json
          action: rebuild
"#,
    ),
    // oracle: valid
    (
        "extensions_everywhere",
        r#"x-common: &c
  a: 1
services:
  web:
    image: nginx
    x-svc: true
    build:
      context: .
      x-build: 1
    deploy:
      x-deploy: 1
      resources:
        x-res: 1
    logging:
      x-log: 1
    healthcheck:
      test: ["CMD", "true"]
      x-hc: 1
    ports:
      - target: 80
        x-port: 1
networks:
  n:
    x-net: 1
    ipam:
      x-ipam: 1
volumes:
  v:
    x-vol: 1
secrets:
  s:
    file: ./s
    x-sec: 1
configs:
  c:
    file: ./c
    x-cfg: 1
"#,
    ),
    // oracle: valid
    (
        "include_forms",
        r#"include:
  - a.yaml
  - path: [b.yaml, c.yaml]
    project_directory: .
    env_file: .env
services:
  web:
    image: nginx
"#,
    ),
    // oracle: valid
    (
        "job",
        r#"services:
  web:
    image: nginx
jobs:
  j:
    image: x
    triggers:
      schedule:
        - "0 * * * *"
        - cron: "5 * * * *"
          concurrency: queue
  k:
    image: y
    triggers:
      manual: true
"#,
    ),
    // oracle: valid
    (
        "many_forms",
        r#"services:
  web:
    image: nginx
    build: .
    ports: [80, "8080:80", {target: 90, published: "9090"}]
    environment: [A=1, B]
    env_file: [.env, {path: .env2, required: false}]
    depends_on: [db]
    command: ["a", "b"]
    entrypoint: /bin/sh
    healthcheck:
      test: "curl x"
      interval: 10s
      disable: false
    ulimits:
      nofile: {soft: 10, hard: 20}
      nproc: 65535
    restart: unless-stopped
    tmpfs: /tmp
    dns: 8.8.8.8
    extra_hosts: {host: 1.2.3.4}
    sysctls: [a=1]
    volumes:
      - ./x:/x
      - type: volume
        source: data
        target: /data
    stop_grace_period: 1m30s
    pull_policy: every_12h
    gpus: all
    scale: 2
    cpus: 0.5
    mem_limit: 1g
    shm_size: 64m
  db:
    image: pg
    deploy:
      replicas: 2
      resources:
        reservations:
          devices:
            - capabilities: [gpu]
volumes:
  data:
    external: true
networks:
  front:
    driver: bridge
    ipam:
      config:
        - subnet: 10.0.0.0/24
"#,
    ),
    // oracle: valid
    (
        "models",
        r#"services:
  web:
    image: nginx
    models:
      llm:
        endpoint_var: URL
        model_var: NAME
models:
  llm:
    model: ai/smollm2
    context_size: 1024
    runtime_flags: ["--verbose"]
"#,
    ),
    // oracle: valid
    (
        "models_list",
        r#"services:
  web:
    image: nginx
    models: [llm]
models:
  llm:
    model: ai/smollm2
"#,
    ),
    // oracle: valid
    (
        "null_values",
        r#"services:
  web:
    image: nginx
    environment:
      A:
      B: null
    labels:
      x: null
    command: null
    entrypoint: null
    networks:
      default:
    volumes: []
networks:
  default:
volumes:
  data:
secrets: {}
"#,
    ),
    // the oracle passes the schema and then reports the missing target port (a later check)
    (
        "ports_item_map_no_target",
        r#"services:
  web:
    image: nginx
    ports:
      - published: 80
"#,
    ),
    // oracle: valid
    (
        "pre_start",
        r#"services:
  web:
    image: nginx
    pre_start:
      - command: ["echo", "hi"]
        image: busybox
    post_start:
      - command: echo hi
        user: root
    pre_stop:
      - command: ["echo", "bye"]
"#,
    ),
    // oracle: valid
    (
        "provider",
        r#"services:
  db:
    provider:
      type: awesomecloud
      options:
        type: mysql
        size: 256
"#,
    ),
    // not schema errors: the oracle accepts these in the schema and rejects only the port without target later
    (
        "schema_only_checks",
        r#"services:
  web:
    image: nginx
    restart: sometimes
    privileged: "yes"
    stop_grace_period: abc
    blkio_config:
      weight: 2000
    mem_swappiness: 101
    pre_start:
      - user: root
    ports:
      - published: 80
"#,
    ),
    // upstream TestValidateIsolation
    (
        "up_isolation",
        r#"services:
  foo:
    image: busybox
    isolation: some-isolation-value
"#,
    ),
    // upstream TestValidatePlacement
    (
        "up_placement",
        r#"services:
  foo:
    image: busybox
    deploy:
      placement:
        preferences:
          - spread: node.labels.az
"#,
    ),
    // upstream TestValidateRollbackConfigWithUpdateConfigFull
    (
        "up_rollback_full",
        r#"services:
  foo:
    image: busybox
    deploy:
      update_config:
        parallelism: 1
        order: start-first
        delay: 10s
        failure_action: pause
        monitor: 10s
      rollback_config:
        parallelism: 1
        order: start-first
        delay: 10s
        failure_action: pause
        monitor: 10s
"#,
    ),
    // upstream TestValidateSecretConfigNames; the oracle passes the schema and then asks for `file`/`environment`/`content` (a later consistency check)
    (
        "up_secret_config_names",
        r#"configs:
  bar:
    name: foobar
secrets:
  baz:
    name: foobaz
"#,
    ),
    // upstream TestValidateAllowsXFields; the oracle passes the schema and then asks for `file`/`environment`/`content` on the config (a later check)
    (
        "up_x_fields",
        r#"services:
  bar:
    x-extra-stuff: {}
  foo:
    depends_on:
      x-dependency:
        condition: service_started
volumes:
  bar:
    x-extra-stuff: {}
networks:
  bar:
    x-extra-stuff: {}
configs:
  bar:
    x-extra-stuff: {}
secrets:
  bar:
    x-extra-stuff: {}
"#,
    ),
    // upstream TestValidateAllowsXTopLevelFields
    (
        "up_x_top",
        r#"x-extra-stuff: {}
"#,
    ),
    // upstream schema/using-variables.yaml: uninterpolated `${VARIABLE}` strings everywhere
    (
        "using-variables",
        r#"name: ${VARIABLE}
services:
  foo:
    deploy:
      mode: ${VARIABLE}
      replicas: ${VARIABLE}
      rollback_config:
        parallelism: ${VARIABLE}
        delay: ${VARIABLE}
        failure_action: ${VARIABLE}
        monitor: ${VARIABLE}
        max_failure_ratio: ${VARIABLE}
      update_config:
        parallelism: ${VARIABLE}
        delay: ${VARIABLE}
        failure_action: ${VARIABLE}
        monitor: ${VARIABLE}
        max_failure_ratio: ${VARIABLE}
      resources:
        limits:
          memory: ${VARIABLE}
        reservations:
          memory: ${VARIABLE}
          generic_resources:
            - discrete_resource_spec:
                kind: ${VARIABLE}
                value: ${VARIABLE}
            - discrete_resource_spec:
                kind: ${VARIABLE}
                value: ${VARIABLE}
      restart_policy:
        condition: ${VARIABLE}
        delay: ${VARIABLE}
        max_attempts: ${VARIABLE}
        window: ${VARIABLE}
      placement:
        max_replicas_per_node: ${VARIABLE}
        preferences:
          - spread: ${VARIABLE}
      endpoint_mode: ${VARIABLE}
    expose:
      - ${VARIABLE}
    external_links:
      - ${VARIABLE}
    extra_hosts:
      - ${VARIABLE}
    hostname: ${VARIABLE}

    healthcheck:
      test: ${VARIABLE}
      interval: ${VARIABLE}
      timeout: ${VARIABLE}
      retries: ${VARIABLE}
      start_period: ${VARIABLE}
      start_interval: ${VARIABLE}
    image: ${VARIABLE}
    mac_address: ${VARIABLE}
    networks:
      some-network:
        aliases:
          - ${VARIABLE}
      other-network:
        ipv4_address: ${VARIABLE}
        ipv6_address: ${VARIABLE}
        mac_address: ${VARIABLE}
    ports:
      - ${VARIABLE}
    privileged: ${VARIABLE}
    read_only: ${VARIABLE}
    restart: ${VARIABLE}
    secrets:
      - source: ${VARIABLE}
        target: ${VARIABLE}
        uid: ${VARIABLE}
        gid: ${VARIABLE}
        mode: ${VARIABLE}
    stdin_open: ${VARIABLE}
    stop_grace_period: ${VARIABLE}
    stop_signal: ${VARIABLE}
    storage_opt:
      size: ${VARIABLE}
    sysctls:
      net.core.somaxconn: ${VARIABLE}
    tmpfs:
      - ${VARIABLE}
    tty: ${VARIABLE}
    ulimits:
      nproc: ${VARIABLE}
      nofile:
        soft: ${VARIABLE}
        hard: ${VARIABLE}
    user: ${VARIABLE}
    volumes:
      - ${VARIABLE}:${VARIABLE}
      - type: tmpfs
        target: ${VARIABLE}
        tmpfs:
          size: ${VARIABLE}

networks:
  network:
    ipam:
      driver: ${VARIABLE}
      config:
        - subnet: ${VARIABLE}
          ip_range: ${VARIABLE}
          gateway: ${VARIABLE}
          aux_addresses:
            host1: ${VARIABLE}
  external-network:
    external: ${VARIABLE}

volumes:
  external-volume:
    external: ${VARIABLE}

configs:
  config1:
    external: ${VARIABLE}

secrets:
  secret1:
    external: ${VARIABLE}
"#,
    ),
    // oracle: valid
    (
        "version_key",
        r#"version: "3.9"
services:
  web:
    image: nginx
"#,
    ),
    // oracle: valid
    (
        "x_ext_ok",
        r#"x-foo: 1
services:
  web:
    image: nginx
    x-bar: {a: 1}
    build:
      context: .
      x-b: 2
networks:
  n:
    x-c: 3
"#,
    ),
];

#[test]
fn oracle_valid_inputs_pass() {
    for (name, yaml) in VALID {
        let root = parse(yaml);
        if let Err(e) = hoist_loader::schema::validate(&root) {
            panic!("{name}: expected valid, got `{e}`");
        }
        assert!(
            hoist_loader::schema::validate_all(&root).is_empty(),
            "{name}"
        );
    }
}

#[test]
fn minimal_service_is_valid() {
    // upstream TestValidate
    assert_valid("services:\n  foo:\n    image: busybox\n");
}

#[test]
fn undefined_top_level_option_is_rejected() {
    // upstream TestValidateUndefinedTopLevelOption: "additional properties 'helicopters' not allowed"
    let e = schema_support::first_error("helicopters:\n  foo:\n    image: busybox\n");
    assert_eq!(e.message, "unknown top-level attribute 'helicopters'");
    assert_eq!(e.path, None);
    assert_eq!(schema_support::at(&e), "1:1");
}

#[test]
fn validation_is_safe_from_many_threads() {
    // upstream TestValidateConcurrent
    let root = parse("services:\n  foo:\n    image: busybox\n");
    std::thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| assert!(hoist_loader::schema::validate(&root).is_ok()));
        }
    });
}

#[test]
fn service_attribute_names_come_from_the_schema() {
    let names = hoist_loader::schema::service_attributes();
    // 92 spec attributes plus pre_start (see the behaviour notes), all sorted.
    assert!(names.len() >= 90, "{}", names.len());
    assert!(names.windows(2).all(|w| w[0] < w[1]));
    for n in [
        "image",
        "build",
        "develop",
        "provider",
        "pre_start",
        "post_start",
        "models",
        "gpus",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let top = hoist_loader::schema::top_level_attributes();
    for n in [
        "version", "name", "include", "services", "networks", "volumes", "secrets", "configs",
        "models",
    ] {
        assert!(top.contains(&n), "{n}");
    }
}
