"""The REST API (django-ninja): thin routers per stage, OpenAPI at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="解纷 jiefen API", version="1", urls_namespace="api")

from jiefen.mediation.api import router as mediation_router  # noqa: E402

api.add_router("/mediation/", mediation_router)

from jiefen.intake.api import router as intake_router  # noqa: E402

api.add_router("/", intake_router)
