"""PAdES signatures with the court's seal certificate (pyHanko), and their validation.

A signature covers one PDF: a single document (`issue_document`) or, in batch filing, the
cover notice of a recipient's packet, whose printed list of SHA-256 digests extends it to every
enclosed document. The signer and its signing-certificate attribute are prepared once per court
and process, and one event loop serves all signatures (a batch signs thousands). `validate()` checks integrity,
the certificate chain against the demo CA (or given roots), and that the signature covers
the whole file (anything appended after signing makes it fail).
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import attributes, fields, signers
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from jiefen.documents.keys import seal_key, trust_root

FIELD_NAME = "CourtSeal"
SIGNATURE_BYTES = 8192  # an ECDSA P-256 CMS with two certificates is about 1.5 KB
_signers: dict[tuple[str, int], signers.PdfSigner] = {}
_loop: tuple[int, asyncio.AbstractEventLoop] | None = None


class _FixedSigningCertificate(attributes.SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute (RFC 5035; required by PAdES), encoded once.

    pyHanko rebuilds this attribute from native values for every signature, and asn1crypto's
    re-encoding of it was most of the cost of a signature in a batch. Parsed from its DER, the
    value re-serialises without being rebuilt; the content is the same.
    """

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        super().__init__(signing_cert)
        self._der = as_signing_certificate_v2(signing_cert).dump()

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self._der)


class _SealSigner(signers.SimpleSigner):
    """A SimpleSigner whose signing-certificate attribute is prepared once per court."""

    _fixed: _FixedSigningCertificate | None = None

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        provs: Iterable[Any] = super()._signed_attr_providers(*args, **kwargs)
        for prov in provs:
            if type(prov) is attributes.SigningCertificateV2Provider:
                if self._fixed is None:
                    self._fixed = _FixedSigningCertificate(prov.signing_cert)
                yield self._fixed
            else:
                yield prov


def _pdf_signer(court: Any) -> signers.PdfSigner:
    sk = seal_key(court)
    cache_key = (court.court_code or court.code, id(sk))
    if cache_key not in _signers:
        signer = _SealSigner(
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


def _event_loop() -> asyncio.AbstractEventLoop:
    """One event loop per process for pyHanko's async signer (not one per signature)."""
    global _loop
    if _loop is None or _loop[0] != os.getpid() or _loop[1].is_closed():
        _loop = (os.getpid(), asyncio.new_event_loop())
    return _loop[1]


def sign_pdf(pdf: bytes, court: Any) -> bytes:
    """Sign `pdf` with `court`'s seal certificate (PAdES B-B); return the signed bytes."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # Reserving the CMS size up front spares pyHanko a dummy signature to estimate it.
    coro = _pdf_signer(court).async_sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        out = _event_loop().run_until_complete(coro)
    else:  # called from async code (an ASGI view): let pyHanko run its own loop in a thread
        out = _run_in_thread(coro)
    return out.getvalue()


def _run_in_thread(coro: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


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
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _validate(pdf, trust_roots)
    # pyHanko's synchronous validator starts its own event loop: from async code (an ASGI
    # view, Playwright's sync API) it must run in a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_validate, pdf, trust_roots).result()


def _validate(pdf: bytes, trust_roots: list[asn1_x509.Certificate] | None) -> ValidationResult:
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
