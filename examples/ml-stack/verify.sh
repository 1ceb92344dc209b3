#!/usr/bin/env bash
# End-to-end check of the ML example stack, from a fresh machine (no images, no registry):
#   base image -> build -> up --wait -> train -> run + metric found through MLflow's REST API
#   -> serve --wait -> prediction over HTTP -> down / up again, run still there (Postgres
#   volume) -> down -v leaves no container, network or volume of the project behind.
# Any failing step stops the script with a message and a non-zero exit; on failure the stack's
# logs are printed and the project is torn down (down -v) anyway.
#
# The compose command is $COMPOSE (default: hoist, i.e. ${HOIST:-target/release/hoist}), e.g.
#   COMPOSE=/path/to/docker-compose bash examples/ml-stack/verify.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
compose_cmd=${COMPOSE:-${HOIST:-target/release/hoist}}
read -r -a compose_bin <<<"$compose_cmd"
project=ml-stack
files=(-f examples/ml-stack/compose.yaml)
all_profiles=(--profile train --profile serve)
# Every profile: with Hoist, `down --profile X` touches only profile X's services (Docker
# Compose also takes down the services without a profile), so tearing the whole stack down
# names all profiles with `*` — which means the same to both tools.
every_profile=(--profile '*')
# Host ports (127.0.0.1 only). A default port already taken on this machine is replaced by the
# next free one (exported, so compose.yaml's ${..._PORT:-default} picks it up); a port set
# explicitly in the environment is used as is.
port_free() {
  python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
pick_port() {
  local var=$1 default=$2 port
  if [[ -n "${!var:-}" ]]; then
    return
  fi
  for ((port = default; port < default + 50; port++)); do
    if port_free "$port"; then
      [[ $port == "$default" ]] || echo "note: port $default is busy; using $var=$port"
      export "$var=$port"
      return
    fi
  done
  echo "no free port in $default..$((default + 49)) for $var" >&2
  exit 1
}
pick_port MLFLOW_PORT 15000
pick_port JUPYTER_PORT 18888
pick_port SERVE_PORT 18080
mlflow_url=http://127.0.0.1:${MLFLOW_PORT:-15000}
jupyter_url=http://127.0.0.1:${JUPYTER_PORT:-18888}
serve_url=http://127.0.0.1:${SERVE_PORT:-18080}
token_file=examples/ml-stack/secrets/jupyter_token.txt

t0=$(date +%s)
step_start=$t0
step_name=""
step() {
  finish_step
  step_name=$*
  step_start=$(date +%s)
  printf '\n==> %s\n' "$step_name"
}
finish_step() {
  if [[ -n "$step_name" ]]; then
    printf '    ok (%ss): %s\n' "$(($(date +%s) - step_start))" "$step_name"
  fi
}
fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}
compose() { "${compose_bin[@]}" "${files[@]}" "$@"; }

on_exit() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    printf '\n!! verify.sh failed (exit %s) during: %s\n' "$rc" "${step_name:-startup}" >&2
    echo "!! last logs of the stack:" >&2
    compose "${all_profiles[@]}" logs --no-color --tail=40 >&2 || true
    echo "!! cleaning up (down -v)" >&2
    compose "${every_profile[@]}" down -v --remove-orphans >&2 || true
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# GET/POST helpers: fail loudly on non-2xx, print the body.
http_get() { curl -sS --fail-with-body --max-time 30 "$@"; }
http_post_json() {
  local url=$1 body=$2
  curl -sS --fail-with-body --max-time 30 -H 'Content-Type: application/json' -X POST --data "$body" "$url"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

project_leftovers() {
  {
    docker ps -aq --filter "label=com.docker.compose.project=$project"
    docker network ls -q --filter "label=com.docker.compose.project=$project"
    docker volume ls -q --filter "label=com.docker.compose.project=$project"
  } | sed '/^$/d'
}

echo "compose command: ${compose_bin[*]}"
command -v "${compose_bin[0]}" >/dev/null || fail "compose command '${compose_bin[0]}' not found (build hoist or set COMPOSE)"
"${compose_bin[@]}" version 2>/dev/null || true
command -v curl >/dev/null || fail "curl is needed on the host"
command -v python3 >/dev/null || fail "python3 is needed on the host (JSON parsing)"

step "config: compose.yaml and the GPU override resolve"
compose "${all_profiles[@]}" config -q
"${compose_bin[@]}" "${files[@]}" -f examples/ml-stack/compose.gpu.yaml --profile train config -q

step "clean slate: nothing of project $project left from an earlier run"
if [[ -n "$(project_leftovers)" ]]; then
  echo "    leftovers found; removing them with down -v"
  compose "${every_profile[@]}" down -v --remove-orphans
fi
[[ -z "$(project_leftovers)" ]] || fail "project $project still has containers/networks/volumes"

step "base image (scripts/build-base-image.sh)"
bash scripts/build-base-image.sh

step "build images (postgres, shared python image)"
build_log=${TMPDIR:-/tmp}/ml-stack-build.log
echo "    (full build output: $build_log)"
if ! compose "${all_profiles[@]}" build >"$build_log" 2>&1; then
  tail -n 60 "$build_log" >&2
  fail "image build failed (full output: $build_log)"
fi
docker image inspect ml-stack/python:latest ml-stack/postgres:15 \
  --format '    {{index .RepoTags 0}}: {{.Size}} bytes' || fail "images missing after build"

step "up -d --wait (postgres, mlflow, jupyter healthy)"
compose up -d --wait
http_get "$mlflow_url/health" >/dev/null || fail "MLflow not answering on $mlflow_url"
token=$(tr -d '[:space:]' <"$token_file")
http_get "$jupyter_url/api/status?token=$token" >/dev/null || fail "JupyterLab rejects the secret's token"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$jupyter_url/api/status")
[[ "$code" == 403 ]] || fail "JupyterLab answered $code without a token (want 403)"
jupyter_id=$(docker ps -q --filter "label=com.docker.compose.project=$project" \
  --filter "label=com.docker.compose.service=jupyter")
[[ -n "$jupyter_id" ]] || fail "no running jupyter container labelled for project $project"
shm=$(docker inspect -f '{{.HostConfig.ShmSize}}' "$jupyter_id")
[[ "$shm" == 1073741824 ]] || fail "jupyter shm_size is $shm bytes (want 1gb = 1073741824)"
echo "    MLflow up on $mlflow_url; JupyterLab up on $jupyter_url (token from the secret, 403 without; shm 1gb)"

step "train: --profile train run --rm trainer"
train_log=$(mktemp)
compose --profile train run --rm -T trainer | tee "$train_log"
result=$(sed -n 's/^RESULT //p' "$train_log" | tail -n 1)
rm -f "$train_log"
[[ -n "$result" ]] || fail "trainer printed no RESULT line"
run_id=$(json 'd["run_id"]' <<<"$result")
model_version=$(json 'd["model_version"]' <<<"$result")
echo "    run_id=$run_id model_version=$model_version"

step "MLflow REST API: experiment, run, metric and registered model"
exp_id=$(http_get "$mlflow_url/api/2.0/mlflow/experiments/get-by-name?experiment_name=diabetes" |
  json 'd["experiment"]["experiment_id"]') || fail "experiment 'diabetes' not found"
found=$(http_post_json "$mlflow_url/api/2.0/mlflow/runs/search" \
  "{\"experiment_ids\": [\"$exp_id\"], \"filter\": \"attributes.run_id = '$run_id'\"}" |
  json 'len(d.get("runs", []))')
[[ "$found" == 1 ]] || fail "runs/search did not find run $run_id in experiment $exp_id"
run_json=$(http_get "$mlflow_url/api/2.0/mlflow/runs/get?run_id=$run_id")
status=$(json 'd["run"]["info"]["status"]' <<<"$run_json")
rmse=$(json '[m["value"] for m in d["run"]["data"]["metrics"] if m["key"]=="rmse"][0]' <<<"$run_json")
[[ "$status" == FINISHED ]] || fail "run $run_id status is $status"
python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 0 < v < 100 else 1)" "$rmse" ||
  fail "implausible rmse $rmse"
alias_version=$(http_get "$mlflow_url/api/2.0/mlflow/registered-models/alias?name=diabetes-regressor&alias=champion" |
  json 'd["model_version"]["version"]')
[[ "$alias_version" == "$model_version" ]] ||
  fail "alias champion points at v$alias_version, trainer registered v$model_version"
echo "    experiment $exp_id, run $run_id FINISHED, rmse=$rmse, diabetes-regressor@champion = v$alias_version"

step "serve: --profile serve up -d --wait serve"
compose --profile serve up -d --wait serve
health=$(http_get "$serve_url/health")
echo "    $health"

step "prediction over HTTP"
instance='{"age": 0.038, "sex": 0.051, "bmi": 0.062, "bp": 0.022, "s1": -0.044, "s2": -0.035, "s3": -0.043, "s4": -0.003, "s5": 0.020, "s6": -0.018}'
by_name=$(http_post_json "$serve_url/predict" "{\"instances\": [$instance]}")
echo "    rows as objects: $by_name"
by_position=$(http_post_json "$serve_url/predict" \
  '{"instances": [[0.038, 0.051, 0.062, 0.022, -0.044, -0.035, -0.043, -0.003, 0.020, -0.018], [0,0,0,0,0,0,0,0,0,0]]}')
echo "    rows as lists:   $by_position"
python3 -c '
import json, sys
one, two = json.loads(sys.argv[1])["predictions"], json.loads(sys.argv[2])["predictions"]
assert len(one) == 1 and len(two) == 2, (one, two)
assert all(0 < float(x) < 400 for x in one + two), (one, two)
assert abs(one[0] - two[0]) < 1e-9, "same row by name and by position must agree"
' "$by_name" "$by_position" || fail "bad prediction response"

step "down, then up -d --wait again: the run survives (Postgres volume)"
compose "${every_profile[@]}" down
[[ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$project")" ]] ||
  fail "containers left after down"
[[ -n "$(docker volume ls -q --filter "label=com.docker.compose.project=$project")" ]] ||
  fail "down (without -v) removed the volumes"
compose up -d --wait
again=$(http_get "$mlflow_url/api/2.0/mlflow/runs/get?run_id=$run_id" |
  json '[m["value"] for m in d["run"]["data"]["metrics"] if m["key"]=="rmse"][0]') ||
  fail "run $run_id is gone after down/up"
[[ "$again" == "$rmse" ]] || fail "rmse changed after down/up: $rmse -> $again"
echo "    run $run_id still there after down/up, rmse=$again"

step "down -v leaves nothing behind"
compose "${every_profile[@]}" down -v --remove-orphans
left=$(project_leftovers)
[[ -z "$left" ]] || fail "left behind after down -v: $left"
echo "    no containers, networks or volumes labelled com.docker.compose.project=$project"
finish_step
step_name=""

printf '\nPASS: ml-stack end to end in %ss\n' "$(($(date +%s) - t0))"
