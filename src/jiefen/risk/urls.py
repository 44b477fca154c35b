"""Pages of the stage."""

app_name = "risk"

urlpatterns: list = []
