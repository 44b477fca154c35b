"""Limits on proving who one is and on request rates: login lockout, one-time codes, rate limits.

A password, an HTTP Basic credential or a borrower's "case code + last six ID characters" can be
guessed; a lockout that counts in the database (per account or case, and per client address)
bounds the guesses across sessions, processes and machines. One-time codes cost an SMS each and
flood the borrower's phone, so the codes sent per case are capped per hour and per day.
"""

from jiefen.settings.env import env

AUTHENTICATION_BACKENDS = ["jiefen.accounts.backends.ThrottledModelBackend"]

# Failures of one account (or one case in the borrower portal) before it is locked.
JIEFEN_LOGIN_MAX_FAILURES = int(env("JIEFEN_LOGIN_MAX_FAILURES", "5"))
# Failures from one client address (any account) before the address is locked; higher, since an
# office or a mobile carrier puts many people behind one address.
JIEFEN_LOGIN_MAX_FAILURES_PER_IP = int(env("JIEFEN_LOGIN_MAX_FAILURES_PER_IP", "20"))
# How long failures count, which is also how long a lockout lasts (seconds).
JIEFEN_LOGIN_LOCKOUT_SECONDS = int(env("JIEFEN_LOGIN_LOCKOUT_SECONDS", "900"))

# One-time codes (login and signing) sent for one mediation case.
JIEFEN_OTP_MAX_PER_HOUR = int(env("JIEFEN_OTP_MAX_PER_HOUR", "5"))
JIEFEN_OTP_MAX_PER_DAY = int(env("JIEFEN_OTP_MAX_PER_DAY", "10"))

# Largest request body read into memory (JSON rows to the API, forms); files are not counted.
# A larger JSON body is refused with a JSON 413 naming the limit (jiefen.api.errors).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("JIEFEN_MAX_BODY_MB", "10")) * 1024 * 1024

# Request rate limits (jiefen.accounts.ratelimit), per minute, counted in the database across
# processes and machines. The API: per credential (token, Basic user, signed-in user) and per
# client address (several systems of one bank may sit behind one address).
JIEFEN_API_RATE_PER_MINUTE = int(env("JIEFEN_API_RATE_PER_MINUTE", "600"))
JIEFEN_API_RATE_PER_MINUTE_PER_IP = int(env("JIEFEN_API_RATE_PER_MINUTE_PER_IP", "1200"))
# Every login (staff, admin, borrower portal and its one-time code, service link): attempts,
# right or wrong, per account (or case, or link) and per client address.
JIEFEN_LOGIN_RATE_PER_MINUTE = int(env("JIEFEN_LOGIN_RATE_PER_MINUTE", "10"))
JIEFEN_LOGIN_RATE_PER_MINUTE_PER_IP = int(env("JIEFEN_LOGIN_RATE_PER_MINUTE_PER_IP", "60"))

# Reverse proxies in front of jiefen (comma-separated addresses): from them alone the client's
# address is read from X-Forwarded-For, so lockouts and rate limits count each client, not the
# proxy. Empty: REMOTE_ADDR is the client (jiefen serves the clients directly).
JIEFEN_TRUSTED_PROXIES = frozenset(
    a.strip() for a in env("JIEFEN_TRUSTED_PROXIES", "").split(",") if a.strip()
)
