"""HTTP under load: clients on keep-alive connections against one `bulletins serve`, over the mix."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from pathlib import Path

from common import memory_mb, percentiles, start_server
from querymix import Query

_REDIRECTS = {301, 302, 303, 307, 308}


def http_load(
    data: Path, mix: list[Query], seconds: float, clients: int = 8, workers: int = 1
) -> dict:
    """Start `bulletins serve --workers N` on the built archive and load it with the query mix
    (search pages, facets and highlighted hits, as a browser asks for them)."""
    server = start_server(data, workers)
    port, started = server.port, server.start_s
    try:
        paths = ["/search?" + urllib.parse.urlencode(q.params) for q in mix]
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def client(offset: int) -> None:
            """One user: a keep-alive connection, requests one after another."""
            i = offset * len(paths) // clients  # each client starts elsewhere in the mix
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < deadline:
                path = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    status, location = _get(connection, path)
                    if (
                        status in _REDIRECTS and location
                    ):  # a department's name alone: to its filter
                        target = urllib.parse.urlsplit(location)
                        status, _ = _get(connection, f"{target.path}?{target.query}")
                    ok = status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors[0] += 1
            connection.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        t_start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t_start
        memory = memory_mb(server.process.pid)
    finally:
        server.stop()
    return {
        "workers": workers,
        "start_s": started,
        "search_s": server.search_s,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "errors": errors[0],
        **percentiles(latencies),
        **memory,
    }


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, str | None]:
    """GET on a keep-alive connection: the status and where a redirect points (a browser follows
    it, and so do the clients: the time of both requests is the search's)."""
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status, response.getheader("Location")
