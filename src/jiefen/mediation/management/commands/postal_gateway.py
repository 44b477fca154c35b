"""`jiefen postal_gateway`: serve the local postal (EMS 法院专递) simulator at http://127.0.0.1:8027/.

Options (flag, or environment variable as its default): `--delay` JIEFEN_POSTAL_RECEIPT_DELAY
seconds until a receipt is posted (default 2), `--return-rate` JIEFEN_POSTAL_RETURN_RATE share of
addresses returned (default 0.2), `--days-in-transit` JIEFEN_POSTAL_DAYS_IN_TRANSIT (default 2),
`--duplicate-receipts` posts every receipt twice.
"""

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiefen.notifications.post import PostalServer


class Command(BaseCommand):
    help = "启动本地邮政（法院专递）模拟器"

    def add_arguments(self, parser: CommandParser) -> None:
        env = os.environ.get
        parser.add_argument("--port", type=int, default=8027)
        parser.add_argument(
            "--delay", type=float, default=float(env("JIEFEN_POSTAL_RECEIPT_DELAY", "2"))
        )
        parser.add_argument(
            "--return-rate", type=float, default=float(env("JIEFEN_POSTAL_RETURN_RATE", "0.2"))
        )
        parser.add_argument(
            "--days-in-transit", type=int, default=int(env("JIEFEN_POSTAL_DAYS_IN_TRANSIT", "2"))
        )
        parser.add_argument("--duplicate-receipts", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        server = PostalServer(
            options["port"],
            delay=options["delay"],
            return_rate=options["return_rate"],
            days_in_transit=options["days_in_transit"],
            duplicate_receipts=options["duplicate_receipts"],
            # mailings live in memory: start serials from the clock so a restart does not hand
            # out a tracking number that an earlier run already gave to another mailing
            first_serial=int(time.time()) % 10**7 * 10,
        )
        self.stdout.write(f"邮政模拟器：{server.url}/ （Ctrl-C 退出）")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
