"""`make bench`: the pages of issue 11 over HTTP, the deadline surge, the 2 000-entry ranking and the
multi-instance surge through nginx. `python -m benchmarks [pages] [surge] [ranking] [nginx]` runs a
subset. Figures are printed, never asserted in tests."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> None:
    parts = argv or ["pages", "surge", "ranking", "nginx"]
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    only = {x.strip() for x in os.environ.get("BENCH_ONLY", "").split(",") if x.strip()}
    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"== make bench on {database}, {seconds} s per target, wrk -t2 -c8, gunicorn 2 sync workers", flush=True)
    with tempfile.TemporaryDirectory(prefix="compete-bench-") as tmp:
        workdir = Path(tmp)
        if "pages" in parts:
            from benchmarks.http import run_pages

            run_pages(workdir / "pages", seconds, only)
        if "surge" in parts:
            from benchmarks.surge import run_surge

            run_surge(workdir / "surge")
        if "ranking" in parts:
            from benchmarks.ranking import main as ranking

            ranking()
        if "nginx" in parts:
            from benchmarks.multi import run_multi

            run_multi(workdir / "multi")


if __name__ == "__main__":
    main(sys.argv[1:])
