"""Serving: security headers, the Content Security Policy and HTTPS behind a proxy.

jiefen serves plain HTTP (`jiefen serve`, gunicorn); a court terminates TLS in front of it
(nginx, a load balancer). `JIEFEN_HTTPS=1` says so: the proxy's `X-Forwarded-Proto: https` is
trusted, plain-HTTP requests are redirected, cookies are sent over HTTPS only and browsers are
told to use HTTPS for a year (HSTS, subdomains included). `JIEFEN_PUBLIC_URL` (the address
people type, e.g. https://jiefen.court.example) is then a trusted origin for CSRF.

The policy allows scripts from jiefen's own static files only: no inline script, no event
handler attributes, no eval (ECharts does not need it), no frames, no plugins; forms post to
the site itself. Styles keep 'unsafe-inline': templates use `style` attributes and small
`<style>` blocks, and ECharts writes its tooltips' style attributes into the page; a style
cannot run code, so this is the part of the policy worth least.
"""

from urllib.parse import urlsplit

from django.utils.csp import CSP

from jiefen.settings.env import env, env_bool

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind a TLS-terminating proxy (the proxy must set X-Forwarded-Proto and strip it from clients).
JIEFEN_HTTPS = env_bool("JIEFEN_HTTPS", default=False)
if JIEFEN_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 86400
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading puts the domain in the browsers' built-in HTTPS list, which takes months to
    # undo: the court's domain owner decides that, not jiefen (hence W021 is silenced).
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    _public = urlsplit(env("JIEFEN_PUBLIC_URL", ""))
    if _public.scheme and _public.netloc:
        CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]
