"""`jiefen sms_gateway`: serve the local SMS gateway simulator (inbox at http://127.0.0.1:8026/)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jiefen.notifications.gateway import GatewayServer, Inbox


class Command(BaseCommand):
    help = "启动本地短信网关模拟器"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8026)
        parser.add_argument("--store", default=str(settings.JIEFEN_VAR_DIR / "sms_gateway.jsonl"))

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        store = Path(options["store"])
        store.parent.mkdir(parents=True, exist_ok=True)
        server = GatewayServer(options["port"], Inbox(store))
        self.stdout.write(f"短信网关模拟器：{server.url}/ （Ctrl-C 退出）")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
