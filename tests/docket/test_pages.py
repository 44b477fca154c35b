"""The clerk's pages: one-click filing, progress, documents on the case page, ZIP, Word copy."""

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.test import Client

from jiefen.accounts.models import Organisation, OrganisationKind, Role
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.docket.models import FilingJob
from jiefen.docket.tasks import run_job
from jiefen.documents.models import StoredDocument


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_one_click_filing_through_the_pages(make_case: Any, staff: Any, series: Series) -> None:
    cases = [
        make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("46234.56"))
        for _ in range(3)
    ]
    clerk = staff["clerks"][0]
    client = login(clerk)
    page = client.get("/docket/")
    assert page.status_code == 200 and "一键立案（3件）" in page.content.decode()
    response = client.post(f"/docket/series/{series.pk}/file/", {"preservation": "on"})
    job = FilingJob.objects.get()
    assert response.status_code == 302 and response.url == f"/docket/jobs/{job.pk}/"
    assert client.get(response.url).status_code == 200
    assert client.get(f"/docket/jobs/{job.pk}/progress/").json()["status"] == "queued"
    run_job(job.pk, inline=True)  # what the task worker does
    progress = client.get(f"/docket/jobs/{job.pk}/progress/").json()
    assert progress["status"] == "done" and progress["percent"] == 100
    assert progress["documents"] == 21

    case = Case.objects.get(pk=cases[0].pk)
    assert case.state == State.FILED
    owner = login(case.clerk)
    detail = owner.get(f"/cases/{case.pk}/").content.decode()
    assert "诉讼文书" in detail and "传票" in detail and "应诉通知书" in detail
    assert case.case_number in detail and "财保" in detail
    doc = StoredDocument.objects.get(case=case, kind="summons")
    preview = owner.get(f"/documents/{doc.pk}/")
    body = b"".join(preview.streaming_content)
    assert preview["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert preview["X-Content-SHA256"] == doc.sha256
    made = owner.post(f"/docket/documents/{doc.pk}/word/")  # making a copy is a POST
    word = owner.get(made["Location"])
    assert word.status_code == 200 and b"".join(word.streaming_content)[:2] == b"PK"
    assert StoredDocument.objects.filter(case=case, format="docx").count() == 1

    archive = owner.get(f"/docket/series/{series.pk}/documents.zip")
    zf = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content)))
    names = zf.namelist()
    assert "SHA256SUMS.txt" in names
    assert any(n.startswith(case.case_number) for n in names)
    assert doc.sha256 in zf.read("SHA256SUMS.txt").decode()


def test_other_roles_and_courts_are_refused(
    make_case: Any, staff: Any, series: Series, make_user: Any, bank: Any
) -> None:
    make_case(series=series, state=State.AWAITING_FILING)
    agent = login(make_user(Role.BANK_AGENT, bank))
    assert agent.get("/docket/").status_code == 404
    assert agent.post(f"/docket/series/{series.pk}/file/").status_code == 404
    other_court = Organisation.objects.create(
        code="渝0106",
        name="重庆市沙坪坝区人民法院",
        kind=OrganisationKind.COURT,
        court_code="渝0106",
        province="重庆",
    )
    stranger = login(make_user(Role.CLERK, other_court))
    assert stranger.post(f"/docket/series/{series.pk}/file/").status_code == 404
    assert FilingJob.objects.count() == 0


def test_tampered_file_is_refused_on_download(make_case: Any, staff: Any, series: Series) -> None:
    case = make_case(series=series, state=State.AWAITING_FILING)
    from jiefen.docket.actions import start_filing

    job = start_filing(by=staff["clerks"][0], series=series, run_now=True)
    run_job(job.pk, inline=True)
    case.refresh_from_db()
    doc = StoredDocument.objects.get(case=case, kind="fee_notice")
    doc.absolute_path.write_bytes(doc.absolute_path.read_bytes() + b"%tampered")
    response = login(case.clerk).get(f"/documents/{doc.pk}/download/")
    assert response.status_code == 409
