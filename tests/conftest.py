"""Shared fixtures: a court, two institutions, staff of every role, and a case factory."""

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from hypothesis import settings as hypothesis_settings

from jiefen.accounts.models import (
    InstitutionKind,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from jiefen.cases.models import (
    Case,
    CaseParty,
    CaseType,
    Contact,
    ContactKind,
    ContactSource,
    IdType,
    Party,
    PartyKind,
    PartyRole,
    Series,
)
from jiefen.privacy import blind_index

PASSWORD = "test-pass-123"

# Subprocesses (task workers, commands) run with a JIEFEN_VAR_DIR of their own against the test
# database: they read its encrypted personal data with this process's key (the secret key file
# of another var directory would be another key).
os.environ.setdefault("JIEFEN_SECRET_KEY", django_settings.SECRET_KEY)

# Speed is measured by the benchmarks, never asserted in tests: no per-example deadline (under a
# loaded CI machine hypothesis's default 200 ms would fail correct code).
hypothesis_settings.register_profile("jiefen", deadline=None)
hypothesis_settings.load_profile("jiefen")


@pytest.fixture(autouse=True)
def var_dir(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Any:
    """Every test stores documents, uploads and keys in its own JIEFEN_VAR_DIR, never in ./var."""
    from jiefen.documents import keys, signing

    path = tmp_path_factory.mktemp("var")
    settings.JIEFEN_VAR_DIR = path
    keys._cache.clear()
    signing._signers.clear()
    yield path
    keys._cache.clear()
    signing._signers.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _holiday_calendar_through_next_year(request: Any) -> None:
    """Periods and hearings run weeks ahead, so from late in a year they end in the next one,
    whose holiday arrangement may not be published: then they stop with an error
    (tests/docket/test_missing_calendar.py). Every test with a court has the years after the
    `chinesecalendar` package through next year as labelled test data (weekends plus New
    Year's Day), never presented as the State Council's notice."""
    names = set(request.fixturenames)
    database = next((n for n in ("transactional_db", "db") if n in names), None)
    if "court" not in names or database is None:  # `court` may be a parameter, not the fixture
        return
    import chinese_calendar
    from django.utils import timezone

    from jiefen.lawdata.models import HolidayDay, HolidayYear

    request.getfixturevalue(database)
    covered = max(chinese_calendar.constants.holidays).year
    for year in range(covered + 1, timezone.localdate().year + 2):
        entry, _ = HolidayYear.objects.get_or_create(
            year=year, defaults={"complete": True, "source": "测试数据（非官方节假日安排）"}
        )
        HolidayDay.objects.get_or_create(
            year=entry, day=date(year, 1, 1), defaults={"is_holiday": True, "name": "元旦"}
        )


@pytest.fixture
def court(db: Any) -> Organisation:
    """The court, with two courtrooms (filing books hearings and refuses a court without one)."""
    from jiefen.hearings.models import Courtroom

    court = Organisation.objects.create(
        code="渝0105",
        name="重庆市江北区人民法院",
        kind=OrganisationKind.COURT,
        court_code="渝0105",
        division_code="500105",
        province="重庆",
    )
    for name in COURTROOMS:
        Courtroom.objects.create(court=court, name=name)
    return court


# The court fixture's courtrooms (tests that make their own use other names).
COURTROOMS = ("第十一法庭", "第十二法庭")


@pytest.fixture
def bank(db: Any) -> Organisation:
    return Organisation.objects.create(
        code="BANK01",
        name="长江银行股份有限公司重庆分行",
        kind=OrganisationKind.INSTITUTION,
        institution_kind=InstitutionKind.BANK,
        uscc="91500000MA5U7G3X1Q",
    )


@pytest.fixture
def other_bank(db: Any) -> Organisation:
    return Organisation.objects.create(
        code="BANK02",
        name="巴渝银行股份有限公司信用卡中心",
        kind=OrganisationKind.INSTITUTION,
        institution_kind=InstitutionKind.BANK,
        uscc="91500105MA60XK2P7D",
    )


@pytest.fixture
def mediation_org(court: Organisation) -> Organisation:
    return Organisation.objects.create(
        code="MED01",
        name="江北区金融纠纷人民调解委员会",
        kind=OrganisationKind.MEDIATION_ORG,
        court=court,
    )


@pytest.fixture
def notary_office(court: Organisation) -> Organisation:
    return Organisation.objects.create(
        code="NOT01", name="重庆市江北公证处", kind=OrganisationKind.NOTARY_OFFICE, court=court
    )


_usernames = itertools.count(1)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(role: Role, organisation: Organisation | None = None, **extra: Any) -> User:
        n = next(_usernames)
        user = User.objects.create_user(
            username=extra.pop("username", f"{role}{n}"),
            password=PASSWORD,
            role=role,
            organisation=organisation,
            full_name=extra.pop("full_name", f"测试{n}号"),
            **extra,
        )
        return user

    return make


@pytest.fixture
def database_url(transactional_db: Any) -> str:
    """The test database as a DATABASE_URL, for real subprocesses (task worker, commands)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def series(court: Organisation, bank: Organisation) -> Series:
    """The bank's consumer-loan series at the court (系列案)."""
    return Series.objects.create(
        institution=bank, court=court, case_type="financial_loan", product="个人消费贷款"
    )


@pytest.fixture
def agent(make_user: Callable[..., User], bank: Organisation) -> User:
    """The bank's agent (金融机构经办人) who uploads, decides plans and signs for the claimant."""
    return make_user(Role.BANK_AGENT, bank)


_ids = itertools.count(1)


@pytest.fixture
def make_party(db: Any) -> Callable[..., Party]:
    """A borrower with the domicile address the loan contract gives (pass address=None for none)."""

    def make(
        name: str = "张三",
        id_number: str | None = None,
        address: str | None = "重庆市江北区建新北路一支路12号3单元5-2",
    ) -> Party:
        number = id_number or f"5001051990010{next(_ids):04d}"
        party = Party.objects.create(
            kind=PartyKind.NATURAL_PERSON,
            name=name,
            id_type=IdType.RESIDENT_ID,
            id_number=number,
            id_index=blind_index(number),
            domicile=address or "",
        )
        if address:
            Contact.objects.create(
                party=party, kind=ContactKind.ADDRESS, value=address, source=ContactSource.CONTRACT
            )
        return party

    return make


_contracts = itertools.count(1)


@pytest.fixture
def make_case(
    court: Organisation, bank: Organisation, make_party: Callable[..., Party]
) -> Callable[..., Case]:
    def make(**fields: Any) -> Case:
        defendant = fields.pop("defendant", None) or make_party()
        values: dict[str, Any] = {
            "case_type": CaseType.FINANCIAL_LOAN,
            "institution": bank,
            "court": court,
            "contract_number": f"HT-{next(_contracts):06d}",
            "product": "个人消费贷款",
            "cut_off_date": date(2025, 6, 30),
            "principal": Decimal("45000.00"),
            "interest": Decimal("1234.56"),
            "claim_total": Decimal("46234.56"),
        }
        values.update(fields)
        case = Case.objects.create(**values)
        CaseParty.objects.create(case=case, party=defendant, role=PartyRole.DEFENDANT)
        return case

    return make


# --- Wires: a real SMTP server (aiosmtpd) for the e-mail adapter and e-service. ---


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives (in `received`)."""

    def __init__(self) -> None:
        from aiosmtpd.handlers import Message as MessageHandler

        self.received: list[Any] = []
        outer = self

        class _Keep(MessageHandler):
            def handle_message(self, message: Any) -> None:
                outer.received.append(message)

        self.handler = _Keep()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A real SMTP server on a free port; JIEFEN_SMTP_HOST/PORT point at it."""
    import socket

    from aiosmtpd.controller import Controller

    box = Mailbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(box.handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("JIEFEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("JIEFEN_SMTP_PORT", str(port))
    yield box
    controller.stop()


# --- Browser tests: Debian's Chromium driven by Playwright (never `playwright install`). ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Any:
    """One Chromium for the whole session (Playwright's sync API)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's async-unsafe guard must not trip on it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def login_page(chromium: Any, live_server: Any) -> Any:
    """Open a new page logged in as `username` (password PASSWORD unless given)."""
    pages: list[Any] = []

    def login(
        username: str, password: str = PASSWORD, viewport: dict[str, int] | None = None
    ) -> Any:
        context = chromium.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN"
        )
        page = context.new_page()
        pages.append(context)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield login
    for context in pages:
        context.close()


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """The SMS gateway simulator; receipts are fed to jiefen by the test (no callback URL)."""
    from jiefen.notifications.gateway import start_in_thread

    server = start_in_thread(0, tmp_path / "inbox.jsonl")
    monkeypatch.setenv("JIEFEN_SMS_GATEWAY_URL", server.url)
    monkeypatch.delenv("JIEFEN_SMS_RECEIPT_URL", raising=False)
    yield server
    server.shutdown()
