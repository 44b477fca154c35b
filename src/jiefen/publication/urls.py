"""Pages of the stage."""

app_name = "publication"

urlpatterns: list = []
