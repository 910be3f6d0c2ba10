"""The fixed, code-level allow-list of read-only commands that checks may run inside containers.

Entries name a command from this list; they never carry a command line. The read-only Docker client
refuses any exec whose argv is not exactly one of these.
"""

from __future__ import annotations

ALLOWED_COMMANDS: dict[str, tuple[str, ...]] = {
    "vernemq.cluster_show": ("vmq-admin", "cluster", "show"),
    "emqx.cluster_status": ("emqx", "ctl", "cluster", "status"),
    "emqx.status": ("emqx", "ctl", "status"),
    "rabbitmq.check_running": ("rabbitmq-diagnostics", "-q", "check_running"),
    "rabbitmq.cluster_status": ("rabbitmq-diagnostics", "-q", "cluster_status"),
    "mosquitto.version": ("mosquitto", "-h"),
    "date": ("date", "-u", "+%Y-%m-%dT%H:%M:%SZ"),
    # the main process's signal dispositions (SigCgt/SigIgn): does it handle SIGTERM?
    "proc1.status": ("cat", "/proc/1/status"),
}

ALLOWED_ARGV: frozenset[tuple[str, ...]] = frozenset(ALLOWED_COMMANDS.values())
