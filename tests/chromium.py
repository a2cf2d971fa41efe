"""Debian's chromium as the tests drive it: the path, and the flags that keep it off the network.

Why: the browser tests (Playwright) and the PDF producer (print to PDF) start the same
browser; without the background-networking flags Chromium keeps trying the closed network.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
