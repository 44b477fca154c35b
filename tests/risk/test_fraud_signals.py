"""Rules 9 and 10 (identity misuse, contacts shared with reported fraud) on hand-built data, and
the sweep raising every new kind once (idempotently), fraud warnings scoped to the borrower's
institution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from jiefen.accounts.models import InstitutionKind, Role
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource, PartyRole
from jiefen.privacy import contact_index
from jiefen.referrals.models import IdentityReport, ReportedContact, ReportSource
from jiefen.risk import actions, crime, fraud
from jiefen.risk.models import Warning, WarningKind

from .conftest import AS_OF

Maker = Callable[..., Any]


def report(case: Case, party: Any, source: str, on: date) -> IdentityReport:
    """A borrower's report of identity misuse made on `on` (10:00 local time)."""
    item = IdentityReport.objects.create(
        case=case, party=party, source=source, statement="本人从未申请该笔借款"
    )
    moment = timezone.make_aware(datetime.combine(on, time(10, 0)))
    IdentityReport.objects.filter(pk=item.pk).update(reported_at=moment)
    return item


def notice(kind: str, value: str, shown: str, on: date) -> ReportedContact:
    return ReportedContact.objects.create(
        kind=kind,
        value_index=contact_index(kind, value),
        shown=shown,
        note="市反诈中心通报",
        reported_on=on,
    )


def mobile(party: Any, number: str, source: str = ContactSource.CONTRACT) -> Contact:
    return Contact.objects.create(party=party, kind=ContactKind.MOBILE, value=number, source=source)


# --- 9. identity_misuse ---------------------------------------------------------------------


def test_each_report_warns_about_the_borrower_at_the_institution(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("渝信消费金融有限公司", InstitutionKind.CONSUMER_FINANCE)
    other = make_org("巴渝银行")
    victim = person("吴冒名")
    first = claim(bank, AS_OF - timedelta(days=40), defendant=victim)
    second = claim(bank, AS_OF - timedelta(days=30), defendant=victim)
    third = claim(other, AS_OF - timedelta(days=20), defendant=victim)
    report(first, victim, ReportSource.PORTAL, date(2026, 11, 2))
    report(second, victim, ReportSource.ANSWER, date(2026, 11, 5))
    report(third, victim, ReportSource.PORTAL, AS_OF)
    found = {f.institution_id: f for f in fraud.identity_misuse(AS_OF)}
    assert set(found) == {bank.pk, other.pk}
    at_bank = found[bank.pk]
    assert at_bank.kind == WarningKind.IDENTITY_MISUSE
    assert at_bank.subject_key == f"party:{victim.pk}:institution:{bank.pk}"
    assert at_bank.subject_name == "吴冒名"
    assert at_bank.case_ids == sorted([first.pk, second.pk])
    assert at_bank.score == 20  # 10 × two reported cases
    assert "2026-11-02经调解平台、2026-11-05经答辩状" in at_bank.summary
    signals = {s["signal"]: s["value"] for s in at_bank.signals}
    assert signals == {"reports": 2, "source": "调解平台、答辩状", "reported_on": "2026-11-02"}
    assert found[other.pk].case_ids == [third.pk] and found[other.pk].score == 10


def test_a_report_after_the_day_judged_is_not_yet_known(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("渝信消费金融有限公司", InstitutionKind.CONSUMER_FINANCE)
    victim = person("吴冒名")
    case = claim(bank, AS_OF - timedelta(days=40), defendant=victim)
    report(case, victim, ReportSource.PORTAL, AS_OF + timedelta(days=1))
    assert fraud.identity_misuse(AS_OF) == []
    assert [f.case_ids for f in fraud.identity_misuse(AS_OF + timedelta(days=1))] == [[case.pk]]


# --- 10. fraud_contact ----------------------------------------------------------------------


def test_a_borrower_with_a_phone_the_police_reported(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("巴渝银行")
    notice(ContactKind.MOBILE, "+86 139-0000-1111", "139****1111", AS_OF - timedelta(days=3))
    hit = person("郑涉诈", mobile="13900001111")
    cases = [claim(bank, AS_OF - timedelta(days=d), defendant=hit) for d in (5, 50)]
    claim(bank, AS_OF - timedelta(days=5), defendant=person("郑无关", mobile="13900001112"))
    # a guarantor with the number counts too
    guarantor = person("钱担保", mobile="13900001111")
    backed = claim(bank, AS_OF - timedelta(days=8), guarantors=[guarantor])
    # the number in a case received 730 days back (outside the window) counts for nobody
    claim(bank, AS_OF - timedelta(days=730), defendant=person("冯旧案", mobile="13900001111"))
    found = {f.subject_key: f for f in fraud.fraud_contact(AS_OF)}
    assert set(found) == {
        f"party:{hit.pk}:institution:{bank.pk}",
        f"party:{guarantor.pk}:institution:{bank.pk}",
    }
    mine = found[f"party:{hit.pk}:institution:{bank.pk}"]
    assert mine.kind == WarningKind.FRAUD_CONTACT
    assert mine.institution_id == bank.pk and mine.subject_name == "郑涉诈"
    assert mine.case_ids == sorted(c.pk for c in cases)
    assert mine.score == 10
    assert mine.signals[0] == {
        "signal": "matches",
        "label": "相同的涉诈联系方式数",
        "value": 1,
        "threshold": 1,
    }
    assert mine.signals[1]["value"] == "139****1111"
    assert mine.signals[1]["threshold"] == "涉诈通报"
    assert "13900001111" not in str(mine.signals) + mine.summary
    assert found[f"party:{guarantor.pk}:institution:{bank.pk}"].case_ids == [backed.pk]


def test_a_notice_after_the_day_judged_matches_nobody(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("巴渝银行")
    notice(ContactKind.MOBILE, "13900001111", "139****1111", AS_OF + timedelta(days=1))
    claim(bank, AS_OF - timedelta(days=5), defendant=person("郑涉诈", mobile="13900001111"))
    assert fraud.fraud_contact(AS_OF) == []


def test_the_unconfirmed_contacts_of_an_identity_misuse_loan(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("渝信消费金融有限公司", InstitutionKind.CONSUMER_FINANCE)
    other_bank = make_org("巴渝银行")
    victim = person("吴冒名", mobile="13911112222", address="重庆市渝中区解放碑8号")
    mobile(victim, "13700003333", source=ContactSource.PARTY)  # the victim's own, confirmed
    Contact.objects.create(  # the address the loan file gave (the institution's data)
        party=victim,
        kind=ContactKind.ADDRESS,
        value="重庆市渝北区龙溪街道金紫山1号",
        source=ContactSource.INSTITUTION,
    )
    co_borrower = person("吴家人", mobile="13911112222")
    reported = claim(bank, AS_OF - timedelta(days=60), defendant=victim, guarantors=[co_borrower])
    report(reported, victim, ReportSource.ANSWER, AS_OF - timedelta(days=10))
    claim(other_bank, AS_OF - timedelta(days=5), defendant=victim)  # the victim's own other loan

    same_phone = person("孙同号", mobile="13911112222", division="500112")
    by_phone = claim(other_bank, AS_OF - timedelta(days=5), defendant=same_phone)
    same_place = person("李同址", division="500112")
    Contact.objects.create(
        party=same_place,
        kind=ContactKind.ADDRESS,
        value="重庆市渝北区龙溪街道金紫山1号",
        source=ContactSource.CONTRACT,
    )
    by_place = claim(other_bank, AS_OF - timedelta(days=6), defendant=same_place)
    # the victim's confirmed phone and registered home are theirs, not the fraudster's
    confirmed = person("周本人号", mobile="13700003333")
    claim(other_bank, AS_OF - timedelta(days=5), defendant=confirmed)
    neighbour = person("王同户", address="重庆市渝中区解放碑8号")
    claim(other_bank, AS_OF - timedelta(days=5), defendant=neighbour)

    found = {f.subject_key: f for f in fraud.fraud_contact(AS_OF)}
    assert set(found) == {
        f"party:{same_phone.pk}:institution:{other_bank.pk}",
        f"party:{same_place.pk}:institution:{other_bank.pk}",
    }
    phone = found[f"party:{same_phone.pk}:institution:{other_bank.pk}"]
    assert phone.case_ids == [by_phone.pk] and phone.institution_id == other_bank.pk
    assert phone.score == 5
    assert phone.signals[1] == {
        "signal": "fraud_mobile",
        "label": "手机号与冒名贷款案件相同",
        "value": "139****2222",
        "threshold": "冒名贷款案件",
    }
    place = found[f"party:{same_place.pk}:institution:{other_bank.pk}"]
    assert place.case_ids == [by_place.pk]
    assert place.signals[1]["value"] == "重庆市渝北区"  # the district, never the street
    assert "金紫山" not in str(place.signals) + place.summary


def test_both_origins_of_one_number_count_as_a_notice(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("巴渝银行")
    victim = person("吴冒名", mobile="13911112222")
    reported = claim(bank, AS_OF - timedelta(days=60), defendant=victim)
    report(reported, victim, ReportSource.PORTAL, AS_OF - timedelta(days=10))
    notice(ContactKind.MOBILE, "13911112222", "139****2222", AS_OF - timedelta(days=2))
    other = person("孙同号", mobile="13911112222")
    claim(bank, AS_OF - timedelta(days=5), defendant=other)
    found = {f.subject_key: f for f in fraud.fraud_contact(AS_OF)}
    # the notice matches the victim too (the fraudster's number is on their loan)
    assert set(found) == {
        f"party:{other.pk}:institution:{bank.pk}",
        f"party:{victim.pk}:institution:{bank.pk}",
    }
    hit = found[f"party:{other.pk}:institution:{bank.pk}"]
    assert hit.score == 10
    assert hit.signals[1]["threshold"] == "涉诈通报、冒名贷款案件"
    # the victim's own loan matches the notice only (not the contact of their own report)
    own = found[f"party:{victim.pk}:institution:{bank.pk}"]
    assert own.signals[1]["threshold"] == "涉诈通报" and own.case_ids == [reported.pk]


# --- the sweep ------------------------------------------------------------------------------


def test_the_sweep_raises_each_new_kind_once(
    make_org: Maker, claim: Maker, person: Maker, make_user: Maker
) -> None:
    from .test_crime_signals import START, facts, loan

    lender = make_org("重庆速融商贸有限公司", InstitutionKind.OTHER)
    borrower = person("周小明")
    loan(claim, lender, facts("50000.00", "45000.00"), defendant=borrower)
    follow_on = START + timedelta(days=182)
    loan(
        claim,
        lender,
        facts("50000.00", "45000.00", start=follow_on, end=follow_on + timedelta(days=180)),
        defendant=borrower,
    )
    loan(claim, lender, facts("50000.00", "45000.00"))
    bank = make_org("巴渝银行")
    victim = person("吴冒名", mobile="13911112222")
    reported = claim(bank, AS_OF - timedelta(days=60), defendant=victim)
    report(reported, victim, ReportSource.PORTAL, AS_OF - timedelta(days=10))
    claim(bank, AS_OF - timedelta(days=5), defendant=person("孙同号", mobile="13911112222"))

    admin = make_user(Role.PLATFORM_ADMIN)
    first = actions.detect_warnings(by=admin, as_of=AS_OF)
    kinds = {
        k: Warning.objects.filter(kind=k).count() for k in (*crime.CRIME_KINDS, *fraud.FRAUD_KINDS)
    }
    assert kinds == {
        WarningKind.WITHHELD_INTEREST: 1,
        WarningKind.EFFECTIVE_RATE: 1,
        WarningKind.SERIAL_LOANS: 1,
        WarningKind.PROFESSIONAL_LENDER: 0,
        WarningKind.IDENTITY_MISUSE: 1,
        WarningKind.FRAUD_CONTACT: 1,
    }
    assert first.created == 5
    again = actions.detect_warnings(by=admin, as_of=AS_OF)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert AuditRecord.objects.filter(action="risk.detect_warnings").count() == 1
    for kind in fraud.FRAUD_KINDS:
        warning = Warning.objects.get(kind=kind)
        assert warning.institution_id == bank.pk  # the bank's own borrower
        assert warning.subject_key.endswith(f":institution:{bank.pk}")
    serial = Warning.objects.get(kind=WarningKind.SERIAL_LOANS)
    assert serial.cases.filter(case_parties__role=PartyRole.DEFENDANT).count() == 2
