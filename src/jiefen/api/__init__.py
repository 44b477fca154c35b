"""The REST API (django-ninja): thin routers per stage, OpenAPI at /api/v1/docs.

Bank systems authenticate with their institution's API token (`Authorization: Bearer`,
`jiefen.accounts.api_auth.BANK_AUTH`) and see only their institution's data: cases, documents,
service, judgments, enforcement; they push batches and payments. Every route declares its
refusals with `errors.Error` (the schema of every non-2xx body).

Every refusal is JSON with a Chinese `detail` naming the field and the reason (see `errors`),
also for a body too large to read or not JSON at all, which Django and ninja would otherwise
answer with a bare HTML 400 or an English message.
"""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from jiefen.api.errors import install


class _Renderer(JSONRenderer):
    """UTF-8 JSON with Chinese as Chinese, readable in a bank's logs without decoding."""

    json_dumps_params = {"ensure_ascii": False}


# Any request body can be unreadable (400) or too large (413) before a route sees it; the
# handlers in `errors` answer both with an `Error`, so the schema declares them on every route
# with a body — also on routes whose authors did not think of it.
_BODY_REFUSALS = {
    400: "请求体无法解析（不是有效的 JSON 或表单）",
    413: "请求体过大",
}


class _Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path in schema["paths"].values():
            for operation in path.values():
                if "requestBody" not in operation:
                    continue
                responses = operation["responses"]
                for status, description in _BODY_REFUSALS.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": error}
        return schema


api = _Api(title="解纷 jiefen API", version="1", urls_namespace="api", renderer=_Renderer())
install(api)

from jiefen.mediation.api import payments_router  # noqa: E402
from jiefen.mediation.api import router as mediation_router  # noqa: E402

api.add_router("/mediation/", mediation_router)
api.add_router("/", payments_router)

from jiefen.intake.api import router as intake_router  # noqa: E402

api.add_router("/", intake_router)

from jiefen.judgments.api import router as judgments_router  # noqa: E402

api.add_router("/", judgments_router)

from jiefen.enforcement.api import router as enforcement_router  # noqa: E402

api.add_router("/", enforcement_router)

from jiefen.risk.api import router as risk_router  # noqa: E402

api.add_router("/", risk_router)

from jiefen.cases.api import router as cases_router  # noqa: E402

api.add_router("/", cases_router)

from jiefen.documents.api import router as documents_router  # noqa: E402

api.add_router("/", documents_router)

from jiefen.service.api import router as service_router  # noqa: E402

api.add_router("/", service_router)

from jiefen.webhooks.api import router as webhooks_router  # noqa: E402

api.add_router("/", webhooks_router)
