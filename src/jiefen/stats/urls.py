"""Pages of the stage."""

app_name = "stats"

urlpatterns: list = []
