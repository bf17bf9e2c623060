"""Goal seeking: the least value of one lever that meets a 2023 target with the planner's required probability.

Targets (``TARGETS``; the indicator is computed per draw, the probability of meeting is its mean over draws):

- ``N1``: 2023 city growth of production income ≥ level (default 0.20, share).
- ``N2``: 2023 city growth of property income ≥ level (default 0.18, share).
- ``N3``: city share of households whose year-to-date production income fell, in 2023's worst quarter, ≤ level
  (default ``targets.falling_share_max``, share 0–1).
- ``N4``: no county under “五单式” management: every county's average points lost per quarter in 2023 stays
  below level (default ``targets.wudan_points_threshold``, points per quarter).
- ``no_county_loses_points``: every county's average points lost per quarter in 2023 ≤ level (default 0 points).
  With the notice's rule (points for each percentage point above the *city* share, which is the households'
  average of the county shares) some county is above the city share in practically every draw, so level 0 is
  out of reach whatever the levers; a planner can ask for a small level instead (e.g. 0.5 points per quarter).

Levers (``LEVERS``; range and tolerance from the scenario schema, the tolerance is the field's step):

- ``dual_binding_coverage``: ``dual_binding.coverage_target`` (share 0–1 of willing households, step 0.01).
- ``industry_share_central``: ``funds.industry_share_central`` (share 0–1, step 0.01).
- ``industry_share``: the industry shares of central, provincial and city/county funds set to one value.
- ``central_funds``: ``funds.central_10k_yuan`` (万元 per year, step 1,000).
- ``microcredit``: ``microcredit.new_lending_10k_yuan`` (万元 per year, step 500).
- ``households_per_million_yuan``: ``linking.households_per_million_yuan`` (households per million yuan, step 0.5).

Every target is about 2023, so each evaluation simulates 2023Q1–2023Q4 only (the engine's 2023 numbers do not
depend on the horizon, checked in tests), with the scenario's seed, so random numbers are common to all
evaluations. The solver is a bisection on the lever's grid of steps: it returns a value that meets the target and
a value one step lower that does not, on the same draws. If the probability is not monotone in the lever, the
value is *a* threshold, not necessarily the least one. A coarser draw count may be used for the search
(``search_draws``); the answer is then re-bracketed at the scenario's draws, so the final claim is always made at
the scenario's draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model.engine.result import SimulationResult
from model.population.table import Population
from model.schema import fieldspec
from model.schema.budget import check_work_budget
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import Scenario
from model.schema.units import unit_text
from model.sweep.design import Design, Factor
from model.sweep.runner import Backend, InProcess, evaluate_frame, simulate_point

ASSESSMENT_YEAR = 2023
Q4 = f"{ASSESSMENT_YEAR}Q4"
LOSING_EXCESS_PP = 0.0  # a county "loses points" (allocation) when its expected 2023 excess over the city is above

Runner = Callable[[Scenario], SimulationResult]
Progress = Callable[[float, str], None]


class SeekError(ValueError):
    """A target or lever name the solver does not know, or a level it cannot use."""


# ------------------------------------------------------------------------------------------------ targets
def _quarters_2023(result: SimulationResult) -> list[int]:
    return [result.quarters.index(f"{ASSESSMENT_YEAR}Q{k}") for k in range(1, 5)]


def mean_points_2023(result: SimulationResult) -> np.ndarray:
    """Average points lost per quarter in 2023, county × draw (the N4 rule's measure)."""
    return result.mean_points([f"{ASSESSMENT_YEAR}Q{k}" for k in range(1, 5)])


@dataclass(frozen=True)
class SeekTarget:
    """A target as data: a per-draw indicator and its default level."""

    key: str
    label_zh: str
    label_en: str
    unit: str
    comparison: str
    indicator: Callable[[SimulationResult], np.ndarray]
    default_level: Callable[[Scenario], float]
    note_zh: str = ""
    note_en: str = ""

    def label(self, lang: str) -> str:
        """The target's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en

    def success(self, result: SimulationResult, level: float) -> np.ndarray:
        """Per draw, whether the target is met at ``level``."""
        x = self.indicator(result)
        if self.comparison == ">=":
            return x >= level - 1e-12
        return x < level if self.comparison == "<" else x <= level + 1e-12


TARGETS: dict[str, SeekTarget] = {
    t.key: t
    for t in (
        SeekTarget(
            "N1",
            "2023年生产经营性收入增幅",
            "2023 growth of production income",
            "share, year on year",
            ">=",
            lambda r: r.growth("production", ASSESSMENT_YEAR),
            lambda s: 0.20,
        ),
        SeekTarget(
            "N2",
            "2023年财产性收入增幅",
            "2023 growth of property income",
            "share, year on year",
            ">=",
            lambda r: r.growth("property", ASSESSMENT_YEAR),
            lambda s: 0.18,
        ),
        SeekTarget(
            "N3",
            "2023年全市生产经营收入下降户占比(最高季度)",
            "City share of households with falling production income, 2023's worst quarter",
            "share 0–1 of households",
            "<=",
            lambda r: r.city_falling[_quarters_2023(r)].max(axis=0),
            lambda s: s.targets.falling_share_max,
        ),
        SeekTarget(
            "N4",
            "无县纳入“五单式”管理(2023年季度平均扣分低于阈值)",
            "No county under five-list management (2023 average points lost per quarter below the threshold)",
            "分/季度 (points per quarter)",
            "<",
            lambda r: mean_points_2023(r).max(axis=0),
            lambda s: s.targets.wudan_points_threshold,
        ),
        SeekTarget(
            "no_county_loses_points",
            "各县2023年季度平均扣分不超过给定值",
            "Every county's 2023 average points lost per quarter at most the level",
            "分/季度 (points per quarter)",
            "<=",
            lambda r: mean_points_2023(r).max(axis=0),
            lambda s: 0.0,
            note_zh="按通知规则，高于全市占比的县每高1个百分点扣0.5分；全市占比是各县的平均，几乎总有县高于它，"
            "所以“所有县都不扣分”在任何政策下都达不到，可改为允许一个小的扣分值（如0.5分/季度）。",
            note_en="Under the notice's rule a county loses 0.5 points per percentage point above the city "
            "share, and the city share is the average of the counties, so some county is almost always "
            "above it: “no county loses any points” cannot be reached by any policy. Ask for a small "
            "level instead (e.g. 0.5 points per quarter).",
        ),
    )
}


# ------------------------------------------------------------------------------------------------ levers
@dataclass(frozen=True)
class Lever:
    """A lever as data: the scenario fields it sets, its range, tolerance and the notice's floor."""

    name: str
    paths: tuple[str, ...]
    floor: float | None = None

    @property
    def spec(self) -> fieldspec.FieldSpec:
        """The first field's spec (unit, labels, step)."""
        return fieldspec.by_path()[self.paths[0]]

    @property
    def low(self) -> float:
        """Least allowed value (intersection of the fields' ranges)."""
        return max(float(fieldspec.by_path()[p].min) for p in self.paths)

    @property
    def high(self) -> float:
        """Largest allowed value."""
        return min(float(fieldspec.by_path()[p].max) for p in self.paths)

    @property
    def tolerance(self) -> float:
        """The solver's resolution, in the lever's unit: the field's step."""
        return float(self.spec.step)

    @property
    def unit(self) -> str:
        """The lever's unit."""
        return self.spec.unit

    def label(self, lang: str) -> str:
        """The lever's label in ``lang``."""
        if len(self.paths) > 1:
            return "各级衔接资金用于产业比重(同时调整)" if lang == "zh" else "Industry share of all funds (together)"
        return self.spec.label(lang)

    def steps(self) -> int:
        """Number of steps from ``low`` to ``high``."""
        return round((self.high - self.low) / self.tolerance)

    def value_at(self, k: int) -> float:
        """The lever's value at grid step ``k`` (rounded to the step's decimals)."""
        decimals = max(0, -int(np.floor(np.log10(self.tolerance)))) + 2
        return round(min(self.low + k * self.tolerance, self.high), decimals)

    def current(self, scenario: Scenario) -> float:
        """The lever's value in ``scenario`` (the first field's)."""
        return float(scenario.value(self.paths[0]))

    def apply(self, scenario: Scenario, value: float) -> Scenario:
        """``scenario`` with the lever set to ``value``."""
        return scenario.with_changes({p: float(value) for p in self.paths})


LEVERS: dict[str, Lever] = {
    lv.name: lv
    for lv in (
        Lever("dual_binding_coverage", ("dual_binding.coverage_target",), floor=1.0),
        Lever("industry_share_central", ("funds.industry_share_central",), floor=0.60),
        Lever(
            "industry_share",
            ("funds.industry_share_central", "funds.industry_share_provincial", "funds.industry_share_city_county"),
            floor=0.60,
        ),
        Lever("central_funds", ("funds.central_10k_yuan",)),
        Lever("microcredit", ("microcredit.new_lending_10k_yuan",), floor=55_000),
        Lever("households_per_million_yuan", ("linking.households_per_million_yuan",), floor=10),
    )
}


def get_target(name: str) -> SeekTarget:
    """The target called ``name``, or a :class:`SeekError` listing the allowed names."""
    if name not in TARGETS:
        raise SeekError(f"unknown target {name!r}; allowed: {', '.join(TARGETS)}")
    return TARGETS[name]


def get_lever(name: str) -> Lever:
    """The lever called ``name``, or a :class:`SeekError` listing the allowed names."""
    if name not in LEVERS:
        raise SeekError(f"unknown lever {name!r}; allowed: {', '.join(LEVERS)}")
    return LEVERS[name]


# ------------------------------------------------------------------------------------------------ evaluation
def seek_scenario(scenario: Scenario, draws: int | None = None) -> Scenario:
    """The scenario as the solver simulates it: 2023 only, at fixed draws (optionally fewer).

    The draws stay fixed (no growth to a standard-error target): every evaluation of the search must see the same
    draws, or the bisection would compare probabilities of different samples.
    """
    changes: dict = {
        "simulation.start_quarter": "2023Q1",
        "simulation.end_quarter": Q4,
        "simulation.max_standard_error": 0.0,
    }
    if draws is not None:
        changes["simulation.draws"] = int(draws)
    return scenario.with_changes(changes)


def default_runner(pop: Population) -> Runner:
    """Simulate on ``pop`` in this process without a cache (the sweep runner's one engine call)."""
    return lambda s: simulate_point(pop, s, InProcess.engine_threads).result


def probability_of(target: SeekTarget, result: SimulationResult, level: float) -> float:
    """Share of draws meeting the target."""
    return float(target.success(result, level).mean())


@dataclass(frozen=True)
class Evaluation:
    """One simulated lever value."""

    value: float
    probability: float
    draws: int


@dataclass(frozen=True)
class SeekResult:
    """The answer of :func:`seek`.

    ``status``: "found" (``value`` meets, ``value - tolerance`` does not), "minimum_meets" (the lever's least
    value already meets), "none_in_range" (even the largest value fails; ``best_probability`` says how close).
    """

    target: str
    lever: str
    level: float
    required_probability: float
    status: str
    value: float | None
    tolerance: float
    probability: float | None
    value_below: float | None
    probability_below: float | None
    best_value: float
    best_probability: float
    draws: int
    evaluations: list[Evaluation] = field(default_factory=list)

    @property
    def met_in_range(self) -> bool:
        """True when some value in the lever's range meets the target."""
        return self.status != "none_in_range"

    def message(self, lang: str = "zh") -> str:
        """The answer in one or two plain sentences, with units."""
        target, lever = TARGETS[self.target], LEVERS[self.lever]

        def shown(value: float | None) -> str:
            return _with_unit(value, lever.unit, lang)

        tl, ll = target.label(lang), lever.label(lang)
        req = f"{self.required_probability:.0%}"
        goal = f"{tl} {target.comparison} {_show_level(target, self.level)}"
        zh = lang == "zh"
        if self.status == "found":
            text = (
                (
                    f"「{ll}」至少需要 {shown(self.value)}，才能以不低于 {req} 的概率达到「{goal}」："
                    f"该值下概率 {self.probability:.0%}，低一档（{shown(self.value_below)}）时为 "
                    f"{self.probability_below:.0%}。其他设置不变，{self.draws} 次抽样。"
                )
                if zh
                else (
                    f"{ll} must be at least {shown(self.value)} to meet “{goal}” with probability ≥ {req}: "
                    f"{self.probability:.0%} there, {self.probability_below:.0%} one step lower "
                    f"({shown(self.value_below)}). Everything else held; {self.draws} draws."
                )
            )
        elif self.status == "minimum_meets":
            text = (
                (
                    f"「{ll}」取最小值 {shown(self.value)} 时已以 {self.probability:.0%}（要求 {req}）的概率"
                    f"达到「{goal}」；这个杠杆不是约束。"
                )
                if zh
                else (
                    f"Even the least value of {ll}, {shown(self.value)}, meets “{goal}” with probability "
                    f"{self.probability:.0%} (required {req}): this lever does not bind."
                )
            )
        else:
            text = (
                (
                    f"在允许范围内（最大 {shown(lever.high)}），「{ll}」的任何取值都不能以 {req} 的概率达到"
                    f"「{goal}」；最高概率为 {self.best_probability:.0%}（{shown(self.best_value)}）。"
                )
                if zh
                else (
                    f"No value of {ll} in its allowed range (up to {shown(lever.high)}) meets “{goal}” with "
                    f"probability {req}; the best reached is {self.best_probability:.0%} (at "
                    f"{shown(self.best_value)})."
                )
            )
        note = target.note_zh if zh else target.note_en
        if note and self.status == "none_in_range":
            text += (" " if not zh else "") + note
        return text

    def as_dict(self) -> dict:
        """JSON-ready dict, with the message in both languages."""
        return {
            "target": self.target,
            "lever": self.lever,
            "level": self.level,
            "required_probability": self.required_probability,
            "status": self.status,
            "value": self.value,
            "unit": LEVERS[self.lever].unit,
            "tolerance": self.tolerance,
            "probability": self.probability,
            "value_below": self.value_below,
            "probability_below": self.probability_below,
            "best_value": self.best_value,
            "best_probability": self.best_probability,
            "draws": self.draws,
            "evaluations": [e.__dict__ for e in self.evaluations],
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
        }


def _show(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit.startswith("share"):
        return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def _with_unit(value: float | None, unit: str, lang: str) -> str:
    """Shares as percentages (their unit is then implied), other values followed by their unit in ``lang``."""
    return _show(value, unit) if unit.startswith("share") else f"{_show(value, unit)} {unit_text(unit, lang)}"


def _show_level(target: SeekTarget, level: float) -> str:
    return f"{level:.0%}" if target.unit.startswith("share") else f"{level:g}"


class _Prober:
    """Evaluates lever steps at one draw count, remembering every answer."""

    def __init__(
        self,
        scenario: Scenario,
        lever: Lever,
        target: SeekTarget,
        level: float,
        required: float,
        runner: Runner,
        draws: int,
        log: list[Evaluation],
        on_eval: Callable[[], None],
    ):
        self.base = seek_scenario(scenario, draws)
        self.lever, self.target, self.level, self.required = lever, target, level, required
        self.runner, self.draws, self.log, self.on_eval = runner, draws, log, on_eval
        self.cache: dict[int, float] = {}

    def probability(self, k: int) -> float:
        if k not in self.cache:
            value = self.lever.value_at(k)
            result = self.runner(self.lever.apply(self.base, value))
            self.cache[k] = probability_of(self.target, result, self.level)
            self.log.append(Evaluation(value, self.cache[k], self.draws))
            self.on_eval()
        return self.cache[k]

    def meets(self, k: int) -> bool:
        return self.probability(k) >= self.required - 1e-12


def _bisect(prober: _Prober, lo: int, hi: int) -> int:
    """Least-ish step in (lo, hi] that meets, given lo fails and hi meets."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if prober.meets(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _rebracket(prober: _Prober, guess: int, top: int) -> int | None:
    """Around ``guess``, a step that meets with the step below failing (or 0 meeting); None if top fails."""
    if prober.meets(guess):
        width, hi = 1, guess
        while hi > 0:
            lo = max(hi - width, 0)
            if not prober.meets(lo):
                return _bisect(prober, lo, hi)
            if lo == 0:
                return 0
            hi, width = lo, width * 2
        return 0
    width, lo = 1, guess
    while lo < top:
        hi = min(lo + width, top)
        if prober.meets(hi):
            return _bisect(prober, lo, hi)
        lo, width = hi, width * 2
    return None


def seek(
    pop: Population,
    scenario: Scenario,
    target: str,
    lever: str,
    *,
    required_probability: float | None = None,
    level: float | None = None,
    search_draws: int | None = None,
    runner: Runner | None = None,
    progress: Progress | None = None,
) -> SeekResult:
    """The least value of ``lever`` meeting ``target`` with ``required_probability``, all else held.

    ``runner`` simulates a scenario (the page passes its cache); ``progress(fraction, text)`` is called after
    each evaluation. ``search_draws`` (< scenario draws) makes the bisection cheaper; the result is then checked
    and re-bracketed at the scenario's draws.
    """
    tgt, lv = get_target(target), get_lever(lever)
    required = scenario.targets.required_probability if required_probability is None else float(required_probability)
    if not 0 <= required <= 1:
        raise SeekError(f"required probability {required} is outside 0–1")
    lvl = tgt.default_level(scenario) if level is None else float(level)
    runner = runner or default_runner(pop)
    draws = scenario.simulation.draws
    log: list[Evaluation] = []
    budget = 2 + int(np.ceil(np.log2(max(lv.steps(), 2)))) + (6 if search_draws else 0)
    check_work_budget(seek_scenario(scenario), pop.n, points=budget)

    def tick() -> None:
        if progress:
            progress(min(len(log) / budget, 0.99), f"{log[-1].value:g}: {log[-1].probability:.0%}")

    def done(status: str, k: int | None, full: _Prober) -> SeekResult:
        ks = sorted(full.cache)
        best_k = max(ks, key=lambda j: (full.cache[j], -j))
        below = None if k in (None, 0) else k - 1
        if below is not None:
            full.probability(below)
        if progress:
            progress(1.0, "")
        return SeekResult(
            target=tgt.key,
            lever=lv.name,
            level=lvl,
            required_probability=required,
            status=status,
            value=None if k is None else lv.value_at(k),
            tolerance=lv.tolerance,
            probability=None if k is None else full.cache[k],
            value_below=None if below is None else lv.value_at(below),
            probability_below=None if below is None else full.cache[below],
            best_value=lv.value_at(best_k),
            best_probability=full.cache[best_k],
            draws=draws,
            evaluations=log,
        )

    full = _Prober(scenario, lv, tgt, lvl, required, runner, draws, log, tick)
    top = lv.steps()
    coarse = search_draws is not None and search_draws < draws
    probe = _Prober(scenario, lv, tgt, lvl, required, runner, int(search_draws), log, tick) if coarse else full
    if not probe.meets(top):
        guess = top
    elif probe.meets(0):
        guess = 0
    else:
        guess = _bisect(probe, 0, top)
    if not coarse:
        if guess == top and not full.meets(top):
            return done("none_in_range", None, full)
        return done("minimum_meets" if guess == 0 else "found", guess, full)
    k = _rebracket(full, guess, top)
    if k is None:
        return done("none_in_range", None, full)
    return done("minimum_meets" if k == 0 else "found", k, full)


# ------------------------------------------------------------------------------------------------ frontier
@dataclass(frozen=True)
class SeekProbability:
    """The sweep runner's measure for the frontier: the share of draws meeting one target at one level."""

    target: str
    level: float

    def __call__(self, run) -> dict[str, float]:
        """``{"probability": P(met)}`` of one run."""
        return {"probability": probability_of(TARGETS[self.target], run.result, self.level)}


def _grid_factor(lever: Lever, values: list[float]) -> Factor:
    return Factor(lever.name, lever.paths, "float", values=tuple(dict.fromkeys(values)))


def frontier(
    pop: Population,
    scenario: Scenario,
    target: str,
    lever_x: str,
    lever_y: str,
    *,
    points: int = 5,
    draws: int | None = None,
    required_probability: float | None = None,
    level: float | None = None,
    backend: Backend | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Probability of meeting ``target`` on a ``points × points`` grid over two levers' ranges.

    The grid is a sweep design evaluated by the sweep runner: in this process by default (the page's small
    grids), on a Dask cluster with ``backend=OnDask(client)``. One row per cell: x, y (lever values),
    probability, met (≥ required), draws. ``draws`` may be fewer than the scenario's to keep the grid affordable;
    it is recorded in every row so the chart can say so.
    """
    tgt, lx, ly = get_target(target), get_lever(lever_x), get_lever(lever_y)
    if lx.name == ly.name or set(lx.paths) & set(ly.paths):
        raise SeekError(f"levers {lever_x!r} and {lever_y!r} set the same field; choose two different levers")
    if not 2 <= points <= 12:
        raise SeekError(f"frontier points {points} outside 2–12")
    required = scenario.targets.required_probability if required_probability is None else float(required_probability)
    lvl = tgt.default_level(scenario) if level is None else float(level)
    base = seek_scenario(scenario, draws)
    check_work_budget(base, pop.n, points=points**2)
    xs = [lx.value_at(round(k)) for k in np.linspace(0, lx.steps(), points)]
    ys = [ly.value_at(round(k)) for k in np.linspace(0, ly.steps(), points)]
    design = Design(base=base, factors=(_grid_factor(ly, ys), _grid_factor(lx, xs)), method="grid", name="frontier")
    cells = evaluate_frame(
        backend or InProcess(),
        pop,
        ((p.index, p.values, p.scenario) for p in design.design_points()),
        SeekProbability(tgt.key, lvl),
        progress=None if progress is None else lambda done, total: progress(done / total, ""),
    )
    return pd.DataFrame(
        {
            "target": tgt.key,
            "level": lvl,
            "lever_x": lx.name,
            "x": cells[lx.name].astype(float),
            "lever_y": ly.name,
            "y": cells[ly.name].astype(float),
            "probability": cells["probability"],
            "met": cells["probability"] >= required - 1e-12,
            "required_probability": required,
            "draws": base.simulation.draws,
        }
    )


# ------------------------------------------------------------------------------------------------ allocation
def proportional_shares(pop: Population) -> np.ndarray:
    """The default split: each county's share of (weighted) households."""
    households = pop.households_by_county()
    return households / households.sum()


def county_table(result: SimulationResult, shares: np.ndarray) -> pd.DataFrame:
    """Per county: fund share, 2023 production growth, 2023Q4 falling share, points lost, 五单式 flag.

    Because draws scatter every county around the city share, each county loses *some* points in some draws;
    "loses_points" therefore means the county sits above the city share on average over 2023 and the draws
    (expected excess > ``LOSING_EXCESS_PP`` percentage points), the systematic losers a split can help.
    """
    points = mean_points_2023(result)
    q = _quarters_2023(result)
    excess_pp = ((result.county_falling[:, q] - result.city_falling[None, q]) * 100).mean(axis=(1, 2))
    i = result.quarters.index(Q4)
    flags = result.wudan_over([f"{ASSESSMENT_YEAR}Q{k}" for k in range(1, 5)])
    rows = []
    for c, name in enumerate(COUNTIES):
        flagged = flags[c]
        rows.append(
            {
                "county": name,
                "county_en": fieldspec.COUNTY_NAMES_EN[name],
                "share": float(shares[c]),
                "production_growth_2023": float(result.growth("production", ASSESSMENT_YEAR, c).mean()),
                "falling_share_2023q4": float(result.county_falling[c, i].mean()),
                "excess_pp_2023": float(excess_pp[c]),
                "points_lost_2023": float(points[c].mean()),
                "loses_points": bool(excess_pp[c] > LOSING_EXCESS_PP),
                "wudan_probability": float(flagged.mean()),
                "wudan": bool(flagged.mean() >= 0.5),
            }
        )
    return pd.DataFrame(rows)


def _score(table: pd.DataFrame) -> tuple[int, float]:
    return int(table["loses_points"].sum()), float(table["points_lost_2023"].sum())


def _shares_dict(shares: np.ndarray) -> dict[str, float]:
    rounded = np.round(shares, 6)
    rounded[int(np.argmax(rounded))] += 1 - rounded.sum()
    return {c: float(v) for c, v in zip(COUNTIES, rounded, strict=True)}


@dataclass(frozen=True)
class AllocationResult:
    """Default (proportional) vs proposed county split and what each county gains or loses."""

    default_shares: np.ndarray
    proposed_shares: np.ndarray
    default: pd.DataFrame
    proposed: pd.DataFrame
    rounds: int
    evaluations: int

    @property
    def counties_losing_default(self) -> int:
        """Counties above the city share on average in 2023 with the default split."""
        return int(self.default["loses_points"].sum())

    @property
    def counties_losing_proposed(self) -> int:
        """The same with the proposed split."""
        return int(self.proposed["loses_points"].sum())

    def proposed_scenario(self, scenario: Scenario) -> Scenario:
        """``scenario`` with the proposed split in ``funds.county_shares`` (empty when no change was kept).

        Empty means "in proportion to households", exactly what the default run used; writing the rounded shares
        instead could move a county's reach across a household and change the numbers slightly.
        """
        if self.rounds == 0:
            return scenario.with_changes({"funds.county_shares": {}})
        return scenario.with_changes({"funds.county_shares": _shares_dict(self.proposed_shares)})

    def comparison(self) -> pd.DataFrame:
        """One row per county: default, proposed and the change for each measure."""
        d, p = self.default.set_index("county"), self.proposed.set_index("county")
        out = pd.DataFrame({"county_en": d["county_en"]})
        for col in (
            "share",
            "production_growth_2023",
            "falling_share_2023q4",
            "excess_pp_2023",
            "points_lost_2023",
            "wudan_probability",
        ):
            out[f"{col}_default"] = d[col]
            out[f"{col}_proposed"] = p[col]
            out[f"{col}_change"] = p[col] - d[col]
        out["wudan_default"], out["wudan_proposed"] = d["wudan"], p["wudan"]
        return out.reset_index()


def propose_county_split(
    pop: Population,
    scenario: Scenario,
    *,
    rounds: int = 4,
    step: float = 0.3,
    floor_ratio: float = 0.5,
    runner: Runner | None = None,
    progress: Progress | None = None,
) -> AllocationResult:
    """A county split of the funds that cuts the counties losing points, compared with the proportional split.

    Rule (deterministic, explainable): start from shares in proportion to households; each round move a fraction
    ``step`` of the share of the counties that lose no points to the counties that do, in proportion to their
    points lost, keeping every county at least ``floor_ratio`` of its proportional share. A round is kept only if
    it lowers (number of counties losing points, total points lost) — so the proposal never has more counties
    losing points than the default on the same draws; otherwise the step is halved. ``funds.county_shares`` splits
    every programme (the engine has one county table), so the proposal moves all programmes together.
    """
    runner = runner or default_runner(pop)
    base = seek_scenario(scenario.with_changes({"funds.county_shares": {}}))
    default_shares = proportional_shares(pop)
    floor = floor_ratio * default_shares
    evaluations = 0

    def evaluate(shares: np.ndarray) -> pd.DataFrame:
        nonlocal evaluations
        s = base if shares is default_shares else base.with_changes({"funds.county_shares": _shares_dict(shares)})
        evaluations += 1
        if progress:
            progress(min(evaluations / (rounds + 1), 1.0), "")
        return county_table(runner(s), shares)

    default_table = evaluate(default_shares)
    best_shares, best_table, kept = default_shares, default_table, 0
    for _ in range(rounds):
        points = best_table["points_lost_2023"].to_numpy()
        losing = best_table["loses_points"].to_numpy()
        if not losing.any() or losing.all():
            break
        donors = np.maximum(best_shares - floor, 0) * ~losing
        moved = step * donors.sum()
        if moved <= 1e-9:
            break
        candidate = best_shares - step * donors + moved * np.where(losing, points, 0) / points[losing].sum()
        candidate = candidate / candidate.sum()
        table = evaluate(candidate)
        if _score(table) < _score(best_table):
            best_shares, best_table, kept = candidate, table, kept + 1
        else:
            step /= 2
    if progress:
        progress(1.0, "")
    return AllocationResult(
        default_shares,
        np.array(list(_shares_dict(best_shares).values())),
        default_table,
        best_table if best_shares is not default_shares else default_table,
        kept,
        evaluations,
    )
