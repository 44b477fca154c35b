"""Bank systems register webhook endpoints and read their delivery log (docs/webhooks.md).

- `POST /api/v1/webhooks` registers a URL for some events (none listed: all of them); the
  answer carries the signing secret, shown this once. A `ping` delivery follows at once.
- `GET /api/v1/webhooks` lists the institution's registered URLs (never their secrets);
  `GET /api/v1/webhooks/{id}` shows one.
- `DELETE /api/v1/webhooks/{id}` stops the deliveries to a URL; its log is kept.
- `GET /api/v1/webhooks/{id}/deliveries` pages through its deliveries, newest first, with
  every attempt (time, HTTP status, error, duration).

Only an institution's agents and API tokens manage its subscriptions; another institution's
subscription is 404 exactly like a missing one (`jiefen.cases.access.subscription_for`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.accounts.models import User
from jiefen.api.errors import Text, errors
from jiefen.cases import access
from jiefen.webhooks import actions, selectors
from jiefen.webhooks.events import EVENTS
from jiefen.webhooks.models import Delivery, DeliveryState, Subscription
from jiefen.webhooks.sender import URL_MAX

router = Router(tags=["事件推送"], auth=BANK_AUTH)

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
EVENT_LIST = "、".join(f"{name}（{label}）" for name, label in EVENTS.items())


class SubscriptionIn(Schema):
    url: Annotated[Text, Field(min_length=1, max_length=URL_MAX)] = Field(
        description="接收推送的地址（http:// 或 https://），每次推送以 POST 发送 JSON"
    )
    events: list[Annotated[Text, Field(max_length=32)]] | None = Field(
        None, max_length=len(EVENTS), description=f"订阅的事件，不填则订阅全部：{EVENT_LIST}"
    )


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str] = Field(description="订阅的事件；空数组表示全部事件")
    active: bool
    created_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="签名密钥：仅在登记时返回一次，请妥善保存")


class AttemptOut(Schema):
    at: datetime
    status_code: int | None = Field(description="接收方返回的 HTTP 状态码；无法连接时为 null")
    error: str = Field(description="未送达的原因")
    duration_ms: int


class DeliveryOut(Schema):
    id: int = Field(description="推送编号（即推送内容中的 delivery，可用于去重）")
    event: str
    case: int | None = Field(description="案件编号")
    state: str = Field(
        description="pending 待推送 / delivered 已送达 / failed 推送失败 / cancelled 已取消"
    )
    state_label: str
    attempts: int = Field(description="本轮已推送次数")
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime
    log: list[AttemptOut] = Field(description="每一次推送的记录")


class DeliveryList(Schema):
    count: int = Field(description="推送记录总数（不受 limit/offset 影响）")
    items: list[DeliveryOut]


class Page(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="每页条数（1–200）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


def _subscription(s: Subscription) -> dict[str, object]:
    return {
        "id": s.pk,
        "url": s.url,
        "events": list(s.events),
        "active": s.active,
        "created_at": s.created_at,
    }


def _delivery(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.pk,
        event=d.event,
        case=d.case_id,
        state=d.state,
        state_label=DeliveryState(d.state).label,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at,
        last_status=d.last_status,
        last_error=d.last_error,
        delivered_at=d.delivered_at,
        created_at=d.created_at,
        log=[
            AttemptOut(at=a.at, status_code=a.status_code, error=a.error, duration_ms=a.duration_ms)
            for a in d.log.all()
        ],
    )


def _manager(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not access.may_manage_webhooks(user):
        raise HttpError(403, "只有金融机构的经办人或 API 令牌可以管理事件推送")
    return user


@router.post(
    "/webhooks",
    response={201: SubscriptionCreated, **errors(403, 409, 422)},
    summary="登记事件推送地址（返回签名密钥，仅此一次）",
)
def create_webhook(request: HttpRequest, payload: SubscriptionIn) -> Status:
    """登记一个接收推送的地址。返回的 `secret` 用于校验每次推送的签名，只返回这一次。
    登记后立即推送一次 `ping` 事件。"""
    user = _manager(request)
    try:
        subscription, secret = actions.subscribe(by=user, url=payload.url, events=payload.events)
    except actions.WebhookRefused as exc:
        raise HttpError(exc.status, str(exc)) from None
    return Status(201, {**_subscription(subscription), "secret": secret})


@router.get(
    "/webhooks",
    response={200: list[SubscriptionOut], **errors(403)},
    summary="本机构登记的事件推送地址",
)
def list_webhooks(request: HttpRequest) -> list[dict[str, object]]:
    """本机构登记的推送地址（不含签名密钥），按登记时间排列。"""
    user = _manager(request)
    return [_subscription(s) for s in selectors.live_subscriptions(user)]


@router.get(
    "/webhooks/{subscription_id}",
    response={200: SubscriptionOut, **errors(403, 404, 422)},
    summary="一个事件推送地址",
)
def get_webhook(request: HttpRequest, subscription_id: int) -> dict[str, object]:
    """一个推送地址（不含签名密钥）。其他机构的地址与不存在的地址一样返回 404。"""
    subscription = access.subscription_for(request.user, subscription_id)
    _manager(request)
    return _subscription(subscription)


@router.delete(
    "/webhooks/{subscription_id}",
    response={204: None, **errors(403, 404, 422)},
    summary="删除事件推送地址（不再推送，推送记录保留）",
)
def delete_webhook(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """删除后不再向该地址推送，尚未送达的推送取消；推送记录保留。其他机构的地址返回 404。"""
    # The object first: another institution's (or nobody's) is 404 for every role alike.
    subscription = access.subscription_for(request.user, subscription_id)
    user = _manager(request)
    try:
        actions.unsubscribe(subscription, by=user)
    except actions.WebhookRefused as exc:
        raise HttpError(exc.status, str(exc)) from None
    return HttpResponse(status=204)


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response={200: DeliveryList, **errors(403, 404, 422)},
    summary="推送记录（每次推送的时间、状态码与错误）",
)
def list_deliveries(request: HttpRequest, subscription_id: int, page: Query[Page]) -> DeliveryList:
    """一个推送地址的推送记录，最新的在前；每条含全部推送尝试。其他机构的地址返回 404。"""
    subscription = access.subscription_for(request.user, subscription_id)
    _manager(request)
    deliveries = selectors.deliveries_of(subscription)
    items = list(deliveries[page.offset : page.offset + page.limit])
    return DeliveryList(count=deliveries.count(), items=[_delivery(d) for d in items])
