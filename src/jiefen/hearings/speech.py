"""Speech-to-text for hearing statements: an adapter boundary, never a fake.

A court that records its hearings may supply a faster-whisper model directory
(`JIEFEN_SPEECH_MODEL`, setting or environment). faster-whisper is not a dependency of
jiefen: it is imported only when a transcription is asked for. Without a model, with a path
that does not exist or without the package, `SpeechUnavailable` says so in Chinese and the
page shows it; no text is ever invented (a transcript is evidence, 民诉法 Art. 150).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from jiefen.accounts.models import User
from jiefen.hearings.actions.attendance import add_statement
from jiefen.hearings.models import Hearing, Statement, StatementKind


class SpeechUnavailable(Exception):
    """Transcription cannot run here; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    text: str


class Transcriber(Protocol):
    def transcribe(self, audio_path: Path) -> list[Segment]: ...


def model_path() -> str:
    return str(
        getattr(settings, "JIEFEN_SPEECH_MODEL", "") or os.environ.get("JIEFEN_SPEECH_MODEL", "")
    )


class WhisperTranscriber:
    """faster-whisper with the model directory the court supplies (Chinese, on the CPU)."""

    def __init__(self, model: str | None = None) -> None:
        self.model = model if model is not None else model_path()
        self._impl: Any = None

    def check(self) -> None:
        """Raise `SpeechUnavailable` unless a transcription could run now."""
        self._load()

    def _load(self) -> Any:
        if self._impl is not None:
            return self._impl
        if not self.model:
            raise SpeechUnavailable(
                "未配置语音转写模型（JIEFEN_SPEECH_MODEL）：请由法院技术部门提供 faster-whisper "
                "模型目录并设置该项后再使用语音转写；在此之前请由书记员录入发言。"
            )
        if not Path(self.model).exists():
            raise SpeechUnavailable(
                f"语音转写模型目录不存在：{self.model}（JIEFEN_SPEECH_MODEL）。请核对路径。"
            )
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise SpeechUnavailable(
                "未安装 faster-whisper：语音转写需在服务器上安装 faster-whisper 软件包"
                "（pip install faster-whisper）。在此之前请由书记员录入发言。"
            ) from None
        self._impl = WhisperModel(self.model, device="cpu", compute_type="int8")
        return self._impl

    def transcribe(self, audio_path: Path) -> list[Segment]:
        model = self._load()
        segments, _info = model.transcribe(str(audio_path), language="zh")
        return [Segment(float(s.start), float(s.end), str(s.text).strip()) for s in segments]


def statements_from_audio(
    hearing: Hearing,
    audio: Path,
    *,
    speaker: str,
    speaker_role: str = "",
    by: User | None,
    transcriber: Transcriber | None = None,
) -> list[Statement]:
    """Turn the segments of one speaker's audio into statements (source: speech), in order.

    Each statement is timed from the hearing's start by the segment's offset; empty segments
    are dropped. The clerk checks them in the transcript before anyone signs.
    """
    engine = transcriber or WhisperTranscriber()
    segments: Sequence[Segment] = engine.transcribe(audio)
    start = hearing.held_at or hearing.starts_at
    return [
        add_statement(
            hearing,
            speaker=speaker,
            speaker_role=speaker_role,
            kind=StatementKind.STATEMENT,
            text=s.text,
            by=by,
            at=start + timedelta(seconds=s.start_s),
            source=Statement.Source.SPEECH,
        )
        for s in segments
        if s.text.strip()
    ]
