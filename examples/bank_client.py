"""A bank system talking to jiefen: the walkthrough of docs/api.md, with plain httpx.

    python examples/bank_client.py --base http://127.0.0.1:8000 --token jf_… \
        --court 渝0105 --file batch.csv [--webhook-port 0] [--wait-events ping,judged]

It does what a bank's integration does every day:

1. starts a small HTTP receiver and registers it as a webhook endpoint (the secret comes back once);
2. uploads the batch file with an Idempotency-Key (its SHA-256: a retried upload is harmless);
3. polls the batch until it is imported, then lists the cases it created;
4. waits for the webhook events asked for, checking every signature (HMAC-SHA256 over
   "<timestamp>." + body, header X-Jiefen-Signature) and refusing stale or forged ones;
5. for the case a `judged` event names (else any judged case) reads the judgment's figures and
   downloads its sealed PDF, checking the bytes against the SHA-256 the API declares.

Every step prints a line; the last line is one JSON object summing up what was done, so a
scheduler or a test can read it. The exit status is 1 if any step failed.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import queue
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

# A signature older than this is refused (replayed deliveries).
MAX_SIGNATURE_AGE = 300


class Receiver:
    """The bank's webhook endpoint: verifies each delivery and hands the good ones to a queue."""

    def __init__(self, host: str, port: int) -> None:
        self.secret = b""
        # A delivery may come before the registration's answer (with the secret) has been read.
        self.registered = threading.Event()
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.refused: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.registered.wait(timeout=10)
                reason = receiver.check(self.headers, body)
                if reason:
                    receiver.refused.append(reason)
                    self.send_response(401)
                else:
                    receiver.events.put(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/jiefen-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def check(self, headers: Any, body: bytes) -> str | None:
        """Why a delivery is refused, or None: signature and timestamp as docs/webhooks.md says."""
        timestamp = headers.get("X-Jiefen-Timestamp") or ""
        signature = headers.get("X-Jiefen-Signature") or ""
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SIGNATURE_AGE:
            return "timestamp missing or stale"
        expected = hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256)
        if not hmac.compare_digest(signature, "sha256=" + expected.hexdigest()):
            return "bad signature"
        return None

    def close(self) -> None:
        self.server.shutdown()


class Jiefen:
    """The calls this client makes, each raising with jiefen's own Chinese `detail` on refusal."""

    def __init__(self, base: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=base.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )

    def _json(self, response: httpx.Response) -> Any:
        if response.status_code == 429:  # rate limited: wait as told, the caller retries
            time.sleep(float(response.headers.get("Retry-After") or 1))
            raise Retry
        if response.is_error:
            detail = response.json().get("detail") if response.content else ""
            raise SystemExit(
                f"{response.request.method} {response.url}: {response.status_code} {detail}"
            )
        return response.json() if response.content else None

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        while True:
            try:
                return self._json(self.http.request(method, path, **kwargs))
            except Retry:
                continue

    def download(self, path: str) -> tuple[bytes, str]:
        response = self.http.get(path)
        if response.is_error:
            self._json(response)  # raises with jiefen's detail
        return response.content, response.headers.get("X-Content-SHA256", "")


class Retry(Exception):
    pass


def walkthrough(args: argparse.Namespace) -> dict[str, Any]:
    api = Jiefen(args.base, args.token)
    summary: dict[str, Any] = {}

    receiver = Receiver(args.webhook_host, args.webhook_port)
    hook = api.call("POST", "/webhooks", json={"url": receiver.url})
    receiver.secret = hook["secret"].encode()
    receiver.registered.set()
    print(
        f"webhook {hook['id']} registered: {receiver.url} ({', '.join(hook['events']) or 'all events'})"
    )
    summary["webhook"] = hook["id"]

    data = Path(args.file).read_bytes()
    key = hashlib.sha256(data).hexdigest()
    batch = api.call(
        "POST",
        "/batches",
        data={"court": args.court},
        files={"file": (Path(args.file).name, data, "text/csv")},
        headers={"Idempotency-Key": key},
    )
    print(f"batch {batch['batch']} uploaded ({batch['rows']} rows): {batch['status_label']}")
    deadline = time.monotonic() + args.timeout
    while batch["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise SystemExit(f"batch {batch['batch']} not imported within {args.timeout} s")
        time.sleep(1)
        batch = api.call("GET", f"/batches/{batch['batch']}")
    print(
        f"batch {batch['batch']} {batch['status_label']}: {batch['accepted']} accepted, "
        f"{batch['rejected']} rejected, {batch['series']} series"
    )
    if batch["rejected"]:
        errors = api.call("GET", f"/batches/{batch['batch']}/errors", params={"limit": 5})
        for e in errors:
            print(f"  row {e['row']} {e['column']}: {e['reason']}")
    cases = api.call("GET", "/cases", params={"batch": batch["batch"], "limit": 500})
    summary["batch"] = {k: batch[k] for k in ("batch", "status", "accepted", "rejected")}
    summary["batch_cases"] = cases["count"]

    filed = api.call("GET", "/cases", params={"state": "filed", "limit": 100})
    summary["filed_cases"] = filed["count"]
    print(f"{filed['count']} cases filed")

    wanted = [e for e in args.wait_events.split(",") if e]
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + args.timeout
    while wanted and any(e not in {r["event"] for r in received} for e in wanted):
        try:
            event = receiver.events.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        received.append(event)
        case_number = (event.get("case") or {}).get("case_number") or ""
        print(f"webhook: {event['event']} {case_number} (delivery {event['delivery']})")
    receiver.close()
    summary["webhook_events"] = sorted({r["event"] for r in received})
    summary["webhook_refused"] = receiver.refused
    missing = [e for e in wanted if e not in summary["webhook_events"]]
    if missing:
        raise SystemExit(f"webhook events not received within {args.timeout} s: {missing}")

    # The judgment a `judged` event told of (else any judged case): its figures and sealed PDF.
    told = [r["case"] for r in received if r["event"] == "judged" and r.get("case")]
    judged = told or api.call("GET", "/cases", params={"state": "judged", "limit": 1})["items"]
    if judged:
        summary["judgment"] = save_judgment(api, judged[0], Path(args.out_dir))
    return summary


def save_judgment(api: Jiefen, case: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """Read a judgment's figures and save the court's sealed original, checking its SHA-256."""
    figures = api.call("GET", f"/judgments/{case['case_number']}")
    documents = api.call("GET", f"/cases/{case['id']}/documents")
    # The court's sealed original (the copies served on each party name their recipient).
    pdf = next(
        d
        for d in documents
        if d["kind"] == "judgment" and d["format"] == "pdf" and d["signed"] and not d["recipient"]
    )
    content, declared = api.download(f"/documents/{pdf['id']}")
    actual = hashlib.sha256(content).hexdigest()
    if actual != declared or actual != pdf["sha256"]:
        raise SystemExit(f"document {pdf['id']}: SHA-256 {actual} differs from {declared}")
    out = out_dir / f"{case['case_number']}.pdf"
    out.write_bytes(content)
    print(f"judgment of {case['case_number']} saved to {out} (sha256 {actual[:12]}…)")
    return {
        "case_number": case["case_number"],
        "state": figures.get("state"),
        "sha256": actual,
        "bytes": len(content),
        "file": str(out),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--court", required=True, help="court code, e.g. 渝0105")
    parser.add_argument("--file", required=True, help="batch file (CSV or XLSX)")
    parser.add_argument("--webhook-host", default="127.0.0.1")
    parser.add_argument("--webhook-port", type=int, default=0, help="0: any free port")
    parser.add_argument("--wait-events", default="ping", help="comma-separated event names")
    parser.add_argument("--out-dir", default=".")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    try:
        summary = walkthrough(args)
    except SystemExit as exc:
        print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        return 1
    print(json.dumps({"ok": True, **summary}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
