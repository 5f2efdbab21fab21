"""PINs, tokens and public codes.

PINs are short, so they get a slow salted hash (scrypt, in the standard library). Device and
session tokens are long random strings, so a fast SHA-256 of them is enough to store: a leaked
database row does not give the token back, and checking a request stays cheap.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from core.errors import BadInput

# n=2**14, r=8: about 16 MiB and a few tens of milliseconds per check; slow for a guesser
# holding the database, quick enough for a clerk logging in.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
PIN_MIN, PIN_MAX = 4, 12


def check_pin_format(pin: str) -> None:
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        raise BadInput(
            f"A PIN is {PIN_MIN} to {PIN_MAX} digits (0-9).",
            f"الرقم السري من {PIN_MIN} إلى {PIN_MAX} أرقام (0-9).",
            code="bad_pin_format",
        )


def hash_pin(pin: str) -> str:
    check_pin_format(pin)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(
        _SCRYPT_N, _SCRYPT_R, _SCRYPT_P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


# Checked when the user name is unknown, so a guesser cannot tell names from timing.
_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def verify_pin(pin: str, stored: str | None) -> bool:
    try:
        scheme, n, r, p, salt, digest = (stored or _DUMMY_HASH).split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            str(pin).encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return stored is not None and hmac.compare_digest(candidate, base64.b64decode(digest))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_public_code() -> str:
    """The code of a ticket's phone page: 96 random bits, URL-safe, short enough for a QR code."""
    return secrets.token_urlsafe(12)


def new_enroll_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))
