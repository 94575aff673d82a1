"""`make bench`: the pages of issue 11 over HTTP, the deadline surge, the 2 000-entry ranking and the
multi-instance surge through nginx. `python -m benchmarks [--quick] [pages] [surge] [ranking] [nginx]`
runs a subset. Figures are printed, never asserted in tests. `--quick` checks that every target runs
end to end at small sizes (2 s per page, 20 participants in 10 s, a 200-entry ranking, one run); its
figures mean nothing. Variables already set in the environment win over --quick's sizes."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

QUICK = {
    "BENCH_SECONDS": "2",
    "BENCH_SURGE_PARTICIPANTS": "20",
    "BENCH_SURGE_WINDOW": "10",
    "BENCH_RANKING_ENTRIES": "200",
    "BENCH_RANKING_RUNS": "1",
}


def main(argv: list[str]) -> None:
    if "--quick" in argv:
        argv = [a for a in argv if a != "--quick"]
        for name, value in QUICK.items():
            os.environ.setdefault(name, value)
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
