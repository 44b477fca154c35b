"""The transcript page (庭审笔录): the clerk generates, corrects and sends it for signature;
every signer (judge, clerk, the bank's agent, a party at the court's terminal) signs with a
one-time code. A staff signer's code is shown on their own page only (kept in their session,
never stored in plain text); a party's goes to their phone. Audio can fill statements through
the speech adapter, which says plainly when no model is installed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.hearings.actions.transcripts import (
    edit_transcript,
    generate_transcript,
    issue_code,
    request_signatures,
    sign_transcript,
)
from jiefen.hearings.models import Hearing, Transcript, TranscriptSignature
from jiefen.hearings.speech import SpeechUnavailable, WhisperTranscriber, statements_from_audio

SESSION_CODES = "transcript_codes"  # signature id → this user's own one-time code
MAX_AUDIO = 200 * 1024 * 1024


def _hearing(request: HttpRequest, hearing_id: int) -> tuple[User, Hearing]:
    user = access.desk(request.user, "hearings")
    return user, access.hearing_for(user, hearing_id)


def _signer(request: HttpRequest, hearing_id: int) -> tuple[User, Hearing]:
    """Any signed-in user the hearing is visible to (the bank's agent signs here too)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("页面不存在")
    return user, access.hearing_for(user, hearing_id)


def _transcript(user: User, hearing: Hearing) -> Transcript | None:
    return access.visible_transcripts(user).filter(hearing=hearing).first()


def _back(hearing: Hearing) -> HttpResponse:
    return redirect("hearings:transcripts_page", hearing_id=hearing.pk)


def _remember(request: HttpRequest, codes: dict[int, str]) -> None:
    kept = dict(request.session.get(SESSION_CODES, {}))
    kept.update({str(k): v for k, v in codes.items()})
    request.session[SESSION_CODES] = kept


@login_required
def page(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user, hearing = _signer(request, hearing_id)
    staff = access.may_open(user, "hearings")
    transcript = _transcript(user, hearing)
    signatures = list(transcript.signatures.order_by("pk")) if transcript else []
    if not staff:
        signatures = [
            s
            for s in signatures
            if s.user_id == user.pk or (s.party_id and s.party_id == user.party_id)
        ]
    codes = request.session.get(SESSION_CODES, {})
    for s in signatures:
        s.own = s.user_id == user.pk  # type: ignore[attr-defined]
        s.code = codes.get(str(s.pk), "") if s.own and not s.signed_at else ""  # type: ignore[attr-defined]
    try:
        WhisperTranscriber().check()
        speech_error = ""
    except SpeechUnavailable as exc:
        speech_error = str(exc)
    context = {
        "hearing": hearing,
        "case": hearing.case,
        "transcript": transcript,
        "signatures": signatures,
        "staff": staff,
        "speech_error": speech_error,
    }
    return render(request, "hearings/transcripts_page.html", context)


@login_required
@require_POST
def generate(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user, hearing = _hearing(request, hearing_id)
    try:
        generate_transcript(hearing, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已根据庭审记录生成笔录")
    return _back(hearing)


@login_required
@require_POST
def save(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user, hearing = _hearing(request, hearing_id)
    transcript = _transcript(user, hearing)
    if transcript is None:
        raise Http404("笔录不存在")
    try:
        edit_transcript(transcript, request.POST.get("text", ""), by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "笔录已保存；此前的签名（如有）已失效，须重新签名")
    return _back(hearing)


@login_required
@require_POST
def request_signing(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user, hearing = _hearing(request, hearing_id)
    transcript = _transcript(user, hearing)
    if transcript is None:
        raise Http404("笔录不存在")
    try:
        codes = request_signatures(transcript, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        mine = access.own_signatures(user).filter(pk__in=list(codes))
        _remember(request, {s.pk: codes[s.pk] for s in mine})
        messages.success(request, "已提交签名：当事人的验证码已发送至其手机")
    return _back(hearing)


def _signature(user: User, hearing: Hearing, signature_id: int) -> TranscriptSignature:
    transcript = _transcript(user, hearing)
    try:
        return TranscriptSignature.objects.select_related("transcript__hearing__case").get(
            pk=signature_id, transcript=transcript
        )
    except TranscriptSignature.DoesNotExist:
        raise Http404("签名记录不存在") from None


@login_required
@require_POST
def code(request: HttpRequest, hearing_id: int, signature_id: int) -> HttpResponse:
    user, hearing = _signer(request, hearing_id)
    try:
        _remember(
            request, {signature_id: issue_code(_signature(user, hearing, signature_id), by=user)}
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    return _back(hearing)


@login_required
@require_POST
def sign(request: HttpRequest, hearing_id: int, signature_id: int) -> HttpResponse:
    user, hearing = _signer(request, hearing_id)
    signature = _signature(user, hearing, signature_id)
    try:
        sign_transcript(signature, request.POST.get("code", ""), by=user)
    except TransitionRefused as exc:
        messages.error(request, f"{signature.name}：{exc}")
    else:
        messages.success(request, f"{signature.name}已签名")
    return _back(hearing)


@login_required
@require_POST
def audio(request: HttpRequest, hearing_id: int) -> HttpResponse:
    """Fill statements from one speaker's recording (faster-whisper, if the court has it)."""
    user, hearing = _hearing(request, hearing_id)
    upload = request.FILES.get("audio")
    speaker = request.POST.get("speaker", "").strip()
    if upload is None or not speaker or (upload.size or 0) > MAX_AUDIO:
        messages.error(request, "请选择录音文件（不超过200 MB）并填写发言人")
        return _back(hearing)
    suffix = Path(upload.name or "audio.wav").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        for chunk in upload.chunks():
            f.write(chunk)
        f.flush()
        try:
            rows = statements_from_audio(
                hearing,
                Path(f.name),
                speaker=speaker,
                speaker_role=request.POST.get("speaker_role", ""),
                by=user,
            )
        except (SpeechUnavailable, TransitionRefused) as exc:
            messages.error(request, str(exc))
            return _back(hearing)
    messages.success(request, f"已转写{len(rows)}段发言，请核对")
    return _back(hearing)


urlpatterns = [
    path("transcripts/<int:hearing_id>/", page, name="transcripts_page"),
    path("transcripts/<int:hearing_id>/generate/", generate, name="transcripts_generate"),
    path("transcripts/<int:hearing_id>/save/", save, name="transcripts_save"),
    path("transcripts/<int:hearing_id>/request/", request_signing, name="transcripts_request"),
    path("transcripts/<int:hearing_id>/audio/", audio, name="transcripts_audio"),
    path("transcripts/<int:hearing_id>/code/<int:signature_id>/", code, name="transcripts_code"),
    path("transcripts/<int:hearing_id>/sign/<int:signature_id>/", sign, name="transcripts_sign"),
]
