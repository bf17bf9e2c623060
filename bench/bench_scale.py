"""Benchmark of the sweep runner: the shipped 64-point Latin hypercube at full city scale on 1 and 2 Dask workers.

For each worker count a fresh LocalCluster is started (one process per worker, one thread each); every worker
first builds the embedded population (timed apart), then the sweep runs into an empty folder. Reported per
configuration: cluster start, population build, sweep wall time (first point submitted → last row written),
points per second, mean seconds per point on a worker, CPU seconds per point (user + system, summed over the
workers: unlike wall time it does not grow when other processes take the cores) and each worker's peak memory
(``ru_maxrss``). The
speed-up is 1-worker wall / 2-worker wall. The run in this process (``--workers 0``: points one after another,
the engine on its own threads) is measured too, for comparison. The results of every configuration are checked
equal.

The province run: the notice's scenario on the synthetic Yunnan province (129 counties, 2.25 million households;
``--province-share`` for a miniature), every county a task on a fresh LocalCluster of ``--province-workers``
workers, with fixed draws (``--province-draws``, one round). Reported: wall time, households·quarters·draws per
second, CPU seconds, each worker's peak memory (``ru_maxrss``: the county's households and per-household arrays
stay on the worker) and the client's. This is a benchmark, not a test: numbers depend on the machine, described at
the top of the output.

    python3 bench/bench_scale.py [--workers 1 2] [--no-in-process] [--no-sweep] [--no-province]
                                 [--province-workers 2] [--province-share 1.0] [--province-draws 32] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_model import machine  # noqa: E402

from model.population.province import yunnan  # noqa: E402
from model.schema.scenario import load_scenario  # noqa: E402
from model.sweep.cluster import dask_client  # noqa: E402
from model.sweep.design import load_design  # noqa: E402
from model.sweep.populations import EmbeddedPopulation, fingerprint_of  # noqa: E402
from model.sweep.province import run_province  # noqa: E402
from model.sweep.runner import InProcess, OnDask, run_sweep  # noqa: E402
from model.sweep.store import RESULTS_FILE, read_results  # noqa: E402

DESIGN = ROOT / "designs" / "notice_lhs64.toml"
SCENARIO = ROOT / "scenarios" / "notice_2023.toml"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _sweep(backend, out: Path) -> dict:
    design = load_design(DESIGN)
    summary = run_sweep(design, out, backend, EmbeddedPopulation())
    frame = read_results(out / RESULTS_FILE).frame
    return {
        "points": summary.run_now,
        "sweep_s": round(summary.seconds, 2),
        "points_per_s": round(summary.points_per_second, 3),
        "mean_point_s_on_worker": round(float(frame["seconds"].mean()), 3),
    }


def on_cluster(workers: int, out: Path) -> dict:
    """One LocalCluster of ``workers`` processes: start, build the population everywhere, sweep."""
    start = time.perf_counter()
    with dask_client(workers=workers) as client:
        started = time.perf_counter()
        client.run(fingerprint_of, EmbeddedPopulation())
        built = time.perf_counter()
        cpu_before = client.run(_cpu_seconds)
        result = _sweep(OnDask(client), out)
        cpu_after = client.run(_cpu_seconds)
        rss = client.run(_peak_rss_mb)
    cpu = sum(cpu_after[w] - cpu_before[w] for w in cpu_after)
    return {
        "config": f"LocalCluster, {workers} worker(s) × 1 thread",
        "workers": workers,
        "cluster_start_s": round(started - start, 2),
        "population_build_s": round(built - started, 2),
        **result,
        "cpu_s_per_point": round(cpu / result["points"], 3),
        "peak_rss_mb_per_worker": [round(v) for v in rss.values()],
    }


def in_process(out: Path) -> dict:
    """Points one after another in this process, the engine on its own threads (``--workers 0``)."""
    start = time.perf_counter()
    fingerprint_of(EmbeddedPopulation())
    built = time.perf_counter()
    cpu_before = _cpu_seconds()
    result = _sweep(InProcess(), out)
    cpu = _cpu_seconds() - cpu_before
    return {
        "config": "in this process (--workers 0), engine's own threads",
        "workers": 0,
        "cluster_start_s": 0.0,
        "population_build_s": round(built - start, 2),
        **result,
        "cpu_s_per_point": round(cpu / result["points"], 3),
        "peak_rss_mb_per_worker": [round(_peak_rss_mb())],
    }


def province(workers: int, share: float, draws: int) -> dict:
    """The notice's scenario on the province, counties partitioned over a fresh LocalCluster of ``workers``."""
    prov = yunnan() if share == 1 else yunnan().miniature(share)
    scenario = load_scenario(SCENARIO).with_changes({"simulation.draws": draws, "simulation.max_standard_error": 0.0})
    start = time.perf_counter()
    with dask_client(workers=workers) as client:
        started = time.perf_counter()
        cpu_before = client.run(_cpu_seconds)
        run = run_province(prov, scenario, OnDask(client))
        done = time.perf_counter()
        cpu_after = client.run(_cpu_seconds)
        rss = client.run(_peak_rss_mb)
    quarters = len(run.result.quarters) + 4  # the base year is simulated too
    work = prov.households * quarters * run.result.draws
    return {
        "config": f"province, LocalCluster {workers} worker(s) × 1 thread",
        "workers": workers,
        "counties": prov.n_counties,
        "households": prov.households,
        "draws": run.result.draws,
        "quarters_simulated": quarters,
        "cluster_start_s": round(started - start, 2),
        "run_s": round(done - started, 2),
        "household_quarter_draws_per_s": round(work / (done - started)),
        "cpu_s": round(sum(cpu_after[w] - cpu_before[w] for w in cpu_after), 1),
        "peak_rss_mb_per_worker": [round(v) for v in rss.values()],
        "peak_rss_mb_client": round(_peak_rss_mb()),
        "N1": round(run.targets["N1"].value, 4),
        "N3": round(run.targets["N3"].value, 4),
    }


def main() -> int:
    """Run the configurations, check their results agree, print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-in-process", action="store_true", help="skip the run in this process")
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep")
    parser.add_argument("--no-province", action="store_true", help="skip the province run")
    parser.add_argument("--province-workers", type=int, default=2)
    parser.add_argument("--province-share", type=float, default=1.0, help="miniature province (households × share)")
    parser.add_argument("--province-draws", type=int, default=32)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    described = machine()  # before any cluster: distributed's nanny sets OMP_NUM_THREADS=1 here, which nproc obeys
    rows, frames = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [] if args.no_sweep else args.workers:
            out = Path(tmp) / f"workers{n}"
            rows.append(on_cluster(n, out))
            frames.append(read_results(out / RESULTS_FILE).frame.drop(columns=["seconds"]))
        if not args.no_in_process and not args.no_sweep:
            out = Path(tmp) / "in_process"
            rows.append(in_process(out))
            frames.append(read_results(out / RESULTS_FILE).frame.drop(columns=["seconds"]))
    same = all(f.equals(frames[0]) for f in frames[1:])
    by_workers = {r["workers"]: r for r in rows}
    speedup = (
        round(by_workers[1]["sweep_s"] / by_workers[2]["sweep_s"], 2) if 1 in by_workers and 2 in by_workers else None
    )
    report = {
        "machine": described,
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "design": str(DESIGN.relative_to(ROOT)),
        "configs": rows,
        "speedup_2_workers_vs_1": speedup,
        "results_identical": same,
        "province": None
        if args.no_province
        else province(args.province_workers, args.province_share, args.province_draws),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0 if same else 1
    m = report["machine"]
    print(f"machine: {m['cpu']} · {m['cores']} cores · {m['memory_gb']} GB · Python {m['python']}")
    print(f"design: {report['design']} (64 points × 32 draws × 12 quarters, 252,514 households)")
    head = (
        "config",
        "start s",
        "pop. build s",
        "sweep s",
        "points/s",
        "s/point on worker",
        "CPU s/point",
        "peak MB/worker",
    )
    print(" | ".join(head))
    for r in rows:
        cells = (
            r["config"],
            r["cluster_start_s"],
            r["population_build_s"],
            r["sweep_s"],
            r["points_per_s"],
            r["mean_point_s_on_worker"],
            r["cpu_s_per_point"],
            ", ".join(map(str, r["peak_rss_mb_per_worker"])),
        )
        print(" | ".join(str(c) for c in cells))
    print(f"speed-up, 2 workers vs 1: {speedup}×; results identical across configurations: {same}")
    prov = report["province"]
    if prov is not None:
        print(
            f"{prov['config']}: {prov['counties']} counties, {prov['households']:,} households × "
            f"{prov['quarters_simulated']} quarters × {prov['draws']} draws in {prov['run_s']} s "
            f"({prov['household_quarter_draws_per_s'] / 1e6:.1f} M/s, {prov['cpu_s']} CPU s, cluster start "
            f"{prov['cluster_start_s']} s); peak MB per worker {', '.join(map(str, prov['peak_rss_mb_per_worker']))}, "
            f"client {prov['peak_rss_mb_client']}"
        )
    print(f"load average (1 min) at the end: {report['load_average_1min_at_end']} (other processes share the cores)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
