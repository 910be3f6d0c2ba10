"""`amqp.connect`: an AMQP connection and a channel open (nothing is declared or published)."""

from __future__ import annotations

import time
from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import (
    PASSWORD_ENV,
    TIMEOUT,
    USERNAME_ENV,
    bare_host,
    host_name,
    host_port,
    port_number,
    shown,
)

PARAMS = (
    TIMEOUT,
    Param("host", str, default="127.0.0.1", help="broker host", check=host_name),
    Param("port", int, default=5672, help="AMQP port", check=port_number),
    Param("vhost", str, default="/", help="virtual host"),
    USERNAME_ENV,
    PASSWORD_ENV,
)


class AmqpError(Exception):
    """A readable reason why the AMQP connection did not open."""


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    import logging

    import pika
    import pika.exceptions as pex

    # pika logs connection failures with tracebacks; the result already says what went wrong
    pika_log = logging.getLogger("pika")
    pika_log.propagate = False
    if not pika_log.handlers:
        pika_log.addHandler(logging.NullHandler())

    host, port = bare_host(params.get("host", "127.0.0.1")), int(params.get("port", 5672))
    user = ctx.credential(params.get("username_env"), user=True)
    pwd = ctx.credential(params.get("password_env"))
    if user is None and not params.get("username_env"):
        user, pwd = "guest", "guest"
    budget = max(0.1, ctx.remaining() - 0.2)
    conn_params = pika.ConnectionParameters(
        host=host,
        port=port,
        virtual_host=params.get("vhost", "/"),
        credentials=pika.PlainCredentials(user or "", pwd or ""),
        connection_attempts=1,
        retry_delay=0,
        socket_timeout=budget,
        stack_timeout=budget,
        blocked_connection_timeout=budget,
        heartbeat=0,
    )
    start = time.monotonic()
    where = host_port(host, port)
    try:
        conn = pika.BlockingConnection(conn_params)
    except pex.ProbableAuthenticationError:
        # the broker answered: a refused login is the finding, not a check that could not run
        return {"where": where, "refused": "credentials", "user": user or ""}
    except pex.ProbableAccessDeniedError:
        return {"where": where, "refused": "vhost", "user": user or ""}
    except Exception as exc:  # pika raises several unrelated classes for refused/timed-out/reset
        inner = exc.args[0] if isinstance(exc, pex.AMQPConnectionError) and exc.args else exc
        raise AmqpError(f"cannot open an AMQP connection to {where}: {_describe(inner)}") from exc
    try:
        opened = time.monotonic() - start
        ch = conn.channel()
        props = conn._impl.server_properties or {}
        product = props.get("product", b"")
        version = props.get("version", b"")
        ch.close()
    finally:
        try:
            conn.close()
        except Exception:
            pass

    def dec(v: Any) -> str:
        return v.decode() if isinstance(v, bytes) else str(v)

    return {
        "where": where,
        "latency_ms": round(opened * 1000, 1),
        "product": dec(product),
        "version": dec(version),
    }


def _describe(exc: Any) -> str:
    # pika wraps the socket's own error (refused, timed out) in a connector error whose text is
    # empty: its `exception` holds what happened
    for _ in range(5):
        inner = getattr(exc, "exception", None)
        if not isinstance(inner, BaseException):
            break
        exc = inner
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ConnectionRefusedError) or "Connection refused" in text:
        return "connection refused"
    if "ECONNREFUSED" in text:
        return "connection refused"
    if "timed out" in text.lower() or "timeout" in text.lower() or "Timeout" in type(exc).__name__:
        return "no answer within the deadline"
    if any(
        word in text
        for word in ("StreamLostError", "Transport indicated EOF", "Connection reset by peer")
    ):
        # pika says it several ways (StreamLostError, IncompatibleProtocolError around its text)
        return "the other side closed the connection before the AMQP handshake (not an AMQP port?)"
    return text[:200]


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    refused = data.get("refused")
    if refused == "credentials":
        return Verdict(
            FAIL,
            f"{data['where']} refused the credentials of user {data['user']!r}",
            (f"user: {data['user']}", "broker: ACCESS_REFUSED (invalid credentials)"),
            advice="check the user name and password the variables hold",
            settable=("username_env", "password_env"),
            summary_zh=f"{data['where']} 拒绝了用户 {data['user']!r} 的凭据",
            advice_zh="检查环境变量中保存的用户名和密码",
        )
    if refused == "vhost":
        vhost = params.get("vhost", "/")
        return Verdict(
            FAIL,
            f"{data['where']} denied access to vhost {vhost!r} for user {data['user']!r}",
            (f"user: {data['user']}", f"vhost: {vhost}"),
            advice="the vhost must exist and the user needs permissions on it"
            " (rabbitmqctl list_permissions -p VHOST)",
            settable=("vhost",),
            summary_zh=f"{data['where']} 拒绝用户 {data['user']!r} 访问 vhost {vhost!r}",
            advice_zh="该 vhost 必须存在，且用户要有它的权限（rabbitmqctl list_permissions -p VHOST）",
        )
    return Verdict(
        PASS,
        f"AMQP connection and channel opened on {data['where']} in {data['latency_ms']} ms",
        (f"server: {data['product']} {data['version']}", f"latency: {data['latency_ms']} ms"),
        summary_zh=f"在 {data['where']} 上打开了 AMQP 连接和通道，用时 {data['latency_ms']} ms",
    )


def describe(params: Params, lang: str) -> Description:
    host, port = shown(params, "host", "127.0.0.1"), shown(params, "port", 5672)
    vhost = shown(params, "vhost", "/")
    if lang == "zh":
        return Description(
            f"到 {host}:{port}（vhost `{vhost}`）的 AMQP 连接",
            "连接和通道都能打开（不发布任何消息）",
        )
    return Description(
        f"an AMQP connection to {host}:{port}, vhost `{vhost}`",
        "a connection and a channel open (nothing is published)",
    )


KINDS = [
    CheckKind(
        "amqp.connect",
        "an AMQP connection and channel open",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]
