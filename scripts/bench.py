"""Execute every chapter notebook (and lab master) in a fresh kernel and record its wall time.

Not a test: machines are noisy, so timings are written to a CSV for people to read.

    python scripts/bench.py --out _build/bench.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 60  # each notebook must run in at most this on 2 CPU cores


def notebooks():
    return sorted(ROOT.glob("chapters/*/*.ipynb")) + sorted(ROOT.glob("labs/*/lab*.ipynb"))


def run(path: Path) -> tuple[float, str]:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except Exception as exc:  # report and go on: one broken notebook must not hide the others
        status = f"error: {type(exc).__name__}"
    return time.perf_counter() - start, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="_build/bench.csv")
    parser.add_argument("notebooks", nargs="*", help="default: every chapter notebook and lab")
    args = parser.parse_args()
    paths = [Path(p).resolve() for p in args.notebooks] or notebooks()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in paths:
        seconds, status = run(path)
        rel = path.relative_to(ROOT).as_posix()
        flag = "" if seconds <= BUDGET_S else f"  OVER {BUDGET_S} s BUDGET"
        print(f"{seconds:7.1f} s  {status:<8} {rel}{flag}", flush=True)
        rows.append({"notebook": rel, "seconds": f"{seconds:.1f}", "status": status,
                     "cpus": os.cpu_count(), "machine": platform.machine(),
                     "date": time.strftime("%Y-%m-%d %H:%M")})
    with out.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
