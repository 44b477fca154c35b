"""Speech-to-text: clear refusals without a model, and segments become statements through the
`Transcriber` boundary (a test implementation stands in for faster-whisper)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hearings.record_setup import bench, scheduled_case
from jiefen.hearings.models import Statement
from jiefen.hearings.speech import (
    Segment,
    SpeechUnavailable,
    WhisperTranscriber,
    statements_from_audio,
)


def test_no_model_configured(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.JIEFEN_SPEECH_MODEL = ""
    monkeypatch.delenv("JIEFEN_SPEECH_MODEL", raising=False)
    with pytest.raises(SpeechUnavailable, match=r"未配置语音转写模型（JIEFEN_SPEECH_MODEL）"):
        WhisperTranscriber().transcribe(Path("/tmp/none.wav"))


def test_model_path_missing(settings: Any, tmp_path: Path) -> None:
    settings.JIEFEN_SPEECH_MODEL = str(tmp_path / "no-such-model")
    with pytest.raises(SpeechUnavailable, match="语音转写模型目录不存在"):
        WhisperTranscriber().check()


def test_package_not_installed(settings: Any, tmp_path: Path) -> None:
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("faster-whisper is installed here")
    settings.JIEFEN_SPEECH_MODEL = str(tmp_path)
    with pytest.raises(SpeechUnavailable, match="未安装 faster-whisper"):
        WhisperTranscriber().check()


class Recorded:
    """A transcriber that returns segments a court's model produced earlier."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.asked: list[Path] = []

    def transcribe(self, audio_path: Path) -> list[Segment]:
        self.asked.append(audio_path)
        return self.segments


def test_segments_become_speech_statements(
    court: Any, make_user: Any, make_case: Any, series: Any, tmp_path: Path
) -> None:
    b = bench(court, make_user, series)
    _, hearing = scheduled_case(make_case, b, series)
    audio = tmp_path / "defendant.wav"
    audio.write_bytes(b"RIFF")
    engine = Recorded(
        [
            Segment(1.5, 4.0, "本金我认可。"),
            Segment(4.0, 5.0, "  "),
            Segment(6.0, 9.0, "罚息太高。"),
        ]
    )
    rows = statements_from_audio(
        hearing, audio, speaker="被告张三", speaker_role="被告", by=b.clerk, transcriber=engine
    )
    assert engine.asked == [audio]
    assert [r.text for r in rows] == ["本金我认可。", "罚息太高。"]
    assert all(r.source == Statement.Source.SPEECH and r.kind == "statement" for r in rows)
    assert (rows[1].at - hearing.starts_at).total_seconds() == 6.0
