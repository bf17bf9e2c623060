"""Benchmark of the sensitivity analysis (issue 8 asks: under 10 minutes at full scale on this machine).

Runs ``python -m model sensitivity``'s analysis of the notice's scenario with the default budget
(``model/parameters/sensitivity.toml``: Morris on every assumption and lever at full city scale, Sobol' on the
few that matter on a weighted sample, the screening repeated on the sample) on a LocalCluster of ``--workers``
workers, and reports each stage's points, wall time and seconds per point, the total against the 10-minute aim,
and the machine. Budget options shrink the run for a quick look; the projection line then says what the default
budget would take at the measured seconds per point. A benchmark, not a test: numbers depend on the machine and
its load, reported at the end.

    python3 bench/bench_sensitivity.py [--workers 2] [--trajectories 8] [--draws 16] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_model import machine  # noqa: E402

from model.analyses.sensitivity import all_factors, default_budget, run_sensitivity, with_budget  # noqa: E402
from model.population.synth import sample_population  # noqa: E402
from model.schema.scenario import load_scenario  # noqa: E402
from model.sweep.cluster import dask_client  # noqa: E402
from model.sweep.populations import EmbeddedPopulation, fingerprint_of  # noqa: E402
from model.sweep.runner import OnDask  # noqa: E402

SCENARIO = ROOT / "scenarios" / "notice_2023.toml"
AIM_S = 600


def main() -> int:
    """Run the analysis once and print (or dump) its timings."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--trajectories", type=int)
    parser.add_argument("--draws", type=int)
    parser.add_argument("--base-samples", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    described = machine()
    scenario = load_scenario(SCENARIO)
    default = default_budget()
    budget = with_budget(default, trajectories=args.trajectories, draws=args.draws, base_samples=args.base_samples)
    sample = sample_population(budget.sample_households) if budget.sample_households else None
    start = time.perf_counter()
    with dask_client(workers=args.workers) as client:
        started = time.perf_counter()
        client.run(fingerprint_of, EmbeddedPopulation())
        built = time.perf_counter()
        result = run_sensitivity(scenario, EmbeddedPopulation(), OnDask(client), budget, sample)
    total = time.perf_counter() - start
    k = len(all_factors(scenario))
    morris_per_point = result["morris"]["seconds"] / result["morris"]["points"]
    stages = {name: result[name] for name in ("morris", "morris_sample", "sobol") if name in result}
    sample_per_point = sum(stages[n]["seconds"] for n in stages if n != "morris") / max(
        sum(stages[n]["points"] for n in stages if n != "morris"), 1
    )
    projected = (
        default.trajectories * (k + 1) * (morris_per_point + sample_per_point)
        + default.base_samples * (default.sobol_factors + 2) * sample_per_point
    )
    report = {
        "machine": described,
        "workers": args.workers,
        "budget": budget.as_dict,
        "factors": k,
        "cluster_start_s": round(started - start, 2),
        "population_build_s": round(built - started, 2),
        "stages": {
            n: {
                "points": s["points"],
                "seconds": round(s["seconds"], 1),
                "s_per_point": round(s["seconds"] / s["points"], 3),
            }
            for n, s in stages.items()
        },
        "total_s": round(total, 1),
        "within_10_minutes": total <= AIM_S,
        "projected_default_budget_s": round(projected + (built - start), 1),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    m = described
    print(f"machine: {m['cpu']} · {m['cores']} cores · {m['memory_gb']} GB · Python {m['python']}")
    print(f"{args.workers} workers; {k} factors; budget {report['budget']}")
    for name, s in report["stages"].items():
        print(f"  {name}: {s['points']} points in {s['seconds']} s ({s['s_per_point']} s/point)")
    print(f"total {report['total_s']} s (aim ≤ {AIM_S} s: {'met' if report['within_10_minutes'] else 'not met'})")
    print(f"projected for the default budget at these speeds: {report['projected_default_budget_s']} s")
    print(f"load average (1 min) at the end: {report['load_average_1min_at_end']} (other processes share the cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
