"""The installed PySide6 keeps the interpreter healthy under many signal emits."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_thousands_of_emits_do_not_drain_true() -> None:
    """2000 Python emits leave True's reference count where it was (6.12.0 returned it unowned)."""
    emitter = _Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for index in range(2000):
        emitter.fired.emit(index)
    assert received == list(range(2000))
    assert sys.getrefcount(True) >= before - 10
