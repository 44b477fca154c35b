"""Official documents: rendered, signed with the court's seal, validated against the demo CA."""

import io
from typing import Any

import pytest
from pypdf import PdfReader

from jiefen.accounts.models import Role
from jiefen.audit.models import AuditRecord
from jiefen.documents.actions import issue_document
from jiefen.documents.models import AppendOnlyError, StoredDocument
from jiefen.documents.signing import validate
from jiefen.documents.storage import sha256


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def clerk(court: Any, make_user: Any) -> Any:
    return make_user(Role.CLERK, court, full_name="书记员甲")


def test_issue_document_signs_stores_and_hashes(make_case: Any, clerk: Any) -> None:
    case = make_case(case_number="（2025）渝0105民初7号")
    doc = issue_document(
        case,
        "generic",
        recipient="张三",
        by=clerk,
        context={"title": "通知书", "paragraphs": ["请于2025年7月8日前到庭。"]},
    )
    data = doc.absolute_path.read_bytes()
    assert doc.signed and doc.sha256 == sha256(data) and doc.size == len(data)
    text = pdf_text(data)
    assert "重庆市江北区人民法院" in text and "（2025）渝0105民初7号" in text
    result = validate(data)
    assert result.ok, result
    assert result.signatures[0].signer == "重庆市江北区人民法院电子印章"
    assert AuditRecord.objects.filter(action="documents.issue").count() == 1


def test_tampered_pdf_fails_validation(make_case: Any, clerk: Any) -> None:
    case = make_case(case_number="（2025）渝0105民初8号")
    doc = issue_document(
        case,
        "generic",
        recipient="张三",
        by=clerk,
        context={"title": "通知书", "paragraphs": ["应交案件受理费463元。"]},
    )
    data = bytearray(doc.absolute_path.read_bytes())
    # Change one byte inside the signed content (the document's first stream).
    pos = data.index(b"stream") + 20
    data[pos] = (data[pos] + 1) % 256
    assert not validate(bytes(data)).ok
    # Appending an incremental update after signing also fails (signature no longer covers the file).
    appended = doc.absolute_path.read_bytes() + b"\n1 0 obj\n<< >>\nendobj\n"
    assert not validate(appended).ok


def test_signature_from_another_ca_is_not_trusted(
    make_case: Any, clerk: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from jiefen.documents import keys

    case = make_case(case_number="（2025）渝0105民初9号")
    doc = issue_document(
        case,
        "generic",
        recipient="张三",
        by=clerk,
        context={"title": "通知书", "paragraphs": ["无"]},
    )
    other = keys._load_cert(keys.ensure_ca(tmp_path / "other"))
    assert not validate(doc.absolute_path.read_bytes(), trust_roots=[other]).ok


def test_documents_are_append_only(make_case: Any, clerk: Any) -> None:
    case = make_case(case_number="（2025）渝0105民初10号")
    doc = issue_document(
        case,
        "generic",
        recipient="张三",
        by=clerk,
        context={"title": "通知书", "paragraphs": ["无"]},
    )
    doc.title = "改过的"
    with pytest.raises(AppendOnlyError):
        doc.save()
    with pytest.raises(AppendOnlyError):
        doc.delete()
    assert StoredDocument.objects.get(pk=doc.pk).title == "通知书"
