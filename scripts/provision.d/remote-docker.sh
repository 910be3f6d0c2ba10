#!/usr/bin/env bash
# Remote Docker endpoints on loopback for the remote-host tests (idempotent; root only; after docker.sh):
#
#   - an OpenSSH sshd on 127.0.0.1, ports 22022 and 22101-22110 (one per benchmark "host"), with
#     Debian's stock sshd_config (MaxStartups 10:30:100, MaxSessions 10 ...) plus only its own
#     ports, host key, pid file and authorized keys; root logs in with a key made here
#   - a second dockerd with --tlsverify on tcp://127.0.0.1:23760 (and a unix socket for local
#     comparison), with its own data root, exec root, pid file and socket, vfs storage; it never
#     touches the shared daemon
#   - certificates (CA, server for 127.0.0.1/localhost, client) and a client ssh_config
#
# Everything lives in $KBTUI_REMOTE_DIR (default /var/lib/kbtui-remote); tests read env.sh there.
set -euo pipefail

DIR="${KBTUI_REMOTE_DIR:-/var/lib/kbtui-remote}"
SSH_PORT=22022
BENCH_PORTS=$(seq 22101 22110)
TLS_PORT=23760
TLS_SOCK=/var/run/kbtui-tls-docker.sock
TLS_DATA=/var/lib/kbtui-tls-docker
TLS_EXEC=/var/run/kbtui-tls-docker
TLS_PID=/var/run/kbtui-tls-docker.pid
TLS_LOG=/var/log/kbtui-tls-dockerd.log
IMAGE="kbtui-test/busybox:latest"

if [ "$(id -u)" -ne 0 ]; then
  echo "provision/remote-docker.sh: must run as root" >&2
  exit 1
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

# -- packages ---------------------------------------------------------------------------------
if [ ! -x /usr/sbin/sshd ]; then
  echo "provision/remote-docker.sh: installing openssh-server (not started as a service)"
  export DEBIAN_FRONTEND=noninteractive
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # the package would start a system-wide sshd on port 22: forbid that while it installs
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  apt-get install -y -qq --no-install-recommends openssh-server openssh-client openssl >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openssh-server openssh-client openssl >/dev/null
  }
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

mkdir -p "$DIR" && chmod 0700 "$DIR"
cd "$DIR"

# -- keys and certificates (made once) --------------------------------------------------------
[ -f ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f ssh_host_ed25519_key
[ -f client_key ] || ssh-keygen -q -t ed25519 -N '' -C kbtui-remote-tests -f client_key
cp client_key.pub authorized_keys && chmod 0600 authorized_keys

if [ ! -f tls/client/key.pem ]; then
  rm -rf tls && mkdir -p tls/client tls/server && (
    cd tls
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=kbtui test CA' \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout server/key.pem \
      -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server/cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj '/CN=kbtui client' -keyout client/key.pem \
      -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem client/ca.pem && cp ca.pem server/ca.pem
    rm -f ./*.csr ./*.ext ./*.srl
  )
  chmod -R go-rwx tls
fi

# -- sshd: the stock config, with our own ports, keys and pid file in front -------------------
stock=/usr/share/openssh/sshd_config
[ -f "$stock" ] || stock=/etc/ssh/sshd_config
{
  echo "# kbtui remote-host tests: own ports, host key, pid file, authorized keys; the rest is stock"
  echo "ListenAddress 127.0.0.1"
  echo "Port $SSH_PORT"
  for p in $BENCH_PORTS; do echo "Port $p"; done
  echo "HostKey $DIR/ssh_host_ed25519_key"
  echo "PidFile $DIR/sshd.pid"
  echo "AuthorizedKeysFile $DIR/authorized_keys"
  grep -v -E '^\s*Include ' "$stock"
} >sshd_config.new
if ! cmp -s sshd_config.new sshd_config 2>/dev/null; then
  mv sshd_config.new sshd_config
  if [ -f sshd.pid ] && kill -0 "$(cat sshd.pid)" 2>/dev/null; then kill "$(cat sshd.pid)"; sleep 0.5; fi
else
  rm -f sshd_config.new
fi
{
  printf 'Host 127.0.0.1 localhost\n'
  printf '  IdentityFile %s/client_key\n  IdentitiesOnly yes\n' "$DIR"
  printf '  UserKnownHostsFile %s/known_hosts\n  StrictHostKeyChecking yes\n' "$DIR"
  printf '  BatchMode yes\n'
} >ssh_config
: >known_hosts
for p in $SSH_PORT $BENCH_PORTS; do
  printf '[127.0.0.1]:%s %s\n' "$p" "$(cut -d' ' -f1-2 ssh_host_ed25519_key.pub)" >>known_hosts
done
mkdir -p /run/sshd && chmod 0755 /run/sshd
if ! { [ -f sshd.pid ] && kill -0 "$(cat sshd.pid)" 2>/dev/null; }; then
  /usr/sbin/sshd -t -f "$DIR/sshd_config"
  /usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log"
fi
for _ in $(seq 1 40); do port_open "$SSH_PORT" && break; sleep 0.25; done
port_open "$SSH_PORT" || { echo "provision/remote-docker.sh: sshd not listening on $SSH_PORT" >&2; tail -n 20 "$DIR/sshd.log" >&2; exit 1; }

# -- a second dockerd, TLS-verified, with its own roots ---------------------------------------
tls_up() { docker -H "unix://$TLS_SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! tls_up; then
  if ! { [ -f "$TLS_PID" ] && kill -0 "$(cat "$TLS_PID")" 2>/dev/null; }; then
    echo "provision/remote-docker.sh: starting the TLS dockerd on 127.0.0.1:$TLS_PORT (log: $TLS_LOG)"
    mkdir -p "$TLS_DATA" "$TLS_EXEC"
    nohup dockerd --tlsverify --tlscacert "$DIR/tls/server/ca.pem" \
      --tlscert "$DIR/tls/server/cert.pem" --tlskey "$DIR/tls/server/key.pem" \
      -H "tcp://127.0.0.1:$TLS_PORT" -H "unix://$TLS_SOCK" \
      --data-root "$TLS_DATA" --exec-root "$TLS_EXEC" --pidfile "$TLS_PID" \
      --storage-driver vfs --iptables=false --ip6tables=false --bridge=none \
      >>"$TLS_LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do tls_up && break; sleep 0.5; done
  tls_up || { echo "provision/remote-docker.sh: TLS dockerd did not come up" >&2; tail -n 30 "$TLS_LOG" >&2; exit 1; }
fi
if ! docker -H "unix://$TLS_SOCK" image inspect "$IMAGE" >/dev/null 2>&1; then
  docker save "$IMAGE" | docker -H "unix://$TLS_SOCK" load >/dev/null
fi

cat >env.sh <<ENV
# written by scripts/provision.d/remote-docker.sh
KBTUI_REMOTE_DIR=$DIR
KBTUI_SSH_CONFIG=$DIR/ssh_config
KBTUI_SSH_PORT=$SSH_PORT
KBTUI_SSH_BENCH_PORTS="$(echo $BENCH_PORTS)"
KBTUI_TLS_HOST=tcp://127.0.0.1:$TLS_PORT
KBTUI_TLS_CERT_PATH=$DIR/tls/client
KBTUI_TLS_SOCKET=unix://$TLS_SOCK
ENV
echo "provision/remote-docker.sh: sshd 127.0.0.1:$SSH_PORT (+ bench ports), TLS dockerd 127.0.0.1:$TLS_PORT ready"
