#!/usr/bin/env bash
# A dockerd that cannot limit memory, for the memory-limit tests (idempotent; root only; after docker.sh):
#
#   a third dockerd on unix:///var/run/kbtui-nomem-docker.sock, with its own data root, exec root,
#   pid file and vfs storage, started in a mount namespace of its own from which the memory cgroup
#   is unmounted, as on a Raspberry Pi kernel booted without cgroup_enable=memory: its `docker info`
#   says "WARNING: No memory limit support" and it discards `docker run -m`. It never touches the
#   shared daemon. cgroup v1 only (this machine kind's hierarchy); on cgroup v2 it stops with an
#   error rather than start a daemon that can limit memory.
set -euo pipefail

SOCK=/var/run/kbtui-nomem-docker.sock
DATA=/var/lib/kbtui-nomem-docker
EXEC=/var/run/kbtui-nomem-docker
PID=/var/run/kbtui-nomem-docker.pid
LOG=/var/log/kbtui-nomem-dockerd.log
IMAGE="kbtui-test/busybox:latest"

if [ "$(id -u)" -ne 0 ]; then
  echo "provision/nomem-docker.sh: must run as root" >&2
  exit 1
fi

up() { docker -H "unix://$SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! up; then
  if ! { [ -f "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null; }; then
    if [ "$(stat -fc %T /sys/fs/cgroup)" = "cgroup2fs" ] || ! mountpoint -q /sys/fs/cgroup/memory; then
      echo "provision/nomem-docker.sh: needs a cgroup v1 memory hierarchy at /sys/fs/cgroup/memory to hide" >&2
      exit 1
    fi
    echo "provision/nomem-docker.sh: starting a dockerd without the memory cgroup (log: $LOG)"
    mkdir -p "$DATA" "$EXEC"
    # unshare: a private mount namespace; the umount there leaves the host's hierarchy alone
    nohup unshare --mount --propagation private sh -c '
      umount /sys/fs/cgroup/memory || exit 1
      exec dockerd "$@"' nomem-dockerd \
      -H "unix://$SOCK" --data-root "$DATA" --exec-root "$EXEC" --pidfile "$PID" \
      --storage-driver vfs --iptables=false --ip6tables=false --bridge=none \
      >>"$LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do up && break; sleep 0.5; done
  up || { echo "provision/nomem-docker.sh: dockerd did not come up" >&2; tail -n 30 "$LOG" >&2; exit 1; }
fi
if [ "$(docker -H "unix://$SOCK" info --format '{{.MemoryLimit}}')" != "false" ]; then
  echo "provision/nomem-docker.sh: the daemon at $SOCK can limit memory; it should not" >&2
  exit 1
fi
if ! docker -H "unix://$SOCK" image inspect "$IMAGE" >/dev/null 2>&1; then
  docker save "$IMAGE" | docker -H "unix://$SOCK" load >/dev/null
fi
echo "provision/nomem-docker.sh: dockerd without memory limit support ready at unix://$SOCK"
