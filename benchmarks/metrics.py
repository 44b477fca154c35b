"""Benchmark: the fixed-definition metrics and the risk contact graph over N cases.

    uv run python benchmarks/metrics.py --cases 100000

Setup (not timed): a fresh JIEFEN_VAR_DIR and database (SQLite, or `DATABASE_URL`), the demo
staff, and N cases bulk-inserted across every stage over 18 months (2025-07 … 2026-12): each
case follows one of three paths by its number — mediation that agrees (with an instalment plan,
a tenth completed and repaid), mediation that fails and goes to filing, or direct filing —
then service (SMS, or SMS that fails and post), hearing, judgment (a third by default),
effect, and for a quarter of the judgments an enforcement application, filing, a receipt and
closing; a tenth of the filed cases are withdrawn. A step happens only on or before 2026-12-31.
Every party has a mobile and an address contact (`Contact.value_index` from
`jiefen.privacy.contact_index`); in every 50 borrowers, 5 share one mobile (a ring).

Timed (`seconds`): `compute(None)` plus `clusters(contact_graph())` — the whole-platform
figures and the risk graph; `compute(parse_period("2026"))` is timed and printed beside them.

Checked (exit 1 if wrong): the totals of both computations equal the counts this script knows
from the paths it generated (received, filed, closed, 旧存 at 2026-01-01, mediations, service
attempts and successes per channel, judgments, default judgments, obligations due and performed
voluntarily, claimed and recovered amounts), and the graph has one cluster per ring.

Baseline, same run: the naive per-case computation — load each case, then its events,
mediation, attempts, judgment, applications, plan, receipts and payments one case at a time —
over `--sample` cases, extrapolated to N. `ratio` = extrapolated baseline / compute(None).
The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = date(2025, 7, 1)
TODAY = date(2026, 12, 31)
YEAR_START, YEAR_END = date(2026, 1, 1), date(2027, 1, 1)
RING_EVERY, RING_SIZE = 50, 5
CHUNK = 5000


def _setup(var_dir: Path) -> None:
    os.environ["JIEFEN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# --- the paths (the benchmark's own expectation, independent of jiefen) ------------------------


@dataclass
class Path_:
    """What happened to case `i`: its events with their dates and the rows of each stage."""

    i: int
    created: date
    claim: int
    events: list[tuple[str, date]] = field(default_factory=list)
    mediation: str = ""  # "" | agreed | failed | pending
    plan_completed: bool = False
    served_sms_ok: bool | None = None  # None: not served
    judgment: str = ""  # "" | pronounced | effective
    default: bool = False
    performance_ends: date | None = None
    enforced: bool = False
    receipt_on: date | None = None

    def at(self, name: str) -> date | None:
        return next((d for n, d in self.events if n == name), None)

    def go(self, name: str, on: date) -> bool:
        if on > TODAY:
            return False
        self.events.append((name, on))
        return True


def plan_of(i: int) -> Path_:
    p = Path_(i, START + timedelta(days=(i * 7) % 540), 10000 + (i % 50) * 100)
    r = i % 10
    p.go("screen", p.created)
    filed: date | None = None
    if r <= 5:
        if not p.go("open_mediation", p.created + timedelta(days=2)):
            return p
        p.mediation = "pending"
        if r <= 2:
            if p.go("sign_agreement", p.created + timedelta(days=12)):
                p.mediation = "agreed"
                p.plan_completed = r == 0 and p.created + timedelta(days=72) <= TODAY
                if p.plan_completed:
                    p.go("close", p.created + timedelta(days=72))
            return p
        if not p.go("fail_mediation", p.created + timedelta(days=20)):
            return p
        p.mediation = "failed"
        filed = p.created + timedelta(days=25)
    else:
        filed = p.created + timedelta(days=5)
    if not p.go("file", filed):
        return p
    if not p.go("serve", filed + timedelta(days=6)):
        return p
    p.served_sms_ok = i % 2 == 0
    p.go("schedule_hearing", filed + timedelta(days=6))
    if r == 9:
        p.go("withdraw", filed + timedelta(days=20))
        return p
    if not p.go("hold_hearing", filed + timedelta(days=30)):
        return p
    if not p.go("pronounce_judgment", filed + timedelta(days=40)):
        return p
    p.judgment, p.default = "pronounced", i % 3 == 0
    if not p.go("take_effect", filed + timedelta(days=60)):
        return p
    p.judgment, p.performance_ends = "effective", filed + timedelta(days=75)
    ends = p.performance_ends
    if i % 4 == 0 and p.go("apply_enforcement", ends + timedelta(days=5)):
        p.enforced = True
        if ends + timedelta(days=20) <= TODAY:
            p.receipt_on = ends + timedelta(days=20)
        p.go("close", ends + timedelta(days=30))
    return p


def expected(paths: list[Path_], since: date | None, until: date | None) -> dict[str, int]:
    """The totals of the period [since, until) (None, None: all time)."""

    def inside(d: date | None) -> bool:
        return d is not None and (since is None or since <= d) and (until is None or d < until)

    def closed_on(p: Path_) -> date | None:
        return p.at("pronounce_judgment") or p.at("withdraw")

    c: Counter[str] = Counter()
    for p in paths:
        c["received"] += inside(p.created)
        c["filed"] += inside(p.at("file"))
        c["claimed"] += p.claim * 100 if inside(p.at("file")) else 0
        c["closed"] += inside(closed_on(p))
        filed, closed = p.at("file"), closed_on(p)
        if since and filed and filed < since and not (closed and closed < since):
            c["pending_at_start"] += 1
        end = p.at("sign_agreement") or p.at("fail_mediation")
        c["mediations_closed"] += inside(end)
        c["mediations_succeeded"] += inside(p.at("sign_agreement"))
        sent = (p.at("file") or TODAY) + timedelta(days=1)
        if p.served_sms_ok is not None and inside(sent):
            c["sms"] += 1
            c["sms_ok"] += p.served_sms_ok
            c["post"] += not p.served_sms_ok
        c["judgments"] += inside(p.at("pronounce_judgment"))
        c["default_judgments"] += inside(p.at("pronounce_judgment")) and p.default
        due = p.created + timedelta(days=72) if p.mediation == "agreed" else None
        for ends, voluntary in ((p.performance_ends, not p.enforced), (due, p.plan_completed)):
            if inside(ends):
                c["performance_due"] += 1
                c["performed_voluntarily"] += voluntary
        c["recovered"] += 200000 if inside(p.receipt_on) else 0
        if p.plan_completed:
            c["recovered"] += sum(50000 for k in (42, 72) if inside(p.created + timedelta(k)))
    return dict(c)


def observed(totals: dict[str, Any]) -> dict[str, int]:
    def cents(text: str) -> int:
        return int(text.replace(".", ""))

    return {
        "received": totals["received"],
        "filed": totals["filed"],
        "claimed": cents(totals["amounts"]["claimed"]),
        "closed": totals["closed"],
        "pending_at_start": totals["pending_at_start"],
        "mediations_closed": totals["mediations_closed"],
        "mediations_succeeded": totals["mediations_succeeded"],
        "sms": totals["service_attempts"]["sms"],
        "sms_ok": totals["service_successes"]["sms"],
        "post": totals["service_successes"]["post"],
        "judgments": totals["judgments"],
        "default_judgments": totals["default_judgments"],
        "performance_due": totals["performance_due"],
        "performed_voluntarily": totals["performed_voluntarily"],
        "recovered": cents(totals["amounts"]["recovered"]),
    }


# --- bulk rows ---------------------------------------------------------------------------------


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, clock(hour, 0), tzinfo=SHANGHAI)


class Table:
    """Raw rows of one model, inserted with `jiefen.intake.bulk.insert_rows` (COPY on
    PostgreSQL, executemany on SQLite): ids given here, every column a default unless set."""

    def __init__(self, model: Any) -> None:
        from django.db import connection
        from django.db.models import Max

        self.model = model
        self.rows: list[list[Any]] = []
        self.fields = list(model._meta.concrete_fields)
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.adapt = {f.attname: _adapter(f, connection) for f in self.fields}
        self.defaults = {f.attname: self.adapt[f.attname](_default(f)) for f in self.fields}

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        values["id"] = pk
        self.rows.append(
            [
                self.adapt[f.attname](values[f.attname])
                if f.attname in values
                else self.defaults[f.attname]
                for f in self.fields
            ]
        )
        return pk

    def flush(self) -> None:
        from django.db import connection

        from jiefen.intake.bulk import insert_rows

        columns = [connection.ops.quote_name(f.column) for f in self.fields]
        for start in range(0, len(self.rows), 5000):
            insert_rows(self.model._meta.db_table, columns, self.rows[start : start + 5000])
        self.rows = []


def _default(f: Any) -> Any:
    from django.utils import timezone

    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    return f.get_default()  # the field's default, "" for text, None when nullable


def _adapter(f: Any, connection: Any) -> Any:
    from decimal import Decimal

    from jiefen.privacy import EncryptedTextField

    kind = f.get_internal_type()
    sqlite = connection.vendor == "sqlite"
    if isinstance(f, EncryptedTextField):
        return lambda v: f.get_prep_value(v)
    if kind == "DateTimeField":
        return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
    if kind == "DateField" and sqlite:
        return lambda v: None if v is None else v.isoformat()
    if kind == "DecimalField":
        return lambda v: None if v is None else str(Decimal(v).quantize(Decimal("0.01")))
    if kind == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False)
    return lambda v: v


def _insert(paths: list[Path_], staff: dict[str, Any]) -> None:
    from django.db import transaction

    from jiefen.cases import models as cm
    from jiefen.cases.states import BY_NAME, State
    from jiefen.documents.models import StoredDocument
    from jiefen.enforcement import models as em
    from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
    from jiefen.mediation import models as mm
    from jiefen.privacy import blind_index, contact_index
    from jiefen.service.models import AttemptState, Channel, Service, ServiceAttempt

    courts, banks = staff["courts"], staff["banks"]
    judges, mediators = staff["judges"], staff["mediators"]
    models = (
        cm.Party, cm.Contact, cm.Case, cm.CaseParty, cm.CaseEvent, mm.MediationCase, mm.Offer,
        mm.InstalmentPlan, mm.Instalment, mm.Payment, StoredDocument, Service, ServiceAttempt,
        Judgment, em.Application, em.Enforcement, em.Receipt,
    )  # fmt: skip
    t = {m: Table(m) for m in models}
    for p in paths:
        hour = 23 if p.i % 13 == 0 else 10
        number = f"5001{p.i:014d}"
        party = t[cm.Party].add(
            kind=cm.PartyKind.NATURAL_PERSON,
            name=f"借款人{p.i}",
            id_type=cm.IdType.RESIDENT_ID,
            id_number=number,
            id_index=blind_index(number),
            domicile=f"重庆市江北区观音桥街道{p.i}号",
        )
        ring = p.i % RING_EVERY < RING_SIZE
        mobile = f"137{p.i // RING_EVERY:08d}" if ring else f"139{p.i:08d}"
        for kind, value in (
            (cm.ContactKind.MOBILE, mobile),
            (cm.ContactKind.ADDRESS, f"重庆市渝北区龙溪街道{p.i}号"),
        ):
            t[cm.Contact].add(
                party_id=party,
                kind=kind,
                value=value,
                value_index=contact_index(kind, value),
                source=cm.ContactSource.CONTRACT,
            )
        filed = p.at("file")
        bank = banks[p.i % len(banks)]
        case = t[cm.Case].add(
            case_type=cm.CaseType.CREDIT_CARD if p.i % 3 else cm.CaseType.FINANCIAL_LOAN,
            state=BY_NAME[p.events[-1][0]].target if p.events else State.RECEIVED,
            institution_id=bank.pk,
            court_id=courts[p.i % len(courts)].pk,
            contract_number=f"MET-{p.i:08d}",
            product="个人消费贷款",
            cut_off_date=date(2025, 6, 30),
            principal=p.claim,
            claim_total=p.claim,
            filed_on=filed,
            case_number=f"（2026）渝0105民初{p.i}号" if filed else None,
            judge_id=judges[p.i % len(judges)].pk if filed else None,
            mediator_id=mediators[p.i % len(mediators)].pk if p.mediation else None,
            created_at=_at(p.created, hour),
        )
        t[cm.CaseParty].add(case_id=case, party_id=party, role=cm.PartyRole.DEFENDANT)
        for name, on in p.events:
            move = BY_NAME[name]
            t[cm.CaseEvent].add(
                case_id=case,
                transition=name,
                from_state=move.sources[0],
                to_state=move.target,
                at=_at(on, hour),
            )
        if p.mediation:
            med = t[mm.MediationCase].add(
                case_id=case,
                organisation_id=staff["mediation_org"].pk,
                portal_code=f"B{p.i:010d}",
                opened_on=p.created + timedelta(days=2),
                deadline=p.created + timedelta(days=32),
                outcome={
                    "agreed": mm.Outcome.AGREED,
                    "failed": mm.Outcome.TO_FILING,
                    "pending": mm.Outcome.PENDING,
                }[p.mediation],
                agreed_on=p.at("sign_agreement"),
                closed_on=p.at("fail_mediation"),
            )
        if p.mediation == "agreed":
            offer = t[mm.Offer].add(
                mediation_id=med,
                made_by=mm.OfferFrom.MEDIATOR,
                total=1000,
                instalments=2,
                first_payment=500,
                first_due=p.created + timedelta(days=42),
                status=mm.OfferStatus.ACCEPTED,
            )
            plan = t[mm.InstalmentPlan].add(
                mediation_id=med,
                offer_id=offer,
                total=1000,
                paid=1000 if p.plan_completed else 0,
                status=mm.PlanStatus.COMPLETED if p.plan_completed else mm.PlanStatus.ACTIVE,
            )
            for n, k in enumerate((42, 72)):
                due = p.created + timedelta(days=k)
                t[mm.Instalment].add(plan_id=plan, number=n + 1, due_date=due, amount=500)
                if p.plan_completed:
                    t[mm.Payment].add(
                        plan_id=plan,
                        institution_id=bank.pk,
                        reference=f"PAY-{p.i}-{k}",
                        amount=500,
                        paid_on=due,
                    )
        if p.served_sms_ok is not None and filed is not None:
            doc = t[StoredDocument].add(
                case_id=case,
                kind="filing_packet",
                title="起诉材料",
                format="pdf",
                path=f"bench/metrics/{p.i}.pdf",
                sha256="0" * 64,
                size=1,
            )
            service = t[Service].add(
                case_id=case,
                party_id=party,
                packet_id=doc,
                state=Service.State.SERVED,
                served_on=p.at("serve"),
            )
            ok = p.served_sms_ok
            tries = (
                [(Channel.SMS, 1, ok)] if ok else [(Channel.SMS, 1, False), (Channel.POST, 3, True)]
            )
            for channel, after, effective in tries:
                t[ServiceAttempt].add(
                    service_id=service,
                    channel=channel,
                    state=AttemptState.DELIVERED if effective else AttemptState.FAILED,
                    address="13900000000",
                    address_masked="139****0000",
                    address_source="合同约定",
                    sent_at=_at(filed + timedelta(days=after)),
                    effective=effective,
                    served_on=p.at("serve") if effective else None,
                )
        if p.judgment:
            t[Judgment].add(
                case_id=case,
                kind=DecisionKind.JUDGMENT,
                state=DecisionState.EFFECTIVE
                if p.judgment == "effective"
                else DecisionState.PRONOUNCED,
                default=p.default,
                awarded_total=p.claim - 1000,
                pronounced_on=p.at("pronounce_judgment"),
                effective_on=p.at("take_effect"),
                performance_ends=p.performance_ends,
                enforceable=p.judgment == "effective",
            )
        if p.enforced and p.performance_ends is not None:
            applied = p.at("apply_enforcement")
            application = t[em.Application].add(
                case_id=case,
                title_kind=em.TitleKind.JUDGMENT,
                title_reference=f"（2026）渝0105民初{p.i}号",
                performance_ends=p.performance_ends,
                application_deadline=p.performance_ends + timedelta(days=730),
                amount=p.claim,
                state=em.ApplicationState.SUBMITTED,
                prepared_on=p.performance_ends,
                submitted_on=applied,
            )
            enforcement = t[em.Enforcement].add(
                case_id=case,
                application_id=application,
                number=f"（2026）渝0105执{p.i}号",
                title_kind=em.TitleKind.JUDGMENT,
                title_reference=f"（2026）渝0105民初{p.i}号",
                filed_on=applied,
                officer_id=staff["officer"].pk,
                delay_from=p.performance_ends,
            )
            if p.receipt_on:
                t[em.Receipt].add(
                    enforcement_id=enforcement,
                    source=em.ReceiptSource.DEDUCTION,
                    reference=f"R-{p.i}",
                    received_on=p.receipt_on,
                    amount=2000,
                )
    with transaction.atomic():
        for model in models:
            t[model].flush()


# --- the naive baseline --------------------------------------------------------------------------


def naive_totals(case_ids: list[int]) -> dict[str, int]:
    """All-time counts one case at a time: the case, then each of its stages' rows."""
    from jiefen.cases.models import Case
    from jiefen.enforcement.models import Application, Receipt
    from jiefen.judgments.models import Judgment
    from jiefen.mediation.models import InstalmentPlan, MediationCase, Payment
    from jiefen.service.models import ServiceAttempt

    c: Counter[str] = Counter()
    for pk in case_ids:
        case = Case.objects.get(pk=pk)
        names = [e.transition for e in case.events.all()]
        c["received"] += 1
        c["filed"] += case.filed_on is not None
        c["closed"] += any(
            n in ("pronounce_judgment", "mediate_in_court", "withdraw") for n in names
        )
        m = MediationCase.objects.filter(case=case).first()
        c["mediations_closed"] += m is not None and m.outcome != "pending"
        for a in ServiceAttempt.objects.filter(service__case=case, sent_at__isnull=False):
            c[a.channel] += 1
        j = Judgment.objects.filter(case=case).first()
        c["judgments"] += j is not None and j.pronounced_on is not None
        applied = Application.objects.filter(case=case, state="submitted").exists()
        c["performed_voluntarily"] += j is not None and j.state == "effective" and not applied
        plan = InstalmentPlan.objects.filter(mediation__case=case).first()
        c["performed_voluntarily"] += plan is not None and plan.status == "completed"
        money = sum(r.amount for r in Receipt.objects.filter(enforcement__case=case))
        money += sum(p.amount for p in Payment.objects.filter(plan__mediation__case=case))
        c["recovered"] += int(money * 100)
    return dict(c)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100000)
    parser.add_argument("--sample", type=int, default=1000, help="cases in the naive baseline")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jiefen-bench-metrics-"))
    _setup(workdir)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)

    from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
    from jiefen.cases.models import Case
    from jiefen.demo.staff import seed_staff
    from jiefen.risk.graph import clusters, contact_graph
    from jiefen.stats.metrics import compute
    from jiefen.stats.periods import parse_period

    seed_staff()
    court = Organisation.objects.get(code="渝0105")
    other_court, _ = Organisation.objects.get_or_create(
        code="渝0112",
        defaults={
            "name": "重庆市渝北区人民法院",
            "kind": OrganisationKind.COURT,
            "court_code": "渝0112",
        },
    )
    staff = {
        "courts": [court, other_court],
        "banks": list(
            Organisation.objects.filter(kind=OrganisationKind.INSTITUTION).order_by("pk")[:2]
        ),
        "judges": list(User.objects.filter(role=Role.JUDGE).order_by("pk")),
        "mediators": list(User.objects.filter(role=Role.MEDIATOR).order_by("pk")),
        "mediation_org": Organisation.objects.filter(kind=OrganisationKind.MEDIATION_ORG).first(),
        "officer": User.objects.filter(role=Role.ENFORCEMENT_OFFICER).order_by("pk").first(),
    }
    t = time.perf_counter()
    paths = [plan_of(i) for i in range(args.cases)]
    for start in range(0, args.cases, CHUNK):
        _insert(paths[start : start + CHUNK], staff)
    setup_seconds = time.perf_counter() - t

    problems: list[str] = []
    started = time.perf_counter()
    everything = compute(None)
    all_seconds = time.perf_counter() - started
    started = time.perf_counter()
    year = compute(parse_period("2026"))
    year_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rings = clusters(contact_graph())
    graph_seconds = time.perf_counter() - started

    periods = (("all", everything, None, None), ("2026", year, YEAR_START, YEAR_END))
    for label, result, since, until in periods:
        want, got = expected(paths, since, until), observed(result["totals"])
        for key, value in got.items():
            if want.get(key, 0) != value:
                problems.append(f"{label} {key}: computed {value}, generated {want.get(key, 0)}")
    ring_count = sum(
        1 for start in range(0, args.cases, RING_EVERY) if min(RING_SIZE, args.cases - start) >= 3
    )
    if len(rings) != ring_count:
        problems.append(f"clusters: {len(rings)}, generated rings {ring_count}")

    sample = list(Case.objects.order_by("pk").values_list("pk", flat=True)[: args.sample])
    started = time.perf_counter()
    naive = naive_totals(sample)
    baseline = (time.perf_counter() - started) * args.cases / max(len(sample), 1)
    checked = compute(None, Case.objects.filter(pk__in=sample), by=())["totals"]
    for key in ("received", "filed", "closed", "judgments", "performed_voluntarily"):
        if naive.get(key, 0) != checked[key]:
            problems.append(f"naive {key}: {naive.get(key, 0)} vs compute {checked[key]}")

    seconds = all_seconds + graph_seconds
    print(
        f"setup {setup_seconds:.1f} s; compute(None) {all_seconds:.2f} s, compute(2026) "
        f"{year_seconds:.2f} s, clusters(contact_graph()) {graph_seconds:.2f} s "
        f"({len(rings)} clusters) for {args.cases} cases on {connection.vendor}"
    )
    print(
        f"baseline (naive, one case at a time) {baseline:.1f} s extrapolated from {len(sample)} "
        f"cases; ratio {baseline / all_seconds:.1f}"
    )
    for p in problems:
        print(f"PROBLEM: {p}")
    print(
        json.dumps(
            {"name": "metrics", "items": args.cases, "seconds": round(seconds, 2)},
            separators=(",", ":"),
        )
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
