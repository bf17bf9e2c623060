"""Fixed assumptions with a range: the verdict with each at the low and the high end of its range, one at a time.

Most elicited assumptions are drawn in every verdict (``scenario_fields.toml`` ``spread``) and varied by the
global sensitivity analysis (model/analyses/sensitivity.py). A few figures of the parameter files state a range
(``half_width``, or ``low`` and ``high``) but are fixed in every run: neither drawn nor varied, so nothing showed
what their range does to a verdict. :func:`fixed_ranged_figures` finds them — every figure with a range, less
those whose range model/analyses/calibrate.py folds into the drawn spread of the projection's organic growth
(:data:`~model.analyses.calibrate.SPREAD_FIGURES`) — and :func:`fixed_ranges` reruns a scenario with each at
either end, the others as shipped, reporting N1, N2, N3, the share below the line after assistance and their
P(met) with its Monte Carlo error.

A composite figure (a table of shares, a split of households, quarterly profiles) states its range as two whole
alternative values, ``low`` and ``high``, each keeping the figure's own constraints (shares summing to one, the
published totals); its row sets the whole figure to each.

Conventions (docs/VALIDATION.md §4):

* **The calibration is held as shipped**, the usual one-at-a-time convention: ``[fitted]`` is not refitted at
  either end. The 2022 back-test is rerun at each end and its largest distance from the three published growth
  figures it is fitted to is reported, so a figure whose end would make the held fit incoherent shows it.
* **The population follows the figure**: the embedded population is regenerated at each end, so a figure the
  generator reads changes the households; the row says whether they changed.
* **Common random numbers**: every run uses the scenario's seed and the draws of the shipped verdict run.
* **Derived figures follow**: a figure derived from another (:data:`FOLLOWS`) is set with it, so no row moves one
  without the other; a figure the projection's drawn spread is derived from
  (:data:`~model.analyses.calibrate.PROJECTION_INPUTS`) re-derives that spread at each end.
* **A noise floor**: one regeneration of the population from another generator seed, every figure as shipped, shows
  how much regenerating alone moves a result (a county's households are redrawn whenever its figures change).
"""

from __future__ import annotations

import datetime as dt
import platform
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from model.analyses.backtest import backtest_population, run_backtest
from model.analyses.calibrate import COMPONENTS, PROJECTION_INPUTS, SPREAD_FIGURES, projection_prior
from model.engine.run import Run, run_scenario
from model.engine.targets import TargetCheck
from model.population import province, synth
from model.population.table import Population
from model.schema import calibration as cal
from model.schema import fieldspec
from model.schema.scenario import Scenario

PARAMETERS_DIR = Path(__file__).resolve().parents[1] / "parameters"
OUTPUTS = ("N1", "N2", "N3", "below_line")
# The caches that read calibration figures: emptied whenever a figure is set (the field table's spreads are read
# from ``[fitted]``).
_DERIVED_CACHES = (
    synth.default_population,
    synth.qujing_counties,
    synth.qujing_region,
    synth.county_household_counts,
    province.yunnan,
    fieldspec.fields,
    fieldspec.by_path,
)
# Figures derived from another figure, set with it: (follower, how) — "ratio" scales the follower by the leader's
# change, "difference" shifts it by the same amount. The base year's loan share is its lending's steady state
# (calibration.toml); a 2021 level is its 2022 twin less the year's change, so a 2022 row keeps the change the
# back-test was fitted to (moving 2022 alone would invent a 2021 → 22 rise), and the 2021 row varies the change.
_TWINS = {
    "central_10k_yuan": "difference",
    "provincial_10k_yuan": "difference",
    "city_county_10k_yuan": "difference",
    "industry_share_city_county": "difference",
    "tourism_households": "difference",
    "collective_dividends_10k_yuan": "ratio",
    "collective_share_first": "difference",
    "consumption_purchases_10k_yuan": "difference",
    "dual_binding_coverage": "difference",
}
FOLLOWS: dict[str, tuple[tuple[str, str], ...]] = {
    "programmes_2022.microcredit_new_lending_10k_yuan": (("population.microcredit_share", "ratio"),),
    **{f"programmes_2022.{name}": ((f"programmes_2021.{name}", how),) for name, how in _TWINS.items()},
}


@dataclass(frozen=True)
class RangedFigure:
    """A parameter-file figure with a stated range: its value, the ends of the range and its provenance."""

    key: str  # dotted, as calibration.toml's figures are named (``population.project_capital_per_mu``)
    file: str  # the parameter file's name
    value: float | dict  # a composite figure's value, low and high are whole tables (module docstring)
    low: float | dict
    high: float | dict
    unit: str
    source: str
    note: str = ""


def _ranged(path: Path, table: dict[str, Any], prefix: str = "") -> Iterator[RangedFigure]:
    for name, entry in table.items():
        if not isinstance(entry, dict):
            continue
        key = f"{prefix}{name}"
        if "value" in entry and ("half_width" in entry or {"low", "high"} <= entry.keys()):
            value, low, high = entry["value"], entry.get("low"), entry.get("high")
            if not isinstance(value, dict):
                value = float(value)
                if "half_width" in entry:
                    low, high = value - entry["half_width"], value + entry["half_width"]
                low, high = float(low), float(high)
            yield RangedFigure(
                key, path.name, value, low, high, entry.get("unit", ""), entry.get("source", ""), entry.get("note", "")
            )
        else:
            yield from _ranged(path, entry, f"{key}.")


def ranged_figures(directory: Path = PARAMETERS_DIR) -> tuple[RangedFigure, ...]:
    """Every figure of ``directory``'s parameter files that states a range (``half_width``, or ``low``/``high``)."""
    out = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as fh:
            out.extend(_ranged(path, tomllib.load(fh)))
    return tuple(out)


def fixed_ranged_figures(directory: Path = PARAMETERS_DIR) -> tuple[RangedFigure, ...]:
    """The figures with a range that no run draws: those whose range is not folded into a drawn spread."""
    return tuple(f for f in ranged_figures(directory) if f.key not in SPREAD_FIGURES)


@dataclass(frozen=True)
class ProjectionSpread:
    """A figure the projection's spread is derived from, at the ends of its range: that spread, per organic rate."""

    figure: RangedFigure
    sd: dict[str, tuple[float, float, float]]  # rate (production, wage, transfer) → drawn sd at low, shipped, high


def projection_spreads() -> tuple[ProjectionSpread, ...]:
    """For each of :data:`~model.analyses.calibrate.PROJECTION_INPUTS`, the drawn sd of each projected organic rate."""
    out = []
    for figure in (f for f in ranged_figures() if f.key in PROJECTION_INPUTS):
        sd: dict[str, list[float]] = {rate: [] for rate in COMPONENTS}
        for value in (figure.low, figure.value, figure.high):
            with figure_at(figure.key, value):
                for rate in COMPONENTS:
                    sd[rate].append(cal.figures()[f"fitted.organic_growth_{rate}"].sd)
        out.append(ProjectionSpread(figure, {rate: (v[0], v[1], v[2]) for rate, v in sd.items()}))
    return tuple(out)


def _forget_derived() -> None:
    for function in _DERIVED_CACHES:
        function.cache_clear()


def _followed(key: str, value: float | dict, table: dict[str, cal.Figure]) -> dict[str, Any]:
    """The figures that follow ``key`` (:data:`FOLLOWS`) at the values they take when it is set to ``value``."""
    shipped = table[key].value
    out: dict[str, Any] = {}
    for follower, how in FOLLOWS.get(key, ()):
        base = table[follower].value
        out[follower] = base * value / shipped if how == "ratio" else base + (value - shipped)  # type: ignore[operator]
    return out


def _rederived_projection(table: dict[str, cal.Figure]) -> dict[str, Any]:
    """``[fitted]``'s projected organic rates with their spread re-derived from the figures as they now stand."""
    out = {}
    for rate in COMPONENTS:
        fitted, key = table[f"fitted.organic_growth_{rate}_2022"], f"fitted.organic_growth_{rate}"
        out[key] = replace(table[key], sd=round(projection_prior(fitted.value, fitted.sd, rate)[1], 4))
    return out


@contextmanager
def figure_at(key: str, value: float | dict) -> Iterator[None]:
    """Calibration figure ``key`` set to ``value`` inside the block (the population regenerated with it).

    The figures that follow it (:data:`FOLLOWS`) are set with it; a figure of
    :data:`~model.analyses.calibrate.PROJECTION_INPUTS` re-derives the projection's drawn spread in ``[fitted]``
    (the 2022 fit held). The fitted rates themselves are refused: ``python -m model calibrate`` sets them. The
    figure is set in the process's cached calibration, so this is for the command line and tests, not a page's
    server.
    """
    if key.startswith("fitted."):
        raise ValueError(f"{key}: a fitted figure is set by python -m model calibrate, not here")
    table = cal.figures()
    if key not in table:
        raise ValueError(f"{key} is not a figure of {cal.CALIBRATION_PATH.name}")
    values = {key: round(value) if isinstance(table[key].value, int) else value, **_followed(key, value, table)}
    changed = {k: replace(table[k], value=v) for k, v in values.items()}
    rederived = [f"fitted.organic_growth_{rate}" for rate in COMPONENTS] if key in PROJECTION_INPUTS else []
    shipped = {k: table[k] for k in [*changed, *rederived]}
    try:
        table.update(changed)
        if rederived:
            table.update(_rederived_projection(table))
        _forget_derived()
        yield
    finally:
        table.update(shipped)
        _forget_derived()


def population(sample: int | None = None, generator_seed: int | None = None) -> Population:
    """The embedded population as the calibration now stands, or a weighted sample of ``sample`` households."""
    if sample is None:
        return synth.default_population(generator_seed=generator_seed)
    return synth.sample_population(sample, generator_seed=generator_seed)


@dataclass(frozen=True)
class Outcome:
    """One target at one value of the figure: the mean over draws, P(met) and its Monte Carlo error."""

    value: float
    probability: float
    p_met_se: float
    target: float
    comparison: str

    @classmethod
    def of(cls, check: TargetCheck) -> Outcome:
        """From a run's target check."""
        return cls(check.value, check.probability, check.p_met_se, check.target, check.comparison)


@dataclass(frozen=True)
class Point:
    """The scenario with the figure at one value."""

    value: float | dict
    outcomes: dict[str, Outcome]
    backtest_miss: float | None  # largest |model − published| of the back-test's fitted figures (share); None: not run
    population_changed: bool


@dataclass(frozen=True)
class Row:
    """One fixed figure at the low end, as shipped and at the high end of its range."""

    figure: RangedFigure
    low: Point
    default: Point
    high: Point

    @property
    def points(self) -> tuple[Point, Point, Point]:
        """Low, default, high."""
        return self.low, self.default, self.high


@dataclass(frozen=True)
class FixedRanges:
    """The analysis: its rows and how they were computed."""

    scenario: str
    population: str
    draws: int
    seed: int
    rows: tuple[Row, ...]
    in_spread: tuple[RangedFigure, ...]  # figures with a range that is drawn through the organic growth
    spreads: tuple[ProjectionSpread, ...]  # rows that act through the projection's drawn spread: that spread
    noise_floor: Point  # every figure as shipped, the population regenerated from generator seed ``noise_seed``
    noise_seed: int
    complete: bool  # every fixed figure is a row (False: the rows asked for)
    seconds: float
    date: str
    machine: str
    python: str

    def as_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


def backtest_miss(sample: int | None = None) -> float:
    """The 2022 back-test's largest distance from the published figures it is fitted to (a share)."""
    _, checks = run_backtest(backtest_population(sample))
    return max(abs(c.distance) for c in checks if c.role == "fitted")


def _point(value: float, run: Run, miss: float | None, changed: bool) -> Point:
    return Point(value, {k: Outcome.of(run.targets[k]) for k in OUTPUTS}, miss, changed)


def fixed_ranges(
    scenario: Scenario,
    sample: int | None = None,
    figures: tuple[RangedFigure, ...] | None = None,
    backtest: bool = True,
    progress: Callable[[str], None] | None = None,
) -> FixedRanges:
    """``scenario`` with each fixed figure at the ends of its range, one at a time (module docstring).

    ``sample``: a weighted sample of this many households instead of all; ``figures``: instead of every fixed
    figure; ``backtest``: rerun the 2022 back-test at each value (off: ``backtest_miss`` is None).
    """
    say = progress or (lambda _: None)
    start = time.perf_counter()
    shipped_pop = population(sample)
    say(f"{scenario.name}: the verdict run as shipped")
    verdict = run_scenario(shipped_pop, scenario)
    draws = verdict.result.draws
    fixed = scenario.with_changes({"simulation.draws": draws, "simulation.max_standard_error": 0.0})
    shipped_miss = backtest_miss(sample) if backtest else None
    noise_seed = cal.generator_seed() + 1
    say(f"{scenario.name}: the population regenerated from seed {noise_seed}")
    noise_pop = population(sample, noise_seed)
    noise_changed = noise_pop.fingerprint != shipped_pop.fingerprint
    noise_floor = _point(float(noise_seed), run_scenario(noise_pop, fixed), None, noise_changed)
    rows = []
    every = fixed_ranged_figures()
    for figure in figures if figures is not None else every:
        ends = []
        for end, value in (("low", figure.low), ("high", figure.high)):
            say(f"{figure.key} at its {end} end" if isinstance(value, dict) else f"{figure.key} = {value:,.6g}")
            with figure_at(figure.key, value):
                pop = population(sample)
                changed = pop.fingerprint != shipped_pop.fingerprint
                run = run_scenario(pop if changed else shipped_pop, fixed)
                miss = backtest_miss(sample) if backtest else None
            ends.append(_point(value, run, miss, changed))
        rows.append(Row(figure, ends[0], _point(figure.value, verdict, shipped_miss, False), ends[1]))
    return FixedRanges(
        scenario=scenario.name,
        population=shipped_pop.label,
        draws=draws,
        seed=scenario.simulation.seed,
        rows=tuple(rows),
        in_spread=tuple(f for f in ranged_figures() if f.key in SPREAD_FIGURES),
        spreads=projection_spreads(),
        noise_floor=noise_floor,
        noise_seed=noise_seed,
        complete=figures is None or {f.key for f in figures} == {f.key for f in every},
        seconds=time.perf_counter() - start,
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        machine=platform.machine(),
        python=platform.python_version(),
    )
