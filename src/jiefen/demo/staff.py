"""The demo's organisations and staff: a court, two banks, mediation, notary, law firms, the
police and the procuratorate the court refers suspected crimes to, people.

Names come from Faker('zh_CN'); ID numbers are made valid by `jiefen.law.identifiers`.
Everything is keyed by a stable code or username so seeding twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from faker import Faker

from jiefen.accounts.models import (
    InstitutionKind,
    MediationOrgKind,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from jiefen.hearings.models import Courtroom
from jiefen.law.identifiers import make_resident_id

DEMO_PASSWORD = "jiefen2026"

ORGANISATIONS: list[dict[str, object]] = [
    {
        "code": "渝0105",
        "name": "重庆市江北区人民法院",
        "kind": OrganisationKind.COURT,
        "court_code": "渝0105",
        "division_code": "500105",
        "province": "重庆",
        "address": "重庆市江北区建新北路二支路8号",
        "legal_representative": "陈卫东",
        "representative_title": "院长",
        "judge_capacity": 400,
    },
    {
        "code": "BANK01",
        "name": "长江银行股份有限公司重庆分行",
        "kind": OrganisationKind.INSTITUTION,
        "institution_kind": InstitutionKind.BANK,
        "uscc": "91500000MA5U7G3X1Q",
        "address": "重庆市江北区江北城西大街25号",
        "legal_representative": "王建国",
        "representative_title": "行长",
        "phone": "023-67001234",
    },
    {
        "code": "BANK02",
        "name": "巴渝银行股份有限公司信用卡中心",
        "kind": OrganisationKind.INSTITUTION,
        "institution_kind": InstitutionKind.BANK,
        "uscc": "91500105MA60XK2P7D",
        "address": "重庆市江北区观音桥步行街9号",
        "legal_representative": "刘晓梅",
        "representative_title": "总经理",
        "phone": "023-67885566",
    },
    {
        "code": "MED01",
        "name": "重庆市江北区金融纠纷人民调解委员会",
        "kind": OrganisationKind.MEDIATION_ORG,
        "mediation_kind": MediationOrgKind.PEOPLES_COMMITTEE,
        "address": "重庆市江北区北城天街6号",
    },
    {
        "code": "MED02",
        "name": "江北区法院律师调解工作室",
        "kind": OrganisationKind.MEDIATION_ORG,
        "mediation_kind": MediationOrgKind.LAWYER_POOL,
        "address": "重庆市江北区建新北路二支路8号",
    },
    {
        "code": "NOT01",
        "name": "重庆市江北公证处",
        "kind": OrganisationKind.NOTARY_OFFICE,
        "address": "重庆市江北区洋河一路70号",
    },
    {"code": "LAW01", "name": "重庆嘉陵律师事务所", "kind": OrganisationKind.LAW_FIRM},
    {"code": "LAW02", "name": "重庆朝天门律师事务所", "kind": OrganisationKind.LAW_FIRM},
    # The partner agencies a suspected crime is referred to (涉嫌犯罪移送); their liaison and
    # prosecutor see only what was sent to them.
    {
        "code": "GA0105",
        "name": "重庆市公安局江北区分局",
        "kind": OrganisationKind.POLICE,
        "division_code": "500105",
        "province": "重庆",
        "address": "重庆市江北区建新东路3号",
        "legal_representative": "张明",
        "representative_title": "局长",
        "phone": "023-67501110",
    },
    {
        "code": "JC0105",
        "name": "重庆市江北区人民检察院",
        "kind": OrganisationKind.PROCURATORATE,
        "division_code": "500105",
        "province": "重庆",
        "address": "重庆市江北区洋河北路6号",
        "legal_representative": "李静",
        "representative_title": "检察长",
    },
]


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: Role
    organisation: str | None
    law_firm: str | None = None


STAFF: list[StaffSpec] = [
    StaffSpec("admin", Role.PLATFORM_ADMIN, None),
    StaffSpec("bank01", Role.BANK_AGENT, "BANK01"),
    StaffSpec("bank02", Role.BANK_AGENT, "BANK02"),
    StaffSpec("mediator1", Role.MEDIATOR, "MED01"),
    StaffSpec("mediator2", Role.MEDIATOR, "MED01"),
    StaffSpec("mediator3", Role.MEDIATOR, "MED01"),
    StaffSpec("lawyer1", Role.MEDIATOR, "MED02", "LAW01"),
    StaffSpec("lawyer2", Role.MEDIATOR, "MED02", "LAW02"),
    StaffSpec("judge1", Role.JUDGE, "渝0105"),
    StaffSpec("judge2", Role.JUDGE, "渝0105"),
    StaffSpec("judge3", Role.JUDGE, "渝0105"),
    StaffSpec("clerk1", Role.CLERK, "渝0105"),
    StaffSpec("clerk2", Role.CLERK, "渝0105"),
    StaffSpec("clerk3", Role.CLERK, "渝0105"),
    StaffSpec("enforcer1", Role.ENFORCEMENT_OFFICER, "渝0105"),
    StaffSpec("enforcer2", Role.ENFORCEMENT_OFFICER, "渝0105"),
    StaffSpec("notary1", Role.NOTARY, "NOT01"),
    # A lawyer who acts for borrowers in court (委托诉讼代理人), not a mediator.
    StaffSpec("counsel1", Role.LAWYER, None, "LAW02"),
    StaffSpec("president", Role.COURT_PRESIDENT, "渝0105"),
    # Last, so the names drawn for everyone above stay as they were.
    StaffSpec("police01", Role.POLICE_LIAISON, "GA0105"),
    StaffSpec("prosecutor01", Role.PROSECUTOR, "JC0105"),
]

# The court's courtrooms (the administrator keeps them in the admin site): three in the building
# and one internet courtroom for online hearings.
COURTROOMS: list[tuple[str, bool]] = [
    ("第一法庭", False),
    ("第二法庭", False),
    ("第三法庭", False),
    ("金融审判互联网法庭", True),
]


def seed_staff(seed: int = 2026) -> list[User]:
    """Create (or find) every demo organisation and staff user; return the users."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    users: list[User] = []
    with transaction.atomic():
        for org_spec in ORGANISATIONS:
            fields = dict(org_spec)
            code = fields.pop("code")
            Organisation.objects.update_or_create(code=code, defaults=fields)
        court = Organisation.objects.get(code="渝0105")
        Organisation.objects.filter(
            kind__in=[OrganisationKind.MEDIATION_ORG, OrganisationKind.NOTARY_OFFICE]
        ).update(court=court)
        orgs = {o.code: o for o in Organisation.objects.all()}
        for name, online in COURTROOMS:
            Courtroom.objects.get_or_create(court=court, name=name, defaults={"online": online})
        for n, spec in enumerate(STAFF, start=1):
            name = fake.name()
            birth = date(1970 + n % 25, 1 + n % 12, 1 + n % 27)
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "role": spec.role,
                    "full_name": name,
                    "organisation": orgs.get(spec.organisation) if spec.organisation else None,
                    "law_firm": orgs.get(spec.law_firm) if spec.law_firm else None,
                    "phone": fake.phone_number(),
                    "id_number": make_resident_id("500105", birth, n),
                    "email": f"{spec.username}@demo.jiefen.cn",
                    "is_staff": spec.role == Role.PLATFORM_ADMIN,
                    "is_superuser": spec.role == Role.PLATFORM_ADMIN,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users.append(user)
    return users


# A borrower whose case went through the court: filed, served, heard or judged.
DEFENDANT_STATES = ["filed", "served", "hearing_scheduled", "heard", "judged", "effective"]


def seed_defendant_login(username: str = "defendant1") -> User | None:
    """A login for one borrower whose case was filed, so the defendant's portal can be tried."""
    from jiefen.cases.models import CaseParty, PartyRole

    link = (
        CaseParty.objects.filter(role=PartyRole.DEFENDANT, case__state__in=DEFENDANT_STATES)
        .select_related("party")
        .order_by("case_id")
        .first()
    )
    if link is None:
        return None
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": Role.DEFENDANT, "full_name": link.party.name, "party": link.party},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
