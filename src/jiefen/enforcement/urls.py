"""Pages of the enforcement stage (执行): the officer's desk and series, one enforcement case,
the bank's recoveries."""

from jiefen.enforcement.views import case, desk, recoveries

app_name = "enforcement"

urlpatterns = [*desk.urlpatterns, *recoveries.urlpatterns, *case.urlpatterns]
