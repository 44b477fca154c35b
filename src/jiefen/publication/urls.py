"""Pages of the publication stage: the review desk and the public list of released judgments."""

from jiefen.publication import views

app_name = "publication"

urlpatterns = views.urlpatterns
