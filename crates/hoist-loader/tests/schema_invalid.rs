//! Schema validation: invalid inputs, each checked against the oracle (Docker Compose v5.6.1).
//!
//! Every case records the oracle's own error text (`oracle`, after `validating <file>: `); the
//! test checks that our error points at the same place (the oracle's location is our key path
//! or its parent) and names the same offending key. Our message, key path, `line:col` and hint
//! are then asserted exactly (`hint` empty: no hint; `*text`: the hint contains `text`).

mod schema_support;

use schema_support::{at, first_error, parse};

struct Case {
    name: &'static str,
    yaml: &'static str,
    oracle: &'static str,
    message: &'static str,
    path: &'static str,
    at: &'static str,
    hint: &'static str,
}

/// Our key path in the oracle's spelling: `services.web.ports.0`.
fn go_style(path: &str) -> String {
    path.replace('[', ".").replace(']', "")
}

/// The location part of an oracle message (text before the first space; empty for the root).
fn oracle_location(text: &str) -> &str {
    text.split(' ').next().unwrap_or("")
}

fn parent(path: &str) -> String {
    let go = go_style(path);
    match go.rfind('.') {
        Some(i) => go[..i].to_owned(),
        None => String::new(),
    }
}

const CASES: &[Case] = &[
    Case {
        name: "unknown_service_attr",
        yaml: r#"services:
  web:
    image: nginx
    imagee: x
"#,
        oracle: "services.web.imagee false schema",
        message: "services.web: unknown attribute 'imagee'",
        path: "services.web",
        at: "4:5",
        hint: "did you mean 'image'?",
    },
    Case {
        name: "unknown_top",
        yaml: r#"servces:
  web:
    image: nginx
"#,
        oracle: " additional properties 'servces' not allowed",
        message: "unknown top-level attribute 'servces'",
        path: "",
        at: "1:1",
        hint: "did you mean 'services'?",
    },
    Case {
        name: "ports_scalar",
        yaml: r#"services:
  web:
    image: nginx
    ports: 80
"#,
        oracle: "services.web.ports must be a array",
        message: "services.web.ports: must be a list, found an integer (80)",
        path: "services.web.ports",
        at: "4:12",
        hint: "write it as a list, e.g. `[80]`",
    },
    Case {
        name: "ports_item_bool",
        yaml: r#"services:
  web:
    image: nginx
    ports:
      - true
"#,
        oracle: "services.web.ports.0 must be a number",
        message: "services.web.ports[0]: must be a number, a string or a mapping, found a boolean (true)",
        path: "services.web.ports[0]",
        at: "5:9",
        hint: "quote it: \"true\"",
    },
    Case {
        name: "ports_item_map_unknown",
        yaml: r#"services:
  web:
    image: nginx
    ports:
      - target: 80
        publsihed: 8080
"#,
        oracle: "services.web.ports.0 additional properties 'publsihed' not allowed",
        message: "services.web.ports[0]: unknown attribute 'publsihed'",
        path: "services.web.ports[0]",
        at: "6:9",
        hint: "did you mean 'published'?",
    },
    Case {
        name: "build_int",
        yaml: r#"services:
  web:
    build: 123
"#,
        oracle: "services.web.build must be a string",
        message: "services.web.build: must be a string or a mapping, found an integer (123)",
        path: "services.web.build",
        at: "3:12",
        hint: "",
    },
    Case {
        name: "build_unknown",
        yaml: r#"services:
  web:
    build:
      context: .
      dockerfiel: Dockerfile
"#,
        oracle: "services.web.build additional properties 'dockerfiel' not allowed",
        message: "services.web.build: unknown attribute 'dockerfiel'",
        path: "services.web.build",
        at: "5:7",
        hint: "did you mean 'dockerfile'?",
    },
    Case {
        name: "env_bad",
        yaml: r#"services:
  web:
    image: nginx
    environment: 12
"#,
        oracle: "services.web.environment must be a mapping",
        message: "services.web.environment: must be a mapping or a list, found an integer (12)",
        path: "services.web.environment",
        at: "4:18",
        hint: "write `KEY: value` lines, or a list of `KEY=value` items",
    },
    Case {
        name: "env_nested",
        yaml: r#"services:
  web:
    image: nginx
    environment:
      A:
        b: c
"#,
        oracle: "services.web.environment.A must be a boolean, null, number or string",
        message: "services.web.environment.A: must be null, a boolean, a number or a string, found a mapping",
        path: "services.web.environment.A",
        at: "6:9",
        hint: "",
    },
    Case {
        name: "service_not_map",
        yaml: r#"services:
  web: nginx
"#,
        oracle: "services.web must be a mapping",
        message: "services.web: must be a mapping, found a string ('nginx')",
        path: "services.web",
        at: "2:8",
        hint: "",
    },
    Case {
        name: "services_list",
        yaml: r#"services:
  - web
"#,
        oracle: "services must be a mapping",
        message: "services: must be a mapping, found a list",
        path: "services",
        at: "2:3",
        hint: "",
    },
    Case {
        name: "bad_service_name",
        yaml: r#"services:
  "web app":
    image: nginx
"#,
        oracle: "services additional properties 'web app' not allowed",
        message: "services: invalid name 'web app'",
        path: "services",
        at: "2:3",
        hint: "names may only contain letters, digits, '.', '_' and '-'",
    },
    Case {
        name: "deploy_unknown",
        yaml: r#"services:
  web:
    image: nginx
    deploy:
      replica: 2
"#,
        oracle: "services.web.deploy additional properties 'replica' not allowed",
        message: "services.web.deploy: unknown attribute 'replica'",
        path: "services.web.deploy",
        at: "5:7",
        hint: "did you mean 'replicas'?",
    },
    Case {
        name: "pull_policy_bad",
        yaml: r#"services:
  web:
    image: nginx
    pull_policy: sometimes
"#,
        oracle: "services.web.pull_policy 'sometimes' does not match pattern '^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$'",
        message: "services.web.pull_policy: invalid pull policy, found a string ('sometimes')",
        path: "services.web.pull_policy",
        at: "4:18",
        hint: "*every_<duration>",
    },
    Case {
        name: "network_unknown",
        yaml: r#"services:
  web:
    image: nginx
networks:
  front:
    drivr: bridge
"#,
        oracle: "networks.front additional properties 'drivr' not allowed",
        message: "networks.front: unknown attribute 'drivr'",
        path: "networks.front",
        at: "6:5",
        hint: "did you mean 'driver'?",
    },
    Case {
        name: "volume_type_enum",
        yaml: r#"services:
  web:
    image: nginx
    volumes:
      - type: bnd
        source: .
        target: /x
"#,
        oracle: "services.web.volumes.0.type value must be one of 'bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'",
        message: "services.web.volumes[0].type: must be one of 'bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image', found a string ('bnd')",
        path: "services.web.volumes[0].type",
        at: "5:15",
        hint: "did you mean 'bind'?",
    },
    Case {
        name: "healthcheck_unknown",
        yaml: r#"services:
  web:
    image: nginx
    healthcheck:
      test: ["CMD", "true"]
      intervall: 10s
"#,
        oracle: "services.web.healthcheck additional properties 'intervall' not allowed",
        message: "services.web.healthcheck: unknown attribute 'intervall'",
        path: "services.web.healthcheck",
        at: "6:7",
        hint: "did you mean 'interval'?",
    },
    Case {
        name: "depends_on_bad",
        yaml: r#"services:
  web:
    image: nginx
    depends_on:
      db:
        condition: service_ready
  db:
    image: pg
"#,
        oracle: "services.web.depends_on.db.condition value must be one of 'service_started', 'service_healthy', 'service_completed_successfully'",
        message: "services.web.depends_on.db.condition: must be one of 'service_started', 'service_healthy', 'service_completed_successfully', found a string ('service_ready')",
        path: "services.web.depends_on.db.condition",
        at: "6:20",
        hint: "did you mean 'service_healthy'?",
    },
    Case {
        name: "ulimits_bad",
        yaml: r#"services:
  web:
    image: nginx
    ulimits:
      nofile:
        soft: 10
"#,
        oracle: "services.web.ulimits.nofile must be a integer or string",
        message: "services.web.ulimits.nofile: missing required attribute 'hard'",
        path: "services.web.ulimits.nofile",
        at: "6:9",
        hint: "",
    },
    Case {
        name: "two_errors",
        yaml: r#"services:
  web:
    image: nginx
    imagee: x
    ports: 80
"#,
        oracle: "services.web.ports must be a array",
        message: "services.web.ports: must be a list, found an integer (80)",
        path: "services.web.ports",
        at: "5:12",
        hint: "write it as a list, e.g. `[80]`",
    },
    Case {
        name: "secrets_unknown",
        yaml: r#"secrets:
  s:
    fil: ./x
services:
  web:
    image: nginx
"#,
        oracle: "secrets.s additional properties 'fil' not allowed",
        message: "secrets.s: unknown attribute 'fil'",
        path: "secrets.s",
        at: "3:5",
        hint: "did you mean 'file'?",
    },
    Case {
        name: "name_int",
        yaml: r#"name: 12
services:
  web:
    image: nginx
"#,
        oracle: "name must be a string",
        message: "name: must be a string, found an integer (12)",
        path: "name",
        at: "1:7",
        hint: "quote it: \"12\"",
    },
    Case {
        name: "cpus_list",
        yaml: r#"services:
  web:
    image: nginx
    cpus: [1]
"#,
        oracle: "services.web.cpus must be a number or string",
        message: "services.web.cpus: must be a number or a string, found a list",
        path: "services.web.cpus",
        at: "4:11",
        hint: "",
    },
    Case {
        name: "develop_bad",
        yaml: r#"services:
  web:
    image: nginx
    develop:
      watch:
        - path: .
          action: reload
"#,
        oracle: "services.web.develop.watch.0.action value must be one of 'rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'",
        message: "services.web.develop.watch[0].action: must be one of 'rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec', found a string ('reload')",
        path: "services.web.develop.watch[0].action",
        at: "7:19",
        hint: "",
    },
    Case {
        name: "container_name_bad",
        yaml: r#"services:
  web:
    image: nginx
    container_name: "-"
"#,
        oracle: "services.web.container_name '-' does not match pattern '[a-zA-Z0-9][a-zA-Z0-9_.-]+'",
        message: "services.web.container_name: invalid container name, found a string ('-')",
        path: "services.web.container_name",
        at: "4:21",
        hint: "*at least two characters",
    },
    Case {
        name: "command_map",
        yaml: r#"services:
  web:
    image: nginx
    command:
      a: b
"#,
        oracle: "services.web.command must be a null",
        message: "services.web.command: must be null, a string or a list, found a mapping",
        path: "services.web.command",
        at: "5:7",
        hint: "",
    },
    Case {
        name: "null_service",
        yaml: r#"services:
  web:
"#,
        oracle: "services.web must be a mapping",
        message: "services.web: must be a mapping, found null",
        path: "services.web",
        at: "2:3",
        hint: "the value is empty; remove the key or give it a value",
    },
    Case {
        name: "null_resources",
        yaml: r#"services:
  web:
    image: nginx
    deploy:
      resources:
        limits:
          cpus: null
          memory: null
"#,
        oracle: "services.web.deploy.resources.limits.cpus must be a number or string",
        message: "services.web.deploy.resources.limits.cpus: must be a number or a string, found null",
        path: "services.web.deploy.resources.limits.cpus",
        at: "7:11",
        hint: "",
    },
    Case {
        name: "job_missing_triggers",
        yaml: r#"jobs:
  j:
    image: x
"#,
        oracle: "jobs.j missing property 'triggers'",
        message: "jobs.j: missing required attribute 'triggers'",
        path: "jobs.j",
        at: "3:5",
        hint: "",
    },
    Case {
        name: "logging_bad",
        yaml: r#"services:
  web:
    image: nginx
    logging:
      driver: json-file
      option:
        max-size: 1m
"#,
        oracle: "services.web.logging additional properties 'option' not allowed",
        message: "services.web.logging: unknown attribute 'option'",
        path: "services.web.logging",
        at: "6:7",
        hint: "did you mean 'options'?",
    },
    Case {
        name: "version_int",
        yaml: r#"version: 3
services:
  web:
    image: nginx
"#,
        oracle: "version must be a string",
        message: "version: must be a string, found an integer (3)",
        path: "version",
        at: "1:10",
        hint: "quote it: \"3\"",
    },
    Case {
        name: "gpus_bad",
        yaml: r#"services:
  web:
    image: nginx
    gpus: some
"#,
        oracle: "services.web.gpus value must be 'all'",
        message: "services.web.gpus: must be one of 'all', found a string ('some')",
        path: "services.web.gpus",
        at: "4:11",
        hint: "",
    },
    Case {
        name: "mem_limit_bool",
        yaml: r#"services:
  web:
    image: nginx
    mem_limit: true
"#,
        oracle: "services.web.mem_limit must be a number or string",
        message: "services.web.mem_limit: must be a number or a string, found a boolean (true)",
        path: "services.web.mem_limit",
        at: "4:16",
        hint: "quote it: \"true\"",
    },
    Case {
        name: "null_memory",
        yaml: r#"services:
  web:
    image: nginx
    deploy:
      resources:
        limits:
          memory: null
"#,
        oracle: "services.web.deploy.resources.limits.memory must be a string",
        message: "services.web.deploy.resources.limits.memory: must be a string, found null",
        path: "services.web.deploy.resources.limits.memory",
        at: "7:11",
        hint: "",
    },
    Case {
        name: "null_cpus_service",
        yaml: r#"services:
  web:
    image: nginx
    cpus: null
    mem_limit: null
"#,
        oracle: "services.web.cpus must be a number or string",
        message: "services.web.cpus: must be a number or a string, found null",
        path: "services.web.cpus",
        at: "4:5",
        hint: "",
    },
    Case {
        name: "tmpfs_size_negative",
        yaml: r#"services:
  tmpfs:
    image: nginx:latest
    volumes:
      - type: tmpfs
        target: /app
        tmpfs:
          size: -1
"#,
        oracle: "services.tmpfs.volumes.0.tmpfs.size must be greater than or equal to 0",
        message: "services.tmpfs.volumes[0].tmpfs.size: must be at least 0, found an integer (-1)",
        path: "services.tmpfs.volumes[0].tmpfs.size",
        at: "8:17",
        hint: "",
    },
    Case {
        name: "tmpfs_size_fraction",
        yaml: r#"services:
  tmpfs:
    image: nginx:latest
    volumes:
      - type: tmpfs
        target: /app
        tmpfs:
          size: 0.0001
"#,
        oracle: "services.tmpfs.volumes.0.tmpfs.size must be a integer",
        message: "services.tmpfs.volumes[0].tmpfs.size: must be an integer or a string, found a number (0.0001)",
        path: "services.tmpfs.volumes[0].tmpfs.size",
        at: "8:17",
        hint: "",
    },
    Case {
        name: "tmpfs_volume_extra",
        yaml: r#"services:
  tmpfs:
    image: nginx:latest
    volumes:
      - type: tmpfs
        target: /app
        foo:
          bar: zot
"#,
        oracle: "services.tmpfs.volumes.0 additional properties 'foo' not allowed",
        message: "services.tmpfs.volumes[0]: unknown attribute 'foo'",
        path: "services.tmpfs.volumes[0]",
        at: "7:9",
        hint: "",
    },
    Case {
        name: "device_capabilities_missing",
        yaml: r#"services:
  hello-world:
    image: redis:alpine
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 2
"#,
        oracle: "services.hello-world.deploy.resources.reservations.devices.0 missing property 'capabilities'",
        message: "services.hello-world.deploy.resources.reservations.devices[0]: missing required attribute 'capabilities'",
        path: "services.hello-world.deploy.resources.reservations.devices[0]",
        at: "8:15",
        hint: "",
    },
    Case {
        name: "build_ssh_null",
        yaml: r#"services:
  test:
    build:
      context: .
      ssh:
"#,
        oracle: "services.test.build.ssh must be a mapping",
        message: "services.test.build.ssh: must be a mapping or a list, found null",
        path: "services.test.build.ssh",
        at: "5:7",
        hint: "the value is empty; remove the key or give it a value",
    },
    Case {
        name: "watch_missing_action",
        yaml: r#"services:
  frontend:
    image: example/webapp
    develop:
      watch:
        - path: ./webapp/html
          target: /var/www
"#,
        oracle: "services.frontend.develop.watch.0 missing property 'action'",
        message: "services.frontend.develop.watch[0]: missing required attribute 'action'",
        path: "services.frontend.develop.watch[0]",
        at: "6:11",
        hint: "",
    },
    Case {
        name: "env_string",
        yaml: r#"services:
  dict-env:
    image: busybox
    environment: "FOO=1"
"#,
        oracle: "services.dict-env.environment must be a mapping",
        message: "services.dict-env.environment: must be a mapping or a list, found a string ('FOO=1')",
        path: "services.dict-env.environment",
        at: "4:18",
        hint: "write `KEY: value` lines, or a list of `KEY=value` items",
    },
    Case {
        name: "env_value_list",
        yaml: r#"services:
  dict-env:
    image: busybox
    environment:
      FOO: ["1"]
"#,
        oracle: "services.dict-env.environment.FOO must be a boolean, null, number or string",
        message: "services.dict-env.environment.FOO: must be null, a boolean, a number or a string, found a list",
        path: "services.dict-env.environment.FOO",
        at: "5:12",
        hint: "",
    },
    Case {
        name: "image_list",
        yaml: r#"services:
  foo:
    image: ["busybox", "latest"]
"#,
        oracle: "services.foo.image must be a string",
        message: "services.foo.image: must be a string, found a list",
        path: "services.foo.image",
        at: "3:12",
        hint: "",
    },
    Case {
        name: "networks_list",
        yaml: r#"networks:
  - default
"#,
        oracle: "networks must be a mapping",
        message: "networks: must be a mapping, found a list",
        path: "networks",
        at: "2:3",
        hint: "",
    },
    Case {
        name: "network_string",
        yaml: r#"networks:
  default: bridge
"#,
        oracle: "networks.default must be a mapping or null",
        message: "networks.default: must be null or a mapping, found a string ('bridge')",
        path: "networks.default",
        at: "2:12",
        hint: "",
    },
    Case {
        name: "volumes_list",
        yaml: r#"volumes:
  - data
"#,
        oracle: "volumes must be a mapping",
        message: "volumes: must be a mapping, found a list",
        path: "volumes",
        at: "2:3",
        hint: "",
    },
    Case {
        name: "volume_string",
        yaml: r#"volumes:
  data: local
"#,
        oracle: "volumes.data must be a mapping or null",
        message: "volumes.data: must be null or a mapping, found a string ('local')",
        path: "volumes.data",
        at: "2:9",
        hint: "",
    },
    Case {
        name: "resources_impossible",
        yaml: r#"services:
  foo:
    image: busybox
    deploy:
      resources:
        impossible:
          x: 1
"#,
        oracle: "services.foo.deploy.resources additional properties 'impossible' not allowed",
        message: "services.foo.deploy.resources: unknown attribute 'impossible'",
        path: "services.foo.deploy.resources",
        at: "6:9",
        hint: "",
    },
    Case {
        name: "job_empty_triggers",
        yaml: r#"jobs:
  k:
    image: y
    triggers: {}
"#,
        oracle: "jobs.k.triggers missing property 'manual'",
        message: "jobs.k.triggers: needs one of the attributes 'manual', 'schedule'",
        path: "jobs.k.triggers",
        at: "4:15",
        hint: "",
    },
    Case {
        name: "depends_on_empty",
        yaml: r#"services:
  web:
    image: nginx
    depends_on:
      db: {}
  db:
    image: pg
"#,
        oracle: "services.web.depends_on.db missing property 'condition'",
        message: "services.web.depends_on.db: missing required attribute 'condition'",
        path: "services.web.depends_on.db",
        at: "5:11",
        hint: "",
    },
    Case {
        name: "driver_opts_map",
        yaml: r#"volumes:
  v:
    driver_opts:
      a: {}
"#,
        oracle: "volumes.v.driver_opts.a must be a number or string",
        message: "volumes.v.driver_opts.a: must be a number or a string, found a mapping",
        path: "volumes.v.driver_opts.a",
        at: "4:10",
        hint: "",
    },
    Case {
        name: "models_missing_model",
        yaml: r#"services:
  web:
    image: nginx
models:
  llm:
    context_size: 10
"#,
        oracle: "models.llm missing property 'model'",
        message: "models.llm: missing required attribute 'model'",
        path: "models.llm",
        at: "6:5",
        hint: "",
    },
    Case {
        name: "provider_missing_type",
        yaml: r#"services:
  db:
    provider:
      options:
        a: b
"#,
        oracle: "services.db.provider missing property 'type'",
        message: "services.db.provider: missing required attribute 'type'",
        path: "services.db.provider",
        at: "4:7",
        hint: "",
    },
    Case {
        name: "healthcheck_test_int",
        yaml: r#"services:
  web:
    image: nginx
    healthcheck:
      test: 1
"#,
        oracle: "services.web.healthcheck.test must be a string",
        message: "services.web.healthcheck.test: must be a string or a list, found an integer (1)",
        path: "services.web.healthcheck.test",
        at: "5:13",
        hint: "",
    },
    Case {
        name: "build_args_list_value",
        yaml: r#"services:
  web:
    build:
      context: .
      args:
        A: [1]
"#,
        oracle: "services.web.build.args.A must be a boolean, null, number or string",
        message: "services.web.build.args.A: must be null, a boolean, a number or a string, found a list",
        path: "services.web.build.args.A",
        at: "6:12",
        hint: "",
    },
    Case {
        name: "networks_item_int",
        yaml: r#"services:
  web:
    image: nginx
    networks: [1]
"#,
        oracle: "services.web.networks.0 must be a string",
        message: "services.web.networks[0]: must be a string, found an integer (1)",
        path: "services.web.networks[0]",
        at: "4:16",
        hint: "quote it: \"1\"",
    },
    Case {
        name: "restart_int",
        yaml: r#"services:
  web:
    image: nginx
    restart: 1
"#,
        oracle: "services.web.restart must be a string",
        message: "services.web.restart: must be a string, found an integer (1)",
        path: "services.web.restart",
        at: "4:14",
        hint: "quote it: \"1\"",
    },
    Case {
        name: "external_list",
        yaml: r#"volumes:
  v:
    external: [true]
"#,
        oracle: "volumes.v.external must be a boolean, mapping or string",
        message: "volumes.v.external: must be a boolean, a string or a mapping, found a list",
        path: "volumes.v.external",
        at: "3:15",
        hint: "",
    },
    Case {
        name: "ipam_config_map",
        yaml: r#"networks:
  n:
    ipam:
      config:
        subnet: 10.0.0.0/24
"#,
        oracle: "networks.n.ipam.config must be a array",
        message: "networks.n.ipam.config: must be a list, found a mapping",
        path: "networks.n.ipam.config",
        at: "5:9",
        hint: "this attribute takes a list (`- item`), not a mapping",
    },
    Case {
        name: "unknown_service_attr_far",
        yaml: r#"services:
  web:
    image: nginx
    contianer_name: x
"#,
        oracle: "services.web.contianer_name false schema",
        message: "services.web: unknown attribute 'contianer_name'",
        path: "services.web",
        at: "4:5",
        hint: "did you mean 'container_name'?",
    },
    Case {
        name: "x_underscore",
        yaml: r#"services:
  web:
    image: nginx
    x_meta: 1
"#,
        oracle: "services.web.x_meta false schema",
        message: "services.web: unknown attribute 'x_meta'",
        path: "services.web",
        at: "4:5",
        hint: "extension attributes must start with 'x-'",
    },
    Case {
        name: "deploy_restart_policy_unknown",
        yaml: r#"services:
  web:
    image: nginx
    deploy:
      restart_policy:
        condition: on-failure
        max_attempt: 3
"#,
        oracle: "services.web.deploy.restart_policy additional properties 'max_attempt' not allowed",
        message: "services.web.deploy.restart_policy: unknown attribute 'max_attempt'",
        path: "services.web.deploy.restart_policy",
        at: "7:9",
        hint: "did you mean 'max_attempts'?",
    },
    Case {
        name: "volume_bind_unknown",
        yaml: r#"services:
  web:
    image: nginx
    volumes:
      - type: bind
        source: .
        target: /x
        bind:
          propagation: rprivate
          selinux: q
"#,
        oracle: "services.web.volumes.0.bind.selinux value must be one of 'z', 'Z'",
        message: "services.web.volumes[0].bind.selinux: must be one of 'z', 'Z', found a string ('q')",
        path: "services.web.volumes[0].bind.selinux",
        at: "10:20",
        hint: "",
    },
    Case {
        name: "credential_spec_unknown",
        yaml: r#"services:
  web:
    image: nginx
    credential_spec:
      fil: x
"#,
        oracle: "services.web.credential_spec additional properties 'fil' not allowed",
        message: "services.web.credential_spec: unknown attribute 'fil'",
        path: "services.web.credential_spec",
        at: "5:7",
        hint: "did you mean 'file'?",
    },
    Case {
        name: "label_file_int",
        yaml: r#"services:
  web:
    image: nginx
    label_file: 1
"#,
        oracle: "services.web.label_file must be a string",
        message: "services.web.label_file: must be a string or a list, found an integer (1)",
        path: "services.web.label_file",
        at: "4:17",
        hint: "",
    },
    Case {
        name: "env_file_item_unknown",
        yaml: r#"services:
  web:
    image: nginx
    env_file:
      - path: .env
        requird: false
"#,
        oracle: "services.web.env_file.0 additional properties 'requird' not allowed",
        message: "services.web.env_file[0]: unknown attribute 'requird'",
        path: "services.web.env_file[0]",
        at: "6:9",
        hint: "did you mean 'required'?",
    },
    Case {
        name: "two_services_errors",
        yaml: r#"services:
  a:
    image: nginx
    portz: []
  b:
    image: nginx
    ports:
      - target: 80
        protocl: tcp
"#,
        oracle: "services.b.ports.0 additional properties 'protocl' not allowed",
        message: "services.b.ports[0]: unknown attribute 'protocl'",
        path: "services.b.ports[0]",
        at: "9:9",
        hint: "did you mean 'protocol'?",
    },
    Case {
        name: "oom_score_small",
        yaml: r#"services:
  web:
    image: nginx
    oom_score_adj: -1001
"#,
        oracle: "services.web.oom_score_adj must be a string",
        message: "services.web.oom_score_adj: must be at least -1000, found an integer (-1001)",
        path: "services.web.oom_score_adj",
        at: "4:20",
        hint: "",
    },
    Case {
        name: "group_add_dup",
        yaml: r#"services:
  web:
    image: nginx
    group_add: [a, b, a]
"#,
        oracle: "services.web.group_add items at 0 and 2 are equal",
        message: "services.web.group_add: duplicate item 'a'",
        path: "services.web.group_add[2]",
        at: "4:23",
        hint: "it already appears at line 4; items must be unique",
    },
    Case {
        name: "job_unknown",
        yaml: r#"jobs:
  backup:
    image: alpine
    triggers:
      manual: true
    restart: always
"#,
        oracle: "jobs.backup.restart false schema",
        message: "jobs.backup: unknown attribute 'restart'",
        path: "jobs.backup",
        at: "6:5",
        hint: "'restart' is a service attribute; jobs do not support it",
    },
    Case {
        name: "job_schedule_bad",
        yaml: r#"jobs:
  backup:
    image: alpine
    triggers:
      schedule:
        - cron: "0 * * * *"
          concurrency: parallel
"#,
        oracle: "jobs.backup.triggers.schedule.0.concurrency value must be one of 'forbid', 'queue'",
        message: "jobs.backup.triggers.schedule[0].concurrency: must be one of 'forbid', 'queue', found a string ('parallel')",
        path: "jobs.backup.triggers.schedule[0].concurrency",
        at: "7:24",
        hint: "",
    },
    Case {
        name: "model_unknown",
        yaml: r#"models:
  llm:
    model: ai/smollm2
    contextsize: 10
"#,
        oracle: "models.llm additional properties 'contextsize' not allowed",
        message: "models.llm: unknown attribute 'contextsize'",
        path: "models.llm",
        at: "4:5",
        hint: "did you mean 'context_size'?",
    },
    Case {
        name: "watch_unknown",
        yaml: r#"services:
  web:
    image: nginx
    develop:
      watch:
        - path: .
          action: sync
          taget: /app
"#,
        oracle: "services.web.develop.watch.0 additional properties 'taget' not allowed",
        message: "services.web.develop.watch[0]: unknown attribute 'taget'",
        path: "services.web.develop.watch[0]",
        at: "8:11",
        hint: "did you mean 'target'?",
    },
    Case {
        name: "hook_unknown",
        yaml: r#"services:
  web:
    image: nginx
    post_start:
      - command: echo hi
        privilegd: true
"#,
        oracle: "services.web.post_start.0 additional properties 'privilegd' not allowed",
        message: "services.web.post_start[0]: unknown attribute 'privilegd'",
        path: "services.web.post_start[0]",
        at: "6:9",
        hint: "did you mean 'privileged'?",
    },
    Case {
        name: "capital_image",
        yaml: r#"services:
  web:
    Image: nginx
"#,
        oracle: "services.web.Image false schema",
        message: "services.web: unknown attribute 'Image'",
        path: "services.web",
        at: "3:5",
        hint: "did you mean 'image'?",
    },
    Case {
        name: "deploy_mode_int",
        yaml: r#"services:
  web:
    image: nginx
    deploy:
      mode: 1
"#,
        oracle: "services.web.deploy.mode must be a string",
        message: "services.web.deploy.mode: must be a string, found an integer (1)",
        path: "services.web.deploy.mode",
        at: "5:13",
        hint: "quote it: \"1\"",
    },
    Case {
        name: "label_key_pointer_chars",
        yaml: r#"services:
  web:
    image: nginx
    labels:
      "a/b~c": [1]
"#,
        oracle: "services.web.labels.a/b~c must be a boolean, null, number or string",
        message: "services.web.labels.a/b~c: must be null, a boolean, a number or a string, found a list",
        path: "services.web.labels.a/b~c",
        at: "5:16",
        hint: "",
    },
    Case {
        name: "sysctl_numeric_key",
        yaml: r#"services:
  web:
    image: nginx
    sysctls:
      "1": [1]
"#,
        oracle: "services.web.sysctls.1 must be a boolean, null, number or string",
        message: "services.web.sysctls.1: must be null, a boolean, a number or a string, found a list",
        path: "services.web.sysctls.1",
        at: "5:12",
        hint: "",
    },
];

#[test]
fn invalid_inputs_report_message_path_position_and_hint() {
    assert!(CASES.len() >= 60);
    let mut failures = Vec::new();
    for case in CASES {
        let e = first_error(case.yaml);
        let got_path = e.path.clone().unwrap_or_default();
        let got_hint = e.hint.clone().unwrap_or_default();
        let hint_ok = match case.hint.strip_prefix('*') {
            Some(part) => got_hint.contains(part),
            None => got_hint == case.hint,
        };
        if e.message != case.message || got_path != case.path || at(&e) != case.at || !hint_ok {
            failures.push(format!(
                "{}:\n  want {} | {} | {} | {}\n  got  {} | {} | {} | {}",
                case.name,
                case.at,
                case.message,
                case.path,
                case.hint,
                at(&e),
                e.message,
                got_path,
                got_hint
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn cases_agree_with_the_oracle_location() {
    for case in CASES {
        let location = oracle_location(case.oracle);
        let ours = go_style(case.path);
        assert!(
            location == ours || location == parent(case.path) || parent(location) == ours,
            "{}: oracle location `{location}` vs our path `{}`",
            case.name,
            case.path
        );
        // An unknown key named by the oracle is named by us too.
        if let Some(rest) = case.oracle.split("additional properties '").nth(1) {
            let key = rest.split('\'').next().unwrap_or("");
            assert!(case.message.contains(&format!("'{key}'")), "{}", case.name);
        }
    }
}

#[test]
fn validate_all_starts_with_the_error_validate_returns() {
    for case in CASES {
        let root = parse(case.yaml);
        let all = hoist_loader::schema::validate_all(&root);
        let first = hoist_loader::schema::validate(&root).expect_err(case.name);
        assert_eq!(all.first(), Some(&first), "{}", case.name);
    }
}

#[test]
fn every_problem_is_listed_most_specific_first() {
    // Oracle: `services.b.ports.0 additional properties 'protocl' not allowed` (the deeper one).
    let root = parse(
        r#"services:
  a:
    image: nginx
    portz: []
  b:
    image: nginx
    ports:
      - target: 80
        protocl: tcp
"#,
    );
    let all = hoist_loader::schema::validate_all(&root);
    let summary: Vec<(String, String)> = all
        .iter()
        .map(|e| (e.path.clone().unwrap_or_default(), at(e)))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("services.b.ports[0]".to_owned(), "9:9".to_owned()),
            ("services.a".to_owned(), "4:5".to_owned()),
        ]
    );
}

#[test]
fn several_unknown_keys_in_one_mapping_are_reported_in_source_order() {
    // Oracle reports one of them: `services.web.zzz false schema` style errors.
    let root = parse("services:\n  web:\n    image: nginx\n    zzz: 1\n    aaa: 2\n");
    let all = hoist_loader::schema::validate_all(&root);
    let messages: Vec<&str> = all.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "services.web: unknown attribute 'zzz'",
            "services.web: unknown attribute 'aaa'"
        ]
    );
    assert!(all
        .iter()
        .all(|e| e.path.as_deref() == Some("services.web")));
    assert_eq!(at(&all[0]), "4:5");
    assert_eq!(at(&all[1]), "5:5");
}

#[test]
fn rendered_error_shows_position_caret_and_hint() {
    // Oracle: `services.web.imagee false schema`.
    let text = "services:\n  web:\n    image: nginx\n    imagee: x\n";
    let mut sources = hoist_loader::SourceMap::default();
    let id = sources.add("/p/compose.yaml", text);
    assert_eq!(id, hoist_loader::FileId(0));
    let e = first_error(text);
    assert_eq!(
        e.render(&sources, true),
        "/p/compose.yaml:4:5: services.web: unknown attribute 'imagee'\n  |\n4 |     imagee: x\n  |     ^\n  hint: did you mean 'image'?"
    );
}

#[test]
fn top_level_must_be_a_mapping() {
    // upstream loader_test TestInvalidTopLevelObjectType: "top-level object must be a mapping"
    for (yaml, found) in [
        ("1\n", "an integer (1)"),
        ("\"hello\"\n", "a string ('hello')"),
        ("[\"hello\"]\n", "a list"),
    ] {
        let e = first_error(yaml);
        assert_eq!(
            e.message,
            format!("top-level object must be a mapping, found {found}")
        );
        assert_eq!(e.path, None);
        assert_eq!(at(&e), "1:1");
    }
}
