"""Serving the app with waitress, in one process or several on one port.

Python runs one thread at a time per process, so a single waitress process
uses one core however many threads it has. With `workers` > 1, each forked
worker listens on the port with SO_REUSEPORT, and the kernel spreads new
connections across them (one shared socket would not: the idle worker's
accept loop takes every keep-alive connection). Each worker opens its own
searcher and table after the fork (Whoosh's file handles must not be
shared); jieba's dictionary and the search table are loaded before it, once
for all, and shared copy-on-write. In each process the requests take turns
(`turns.Turns`): one runs at a time unless it is slow.
"""

from __future__ import annotations

import os
import signal
import socket
import sys

from flask import Flask
from waitress import serve

from web.context import archive_of

from .turns import Turns


class ListenError(RuntimeError):
    """The server cannot listen on the address it was given."""


def _listen(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    try:
        return socket.create_server((host, port), backlog=1024, reuse_port=reuse_port)
    except OSError as error:
        raise ListenError(f"无法监听 {host}:{port}：{error.strerror or error}") from error


def run(app: Flask, host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    options = {"ident": "bulletins", "_quiet": True}
    if workers <= 1:
        listener = _listen(host, port)
        archive_of(app).warm(wait=False)  # jieba's dictionary in a thread: pages answer at once
        try:
            serve(app, sockets=[listener], _dispatcher=Turns(threads), **options)
        finally:
            archive_of(app).close()
        return
    _listen(host, port, reuse_port=True).close()  # a port in use fails here, not in a worker
    archive_of(app).warm()  # jieba's dictionary and the table, loaded once: the workers share them
    archive_of(app).close()
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                listener = _listen(host, port, reuse_port=True)
                archive_of(app).warm()
                serve(app, sockets=[listener], _dispatcher=Turns(threads), **options)
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
    sys.exit(f"服务进程 {pid} 已退出（状态 {status}）；其余服务进程也已停止")
