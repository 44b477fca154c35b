"""Background work of the enforcement stage: documents rendered after commit, and the sweeps
(prepared applications, registry answers, re-inquiries after 终本, settlements, delisting) that
`jiefen.scheduling.schedule` runs on the platform scheduler. Every sweep is idempotent."""

from __future__ import annotations

from django.tasks import task

from jiefen.scheduling.slots import slot_date


@task()
def render_documents_task(
    measure_ids: list[int],
    receipt_ids: list[int],
    application_ids: list[int] | None = None,
    lift_ids: list[int] | None = None,
) -> dict[str, int]:
    """Render and seal the documents of these rows (those still without one): measure
    rulings and notices, receipts, applications, and the lifting decisions of `lift_ids`."""
    from jiefen.enforcement import documents
    from jiefen.enforcement.models import Application

    done = {"measures": 0, "receipts": 0, "applications": 0, "lifts": 0}
    if measure_ids:
        done["measures"] = documents.issue_measure_documents(list(measure_ids), by=None)
    if lift_ids:
        done["lifts"] = documents.issue_lift_documents(list(lift_ids), by=None)
    if receipt_ids:
        done["receipts"] = documents.issue_receipt_documents(list(receipt_ids), by=None)
    for application in Application.objects.filter(
        pk__in=list(application_ids or []), document=None
    ).select_related("case"):
        doc = documents.application_document(application, by=None)
        Application.objects.filter(pk=application.pk, document=None).update(document=doc)
        done["applications"] += 1
    return done


@task()
def prepare_applications_task(timestamp: int | None = None) -> int:
    """Applications for the titles whose performance period passed unpaid."""
    from jiefen.enforcement.actions.filing import prepare_applications

    return prepare_applications(today=slot_date(timestamp))


@task()
def collect_answers_task(timestamp: int | None = None) -> int:
    """Answers of the registries to the pending inquiries (assets stored)."""
    from jiefen.enforcement.actions.inquiry import collect_answers

    return collect_answers(by=None)


@task()
def reinquiry_sweep_task(timestamp: int | None = None) -> dict[str, int]:
    """The six-monthly inquiry of the cases terminated for now that are due."""
    from jiefen.enforcement.actions.closing import reinquiry_sweep

    return reinquiry_sweep(today=slot_date(timestamp))


@task()
def settlement_sweep_task(timestamp: int | None = None) -> dict[str, int]:
    """Execution settlements performed or broken (an instalment due and unpaid)."""
    from jiefen.enforcement.actions.measures import settlement_sweep

    return settlement_sweep(today=slot_date(timestamp))


@task()
def delisting_sweep_task(timestamp: int | None = None) -> int:
    """Dishonest-list entries of performed cases still not deleted (safety net)."""
    from jiefen.enforcement.actions.closing import delisting_sweep

    return delisting_sweep(today=slot_date(timestamp))
