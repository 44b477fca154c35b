"""The risk step of `jiefen demo`: one warning of each kind from the demo's own data.

- A private lender (重庆速融商贸有限公司, not a licensed financial institution) uploads a small
  loan batch through intake: 14 loans to 12 borrowers (职业放贷人), four of whom share a mobile
  or an employer across their unrelated loans (团伙). Eleven loans had their interest withheld
  up front (砍头息: 80–90 % of the agreed amount paid out, a stated 15 % a year over 3–6 months,
  so the effective rate is several times the stated one) and one borrower took three loans,
  each paid out within days of the previous one's end to pay it off (转单平账); the lender
  sues for the agreed amounts. The referral step (demo/referrals.py) files and refers them.
- The credit-card batch claims penalty and compound interest above the cap on most cards
  (intake's screening flags them): 超限主张利息 for the card centre — and for the lender, whose
  stated 15 % is above its private cap of 4 × LPR.
- The banks' batches all arrived in the last 30 days, against no earlier suits (诉讼激增); a
  feed of complaints against one bank adds the complaints signal.
- The centre imports a feed CSV of registrations, penalties and complaints of firms in
  Chongqing's districts (one row deliberately broken, to show the row error): two quasi-
  financial firms are rising (类金融企业), the grid view shows every district.
Then the sweep runs for today and the administrator gives one warning to the court president.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiefen.accounts.models import InstitutionKind, Organisation, OrganisationKind, Role, User
from jiefen.demo.intake import COURT
from jiefen.demo.staff import DEMO_PASSWORD
from jiefen.intake.actions import create_batch, process_batch
from jiefen.intake.format import LOAN
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.models import Batch
from jiefen.law.identifiers import make_uscc
from jiefen.law.interest import simple_interest
from jiefen.risk.actions import assign, detect_warnings, import_feed_csv
from jiefen.risk.feeds import COLUMNS
from jiefen.risk.models import Warning, WarningKind
from jiefen.risk.selectors import district_grid

LENDER = {
    "code": "LEND01",
    "name": "重庆速融商贸有限公司",
    "kind": OrganisationKind.INSTITUTION,
    "institution_kind": InstitutionKind.OTHER,
    "uscc": make_uscc("500105", "31415926"),
    "address": "重庆市江北区五里店街道塔坪路12号",
    "legal_representative": "周立新",
    "representative_title": "执行董事",
}
RING_MOBILE_ROWS = (0, 1)  # these two borrowers give one phone number
RING_EMPLOYER_ROWS = (1, 2, 3)  # these three one employer
RING_EMPLOYER = "重庆鑫达物流有限公司"
LENDER_PRODUCT = ("个人借款", "《借款合同》")  # one product: one series (系列案)
STATED_RATE = Decimal("15.00")  # percent a year, the rate written in the contract
LENDER_CUT_OFF = date(2026, 10, 31)
WITHHELD_LOANS = 11  # rows 0-10: interest withheld up front
# Row 11's borrower takes three loans: each paid out within days of the previous one's term end
# and for more than it (套路贷意见 第3条: 转单平账、恶意垒高借款金额); (agreed, paid out on, days).
SERIAL_LOANS: tuple[tuple[str, date, int], ...] = (
    ("30000.00", date(2024, 3, 1), 90),
    ("36000.00", date(2024, 6, 1), 91),
    ("45000.00", date(2024, 8, 29), 90),
)

# (firm, district, business scope, [(source, days before today), ...])
FIRMS: list[tuple[str, str, str, list[tuple[str, int]]]] = [
    (
        "重庆聚鑫投资管理有限公司",
        "500112",
        "投资管理；资产管理；财务咨询",
        [("penalty", 20), ("penalty", 60), ("complaint", 5), ("complaint", 15), ("complaint", 40)],
    ),
    (
        "重庆汇金财富管理有限公司",
        "500103",
        "财富管理咨询；理财产品推介",
        [
            ("penalty", 30),
            ("complaint", 10),
            ("complaint", 20),
            ("complaint", 50),
            ("complaint", 70),
        ],
    ),
    ("重庆长盛融资租赁有限公司", "500105", "融资租赁业务", [("penalty", 150), ("complaint", 10)]),
    ("重庆诚信典当有限公司", "500106", "动产质押典当业务", [("complaint", 100)]),
    ("重庆顺达商业保理有限公司", "500108", "商业保理业务", [("penalty", 45), ("complaint", 2)]),
    ("重庆美味餐饮管理有限公司", "500107", "餐饮服务", [("penalty", 10), ("penalty", 20)]),
    ("重庆渝丰商贸有限公司", "500113", "日用百货销售", []),
    (LENDER["name"], "500105", "商务信息咨询；企业管理咨询", []),  # no lending licence
]
CENT = Decimal("0.01")
COMPLAINTS_AGAINST_BANK = 12  # against BANK02 in the last 30 days


def _lender() -> tuple[Organisation, User]:
    fields = dict(LENDER)
    code = fields.pop("code")
    org, _ = Organisation.objects.update_or_create(code=code, defaults=fields)
    agent, created = User.objects.get_or_create(
        username="lender01",
        defaults={"role": Role.BANK_AGENT, "organisation": org, "full_name": "周敏"},
    )
    if created:  # the demo prints every login with the one demo password
        agent.set_password(DEMO_PASSWORD)
        agent.save(update_fields=["password"])
    return org, agent


def _upload(lender: Organisation, agent: User) -> Batch:
    """The lender's agent uploads the batch as any institution does (intake's front door)."""
    court = Organisation.objects.get(code=COURT)
    data = render(_lender_rows(), LOAN)
    batch, _ = create_batch(lender, court, data, "速融商贸-借款合同纠纷-2025.csv", by=agent)
    return process_batch(batch.pk)


def _loan_terms(
    row: dict[str, str], agreed: Decimal, disbursed: Decimal, start: date, days: int
) -> None:
    """A bullet loan at the stated rate, unpaid from the start; claimed at its agreed amount.

    The claim is what such a lender files: the agreed (not the paid-out) principal, the stated
    interest over the term and penalty interest at 1.5 × from the day after the term's end, no
    compound interest. Already the stated 15 % is above a private lender's cap of 4 × LPR
    (民间借贷规定 Art. 25), so intake's screening flags the claims; measured on what was paid out,
    the loan costs the borrower far more.
    """
    end = start + timedelta(days=days)
    overdue = end + timedelta(days=1)
    interest = simple_interest(agreed, STATED_RATE, days)
    penalty = simple_interest(
        agreed, STATED_RATE, (LENDER_CUT_OFF - overdue).days, multiplier=Decimal("1.5")
    )
    product, contract_name = LENDER_PRODUCT
    for key in [k for k in row if k.startswith("collateral")]:
        del row[key]
    row.update(
        {
            "product": product,
            "contract_name": contract_name,
            "signed_on": start.isoformat(),
            "annual_rate": str(STATED_RATE),
            "penalty_multiplier": "1.5",
            "compound": "否",
            "repaid_principal": "0.00",
            "repaid_interest": "0.00",
            "interest_paid_to": start.isoformat(),
            "overdue_since": overdue.isoformat(),
            "last_collection_on": (LENDER_CUT_OFF - timedelta(days=20)).isoformat(),
            "collection_channel": "电话",
            "cut_off_date": LENDER_CUT_OFF.isoformat(),
            "principal": str(agreed),
            "interest": str(interest),
            "penalty_interest": str(penalty),
            "compound_interest": "0.00",
            "fees": "0.00",
            "liquidated_damages": "0.00",
            "lawyer_fees": "0.00",
            "claim_total": str(agreed + interest + penalty),
            "loan_agreed": str(agreed),
            "loan_disbursed": str(disbursed),
            "disbursed_on": start.isoformat(),
            "term_start": start.isoformat(),
            "term_end": end.isoformat(),
            "repayment_method": "到期一次性还本付息",
            "evidence": "借款合同.pdf;银行转账凭证.pdf;借条.pdf",
        }
    )
    if row.get("guarantor1_name"):
        row["guarantee_signed_on"] = start.isoformat()


def _lender_rows() -> list[dict[str, str]]:
    """14 loan rows of 12 borrowers: 11 with interest withheld (four borrowers of them in a
    ring), then one borrower's three serial loans."""
    rows, _ = generate_rows(LOAN, WITHHELD_LOANS + 1, seed=4242)
    draw = random.Random(4242)
    for row in rows[:WITHHELD_LOANS]:
        agreed = Decimal(draw.choice((20000, 30000, 50000, 60000, 80000, 100000))).quantize(CENT)
        share = Decimal(draw.choice((80, 82, 85, 88, 90))) / 100  # of the agreed amount paid out
        start = date(2024, 1, 8) + timedelta(days=draw.randrange(0, 300))
        _loan_terms(
            row, agreed, (agreed * share).quantize(CENT), start, draw.choice((90, 120, 180))
        )
    serial = rows.pop()
    for amount, start, days in SERIAL_LOANS:
        row = dict(serial)
        _loan_terms(row, Decimal(amount), Decimal(amount), start, days)
        rows.append(row)
    for n, row in enumerate(rows):
        row["contract_number"] = f"SR2024-{n + 1:04d}"
    shared = rows[RING_MOBILE_ROWS[0]]["borrower_mobile"]
    for i in RING_MOBILE_ROWS:
        rows[i]["borrower_mobile"] = shared
    for i in RING_EMPLOYER_ROWS:
        rows[i]["borrower_employer"] = RING_EMPLOYER
    return rows


def _feed_csv(today: date) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    for n, (name, division, scope, events) in enumerate(FIRMS):
        uscc = (
            LENDER["uscc"] if name == LENDER["name"] else make_uscc(division, f"{52000000 + n:08d}")
        )
        base = {"firm_name": name, "uscc": uscc, "division_code": division}
        writer.writerow(
            {
                **base,
                "source": "registration",
                "external_id": f"GS-{uscc}",
                "occurred_on": "2019-06-18",
                "business_scope": scope,
                "registered_capital": "5000",
            }
        )
        for i, (source, days) in enumerate(events):
            writer.writerow(
                {
                    **base,
                    "source": source,
                    "external_id": f"{source[:2].upper()}-{uscc}-{i}",
                    "occurred_on": (today - timedelta(days=days)).isoformat(),
                    "detail": "未经批准向社会公众推介理财产品"
                    if source == "penalty"
                    else "承诺保本高息，到期不能兑付",
                    "amount": "100000" if source == "penalty" else "",
                }
            )
    bank = Organisation.objects.get(code="BANK02")
    for i in range(COMPLAINTS_AGAINST_BANK):
        writer.writerow(
            {
                "source": "complaint",
                "external_id": f"TS-BANK02-{i}",
                "firm_name": bank.name,
                "uscc": bank.uscc,
                "division_code": "500105",
                "occurred_on": (today - timedelta(days=i % 30)).isoformat(),
                "detail": "催收电话频繁，骚扰家人",
            }
        )
    writer.writerow(
        {
            "source": "penalty",
            "external_id": "BAD-1",
            "firm_name": "日期写错的公司",
            "occurred_on": "2026/13/01",
        }
    )  # refused: 第N行「发生日期」
    return out.getvalue().encode()


def run_risk_demo(stdout: Any) -> None:
    today = timezone.localdate()
    admin = User.objects.filter(role=Role.PLATFORM_ADMIN).order_by("pk").first()
    lender, agent = _lender()
    batch = _upload(lender, agent)
    stdout.write(f"风险预警：{lender.name}（非持牌）提交 {batch.cases.count()} 件借款案件")
    feed = import_feed_csv(_feed_csv(today), by=admin, name="区金融办-处罚投诉登记.csv")
    first_error = feed.errors[0]["message"] if feed.errors else "无"
    stdout.write(
        f"· 外部数据导入：{feed.rows} 行，新增 {feed.accepted}，退回 {len(feed.errors)}（{first_error}）"
    )
    result = detect_warnings(by=None, as_of=today)
    stdout.write(f"· 风险预警扫描（{today}）：新增 {result.created} 条，更新 {result.updated} 条")
    for kind in WarningKind:
        found = Warning.objects.filter(kind=kind).order_by("-score")
        top = found.first()
        shown = f"，如「{top.subject_name}」：{top.summary}" if top else ""
        stdout.write(f"  {kind.label}：{found.count()} 条{shown}")
    rows = district_grid(today)
    stdout.write(
        "· 类金融网格："
        + "；".join(
            f"{r.name} 类金融企业{r.quasi_financial_firms}家/风险分{r.total_score}"
            for r in rows
            if r.quasi_financial_firms
        )
    )
    president = User.objects.filter(role=Role.COURT_PRESIDENT).order_by("pk").first()
    lender_warning = Warning.objects.filter(kind=WarningKind.PROFESSIONAL_LENDER).first()
    if admin and president and lender_warning:
        assign(lender_warning, president, by=admin)
        stdout.write(
            f"· 管理员将「{lender_warning.subject_name}」职业放贷人预警分派给院庭长 {president}"
        )
