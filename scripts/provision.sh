#!/usr/bin/env bash
# Makes this machine ready for the tests and the demo: Docker daemon, registry binary,
# local base images. Idempotent; every step is skipped when already done.
set -euo pipefail

log() { printf '[provision] %s\n' "$*"; }

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need_pkgs+=(busybox-static)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "provision: need root to install ${need_pkgs[*]}" >&2; exit 1; }
  log "installing ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# The registry package starts its own service on :5000 when systemd runs; tests start their own.
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  setsid nohup dockerd --storage-driver=overlay2 >/var/log/shipshape-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "provision: dockerd did not come up; see /var/log/shipshape-dockerd.log" >&2; tail -20 /var/log/shipshape-dockerd.log >&2; exit 1; }
fi
log "docker daemon $(docker version --format '{{.Server.Version}}')"

bash "$(dirname "$0")/base-images.sh"
