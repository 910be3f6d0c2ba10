#!/usr/bin/env bash
# Build the real broker images the live incident tests run (idempotent; root only; after docker.sh).
#
#   kbtui-real/rabbitmq:<recipe>   Debian bookworm's rabbitmq-server (+ management plugin enabled)
#   kbtui-real/mosquitto:<recipe>  Debian bookworm's mosquitto (+ clients)
#
# No registry is reachable, so each image is a Debian root made by
# `debootstrap --variant=minbase bookworm` from the mirror apt already uses, copied per image,
# the package installed with apt-get inside a chroot, docs stripped, then `tar | docker import`.
# <recipe> is a hash of this file: an image is rebuilt only when the recipe changes. The base root
# is cached on disk under the same hash, so a second image never repeats debootstrap.
# Each image is also tagged :latest and labelled with its package versions (kbtui.versions).
#
# Pitfalls this recipe handles: ownership is set with chown *inside* the chroot (uids differ from
# the host's; else RabbitMQ dies on `.erlang.cookie: eacces`); Mosquitto buffers stdout while
# running, so the image logs to stderr; nothing may start a service during the build (policy-rc.d).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "provision/real-brokers.sh: must run as root" >&2
  exit 1
fi
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  echo "provision/real-brokers.sh: no Docker daemon (run docker.sh first)" >&2
  exit 1
}

RECIPE="$(sha256sum "$0" | cut -c1-12)"
CACHE="${KBTUI_IMAGE_CACHE:-/var/cache/kbtui-images}"
BASE="$CACHE/bookworm-minbase-$RECIPE"
SUITE=bookworm

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

want=()
for product in rabbitmq mosquitto; do
  if have_image "kbtui-real/$product:$RECIPE"; then
    # re-point :latest when another recipe's build moved it
    docker tag "kbtui-real/$product:$RECIPE" "kbtui-real/$product:latest"
  else
    want+=("$product")
  fi
done
if [ "${#want[@]}" -eq 0 ]; then
  echo "provision/real-brokers.sh: kbtui-real/{rabbitmq,mosquitto}:$RECIPE cached"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
}

# the first non-security mirror apt uses (deb822 .sources or one-line sources.list)
mirror="$(
  cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}
         /^deb / {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' |
    grep -v -- '-security' | head -n1
)" || true
[ -n "$mirror" ] || { echo "provision/real-brokers.sh: no apt mirror found in the apt sources" >&2; exit 1; }

mkdir -p "$CACHE"
# older recipes' bases are dead weight
find "$CACHE" -maxdepth 1 -name 'bookworm-minbase-*' ! -name "bookworm-minbase-$RECIPE" -exec rm -rf {} +

if [ ! -f "$BASE/.complete" ]; then
  start=$(date +%s)
  rm -rf "$BASE"
  echo "provision/real-brokers.sh: debootstrap --variant=minbase $SUITE (once per recipe)"
  debootstrap --variant=minbase "$SUITE" "$BASE" "$mirror" >"$CACHE/debootstrap.log" 2>&1 || {
    tail -n 20 "$CACHE/debootstrap.log" >&2
    exit 1
  }
  # no service may start inside the build chroot
  printf '#!/bin/sh\nexit 101\n' >"$BASE/usr/sbin/policy-rc.d"
  chmod 0755 "$BASE/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$BASE/etc/apt/apt.conf.d/90kbtui-no-recommends"
  touch "$BASE/.complete"
  echo "provision/real-brokers.sh: base root in $(( $(date +%s) - start )) s"
fi

mounted=""
work=""
cleanup() {
  if [ -n "$mounted" ]; then umount -l "$mounted" 2>/dev/null || true; fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

build() { # product packages... ; the root is "$work/root"
  local product="$1"
  shift
  local start root
  start=$(date +%s)
  work="$(mktemp -d "$CACHE/build-$product.XXXXXX")"
  root="$work/root"
  cp -a "$BASE" "$root"
  rm -f "$root/.complete"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  mounted="$root/proc"
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get update -qq && apt-get install -y -qq $* >/dev/null" >"$work/apt.log" 2>&1 || {
    tail -n 30 "$work/apt.log" >&2
    exit 1
  }
  "configure_$product" "$root"
  versions="$(chroot "$root" dpkg-query -W -f '${Package}=${Version} ' "$@" | sed 's/ $//')"
  umount "$root/proc"
  mounted=""
  # strip what a broker never reads at run time
  rm -rf "$root"/usr/share/{doc,man,info,lintian,linda} "$root"/var/cache/apt/*.bin \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/apt/* \
    "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'C.*' -exec rm -rf {} + 2>/dev/null || true
  : >"$root/etc/resolv.conf"
  local changes
  mapfile -t changes < <(image_changes "$product")
  tar -C "$root" -c . | docker import \
    --change "LABEL kbtui.recipe=$RECIPE" \
    --change "LABEL kbtui.versions=\"$versions\"" \
    "${changes[@]}" \
    - "kbtui-real/$product:$RECIPE" >/dev/null
  docker tag "kbtui-real/$product:$RECIPE" "kbtui-real/$product:latest"
  rm -rf "$work"
  work=""
  echo "provision/real-brokers.sh: built kbtui-real/$product:$RECIPE ($versions) in $(( $(date +%s) - start )) s"
}

configure_rabbitmq() {
  local root="$1"
  # logs to the console (docker logs), guest keeps its loopback-only default
  cat >"$root/etc/rabbitmq/rabbitmq-env.conf" <<'CONF'
LOGS=-
CONF
  : >"$root/etc/rabbitmq/rabbitmq.conf"
  chroot "$root" rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
  chroot "$root" sh -c 'chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq /etc/rabbitmq'
}

configure_mosquitto() {
  local root="$1"
  # the packaged config, logging to stderr (stdout is block-buffered in a container), one listener
  cat >"$root/etc/mosquitto/mosquitto.conf" <<'CONF'
pid_file /run/mosquitto/mosquitto.pid
persistence true
persistence_location /var/lib/mosquitto/
log_dest stderr
include_dir /etc/mosquitto/conf.d
CONF
  cat >"$root/etc/mosquitto/conf.d/listener.conf" <<'CONF'
listener 1883
allow_anonymous true
CONF
  mkdir -p "$root/run/mosquitto"
  chroot "$root" sh -c 'chown -R mosquitto:mosquitto /var/lib/mosquitto /run/mosquitto'
}

image_changes() {
  case "$1" in
    rabbitmq)
      printf '%s\n' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change 'EXPOSE 5672 15672 25672 4369' \
        --change 'CMD ["/usr/sbin/rabbitmq-server"]'
      ;;
    mosquitto)
      printf '%s\n' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'EXPOSE 1883' \
        --change 'CMD ["/usr/sbin/mosquitto","-c","/etc/mosquitto/mosquitto.conf"]'
      ;;
  esac
}

for product in "${want[@]}"; do
  case "$product" in
    rabbitmq) build rabbitmq rabbitmq-server ;;
    mosquitto) build mosquitto mosquitto mosquitto-clients ;;
  esac
done
