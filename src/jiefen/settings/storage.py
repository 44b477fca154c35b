"""Where files live: static files (served by whitenoise) and stored documents (Django storages).

Stored documents go through Django's storage API (`storages["documents"]`), so a deployment can
put them on shared or object storage; the default keeps them under JIEFEN_VAR_DIR.

`JIEFEN_DOCUMENT_STORAGE` names another backend (dotted path) and `JIEFEN_DOCUMENT_STORAGE_OPTIONS`
its options as JSON, e.g. django-storages' S3 backend for an S3-compatible object store:
  JIEFEN_DOCUMENT_STORAGE=storages.backends.s3.S3Storage
  JIEFEN_DOCUMENT_STORAGE_OPTIONS='{"bucket_name": "jiefen-documents", "endpoint_url": "https://…",
    "file_overwrite": false, "default_acl": "private"}'
(django-storages is not a dependency of jiefen: a deployment that uses it installs it.)
"""

import json

from django.core.exceptions import ImproperlyConfigured

from jiefen.files import ensure_private_dir
from jiefen.settings.env import VAR_DIR, env

# whitenoise serves the static files from here once `jiefen serve` has collected them; the folder
# exists from the start so a process that never collects them (tests, a worker) is not warned.
STATIC_ROOT = ensure_private_dir(VAR_DIR / "static")


def _document_storage() -> dict[str, object]:
    backend = env("JIEFEN_DOCUMENT_STORAGE").strip() or "jiefen.documents.storage.DocumentStorage"
    try:
        options = json.loads(env("JIEFEN_DOCUMENT_STORAGE_OPTIONS").strip() or "{}")
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(
            f"JIEFEN_DOCUMENT_STORAGE_OPTIONS 不是有效的 JSON：{exc}"
        ) from exc
    if not isinstance(options, dict):
        raise ImproperlyConfigured("JIEFEN_DOCUMENT_STORAGE_OPTIONS 须为 JSON 对象（{...}）")
    return {"BACKEND": backend, "OPTIONS": options}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed (gzip) copies beside each file, served by whitenoise from STATIC_ROOT after
    # `collectstatic` (which `jiefen serve` runs); no manifest, so `{% static %}` needs no
    # collected files (tests, runserver).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Stored documents (and intake uploads): every read and write goes through this backend.
    "documents": _document_storage(),
}
