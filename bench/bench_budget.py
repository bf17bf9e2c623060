"""Memory and time of one run as its work grows, to check the work budget's ceilings against the machine.

Each point runs in a fresh process on the embedded population (252,514 households): peak resident memory above
the population's own, and wall time, for a range of draws (memory grows with households × draws) and horizons
(time grows with households × draws × quarters). Reports bytes per household·draw and the peak predicted at the
``[budget]`` ceilings of ``model/parameters/scenario_fields.toml``. A benchmark, not a test.

    python3 bench/bench_budget.py [--draws 32 64 128 256] [--at-ceiling]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_import import machine  # noqa: E402

from model.schema import fieldspec  # noqa: E402

ONE_RUN = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from model.engine.run import run_scenario
from model.population.synth import default_population
from model.schema.budget import work_of
from model.schema.scenario import default_scenario
population = default_population()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
scenario = default_scenario().with_changes({{"simulation.draws": {draws}, "simulation.end_quarter": {end!r}}})
start = time.perf_counter()
run_scenario(population, scenario).targets
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
work = work_of(scenario, population.n)
print(json.dumps({{"households": population.n, "draws": {draws}, "quarters": work.quarters,
                  "work": work.household_draw_quarters, "seconds": seconds,
                  "population_mb": before / 1024, "run_mb": (after - before) / 1024}}))
"""


def one_run(draws: int, end: str) -> dict:
    """Measure one run in a fresh interpreter."""
    code = ONE_RUN.format(root=str(ROOT), draws=draws, end=end)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """One line per point, then the fit and the prediction at the ceilings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, nargs="+", default=[32, 64, 128, 256])
    parser.add_argument("--end", default="2023Q4", help="end quarter of the memory points (time grows with it)")
    parser.add_argument("--at-ceiling", action="store_true", help="also run at the memory ceiling, 2025Q4")
    args = parser.parse_args()
    budget = fieldspec.budget()
    print(f"machine: {machine()}")
    points = [one_run(d, args.end) for d in args.draws]
    if args.at_ceiling:
        most = budget.max_household_draws // points[0]["households"]
        points.append(one_run(most, "2025Q4"))
    for p in points:
        rate = p["work"] / p["seconds"] / 1e6
        print(
            f"draws {p['draws']:4d}  quarters {p['quarters']:2d}  work {p['work']:>14,}  {p['seconds']:6.1f} s "
            f"({rate:5.0f} M household·draw·quarters/s)  run peak {p['run_mb']:7.0f} MB above the population's "
            f"{p['population_mb']:.0f} MB"
        )
    per = [p["run_mb"] * 1024 * 1024 / (p["households"] * p["draws"]) for p in points]
    bytes_per = max(per)
    print(f"bytes per household·draw: {min(per):.0f}–{bytes_per:.0f}")
    print(
        f"predicted run peak at the memory ceiling ({budget.max_household_draws:,} household·draws): "
        f"{budget.max_household_draws * bytes_per / 1024**3:.1f} GB above the population"
    )
    fastest = max(p["work"] / p["seconds"] for p in points)
    print(
        f"time at the work ceiling ({budget.max_household_draw_quarters:,} household·draw·quarters): "
        f"≥ {budget.max_household_draw_quarters / fastest:.0f} s at the best rate measured here"
    )


if __name__ == "__main__":
    main()
