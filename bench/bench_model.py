"""Benchmark of one scenario at full city scale (issue 2: under 1 second for 12 quarters × 32 draws).

Each configuration runs in its own subprocess, so that its peak memory (``ru_maxrss``) is its own: the embedded
population is built first (its RSS is reported apart), one cold run follows (it also fills the per-seed priority
cache, as the page's first run does), then ``--runs`` warm runs whose median wall time is the result.
Throughput is households × quarters × draws per second. This is a benchmark, not a test: numbers depend on the
machine, which is described at the top of the output.

    .venv/bin/python bench/bench_model.py [--runs 5] [--json]    (all three benchmarks: make bench)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0
CONFIGS: dict[str, dict] = {
    "default threads, fixed assumptions": {"threads": None, "changes": {}},
    "1 thread, fixed assumptions": {"threads": 1, "changes": {}},
    "default threads, drawn assumptions": {"threads": None, "changes": {"simulation.draw_assumptions": True}},
}


def machine() -> dict:
    """CPU model, cores available to this process, memory and library versions."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    import numpy

    return {
        "cpu": cpu,
        "nproc": nproc,
        "cpu_count": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "platform": platform.platform(),
    }


def child(name: str, runs: int) -> dict:
    """Run one configuration in this process and return its measurements."""
    sys.path.insert(0, str(ROOT))
    from model.engine.simulate import _worker_count, simulate
    from model.population.synth import default_population
    from model.schema.scenario import Scenario

    config = CONFIGS[name]
    t0 = time.perf_counter()
    pop = default_population()
    population_seconds = time.perf_counter() - t0
    rss_population_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scenario = Scenario().with_changes(
        {
            "simulation.draws": 32,
            "simulation.start_quarter": "2023Q1",
            "simulation.end_quarter": "2025Q4",
            **config["changes"],
        }
    )
    t0 = time.perf_counter()
    result = simulate(pop, scenario, threads=config["threads"])
    cold = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        simulate(pop, scenario, threads=config["threads"])
        times.append(time.perf_counter() - t0)
    quarters = len(result.quarters)
    median = statistics.median(times)
    return {
        "config": name,
        "households": pop.n,
        "quarters": quarters,
        "draws": result.draws,
        "threads": config["threads"] or _worker_count(),
        "population_seconds": population_seconds,
        "cold_seconds": cold,
        "median_seconds": median,
        "min_seconds": min(times),
        "max_seconds": max(times),
        "runs": runs,
        "throughput": pop.n * quarters * result.draws / median,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "population_rss_mb": rss_population_mb,
    }


def main(argv: list[str] | None = None) -> int:
    """Run every configuration in a subprocess and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm runs per configuration (median reported)")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return 0

    rows = []
    for name in CONFIGS:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name, "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    info = machine()
    if args.json:
        print(json.dumps({"machine": info, "results": rows}, indent=2))
        return 0
    print(
        f"machine: {info['cpu']}; nproc {info['nproc']} (cpu_count {info['cpu_count']}); "
        f"{info['memory_gb']} GB; Python {info['python']}, numpy {info['numpy']}"
    )
    r0 = rows[0]
    print(
        f"population: {r0['households']:,} households, built in {r0['population_seconds']:.2f} s "
        f"(RSS {r0['population_rss_mb']:.0f} MB); {r0['quarters']} quarters × {r0['draws']} draws; "
        f"median of {args.runs} warm runs"
    )
    head = (
        "configuration",
        "threads",
        "cold s",
        "median s",
        "min–max s",
        "hh·q·draws/s",
        "peak RSS MB",
        f"< {TARGET_SECONDS:g} s",
    )
    lines = [head]
    for r in rows:
        lines.append(
            (
                r["config"],
                str(r["threads"]),
                f"{r['cold_seconds']:.3f}",
                f"{r['median_seconds']:.3f}",
                f"{r['min_seconds']:.3f}–{r['max_seconds']:.3f}",
                f"{r['throughput'] / 1e6:.1f} M",
                f"{r['peak_rss_mb']:.0f}",
                "yes" if r["median_seconds"] < TARGET_SECONDS else "NO",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for k, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
