"""Run slow work (speech synthesis, printing, rendering) off the GUI thread.

    tasks = TaskManager()
    tasks.run(lambda: render_ticket(ticket), on_done=self.show_preview, on_error=self.show_failure)

The callable runs in a QThreadPool worker; its result or exception comes back on the main
thread by a queued signal, where `on_done` / `on_error` run. As in Anki's task manager:
the callable must never touch a widget, only compute and return.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TaskHandle:
    """One submitted task; `cancel()` drops its result (the work itself still finishes)."""

    task_id: int
    cancelled: bool = False
    finished: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass(slots=True)
class _Pending:
    handle: TaskHandle
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None


class _Worker(QRunnable):
    def __init__(self, manager: TaskManager, task_id: int, work: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._manager = manager
        self._task_id = task_id
        self._work = work

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:  # noqa: BLE001 — every failure goes back to the caller
            self._manager._finished.emit(self._task_id, None, error)
        else:
            self._manager._finished.emit(self._task_id, result, None)


class TaskManager(QObject):
    """A thread pool whose results arrive on the thread that owns the manager (the GUI thread).

    `max_threads` 1 (the default) runs tasks one after another, in order of submission,
    which is what a printer or a speech synthesiser wants.
    """

    task_failed = Signal(object)  # an exception from a task submitted without on_error
    _finished = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 1) -> None:
        super().__init__(parent)
        if isinstance(max_threads, bool) or not isinstance(max_threads, int) or max_threads < 1:
            raise ValueError(f"max_threads must be a positive int, got {max_threads!r}")
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        # Queued: the worker thread emits, the manager's own thread runs the callbacks.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def run(
        self,
        work: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> TaskHandle:
        """Start `work()` in a worker; `on_done(result)` or `on_error(exception)` follow on this thread."""
        if not callable(work):
            raise TypeError(f"work must be callable, not {type(work).__name__}")
        handle = TaskHandle(next(self._ids))
        self._pending[handle.task_id] = _Pending(handle, on_done, on_error)
        self._pool.start(_Worker(self, handle.task_id, work))
        return handle

    @property
    def pending_count(self) -> int:
        """Tasks submitted whose result has not been delivered yet."""
        return len(self._pending)

    def wait_for_done(self, timeout_ms: int = -1) -> bool:
        """Block until the workers are idle (for shutdown); results are delivered by the event loop after."""
        return self._pool.waitForDone(timeout_ms)

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: Any, error: BaseException | None) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        pending.handle.finished = True
        if pending.handle.cancelled:
            return
        if error is not None:
            if pending.on_error is not None:
                pending.on_error(error)
            else:
                log.error("background task %d failed", task_id, exc_info=error)
                self.task_failed.emit(error)
        elif pending.on_done is not None:
            pending.on_done(result)
