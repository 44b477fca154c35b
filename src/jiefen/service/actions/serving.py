"""Serving a later document of a case: a re-issued summons, a judgment, a 调解书, a 裁定书.

The filing packet is served by `opening.open_services`; every document after it is served the
same way (民诉法 Art. 87 ff.: the court serves its documents, electronically with consent, by
post, by public notice as a last resort) — one `Service` per document and recipient with the
same choice of addresses, first round, events and audit. The attempts are sent after commit by
the dispatch task (and by the periodic sweep, which sends every due queued attempt, should the
task be lost). What such a service starts is the business of its stage (an appeal period runs
from the judgment's service date, `selectors.served_on`); it never moves the case itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from jiefen.accounts.models import User
from jiefen.cases.access import in_scope
from jiefen.cases.actions import ids_digest, require
from jiefen.cases.models import Party
from jiefen.documents.models import StoredDocument
from jiefen.service.actions.common import ActionRefused, audit, event, now_or, save_events
from jiefen.service.actions.opening import attempt_for, first_round
from jiefen.service.addresses import addresses_of
from jiefen.service.models import EventKind, Purpose, Service, ServiceAttempt, Stage


def _check(documents: Sequence[StoredDocument], purpose: str) -> None:
    if purpose not in Purpose.values or purpose == Purpose.FILING:
        raise ActionRefused(
            f"送达内容「{purpose}」无效：起诉材料随立案批量送达，此处送达其后的文书"
        )
    for d in documents:
        number = d.case.case_number if d.case_id and d.case else "—"
        if d.case_id is None or d.party_id is None:
            raise ActionRefused(f"案号{number}：{d.title}未指明案件或受送达人，不能送达")
        if not d.signed:
            raise ActionRefused(f"案号{number}：{d.title}（{d.recipient}）尚未签章，不能送达")


def serve_documents(
    documents: Sequence[StoredDocument],
    *,
    purpose: str,
    by: User | None,
    now: datetime | None = None,
) -> list[int]:
    """Open the service of each signed document on its recipient; return the attempt ids queued.

    `purpose` is a `Purpose` other than the filing; `by` the clerk, or None for the system
    (pronouncement, the rescheduling sweep). Idempotent per (case, party, document): a document
    already being served is left alone, so a second call queues nothing. The attempts go out
    after commit (`tasks.dispatch_attempts_task`).
    """
    require(by, "service.serve_series")
    docs = list(
        StoredDocument.objects.filter(pk__in=[d.pk for d in documents])
        .select_related("case")
        .order_by("pk")
    )
    if not docs:
        return []
    _check(docs, purpose)
    scope = in_scope(by, sorted({d.case_id for d in docs if d.case_id}))
    outside = [d.case for d in docs if d.case_id not in scope and d.case]
    if outside:
        raise ActionRefused(f"案号{outside[0].case_number}：不在您的送达范围内")
    at = now_or(now)
    with transaction.atomic():
        # Concurrent calls for the same documents take turns here (the documents' rows, in id
        # order); the later one then sees the services the first opened and queues nothing.
        list(
            StoredDocument.objects.select_for_update(no_key=True)
            .filter(pk__in=[d.pk for d in docs])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        existing = set(
            Service.objects.filter(packet_id__in=[d.pk for d in docs]).values_list(
                "case_id", "party_id", "packet_id"
            )
        )
        recipients = [
            (d, d.case_id, d.party_id)
            for d in docs
            if d.case_id and d.party_id and (d.case_id, d.party_id, d.pk) not in existing
        ]
        if not recipients:
            return []
        parties = Party.objects.filter(pk__in={p for _, _, p in recipients}).prefetch_related(
            "contacts"
        )
        book = addresses_of(parties)
        services = Service.objects.bulk_create(
            [
                Service(
                    case_id=case_id,
                    party_id=party_id,
                    packet=d,
                    purpose=purpose,
                    stage=first_round(book[party_id])[0],
                )
                for d, case_id, party_id in recipients
            ],
            batch_size=500,
        )
        attempts: list[ServiceAttempt] = []
        events = []
        for service in services:
            addresses = book[service.party_id]
            stage, first = first_round(addresses)
            note = "；".join([service.packet.title, Stage(stage).label, *addresses.refused])
            events.append(event(service, EventKind.QUEUED, at, by=by, note=note))
            attempts += [attempt_for(service, a, at) for a in first]
        attempts = ServiceAttempt.objects.bulk_create(attempts, batch_size=500)
        save_events(events)
        audit(
            actor_id=by.pk if by else None,
            action="service.serve_documents",
            object_type="cases",
            object_id="",
            payload={
                **ids_digest(sorted({s.case_id for s in services})),
                "purpose": purpose,
                "documents": [s.packet_id for s in services],
                "services": len(services),
            },
        )
        ids = [a.pk for a in attempts]
        if ids:
            from jiefen.service.tasks import dispatch_attempts_task

            transaction.on_commit(lambda: dispatch_attempts_task.enqueue(ids))
    return ids
