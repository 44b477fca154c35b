"""Where the SMS gateway and the post office post their receipts (machine to machine).

Each request carries `X-Jiefen-Signature`, the HMAC-SHA256 of the raw body with the shared
secret (`JIEFEN_RECEIPT_SECRET`); anything else is refused before the body is read as JSON. The
answer says how many receipts were new, duplicates (already counted) and unknown. A batch with
unknown receipts is answered 409 so the sender retries it later (the known ones are counted and
will be duplicates then) — a receipt can overtake the recording of its own send. Items that can
never be recorded (no id, an unknown status, a bad date) are listed with the field and reason
and answered 422; the valid items of the batch are recorded all the same.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jiefen.notifications.config import load
from jiefen.notifications.receipts import verify
from jiefen.service.actions import record_receipts
from jiefen.service.models import ServiceReceipt

MAX_BODY = 4 * 1024 * 1024


def _receive(request: HttpRequest, source: str) -> JsonResponse:
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return JsonResponse({"error": "回执批次过大"}, status=413)
    if not verify(body, request.headers.get("X-Jiefen-Signature", ""), load().receipt_secret):
        return JsonResponse({"error": "回执签名无效"}, status=403)
    try:
        items = json.loads(body)["receipts"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": '回执格式应为 {"receipts": [...]}'}, status=400)
    count = record_receipts(source, items)
    # The valid receipts are recorded either way; the sender learns which items were refused
    # (item, field and reason: 422, not to be retried) or not yet known (409: retry later).
    status = 422 if count.invalid else 409 if count.unknown else 200
    return JsonResponse(count.as_dict(), status=status)


@csrf_exempt
@require_POST
def sms_receipts(request: HttpRequest) -> JsonResponse:
    return _receive(request, ServiceReceipt.Source.SMS_GATEWAY)


@csrf_exempt
@require_POST
def postal_receipts(request: HttpRequest) -> JsonResponse:
    return _receive(request, ServiceReceipt.Source.POSTAL)
