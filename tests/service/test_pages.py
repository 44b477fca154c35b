"""The service pages: one-click 批量送达, the dashboard, the case timeline, the party's inbox,
the secret link, the public notice board and the clerk's scanned 回执."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.service import selectors
from jiefen.service.actions import dispatch, open_services, record_receipts, run_service_job, sweep
from jiefen.service.models import (
    AttemptState,
    Channel,
    EventKind,
    Service,
    ServiceAttempt,
    ServiceJob,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _deliver(attempt: ServiceAttempt, receipt_id: str) -> None:
    record_receipts(
        "sms_gateway",
        [
            {
                "receipt_id": receipt_id,
                "reference": str(attempt.pk),
                "message_id": attempt.provider_id,
                "status": "delivered",
                "at": timezone.now().isoformat(),
            }
        ],
    )


def _serve(case: Any, clerk: User) -> Service:
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    return Service.objects.get(case=case)


def test_clerk_serves_a_series_with_one_click_and_the_dashboard_counts_it(
    filed: Any, clerk: User, gateway: Any, smtp: Any, series: Any
) -> None:
    first = filed(name="张三", mobile="13800138001")
    second = filed(name="李四", mobile="13800138002")
    client = login(clerk)
    desk = client.get("/service/").content.decode()
    assert "一键送达（2件）" in desk
    response = client.post(f"/service/series/{series.pk}/serve/")
    job = ServiceJob.objects.get()
    assert response.status_code == 302 and response.url == f"/service/jobs/{job.pk}/"
    assert "批量送达任务" in client.get(response.url).content.decode()
    assert client.get(f"/service/jobs/{job.pk}/progress/").json()["status"] == "queued"
    run_service_job(job.pk)  # what the task worker does
    progress = client.get(f"/service/jobs/{job.pk}/progress/").json()
    assert (progress["status"], progress["percent"], progress["dispatched"]) == ("done", 100, 2)
    assert {m["to"] for m in gateway.inbox.query(None, 10)} == {"13800138001", "13800138002"}

    # the first borrower's SMS is delivered to a confirmed address: served that day
    _deliver(Service.objects.get(case=first).attempts.get(channel=Channel.SMS), "r-1")
    board = selectors.dashboard(clerk)
    sms = next(c for c in board.channels if c["channel"] == Channel.SMS)
    portal = next(c for c in board.channels if c["channel"] == Channel.PORTAL)
    assert (sms["attempts"], sms["sent"], sms["delivered"], sms["effective"]) == (2, 2, 1, 1)
    assert (portal["attempts"], portal["delivered"], portal["effective"]) == (2, 2, 0)
    assert (board.served, board.in_progress) == (1, 1)
    page = client.get("/service/").content.decode()
    assert '<span id="board-served">1</span>' in page
    assert '<span id="board-in-progress">1</span>' in page
    served = Service.objects.get(case=first)
    assert served.answer_ends is not None
    # 可排期开庭 once the answer period has ended, and only the fully served case
    assert selectors.dashboard(clerk, today=served.answer_ends).ready_cases == []
    ready = selectors.dashboard(clerk, today=served.answer_ends + timedelta(days=1))
    assert [c.pk for c in ready.ready_cases] == [first.pk]
    assert second.pk not in [c.pk for c in ready.ready_cases]

    stats = selectors.stats_section()
    assert stats["attempts"] == 4 and stats["served"] == 1 and stats["success_rate"] == 0.5
    assert stats["by_channel"][Channel.SMS] == {"attempts": 2, "served": 1}
    assert stats["by_channel"][Channel.PORTAL] == {"attempts": 2, "served": 0}


def test_case_page_shows_the_service_timeline_in_the_law_s_words(
    filed: Any, clerk: User, gateway: Any
) -> None:
    case = filed(mobile="13800138000")
    service = _serve(case, clerk)
    _deliver(service.attempts.get(channel=Channel.SMS), "r-2")
    service.refresh_from_db()
    page = login(case.clerk or clerk).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-service"' in page and "已送达" in page
    assert service.reason and service.reason in page
    assert f"{service.answer_ends:%Y年%-m月%-d日}" in page
    assert "138****8000" in page
    assert "13800138000" not in page  # the address is masked
    assert EventKind.SERVED.label in page


def test_a_bank_agent_of_another_bank_gets_404(
    filed: Any, clerk: User, gateway: Any, make_user: Any, other_bank: Any, agent: User
) -> None:
    case = filed()
    service = _serve(case, clerk)
    job = ServiceJob.objects.create(
        court=case.court, case_ids=[case.pk], total=1, requested_by=clerk
    )
    stranger = login(make_user(Role.BANK_AGENT, other_bank))
    attempt = service.attempts.first()
    assert attempt is not None
    assert stranger.get("/service/").status_code == 404
    assert stranger.get(f"/service/jobs/{job.pk}/").status_code == 404
    assert stranger.get(f"/service/jobs/{job.pk}/progress/").status_code == 404
    assert stranger.get(f"/cases/{case.pk}/").status_code == 404
    r = stranger.post(f"/service/attempts/{attempt.pk}/receipt/", {"signed_on": "2024-01-01"})
    assert r.status_code == 404
    # the claimant's own agent sees the service on the case page, but no receipt form
    own = login(agent).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-service"' in own and "登记送达回证" not in own


def _session_without_login_signal(user: User) -> Client:
    """A party's browser session opened before the service (no login read happens now)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return client


def test_defendant_inbox_lists_only_their_documents_and_a_download_is_a_read(
    filed: Any, clerk: User, gateway: Any, make_user: Any
) -> None:
    mine = filed(name="王五", mobile="13900000001", confirmed=False)
    theirs = filed(name="赵六", mobile="13900000002", confirmed=False)
    service = _serve(mine, clerk)
    _serve(theirs, clerk)
    assert service.state == Service.State.IN_PROGRESS  # unconfirmed: delivery alone is not enough
    user = make_user(Role.DEFENDANT, party=service.party)
    client = _session_without_login_signal(user)
    page = client.get("/service/inbox/").content.decode()
    docs = selectors.served_documents(service)
    assert len(docs) > 1
    for d in docs:
        assert f"/service/inbox/{d.pk}/" in page and d.sha256 in page
    other = Service.objects.get(case=theirs)
    assert other.case.case_number not in page
    assert client.get(f"/service/inbox/{other.packet_id}/").status_code == 404
    response = client.get(f"/service/inbox/{docs[1].pk}/")
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == docs[1].sha256
    portal = service.attempts.get(channel=Channel.PORTAL)
    assert portal.read_how == "下载送达文书" and portal.state == AttemptState.READ
    service.refresh_from_db()
    assert service.state == Service.State.SERVED and service.served_by_id == portal.pk
    assert login(clerk).get("/service/inbox/").status_code == 404


def test_secret_link_records_the_read_and_serves_only_its_packet(
    filed: Any, clerk: User, gateway: Any
) -> None:
    case = filed(mobile="13700000001", confirmed=False)
    other = filed(name="孙七", mobile="13700000002")
    service = _serve(case, clerk)
    _serve(other, clerk)
    text = gateway.inbox.query("13700000001", 1)[0]["text"]
    token = re.search(r"/s/([^/\s]+)/", text).group(1)  # type: ignore[union-attr]
    anonymous = Client()
    page = anonymous.get(f"/s/{token}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert case.court.name in body and case.case_number in body
    packet = service.packet
    assert (
        packet.sha256 not in body
    )  # the documents wait for the ID step (tests/service/test_link.py)
    sms = service.attempts.get(channel=Channel.SMS)
    assert sms.read_at is not None and sms.read_how == "打开送达链接"
    assert anonymous.get(f"/s/{token}/{packet.pk}/").status_code == 404
    id6 = service.party.id_number[-6:]
    assert anonymous.post(f"/s/{token}/", {"id6": id6}).status_code == 302
    assert packet.sha256 in anonymous.get(f"/s/{token}/").content.decode()
    download = anonymous.get(f"/s/{token}/{packet.pk}/")
    assert download.status_code == 200 and download["X-Content-SHA256"] == packet.sha256
    foreign = Service.objects.get(case=other).packet_id
    assert anonymous.get(f"/s/{token}/{foreign}/").status_code == 404
    assert anonymous.get("/s/not-a-real-token/").status_code == 404
    assert anonymous.get(f"/s/not-a-real-token/{packet.pk}/").status_code == 404
    assert anonymous.post("/s/not-a-real-token/", {"id6": id6}).status_code == 404


def test_public_notice_board_shows_a_published_notice(filed: Any, clerk: User) -> None:
    case = filed(name="周八", mobile=None, address=None)  # no address at all: public notice
    open_services([case.pk], by=clerk)
    sweep(timezone.now())
    notice = ServiceAttempt.objects.get(service__case=case, channel=Channel.PUBLIC_NOTICE)
    assert notice.state == AttemptState.PUBLISHED
    page = Client().get("/public/notices/").content.decode()
    case.refresh_from_db()
    assert "周八" in page and case.case_number in page and notice.message in page
    assert f"{notice.published_on:%Y年%-m月%-d日}" in page


def test_clerk_uploads_a_scanned_receipt_and_the_post_service_is_served(
    filed: Any, clerk: User, postal: Any
) -> None:
    case = filed(consent=False, confirmed=False)
    service = _serve(case, clerk)
    post = service.attempts.get(channel=Channel.POST)
    client = login(case.clerk or clerk)
    assert "登记送达回证" in client.get(f"/cases/{case.pk}/").content.decode()
    url = f"/service/attempts/{post.pk}/receipt/"
    day = timezone.localdate()
    refused = client.post(
        url,
        {
            "scan": SimpleUploadedFile("回证.jpg", b"\xff\xd8\xff not a pdf"),
            "signed_on": day.isoformat(),
            "signer": "本人",
        },
        follow=True,
    )
    assert "回证扫描件须为 PDF 文件" in refused.content.decode()
    assert Service.objects.get(pk=service.pk).state == Service.State.IN_PROGRESS
    done = client.post(
        url,
        {
            "scan": SimpleUploadedFile("回证.pdf", PDF, content_type="application/pdf"),
            "signed_on": day.isoformat(),
            "signer": "本人",
        },
        follow=True,
    )
    assert "送达回证已登记" in done.content.decode()
    service.refresh_from_db()
    assert service.state == Service.State.SERVED and service.served_on == day
    assert StoredDocument.objects.filter(case=case, kind="service_receipt_scan").count() == 1
    case.refresh_from_db()
    assert case.state == State.SERVED


def test_stats_json_has_the_service_section(filed: Any, clerk: User, gateway: Any) -> None:
    import io
    import json

    _serve(filed(), clerk)
    out = io.StringIO()
    call_command("stats", "--json", stdout=out)
    section = json.loads(out.getvalue())["service"]
    assert set(section) == {
        "attempts",
        "served",
        "success_rate",
        "by_channel",
        "public_notice",
        "escalated",
        "by_purpose",
    }
    assert section["attempts"] == 2 and section["served"] == 0
    assert section["by_purpose"]["filing"] == {"services": 1, "served": 0}
    assert section["by_purpose"]["judgment"] == {"services": 0, "served": 0}
