"""P(met) by two-level Monte Carlo: many draws on a fixed sample of the households, corrected by fewer on all.

A verdict is a probability over draws, and hundreds of draws of the whole population are needed for a standard
error of 0.03 (binomial: p(1 − p)/0.03² ≈ 280 at p = ½). The draws differ mostly in the assumptions and the
shared shocks, which a sample of the households feels just as the whole population does: on the default
population a 10,000-household weighted sample meets or misses each target in the same draw as all 252,514 in
96–99% of draws. So the estimate (a control variate with known coefficient, as in multilevel Monte Carlo —
Giles 2008, Operations Research 56(3); Owen, *Monte Carlo theory, methods and examples*, §8.9) is

    P̂ = mean over N draws of I_sample  +  mean over the first n ≤ N of those draws of (I_all − I_sample),

where I is 1 when a draw meets the target. Both terms are means of the same draws (counter-based random numbers
give draw d the same assumptions, shocks and household shocks in both runs), so P̂ is unbiased for P(met) of
the whole population whatever the sample, and its variance is

    Var(I_sample)/N + Var(D)/n + 2·Cov(I_sample, D)/N,   D = I_all − I_sample ∈ {−1, 0, 1}.

The error reported bounds that from above: the covariance by Cauchy–Schwarz, Var(I_sample) with the
Laplace-smoothed share (k + 1)/(N + 2) as :func:`model.engine.targets.p_met_standard_error` does, and Var(D) with
one pseudo-draw added to each of D's three values — so no run claims zero error, and with N = n it is never
below the plain binomial error of the n draws. The draws are chosen to meet the error target at least cost
(:func:`draws_for`), with a household-draw of the sample costing what the benchmark measured.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np

from model.population.table import Population, weighted_sample

# The outcomes judged on the city as a whole. The count of counties under "five-list" management (N4) is not:
# it classifies each county every quarter, and the sample's ~1,100 records a county classify them as all
# households do in only ~96% of draws (10,000; 97% with 25,000) — no better a control than none at the low
# probabilities N4 has, so its P(met) stays the plain share of draws of all households.
OUTCOMES = ("N1", "N2", "N3", "below_line")
SAMPLE_HOUSEHOLDS = 10_000  # records of the fixed sample (the control)
MIN_POPULATION_RATIO = 8  # below 80,000 records a run of all households costs too little to be worth a control
SAMPLE_SEED = 1  # which households form the sample: any fixed choice keeps P̂ unbiased
SAMPLE_STEP = 256  # sample draws are added in multiples of this
MAX_SAMPLE_DRAWS = 8_192
# Per-draw work that does not scale with households (per-draw tables, shared shocks, the kernel's tiles), as
# households: bench/bench_model.py measured 1.4 ms a draw for the 10,000-household sample and 17 ms for all
# 252,514 households, so a draw costs in proportion to households + 12,000 (a ratio of 12, not 25).
OVERHEAD_HOUSEHOLDS = 12_000

_samples: weakref.WeakKeyDictionary[Population, Population] = weakref.WeakKeyDictionary()


def control_sample(pop: Population) -> Population | None:
    """The fixed weighted sample of ``pop`` the verdict's draws run on first; None for a small population."""
    if pop.n < MIN_POPULATION_RATIO * SAMPLE_HOUSEHOLDS:
        return None
    if pop not in _samples:
        _samples[pop] = weighted_sample(pop, SAMPLE_HOUSEHOLDS, SAMPLE_SEED)
    return _samples[pop]


def cost_ratio(households: int, sample_households: int) -> float:
    """What a draw of all households costs in draws of the sample."""
    return (households + OVERHEAD_HOUSEHOLDS) / (sample_households + OVERHEAD_HOUSEHOLDS)


@dataclass(frozen=True)
class TwoLevel:
    """One outcome's two-level estimate and the parts of its variance bound."""

    probability: float  # P̂, within 0–1
    standard_error: float
    sample_part: float  # A: the variance bound is A/N + B/n
    difference_part: float  # B
    draws: int  # n: draws of all households
    sample_draws: int  # N


def estimate(met_all: np.ndarray, met_sample: np.ndarray) -> TwoLevel:
    """P(met) from ``met_all`` (n draws of all households) and ``met_sample`` (draws 0 … N − 1 of the sample).

    The first n sample draws are the same draws as ``met_all``'s (N ≥ n). P̂ is clipped to 0–1 (an unbiased
    difference estimate can stray just outside it when the sample meets a target in nearly no draw).
    """
    n, big_n = len(met_all), len(met_sample)
    if n == 0 or big_n < n:
        raise ValueError(f"need 1 ≤ n ≤ N draws, got n = {n}, N = {big_n}")
    sample = np.asarray(met_sample, dtype=np.float64)
    difference = np.asarray(met_all, dtype=np.float64) - sample[:n]
    p_hat = float(np.clip(sample.mean() + difference.mean(), 0.0, 1.0))
    smoothed = (sample.sum() + 1) / (big_n + 2)
    var_sample = smoothed * (1 - smoothed)
    up = (np.count_nonzero(difference > 0) + 1) / (n + 3)
    down = (np.count_nonzero(difference < 0) + 1) / (n + 3)
    var_difference = up + down - (up - down) ** 2
    sample_part = var_sample + 2 * math.sqrt(var_sample * var_difference)
    se = math.sqrt(sample_part / big_n + var_difference / n)
    return TwoLevel(p_hat, se, sample_part, var_difference, n, big_n)


def plain(met_all: np.ndarray) -> TwoLevel:
    """The plain binomial estimate of n draws in the same terms (no sample part): for an outcome without control."""
    n = len(met_all)
    p_hat = float(np.mean(met_all))
    smoothed = (np.count_nonzero(met_all) + 1) / (n + 2)
    variance = smoothed * (1 - smoothed)
    return TwoLevel(p_hat, math.sqrt(variance / n), 0.0, variance, n, 0)


def draws_for(parts: list[TwoLevel], standard_error: float, ratio: float, draw_step: int) -> tuple[int, int]:
    """The draws (all households, sample) that bring every estimate's error bound to ``standard_error``.

    For one outcome the cheapest (n, N) with A/N + B/n = se² at a cost of ``ratio``·n + N is n ∝ √(B/ratio),
    N ∝ √A (Lagrange). n is the largest of the outcomes' (rounded up to ``draw_step``); then each outcome takes the
    N that its error needs at that n (no more than its own optimum). Never fewer draws than run so far; N ≥ n,
    rounded up to :data:`SAMPLE_STEP`. Where every error is already small enough: the draws run so far.
    """
    have_n = max((p.draws for p in parts), default=0)
    have_big_n = max((p.sample_draws for p in parts), default=0)
    short = [p for p in parts if p.standard_error > standard_error]
    if not short:
        return have_n, have_big_n
    budget = standard_error**2
    want_n = have_n
    for p in short:
        scale = (math.sqrt(p.sample_part) + math.sqrt(p.difference_part * ratio)) / budget
        want_n = max(want_n, math.ceil(math.sqrt(p.difference_part / ratio) * scale))
    want_n = draw_step * math.ceil(want_n / draw_step)
    want_big_n = max(have_big_n, want_n)
    for p in short:
        if p.sample_part > 0:
            want_big_n = max(want_big_n, math.ceil(p.sample_part / (budget - p.difference_part / want_n)))
    return want_n, SAMPLE_STEP * math.ceil(want_big_n / SAMPLE_STEP)
