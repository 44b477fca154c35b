"""`jiefen registry_simulator`: serve the local asset registry (网络查控) simulator at
http://127.0.0.1:8028/.

Options: `--port` (default 8028), `--seed PATH` a JSON file `{"holders": [...]}` (see
docs/registry.md), `--delay SECONDS` until an inquiry's answer is ready (default
JIEFEN_REGISTRY_DELAY or 1). The accepted token is `JIEFEN_REGISTRY_TOKEN` from the settings.
"""

import os
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.enforcement.registry_simulator import AssetBook, RegistryServer, load_seed


class Command(BaseCommand):
    help = "启动本地网络执行查控（财产登记机构）模拟器"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8028, help="监听端口（默认 8028）")
        parser.add_argument("--seed", default=None, help="权利人及财产的 JSON 种子文件路径")
        parser.add_argument(
            "--delay",
            type=float,
            default=float(os.environ.get("JIEFEN_REGISTRY_DELAY", "1")),
            help="查询结果反馈前的等待秒数（默认 1）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            holders = load_seed(options["seed"])
            # state lives in memory: start serials from the clock so a restart does not hand out
            # a request reference that an earlier run gave to another inquiry
            book = AssetBook(holders, first_serial=int(time.time()) % 10**7 * 10)
        except (OSError, ValueError) as exc:
            raise CommandError(f"种子文件无法读取：{exc}") from exc
        server = RegistryServer(
            options["port"], book, token=settings.JIEFEN_REGISTRY_TOKEN, delay=options["delay"]
        )
        self.stdout.write(
            f"网络查控模拟器：{server.url}/ （已载入 {len(book.assets)} 项财产，Ctrl-C 退出）"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
