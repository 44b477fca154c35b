"""PAdES signatures with the court's seal certificate (pyHanko), and their validation.

A signature covers one PDF: a single document (`issue_document`) or the recipient's packet
(the signed list of document hashes used in batch filing). `validate()` checks integrity,
the certificate chain against the demo CA (or given roots), and that the signature covers
the whole file (anything appended after signing makes it fail).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from jiefen.documents.keys import seal_key, trust_root

FIELD_NAME = "CourtSeal"
SIGNATURE_BYTES = 8192  # an ECDSA P-256 CMS with two certificates is about 1.5 KB
_signers: dict[tuple[str, int], signers.PdfSigner] = {}


def _pdf_signer(court: Any) -> signers.PdfSigner:
    sk = seal_key(court)
    cache_key = (court.court_code or court.code, id(sk))
    if cache_key not in _signers:
        signer = signers.SimpleSigner(
            signing_cert=sk.cert,
            signing_key=sk.key,
            cert_registry=SimpleCertificateStore.from_certs([sk.ca_cert]),
        )
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason="人民法院电子签章",
            location=court.name,
            name=court.name,
        )
        _signers[cache_key] = signers.PdfSigner(meta, signer)
    return _signers[cache_key]


def sign_pdf(pdf: bytes, court: Any) -> bytes:
    """Sign `pdf` with `court`'s seal certificate (PAdES B-B); return the signed bytes."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # Reserving the CMS size up front spares pyHanko a dummy signature to estimate it.
    out = _pdf_signer(court).sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES)
    return out.getvalue()


@dataclass
class SignatureReport:
    signer: str
    intact: bool
    valid: bool
    trusted: bool
    whole_file: bool

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.whole_file


@dataclass
class ValidationResult:
    signatures: list[SignatureReport] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.signatures) and all(s.ok for s in self.signatures)


def validate(
    pdf: bytes, trust_roots: list[asn1_x509.Certificate] | None = None
) -> ValidationResult:
    """Validate every signature in `pdf` against the demo CA (or `trust_roots`)."""
    result = ValidationResult()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        roots = trust_roots or [trust_root()]
        for emb in reader.embedded_signatures:
            vc = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = validate_pdf_signature(emb, vc)
            cn = emb.signer_cert.subject.native.get("common_name", "")
            result.signatures.append(
                SignatureReport(
                    signer=str(cn),
                    intact=status.intact,
                    valid=status.valid,
                    trusted=status.trusted,
                    whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                )
            )
    except Exception as exc:  # a mangled file is an invalid file, with the reason kept
        result.error = f"{type(exc).__name__}: {exc}"
    return result
