"""The party confirms their address for service on the portal (送达地址确认书, online).

A 送达地址确认书 is the party's own statement of where the court may serve them and whether they
agree to e-service (最高人民法院《关于进一步加强民事送达工作的若干意见》第三条至第五条). What the
party gives here becomes their own contacts (`ContactSource.PARTY`, confirmed): a later service
sends there and takes effect on arrival (在线诉讼规则第三十一条第一款), and the tick is express
consent to e-service (第二十九条第一项; 民诉法第九十条: without consent e-service has no effect).

An electronic address given here is an address *for e-service*: a party who declines e-service
gives only a postal address, so a mobile number or e-mail without the tick is refused rather
than stored (stored, it would read as a confirmed e-service address).

Confirming on the platform is the party acting in the proceedings (第二十九条第四项): it is a read
of what already sits in their portal inbox (`record_party_read(…, "confirm")`), so an open portal
service takes effect by the law's rules (第三十一条第二款) — nothing is marked served here.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction

from jiefen.accounts.models import Role, User
from jiefen.cases.access import visible_services
from jiefen.cases.models import Contact, ContactKind, ContactSource
from jiefen.service.actions.common import ActionRefused, audit, event, now_or, save_events
from jiefen.service.actions.reads import record_party_read
from jiefen.service.addresses import mask, normalise
from jiefen.service.models import EventKind, Service

MOBILE = re.compile(r"1[3-9]\d{9}")
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
ADDRESS_MIN, ADDRESS_MAX, EMAIL_MAX = 8, 200, 254
_FIELD_OF: dict[str, str] = {
    ContactKind.MOBILE: "mobile",
    ContactKind.EMAIL: "email",
    ContactKind.ADDRESS: "address",
}


class AddressRefused(ActionRefused):
    """The confirmation was refused; `errors` maps each form field to why (Chinese)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


def _checked(mobile: str, email: str, address: str, consent: bool) -> dict[str, str]:
    """The cleaned values by kind; raises `AddressRefused` naming every wrong field."""
    mobile = normalise(ContactKind.MOBILE, mobile)
    email = normalise(ContactKind.EMAIL, email)
    address = address.strip()
    errors: dict[str, str] = {}
    if mobile and not MOBILE.fullmatch(mobile):
        errors["mobile"] = "手机号码不正确：请填写 11 位中国大陆手机号码，如 13800138000"
    if email and (len(email) > EMAIL_MAX or not EMAIL.fullmatch(email)):
        errors["email"] = "电子邮箱不正确：应包含 @ 和域名，如 zhangsan@example.com"
    if address and len("".join(address.split())) < ADDRESS_MIN:
        errors["address"] = (
            f"送达地址过短：请填写省、市、区县、街道及门牌号，至少 {ADDRESS_MIN} 个字"
        )
    elif len(address) > ADDRESS_MAX:
        errors["address"] = f"送达地址过长：不能超过 {ADDRESS_MAX} 个字"
    if not (mobile or email or address):
        errors["all"] = "请至少填写手机号码、电子邮箱或送达地址中的一项"
    elif (mobile or email) and not consent:
        errors["e_service_consent"] = (
            "填写手机号码或电子邮箱的，须勾选「同意人民法院通过以上电子方式向本人送达诉讼文书」；"
            "不同意电子送达的，请只填写送达地址"
        )
    if errors:
        raise AddressRefused(errors)
    return {
        kind: value
        for kind, value in (
            (ContactKind.MOBILE, mobile),
            (ContactKind.EMAIL, email),
            (ContactKind.ADDRESS, address),
        )
        if value
    }


def confirm_address(
    *,
    by: User,
    mobile: str,
    email: str,
    address: str,
    e_service_consent: bool,
    now: datetime | None = None,
) -> list[Contact]:
    """Record the party's own 送达地址确认书; return the contacts it confirmed.

    Only a defendant's own login may confirm, and only for their own party. A value the party
    already confirmed the same way is not stored twice (later services would send it twice).
    One transaction: the contacts, a `ServiceEvent` on each open service of the party and the
    audit record (field names only); then the read of the party's portal deliveries.
    """
    if not isinstance(by, User) or by.role != Role.DEFENDANT or not by.party_id or not by.is_active:
        raise ActionRefused("只有受送达人本人登录后才能确认送达地址")
    values = _checked(mobile, email, address, e_service_consent)
    at = now_or(now)
    party_id = by.party_id
    with transaction.atomic():
        mine = {
            (c.kind, normalise(c.kind, c.value), c.e_service_consent): c
            for c in Contact.objects.select_for_update().filter(
                party_id=party_id, source=ContactSource.PARTY, confirmed=True
            )
        }
        contacts: list[Contact] = []
        created: list[str] = []
        for kind, value in values.items():
            found = mine.get((kind, value, e_service_consent))
            if found is None:
                found = Contact.objects.create(
                    party_id=party_id,
                    kind=kind,
                    value=value,
                    source=ContactSource.PARTY,
                    confirmed=True,
                    e_service_consent=e_service_consent,
                )
                created.append(kind)
            contacts.append(found)
        services = list(
            visible_services(by).filter(party_id=party_id, state=Service.State.IN_PROGRESS)
        )
        shown = "、".join(f"{ContactKind(k).label} {mask(k, v)}" for k, v in values.items())
        consent = "同意电子送达" if e_service_consent else "未同意电子送达"
        note = f"受送达人在诉讼服务平台确认送达地址：{shown}；{consent}"
        save_events(event(s, EventKind.ADDRESS_CONFIRMED, at, by=by, note=note) for s in services)
        audit(
            actor_id=by.pk,
            action="service.confirm_address",
            object_type="party",
            object_id=party_id,
            payload={
                "fields": [_FIELD_OF[k] for k in values],
                "new": [_FIELD_OF[k] for k in created],
                "e_service_consent": e_service_consent,
                "services": [s.pk for s in services],
            },
        )
    # The read runs after the commit, in its own transactions like a portal login: it locks
    # attempts and services, which other actions lock before the audit chain (one lock order).
    record_party_read(party_id, "confirm", now=at)
    return contacts
