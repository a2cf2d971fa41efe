"""What every benchmark shares: paths, the `bulletins` command, percentiles, sizes, a running server."""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BULLETINS = [sys.executable, "-m", "bulletins"]


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    return {"p50": at(50), "p95": at(95), "p99": at(99), "n": len(ordered)}


def run_cli(data: Path, *args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one `bulletins` command in a subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [*BULLETINS, "--data-dir", str(data), *args],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024
    return seconds, peak


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20




def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int) -> dict:
    """The server's memory: RSS of its largest process, and PSS summed over all its processes
    (shared pages, such as jieba's dictionary loaded before the fork, counted once)."""
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def field(path: str, name: str) -> int:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) // 1024
        return 0

    return {
        "processes": len(pids),
        "rss_mb": max(field(f"/proc/{p}/status", "VmRSS") for p in pids),
        "peak_mb": max(field(f"/proc/{p}/status", "VmHWM") for p in pids),
        "pss_total_mb": sum(field(f"/proc/{p}/smaps_rollup", "Pss") for p in pids),
    }


@dataclass
class Server:
    """A running `bulletins serve`, its port, and how long it took to answer."""

    process: subprocess.Popen
    port: int
    start_s: float  # until it answers a page
    search_s: float  # until it answers a search too (jieba's dictionary and the table loaded)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_server(data: Path, workers: int) -> Server:
    """Start `bulletins serve --workers N` on a built archive; return once it answers."""
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            *BULLETINS,
            "--data-dir",
            str(data),
            "serve",
            "--port",
            str(port),
            "--corpus",
            "/nonexistent",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/issues", timeout=2).read()
            answered = time.perf_counter() - start
            search = "/api/search?q=%E5%8A%9E%E7%90%86%E6%83%85%E5%86%B5"  # 办理情况
            urllib.request.urlopen(f"http://127.0.0.1:{port}{search}", timeout=30).read()
            return Server(process, port, answered, time.perf_counter() - start)
        except OSError:
            if time.perf_counter() - start > 60 or process.poll() is not None:
                process.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.05)


