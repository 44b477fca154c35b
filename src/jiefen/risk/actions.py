"""The only writers of the risk stage (rule 2 of the architecture).

- `import_feed_csv(data, by=)` / `import_feed_records(records, by=)`: store the good records of
  a feed (ability risk.import_feed); a record already stored (same source and external id) is
  left as it is, so importing a file twice changes nothing. Bad rows are reported, not stored.
- `detect_warnings(by=, as_of=)`: run every rule of `rules.RULES` (ability risk.detect) and raise or update
  one warning per subject (the fingerprint). Running it twice changes nothing; a closed warning
  is reopened only when its score rises above the score it was closed with.
- `assign`, `handle`, `close` (ability risk.handle): the handling of a warning by the court's
  leadership or the centre, each an audited step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.audit.chain import append
from jiefen.cases.access import role_refusal, visible_warnings
from jiefen.cases.actions import TransitionRefused
from jiefen.risk import feeds
from jiefen.risk.finding import Finding
from jiefen.risk.models import FeedImport, FeedRecord, Warning, WarningState
from jiefen.risk.rules import findings

ActionRefused = TransitionRefused
ASSIGNABLE_ROLES = (Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN)
_CHUNK = 500


@dataclass
class DetectResult:
    created: int
    updated: int
    unchanged: int


def _require(by: User | None, ability: str) -> None:
    reason = role_refusal(by, ability)
    if reason:
        raise ActionRefused(reason)


def _audit(
    by: User | None, action: str, object_type: str, object_id: object, **payload: Any
) -> None:
    append(
        actor_id=by.pk if by else None,
        action=f"risk.{action}",
        object_type=object_type,
        object_id=object_id,
        payload=payload,
    )


def _store(parsed: feeds.Parsed, source_name: str, by: User | None) -> FeedImport:
    with transaction.atomic():
        feed_import = FeedImport.objects.create(
            source_name=source_name[:200],
            imported_by=by,
            rows=parsed.rows,
            errors=[e.as_dict() for e in parsed.errors],
        )
        fresh: dict[tuple[str, str], dict[str, Any]] = {}
        for record in parsed.records:
            fresh.setdefault((record["source"], record["external_id"]), record)
        keys = list(fresh)
        for start in range(0, len(keys), _CHUNK):
            part = keys[start : start + _CHUNK]
            for source, external_id in FeedRecord.objects.filter(
                external_id__in=[k[1] for k in part]
            ).values_list("source", "external_id"):
                fresh.pop((source, external_id), None)
        FeedRecord.objects.bulk_create(
            [FeedRecord(feed_import=feed_import, **r) for r in fresh.values()],
            batch_size=_CHUNK,
            ignore_conflicts=True,
        )
        feed_import.accepted = len(fresh)
        feed_import.unchanged = len(parsed.records) - len(fresh)
        feed_import.save(update_fields=["accepted", "unchanged"])
        _audit(
            by,
            "import_feed",
            "feed_import",
            feed_import.pk,
            source=source_name,
            rows=parsed.rows,
            accepted=feed_import.accepted,
            unchanged=feed_import.unchanged,
            errors=len(parsed.errors),
        )
    return feed_import


def import_feed_csv(data: bytes, *, by: User | None, name: str = "") -> FeedImport:
    """Import a feed CSV (UTF-8, header row; columns in docs/risk.md)."""
    _require(by, "risk.import_feed")
    return _store(feeds.parse_csv(data), name or "CSV", by)


def import_feed_records(records: list[Any], *, by: User | None, name: str = "API") -> FeedImport:
    """Import the same records as JSON objects (the API's payload)."""
    _require(by, "risk.import_feed")
    return _store(feeds.parse_records(records), name, by)


def _canonical(signals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return json.loads(json.dumps(signals, ensure_ascii=False, default=str))


def _apply(warning: Warning, finding: Finding, as_of: date) -> bool:
    """Write the finding's facts into the warning; whether anything changed."""
    score = finding.score.quantize(Decimal("0.01"))
    facts = {
        "subject_key": finding.subject_key,
        "subject_name": finding.subject_name,
        "institution_id": finding.institution_id,
        "division_code": finding.division_code,
        "score": score,
        "signals": _canonical(finding.signals),
        "summary": finding.summary,
    }
    changed = [k for k, v in facts.items() if getattr(warning, k) != v]
    for key in changed:
        setattr(warning, key, facts[key])
    case_ids = set(finding.case_ids)
    cases_changed = warning.pk is None or case_ids != set(
        warning.cases.values_list("pk", flat=True)
    )
    if not (changed or cases_changed):
        return False
    warning.updated_on = as_of
    warning.save()
    if cases_changed:
        warning.cases.set(sorted(case_ids))
    return True


def detect_warnings(*, by: User | None, as_of: date) -> DetectResult:
    """Run every rule for `as_of` and raise or refresh the warnings (idempotent)."""
    _require(by, "risk.detect")
    result = DetectResult(0, 0, 0)
    found = findings(as_of)
    with transaction.atomic():
        existing = {
            w.fingerprint: w
            for w in Warning.objects.select_for_update().filter(
                fingerprint__in=[f.fingerprint for f in found]
            )
        }
        for finding in found:
            warning = existing.get(finding.fingerprint)
            if warning is None:
                warning = Warning(
                    kind=finding.kind, fingerprint=finding.fingerprint, opened_on=as_of
                )
                _apply(warning, finding, as_of)
                result.created += 1
                continue
            if warning.state == WarningState.CLOSED:
                if finding.score.quantize(Decimal("0.01")) <= (warning.closed_score or 0):
                    result.unchanged += 1
                    continue
                warning.state, warning.closed_on, warning.assignee = WarningState.OPEN, None, None
                warning.opened_on = as_of
            if _apply(warning, finding, as_of):
                result.updated += 1
            else:
                result.unchanged += 1
        if result.created or result.updated:  # a sweep that changed nothing records nothing
            _audit(
                by,
                "detect_warnings",
                "warnings",
                len(found),
                as_of=as_of.isoformat(),
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )
    return result


def _locked(warning: Warning, by: User | None) -> Warning:
    """The warning, locked, if `by` may handle it (a court president: warnings they see)."""
    _require(by, "risk.handle")
    rows = Warning.objects.select_for_update().filter(pk=warning.pk)
    if by is not None:
        rows = rows.filter(pk__in=visible_warnings(by).values("pk"))
    locked = rows.first()
    if locked is None:
        raise ActionRefused("预警不存在或无权处置")
    if locked.state == WarningState.CLOSED:
        raise ActionRefused("预警已关闭，不能再处置")
    return locked


def assign(warning: Warning, assignee: User, *, by: User | None) -> Warning:
    """Give the warning to a court president or an administrator of the centre (已分派)."""
    if not assignee.is_active or assignee.role not in ASSIGNABLE_ROLES:
        raise ActionRefused(f"「{assignee}」不是院庭长或平台管理员，不能分派")
    with transaction.atomic():
        locked = _locked(warning, by)
        locked.state, locked.assignee = WarningState.ASSIGNED, assignee
        locked.save(update_fields=["state", "assignee", "updated_at"])
        _audit(by, "assign", "warning", locked.pk, assignee=assignee.pk, state=locked.state)
    return locked


def handle(warning: Warning, note: str, *, by: User | None) -> Warning:
    """Record what was done about the warning (已处置): the note is required."""
    note = (note or "").strip()
    if not note:
        raise ActionRefused("「处置情况」：请填写处置情况")
    with transaction.atomic():
        locked = _locked(warning, by)
        locked.state, locked.handling_note = WarningState.HANDLED, note
        if locked.assignee_id is None and by is not None:
            locked.assignee = by
        locked.save(update_fields=["state", "handling_note", "assignee", "updated_at"])
        _audit(by, "handle", "warning", locked.pk, note=note, state=locked.state)
    return locked


def close(warning: Warning, *, by: User | None, on: date | None = None) -> Warning:
    """Close the warning; the sweep reopens it only if its score rises above today's."""
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(warning, by)
        locked.state, locked.closed_on, locked.closed_score = (
            WarningState.CLOSED,
            day,
            locked.score,
        )
        locked.save(update_fields=["state", "closed_on", "closed_score", "updated_at"])
        _audit(by, "close", "warning", locked.pk, score=locked.score, on=day.isoformat())
    return locked
