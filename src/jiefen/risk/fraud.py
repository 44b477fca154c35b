"""Fraud early warning about a borrower (反诈预警): rules 9 and 10 of docs/risk.md.

- `identity_misuse(as_of)` (冒名贷款): every borrower's report that a loan was taken in their
  name (`referrals.IdentityReport`, from the mediation portal or their answer) is a warning
  about that borrower, per institution of the reported case(s).
- `fraud_contact(as_of)` (涉诈关联联系方式): a defendant or guarantor of another case whose mobile
  or address is one the police reported as used for fraud (`referrals.ReportedContact`, the
  anti-fraud centre's notices) or one that the file of an identity-misuse loan gave for the
  borrower without the borrower confirming it (the fraudster's number or address).

Matching is on the blind index of the contact (`Contact.value_index`, as the contact graph of
`jiefen.risk.graph` joins parties): no clear number is read except the few shown, masked.

Every finding is about one borrower at one institution: subject key
`party:{party_id}:institution:{org_id}` and `institution_id` set, so that institution's bank
agents see the warnings about their own borrowers (`cases.access.visible_warnings`) and the
referrals stage turns them into intervention tasks. `FRAUD_KINDS` are these two kinds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case, CaseParty, Contact, ContactSource, Party, PartyRole
from jiefen.privacy import contact_index, mask_phone
from jiefen.referrals.models import IdentityReport, ReportedContact, ReportSource
from jiefen.risk.dates import local_day, received
from jiefen.risk.districts import district_name
from jiefen.risk.finding import Finding, signal
from jiefen.risk.graph import ADDRESS, MOBILE
from jiefen.risk.models import WarningKind

FRAUD_KINDS = (WarningKind.IDENTITY_MISUSE, WarningKind.FRAUD_CONTACT)

# The cases a fraud contact is looked for in: those received in the two years to as_of (the
# window of the contact graph, rule 4).
FRAUD_WINDOW_DAYS = 730
# Score weights: one reported case of identity misuse; a match with a police notice weighs twice
# a match with the unconfirmed contact of an identity-misuse loan (a notice is an established
# fraud, the disputed loan's contact is a lead).
IDENTITY_WEIGHT = 10
NOTICE_WEIGHT = 10
IDENTITY_CONTACT_WEIGHT = 5

NOTICE, IDENTITY_CASE = "notice", "identity_case"
ORIGIN_LABELS = {NOTICE: "涉诈通报", IDENTITY_CASE: "冒名贷款案件"}
KIND_LABELS = {MOBILE: "手机号", ADDRESS: "地址"}


def _until(as_of: date) -> datetime:
    """The end of as_of (local time): reports made later are not yet known on as_of."""
    return timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))


def _reports(as_of: date) -> list[tuple[int, int, int, str, date]]:
    """(party_id, institution_id, case_id, source, reported day) of the reports up to as_of."""
    rows = (
        IdentityReport.objects.filter(reported_at__lt=_until(as_of))
        .order_by("reported_at", "pk")
        .values_list("party_id", "case__institution_id", "case_id", "source", "reported_at")
    )
    return [(p, org, c, s, local_day(at)) for p, org, c, s, at in rows]


def identity_misuse(as_of: date) -> list[Finding]:
    """Rule 9: one warning per (reporting borrower, institution of the reported cases)."""
    groups: dict[tuple[int, int], list[tuple[int, str, date]]] = defaultdict(list)
    for party_id, org, case_id, source, day in _reports(as_of):
        groups[(party_id, org)].append((case_id, source, day))
    people = dict(Party.objects.filter(pk__in={p for p, _ in groups}).values_list("pk", "name"))
    orgs = dict(
        Organisation.objects.filter(pk__in={o for _, o in groups}).values_list("pk", "name")
    )
    labels = dict(ReportSource.choices)
    found = []
    for (party_id, org), reports in sorted(groups.items()):
        person, name = people.get(party_id, ""), orgs.get(org, "")
        sources = "、".join(dict.fromkeys(str(labels.get(s, s)) for _, s, _ in reports))
        when = "、".join(
            dict.fromkeys(f"{day.isoformat()}经{labels.get(s, s)}" for _, s, day in reports)
        )
        n = len({c for c, _, _ in reports})
        found.append(
            Finding(
                kind=WarningKind.IDENTITY_MISUSE,
                subject_key=f"party:{party_id}:institution:{org}",
                subject_name=person,
                institution_id=org,
                score=Decimal(IDENTITY_WEIGHT * n),
                summary=(
                    f"借款人{person}于{when}报告：{name}主张的{n}件借款系他人冒用其身份办理"
                    "（冒名贷款），请核实借款人身份并提示防范电信网络诈骗。"
                ),
                signals=[
                    signal("reports", "冒名贷款报告（案件数）", n, 1),
                    signal("source", "报告来源", sources, None),
                    signal("reported_on", "首次报告日期", reports[0][2].isoformat(), None),
                ],
                case_ids=sorted({c for c, _, _ in reports}),
            )
        )
    return found


@dataclass
class _Target:
    """A reported fraud contact: where it comes from, and who must not be matched with it (the
    reporting borrower and the co-parties of the reported case: they share it innocently)."""

    origins: set[str] = field(default_factory=set)
    shown: str = ""
    excluded: set[int] = field(default_factory=set)

    def origins_for(self, party_id: int) -> tuple[str, ...]:
        """What the contact of `party_id` matches: a police notice matches anyone; the contact
        of an identity-misuse loan nobody of that loan."""
        return tuple(
            o
            for o in (NOTICE, IDENTITY_CASE)
            if o in self.origins and (o == NOTICE or party_id not in self.excluded)
        )


@dataclass
class _Match:
    kind: str
    target: _Target
    origins: tuple[str, ...]
    clear: str  # the clear mobile (to mask for the signal); "" for an address


def _targets(as_of: date) -> dict[tuple[str, str], _Target]:
    targets: dict[tuple[str, str], _Target] = defaultdict(_Target)
    notices = ReportedContact.objects.filter(
        reported_on__lte=as_of, kind__in=[MOBILE, ADDRESS]
    ).exclude(value_index="")
    for kind, index, shown in notices.values_list("kind", "value_index", "shown"):
        target = targets[(kind, index)]
        target.origins.add(NOTICE)
        target.shown = target.shown or shown
    reports = _reports(as_of)
    if not reports:
        return targets
    reporters = {p for p, *_ in reports}
    co_parties: dict[int, set[int]] = defaultdict(set)
    for case_id, party_id in CaseParty.objects.filter(
        case_id__in={c for _, _, c, _, _ in reports}
    ).values_list("case_id", "party_id"):
        co_parties[case_id].add(party_id)
    excluded_of: dict[int, set[int]] = defaultdict(set)
    for party_id, _, case_id, _, _ in reports:
        excluded_of[party_id] |= {party_id} | co_parties[case_id]
    # The registered domicile is the victim's own (from the ID card the fraudster used): an
    # address contact equal to it is not the fraudster's.
    homes = {
        pk: contact_index(ADDRESS, domicile)
        for pk, domicile in Party.objects.filter(pk__in=reporters).values_list("pk", "domicile")
        if domicile
    }
    unconfirmed = (
        Contact.objects.filter(party_id__in=reporters, kind__in=[MOBILE, ADDRESS])
        .exclude(source=ContactSource.PARTY)
        .exclude(value_index="")
    )
    for party_id, kind, index in unconfirmed.values_list("party_id", "kind", "value_index"):
        if kind == ADDRESS and homes.get(party_id) == index:
            continue
        target = targets[(kind, index)]
        target.origins.add(IDENTITY_CASE)
        target.excluded |= excluded_of[party_id]
    return targets


def _shown(kind: str, target: _Target, value: str, division: str) -> str:
    """A masked mobile; an address as its district (never the street)."""
    if kind == MOBILE:
        return mask_phone(value) if value else target.shown or "***"
    if NOTICE in target.origins and target.shown:
        return target.shown
    return district_name(division) if division else "同一地址"


def fraud_contact(as_of: date) -> list[Finding]:
    """Rule 10: a defendant or guarantor of a case received in the window whose mobile or
    address matches a reported fraud contact; one warning per (party, institution)."""
    targets = _targets(as_of)
    if not targets:
        return []
    first = as_of - timedelta(days=FRAUD_WINDOW_DAYS - 1)
    window = Case.objects.filter(received(first, as_of))
    links = CaseParty.objects.filter(
        role__in=[PartyRole.DEFENDANT, PartyRole.GUARANTOR], case__in=window.values("pk")
    )
    indexes = sorted({index for _, index in targets})
    matches: dict[int, dict[tuple[str, str], _Match]] = defaultdict(dict)
    contacts = Contact.objects.filter(
        kind__in=[MOBILE, ADDRESS],
        value_index__in=indexes,
        party_id__in=links.values("party_id"),
    ).order_by("party_id", "pk")
    for contact in contacts.only("party_id", "kind", "value", "value_index"):
        key = (contact.kind, contact.value_index)
        target = targets.get(key)
        if target is None or key in matches[contact.party_id]:
            continue
        origins = target.origins_for(contact.party_id)
        if origins:
            clear = contact.value if contact.kind == MOBILE else ""
            matches[contact.party_id][key] = _Match(contact.kind, target, origins, clear)
    matches = defaultdict(dict, {p: m for p, m in matches.items() if m})
    if not matches:
        return []
    cases_of: dict[tuple[int, int], set[int]] = defaultdict(set)
    for party_id, case_id, org in links.filter(party_id__in=list(matches)).values_list(
        "party_id", "case_id", "case__institution_id"
    ):
        cases_of[(party_id, org)].add(case_id)
    people = {
        pk: (name, division)
        for pk, name, division in Party.objects.filter(pk__in=list(matches)).values_list(
            "pk", "name", "domicile_division"
        )
    }
    orgs = dict(
        Organisation.objects.filter(pk__in={o for _, o in cases_of}).values_list("pk", "name")
    )
    found = []
    for (party_id, org), case_ids in sorted(cases_of.items()):
        person, division = people.get(party_id, ("", ""))
        rows, score, said = [], 0, []
        for match in matches[party_id].values():
            kind = match.kind
            shown = _shown(kind, match.target, match.clear, division)
            what = "、".join(ORIGIN_LABELS[o] for o in match.origins)
            score += NOTICE_WEIGHT if NOTICE in match.origins else IDENTITY_CONTACT_WEIGHT
            rows.append(signal(f"fraud_{kind}", f"{KIND_LABELS[kind]}与{what}相同", shown, what))
            said.append(f"{KIND_LABELS[kind]}（{shown}）与{what}中的联系方式相同")
        name = orgs.get(org, "")
        found.append(
            Finding(
                kind=WarningKind.FRAUD_CONTACT,
                subject_key=f"party:{party_id}:institution:{org}",
                subject_name=person,
                institution_id=org,
                score=Decimal(score),
                summary=(
                    f"{name}的借款人{person}的{'；'.join(said)}，疑似与电信网络诈骗关联，"
                    "请核实并及时劝阻。"
                ),
                signals=[signal("matches", "相同的涉诈联系方式数", len(rows), 1), *rows],
                case_ids=sorted(case_ids),
            )
        )
    return found
