#!/usr/bin/env bash
# Provision a local Docker Engine for the live tests (idempotent; root only).
#   - installs docker.io and busybox-static from Debian when missing
#   - starts dockerd (vfs storage, no iptables, no bridge: containers use --network none or host)
#   - builds the image kbtui-test/busybox:latest with `docker import` (no registry is reachable)
# Fast when already provisioned; fails loudly otherwise.
set -euo pipefail

IMAGE="kbtui-test/busybox:latest"
LOG="/var/log/kbtui-dockerd.log"
SOCK="/var/run/docker.sock"

if [ "$(id -u)" -ne 0 ]; then
  echo "provision/docker.sh: must run as root (skipping would hide missing live tests)" >&2
  exit 1
fi

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
if [ "${#need[@]}" -gt 0 ]; then
  echo "provision/docker.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${need[@]}"
  }
fi
command -v docker >/dev/null 2>&1 || { echo "provision/docker.sh: no docker CLI after install" >&2; exit 1; }

daemon_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! daemon_up; then
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    # containerd ships with docker.io; dockerd starts its own when none is running
    echo "provision/docker.sh: starting dockerd (log: $LOG)"
    nohup dockerd --storage-driver vfs --iptables=false --ip6tables=false --bridge=none \
      --host "unix://$SOCK" >>"$LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    daemon_up && break
    sleep 0.5
  done
  if ! daemon_up; then
    echo "provision/docker.sh: dockerd did not come up within 60 s; last log lines:" >&2
    tail -n 30 "$LOG" >&2 || true
    exit 1
  fi
fi

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "provision/docker.sh: building $IMAGE from busybox-static"
  BB="$(dpkg -L busybox-static | grep -E '/busybox$' | head -n1)"
  [ -n "$BB" ] && [ -x "$BB" ] || { echo "provision/docker.sh: no static busybox binary found" >&2; exit 1; }
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/opt/emqx/data"
  cp "$BB" "$root/bin/busybox"
  # one hard link per applet, so `sh`, `sleep`, `date`, `top`... exist in the image
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -f "$root/bin/busybox" "$root/bin/$applet"
  done
  echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
  echo "root:x:0:" >"$root/etc/group"
  tar -C "$root" -c . | docker import --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
fi
docker image inspect "$IMAGE" >/dev/null
echo "provision/docker.sh: Docker $(docker version --format '{{.Server.Version}}') ready with $IMAGE"
