"""``jiefen law …``: the law command line (jiefen.law.cli) with the admin-entered parameters."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from jiefen.law import cli
from jiefen.law.parameters import Parameters, load_parameters


def _parameters() -> Parameters:
    from jiefen.lawdata.selectors import current_parameters

    try:
        return current_parameters()
    except DatabaseError as exc:
        print(
            f"jiefen law: warning: database not available ({exc}); shipped parameters only",
            file=sys.stderr,
        )
        return load_parameters()


class Command(BaseCommand):
    help = "Compute legal figures (fees, interest, caps, deadlines, case numbers); JSON on stdout."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("law_args", nargs=argparse.REMAINDER)

    def run_from_argv(self, argv: list[str]) -> None:
        """Hand everything after ``law`` to the law CLI unparsed (it has its own options)."""
        sys.exit(cli.main(argv[2:], params=_parameters()))

    def handle(self, *args: Any, **options: Any) -> None:
        status = cli.main(options["law_args"], params=_parameters())
        if status:
            raise CommandError("law command failed", returncode=status)
