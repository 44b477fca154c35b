"""Opening the service of filed cases: one `Service` per party served, and its first attempts.

The first round is every e-service address with consent at once (SMS with the link to the
party's documents, e-mail, the portal inbox): the earliest effective one decides the service
date. A party with no usable e-service address goes straight to post; with no postal address
either, to public notice (`escalation`). Idempotent: a party already being served is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch

from jiefen.accounts.models import User
from jiefen.cases.access import in_scope
from jiefen.cases.actions import ids_digest, require
from jiefen.cases.models import Case, CaseParty
from jiefen.cases.states import State
from jiefen.docket.paperwork import COVER_KINDS, FILING
from jiefen.documents.models import StoredDocument
from jiefen.service.actions.common import audit, event, now_or, save_events
from jiefen.service.addresses import Address, PartyAddresses, addresses_of
from jiefen.service.models import (
    AttemptState,
    EventKind,
    Purpose,
    Service,
    ServiceAttempt,
    ServiceJob,
    Stage,
)


def attempt_for(
    service: Service, address: Address, at: datetime, *, try_number: int = 1
) -> ServiceAttempt:
    return ServiceAttempt(
        service=service,
        channel=address.channel,
        try_number=try_number,
        state=AttemptState.QUEUED,
        contact_id=address.contact_id,
        address=address.value,
        address_masked=address.masked,
        address_source=address.source,
        address_confirmed=address.confirmed,
        consent_basis=address.consent,
        next_attempt_at=at,
    )


def first_round(addresses: PartyAddresses) -> tuple[str, list[Address]]:
    """The stage a party's service starts in and the addresses tried first."""
    if addresses.electronic:
        return Stage.ELECTRONIC, addresses.electronic
    posts = addresses.on("post")
    if posts:
        return Stage.POST, posts[:1]
    return Stage.PUBLIC_NOTICE, []


def open_services(
    case_ids: Sequence[int],
    *,
    by: User | None,
    job: ServiceJob | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Open the service of each filed case's parties; return the ids of the attempts queued.

    Parties with a filing service already are left alone (a re-run queues nothing twice). Cases not in
    the acting user's scope or not filed are skipped.
    """
    require(by, "service.serve_series")
    at = now_or(now)
    ids = sorted(in_scope(by, list(case_ids)))
    cases = list(
        Case.objects.filter(pk__in=ids, state=State.FILED).prefetch_related(
            Prefetch(
                "case_parties",
                CaseParty.objects.select_related("party").prefetch_related("party__contacts"),
            )
        )
    )
    if not cases:
        return []
    covers = {
        (d.case_id, d.party_id): d
        for d in StoredDocument.objects.filter(
            case_id__in=[c.pk for c in cases],
            kind__in=COVER_KINDS,
            issued_for=FILING,
            packet=None,
            party__isnull=False,
        ).only("pk", "case_id", "party_id")
    }
    existing = set(
        Service.objects.filter(
            case_id__in=[c.pk for c in cases], purpose=Purpose.FILING
        ).values_list("case_id", "party_id")
    )
    links = [
        cp
        for c in cases
        for cp in c.case_parties.all()
        if (c.pk, cp.party_id) not in existing and (c.pk, cp.party_id) in covers
    ]
    if not links:
        return []
    book = addresses_of({cp.party_id: cp.party for cp in links}.values())
    with transaction.atomic():
        services = Service.objects.bulk_create(
            [
                Service(
                    case_id=cp.case_id,
                    party_id=cp.party_id,
                    packet=covers[(cp.case_id, cp.party_id)],
                    stage=first_round(book[cp.party_id])[0],
                    job=job,
                )
                for cp in links
            ],
            batch_size=500,
        )
        attempts: list[ServiceAttempt] = []
        events = []
        for service in services:
            addresses = book[service.party_id]
            stage, first = first_round(addresses)
            note = "；".join(addresses.refused)
            events.append(
                event(service, EventKind.QUEUED, at, by=by, note=note or Stage(stage).label)
            )
            attempts += [attempt_for(service, a, at) for a in first]
        attempts = ServiceAttempt.objects.bulk_create(attempts, batch_size=500)
        save_events(events)
        audit(
            actor_id=by.pk if by else None,
            action="service.open",
            object_type="service_job" if job else "cases",
            object_id=job.pk if job else "",
            payload={
                **ids_digest(sorted({s.case_id for s in services})),
                "services": len(services),
            },
        )
    return [a.pk for a in attempts]
