"""The two-level P(met): its estimate and error by hand, its unbiasedness and error bound, the draws it asks for,
and a verdict run that uses it (model/engine/two_level.py, model/engine/run.py)."""

from __future__ import annotations

import math
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.engine import two_level
from model.engine.result import combine
from model.engine.run import DRAW_STEP, run_scenario
from model.engine.simulate import simulate
from model.engine.targets import OUTCOME_KEYS, evaluate_targets, met_draws, outcome_draws
from model.io.stored_results import load_result, save_result
from model.schema.scenario import Scenario

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)


def test_estimate_by_hand():
    met_all = np.array([1, 0, 1, 1], bool)
    met_sample = np.array([1, 0, 0, 1, 1, 0, 1, 0], bool)  # the first four are the same draws as met_all's
    two = two_level.estimate(met_all, met_sample)
    # 4 of 8 sample draws meet; all − sample over the first 4 draws: 0, 0, +1, 0
    assert two.probability == pytest.approx(0.5 + 0.25)
    var_sample = 0.5 * 0.5  # (4 + 1) / (8 + 2) = 0.5
    up, down = 2 / 7, 1 / 7  # one pseudo-draw on each of −1, 0, +1
    var_difference = up + down - (up - down) ** 2
    assert two.difference_part == pytest.approx(var_difference)
    assert two.sample_part == pytest.approx(var_sample + 2 * math.sqrt(var_sample * var_difference))
    expected_se = math.sqrt(two.sample_part / 8 + var_difference / 4)
    assert two.standard_error == pytest.approx(expected_se)
    assert (two.draws, two.sample_draws) == (4, 8)


def test_estimate_stays_within_0_and_1_and_needs_paired_draws():
    assert two_level.estimate(np.ones(4, bool), np.zeros(40, bool)).probability == pytest.approx(1.0)
    assert two_level.estimate(np.zeros(2, bool), np.array([1, 1] + [0] * 98, bool)).probability == 0.0
    with pytest.raises(ValueError, match="n ≤ N"):
        two_level.estimate(np.ones(8, bool), np.ones(4, bool))


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
@SETTINGS
def test_with_no_extra_sample_draws_the_error_is_never_below_the_binomial(pairs):
    """N = n: P̂ is the plain share of the n draws, and its error bound is at least the plain binomial error."""
    met_all = np.array([a for a, _ in pairs])
    met_sample = np.array([b for _, b in pairs])
    two = two_level.estimate(met_all, met_sample)
    plain = two_level.plain(met_all)
    assert two.probability == pytest.approx(met_all.mean())
    assert two.standard_error >= plain.standard_error - 1e-12


def _correlated_draws(rng: np.random.Generator, draws: int, p_all: float, p_sample: float, discord: float):
    """Paired indicators: the sample's latent outcome with noise, thresholded for each level."""
    latent = rng.normal(size=draws)
    sample_latent = latent + discord * rng.normal(size=draws)
    return latent < _quantile(p_all), sample_latent < _quantile(p_sample) * math.sqrt(1 + discord**2)


def _quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


@pytest.mark.parametrize(("p", "discord"), [(0.2, 0.05), (0.5, 0.1), (0.08, 0.2)])
def test_unbiased_and_its_error_covers_the_spread(p, discord):
    """Over 4,000 repeats on paired draws of known P(met): the mean estimate is P(met) within its own error, and
    the reported error bounds the estimates' spread from above (the covariance is bounded, not estimated)."""
    rng = np.random.default_rng(7)
    n, big_n, repeats = 64, 512, 4_000
    estimates, errors = [], []
    for _ in range(repeats):
        met_all, met_sample = _correlated_draws(rng, big_n, p, p * 0.9, discord)
        two = two_level.estimate(met_all[:n], met_sample)
        estimates.append(two.probability)
        errors.append(two.standard_error)
    spread = np.std(estimates)
    assert np.mean(estimates) == pytest.approx(p, abs=4 * spread / math.sqrt(repeats))
    assert np.mean(errors) >= spread
    # and the control pays: the plain share of the same 64 draws would spread √(p(1 − p)/64)
    assert spread < 0.8 * math.sqrt(p * (1 - p) / n)


def _part(se: float, a: float, b: float, n: int, big_n: int) -> two_level.TwoLevel:
    return two_level.TwoLevel(0.3, se, a, b, n, big_n)


def test_draws_for_keeps_the_draws_when_every_error_is_small_enough():
    parts = [_part(0.02, 0.2, 0.03, 64, 512), _part(0.03, 0.0, 0.05, 64, 0)]
    assert two_level.draws_for(parts, 0.03, 12.0, DRAW_STEP) == (64, 512)


@given(
    st.lists(
        st.tuples(st.floats(0.0, 0.5), st.floats(0.001, 0.5)),
        min_size=1,
        max_size=5,
    ),
    st.floats(1.0, 40.0),
)
@SETTINGS
def test_draws_for_meets_every_error_at_the_current_estimates(parts, ratio):
    """At the draws asked for, every outcome's bound A/N + B/n is within the target, with N ≥ n, in whole steps."""
    target = 0.03
    have = [_part(1.0, a, b, 64, 512 if a > 0 else 0) for a, b in parts]
    n, big_n = two_level.draws_for(have, target, ratio, DRAW_STEP)
    assert n >= 64 and big_n >= max(n, *(p.sample_draws for p in have))
    assert n % DRAW_STEP == 0 and big_n % two_level.SAMPLE_STEP == 0
    for a, b in parts:
        assert a / big_n + b / n <= target**2 * (1 + 1e-9)


def test_a_small_population_has_no_sample(small_population):
    assert two_level.control_sample(small_population) is None


@contextmanager
def scaled_down():
    """The sample and the size limit scaled down to the 3,000-record population (a 300-record sample)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(two_level, "SAMPLE_HOUSEHOLDS", 300)
        mp.setattr(two_level, "MIN_POPULATION_RATIO", 8)
        mp.setattr(two_level, "_samples", type(two_level._samples)())
        yield


@pytest.fixture(scope="module")
def two_level_run(small_population):
    """A verdict run of the 3,000-record population, scaled down."""
    with scaled_down():
        scenario = Scenario().with_changes({"simulation.draws": 32, "simulation.max_standard_error": 0.05})
        sample = two_level.control_sample(small_population)
        run = run_scenario(small_population, scenario)
    return SimpleNamespace(population=small_population, sample=sample, scenario=scenario, run=run)


def test_a_verdict_run_carries_its_sample_outcomes_and_meets_the_error(two_level_run):
    sample, run = two_level_run.sample, two_level_run.run
    result = run.result
    assert sample.n == 300 and result.control_households == 300
    assert set(result.control_outcomes) == set(two_level.OUTCOMES)
    assert result.control_draws >= result.draws >= 32
    assert result.control_draws % two_level.SAMPLE_STEP == 0
    for key in OUTCOME_KEYS:
        check = run.targets[key]
        assert check.p_met_se <= 0.05, key
        assert check.draws == result.draws
        assert check.sample_draws == (result.control_draws if key in two_level.OUTCOMES else None)


def test_the_sample_outcomes_are_the_samples_own_draws(two_level_run):
    """The control is the sample simulated on its own over the same draws: counter-based draws pair them."""
    run = two_level_run.run
    own = simulate(two_level_run.sample, two_level_run.scenario, draws=run.result.control_draws)
    for key, values in run.result.control_outcomes.items():
        np.testing.assert_array_equal(values, outcome_draws(own)[key].values)


def test_the_two_level_probability_is_the_estimate_of_the_paired_draws(two_level_run):
    run = two_level_run.run
    result = run.result
    for key in two_level.OUTCOMES:
        o = outcome_draws(result)[key]
        expected = two_level.estimate(
            met_draws(o.values, o.target, o.comparison),
            met_draws(result.control_outcomes[key], o.target, o.comparison),
        )
        check = run.targets[key]
        assert (check.probability, check.p_met_se) == (expected.probability, expected.standard_error)
    plain = evaluate_targets(result.with_control({}, 0))["N4"]
    assert run.targets["N4"].probability == plain.probability  # N4 has no control


def test_a_run_at_fixed_draws_has_the_verdicts_draws(two_level_run):
    """Fixed draws of both (the fixed-ranges table's runs): nothing grows, and the draws are the verdict's own."""
    run = two_level_run.run
    n, big_n = run.result.draws, run.result.control_draws
    fixed = two_level_run.scenario.with_changes({"simulation.draws": n, "simulation.max_standard_error": 0.0})
    with scaled_down():
        again = run_scenario(two_level_run.population, fixed, sample_draws=big_n)
    assert (again.result.draws, again.result.control_draws) == (n, big_n)
    for key in OUTCOME_KEYS:
        assert again.targets[key].probability == run.targets[key].probability
    plain = run_scenario(two_level_run.population, fixed)
    assert plain.result.control_draws == 0


def test_merged_results_and_stored_files(two_level_run, tmp_path):
    run = two_level_run.run
    merged = combine([run.result])
    assert merged.control_outcomes == {} and merged.control_households == 0
    save_result(tmp_path / "run.npz", "k", run.result)
    back = load_result(tmp_path / "run.npz", "k")
    assert back.control_households == run.result.control_households
    for key, values in run.result.control_outcomes.items():
        np.testing.assert_array_equal(back.control_outcomes[key], values)
    assert evaluate_targets(back)["N1"].p_met_se == run.targets["N1"].p_met_se


def test_full_population_verdict_needs_fewer_draws_of_all_households():
    """The embedded population (252,514 records): every P(met) within 0.03 from far fewer than the ~250 draws of
    all households the plain binomial needs at these probabilities."""
    from model.population.synth import default_population

    run = run_scenario(default_population(), Scenario())
    assert run.result.control_households == two_level.SAMPLE_HOUSEHOLDS
    assert all(run.targets[k].p_met_se <= 0.03 for k in OUTCOME_KEYS)
    assert run.result.draws <= 160
