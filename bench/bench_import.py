"""Benchmark of the household importer on the full default population written as a planner's export.

The embedded population (about 252,000 households) is written with the template's Chinese headers as GBK CSV,
as UTF-8 CSV with one row in ten bad (drop mode, so the row report is built too), and as XLSX (read with
python-calamine when installed, and with the openpyxl fallback on a 50,000-row slice). Reported: median wall
time of ``--runs`` reads and rows per second. A benchmark, not a test: the machine is described first.

    .venv/bin/python bench/bench_import.py [--runs 3]    (all three benchmarks: make bench)
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.io.household_files import HEADER_TABLE, read_household_file  # noqa: E402
from model.population.synth import generate_frame  # noqa: E402


def machine() -> str:
    """CPU model and cores available, for the header line."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}"


def export_frame():
    """The default population as a planner's export: Chinese headers, 是/否 booleans."""
    frame = generate_frame().rename(columns={c: h for c, (h, _) in HEADER_TABLE.items()})
    for header in (HEADER_TABLE["industry_willing"][0], HEADER_TABLE["dual_bound"][0]):
        frame[header] = frame[header].map({True: "是", False: "否"})
    return frame


def timed(raw: bytes, name: str, mode: str, runs: int) -> tuple[float, int, int]:
    """Median seconds, households kept and problems found."""
    times, outcome = [], None
    for _ in range(runs):
        start = time.perf_counter()
        outcome = read_household_file(raw, name, mode=mode)
        times.append(time.perf_counter() - start)
    return statistics.median(times), outcome.kept_rows, len(outcome.problems)


def main() -> None:
    """Print one line per case."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    frame = export_frame()
    bad = frame.copy()
    bad.loc[::10, HEADER_TABLE["county"][0]] = "?"
    xlsx_buffer = io.BytesIO()
    frame.iloc[:50_000].to_excel(xlsx_buffer, index=False)
    cases = [
        ("GBK CSV, strict", frame.to_csv(index=False).encode("gbk"), "full.csv", "strict", len(frame)),
        (
            "UTF-8 CSV, 10% bad rows, drop",
            bad.to_csv(index=False).encode("utf-8"),
            "bad.csv",
            "drop_bad_rows",
            len(bad),
        ),
        ("XLSX 50,000 rows, strict", xlsx_buffer.getvalue(), "part.xlsx", "strict", 50_000),
    ]
    calamine = importlib.util.find_spec("python_calamine") is not None
    for label, raw, name, mode, rows in cases:
        seconds, kept, problems = timed(raw, name, mode, args.runs)
        reader = (" (python-calamine)" if calamine else " (openpyxl)") if name.endswith(".xlsx") else ""
        print(
            f"{label}{reader}: {len(raw) / 2**20:.1f} MB, {seconds:.2f} s median, {rows / seconds:,.0f} rows/s, "
            f"{kept:,} kept, {problems:,} problems"
        )
    if calamine:
        sys.modules["python_calamine"] = None  # the fallback reader
        seconds, kept, _ = timed(cases[2][1], "part.xlsx", "strict", 1)
        print(f"XLSX 50,000 rows, strict (openpyxl fallback): {seconds:.2f} s, {50_000 / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
