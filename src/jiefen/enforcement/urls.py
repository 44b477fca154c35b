from django.urls import path  # noqa: F401  (the views helper adds the pages)

app_name = "enforcement"

urlpatterns: list = []
