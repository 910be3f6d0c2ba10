#!/usr/bin/env bash
# Provision a local Docker Engine for the live tests (idempotent; root only).
#   - installs docker.io and busybox-static from Debian when missing
#   - starts dockerd (overlay2 storage where the kernel can mount an overlay on /var/lib/docker,
#     else vfs; no iptables, no bridge: containers use --network none or their own network)
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

# overlay2 shares the image's files: a container of the 173 MB RabbitMQ image is made in 0.05 s;
# vfs copies the whole image into every container (10 s each on the shared 2-core machine, 72 s to
# start the real broker incidents, 32 s to remove them). vfs where no overlay can be mounted on the
# data root (/ itself on overlayfs, inside a container). KBTUI_DOCKER_STORAGE picks one by name.
storage_driver() {
  if [ -n "${KBTUI_DOCKER_STORAGE:-}" ]; then
    echo "$KBTUI_DOCKER_STORAGE"
    return
  fi
  local probe
  mkdir -p /var/lib/docker
  probe="$(mktemp -d /var/lib/docker/.kbtui-overlay-probe.XXXXXX)"
  mkdir -p "$probe/lower" "$probe/upper" "$probe/work" "$probe/merged"
  if mount -t overlay overlay \
    -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    umount "$probe/merged"
    echo overlay2
  else
    echo vfs
  fi
  rm -rf "$probe"
}

start_dockerd() { # storage driver
  echo "provision/docker.sh: starting dockerd, $1 storage (log: $LOG)"
  nohup dockerd --storage-driver "$1" --iptables=false --ip6tables=false --bridge=none \
    --host "unix://$SOCK" >>"$LOG" 2>&1 </dev/null &
  DOCKERD_PID=$!
}

wait_up() { # seconds; fails when the daemon started here has exited
  for _ in $(seq 1 $(($1 * 2))); do
    daemon_up && return 0
    if [ -n "${DOCKERD_PID:-}" ] && ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      return 1
    fi
    sleep 0.5
  done
  daemon_up
}

# a dockerd that serves the default socket and is still starting (not remote-docker.sh's second,
# TLS-verified daemon, which has its own socket and roots: it says nothing about this one)
# (the whole list is read before testing it: with pipefail, grep -q stopping early could fail pgrep)
main_dockerd_running() { [ -n "$(pgrep -a -x dockerd 2>/dev/null | grep -v -- '--tlsverify' || true)" ]; }

if ! daemon_up; then
  DOCKERD_PID=""
  if ! main_dockerd_running; then
    # containerd ships with docker.io; dockerd starts its own when none is running
    driver="$(storage_driver)"
    start_dockerd "$driver"
    if ! wait_up 60 && [ "$driver" != vfs ] && [ -z "${KBTUI_DOCKER_STORAGE:-}" ]; then
      echo "provision/docker.sh: dockerd did not start with $driver storage; trying vfs" >&2
      tail -n 5 "$LOG" >&2 || true
      kill "$DOCKERD_PID" 2>/dev/null && sleep 2
      start_dockerd vfs
    fi
  fi
  if ! wait_up 60; then
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
echo "provision/docker.sh: Docker $(docker version --format '{{.Server.Version}}')" \
  "($(docker info --format '{{.Driver}}') storage) ready with $IMAGE"
