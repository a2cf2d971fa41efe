"""Serving the app with waitress, in one process or several sharing one listening socket.

Python runs one thread at a time per process, so a single waitress process
uses one core however many threads it has; with `workers` > 1 the socket is
bound once and each forked worker runs its own waitress on it (the kernel
spreads the connections), so every core serves. Each worker opens its own
searcher and table after the fork: Whoosh's file handles must not be shared.
"""

from __future__ import annotations

import os
import signal
import socket
import sys

from flask import Flask
from waitress import serve

from web.context import index_of


def run(app: Flask, host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    listener = socket.create_server((host, port), backlog=1024)
    options = {"sockets": [listener], "threads": threads, "ident": "bulletins", "_quiet": True}
    if workers <= 1:
        index_of(app).warm()
        serve(app, **options)
        return
    index_of(app).close()
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                index_of(app).warm()
                serve(app, **options)
            finally:
                os._exit(0)
        children.append(pid)
    _supervise(children)


def _supervise(children: list[int]) -> None:
    """Wait for the workers; on Ctrl+C, SIGTERM or the death of one, stop them all."""

    def stop(*_args) -> None:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        pid, status = os.wait()
    except KeyboardInterrupt:
        stop()
        return
    stop()
    sys.exit(f"worker {pid} stopped (status {status}); the server stopped its other workers")
