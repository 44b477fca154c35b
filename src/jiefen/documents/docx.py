"""Editable Word copies from docxtpl templates (`templates_official/docx/<kind>.docx`).

The .docx templates use the same data as the typst templates (`{{ case_number }}`,
`{{ recipient.name }}`…), so a court administrator edits wording in Word without touching
code. `python -m jiefen.documents.docx_templates` regenerates the shipped ones.
"""

from __future__ import annotations

import io
from typing import Any

from docxtpl import DocxTemplate

from jiefen.documents.kinds import KINDS, find_template


def render_docx(kind: str, data: dict[str, Any]) -> bytes:
    spec = KINDS[kind]
    if not spec.docx:
        raise ValueError(f"{spec.title}没有 Word 模板")
    template = DocxTemplate(str(find_template(f"docx/{spec.docx}")))
    template.render(data, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
