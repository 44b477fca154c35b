"""`jiefen sms_gateway`: serve the local SMS gateway simulator (inbox at http://127.0.0.1:8026/).

Options (flag, or environment variable as its default): `--delay` JIEFEN_SMS_RECEIPT_DELAY
seconds until a delivery receipt is posted (default 1.0), `--failure-rate` JIEFEN_SMS_FAILURE_RATE
share of numbers that fail (default 0.1), `--fail-number` (repeatable) numbers that always fail,
`--duplicate-receipts` posts every receipt twice.
"""

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jiefen.notifications.gateway import GatewayServer, Inbox


class Command(BaseCommand):
    help = "启动本地短信网关模拟器"

    def add_arguments(self, parser: CommandParser) -> None:
        env = os.environ.get
        parser.add_argument("--port", type=int, default=8026)
        parser.add_argument("--store", default=str(settings.JIEFEN_VAR_DIR / "sms_gateway.jsonl"))
        parser.add_argument(
            "--delay", type=float, default=float(env("JIEFEN_SMS_RECEIPT_DELAY", "1.0"))
        )
        parser.add_argument(
            "--failure-rate", type=float, default=float(env("JIEFEN_SMS_FAILURE_RATE", "0.1"))
        )
        parser.add_argument("--fail-number", action="append", default=[])
        parser.add_argument("--duplicate-receipts", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Path(options["store"])
        store.parent.mkdir(parents=True, exist_ok=True)
        server = GatewayServer(
            options["port"],
            Inbox(store),
            delay=options["delay"],
            failure_rate=options["failure_rate"],
            fail_numbers=options["fail_number"],
            duplicate_receipts=options["duplicate_receipts"],
        )
        self.stdout.write(f"短信网关模拟器：{server.url}/ （Ctrl-C 退出）")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
