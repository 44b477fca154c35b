"""Pages of the stage."""

app_name = "legal_services"

urlpatterns: list = []
