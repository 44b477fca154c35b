"""Core Django settings: apps, middleware, locale (zh-hans, Asia/Shanghai), templates, auth."""

import os
import secrets
from pathlib import Path

from jiefen.settings.env import VAR_DIR, env, env_bool

BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    """JIEFEN_SECRET_KEY, or the key in `<keys>/secret_key`, created random (0600) on first use.

    The field encryption and blind-index keys derive from it when JIEFEN_FIELD_KEY is unset
    (settings/privacy.py): every process sharing a database must read the same key, so it lives
    with the other key material (JIEFEN_KEYS_DIR, default JIEFEN_VAR_DIR/keys), which a backup
    copies. Created with a hard link from a private temporary file: of two processes starting
    at once on a fresh directory, one key wins and both read it, never a half-written file.
    """
    if key := env("JIEFEN_SECRET_KEY"):
        return key
    from jiefen.files import ensure_private_dir

    folder = ensure_private_dir(Path(env("JIEFEN_KEYS_DIR") or VAR_DIR / "keys"))
    path = folder / "secret_key"
    if not path.exists():
        tmp = folder / f"secret_key.{secrets.token_hex(8)}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("JIEFEN_DEBUG", default=False)
ALLOWED_HOSTS = [
    h for h in env("JIEFEN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API docs page from local static files (the CDN page breaks the CSP)
    "django_tasks_db",
    "jiefen.scheduling.ledger.PeriodicLedgerConfig",  # django-tasks-concurrent
    "jiefen.accounts",
    "jiefen.audit",
    "jiefen.lawdata",
    "jiefen.cases",
    "jiefen.intake",
    "jiefen.mediation",
    "jiefen.docket",
    "jiefen.documents",
    "jiefen.service",
    "jiefen.hearings",
    "jiefen.judgments",
    "jiefen.enforcement",
    "jiefen.stats",
    "jiefen.publication",
    "jiefen.risk",
    "jiefen.legal_services",
    "jiefen.webhooks",
    "jiefen.referrals",
    "jiefen.operations",
    "jiefen.web",
    "jiefen.demo",
    "jiefen.scheduling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiefen.accounts.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "jiefen.urls"
WSGI_APPLICATION = "jiefen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
MEDIA_ROOT = VAR_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Where generated documents, keys and certificates live (documents keep their SHA-256 in the DB).
JIEFEN_VAR_DIR = VAR_DIR
# Base URL printed in notices sent to borrowers (links to the borrower portal).
JIEFEN_PUBLIC_URL = env("JIEFEN_PUBLIC_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("JIEFEN_LOG_LEVEL", "WARNING")},
}
