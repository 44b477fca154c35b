"""`jiefen demo --no-serve` runs the whole pipeline through the front door (issue 9, points 9-10).

The demo runs once for this module (it takes a while); each test then reads what it left:
every printed login works, every case carries an event for each state it passed through and the
audit chain holds a record of every move, and no page shows a raw English enum value where a
Chinese label belongs.
"""

from __future__ import annotations

import json
import re
import socket
from collections import Counter, defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client, override_settings

from jiefen.accounts.models import Organisation, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.access import (
    visible_batches,
    visible_cases,
    visible_filing_jobs,
    visible_interventions,
    visible_referrals,
    visible_series,
)
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import BY_NAME, State
from jiefen.demo.staff import DEMO_PASSWORD
from jiefen.documents.models import StoredDocument
from jiefen.judgments.models import Judgment
from jiefen.referrals.models import (
    Answer,
    CaseOutcome,
    IdentityReport,
    Intervention,
    InterventionOutcome,
    Outcome,
    Referral,
    ReferralState,
    ReportSource,
    Source,
)
from jiefen.risk.crime import CRIME_KINDS
from jiefen.risk.fraud import FRAUD_KINDS
from jiefen.risk.models import Warning, WarningKind


@pytest.fixture(scope="module")
def demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Run the demo once, committed, for every test of the module; empty the database after."""
    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    gateway, registry = ports
    var = tmp_path_factory.mktemp("demo-var")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        pytest.MonkeyPatch.context() as mp,
        django_db_blocker.unblock(),
        override_settings(
            JIEFEN_VAR_DIR=var,
            PASSWORD_HASHERS=hashers,
            JIEFEN_REGISTRY_URL=f"http://127.0.0.1:{registry}",
        ),
    ):
        # The demo starts its SMS gateway simulator where the settings say; never a shared port.
        mp.setenv("JIEFEN_SMS_GATEWAY_URL", f"http://127.0.0.1:{gateway}")
        out = StringIO()
        try:
            call_command("demo", "--no-serve", "--cases", "600", stdout=out)
            yield out.getvalue()
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_runs_the_pipeline_and_every_login_works(demo: str) -> None:
    logins = re.findall(r"^  (\S+)\s+\S+", demo.split("演示账号")[1], flags=re.MULTILINE)
    assert {
        "admin",
        "bank01",
        "bank02",
        "mediator1",
        "judge1",
        "clerk1",
        "enforcer1",
        "notary1",
        "defendant1",
        "police01",
        "prosecutor01",
    } <= set(logins)
    for username in logins:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        # A partner agency's home is its referrals desk (a redirect there).
        assert client.get("/", follow=True).status_code == 200, username

    numbers = StringIO()
    call_command("stats", "--json", stdout=numbers)
    stats = json.loads(numbers.getvalue())
    assert stats["intake"]["accepted"] > 0 and stats["intake"]["rejected"] > 0
    assert stats["mediation"]["judicial_confirmations"] > 0
    assert stats["filing"]["filed"] > 0
    assert stats["filing"]["signed_documents"] > 0
    # The served series is heard and judged: by default and on disputed elements, some reduced
    # to the interest cap, one settled in court, one withdrawn; the judgments take effect.
    judged = stats["judgments"]
    assert judged["hearings"] > 0
    assert 0 < judged["default_judgments"] < judged["judgments"]
    assert judged["reduced_for_cap"] > 0
    assert judged["mediated_in_court"] == 1 and judged["withdrawn"] == 1
    assert judged["effective"] > 0
    general = [
        g
        for c in Judgment.objects.filter(kind="judgment").values_list("computation", flat=True)
        for g in c["guarantors"]
        if g["liability"] == "general"
    ]
    assert general, "no judgment with a general guarantee"
    # The effective judgments and the missed instalment plans are enforced: some paid by
    # deduction or after a freeze, some terminated for now, some of those resumed (执恢) when
    # the re-inquiry found assets, one debtor listed as dishonest and deleted after paying.
    enforced = stats["enforcement"]
    assert enforced["cases"] > 0 and enforced["closed_performed"] > 0
    assert enforced["closed_terminated"] > 0 and enforced["resumed"] > 0
    assert enforced["dishonest_listed"] == 1 and enforced["delisted"] == 1
    assert 0 < float(enforced["recovery_rate"]) < 1
    assert "执恢" in demo and "终本" in demo


@pytest.mark.slow
@pytest.mark.django_db
def test_every_case_has_an_event_for_each_state_it_passed_through(demo: str) -> None:
    """The case history is complete: from 已接收 to the state it is in, one event per move."""
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for e in CaseEvent.objects.order_by("at", "pk"):
        events[e.case_id].append(e)
    broken = []
    for case in Case.objects.order_by("pk"):
        state = State.RECEIVED
        for e in events[case.pk]:
            if e.from_state != state:
                break
            state = e.to_state
        if state != case.state:
            broken.append((case.pk, case.state, [e.transition for e in events[case.pk]]))
    assert Case.objects.exists()
    assert broken == []
    reached = set(Case.objects.values_list("state", flat=True))
    # The demo takes a filed series through service and hearing to effective judgments, one
    # case withdrawn, and enforces them (performed, terminated for now, in enforcement); the card
    # series waits for the clerk at the filing desk.
    assert {
        State.SCREENING,
        State.IN_MEDIATION,
        State.CONFIRMED,
        State.WITHDRAWN,
        State.IN_ENFORCEMENT,
        State.TERMINATED_FOR_NOW,
        State.CLOSED,
    } <= reached
    after_filing = [
        State.FILED,
        State.SERVED,
        State.HEARING_SCHEDULED,
        State.HEARD,
        State.JUDGED,
        State.EFFECTIVE,
        State.WITHDRAWN,
    ]
    in_court = Case.objects.filter(state__in=after_filing)
    assert in_court.exclude(events__transition="file").count() == 0
    # Judgments that took effect; their cases have gone on to enforcement since.
    effective = Case.objects.filter(judgment__kind="judgment", judgment__state="effective")
    assert effective.exists()
    assert effective.exclude(events__transition="apply_enforcement").count() == 0
    assert effective.exclude(events__transition="hold_hearing").count() == 0
    assert effective.exclude(events__transition="take_effect").count() == 0


@pytest.mark.slow
@pytest.mark.django_db
def test_the_audit_chain_verifies_and_records_every_case_move(demo: str) -> None:
    verified = StringIO()
    call_command("audit_verify", stdout=verified)
    assert "审计链完好" in verified.getvalue()

    moves = Counter(CaseEvent.objects.values_list("transition", flat=True))
    recorded: Counter[str] = Counter()
    for action, payload in AuditRecord.objects.filter(action__startswith="case.").values_list(
        "action", "payload"
    ):
        name = action.removeprefix("case.")
        if name.endswith(".bulk"):
            # One record per bulk move, naming how many cases it moved.
            recorded[name.removesuffix(".bulk")] += int(payload["count"])
        elif name in BY_NAME:
            recorded[name] += 1
    assert moves, "the demo moved no case"
    assert recorded == moves


# --------------------------------------------------------------------------- referrals


def _states(ids: set[int]) -> Counter[str]:
    return Counter(Case.objects.filter(pk__in=ids).values_list("state", flat=True))


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_refers_the_lenders_series_and_intervenes(demo: str) -> None:
    """Issue 15's done-when: the private lender's series is flagged, referred, dismissed or
    suspended by the judge and answered by the liaison; a borrower reports identity misuse and
    the bank records its call; the liaison sees nothing but what was referred."""
    lender = Organisation.objects.get(code="LEND01")
    kinds = set(Warning.objects.filter(cases__institution=lender).values_list("kind", flat=True))
    assert {
        WarningKind.WITHHELD_INTEREST,
        WarningKind.EFFECTIVE_RATE,
        WarningKind.SERIAL_LOANS,
        WarningKind.PROFESSIONAL_LENDER,
    } <= kinds
    withheld = Warning.objects.get(kind=WarningKind.WITHHELD_INTEREST)
    serial = Warning.objects.get(kind=WarningKind.SERIAL_LOANS)
    serial_ids = set(serial.cases.values_list("pk", flat=True))
    assert len(serial_ids) == 3

    dismissed = Referral.objects.get(outcome=Outcome.DISMISS)
    suspended = Referral.objects.get(outcome=Outcome.SUSPEND)
    assert Referral.objects.count() == 2
    # 1. From the withheld-interest warning, by the court president: dismissed, then 立案.
    assert dismissed.warning == withheld and dismissed.source == Source.WARNING
    assert dismissed.opened_by is not None and dismissed.opened_by.username == "president"
    assert dismissed.state == ReferralState.ACCEPTED and dismissed.answer == Answer.ACCEPTED
    assert dismissed.answer_number.startswith("江公（经）立字〔")
    assert dismissed.number.startswith("渝0105法移〔") and dismissed.sent_on is not None
    assert dismissed.letter is not None and dismissed.letter.signed
    first = set(dismissed.referral_cases.values_list("case_id", flat=True))
    assert first == set(withheld.cases.values_list("pk", flat=True)) - serial_ids
    assert len(first) == 11
    assert _states(first) == {State.DISMISSED: 11}
    assert set(dismissed.referral_cases.values_list("outcome", flat=True)) == {
        CaseOutcome.DISMISSED
    }
    rulings = StoredDocument.objects.filter(case_id__in=first, kind="crime_dismissal_ruling")
    assert rulings.count() == 11 and not rulings.filter(signed=False).exists()
    # 2. The serial borrower's loans, by the judge: suspended, then 不立案 and resumed.
    assert suspended.source == Source.JUDGE and suspended.opened_by == suspended.judge
    assert suspended.state == ReferralState.DECLINED and suspended.answer == Answer.DECLINED
    second = set(suspended.referral_cases.values_list("case_id", flat=True))
    assert second == serial_ids
    assert _states(second) == {State.FILED: 3}
    for pk in second:
        moves = list(
            CaseEvent.objects.filter(case_id=pk)
            .order_by("at", "pk")
            .values_list("transition", flat=True)
        )
        assert moves[-3:] == ["file", "suspend_litigation", "resume"], moves
    assert (
        StoredDocument.objects.filter(case_id__in=second, kind="crime_suspension_ruling").count()
        == 3
    )
    assert "答复「立案」" in demo and "答复「不立案」" in demo

    # The liaison sees the referred cases and both referrals, nothing else; the prosecutor none.
    liaison = User.objects.get(username="police01")
    assert set(visible_cases(liaison).values_list("pk", flat=True)) == first | second
    assert set(visible_referrals(liaison)) == {dismissed, suspended}
    prosecutor = User.objects.get(username="prosecutor01")
    assert not visible_cases(prosecutor).exists() and not visible_referrals(prosecutor).exists()
    client = Client()
    client.force_login(liaison)
    assert client.get(f"/referrals/{dismissed.pk}/").status_code == 200
    other = Case.objects.exclude(pk__in=first | second).order_by("pk").first()
    assert other is not None and client.get(f"/cases/{other.pk}/").status_code == 404

    # A BANK01 borrower's report on the portal: a warning, a task for the bank, 劝阻成功.
    report = IdentityReport.objects.get()
    assert report.source == ReportSource.PORTAL and report.reported_by is None
    assert report.case.institution.code == "BANK01"
    misuse = Warning.objects.get(kind=WarningKind.IDENTITY_MISUSE)
    assert misuse.institution == report.case.institution
    task = Intervention.objects.get(warning=misuse)
    assert task.assignee_org == report.case.institution and task.party == report.party
    assert task.outcome == InterventionOutcome.DISSUADED and task.done_by is not None
    assert task.done_by.username == "bank01"
    # The number the liaison registered: a BANK02 borrower's task, left open.
    contact = Intervention.objects.get(warning__kind=WarningKind.FRAUD_CONTACT)
    assert contact.assignee_org.code == "BANK02" and contact.outcome == ""

    numbers = StringIO()
    call_command("stats", "--json", stdout=numbers)
    referrals = json.loads(numbers.getvalue())["referrals"]
    assert referrals["referred"] == 14
    assert referrals["dismissed"] == 11
    assert referrals["suspended"] == 3 and referrals["resumed"] == 3
    assert referrals["interventions"] == 2
    assert (
        referrals["warnings"] == Warning.objects.filter(kind__in=CRIME_KINDS + FRAUD_KINDS).count()
    )


# --------------------------------------------------------------------------- labels


def raw_values() -> set[str]:
    """Every stored code a page could print instead of its label: the values of every
    TextChoices of the project and of every choice field of its models, and the keys of the
    label maps the pages use for codes kept in JSON."""
    from jiefen.cases import elements
    from jiefen.mediation import plans
    from jiefen.mediation.models import Signature

    values: set[str] = set()

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for choices in subclasses(models.TextChoices):
        if choices.__module__.startswith("jiefen."):
            values.update(str(v) for v in choices.values)  # type: ignore[attr-defined]
    for model in apps.get_app_configs():
        if not model.name.startswith("jiefen."):
            continue
        for m in model.get_models():
            for f in m._meta.get_fields():
                for value, _ in getattr(f, "flatchoices", None) or []:
                    if isinstance(value, str):
                        values.add(value)
    label_maps: list[dict[str, str]] = [
        plans.COMPONENTS,
        elements.REPAYMENT_METHODS,
        Signature.METHOD_LABELS,
        getattr(elements, "GUARANTEE_KINDS", {}),
        getattr(elements, "COLLATERAL_KINDS", {}),
    ]
    for labels in label_maps:
        values.update(labels)
    return {v for v in values if re.fullmatch(r"[a-z][a-z0-9_]*", v)}


class _VisibleText(HTMLParser):
    """The text a user reads: element text and the title / placeholder / label attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def raw_words(html: str, values: set[str]) -> list[tuple[str, str]]:
    """Raw codes in the visible text: a known value, or any snake_case identifier, as a word
    of its own (a file name's extension, `合同.pdf`, is not one)."""
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    found = []
    for m in re.finditer(r"(?<![\w.@/-])[A-Za-z][A-Za-z0-9_]*(?![\w@/-])", text):
        word = m.group()
        if word in values or re.fullmatch(r"[a-z]+(?:_[a-z]+)+", word):
            found.append((word, text[max(0, m.start() - 40) : m.end() + 10].strip()))
    return found


def _variety(case: Case) -> tuple[Any, ...]:
    """What decides which codes a case page prints: state, type, mediation answers, securities."""
    e = case.elements or {}
    m = getattr(case, "mediation", None)
    return (
        case.state,
        case.case_type,
        m.response if m else None,
        m.outcome if m else None,
        tuple(sorted({str(g.get("kind")) for g in e.get("guarantees") or []})),
        str((e.get("collateral") or {}).get("kind")),
        bool((e.get("collateral") or {}).get("registered")),
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_pages_show_chinese_labels_never_raw_codes(demo: str) -> None:
    """Each role's home page, its case pages (one case of every kind the role can see) and the
    desks and series, batch and filing-job pages it may open."""
    values = raw_values()
    assert {"in_mediation", "bank_agent", "interest", "otp"} <= values
    seen: list[tuple[str, str, str, str]] = []
    pages = 0
    for user in User.objects.order_by("pk"):
        client = Client()
        client.force_login(user)
        desks = ["/intake/", "/mediation/", "/mediation/rules/", "/mediation/payments/", "/docket/"]
        urls = ["/"]
        kinds: set[tuple[Any, ...]] = set()
        for case in visible_cases(user).select_related("mediation").order_by("pk"):
            kind = _variety(case)
            if kind not in kinds:
                kinds.add(kind)
                urls.append(f"/cases/{case.pk}/")
        urls += [
            f"/mediation/series/{pk}/" for pk in visible_series(user).values_list("pk", flat=True)
        ]
        urls += [
            f"/intake/batches/{pk}/" for pk in visible_batches(user).values_list("pk", flat=True)
        ]
        urls += [
            f"/docket/jobs/{pk}/" for pk in visible_filing_jobs(user).values_list("pk", flat=True)
        ]
        urls += [f"/referrals/{pk}/" for pk in visible_referrals(user).values_list("pk", flat=True)]
        urls += [
            f"/referrals/interventions/{pk}/"
            for pk in visible_interventions(user).values_list("pk", flat=True)
        ]
        desks += ["/referrals/", "/referrals/interventions/", "/referrals/contacts/"]
        for url in [*urls, *desks]:
            # A partner agency's home page is its referrals desk.
            response = client.get(url, follow=url == "/")
            desk = url.startswith(("/mediation/", "/intake/", "/docket/")) or url in desks
            if desk and response.status_code in (302, 403, 404):
                continue  # a desk (or its series page) this role does not work at
            assert response.status_code == 200, (user.username, url)
            pages += 1
            for word, context in raw_words(response.content.decode(), values):
                seen.append((user.username, url, word, context))
    assert pages > 40
    assert seen == []


def test_raw_words_finds_codes_and_spares_file_names() -> None:
    """The check above can fail: it finds a code printed as a word, and only then."""
    html = (
        "<p>保证方式 joint；异议要素：interest</p><p title='状态 in_mediation'>x</p>"
        "<p>借款合同.pdf、bank01@demo.jiefen.cn、SHA-256 <code>3fa9c</code></p>"
        "<script>var s = 'filed';</script>"
    )
    assert [w for w, _ in raw_words(html, {"joint", "interest", "filed", "pdf"})] == [
        "joint",
        "interest",
        "in_mediation",
    ]


def test_demo_code_lives_in_the_demo_app() -> None:
    """Architecture: demo seeding lives in `demo/`, never inside a stage app."""
    src = Path(__file__).resolve().parents[2] / "src" / "jiefen"
    stray = [
        str(p.relative_to(src))
        for p in src.glob("*/*.py")
        if p.parent.name != "demo" and p.stem in ("demo", "sample")
    ]
    assert stray == []
