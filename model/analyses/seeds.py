"""Does a verdict hang on the seed? The same scenario run with several seeds, each to its verdict's draw count.

Each run adds draws until every P(met) has a standard error ≤ ``simulation.max_standard_error`` (0.03 by default);
two seeds agree when their P(met) differ by at most three combined standard errors. The test suite checks it on
a sample, ``bench/bench_seeds.py`` and ``python -m model validation-report`` at full scale.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from model.engine.run import run_scenario
from model.population.table import Population
from model.schema.scenario import Scenario

SEEDS = (1, 2, 3)
AGREEMENT_SE = 3.0  # seeds agree when their P(met) differ by at most this many combined standard errors


@dataclass(frozen=True)
class SeedRun:
    """One seed's verdict on ``target``: its mean value, P(met) and the P(met)'s Monte Carlo error."""

    seed: int
    draws: int
    value: float
    probability: float
    p_met_se: float


def seed_runs(pop: Population, scenario: Scenario, target: str = "N1", seeds=SEEDS) -> list[SeedRun]:
    """``scenario`` with each of ``seeds``, grown to its verdict's draws."""
    out = []
    for seed in seeds:
        run = run_scenario(pop, scenario.with_changes({"simulation.seed": seed}))
        check = run.targets[target]
        out.append(SeedRun(seed, run.result.draws, check.value, check.probability, check.p_met_se))
    return out


def largest_disagreement(runs: list[SeedRun]) -> float:
    """The largest difference of two seeds' P(met), in combined standard errors (0 when all agree exactly)."""
    worst = 0.0
    for a, b in itertools.combinations(runs, 2):
        se = math.hypot(a.p_met_se, b.p_met_se)
        gap = abs(a.probability - b.probability)
        worst = max(worst, gap / se if se > 0 else (math.inf if gap > 0 else 0.0))
    return worst
