"""`host.clock`: clock source, time-sync state, monotonic vs wall-clock steps, virtualisation.

The EMQX monotonic-time story: on some VMs the OS monotonic clock steps backwards and the Erlang VM
stops with "OS monotonic time stepped backwards".
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Params, ProbeContext, Verdict
from kb.checks.kinds._common import TIMEOUT, joined

PARAMS = (TIMEOUT,)

UNSTABLE_SOURCES = frozenset({"jiffies", "refined-jiffies"})
TIME_ERROR = 5  # adjtimex(2): the clock is not synchronised
STEP_TOLERANCE = 0.05  # seconds of drift between wall and monotonic clocks in the sample window


class _Timex(ctypes.Structure):
    # struct timex from <sys/timex.h> (x86-64/aarch64 layout); only the return value is used
    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("constant", ctypes.c_long),
        ("precision", ctypes.c_long),
        ("tolerance", ctypes.c_long),
        ("time_sec", ctypes.c_long),
        ("time_usec", ctypes.c_long),
        ("tick", ctypes.c_long),
        ("ppsfreq", ctypes.c_long),
        ("jitter", ctypes.c_long),
        ("shift", ctypes.c_int),
        ("stabil", ctypes.c_long),
        ("jitcnt", ctypes.c_long),
        ("calcnt", ctypes.c_long),
        ("errcnt", ctypes.c_long),
        ("stbcnt", ctypes.c_long),
        ("tai", ctypes.c_int),
        ("pad", ctypes.c_int * 11),
    ]


def _read(path: str) -> str | None:
    try:
        with open(path) as fh:
            return fh.read().strip()
    except OSError:
        return None


def _sync_state() -> tuple[bool | None, str]:
    flag = "/run/systemd/timesync/synchronized"
    if os.path.exists(flag):
        return True, "systemd-timesyncd reports synchronized"
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        tx = _Timex()
        state = libc.adjtimex(ctypes.byref(tx))
        if state >= 0:
            if state == TIME_ERROR:
                return (
                    False,
                    "kernel clock is not synchronised (adjtimex: TIME_ERROR; no NTP/chrony discipline)",
                )
            return (
                True,
                f"kernel clock is synchronised (adjtimex state {state}, max error {tx.maxerror} us)",
            )
    except OSError:
        pass
    return None, "time-sync state unknown"


def _virtualisation() -> str:
    tool = shutil.which("systemd-detect-virt")
    if tool:
        try:
            out = subprocess.run([tool], capture_output=True, text=True, timeout=2).stdout.strip()
            if out:
                return out
        except (OSError, subprocess.SubprocessError):
            pass
    product = _read("/sys/class/dmi/id/product_name") or ""
    cpuinfo = _read("/proc/cpuinfo") or ""
    if "hypervisor" in cpuinfo.split("flags", 1)[-1][:2000]:
        return f"virtual machine ({product or 'unknown hypervisor'})"
    return product or "none detected"


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    base = "/sys/devices/system/clocksource/clocksource0"
    source = _read(f"{base}/current_clocksource") or "unknown"
    available = _read(f"{base}/available_clocksource") or ""
    synced, sync_text = _sync_state()
    # sample wall minus monotonic for a short window: a constant difference means no step
    window = min(0.3, max(0.1, ctx.remaining() / 4))
    diffs = []
    end = time.monotonic() + window
    while time.monotonic() < end:
        diffs.append(time.time() - time.monotonic())
        time.sleep(window / 20)
    backwards = 0
    last = time.monotonic()
    for _ in range(10000):
        now = time.monotonic()
        if now < last:
            backwards += 1
        last = now
    return {
        "source": source,
        "available": available,
        "synced": synced,
        "sync_text": sync_text,
        "virt": _virtualisation(),
        "step": max(diffs) - min(diffs),
        "backwards": backwards,
        "window": window,
    }


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    ev = (
        f"clock source: {data['source']} (available: {data['available'] or '?'})",
        f"time sync: {data['sync_text']}",
        f"virtualisation: {data['virt']}",
        f"wall-minus-monotonic spread over {data['window']:.2f} s: {data['step'] * 1000:.2f} ms",
        f"monotonic went backwards: {data['backwards']} times in 10000 reads",
    )
    problems: list[tuple[str, str]] = []
    if data["source"] in UNSTABLE_SOURCES:
        problems.append(
            (f"clock source {data['source']} is not stable", f"时钟源 {data['source']} 不稳定")
        )
    if data["synced"] is False:
        problems.append(("time sync is not active", "时间同步没有启用"))
    if data["step"] > STEP_TOLERANCE:
        step = f"{data['step'] * 1000:.0f}"
        problems.append(
            (
                f"wall clock stepped {step} ms against the monotonic clock",
                f"墙上时钟相对单调时钟跳变了 {step} ms",
            )
        )
    if data["backwards"]:
        problems.append(("the monotonic clock went backwards", "单调时钟发生了倒退"))
    if problems:
        en, zh = joined(problems, "; ", "；")
        return Verdict(
            FAIL,
            en,
            ev,
            advice='enable NTP/chrony on the host; for Erlang brokers add ERL_FLAGS="+c false"',
            summary_zh=zh,
            advice_zh='在主机上启用 NTP/chrony；Erlang 系的 Broker 再加上 ERL_FLAGS="+c false"',
        )
    return Verdict(
        PASS,
        f"clock source {data['source']}, time sync active, no step seen",
        ev,
        summary_zh=f"时钟源 {data['source']}，时间同步已启用，没有发现跳变",
    )


def describe(params: Params, lang: str) -> Description:
    if lang == "zh":
        return Description(
            "本机时钟：时钟源、时间同步状态和单调时钟/系统时钟采样",
            "时间同步已启用、时钟源稳定、采样中没有时间跳变",
        )
    return Description(
        "this host's clock: clock source, time sync state and a monotonic/wall-clock sample",
        "time sync is active, the clock source is stable and the sample shows no step",
    )


KINDS = [
    CheckKind(
        "host.clock",
        "the host clock is synchronised and does not step",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]
