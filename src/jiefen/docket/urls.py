"""Pages of the docket stage."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
