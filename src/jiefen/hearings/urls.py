"""Pages of the hearing stage: each views module declares its own `urlpatterns`."""

from jiefen.hearings.views import answers, record, scheduling, transcripts

app_name = "hearings"

urlpatterns = [
    *scheduling.urlpatterns,
    *answers.urlpatterns,
    *record.urlpatterns,
    *transcripts.urlpatterns,
]
