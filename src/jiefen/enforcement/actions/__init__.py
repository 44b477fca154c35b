"""The enforcement stage's actions (the only writers of its rows), re-exported here.

filing: prepare_applications, submit_applications, apply_for_title; inquiry: start_inquiries,
collect_answers; measures: freeze, deduct, seize, restrict_consumption, list_dishonest,
make_settlement, settlement_sweep; closing: terminate_for_now, reinquiry_sweep, resume,
close_performed, delisting_sweep. The money actions are `jiefen.enforcement.actions.money`.
"""

from jiefen.enforcement.actions.closing import (
    close_performed,
    delisting_sweep,
    reinquiry_sweep,
    resume,
    terminate_for_now,
)
from jiefen.enforcement.actions.common import ActionRefused, BulkResult
from jiefen.enforcement.actions.filing import (
    SubmitResult,
    apply_for_title,
    prepare_applications,
    submit_applications,
)
from jiefen.enforcement.actions.inquiry import collect_answers, start_inquiries
from jiefen.enforcement.actions.measures import (
    deduct,
    freeze,
    list_dishonest,
    make_settlement,
    restrict_consumption,
    seize,
    settlement_sweep,
)

__all__ = [
    "ActionRefused",
    "BulkResult",
    "SubmitResult",
    "apply_for_title",
    "close_performed",
    "collect_answers",
    "deduct",
    "delisting_sweep",
    "freeze",
    "list_dishonest",
    "make_settlement",
    "prepare_applications",
    "reinquiry_sweep",
    "restrict_consumption",
    "resume",
    "seize",
    "settlement_sweep",
    "start_inquiries",
    "submit_applications",
    "terminate_for_now",
]
