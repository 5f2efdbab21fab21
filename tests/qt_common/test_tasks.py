"""Background work whose results come back on the GUI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QApplication

from qt_common.tasks import TaskManager


def test_result_arrives_on_the_main_thread(qapp: QApplication, qtbot) -> None:
    """The work runs in a worker thread; `on_done` runs on the thread that owns the manager."""
    tasks = TaskManager()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["work_thread"] = threading.get_ident()
        return 6 * 7

    def done(result: int) -> None:
        seen["result"] = result
        seen["done_thread"] = threading.get_ident()

    handle = tasks.run(work, on_done=done)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42
    assert seen["work_thread"] != threading.main_thread().ident
    assert seen["done_thread"] == threading.main_thread().ident
    assert handle.finished
    assert tasks.pending_count == 0


def test_exception_goes_to_on_error(qapp: QApplication, qtbot) -> None:
    """An exception in the work is handed to `on_error` on the main thread."""
    tasks = TaskManager()
    errors: list[BaseException] = []

    def work() -> None:
        raise OSError("printer unplugged")

    tasks.run(work, on_done=lambda _: pytest.fail("on_done must not run"), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], OSError)
    assert str(errors[0]) == "printer unplugged"


def test_exception_without_handler_is_signalled(qapp: QApplication, qtbot) -> None:
    """Without `on_error` a failure is emitted on `task_failed`, never lost."""
    tasks = TaskManager()
    with qtbot.waitSignal(tasks.task_failed) as blocker:
        tasks.run(lambda: 1 / 0)
    assert isinstance(blocker.args[0], ZeroDivisionError)


def test_one_worker_keeps_submission_order(qapp: QApplication, qtbot) -> None:
    """With one worker (the default) tasks run and report in the order they were given."""
    tasks = TaskManager()
    ran: list[int] = []
    delivered: list[int] = []
    for number in range(20):
        tasks.run(lambda number=number: ran.append(number) or number, on_done=delivered.append)
    qtbot.waitUntil(lambda: len(delivered) == 20)
    assert ran == list(range(20))
    assert delivered == list(range(20))


def test_cancel_drops_the_result(qapp: QApplication, qtbot) -> None:
    """A cancelled task's result is not delivered (the widget waiting for it may be gone)."""
    tasks = TaskManager()
    gate = threading.Event()
    delivered: list[str] = []
    first = tasks.run(lambda: gate.wait(5) and "first", on_done=delivered.append)
    tasks.run(lambda: "second", on_done=delivered.append)
    first.cancel()
    gate.set()
    qtbot.waitUntil(lambda: delivered == ["second"])
    assert first.cancelled and first.finished


def test_wait_for_done_for_shutdown(qapp: QApplication) -> None:
    """`wait_for_done` blocks until the workers are idle."""
    tasks = TaskManager(max_threads=2)
    finished = threading.Event()
    tasks.run(lambda: finished.set())
    assert tasks.wait_for_done(5000)
    assert finished.is_set()


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_refuses_bad_thread_counts(qapp: QApplication, bad: object) -> None:
    """The pool needs a positive whole number of threads."""
    with pytest.raises(ValueError):
        TaskManager(max_threads=bad)  # type: ignore[arg-type]


def test_refuses_non_callables(qapp: QApplication) -> None:
    """Submitting something that is not callable fails at once, not in the worker."""
    with pytest.raises(TypeError):
        TaskManager().run(42)  # type: ignore[arg-type]
