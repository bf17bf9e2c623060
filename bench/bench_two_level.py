"""The two-level P(met) at full scale: its estimate against the plain share of many draws of all households.

For each scenario, a verdict run (two-level: draws of all 252,514 households plus draws of the 10,000-record
sample, model/engine/two_level.py) and a plain run of ``--draws`` draws of all households (no control) of the same
seed — the plain run's first draws are the verdict's own, so the two are not independent and should agree well
within their combined standard error. Prints, per outcome: both P(met) with their errors, the difference in
combined errors, the draws each used and the seconds each took. This is a benchmark and a check by eye, not a
test: it takes minutes.

    python bench/bench_two_level.py [--draws 1024] [scenario.toml ...]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1024, help="draws of the plain run")
    parser.add_argument("scenarios", nargs="*", default=["scenarios/notice_2023.toml", "(default)"])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from model.engine.run import run_scenario
    from model.engine.simulate import simulate
    from model.engine.targets import OUTCOME_KEYS, evaluate_targets
    from model.population.synth import default_population
    from model.schema.scenario import Scenario, load_scenario

    pop = default_population()
    simulate(pop, Scenario(), draws=1)  # load the compiled kernel
    print(f"{pop.n:,} households · load {os.getloadavg()[0]:.1f} · plain run of {args.draws} draws")
    for name in args.scenarios:
        scenario = Scenario() if name == "(default)" else load_scenario(ROOT / name)
        t0 = time.perf_counter()
        run = run_scenario(pop, scenario)
        two_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        plain = evaluate_targets(simulate(pop, scenario, draws=args.draws))
        plain_seconds = time.perf_counter() - t0
        result = run.result
        print(
            f"\n{name}: two-level {result.draws} + {result.control_draws} sample draws in {two_seconds:.1f} s; "
            f"plain {args.draws} draws in {plain_seconds:.1f} s"
        )
        print(f"{'outcome':<11} {'two-level':>16} {'plain':>16} {'difference / combined SE':>26}")
        for key in OUTCOME_KEYS:
            a, b = run.targets[key], plain[key]
            combined = math.hypot(a.p_met_se, b.p_met_se)
            print(
                f"{key:<11} {a.probability:>8.3f} ± {a.p_met_se:.3f} {b.probability:>8.3f} ± {b.p_met_se:.3f} "
                f"{(a.probability - b.probability) / combined:>26.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
