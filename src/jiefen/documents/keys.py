"""The demo PKI: a demo root CA and one seal certificate per court, generated on first use.

Private keys are never committed: they are created under `<JIEFEN_VAR_DIR>/keys` (mode 0600)
the first time a court signs, by `jiefen demo`, or in a test's temporary directory. In
production a court installs its real seal certificate and key in the same place
(`keys/courts/<code>/seal.key.pem`, `seal.cert.pem`, and the issuing CA in `keys/ca.cert.pem`).
"""

from __future__ import annotations

import datetime
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

_lock = threading.Lock()


@dataclass(frozen=True)
class SealKey:
    """A court's seal certificate and key, with the CA that issued it (asn1crypto objects)."""

    cert: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo
    ca_cert: asn1_x509.Certificate


def keys_dir() -> Path:
    return Path(os.environ.get("JIEFEN_KEYS_DIR") or Path(settings.JIEFEN_VAR_DIR) / "keys")


def _name(common_name: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def ensure_ca(directory: Path | None = None) -> Path:
    """Create the demo root CA if it does not exist; return its certificate path."""
    d = directory or keys_dir()
    cert_path = d / "ca.cert.pem"
    if cert_path.exists():
        return cert_path
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    name = _name("解纷平台演示根证书（仅供演示）", "jiefen demo CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(d / "ca.key.pem", key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path


def _court_dir(court_code: str, directory: Path) -> Path:
    return directory / "courts" / court_code


def ensure_court_seal(court_code: str, court_name: str, directory: Path | None = None) -> Path:
    """Create the court's seal certificate, issued by the demo CA, if missing."""
    d = directory or keys_dir()
    ensure_ca(d)
    cdir = _court_dir(court_code, d)
    cert_path = cdir / "seal.cert.pem"
    if cert_path.exists():
        return cert_path
    ca_key = serialization.load_pem_private_key((d / "ca.key.pem").read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate((d / "ca.cert.pem").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{court_name}电子印章", court_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    _write_private(cdir / "seal.key.pem", key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path


def _load_cert(path: Path) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


_cache: dict[tuple[str, str], SealKey] = {}


def seal_key(court: Any) -> SealKey:
    """The court's seal (created on first use); cached per process."""
    code = court.court_code or court.code
    d = keys_dir()
    cache_key = (str(d), code)
    with _lock:
        if cache_key not in _cache:
            cert_path = ensure_court_seal(code, court.name, d)
            key = serialization.load_pem_private_key(
                (cert_path.parent / "seal.key.pem").read_bytes(), password=None
            )
            der = key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _cache[cache_key] = SealKey(
                cert=_load_cert(cert_path),
                key=asn1_keys.PrivateKeyInfo.load(der),
                ca_cert=_load_cert(d / "ca.cert.pem"),
            )
        return _cache[cache_key]


def trust_root() -> asn1_x509.Certificate:
    """The root the validator trusts: the demo CA of this installation."""
    return _load_cert(ensure_ca())
