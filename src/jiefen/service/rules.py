"""The service stage's calls into `jiefen.law.service`: an attempt's facts → its legal effect.

What a channel reported becomes `ServiceFacts`: a failed or cancelled attempt has no effect; an
SMS counts from its delivery receipt (the gateway reports failures, so its "accepted" is not yet
"sent successfully"); an e-mail the recipient's server accepted counts as sent successfully (民诉
解释第一百三十五条); the portal inbox is delivered when the packet is placed in it.

The procedure the law is asked about is the case's for what comes before the trial (the filing
packet, a re-issued summons). Public notice is barred in summary procedure and small claims
(民诉解释 Art. 140) because a defendant who cannot be found cannot be tried summarily: the case
converts before such a document is published. Once the case was tried, a decision (judgment,
ruling) may be served by public notice without any conversion, so its service is judged as in
ordinary procedure.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar
from jiefen.law.service import ServiceEffect, ServiceFacts, service_effect
from jiefen.service.models import AttemptState, Channel, Purpose, Service, ServiceAttempt

NO_EFFECT = (AttemptState.FAILED, AttemptState.CANCELLED, AttemptState.QUEUED, AttemptState.SENDING)


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def procedure_for(service: Service) -> str:
    """The procedure whose service rules apply (see the module docstring)."""
    if service.purpose in (Purpose.FILING, Purpose.SUMMONS):
        return service.case.procedure
    return "ordinary"


def facts_of(attempt: ServiceAttempt, procedure: str) -> ServiceFacts:
    sent = _local(attempt.sent_at)
    if attempt.channel == Channel.SMS and attempt.delivered_at is None:
        sent = None
    return ServiceFacts(
        channel=attempt.channel,  # type: ignore[arg-type]
        consent=bool(attempt.consent_basis)
        or attempt.channel in (Channel.POST, Channel.PUBLIC_NOTICE),
        address_confirmed=attempt.address_confirmed,
        procedure=procedure or "ordinary",
        sent=sent,
        delivered=_local(attempt.delivered_at),
        read=_local(attempt.read_at),
        signed=attempt.signed_on,
        returned=attempt.returned_on,
        published=attempt.published_on,
    )


def effect_of(
    attempt: ServiceAttempt,
    procedure: str,
    *,
    calendar: HolidayCalendar,
    params: Parameters,
    as_of: date,
) -> ServiceEffect:
    if attempt.state in NO_EFFECT:
        label = AttemptState(attempt.state).label
        return ServiceEffect(False, None, f"该次送达{label}，不发生送达效力", attempt.channel)
    return service_effect(
        facts_of(attempt, procedure), calendar=calendar, params=params, as_of=as_of
    )
