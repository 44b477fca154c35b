"""`jiefen import_batch FILE --institution CODE --court CODE`: import a batch, print one JSON object.

Runs in this process (the same actions the upload page and the API queue for the worker).
Submitting the same file again finds the first batch; if that batch was interrupted (a killed
worker), it is resumed here and ends with exactly the cases the file holds.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.accounts.models import Organisation, OrganisationKind
from jiefen.intake.actions import IdempotencyConflict, create_batch, process_batch, summary
from jiefen.intake.models import Policy
from jiefen.intake.reader import FileRefused


class Command(BaseCommand):
    help = "导入一个批次文件并输出结果（JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--institution", required=True, help="金融机构代码，如 BANK01")
        parser.add_argument("--court", required=True, help="法院代码，如 渝0105")
        parser.add_argument("--key", default=None, help="幂等键（Idempotency-Key）")
        parser.add_argument("--policy", choices=Policy.values, default=Policy.REJECT_FAILED_ROWS)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            institution = Organisation.objects.get(
                code=options["institution"], kind=OrganisationKind.INSTITUTION
            )
            court = Organisation.objects.get(code=options["court"], kind=OrganisationKind.COURT)
        except Organisation.DoesNotExist:
            raise CommandError("金融机构或法院代码不存在") from None
        try:
            batch, _ = create_batch(
                institution,
                court,
                path.read_bytes(),
                path.name,
                by=None,
                key=options["key"],
                policy=options["policy"],
            )
        except (FileRefused, IdempotencyConflict) as exc:
            raise CommandError(str(exc)) from None
        batch = process_batch(batch.pk)
        result = summary(batch)
        if batch.message:
            result["message"] = batch.message
        self.stdout.write(json.dumps(result, ensure_ascii=False))
