#!/usr/bin/env bash
# Provision the brokers the live tests use (idempotent; root only):
#   - Mosquitto on 127.0.0.1:1883 (anonymous allowed: the CENSYS story's bad case)
#   - a second Mosquitto on 127.0.0.1:1884 with a password file and allow_anonymous false
#     (user kbtui-test / password kbtui-test-pass; tests read them from KBTUI_TEST_MQTT_USER/_PASS)
#   - RabbitMQ on 127.0.0.1:5672 with the management plugin on 15672
# Fast when already provisioned; fails loudly otherwise.
set -euo pipefail

AUTH_DIR="/etc/kbtui-test"
AUTH_CONF="$AUTH_DIR/mosquitto-auth.conf"
AUTH_PORT=1884
AUTH_USER="kbtui-test"
AUTH_PASS="kbtui-test-pass"

if [ "$(id -u)" -ne 0 ]; then
  echo "provision/brokers.sh: must run as root" >&2
  exit 1
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }
wait_port() { # port seconds
  for _ in $(seq 1 $(( $2 * 4 ))); do port_open "$1" && return 0; sleep 0.25; done
  return 1
}

need=()
command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
command -v rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server)
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # certificates for the Mosquitto TLS reproductions
if [ "${#need[@]}" -gt 0 ]; then
  echo "provision/brokers.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${need[@]}"
  }
fi

# -- Mosquitto on 1883 (the packaged config) ------------------------------------------------
if ! port_open 1883; then
  if [ ! -f /etc/mosquitto/mosquitto.conf ] || ! grep -q "^listener 1883" /etc/mosquitto/mosquitto.conf; then
    mkdir -p /etc/mosquitto
    cat >/etc/mosquitto/mosquitto.conf <<'CONF'
pid_file /run/mosquitto/mosquitto.pid
persistence true
persistence_location /var/lib/mosquitto/
log_dest file /var/log/mosquitto/mosquitto.log
listener 1883 127.0.0.1
allow_anonymous true
CONF
  fi
  mkdir -p /run/mosquitto /var/lib/mosquitto /var/log/mosquitto
  chown mosquitto: /run/mosquitto /var/lib/mosquitto /var/log/mosquitto 2>/dev/null || true
  echo "provision/brokers.sh: starting mosquitto on 1883"
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_port 1883 10 || { echo "provision/brokers.sh: mosquitto did not listen on 1883" >&2; tail -n 20 /var/log/mosquitto/mosquitto.log >&2 || true; exit 1; }
fi

# -- Mosquitto on 1884 with a password file ---------------------------------------------------
if ! port_open "$AUTH_PORT"; then
  mkdir -p "$AUTH_DIR"
  if [ ! -f "$AUTH_DIR/passwd" ]; then
    mosquitto_passwd -c -b "$AUTH_DIR/passwd" "$AUTH_USER" "$AUTH_PASS"
  fi
  chmod 0640 "$AUTH_DIR/passwd"
  chown root:mosquitto "$AUTH_DIR/passwd" 2>/dev/null || true
  cat >"$AUTH_CONF" <<CONF
pid_file /run/mosquitto/mosquitto-auth.pid
persistence false
log_dest file /var/log/mosquitto/mosquitto-auth.log
listener $AUTH_PORT 127.0.0.1
allow_anonymous false
password_file $AUTH_DIR/passwd
CONF
  mkdir -p /run/mosquitto /var/log/mosquitto
  chown mosquitto: /run/mosquitto /var/log/mosquitto 2>/dev/null || true
  echo "provision/brokers.sh: starting password-protected mosquitto on $AUTH_PORT"
  mosquitto -d -c "$AUTH_CONF"
  wait_port "$AUTH_PORT" 10 || { echo "provision/brokers.sh: mosquitto did not listen on $AUTH_PORT" >&2; tail -n 20 /var/log/mosquitto/mosquitto-auth.log >&2 || true; exit 1; }
fi

# -- RabbitMQ with the management plugin ------------------------------------------------------
if ! port_open 15672; then
  # enabling offline writes enabled_plugins; a running node picks it up with --online below
  rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
fi
if ! port_open 5672; then
  echo "provision/brokers.sh: starting rabbitmq-server"
  rabbitmq-server -detached
fi
wait_port 5672 90 || { echo "provision/brokers.sh: RabbitMQ did not listen on 5672 within 90 s" >&2; exit 1; }
if ! port_open 15672; then
  rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 || true
  wait_port 15672 60 || { echo "provision/brokers.sh: RabbitMQ management did not listen on 15672 within 60 s" >&2; exit 1; }
fi
echo "provision/brokers.sh: mosquitto 1883 (anonymous), 1884 (password), rabbitmq 5672 + 15672 ready"
