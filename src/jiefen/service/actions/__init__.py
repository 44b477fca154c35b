"""The only writers of service data (rule 2): opening, sending, receipts, reads, the sweep.

Split by job: `opening` (services and their first attempts), `serving` (documents after the filing), `dispatch` (sending due attempts),
`receipts` (gateway and postal receipts, scanned 回执), `reads` (read evidence), `settlement`
(legal effect, deadlines, the case's `serve` move), `escalation` (the periodic sweep) and
`jobs` (批量送达) with `progress` (its counts).
"""

from jiefen.service.actions.common import ActionRefused
from jiefen.service.actions.confirmation import AddressRefused, confirm_address
from jiefen.service.actions.dispatch import dispatch
from jiefen.service.actions.escalation import sweep
from jiefen.service.actions.jobs import run_service_job, start_service
from jiefen.service.actions.opening import open_services
from jiefen.service.actions.progress import refresh_job
from jiefen.service.actions.reads import attempt_for_link, record_party_read, record_read
from jiefen.service.actions.receipts import record_receipts, record_scanned_receipt
from jiefen.service.actions.serving import serve_documents
from jiefen.service.actions.settlement import settle

__all__ = [
    "ActionRefused",
    "AddressRefused",
    "attempt_for_link",
    "confirm_address",
    "dispatch",
    "open_services",
    "record_party_read",
    "record_read",
    "record_receipts",
    "record_scanned_receipt",
    "refresh_job",
    "run_service_job",
    "serve_documents",
    "settle",
    "start_service",
    "sweep",
]
