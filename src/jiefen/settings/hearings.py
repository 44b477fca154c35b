"""Hearings: the external video service of online hearings, and the speech-to-text model.

JIEFEN_VIDEO_URL is the base address of the court's video-hearing service (external to jiefen):
each online session's join link is this address followed by the session's room. The speech-to-text
adapter (faster-whisper, not installed by default) reads the model directory the court supplies
from JIEFEN_SPEECH_MODEL; empty means no transcription, and the transcript page says so.
"""

from jiefen.settings.env import env

JIEFEN_VIDEO_URL = env("JIEFEN_VIDEO_URL", "https://video.court.example/room")
JIEFEN_SPEECH_MODEL = env("JIEFEN_SPEECH_MODEL", "")
