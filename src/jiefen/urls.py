from django.contrib import admin
from django.urls import include, path

from jiefen.api import api
from jiefen.service.urls import public_urlpatterns as service_public

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("intake/", include("jiefen.intake.urls")),
    path("mediation/", include("jiefen.mediation.urls")),
    path("docket/", include("jiefen.docket.urls")),
    path("documents/", include("jiefen.documents.urls")),
    path("service/", include("jiefen.service.urls")),
    path("hearings/", include("jiefen.hearings.urls")),
    path("judgments/", include("jiefen.judgments.urls")),
    path("enforcement/", include("jiefen.enforcement.urls")),
    path("stats/", include("jiefen.stats.urls")),
    path("publication/", include("jiefen.publication.urls")),
    path("risk/", include("jiefen.risk.urls")),
    path("referrals/", include("jiefen.referrals.urls")),
    path("legal-services/", include("jiefen.legal_services.urls")),
    path("", include((service_public, "public"))),
    path("", include("jiefen.web.urls")),
]
