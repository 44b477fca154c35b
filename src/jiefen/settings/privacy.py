"""Keys protecting personal data at rest (PIPL Art. 51): field encryption and blind indexes."""

from jiefen.settings.env import env

# AES-256-GCM key (urlsafe base64 of 32 bytes) for ID and phone numbers. Derived from SECRET_KEY when unset,
# which is fine for a demo and wrong for production: set JIEFEN_FIELD_KEY there.
JIEFEN_FIELD_KEY = env("JIEFEN_FIELD_KEY", "")
