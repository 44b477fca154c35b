"""One HTTP POST of a delivery to a bank's receiver (the network side; it writes nothing).

The standard library's client is used, like jiefen's other outbound calls (the asset registry,
the SMS gateway), with a timeout and without following redirects: a receiver that answers 3xx
has not accepted the delivery, and a redirect could lead the signed body anywhere.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

USER_AGENT = "jiefen-webhooks/1"
URL_MAX = 500


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the receiver's HTTP status, None if it could not be reached
    error: str  # why it is not delivered (Chinese), empty when delivered
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def url_refusal(url: str, *, allow_private: bool) -> str | None:
    """Why `url` may not receive deliveries (Chinese), or None."""
    if len(url) > URL_MAX:
        return f"推送地址过长（上限 {URL_MAX} 个字符）"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "推送地址格式不正确"
    if parts.scheme not in ("http", "https"):
        return "推送地址须以 http:// 或 https:// 开头"
    if not parts.hostname:
        return "推送地址缺少主机名"
    if parts.username or parts.password:
        return "推送地址不能包含用户名或密码"
    if not allow_private:
        return private_refusal(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    return None


def private_refusal(host: str, port: int) -> str | None:
    """Refuse a host that is, or resolves to, a loopback, private, link-local or reserved address."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return f"推送地址的主机名无法解析：{host}"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            return (
                "推送地址指向内网或保留地址，本平台已禁止向其推送（JIEFEN_WEBHOOK_ALLOW_PRIVATE）"
            )
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST `body` to `url`; the receiver's status, or why it could not be reached."""
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", USER_AGENT)
    for name, value in headers.items():
        request.add_header(name, value)
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
            response.read(64 * 1024)  # the receiver's answer is not used; drain a little of it
    except urllib.error.HTTPError as exc:
        status = int(exc.code)
        exc.close()
    except TimeoutError:
        error = f"接收方在 {timeout:g} 秒内未响应"
    except urllib.error.URLError as exc:
        reason = exc.reason
        error = (
            f"接收方在 {timeout:g} 秒内未响应"
            if isinstance(reason, TimeoutError)
            else f"无法连接接收方：{reason}"
        )
    except (OSError, ValueError) as exc:
        error = f"无法连接接收方：{exc}"
    duration = int((time.monotonic() - started) * 1000)
    if status is not None and not 200 <= status < 300:
        error = f"接收方返回 HTTP {status}"
    return Outcome(status, error[:500], duration)
