"""Where files live: static files (served by whitenoise) and stored documents (Django storages).

Stored documents go through Django's storage API (`storages["documents"]`), so a deployment can
put them on shared or object storage; the default keeps them under JIEFEN_VAR_DIR.
"""

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
