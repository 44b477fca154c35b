"""Dashboard pages: the role's figures, the cases behind each figure, the white paper PDF."""

from django.urls import path

from jiefen.stats.views import cases, dashboard, white_paper

app_name = "stats"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("cases/", cases.case_list, name="cases"),
    path("white-paper/", white_paper.white_paper, name="white_paper"),
]
