"""bulletins.turns: a server process's requests take turns; a slow one never holds up the rest."""

from __future__ import annotations

import threading
import time

import pytest

from bulletins.turns import Turns

WAIT = 10.0  # seconds a step may take before the test gives up on it


class Task:
    """A request as waitress hands it to a dispatcher: `service()` runs it. It records when
    it started and may be held until released."""

    def __init__(self, name: str, log: list[str], hold: threading.Event | None = None):
        self.name, self.log, self.hold = name, log, hold
        self.started, self.done = threading.Event(), threading.Event()

    def service(self) -> None:
        self.log.append(f"{self.name} starts")
        self.started.set()
        if self.hold is not None:
            assert self.hold.wait(WAIT), f"{self.name} was never released"
        self.log.append(f"{self.name} ends")
        self.done.set()


@pytest.fixture
def turns():
    made: list[Turns] = []

    def make(threads: int = 4, patience: float = 0.1) -> Turns:
        made.append(Turns(threads, patience))
        return made[-1]

    yield make
    for dispatcher in made:
        dispatcher.shutdown(timeout=WAIT)


def test_a_request_waits_for_the_one_running_while_that_one_is_not_slow(turns):
    dispatcher = turns(threads=4, patience=WAIT * 3)  # nothing here counts as slow
    log: list[str] = []
    release = threading.Event()
    first, second = Task("first", log, hold=release), Task("second", log)

    dispatcher.add_task(first)
    assert first.started.wait(WAIT)
    dispatcher.add_task(second)
    time.sleep(0.3)  # three threads are idle, yet the second does not start
    assert not second.started.is_set()
    release.set()

    assert second.done.wait(WAIT)
    assert log == ["first starts", "first ends", "second starts", "second ends"]


def test_a_slow_request_lets_the_next_one_start_beside_it_after_the_patience(turns):
    dispatcher = turns(threads=4, patience=0.1)
    log: list[str] = []
    slow_may_end = threading.Event()
    slow, quick = Task("slow", log, hold=slow_may_end), Task("quick", log)

    dispatcher.add_task(slow)
    assert slow.started.wait(WAIT)
    began = time.monotonic()
    dispatcher.add_task(quick)

    assert quick.done.wait(WAIT), "the quick request waited for the slow one to end"
    assert time.monotonic() - began >= 0.1 - 0.01  # not before the slow one had its turn
    slow_may_end.set()
    assert slow.done.wait(WAIT)
    assert log == ["slow starts", "quick starts", "quick ends", "slow ends"]


def test_requests_are_served_in_the_order_they_came(turns):
    dispatcher = turns(threads=8, patience=WAIT * 3)
    log: list[str] = []
    release = threading.Event()
    head = Task("0", log, hold=release)
    rest = [Task(str(n), log) for n in range(1, 20)]

    dispatcher.add_task(head)
    assert head.started.wait(WAIT)
    for task in rest:
        dispatcher.add_task(task)
    release.set()

    assert rest[-1].done.wait(WAIT)
    assert [line.split()[0] for line in log[::2]] == [str(n) for n in range(20)]
    assert all(line.endswith("ends") for line in log[1::2])  # each ended before the next began


def test_shutting_down_stops_every_thread(turns):
    dispatcher = turns(threads=3)
    task = Task("one", [])
    dispatcher.add_task(task)
    assert task.done.wait(WAIT)

    dispatcher.shutdown(timeout=WAIT)

    assert dispatcher.threads == set()
