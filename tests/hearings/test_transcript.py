"""The transcript (笔录): generated from the record, corrected by the clerk, signed by every
participant with a one-time code, then sealed and stored."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from hearings.record_setup import (
    SHANGHAI,
    answer,
    bench,
    confirmed_mobile,
    scheduled_case,
    serve_filing_packet,
)
from jiefen.accounts.models import Role
from jiefen.cases.actions import TransitionRefused
from jiefen.documents.signing import validate
from jiefen.hearings.actions.record import (
    add_statement,
    confirm_undisputed,
    hold_hearing,
    open_record,
)
from jiefen.hearings.actions.transcripts import (
    edit_transcript,
    generate_transcript,
    issue_code,
    request_signatures,
    sign_transcript,
)
from jiefen.hearings.models import TranscriptSignature, TranscriptState

OPENED = datetime(2025, 9, 16, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def heard(court: Any, make_user: Any, make_case: Any, series: Any, agent: Any) -> dict[str, Any]:
    """Two cases heard: one with its defendant present (mobile confirmed), one by default."""
    b = bench(court, make_user, series)
    (c1, h1), (c2, h2) = (scheduled_case(make_case, b, series) for _ in range(2))
    confirmed_mobile(c1)
    answer(c1, {"interest": ("objection", "罚息过高")})
    serve_filing_packet(h2, date(2025, 8, 20))
    open_record([c1.pk, c2.pk], by=b.clerk)
    confirm_undisputed(series.pk, by=b.judge)
    add_statement(
        h1,
        speaker="审判员王审判",
        speaker_role="审判员",
        kind="question",
        text="被告对欠款本金有无异议？",
        by=b.clerk,
    )
    add_statement(
        h1,
        speaker="被告张三",
        speaker_role="被告",
        kind="answer",
        text="本金没有异议，罚息太高。",
        by=b.clerk,
    )
    absent = {h2.pk: [c2.defendants[0].party_id]}
    assert (
        len(hold_hearing([h1.pk, h2.pk], absent_party_ids=absent, by=b.judge, now=OPENED).held) == 2
    )
    h1.refresh_from_db()
    h2.refresh_from_db()
    return {"bench": b, "h1": h1, "h2": h2, "agent": agent}


def test_generated_transcript_holds_the_record(heard: dict[str, Any]) -> None:
    b, h1, h2 = heard["bench"], heard["h1"], heard["h2"]
    t = generate_transcript(h1, by=b.clerk)
    text = t.text
    assert f"案号：{h1.case.case_number}" in text and "案由：金融借款合同纠纷" in text
    assert "时间：2025年9月16日09:00至" in text and "地点：第一法庭" in text
    assert "审判员：王审判" in text and "书记员：李书记" in text
    assert "被告张三到庭。" in text
    assert "1. 本金" in text and "原告主张：截至2025年6月30日止，尚欠本金45,000.00元" in text
    assert "被告意见：被告张三：有异议。理由：罚息过高" in text
    assert "法庭认定：（有争议，待认定）" in text
    assert "法庭认定：对原告主张的该项事实予以确认" in text
    assert text.index("审判员王审判：被告对欠款本金有无异议？") < text.index(
        "被告张三：本金没有异议"
    )
    assert "最后陈述：\n（未记录）" in text
    absent = generate_transcript(h2, by=b.clerk).text
    name = h2.case.defendants[0].party.name
    assert f"被告{name}经本院传票传唤，无正当理由未到庭。" in absent
    assert "被告未到庭，无法调解。" in absent


def test_edit_after_a_signature_voids_it(heard: dict[str, Any], gateway: Any) -> None:
    b, h1 = heard["bench"], heard["h1"]
    t = generate_transcript(h1, by=b.clerk)
    codes = request_signatures(t, by=b.clerk)
    clerk_sig = TranscriptSignature.objects.get(transcript=t, user=b.clerk)
    sign_transcript(clerk_sig, codes[clerk_sig.pk], by=b.clerk)
    clerk_sig.refresh_from_db()
    assert clerk_sig.signed_at is not None
    with pytest.raises(TransitionRefused, match="校对笔录"):
        edit_transcript(t, t.text + "补正。", by=b.judge)
    edit_transcript(t, t.text + "被告补充：请求分期还款。", by=b.clerk)
    clerk_sig.refresh_from_db()
    t.refresh_from_db()
    assert clerk_sig.signed_at is None and t.state == TranscriptState.DRAFT
    assert t.text.endswith("被告补充：请求分期还款。\n")


def test_codes_wrong_expired_or_for_an_old_text_are_refused(
    heard: dict[str, Any], gateway: Any
) -> None:
    b, h1 = heard["bench"], heard["h1"]
    t = generate_transcript(h1, by=b.clerk)
    codes = request_signatures(t, by=b.clerk)
    judge_sig = TranscriptSignature.objects.get(transcript=t, user=b.judge)
    wrong = f"{(int(codes[judge_sig.pk]) + 1) % 10**6:06d}"
    with pytest.raises(TransitionRefused, match="验证码不正确"):
        sign_transcript(judge_sig, wrong, by=b.judge)
    with pytest.raises(TransitionRefused, match="无权代替他人签名"):
        sign_transcript(judge_sig, codes[judge_sig.pk], by=b.clerk)
    TranscriptSignature.objects.filter(pk=judge_sig.pk).update(
        code_expires_at=timezone.now() - timedelta(seconds=1)
    )
    judge_sig.refresh_from_db()
    with pytest.raises(TransitionRefused, match="验证码已过期"):
        sign_transcript(judge_sig, codes[judge_sig.pk], by=b.judge)
    fresh = issue_code(judge_sig, by=b.judge)
    judge_sig.refresh_from_db()
    assert re.fullmatch(r"\d{6}", fresh) and judge_sig.code_sha256 != fresh
    with pytest.raises(TransitionRefused, match="只能为本人"):
        issue_code(judge_sig, by=b.clerk)


def test_all_sign_then_the_sealed_pdf_is_stored(heard: dict[str, Any], gateway: Any) -> None:
    b, h1, agent = heard["bench"], heard["h1"], heard["agent"]
    t = generate_transcript(h1, by=b.clerk)
    codes = request_signatures(t, by=b.clerk)
    sigs = {s.role: s for s in TranscriptSignature.objects.filter(transcript=t)}
    assert set(sigs) == {"审判员", "书记员", "原告委托诉讼代理人", "被告"}
    party_sig = sigs["被告"]
    assert party_sig.sent_to == "短信 138****8000" and party_sig.pk not in codes
    sms = gateway.inbox.query("13800138000", 5)
    assert len(sms) == 1 and h1.case.case_number in sms[0]["text"]
    party_code = re.search(r"验证码(\d{6})", sms[0]["text"]).group(1)  # type: ignore[union-attr]
    assert party_sig.code_sha256 and party_code not in party_sig.code_sha256
    sign_transcript(sigs["审判员"], codes[sigs["审判员"].pk], by=b.judge)
    sign_transcript(sigs["书记员"], codes[sigs["书记员"].pk], by=b.clerk)
    sign_transcript(sigs["原告委托诉讼代理人"], codes[sigs["原告委托诉讼代理人"].pk], by=agent)
    t.refresh_from_db()
    assert t.state == TranscriptState.SIGNING and t.document is None
    sign_transcript(party_sig, party_code, by=None)  # on the court's terminal
    with pytest.raises(TransitionRefused):
        sign_transcript(party_sig, party_code, by=None)
    t.refresh_from_db()
    assert t.state == TranscriptState.SIGNED and t.document is not None
    doc = t.document
    assert doc.kind == "transcript" and doc.signed and doc.case_id == h1.case_id
    result = validate(doc.absolute_path.read_bytes())
    assert result.ok, result
    from pypdf import PdfReader

    pdf = "".join(p.extract_text() for p in PdfReader(doc.absolute_path).pages)
    assert "庭 审 笔 录" in pdf and h1.case.case_number in pdf and "签名确认" in pdf
    with pytest.raises(TransitionRefused, match="已签名"):
        edit_transcript(t, "改动", by=b.clerk)


def test_party_user_cannot_sign_for_another(
    heard: dict[str, Any], make_user: Any, gateway: Any
) -> None:
    b, h1 = heard["bench"], heard["h1"]
    t = generate_transcript(h1, by=b.clerk)
    request_signatures(t, by=b.clerk)
    stranger = make_user(Role.DEFENDANT, None, party=heard["h2"].case.defendants[0].party)
    sig = TranscriptSignature.objects.get(transcript=t, role="被告")
    with pytest.raises(TransitionRefused):
        sign_transcript(sig, "000000", by=stranger)
