"""Fixed assumptions with a range: the verdict with each at the low and the high end of its range, one at a time.

Most elicited assumptions are drawn in every verdict (``scenario_fields.toml`` ``spread``) and varied by the
global sensitivity analysis (model/analyses/sensitivity.py). A few figures of the parameter files state a range
(``half_width``, or ``low`` and ``high``) but are fixed in every run: neither drawn nor varied, so nothing showed
what their range does to a verdict. :func:`fixed_ranged_figures` finds them — every figure with a range, less
those whose range model/analyses/calibrate.py folds into the drawn spread of the projection's organic growth
(:data:`~model.analyses.calibrate.SPREAD_FIGURES`) — and :func:`fixed_ranges` reruns a scenario with each at
either end, the others as shipped, reporting N1, N2, N3 and their P(met) with its Monte Carlo error.

Conventions (docs/VALIDATION.md §4):

* **The calibration is held as shipped**, the usual one-at-a-time convention: ``[fitted]`` is not refitted at
  either end. The 2022 back-test is rerun at each end and its largest distance from the three published growth
  figures it is fitted to is reported, so a figure whose end would make the held fit incoherent shows it.
* **The population follows the figure**: the embedded population is regenerated at each end, so a figure the
  generator reads changes the households; the row says whether they changed.
* **Common random numbers**: every run uses the scenario's seed and the draws of the shipped verdict run.
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
from model.analyses.calibrate import SPREAD_FIGURES
from model.engine.run import Run, run_scenario
from model.engine.targets import TargetCheck
from model.population import synth
from model.population.table import Population
from model.schema import calibration as cal
from model.schema.scenario import Scenario

PARAMETERS_DIR = Path(__file__).resolve().parents[1] / "parameters"
OUTPUTS = ("N1", "N2", "N3")
# The embedded population's caches that read calibration figures: emptied whenever a figure is set.
_DERIVED_CACHES = (
    synth.default_population,
    synth.qujing_counties,
    synth.qujing_region,
    synth.county_household_counts,
)


@dataclass(frozen=True)
class RangedFigure:
    """A parameter-file figure with a stated range: its value, the ends of the range and its provenance."""

    key: str  # dotted, as calibration.toml's figures are named (``population.project_capital_per_mu``)
    file: str  # the parameter file's name
    value: float
    low: float
    high: float
    unit: str
    source: str
    note: str = ""


def _ranged(path: Path, table: dict[str, Any], prefix: str = "") -> Iterator[RangedFigure]:
    for name, entry in table.items():
        if not isinstance(entry, dict):
            continue
        key = f"{prefix}{name}"
        if "value" in entry and ("half_width" in entry or {"low", "high"} <= entry.keys()):
            value = float(entry["value"])
            if "half_width" in entry:
                low, high = value - entry["half_width"], value + entry["half_width"]
            else:
                low, high = float(entry["low"]), float(entry["high"])
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


def _forget_derived() -> None:
    for function in _DERIVED_CACHES:
        function.cache_clear()


@contextmanager
def figure_at(key: str, value: float) -> Iterator[None]:
    """Calibration figure ``key`` set to ``value`` inside the block (the population regenerated with it).

    The fitted rates are refused: the scenario schema's defaults and spreads are built from them once. The figure
    is set in the process's cached calibration, so this is for the command line and tests, not a page's server.
    """
    if key.startswith("fitted."):
        raise ValueError(f"{key}: a fitted figure is set by python -m model calibrate, not here")
    table = cal.figures()
    if key not in table:
        raise ValueError(f"{key} is not a figure of {cal.CALIBRATION_PATH.name}")
    shipped = table[key]
    table[key] = replace(shipped, value=round(value) if isinstance(shipped.value, int) else value)
    _forget_derived()
    try:
        yield
    finally:
        table[key] = shipped
        _forget_derived()


def population(sample: int | None = None) -> Population:
    """The embedded population as the calibration now stands, or a weighted sample of ``sample`` households."""
    return synth.default_population() if sample is None else synth.sample_population(sample)


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

    value: float
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
    rows = []
    for figure in figures if figures is not None else fixed_ranged_figures():
        ends = []
        for value in (figure.low, figure.high):
            say(f"{figure.key} = {value:,.6g}")
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
        seconds=time.perf_counter() - start,
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        machine=platform.machine(),
        python=platform.python_version(),
    )
