"""Pages of the decision stage (judgments, mediation documents, rulings, appeals)."""

from jiefen.judgments.views import decisions, effect

app_name = "judgments"

urlpatterns = [*decisions.urlpatterns, *effect.urlpatterns]
