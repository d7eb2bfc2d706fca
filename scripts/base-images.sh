#!/usr/bin/env bash
# Provides the base images the tests and the demo build on, in the engine $ENGINE, under stable
# local names:
#   shipshape.local/busybox:1       small base with httpd and wget
#   shipshape.local/python-base:3   Python 3 with pip, Flask, curl and tini
# Each is pulled from Docker Hub when that works; otherwise it is imported from a root
# filesystem made once from Debian packages (kept in /var/cache/shipshape for every engine),
# because this machine (and CI) cannot reach any image registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=engines.sh
source "$here/engines.sh"
: "${ENGINE:?set ENGINE to one of ${ENGINES[*]}}"

log() { printf '[base-images] %s: %s\n' "$ENGINE" "$*"; }
DOCKER_ENV=(DOCKER_HOST="$(engine_host "$ENGINE")" PATH="$(engine_path "$ENGINE"):$PATH")
d() { env "${DOCKER_ENV[@]}" docker "$@"; }
have() { d image inspect "$1" >/dev/null 2>&1; }
try_pull() { timeout 120 env "${DOCKER_ENV[@]}" docker pull -q "$1" >/dev/null 2>&1; }
CACHE=/var/cache/shipshape
mkdir -p "$CACHE"

BUSYBOX=shipshape.local/busybox:1
PYTHON=shipshape.local/python-base:3

busybox_rootfs() {
  local tar=$CACHE/busybox-rootfs.tar root
  if [ ! -s "$tar" ]; then
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/www"
    cp "$(command -v busybox)" "$root/bin/busybox"
    for applet in $("$root/bin/busybox" --list); do
      [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
    done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
    echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    tar -C "$root" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$root"
  fi
  echo "$tar"
}

python_rootfs() {
  local tar=$CACHE/python-base-rootfs.tar root
  if [ ! -s "$tar" ]; then
    echo "[base-images] building a Debian bookworm root filesystem with debootstrap (about a minute)" >&2
    root=$(mktemp -d)
    debootstrap --variant=minbase --include=python3-flask,python3-pip,curl,tini \
      bookworm "$root" http://deb.debian.org/debian >/tmp/shipshape-debootstrap.log 2>&1 ||
      {
        tail -20 /tmp/shipshape-debootstrap.log >&2
        exit 1
      }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$root"
  fi
  echo "$tar"
}

if ! have "$BUSYBOX"; then
  if try_pull busybox:1.36.1; then
    d tag busybox:1.36.1 "$BUSYBOX"
  else
    log "busybox pull failed; importing the busybox-static binary"
    d import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$(busybox_rootfs)" "$BUSYBOX" >/dev/null
  fi
  log "$BUSYBOX ready"
fi

if ! have "$PYTHON"; then
  if try_pull python:3.12.12-slim-bookworm; then
    d tag python:3.12.12-slim-bookworm "$PYTHON"
  else
    log "python pull failed; importing a Debian bookworm root filesystem"
    # Debian marks its Python as externally managed; the official image does not. Lifting
    # the mark lets `pip install -r requirements.txt` behave as on python:3.x images: it
    # succeeds offline when the requirements are already installed and fails otherwise.
    d import \
      --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1' \
      --change 'ENV PIP_DISABLE_PIP_VERSION_CHECK=1' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["python3"]' "$(python_rootfs)" "$PYTHON" >/dev/null
  fi
  log "$PYTHON ready"
fi
