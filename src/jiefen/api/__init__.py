"""The REST API (django-ninja): thin routers per stage, OpenAPI at /api/docs.

Every refusal is JSON with a Chinese `detail` naming the field and the reason (see `errors`),
also for a body too large to read or not JSON at all, which Django and ninja would otherwise
answer with a bare HTML 400 or an English message.
"""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from jiefen.api.errors import install


class _Renderer(JSONRenderer):
    """UTF-8 JSON with Chinese as Chinese, readable in a bank's logs without decoding."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(title="解纷 jiefen API", version="1", urls_namespace="api", renderer=_Renderer())
install(api)

from jiefen.mediation.api import router as mediation_router  # noqa: E402

api.add_router("/mediation/", mediation_router)

from jiefen.intake.api import router as intake_router  # noqa: E402

api.add_router("/", intake_router)

from jiefen.judgments.api import router as judgments_router  # noqa: E402

api.add_router("/", judgments_router)

from jiefen.enforcement.api import router as enforcement_router  # noqa: E402

api.add_router("/", enforcement_router)

from jiefen.risk.api import router as risk_router  # noqa: E402

api.add_router("/", risk_router)

from jiefen.webhooks.api import router as webhooks_router  # noqa: E402

api.add_router("/", webhooks_router)
