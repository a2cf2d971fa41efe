"""Requests take turns: one at a time per server process, unless the one running is slow.

Why. Python runs one thread at a time per process, so two pages computed at
once take as long together as one after the other, and each finishes later.
Worse, threads that compete for the interpreter cost it: measured with eight
clients on the search pages of 500 bulletins, one waitress thread served ~35 %
more pages a second than eight (and two threads fewer than eight). But one
thread alone would let a long export hold up every other user. So a request
starts when no other is running, or when every one running has run for
`patience` seconds already: a page waits for the one before it, never more
than `patience` for an export.

This is waitress's own task dispatcher (its threads, its queue, its way of
stopping) with that one rule added to when a thread may take the next task.
"""

from __future__ import annotations

import time

from waitress.task import ThreadedTaskDispatcher

PATIENCE = 0.1  # seconds a request may run before the next one starts beside it


class Turns(ThreadedTaskDispatcher):
    """waitress's dispatcher, whose threads take a task only in their turn (see above)."""

    def __init__(self, threads: int, patience: float = PATIENCE):
        super().__init__()
        self.patience = patience
        self.running: dict[int, float] = {}  # thread number -> when its task started
        self.set_thread_count(threads)

    def handler_thread(self, thread_no: int) -> None:
        while True:
            with self.lock:
                while self.stop_count == 0 and not (self.queue and self._may_start()):
                    self.active_count -= 1
                    self.queue_cv.wait(self._wait())
                    self.active_count += 1
                if self.stop_count > 0:
                    self.active_count -= 1
                    self.stop_count -= 1
                    self.threads.discard(thread_no)
                    self.thread_exit_cv.notify()
                    break
                task = self.queue.popleft()
                self.running[thread_no] = time.monotonic()
            try:
                task.service()
            except BaseException:
                self.logger.exception("Exception when servicing %r", task)
            finally:
                with self.lock:
                    del self.running[thread_no]
                    self.queue_cv.notify()  # the next task's turn

    def _may_start(self) -> bool:
        now = time.monotonic()
        return all(now - started >= self.patience for started in self.running.values())

    def _wait(self) -> float | None:
        """How long an idle thread sleeps before it looks again: until the task that started
        last has run `patience` (a task ending wakes it sooner); with nothing queued, until
        a task comes."""
        if not self.queue or not self.running:
            return None
        return max(0.0, self.patience - (time.monotonic() - max(self.running.values()))) + 0.001
