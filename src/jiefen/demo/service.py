"""The service step of `jiefen demo`: the clerk serves the filed series, and time plays out.

Everything goes over the real wires: SMS through the gateway simulator (about one number in
ten is dead and fails every try), e-mail over SMTP when a server listens, mailings through the
postal (EMS) simulator, and both simulators post their signed receipts back to jiefen over HTTP
(a server for jiefen runs in this process while the step lasts). The escalation waits are
shortened to seconds for the demo only (the worker the site starts keeps the real ones): failed
SMS are retried, some borrowers open their link (a read), the unread and unreachable fall back to
post, and a returned mailing leads to public notice — converting its summary case to ordinary
procedure with a fee notice for the difference.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db.models import Count, Q

from jiefen.accounts.models import Organisation, User
from jiefen.cases.models import Series
from jiefen.cases.states import State
from jiefen.docket.models import ProcedureConversion
from jiefen.notifications import config as notify_config
from jiefen.service.actions import run_service_job, start_service, sweep
from jiefen.service.models import AttemptState, Channel, Service, ServiceAttempt, ServiceReceipt

COURT = "渝0105"
FAST = {
    "JIEFEN_SERVICE_RETRY_AFTER": 3,
    "JIEFEN_SERVICE_READ_WAIT": 12,
    "JIEFEN_SERVICE_POST_WAIT": 120,
}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class _ThreadedServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request: Any, client_address: Any) -> None:
        threading.Thread(target=self._handle, args=(request, client_address), daemon=True).start()

    def _handle(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)
            from django.db import connections

            connections.close_all()


@contextmanager
def _jiefen_over_http() -> Iterator[str]:
    """jiefen served on a free local port for the receipts and links, while the step runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server(
        "127.0.0.1",
        port,
        get_wsgi_application(),
        server_class=_ThreadedServer,
        handler_class=_Quiet,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as s:
        return s.connect_ex((parts.hostname or "127.0.0.1", parts.port or 80)) == 0


def start_postal(out: Any) -> None:
    """Start the postal simulator where JIEFEN_POSTAL_URL points, unless something listens."""
    url = notify_config.load().postal_url
    if _listening(url):
        return
    from jiefen.notifications.post import start_in_thread

    port = urlsplit(url).port or 8027
    server = start_in_thread(port, delay=0.5, return_rate=0.05, days_in_transit=0)
    out.write(f"· 邮政（EMS 法院专递）模拟器：{server.url}/")


def _open_some_links(base: str, share: float) -> int:
    """A share of the borrowers reached at an unconfirmed number open their link (a read)."""
    rng = random.Random(7)
    opened = 0
    delivered = ServiceAttempt.objects.filter(
        channel=Channel.SMS, state=AttemptState.DELIVERED, address_confirmed=False
    ).order_by("pk")
    for a in delivered:
        if rng.random() >= share:
            continue
        link = next((w for w in a.message.split() if "/s/" in w), "")
        token = link.rstrip("/").rsplit("/", 1)[-1]
        with urllib.request.urlopen(f"{base}/s/{token}/", timeout=10) as r:
            opened += r.status == 200
    return opened


def _series(court: Organisation) -> Series | None:
    return (
        Series.objects.filter(court=court)
        .annotate(n=Count("cases", filter=Q(cases__state=State.FILED)))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )


@contextmanager
def receipts_to_jiefen() -> Iterator[str]:
    """jiefen served over HTTP with the simulators posting their receipts to it, and the
    escalation waits shortened to seconds, while the demo step inside runs."""
    saved = {k: getattr(settings, k) for k in FAST}
    with _jiefen_over_http() as base:
        os.environ["JIEFEN_SMS_RECEIPT_URL"] = f"{base}/service/receipts/sms/"
        os.environ["JIEFEN_POSTAL_RECEIPT_URL"] = f"{base}/service/receipts/postal/"
        for key, value in FAST.items():
            setattr(settings, key, value)
        try:
            yield base
        finally:
            for key, value in saved.items():
                setattr(settings, key, value)
            os.environ.pop("JIEFEN_SMS_RECEIPT_URL", None)
            os.environ.pop("JIEFEN_POSTAL_RECEIPT_URL", None)


def wait_for_receipts(channel: str, seconds: float = 30) -> None:
    """Until every sent attempt of `channel` has its receipt (or the time is up)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        waiting = ServiceAttempt.objects.filter(channel=channel, state=AttemptState.SENT).count()
        if not waiting:
            return
        time.sleep(0.5)


def run_service_demo(out: Any) -> None:
    court = Organisation.objects.get(code=COURT)
    series = _series(court)
    if series is None:
        return
    clerk = User.objects.get(username="clerk1")
    start_postal(out)
    with receipts_to_jiefen() as base:
        started = time.perf_counter()
        job = start_service(by=clerk, series=series, run_now=True)
        run_service_job(job.pk)
        wait_for_receipts(Channel.SMS)
        out.write(
            f"· 批量送达：{series} {job.total} 件，书记员 clerk1 一键送达，"
            f"发出用时 {time.perf_counter() - started:.1f} 秒"
        )
        for _ in range(3):  # the retries of the failed numbers, a few seconds apart
            time.sleep(3.2)
            sweep()
            wait_for_receipts(Channel.SMS)
        opened = _open_some_links(base, 0.4)
        out.write(f"· 借款人点开送达链接（已读）：{opened} 人")
        time.sleep(max(0.0, 12.5 - 3 * 3.2))
        sweep()  # unread and unreachable: post
        wait_for_receipts(Channel.POST)
        sweep()  # returned mail: public notice (summary cases converted first)
    _report(out)


def _report(out: Any) -> None:
    from jiefen.documents.models import StoredDocument
    from jiefen.service.proof import PROOF_KINDS, issue_missing_proofs

    issue_missing_proofs(limit=60)  # the sweeps issued most; the worker issues any left
    proofs = StoredDocument.objects.filter(kind__in=PROOF_KINDS).count()
    conversions = ProcedureConversion.objects.count()
    states = Counter(Service.objects.values_list("state", flat=True))
    channels = Counter(
        Service.objects.filter(state=Service.State.SERVED).values_list(
            "served_by__channel", flat=True
        )
    )
    failed = ServiceAttempt.objects.filter(state=AttemptState.FAILED).count()
    retried = ServiceAttempt.objects.filter(try_number__gt=1).count()
    posts = ServiceAttempt.objects.filter(channel=Channel.POST).count()
    notices = ServiceAttempt.objects.filter(channel=Channel.PUBLIC_NOTICE).count()
    receipts = ServiceReceipt.objects.count()
    served = ", ".join(f"{Channel(c).label} {n}" for c, n in channels.most_common() if c)
    out.write(
        f"· 送达结果：已送达 {states.get('served', 0)} 人（{served}），送达中 {states.get('in_progress', 0)} 人；"
        f"发送失败 {failed} 次，重发 {retried} 次，转邮寄 {posts} 件，公告 {notices} 件，回执 {receipts} 份"
    )
    out.write(
        f"· 公告送达前转为普通程序：{conversions} 件（向原告发出补交诉讼费用通知书）；"
        f"送达凭证（法院电子签章）：{proofs} 份。公告栏：/public/notices/"
    )
