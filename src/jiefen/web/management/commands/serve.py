"""`jiefen serve`: the production web server (gunicorn), N task workers and the scheduler.

Collects the static files first (whitenoise serves them from STATIC_ROOT), then runs and
supervises the processes (`jiefen.web.serving`): Ctrl-C or SIGTERM stops them all cleanly; if
one dies, the others are stopped and the command exits 1 so the service manager restarts it.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.web.serving import Child, Supervisor, gunicorn_command, worker_command


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "以生产方式运行：网站（gunicorn）、后台任务进程和定时任务，Ctrl-C 一并停止"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="监听地址（多机部署、前置代理时用 0.0.0.0）"
        )
        parser.add_argument("--port", type=int, default=8000, help="监听端口")
        parser.add_argument(
            "--workers",
            type=_count,
            default=2,
            help="后台任务进程数（第 1 个同时负责定时任务；0 表示本机只提供网站）",
        )
        parser.add_argument("--web-workers", type=_positive, default=2, help="网站进程数")
        parser.add_argument("--threads", type=_positive, default=4, help="每个网站进程的线程数")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        children = [
            Child(
                "网站（gunicorn）",
                gunicorn_command(host, port, options["web_workers"], options["threads"]),
            )
        ]
        for n in range(1, options["workers"] + 1):
            label = f"任务进程 {n}" + ("（含定时任务）" if n == 1 else "")
            children.append(Child(label, worker_command(scheduler=n == 1)))
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host

        def started() -> None:
            pids = "，".join(
                f"{c.label} pid {c.process.pid}" for c in children if c.process is not None
            )
            self.stdout.write(f"已启动：{pids}")
            self.stdout.write(f"网站：http://{shown}:{port}/ （Ctrl-C 停止全部进程）")
            self.stdout.flush()

        code = Supervisor(children, out=self.stdout).run(on_started=started)
        if code:
            raise CommandError("有进程意外退出，已停止全部进程", returncode=code)
