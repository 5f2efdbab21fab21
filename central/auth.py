"""Who may talk to the central: branches by their token, ministry staff by password and session.

Branch tokens are long random strings, stored as SHA-256 (a leaked row does not give the
token back; checking a batch stays cheap). Staff passwords are hashed with Argon2id
(argon2-cffi). Five wrong passwords lock an account for fifteen minutes; the lockout is decided
inside the row's own transaction, so parallel guesses cannot slip past it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from central.errors import CentralError, Conflict, Invalid, NotFound, Unauthorized

BRANCH_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,40}$")
PASSWORD_MIN, PASSWORD_MAX = 10, 200
MAX_FAILED, LOCKOUT = 5, timedelta(minutes=15)
SESSION_HOURS = 12
_hasher = PasswordHasher()
# Verified when the user name is unknown, so a guesser cannot tell names from timing.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_branch_code(code: str) -> str:
    if not isinstance(code, str) or not BRANCH_CODE.match(code):
        raise Invalid(
            "A branch code is 1 to 32 capital letters, digits, '-' or '_', starting with a letter or digit (e.g. RUH-01).",
            "رمز الفرع من 1 إلى 32 حرفاً لاتينياً كبيراً أو رقماً أو '-' أو '_' (مثل \u2066RUH-01\u2069).",
            code="bad_branch_code",
        )
    return code


def check_name(text: str, which: str) -> str:
    if not isinstance(text, str) or not 1 <= len(text.strip()) <= 120 or not text.isprintable():
        raise Invalid(f"The {which} name must be 1 to 120 printable characters.", "يجب أن يكون الاسم من 1 إلى 120 حرفاً.")
    return text.strip()


@dataclass(frozen=True, slots=True)
class Branch:
    id: int
    code: str


def add_branch(conn: psycopg.Connection, code: str, name_ar: str, name_en: str) -> str:
    """Register a branch; return its token (shown once)."""
    check_branch_code(code)
    token = new_token()
    with conn.transaction():
        if conn.execute("SELECT 1 FROM branches WHERE code = %s", (code,)).fetchone():
            raise Conflict(f"A branch {code} exists already.", f"الفرع \u2066{code}\u2069 موجود مسبقاً.", code="branch_exists")
        conn.execute(
            "INSERT INTO branches (code, name_ar, name_en, token_hash) VALUES (%s, %s, %s, %s)",
            (code, check_name(name_ar, "Arabic"), check_name(name_en, "English"), token_hash(token)),
        )
    return token


def new_branch_token(conn: psycopg.Connection, code: str) -> str:
    """Replace a branch's token (the old one stops working at once)."""
    token = new_token()
    with conn.transaction():
        done = conn.execute("UPDATE branches SET token_hash = %s WHERE code = %s", (token_hash(token), code)).rowcount
    if not done:
        raise NotFound(f"No branch {code}.", f"لا يوجد فرع \u2066{code}\u2069.")
    return token


def branch_for_token(conn: psycopg.Connection, token: str | None) -> Branch:
    if not token or len(token) > 200:
        raise Unauthorized("Send 'Authorization: Bearer <branch token>'.", "أرسل رمز الفرع في ترويسة التفويض.")
    row = conn.execute("SELECT id, code FROM branches WHERE token_hash = %s", (token_hash(token),)).fetchone()
    if row is None:
        raise Unauthorized(
            "This branch token is unknown or was replaced; ask the ministry for the branch's token.",
            "رمز الفرع غير معروف أو تم استبداله؛ اطلب رمز الفرع من الوزارة.",
            code="bad_token",
        )
    return Branch(row[0], row[1])


# ── staff ────────────────────────────────────────────────────────────────────────────────


def check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME.match(username):
        raise Invalid(
            "A user name is 1 to 40 Latin letters, digits, '.', '_', '@' or '-'.",
            "اسم المستخدم من 1 إلى 40 حرفاً لاتينياً أو رقماً أو '.' أو '_' أو '@' أو '-'.",
            code="bad_username",
        )
    return username


def check_password(password: str) -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Invalid(
            f"A password is {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
            f"كلمة المرور من \u2066{PASSWORD_MIN}\u2069 إلى \u2066{PASSWORD_MAX}\u2069 حرفاً.",
            code="bad_password",
        )
    return password


def add_staff(conn: psycopg.Connection, username: str, password: str, role: str = "viewer") -> None:
    check_username(username)
    check_password(password)
    if role not in ("viewer", "admin"):
        raise Invalid("The role is viewer or admin.", "الدور: مشاهد أو مدير.")
    with conn.transaction():
        if conn.execute("SELECT 1 FROM staff WHERE lower(username) = lower(%s)", (username,)).fetchone():
            raise Conflict(f"A user {username} exists already.", f"المستخدم \u2066{username}\u2069 موجود مسبقاً.", code="staff_exists")
        conn.execute(
            "INSERT INTO staff (username, password_hash, role) VALUES (%s, %s, %s)", (username, _hasher.hash(password), role)
        )


def set_password(conn: psycopg.Connection, username: str, password: str) -> None:
    check_password(password)
    with conn.transaction():
        done = conn.execute(
            "UPDATE staff SET password_hash = %s, failed_attempts = 0, locked_until = NULL, active = true "
            "WHERE lower(username) = lower(%s)",
            (_hasher.hash(password), username),
        ).rowcount
        conn.execute(
            "UPDATE staff_sessions SET ended_at = now() WHERE ended_at IS NULL AND staff_id = "
            "(SELECT id FROM staff WHERE lower(username) = lower(%s))",
            (username,),
        )
    if not done:
        raise NotFound(f"No user {username}.", f"لا يوجد مستخدم \u2066{username}\u2069.")


def remove_staff(conn: psycopg.Connection, username: str) -> None:
    with conn.transaction():
        done = conn.execute("UPDATE staff SET active = false WHERE lower(username) = lower(%s)", (username,)).rowcount
        conn.execute(
            "UPDATE staff_sessions SET ended_at = now() WHERE ended_at IS NULL AND staff_id IN "
            "(SELECT id FROM staff WHERE lower(username) = lower(%s))",
            (username,),
        )
    if not done:
        raise NotFound(f"No user {username}.", f"لا يوجد مستخدم \u2066{username}\u2069.")


@dataclass(frozen=True, slots=True)
class Staff:
    id: int
    username: str
    role: str


WRONG_LOGIN = ("Wrong user name or password.", "اسم المستخدم أو كلمة المرور غير صحيحة.")


def log_in(conn: psycopg.Connection, username: str, password: str) -> str:
    """Check a password; return a new session token, or raise (wrong, locked out)."""
    if not isinstance(username, str) or not USERNAME.match(username) or not isinstance(password, str) or len(password) > PASSWORD_MAX:
        _verify(_DUMMY_HASH, "x")
        raise Unauthorized(*WRONG_LOGIN, code="wrong_password")
    row = conn.execute(
        "SELECT id, password_hash, locked_until FROM staff WHERE lower(username) = lower(%s) AND active", (username,)
    ).fetchone()
    if row is None:
        _verify(_DUMMY_HASH, password)
        raise Unauthorized(*WRONG_LOGIN, code="wrong_password")
    staff_id, stored, locked_until = row
    now = datetime.now(timezone.utc)
    if locked_until is not None and locked_until > now:
        minutes = int((locked_until - now).total_seconds() // 60) + 1
        raise CentralError(
            f"Too many wrong passwords; try again in {minutes} minutes.",
            f"محاولات خاطئة كثيرة؛ حاول بعد \u2066{minutes}\u2069 دقيقة.",
            code="locked_out", status=429,
        )
    ok = _verify(stored, password)
    with conn.transaction():
        if not ok:
            conn.execute(
                "UPDATE staff SET failed_attempts = CASE WHEN failed_attempts + 1 >= %s THEN 0 ELSE failed_attempts + 1 END, "
                "locked_until = CASE WHEN failed_attempts + 1 >= %s THEN now() + %s ELSE locked_until END WHERE id = %s",
                (MAX_FAILED, MAX_FAILED, LOCKOUT, staff_id),
            )
        else:
            token = new_token()
            conn.execute("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = %s", (staff_id,))
            conn.execute(
                "INSERT INTO staff_sessions (token_hash, staff_id, expires_at) VALUES (%s, %s, now() + %s)",
                (token_hash(token), staff_id, timedelta(hours=SESSION_HOURS)),
            )
    if not ok:
        raise Unauthorized(*WRONG_LOGIN, code="wrong_password")
    return token


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def staff_for_session(conn: psycopg.Connection, token: str | None) -> Staff | None:
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        "SELECT s.id, s.username, s.role FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id "
        "WHERE ss.token_hash = %s AND ss.ended_at IS NULL AND ss.expires_at > now() AND s.active",
        (token_hash(token),),
    ).fetchone()
    return Staff(*row) if row else None


def log_out(conn: psycopg.Connection, token: str | None) -> None:
    if token and len(token) <= 200:
        with conn.transaction():
            conn.execute("UPDATE staff_sessions SET ended_at = now() WHERE token_hash = %s", (token_hash(token),))
