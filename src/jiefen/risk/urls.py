"""Pages of the risk desk (风险预警): warnings, one warning and its handling, the grid, feeds."""

from django.urls import URLPattern, path

from jiefen.risk import views

app_name = "risk"

urlpatterns: list[URLPattern] = [
    path("", views.desk, name="desk"),
    path("<int:warning_id>/", views.warning, name="warning"),
    path("<int:warning_id>/assign/", views.assign, name="assign"),
    path("<int:warning_id>/handle/", views.handle, name="handle"),
    path("<int:warning_id>/close/", views.close, name="close"),
    path("grid/", views.grid, name="grid"),
    path("feeds/", views.feeds, name="feeds"),
]
