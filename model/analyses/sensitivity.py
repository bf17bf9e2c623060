"""Which numbers matter: global sensitivity of N1, N2, N3 and the below-line share to every assumption and lever.

Two stages on the sweep runner (in this process or on Dask, model/sweep/runner.py), common random numbers at
every point:

1. **Morris screening** (SALib) over every factor: each assumption with a spread over its own drawing range
   around the scenario's value (model/engine/draws.py), each lever over its planning range
   (``parameters/sensitivity.toml``); μ* (mean absolute elementary effect, in the output's unit over the whole
   range of the factor), σ and μ*'s bootstrap confidence interval per output.
2. **Sobol'** (SALib, Saltelli's scheme) on the few factors that matter most in the screening (the largest μ*
   relative to each output's largest), everything else held at the scenario's values: first-order and total
   indices with bootstrap confidence intervals. It may run on a weighted sample of the households; the screening
   is then repeated on the sample and the two rankings are compared (``ranking_check``), so the sample is shown
   not to change which factors matter.

Every point runs with ``simulation.draw_assumptions = false`` (the design sets the assumptions), fixed draws and
the scenario's seed, to the end of 2023 (the outputs' year); an output's value at a point is its mean over the
draws, and its Monte Carlo standard error at the point (sd / √draws) is reported beside the indices.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.engine.draws import drawing_range
from model.engine.run import Run
from model.engine.targets import ASSESSMENT_YEAR
from model.schema import fieldspec
from model.schema.guard import stored_bytes, stored_json
from model.schema.scenario import SHARE_GROUPS, Scenario
from model.schema.text import BilingualError
from model.sweep.design import Factor, factor_from_dict
from model.sweep.identity import point_id
from model.sweep.populations import PopulationSource, label_of
from model.sweep.runner import Backend, evaluate_points, tasks_for

SETTINGS_PATH = Path(__file__).resolve().parents[1] / "parameters" / "sensitivity.toml"
RESULTS_DIR = Path(__file__).resolve().parents[2] / "out" / "sensitivity"  # where results are kept for the page
MAX_RESULT_BYTES = 5 * 1024 * 1024
OUTPUTS: tuple[str, ...] = ("N1", "N2", "N3", "below_line")
OUTPUT_LABELS = {
    "N1": ("生产经营性收入增幅（2023年）", "growth of production/operating income (2023)"),
    "N2": ("财产性收入增幅（2023年）", "growth of property income (2023)"),
    "N3": ("生产经营收入下降户占比（2023Q4，年度累计）", "share of households whose production income fell (2023Q4)"),
    "below_line": ("帮扶后低于监测线户占比（2023年）", "share below the monitoring line after assistance (2023)"),
}
CONFIDENCE = 0.95
MENTION_ST = 0.05  # a factor is named in the sentence from this total-order index on
RESAMPLES = 1_000
RESULT_VERSION = 1

Progress = Callable[[str, int, int], None]


# ------------------------------------------------------------------------------------------------ settings
@dataclass(frozen=True)
class Budget:
    """How many points and draws the analysis spends (defaults in ``parameters/sensitivity.toml``)."""

    trajectories: int
    levels: int
    draws: int
    sobol_factors: int
    base_samples: int
    sample_households: int
    seed: int
    end_quarter: str

    @property
    def as_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


@cache
def _settings() -> dict[str, Any]:
    with SETTINGS_PATH.open("rb") as fh:
        return tomllib.load(fh)


def default_budget() -> Budget:
    """The budget of ``parameters/sensitivity.toml``."""
    return Budget(**_settings()["budget"])


def lever_factors() -> tuple[Factor, ...]:
    """Every lever over its planning range, validated against the field's allowed range."""
    out = []
    for path, entry in _settings()["levers"].items():
        data = {"field": path, "name": path}
        if "values" in entry:
            data["values"] = list(entry["values"])
        else:
            data["min"], data["max"] = entry["range"]
        out.append(factor_from_dict(data, f"sensitivity.toml levers.{path}"))
    return tuple(out)


def lever_reason(path: str) -> str:
    """Why a lever's planning range is what it is."""
    return _settings()["levers"][path]["why"]


def assumption_factors(base: Scenario) -> tuple[Factor, ...]:
    """Every assumption with a spread, over its drawing range around the scenario's value (lags have none)."""
    values = base.assumptions.model_dump()
    out = []
    for spec in fieldspec.section_fields("assumptions"):
        if not spec.drawn:
            continue
        low, high = drawing_range(spec, float(values[spec.name]))
        if high > low:
            out.append(Factor(spec.path, (spec.path,), spec.type, low=low, high=high))
    return tuple(out)


def all_factors(base: Scenario) -> tuple[Factor, ...]:
    """The factors of the analysis: assumptions, then levers."""
    return assumption_factors(base) + lever_factors()


def point_settings(budget: Budget) -> dict[str, Any]:
    """What every point shares: assumptions set by the design, fixed draws, simulated to the outputs' year."""
    return {
        "simulation.draw_assumptions": False,
        "simulation.max_standard_error": 0.0,
        "simulation.draws": budget.draws,
        "simulation.end_quarter": budget.end_quarter,
    }


def point_scenario(base: Scenario, factors: Sequence[Factor], values: dict[str, Any]) -> Scenario:
    """The scenario of one point; shares that add up to 1 are the factors' weights over their group's sum."""
    changes: dict[str, Any] = {}
    for f in factors:
        changes.update(f.changes(values[f.name]))
    for section, (names, _, _) in SHARE_GROUPS.items():
        paths = [f"{section}.{n}" for n in names]
        if not any(p in changes for p in paths):
            continue
        weights = [float(changes.get(p, getattr(getattr(base, section), n))) for p, n in zip(paths, names, strict=True)]
        total = sum(weights)
        changes.update({p: w / total for p, w in zip(paths, weights, strict=True)})
    return base.with_changes(changes)


# ------------------------------------------------------------------------------------------------ measuring
@dataclass(frozen=True)
class OutputsMeasure:
    """The four outputs of a point: their mean over draws and the Monte Carlo standard error of that mean."""

    def __call__(self, run: Run) -> dict[str, Any]:
        """The row's output columns."""
        row: dict[str, Any] = {}
        for key in OUTPUTS:
            check = run.targets[key]
            row[key] = check.value
            row[f"{key}_se"] = check.sd / np.sqrt(check.draws)
        return row


def _problem(factors: Sequence[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def _noise(y: np.ndarray, se: np.ndarray) -> dict[str, dict[str, float]]:
    """Per output: the draws' standard error at a point (median, max) against the spread of the output over points."""
    return {
        key: {
            "point_se_median": float(np.median(se[:, j])),
            "point_se_max": float(np.max(se[:, j])),
            "output_sd_over_points": float(np.std(y[:, j], ddof=1)) if len(y) > 1 else 0.0,
        }
        for j, key in enumerate(OUTPUTS)
    }


def _stage(
    backend: Backend,
    population: PopulationSource,
    base: Scenario,
    factors: Sequence[Factor],
    unit: np.ndarray,
    stage: str,
    progress: Progress | None,
    analyze: Callable[[np.ndarray], dict],
    keys: tuple[str, ...],
) -> dict:
    """Evaluate a stage's unit-cube points and analyse each output: ``analyze(y)`` returns SALib's dict of ``keys``.

    A point's outputs are means over its draws, with their standard errors; a repeated point runs once.
    """
    start = time.perf_counter()
    columns = [f.from_unit(unit[:, j]) for j, f in enumerate(factors)]
    values = [dict(zip([f.name for f in factors], row, strict=True)) for row in zip(*columns, strict=True)]
    scenarios = [point_scenario(base, factors, v) for v in values]
    fingerprint = backend.fingerprint(population)
    tasks = tasks_for(((i, {}, s) for i, s in enumerate(scenarios)), fingerprint)
    rows = {}
    for done, row in evaluate_points(backend, population, tasks, OutputsMeasure()):
        rows[row["point_id"]] = row
        if progress is not None:
            progress(stage, done, len(tasks))
    ids = [point_id(s, fingerprint) for s in scenarios]
    y = np.array([[rows[i][k] for k in OUTPUTS] for i in ids], dtype=float)
    se = np.array([[rows[i][f"{k}_se"] for k in OUTPUTS] for i in ids], dtype=float)
    indices = {}
    for j, key in enumerate(OUTPUTS):
        res = analyze(y[:, j])
        indices[key] = [{"factor": f.name, **{k: float(res[k][i]) for k in keys}} for i, f in enumerate(factors)]
    return {
        "points": len(unit),
        "seconds": time.perf_counter() - start,
        "population": label_of(population),
        "indices": indices,
        "noise": _noise(y, se),
    }


def morris_stage(
    backend: Backend,
    population: PopulationSource,
    base: Scenario,
    factors: Sequence[Factor],
    budget: Budget,
    progress: Progress | None = None,
    stage: str = "morris",
) -> dict:
    """Morris screening: per output and factor μ*, its confidence interval, μ and σ (output units per range)."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    problem = _problem(factors)
    unit = morris_sample.sample(problem, budget.trajectories, num_levels=budget.levels, seed=budget.seed)

    def analyze(y: np.ndarray) -> dict:
        return morris_analyze.analyze(
            problem,
            unit,
            y,
            num_levels=budget.levels,
            conf_level=CONFIDENCE,
            num_resamples=RESAMPLES,
            seed=budget.seed,
        )

    keys = ("mu_star", "mu_star_conf", "mu", "sigma")
    out = _stage(backend, population, base, factors, unit, stage, progress, analyze, keys)
    return {**out, "trajectories": budget.trajectories, "levels": budget.levels}


def screened(morris: dict, count: int) -> list[str]:
    """The ``count`` factors that matter most: largest μ* relative to each output's largest, over the outputs."""
    score: dict[str, float] = {}
    for rows in morris["indices"].values():
        top = max((r["mu_star"] for r in rows), default=0.0)
        for r in rows:
            relative = r["mu_star"] / top if top > 0 else 0.0
            score[r["factor"]] = max(score.get(r["factor"], 0.0), relative)
    return sorted(score, key=lambda name: (-score[name], name))[:count]


def sobol_stage(
    backend: Backend,
    population: PopulationSource,
    base: Scenario,
    factors: Sequence[Factor],
    budget: Budget,
    progress: Progress | None = None,
) -> dict:
    """Sobol' first-order and total indices (with confidence intervals) of ``factors``, the rest held."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = _problem(factors)
    unit = sobol_sample.sample(problem, budget.base_samples, calc_second_order=False, seed=budget.seed)
    keys = ("S1", "S1_conf", "ST", "ST_conf")

    def analyze(y: np.ndarray) -> dict:
        if np.ptp(y) == 0:  # the factors do not move this output at all: every index is 0
            return {k: np.zeros(len(factors)) for k in keys}
        return sobol_analyze.analyze(
            problem, y, calc_second_order=False, num_resamples=RESAMPLES, conf_level=CONFIDENCE, seed=budget.seed
        )

    out = _stage(backend, population, base, factors, unit, "sobol", progress, analyze, keys)
    return {**out, "base_samples": budget.base_samples, "factors": [f.name for f in factors]}


def ranking_check(full: dict, sample: dict, selected: Sequence[str]) -> dict[str, dict]:
    """Does the sample rank the factors as the full population does? Spearman's ρ of μ* and the top sets."""
    out = {}
    for key in OUTPUTS:
        a = {r["factor"]: r["mu_star"] for r in full["indices"][key]}
        b = {r["factor"]: r["mu_star"] for r in sample["indices"][key]}
        names = sorted(a)
        rho = pd.Series([a[n] for n in names]).corr(pd.Series([b[n] for n in names]), method="spearman")
        top_full = sorted(names, key=lambda n: -a[n])[: len(selected)]
        top_sample = sorted(names, key=lambda n: -b[n])[: len(selected)]
        out[key] = {
            "spearman_mu_star": None if np.isnan(rho) else float(rho),
            "same_first": top_full[:1] == top_sample[:1],
            "top_overlap": len(set(top_full) & set(top_sample)),
        }
    return out


# ------------------------------------------------------------------------------------------------ the analysis
def factor_info(factors: Sequence[Factor]) -> list[dict]:
    """Each factor's role, range, unit and labels (for tables and the tornado chart)."""
    out = []
    for f in factors:
        spec = f.spec
        entry = {
            "factor": f.name,
            "role": f.role,
            "unit": spec.unit,
            "label_zh": spec.label_zh,
            "label_en": spec.label_en,
        }
        if f.listed:
            entry["values"] = list(f.values)
        else:
            entry["low"], entry["high"] = float(f.low), float(f.high)
        if f.role == "lever":
            entry["why"] = lever_reason(f.name)
            if spec.section in SHARE_GROUPS:
                entry["weight"] = True  # varied as a weight of its group (shares = weights / sum)
        out.append(entry)
    return out


def machine() -> dict[str, Any]:
    """Where the analysis ran."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def run_sensitivity(
    base: Scenario,
    population: PopulationSource,
    backend: Backend,
    budget: Budget | None = None,
    sample: PopulationSource | None = None,
    factors: Sequence[Factor] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Morris on every factor, then Sobol' on the few that matter; a JSON-ready result.

    ``sample`` (a weighted sample of ``population``) runs the Sobol' stage and a second screening whose ranking is
    compared with the full one; None runs Sobol' on ``population`` itself. ``factors`` defaults to every
    assumption and lever (:func:`all_factors`).
    """
    budget = budget or default_budget()
    point_base = base.with_changes(point_settings(budget))
    factors = tuple(factors) if factors is not None else all_factors(base)
    started = time.perf_counter()
    morris = morris_stage(backend, population, point_base, factors, budget, progress)
    selected = screened(morris, min(budget.sobol_factors, len(factors)))
    chosen = [f for f in factors if f.name in selected]
    result: dict[str, Any] = {
        "version": RESULT_VERSION,
        "scenario": base.name,
        "seed": base.simulation.seed,
        "year": ASSESSMENT_YEAR,
        "outputs": {k: {"label_zh": zh, "label_en": en} for k, (zh, en) in OUTPUT_LABELS.items()},
        "budget": budget.as_dict,
        "factors": factor_info(factors),
        "morris": morris,
        "selected": selected,
    }
    if sample is not None:
        sample_morris = morris_stage(backend, sample, point_base, factors, budget, progress, stage="morris-sample")
        result["morris_sample"] = {k: v for k, v in sample_morris.items() if k != "indices"}
        result["ranking_check"] = ranking_check(morris, sample_morris, selected)
    result["sobol"] = sobol_stage(
        backend, sample if sample is not None else population, point_base, chosen, budget, progress
    )
    result["seconds"] = time.perf_counter() - started
    result["machine"] = machine()
    result["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return result


def ranking(result: dict, output: str, index: str = "ST") -> list[dict]:
    """Factors by importance for ``output``: Sobol' ``index`` (ST or S1) of the selected ones, then the rest by μ*.

    Each row carries the factor's labels and unit, its Morris μ* (with CI) and, when it reached the Sobol' stage,
    its indices.
    """
    info = {f["factor"]: f for f in result["factors"]}
    morris = {r["factor"]: r for r in result["morris"]["indices"][output]}
    sobol = {r["factor"]: r for r in result["sobol"]["indices"][output]}
    rows = [{**info[name], **morris[name], **sobol.get(name, {})} for name in info]
    return sorted(rows, key=lambda r: (-(r.get(index) if r.get(index) is not None else -1.0), -r["mu_star"]))


def depends_mostly_on(result: dict, output: str, lang: str, count: int = 3) -> str:
    """The sentence the page and the report show: "N1 的结论主要取决于 … / N1's verdict depends mostly on …".

    Up to ``count`` factors by total-order index, those with an index of at least ``MENTION_ST`` (at least one).
    """
    rows = [r for r in ranking(result, output) if r.get("ST") is not None]
    named = [r for r in rows[:count] if r["ST"] >= MENTION_ST] or rows[:1]
    names = [r["label_zh"] if lang == "zh" else r["label_en"] for r in named]
    shares = [f"{max(r['ST'], 0.0):.0%}" for r in named]
    if lang == "zh":
        parts = "、".join(f"{n}（总效应 {s}）" for n, s in zip(names, shares, strict=True))
        return f"{output} 的结论主要取决于：{parts}。"
    parts = "; ".join(f"{n} (total effect {s})" for n, s in zip(names, shares, strict=True))
    return f"{output}'s verdict depends mostly on: {parts}."


def with_budget(budget: Budget, **changes: Any) -> Budget:
    """The budget with some settings changed (None leaves a setting as it is)."""
    return replace(budget, **{k: v for k, v in changes.items() if v is not None})


class SensitivityError(BilingualError):
    """A stored sensitivity result that cannot be read; the message is bilingual and names what is wrong."""


def _refuse(zh: str, en: str) -> SensitivityError:
    return SensitivityError(f"敏感性分析结果无法读取：{zh}", f"the sensitivity result cannot be read: {en}")


def parse_result(data: bytes) -> dict:
    """A stored result (the JSON :func:`run_sensitivity` returns), checked before anything reads it.

    Refuses, with a bounded bilingual message: too large a file, text that is not UTF-8 JSON, another version,
    missing parts, factors without their labels and unit, indices that are not finite numbers.
    """
    result = stored_json(data, MAX_RESULT_BYTES, RESULT_VERSION, _refuse)
    try:
        factors = {f["factor"] for f in result["factors"]}
        for f in result["factors"]:
            if not all(isinstance(f[k], str) and len(f[k]) <= 200 for k in ("label_zh", "label_en", "unit", "role")):
                raise TypeError
        for stage, keys in (("morris", ("mu_star", "mu_star_conf")), ("sobol", ("S1", "S1_conf", "ST", "ST_conf"))):
            for output in OUTPUTS:
                for row in result[stage]["indices"][output]:
                    if row["factor"] not in factors:
                        raise TypeError
                    values = [row[k] for k in keys]
                    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
                        raise TypeError
        for key in ("scenario", "date"):
            if not isinstance(result[key], str):
                raise TypeError
    except (KeyError, TypeError):
        raise _refuse("缺少部分内容或数值无效", "parts are missing or values are not finite numbers") from None
    return result


def read_result(path: Path) -> dict:
    """A stored result file, read and checked (:func:`parse_result`); an unreadable file is refused likewise."""
    return parse_result(stored_bytes(path, _refuse))


def stored_results(folder: Path | None = None) -> list[Path]:
    """The results kept in ``folder`` (default ``RESULTS_DIR``, where the command writes them), newest first."""
    folder = RESULTS_DIR if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
