"""Which contacts of a party the court may serve on, and what each one legally is.

Only the party's own contacts (rule: a phone, e-mail or address is used only when it is bound to
the party's ID number — a `Contact` hangs off the `Party`, which is one ID number): those the
bank's contract data gave, the party confirmed, or the party's own portal login. A value that is
also registered for a *different* person of the same name (another ID number) is never used: it
may well be the other person's, and serving there would tell a stranger of the suit.

For each usable contact: the channel, where it came from, whether it is a confirmed address
(the party confirmed it, or agreed it in the contract's service clause — 最高人民法院《关于进一步
加强民事送达工作的若干意见》第八条) and the consent it carries for e-service (在线诉讼规则第二十九条).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from jiefen.accounts.models import Role, User
from jiefen.cases.models import Contact, ContactKind, ContactSource, Party
from jiefen.law.service import consent_basis
from jiefen.privacy import mask_phone

_CHANNEL_OF = {ContactKind.MOBILE: "sms", ContactKind.EMAIL: "email", ContactKind.ADDRESS: "post"}
PORTAL_ADDRESS = "诉讼服务平台个人账户"


@dataclass(frozen=True)
class Address:
    channel: str  # sms | email | portal | post
    value: str
    masked: str
    source: str  # where it came from, as the proof prints it
    confirmed: bool
    consent: str  # the e-service consent basis ("" = none; post needs none)
    contact_id: int | None = None


@dataclass
class PartyAddresses:
    party_id: int
    usable: list[Address]
    refused: list[str]  # why a contact was left out (same name, other ID number)

    def on(self, channel: str) -> list[Address]:
        return [a for a in self.usable if a.channel == channel]

    @property
    def electronic(self) -> list[Address]:
        return [a for a in self.usable if a.channel in ("sms", "email", "portal") and a.consent]


def normalise(kind: str, value: str) -> str:
    text = "".join(value.split())
    if kind == ContactKind.MOBILE:
        return text.removeprefix("+86").removeprefix("86") if len(text) > 11 else text
    return text.lower() if kind == ContactKind.EMAIL else text


def mask(kind: str, value: str) -> str:
    if kind == ContactKind.MOBILE:
        return mask_phone(normalise(kind, value))
    if kind == ContactKind.EMAIL:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return value[:8] + "****" if len(value) > 8 else value


def _source_label(contact: Contact) -> str:
    label = ContactSource(contact.source).label
    return f"{label}（当事人已确认）" if contact.confirmed else label


def _clause(c: Contact) -> bool:
    """The bank's data carries the contract's pre-dispute e-service clause for this contact."""
    return c.e_service_consent and c.source != ContactSource.PARTY


def _confirmed_consent(c: Contact) -> bool:
    """The party's own address confirmation, with its tick to accept e-service."""
    return c.e_service_consent and c.source == ContactSource.PARTY


def _consent(c: Contact, acted: bool) -> str:
    """The e-service consent a contact carries (在线诉讼规则 Art. 29), or "" for none.

    Express consent only: the contract's clause (bank data), the party's confirmation with the
    e-service tick, an electronic address the party itself gave (its own pleadings: the portal
    refuses an e-address without the tick, so a party's contact without it came from a
    pleading), or the party acting on the platform. The bank's "confirmed" flag alone is not
    a consent: such an address is confirmed for post.
    """
    return (
        consent_basis(
            contract_clause=_clause(c),
            confirmed_address=_confirmed_consent(c),
            pleadings_address=c.source == ContactSource.PARTY,
            acted=acted,
        )
        or ""
    )


def addresses_of(parties: Iterable[Party]) -> dict[int, PartyAddresses]:
    """party id → the contacts service may use, for many parties with few queries.

    `parties` should come with `contacts` prefetched.
    """
    people = list(parties)
    names = {p.name for p in people}
    namesakes: dict[str, set[int]] = defaultdict(set)
    for pk, name in Party.objects.filter(name__in=names).values_list("pk", "name"):
        namesakes[name].add(pk)
    others = {pk for p in people for pk in namesakes[p.name] if pk != p.pk}
    taken: dict[tuple[str, str], set[int]] = defaultdict(set)
    for c in Contact.objects.filter(party_id__in=others).only("party_id", "kind", "value"):
        taken[(c.kind, normalise(c.kind, c.value))].add(c.party_id)
    logins = set(
        User.objects.filter(
            role=Role.DEFENDANT, is_active=True, party_id__in=[p.pk for p in people]
        ).values_list("party_id", flat=True)
    )
    result: dict[int, PartyAddresses] = {}
    for p in people:
        refused: list[str] = []
        contacts = list(p.contacts.all())
        acted = p.pk in logins
        best: dict[tuple[str, str], Address] = {}
        for c in contacts:
            channel = _CHANNEL_OF.get(ContactKind(c.kind))
            if channel is None:
                continue
            value = normalise(c.kind, c.value)
            holders = taken.get((c.kind, value), set()) - {p.pk}
            if any(pk in namesakes[p.name] for pk in holders):
                refused.append(
                    f"{ContactKind(c.kind).label} {mask(c.kind, c.value)} 同时登记在同名但证件号码"
                    "不同的另一当事人名下，不作为送达地址"
                )
                continue
            address = Address(
                channel,
                value,
                mask(c.kind, c.value),
                _source_label(c),
                c.confirmed or c.source == ContactSource.PARTY,
                "" if channel == "post" else _consent(c, acted),
                c.pk,
            )
            known = best.get((channel, value))
            if known is None or (address.confirmed, bool(address.consent)) > (
                known.confirmed,
                bool(known.consent),
            ):
                best[(channel, value)] = address  # one attempt per address, the strongest record
        usable = list(best.values())
        portal_basis = consent_basis(
            contract_clause=any(_clause(c) for c in contacts),
            confirmed_address=any(_confirmed_consent(c) for c in contacts),
            pleadings_address=False,
            acted=acted,
        )
        usable.append(
            Address(
                "portal",
                PORTAL_ADDRESS,
                PORTAL_ADDRESS,
                "当事人本人实名登录的平台账户" if acted else "平台为当事人开设的文书收件箱",
                acted,
                portal_basis or "",
            )
        )
        result[p.pk] = PartyAddresses(p.pk, usable, refused)
    return result
