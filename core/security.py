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


# The PINs people pick first (the most common four-digit PINs in published leak studies), and
# the patterns behind them. Refused wherever a PIN is chosen, never silently changed.
_COMMON_PINS = frozenset({
    "1212", "1004", "2000", "6969", "1122", "1313", "2001", "1010", "2580", "0852", "1998", "1999",
    "1379", "1357", "7531", "0007", "1985", "1990", "2020", "2021", "2022", "2023", "2024",
    "2025", "2026", "123123", "121212", "112233", "102030", "147258", "159753", "147852", "789456",
})


def weak_pin_reason(pin: str) -> str | None:
    """Why a well-formed PIN is too easy to guess, or None."""
    if len(set(pin)) == 1:
        return "all one digit"
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    if steps in ({1}, {9}):
        return "a run of digits"
    if pin in _COMMON_PINS or (len(pin) % 2 == 0 and pin[: len(pin) // 2] * 2 == pin and len(set(pin)) <= 2):
        return "one of the most common PINs"
    return None


def check_pin_strength(pin: str) -> None:
    """Refuse PINs like 0000, 1111, 1234, 4321, 1212 where a person chooses a PIN."""
    check_pin_format(pin)
    reason = weak_pin_reason(pin)
    if reason is not None:
        raise BadInput(
            f"That PIN is too easy to guess ({reason}); choose another, e.g. four unrelated digits.",
            "هذا الرقم السري سهل التخمين؛ اختر رقماً آخر من أرقام غير متتالية وغير متكررة.",
            code="weak_pin",
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


# Enrollment codes. The hub refuses every code from an address after 10 wrong ones a minute,
# and from everyone once ENROLL_GUESSES_PER_MINUTE wrong ones a minute come in all (hub/routes/
# devices.py), so a year of guessing at the limit is at most
#     30 a minute × 60 × 24 × 365 = 15,768,000 guesses.
# A generated code is 12 random digits: 10^12 codes, so that year finds it with a chance of
# 15,768,000 / 10^12 ≈ 1.6 × 10^-5 (one in 63,000). A code chosen by hand must be at least as
# long (ENROLL_CODE_MIN letters or digits); its randomness is the chooser's duty.
ENROLL_GUESSES_PER_MINUTE = 30
ENROLL_CODE_DIGITS = 12
ENROLL_CODE_MIN = 12
ENROLL_CODE_MAX = 64


def new_enroll_code() -> str:
    """12 random digits, shown in groups of four (the groups' hyphens are optional when typed)."""
    digits = f"{secrets.randbelow(10**ENROLL_CODE_DIGITS):0{ENROLL_CODE_DIGITS}d}"
    return "-".join(digits[i : i + 4] for i in range(0, ENROLL_CODE_DIGITS, 4))


def normalise_code(code: str) -> str:
    """An enrollment code as compared: spaces and hyphens (the groups) do not count."""
    return "".join(ch for ch in code if ch not in " -")


def enroll_code_problem(code: str) -> str | None:
    """Why a hand-chosen enrollment code is refused, or None."""
    core_part = normalise_code(code)
    if not code.isprintable() or len(code) > ENROLL_CODE_MAX:
        return f"--enroll-code must be printable characters, at most {ENROLL_CODE_MAX}"
    if len(core_part) < ENROLL_CODE_MIN:
        return (
            f"--enroll-code must have at least {ENROLL_CODE_MIN} letters or digits (spaces and hyphens do not count), "
            "so it cannot be guessed at the hub's limit within years; leave it out to get a random one"
        )
    return None


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))
