"""The REST API (django-ninja): thin routers per stage, OpenAPI at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="解纷 jiefen API", version="1", urls_namespace="api")
