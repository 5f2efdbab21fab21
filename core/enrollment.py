"""An enrollment code rotated from the centre console, kept so a restart does not undo it.

The hub's code comes from its command line (`--enroll-code`, `--enroll-code-file`,
`$TABOUR_ENROLL_CODE`) or, when none is given, is made at start. A code rotated from the
console is kept in `meta` and used at the next start when the command line gives none; a code
given on the command line still wins (the hub logs that it replaced the rotated one).
"""

from __future__ import annotations

from core.security import enroll_code_problem
from core.store import Store, Tx

KEY = "enroll_code"


def keep_enroll_code(tx: Tx, code: str) -> None:
    problem = enroll_code_problem(code)
    if problem is not None:
        raise ValueError(problem)
    tx.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY, code))


def kept_enroll_code(store: Store) -> str | None:
    with store.read() as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    return row[0] if row and enroll_code_problem(row[0]) is None else None
