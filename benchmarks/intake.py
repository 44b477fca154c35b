"""Benchmark: bulk intake of N generated rows into a fresh database.

    uv run python benchmarks/intake.py [--rows 100000] [--baseline-rows 1000]
        [--database-url postgres://…/an_empty_database]

`seconds` is the whole import as a bank's batch runs it — read (polars), validate, screen,
de-duplicate parties, encrypt personal data and write parties, contacts, cases, case events,
audit records and error rows (executemany) — timed from the stored file to the finished batch.
The baseline is django-import-export importing the same rows into the same models with the same
checks (`validate_row`, the same screening, parties de-duplicated by blind index, encrypted
contacts, one `screen` case event per case) through its usual per-row path, with the instance
look-up on the (institution, contract number) unique index, measured in the same run on
`--baseline-rows` rows of the same generator (half before ours and half after, so that a shared
machine's changing load weighs on both alike) and scaled per row. `ratio` = our rows per second
/ the baseline's. The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _setup(var_dir: Path, database_url: str | None = None) -> None:
    os.environ["JIEFEN_VAR_DIR"] = str(var_dir)
    if database_url:  # an empty PostgreSQL database, to measure the COPY path
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # a fresh SQLite database in var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from jiefen.demo.staff import seed_staff

    seed_staff()


def _ours(data: bytes) -> tuple[dict[str, Any], float]:
    from jiefen.accounts.models import Organisation
    from jiefen.intake.actions import create_batch, process_batch, summary

    bank = Organisation.objects.get(code="BANK01")
    court = Organisation.objects.get(code="渝0105")
    batch, _ = create_batch(bank, court, data, "bench.csv", by=None)
    started = time.perf_counter()
    result = summary(process_batch(batch.pk))
    return result, time.perf_counter() - started


def _baseline(data: bytes, rows: int) -> float:
    """django-import-export on the first `rows` rows, into BANK02's cases (seconds per row)."""
    import tablib
    from django.utils import timezone
    from import_export import resources

    from jiefen.accounts.models import Organisation
    from jiefen.cases.models import Case, CaseEvent, CaseParty, Contact, Party
    from jiefen.intake import format as fmt
    from jiefen.intake.screening import Screener
    from jiefen.intake.validate import validate_row
    from jiefen.privacy import blind_index

    bank = Organisation.objects.get(code="BANK02")
    court = Organisation.objects.get(code="渝0105")
    screener = Screener("24pct", court.province, timezone.localdate())
    text = data.decode("utf-8").splitlines()
    dataset = tablib.Dataset().load("\n".join(text[: rows + 1]), format="csv")
    by_header = {c.header: c.key for c in fmt.COLUMNS}
    dataset.headers = [by_header.get(h, h) for h in dataset.headers]

    class CaseResource(resources.ModelResource):
        class Meta:
            model = Case
            fields = ("contract_number", "product")
            import_id_fields = ("contract_number",)
            use_transactions = True

        def get_queryset(self) -> Any:
            # The instance look-up uses the (institution, contract_number) unique index.
            return Case.objects.filter(institution=bank)

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            record, errors = validate_row(kwargs["row_number"] + 1, dict(row), fmt.LOAN, {})
            if errors or record is None:
                raise ValueError(errors[0].reason if errors else "invalid")
            row["_record"] = record

        def import_instance(self, instance: Case, row: Any, **kwargs: Any) -> None:
            super().import_instance(instance, row, **kwargs)
            r = row["_record"]
            instance.case_type, instance.state = fmt.LOAN, "screening"
            instance.institution, instance.court = bank, court
            instance.cut_off_date, instance.claim_total = r.cut_off_date, r.claim_total
            for key in fmt.MONEY_KEYS:
                setattr(instance, key, r.amounts[key])
            instance.elements = r.elements
            instance.over_cap = screener.over_cap(r)
            instance.limitation_risk = screener.limitation_risk(r)
            instance.unreachable = not r.contact_confirmed

        def after_save_instance(self, instance: Case, row: Any, **kwargs: Any) -> None:
            r = row["_record"]
            for position, p in enumerate((r.borrower, *r.guarantors), start=0):
                party, created = Party.objects.get_or_create(
                    id_index=blind_index(p.id_number),
                    defaults={
                        "kind": "natural_person",
                        "name": p.name,
                        "id_type": "resident_id",
                        "id_number": p.id_number,
                        "domicile": p.address,
                    },
                )
                if created and p.mobile:
                    Contact.objects.create(
                        party=party,
                        kind="mobile",
                        value=p.mobile,
                        source="contract",
                        confirmed=r.contact_confirmed,
                    )
                if created and p.address:
                    Contact.objects.create(
                        party=party,
                        kind="address",
                        value=p.address,
                        source="contract",
                        confirmed=r.contact_confirmed,
                    )
                CaseParty.objects.create(
                    case=instance,
                    party=party,
                    position=max(position, 1),
                    role="defendant" if position == 0 else "guarantor",
                )
            CaseEvent.objects.create(
                case=instance, transition="screen", from_state="received", to_state="screening"
            )

    started = time.perf_counter()
    result = CaseResource().import_data(dataset, dry_run=False, raise_errors=False)
    seconds = time.perf_counter() - started
    if result.has_errors() and not result.totals.get("new"):
        raise SystemExit(f"baseline failed: {result.row_errors()[:1]}")
    return seconds / rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jiefen-bench-") as tmp:
        _setup(Path(tmp), args.database_url)
        from jiefen.intake.generator import generate_rows, render

        rows, _ = generate_rows("financial_loan", args.rows, seed=args.seed)
        data = render(rows, "financial_loan")
        # The baseline runs in two halves, one before and one after ours, so that a change in
        # the load of a shared machine during the run weighs on both sides alike.
        baseline_rows = max(2, min(args.baseline_rows, args.rows))
        halves = [baseline_rows // 2, baseline_rows - baseline_rows // 2]
        batches = [
            render(
                generate_rows("financial_loan", n, seed=args.seed + 1 + k, prefix=f"BL{k}-")[0],
                "financial_loan",
            )
            for k, n in enumerate(halves)
        ]
        spent = _baseline(batches[0], halves[0]) * halves[0]
        result, seconds = _ours(data)
        print(f"intake: {result}", flush=True)
        spent += _baseline(batches[1], halves[1]) * halves[1]
        per_row = spent / baseline_rows
        print(f"baseline: {baseline_rows} rows in {spent:.2f} s", flush=True)
        items = result["accepted"]
        baseline_seconds = per_row * items
        print(
            json.dumps(
                {
                    "name": "intake",
                    "items": items,
                    "seconds": round(seconds, 2),
                    "baseline": "django-import-export (per-row ModelResource, same checks)",
                    "baseline_seconds": round(baseline_seconds, 2),
                    "ratio": round(baseline_seconds / seconds, 1) if seconds else None,
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
