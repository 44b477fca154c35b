"""Signed delivery receipts: the HMAC helpers and the one background poster both simulators use.

A delivery receipt (短信回执 / 邮件妥投回执) is evidence of *when* a notice reached the recipient:
electronic service takes effect on the date the message reaches the recipient's system
(民诉法 Art. 90, 民诉解释 Art. 135), postal service on the date the recipient signs
(民诉法 Art. 88 / 91). Because the receipt decides a legal date, the receiver must be able to
prove it came from the carrier: every POST carries `X-Jiefen-Signature`, the hex HMAC-SHA256 of
the raw body under a shared secret (`JIEFEN_RECEIPT_SECRET`).

Delivery is at-least-once: a batch that the callback refuses (non-2xx) or that cannot reach it
is posted again later, so the receiver de-duplicates by `receipt_id`.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_SECRET = "demo-receipt-secret"
SIGNATURE_HEADER = "X-Jiefen-Signature"
BATCH_LIMIT = 500  # receipts per POST, the same limit as the send protocols
COALESCE = 0.05  # seconds: receipts falling due this close together go in one batch
CHINA = timezone(timedelta(hours=8), "CST")  # carriers stamp Beijing time (no DST since 1991)


def sign(body: bytes, secret: str) -> str:
    """The hex HMAC-SHA256 of the raw body: what the carrier puts in `X-Jiefen-Signature`."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, secret: str) -> bool:
    """Constant-time check of a receipt's signature (a forged receipt could fake a service date)."""
    return hmac.compare_digest(sign(body, secret), signature.strip().lower())


def fraction(text: str) -> float:
    """A stable number in [0, 1) for a phone number or address: the simulators' outcomes are
    deterministic per recipient (a dead number fails on every retry, as a real one would)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32


def now_iso() -> str:
    """Beijing time, ISO-8601 with its offset (`2025-03-03T10:00:00+08:00`)."""
    return datetime.now(UTC).astimezone(CHINA).isoformat(timespec="seconds")


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    callback: str = field(compare=False)
    receipt: dict[str, Any] = field(compare=False)


class ReceiptPoster:
    """One daemon thread that posts due receipts, batched per callback URL, until `stop()`.

    `schedule()` queues a receipt to fall due `delay` seconds later; when due it is handed to
    `on_due` (the simulator records it for its GET API) and, if it has a callback, posted with
    up to `BATCH_LIMIT` others due for the same URL. A refused or failed POST is retried after
    a back-off (0.2 s doubling to 5 s). `duplicate=True` posts every batch twice, to let tests
    prove the receiver is idempotent.
    """

    def __init__(
        self,
        *,
        secret: str,
        delay: float,
        duplicate: bool = False,
        on_due: Callable[[dict[str, Any]], None] | None = None,
        timeout: float = 5.0,
    ) -> None:
        if delay < 0:
            raise ValueError("delay must be >= 0")
        self.secret, self.delay, self.duplicate, self.timeout = secret, delay, duplicate, timeout
        self.on_due = on_due
        self._cond = threading.Condition()
        self._pending: list[_Pending] = []
        self._outbox: dict[str, deque[dict[str, Any]]] = {}
        self._retry_at: dict[str, float] = {}
        self._backoff: dict[str, float] = {}
        self._in_flight = 0
        self._seq = itertools.count()
        self._stopped = False
        self.posts = 0  # successful POSTs, for the benchmark and tests
        self._thread = threading.Thread(target=self._run, name="receipt-poster", daemon=True)
        self._thread.start()

    def schedule(self, callback: str, receipt: dict[str, Any]) -> None:
        """Queue `receipt` (its `at` already set by the caller) for `delay` seconds from now."""
        with self._cond:
            heapq.heappush(
                self._pending,
                _Pending(time.monotonic() + self.delay, next(self._seq), callback, receipt),
            )
            self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Block until every receipt scheduled so far is due and posted; False on timeout
        (e.g. the callback keeps refusing)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._in_flight or any(self._outbox.values()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=self.timeout + 1)

    # The loop: move due receipts to the outbox, take one batch per ready URL, post outside
    # the lock, put refused batches back at the front.

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                batches = self._take_batches(time.monotonic())
                if not batches:
                    self._cond.wait(self._idle_wait(time.monotonic()))
                    continue
                self._in_flight += len(batches)
            for url, batch in batches:
                ok = self._post(url, batch)
                if ok and self.duplicate:
                    self._post(url, batch)
                with self._cond:
                    self._in_flight -= 1
                    if ok:
                        self.posts += 1
                        self._backoff.pop(url, None)
                    else:
                        self._outbox[url].extendleft(reversed(batch))
                        backoff = min(self._backoff.get(url, 0.1) * 2, 5.0)
                        self._backoff[url] = backoff
                        self._retry_at[url] = time.monotonic() + backoff
                    self._cond.notify_all()

    def _take_batches(self, now: float) -> list[tuple[str, list[dict[str, Any]]]]:
        while self._pending and self._pending[0].due <= now + COALESCE:
            item = heapq.heappop(self._pending)
            if self.on_due:
                self.on_due(item.receipt)
            if item.callback:
                self._outbox.setdefault(item.callback, deque()).append(item.receipt)
        batches = []
        for url, queue in self._outbox.items():
            if queue and self._retry_at.get(url, 0.0) <= now:
                n = min(len(queue), BATCH_LIMIT)
                batches.append((url, [queue.popleft() for _ in range(n)]))
        return batches

    def _idle_wait(self, now: float) -> float:
        waits = [1.0]
        if self._pending:
            waits.append(self._pending[0].due - now)
        waits += [t - now for url, t in self._retry_at.items() if self._outbox.get(url)]
        return max(0.005, min(waits))

    def _post(self, url: str, batch: list[dict[str, Any]]) -> bool:
        body = json.dumps({"receipts": batch}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            url,
            data=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: sign(body, self.secret),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return 200 <= response.status < 300
        except urllib.error.HTTPError as exc:
            # 422: the receiver refused items for good (their fields are wrong) and recorded
            # the rest; sending the batch again cannot help. Anything else is tried again.
            return exc.code == 422
        except (urllib.error.URLError, OSError, ValueError):
            return False


class SimulatorServer(ThreadingHTTPServer):
    """What both simulators share: a local HTTP server with a receipt poster beside it.

    `on_due` is called with each receipt as it falls due (the simulator records it); `flush`
    waits until every receipt scheduled so far is posted; shutting down stops the poster.
    """

    daemon_threads = True

    def __init__(
        self,
        port: int,
        handler: type[BaseHTTPRequestHandler],
        *,
        delay: float,
        duplicate_receipts: bool,
        secret: str | None,
        on_due: Callable[[dict[str, Any]], None],
    ) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self.poster = ReceiptPoster(
            secret=secret
            if secret is not None
            else os.environ.get("JIEFEN_RECEIPT_SECRET", DEFAULT_SECRET),
            delay=delay,
            duplicate=duplicate_receipts,
            on_due=on_due,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def flush(self, timeout: float = 10.0) -> bool:
        """Block until every receipt scheduled so far is posted; False on timeout."""
        return self.poster.flush(timeout)

    def shutdown(self) -> None:
        super().shutdown()
        self.server_close()

    def server_close(self) -> None:
        self.poster.stop()
        super().server_close()


def serve_in_thread[S: SimulatorServer](server: S, name: str) -> S:
    """Serve in a daemon thread; stop with `.shutdown()`."""
    threading.Thread(target=server.serve_forever, args=(0.1,), name=name, daemon=True).start()
    return server
