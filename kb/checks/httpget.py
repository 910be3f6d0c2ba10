"""A small, deadline-aware HTTP GET for checks (stdlib http.client; never sends anything but GET).

The runner's deadline is the guarantee; this module also shuts the socket down when the probe is
abandoned, so a trickling server does not keep a thread blocked in recv.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

MAX_BODY = 1 << 20  # a health endpoint answers in a few KB; never read more than 1 MiB


def get(
    ctx: Any, url: str, username: str | None = None, password: str | None = None
) -> dict[str, Any]:
    """GET `url`: {status, reason, body (text, capped), json (parsed or None)}."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"unsupported URL scheme in {url!r}: use http:// or https://")
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    # credentials may come in the URL; they are treated as secrets and never sent in the URL
    # (percent-decoded: a password holding @ : / % # is written %-encoded in a URL)
    user = username if username is not None else _unquoted(parts.username)
    pwd = password if password is not None else _unquoted(parts.password)
    for secret in (pwd, parts.password):
        if secret:
            ctx.add_secret(secret)
    timeout = max(0.05, ctx.remaining())
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.connect()
    except TimeoutError as exc:
        raise ConnectionError(
            f"{host}:{port} did not accept a connection within the deadline"
        ) from exc
    except OSError as exc:
        from kb.checks.kinds._common import tls_hint

        why = f"{exc.strerror or exc}{tls_hint(exc, 'http://, or the HTTPS port' if parts.scheme == 'https' else None)}"
        raise ConnectionError(f"cannot connect to {host}:{port}: {why}") from exc
    sock = conn.sock

    def _abort() -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    ctx.on_abort(_abort)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"Accept": "application/json", "User-Agent": "kbtui-check"}
    if user is not None:
        token = base64.b64encode(f"{user}:{pwd or ''}".encode()).decode()
        ctx.add_secret(token)
        headers["Authorization"] = f"Basic {token}"
    where = f"{host}:{port}"
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < MAX_BODY:
            ctx.check()
            sock.settimeout(max(0.05, ctx.remaining()))
            chunk = resp.read1(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        body = b"".join(chunks)[:MAX_BODY].decode("utf-8", errors="replace")
    except TimeoutError as exc:
        # it accepted the connection: a hung server or a port that speaks something else
        raise ConnectionError(f"{where} sent no HTTP answer within the deadline") from exc
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
        raise ConnectionError(
            f"{where} closed the connection before an HTTP answer (not an HTTP port?)"
        ) from exc
    except http.client.HTTPException as exc:  # BadStatusLine and its kin: not HTTP
        raise ConnectionError(
            f"{where} answered something that is not HTTP ({type(exc).__name__})"
        ) from exc
    finally:
        conn.close()
    parsed = None
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    return {"status": resp.status, "reason": resp.reason, "body": body, "json": parsed}


def _unquoted(part: str | None) -> str | None:
    from urllib.parse import unquote

    return None if part is None else unquote(part)
