"""Rendering official PDFs with typst: one compiler per process, reused for every document.

The compiler is created once (fonts are scanned once; parsed templates stay in typst's cache),
then each document is one `compile()` call with the data embedded as a JSON string literal.
Fonts: FandolFang (仿宋, from Debian's texlive-lang-chinese, extracted into var/fonts by
scripts/bootstrap.sh) for the body where present, Noto Serif/Sans CJK (Debian fonts-noto-cjk)
otherwise and for titles.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typst
from django.conf import settings

from jiefen.documents.kinds import KINDS, find_template, template_dirs

NOTO_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
_lock = threading.Lock()
_compiler: typst.Compiler | None = None
_pid: int | None = None


def font_dirs() -> list[str]:
    repo_var = Path(__file__).resolve().parents[3] / "var" / "fonts"
    candidates = [Path(settings.JIEFEN_VAR_DIR) / "fonts", repo_var, *map(Path, NOTO_DIRS)]
    extra = os.environ.get("JIEFEN_FONT_DIRS", "")
    candidates += [Path(p) for p in extra.split(os.pathsep) if p]
    seen: list[str] = []
    for c in candidates:
        if c.is_dir() and str(c) not in seen:
            seen.append(str(c))
    return seen


def compiler() -> typst.Compiler:
    """The process's one typst compiler (recreated after fork so workers never share it)."""
    global _compiler, _pid
    if _compiler is None or _pid != os.getpid():
        _compiler = typst.Compiler(root="/", font_paths=font_dirs(), ignore_system_fonts=True)
        _pid = os.getpid()
    return _compiler


def _typst_string(text: str) -> str:
    """`text` as a typst string literal (only the backslash and the quote need escaping)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _main_source(template: Path, payload: str) -> bytes:
    # The template defines `render(d)`; the data is a JSON string literal in the main source.
    # Passing it in the source rather than through sys.inputs keeps typst's library unchanged
    # between documents, so the evaluated templates stay memoised (about 15% per document).
    return (
        f"#import {_typst_string(template.as_posix())}: render\n"
        f"#render(json(bytes({_typst_string(payload)})))\n"
    ).encode()


def render_pdf(kind: str, data: dict[str, Any], *, when: datetime | None = None) -> bytes:
    """Render one document of `kind` from `data` (a JSON-serialisable dict) to PDF bytes."""
    template = find_template(KINDS[kind].template)
    payload = json.dumps(data, ensure_ascii=False, default=str)
    stamp = (when or datetime.now(UTC)).replace(microsecond=0)
    with _lock:  # the compiler is not re-entrant; tasks in one process take turns
        pdf = compiler().compile(
            input=_main_source(template, payload), sys_inputs=None, timestamp=stamp
        )
    assert isinstance(pdf, bytes)
    return pdf


def template_roots() -> list[Path]:
    return template_dirs()
