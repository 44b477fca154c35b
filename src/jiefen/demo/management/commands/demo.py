"""`jiefen demo`: migrate, seed the demo, run the pipeline as far as it is built, serve the site.

`--no-serve` does everything except serving, then exits. `--reset` starts from an empty database.
"""

import os
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from jiefen.accounts.models import User
from jiefen.demo.docket import run_filing_demo
from jiefen.demo.enforcement import run_enforcement_demo
from jiefen.demo.hearings import run_hearing_demo
from jiefen.demo.holidays import seed_demo_holidays
from jiefen.demo.intake import run_intake_demo
from jiefen.demo.legal_services import run_legal_services_demo
from jiefen.demo.mediation import run_mediation_demo
from jiefen.demo.publication import run_publication_demo
from jiefen.demo.referrals import run_referral_demo
from jiefen.demo.risk import run_risk_demo
from jiefen.demo.service import run_service_demo
from jiefen.demo.staff import DEMO_PASSWORD, seed_defendant_login, seed_staff
from jiefen.demo.stats import run_stats_demo


class Command(BaseCommand):
    help = "初始化演示数据，运行业务流程并启动网站"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="不启动网站，完成后退出")
        parser.add_argument("--reset", action="store_true", help="清空数据库后重新生成演示数据")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--cases", type=int, default=2000, help="演示批次的案件数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("· 创建演示法院、金融机构、调解组织、公证处和工作人员")
        seed_staff()
        seed_demo_holidays(self.stdout)
        self._run_pipeline(options["cases"])
        seed_defendant_login()
        self._print_logins()
        if not options["no_serve"]:
            self._serve(options["port"])

    def _reset(self) -> None:
        # Stored files belong to the database rows being dropped (keys are kept).
        for folder in ("documents", "intake", "mediation"):
            shutil.rmtree(settings.JIEFEN_VAR_DIR / folder, ignore_errors=True)
        if connection.vendor == "sqlite":
            path = Path(str(settings.DATABASES["default"]["NAME"]))
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            call_command("flush", interactive=False, verbosity=0)

    def _run_pipeline(self, cases: int) -> None:
        """Each stage that is built adds its demo step (a module of `jiefen.demo`) here, in
        pipeline order; every step acts through the stage's actions as the user would."""
        run_intake_demo(self.stdout, cases)
        run_mediation_demo(self.stdout)
        run_filing_demo(self.stdout)
        run_service_demo(self.stdout)
        run_hearing_demo(self.stdout)
        run_enforcement_demo(self.stdout)
        run_publication_demo(self.stdout)
        run_risk_demo(self.stdout)
        run_referral_demo(self.stdout)
        run_legal_services_demo(self.stdout)
        run_stats_demo(self.stdout)

    def _print_logins(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in User.objects.select_related("organisation").order_by("id"):
            org = user.organisation.name if user.organisation else ""
            self.stdout.write(
                f"  {user.username:<12} {user.get_role_display():<10} {user.display_name} {org}"
            )

    def _serve(self, port: int) -> None:
        # The simulators post their receipts back to the site being served (unless configured).
        for name, path in (("SMS", "sms"), ("POSTAL", "postal")):
            os.environ.setdefault(
                f"JIEFEN_{name}_RECEIPT_URL", f"http://127.0.0.1:{port}/service/receipts/{path}/"
            )
        # Served as a deployment serves: gunicorn, the task workers and the periodic sweeps
        # (`jiefen serve`); Ctrl-C stops them all. The SMS gateway simulator lives in this process.
        self.stdout.write("\n以生产方式启动网站、任务进程和定时任务（jiefen serve）……")
        call_command("serve", port=port)
