"""Sweep designs: which scenario fields vary, over which ranges, sampled by which method.

A design file (TOML, ``designs/*.toml``) is versioned and validated like a scenario file; every refusal names the
key, the value and what is allowed, in Chinese and English::

    design_version = 1
    name = "notice_lhs64"
    description = "..."
    base = "../scenarios/notice_2023.toml"   # the base scenario, relative to the design file
    method = "lhs"                          # grid | lhs | morris | sobol
    points = 64                             # lhs: number of points
    seed = 1                                # the sampling seed (not the scenario's random seed)

    [settings]                              # fixed changes to the base, the same for every point
    "simulation.draws" = 32

    [[vary]]                                # one factor per [[vary]] table
    field = "microcredit.new_lending_10k_yuan"
    min = 40000                             # a range within the field's allowed range
    max = 120000

    [[vary]]
    field = "dual_binding.target_quarter"   # a quarter field: an ordered list of quarters (or min/max quarters)
    values = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]

    [[vary]]
    name = "industry_share"                 # several fields set to one value together
    fields = ["funds.industry_share_central", "funds.industry_share_provincial"]
    min = 0.5
    max = 0.9

Methods: ``grid`` (every combination; a numeric factor needs ``levels``, or ``values``), ``lhs`` (Latin
hypercube of ``points`` points), ``morris`` (SALib's Morris design: ``trajectories`` r and ``levels`` p, r·(k+1)
points) and ``sobol`` (SALib's Saltelli/Sobol' design: ``base_samples`` N, N·(k+2) points, N·(2k+2) with
``second_order = true``). The sampling methods draw a unit cube that each factor maps to its range: a numeric
factor linearly (rounded to a hundredth of the field's step, integers to whole numbers), a listed factor by
cutting [0, 1) into equal parts, one per value, in the listed order.
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.schema import fieldspec
from model.schema.scenario import (
    QUARTER_RE,
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    quarter_index,
    quarter_label,
)

DESIGN_VERSION = 1
METHODS = ("grid", "lhs", "morris", "sobol")
METHOD_KEYS = {
    "grid": (),
    "lhs": ("points", "seed"),
    "morris": ("trajectories", "levels", "seed"),
    "sobol": ("base_samples", "second_order", "seed"),
}
COMMON_KEYS = ("design_version", "name", "description", "base", "settings", "vary", "method")
VARY_KEYS = ("name", "field", "fields", "min", "max", "values", "levels")
VARIABLE_TYPES = ("float", "int", "quarter", "bool")
MAX_FACTORS = 20
MAX_POINTS = 20_000
MAX_VALUES = 200
MAX_LEVELS = 100
MAX_NAME = 80
MAX_DESCRIPTION = 2_000
FACTOR_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.")


class DesignError(ScenarioError):
    """A design file or value was refused; ``problems`` says why, key by key, in Chinese and English."""


def _refuse(key: str, value: Any, zh: str, en: str) -> DesignError:
    """A design error with one problem."""
    return DesignError([_problem(key, value, zh, en)])


def _problem(key: str, value: Any, zh: str, en: str) -> Problem:
    """A refusal of ``key``; the value (shortened) leads the message when there is one."""
    if value is None:
        return Problem(key, value, "custom", f"{zh}|{en}")
    shown = json.dumps(value, ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return Problem(key, value, "custom", f"值 {shown}：{zh}|value {shown}: {en}")


# -------------------------------------------------------------------------------------------------- factors
@dataclass(frozen=True)
class Factor:
    """One varied quantity: the scenario field(s) it sets and the values it may take.

    Numeric factors have ``low``/``high`` (and ``levels`` for a grid); listed factors have ``values`` in order
    (quarters, true/false, or listed numbers).
    """

    name: str
    paths: tuple[str, ...]
    type: str
    low: float | None = None
    high: float | None = None
    values: tuple | None = None
    levels: int | None = None

    @property
    def spec(self) -> fieldspec.FieldSpec:
        """The first field's spec (unit, labels, step)."""
        return fieldspec.by_path()[self.paths[0]]

    @property
    def role(self) -> str:
        """The factor's role: lever (a policy input), assumption (behavioural) or setting (simulation, thresholds)."""
        kind = self.spec.kind
        if kind == "assumption":
            return "assumption"
        return "lever" if self.spec.section not in ("simulation", "targets") else "setting"

    @property
    def listed(self) -> bool:
        """True when the factor takes one of a list of values."""
        return self.values is not None

    def label(self, lang: str) -> str:
        """The field's label; a factor setting several fields says so."""
        base = self.spec.label(lang)
        if len(self.paths) == 1:
            return base
        more = len(self.paths) - 1
        return f"{base}（及另 {more} 项同时调整）" if lang == "zh" else f"{base} (and {more} more fields set together)"

    def _round(self, value: float) -> float | int:
        if self.type == "int":
            return round(value)
        step = self.spec.step or 0.01
        decimals = max(0, -math.floor(math.log10(step))) + 2
        return round(float(value), decimals)

    def from_unit(self, u: np.ndarray) -> list:
        """Values for unit-cube coordinates ``u`` in [0, 1] (one per point)."""
        if self.values is not None:
            index = np.minimum((np.asarray(u) * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in index]
        return [self._round(self.low + float(x) * (self.high - self.low)) for x in u]

    def grid_values(self) -> tuple:
        """The values a grid takes: the listed ones, or ``levels`` evenly spaced from low to high."""
        if self.values is not None:
            return self.values
        out = [self._round(x) for x in np.linspace(self.low, self.high, self.levels or 2)]
        return tuple(dict.fromkeys(out))

    def changes(self, value: Any) -> dict[str, Any]:
        """The scenario changes for one value of this factor."""
        if self.type == "float":
            value = float(value)
        return {p: value for p in self.paths}

    def as_dict(self) -> dict:
        """The factor as a ``[[vary]]`` table (kept with the results; :func:`factor_from_dict` reads it back)."""
        out: dict[str, Any] = {"name": self.name, "fields": list(self.paths)}
        if self.values is not None:
            out["values"] = list(self.values)
            return out
        cast = int if self.type == "int" else float
        out["min"], out["max"] = cast(self.low), cast(self.high)
        if self.levels is not None:
            out["levels"] = self.levels
        return out


def lever_fields() -> tuple[fieldspec.FieldSpec, ...]:
    """Policy levers a design may vary (numbers and quarters of the lever sections), in schema order."""
    return tuple(
        f
        for f in fieldspec.fields()
        if f.kind == "input" and f.section not in ("simulation", "targets") and f.type in ("float", "int", "quarter")
    )


# -------------------------------------------------------------------------------------------------- design
@dataclass(frozen=True)
class DesignPoint:
    """One point of a design: its place in the design, the factors' values and the scenario to run."""

    index: int
    values: dict[str, Any]
    scenario: Scenario


@dataclass(frozen=True)
class Design:
    """A validated design: the base scenario, fixed settings, factors and the sampling method."""

    base: Scenario
    factors: tuple[Factor, ...]
    method: str = "grid"
    name: str = "design"
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    points: int | None = None
    seed: int = 0
    trajectories: int | None = None
    levels: int | None = None
    base_samples: int | None = None
    second_order: bool = False
    base_path: str = ""

    def __post_init__(self) -> None:
        """Refuse a design that cannot be sampled, with the same messages as a file."""
        problems = _check_design(self)
        if problems:
            raise DesignError(problems)

    @property
    def base_with_settings(self) -> Scenario:
        """The base scenario with the design's fixed settings applied."""
        return self.base.with_changes(self.settings) if self.settings else self.base

    def size(self) -> int:
        """Number of points the method produces."""
        k = len(self.factors)
        if self.method == "grid":
            return math.prod(len(f.grid_values()) for f in self.factors)
        if self.method == "lhs":
            return int(self.points)
        if self.method == "morris":
            return int(self.trajectories) * (k + 1)
        return int(self.base_samples) * (2 * k + 2 if self.second_order else k + 2)

    def unit_sample(self) -> np.ndarray:
        """The sampling method's points in the unit cube, points × factors (not used by a grid)."""
        from SALib.sample import latin, morris, sobol  # imported lazily: only sampling designs need it

        problem = {
            "num_vars": len(self.factors),
            "names": [f.name for f in self.factors],
            "bounds": [[0.0, 1.0]] * len(self.factors),
        }
        if self.method == "lhs":
            return latin.sample(problem, int(self.points), seed=self.seed)
        if self.method == "morris":
            return morris.sample(problem, int(self.trajectories), num_levels=int(self.levels), seed=self.seed)
        return sobol.sample(problem, int(self.base_samples), calc_second_order=self.second_order, seed=self.seed)

    def value_rows(self) -> list[dict[str, Any]]:
        """Every point's factor values, in design order."""
        names = [f.name for f in self.factors]
        if self.method == "grid":
            return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*self.factors_grid())]
        sample = self.unit_sample()
        columns = [f.from_unit(sample[:, j]) for j, f in enumerate(self.factors)]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

    def factors_grid(self) -> list[tuple]:
        """Each factor's grid values (grid designs)."""
        return [f.grid_values() for f in self.factors]

    def scenario_for(self, values: Mapping[str, Any]) -> Scenario:
        """The scenario of one point: base, settings, then the factors' values."""
        by_name = {f.name: f for f in self.factors}
        changes = dict(self.settings)
        for name, value in values.items():
            changes.update(by_name[name].changes(value))
        return self.base.with_changes(changes)

    def design_points(self) -> list[DesignPoint]:
        """Every point with its validated scenario; a point the scenario rules refuse is named in the error."""
        out = []
        for i, values in enumerate(self.value_rows()):
            try:
                out.append(DesignPoint(i, values, self.scenario_for(values)))
            except ScenarioError as exc:
                raise DesignError(
                    [
                        _problem(
                            f"point {i}",
                            values,
                            f"该点的方案不成立：{exc.message('zh')}",
                            f"this point's scenario is refused: {exc.message('en')}",
                        )
                    ]
                ) from None
        return out

    def as_dict(self) -> dict:
        """JSON-ready description of the design (kept with the results)."""
        return {
            "design_version": DESIGN_VERSION,
            "name": self.name,
            "description": self.description,
            "base": self.base_path,
            "base_scenario": self.base.name,
            "method": self.method,
            "settings": self.settings,
            "points": self.points,
            "seed": self.seed,
            "trajectories": self.trajectories,
            "levels": self.levels,
            "base_samples": self.base_samples,
            "second_order": self.second_order,
            "factors": [f.as_dict() for f in self.factors],
            "size": self.size(),
        }


def _check_design(design: Design) -> list[Problem]:
    problems = []
    if design.method not in METHODS:
        return [_problem("method", design.method, f"可用方法：{'、'.join(METHODS)}", f"allowed: {', '.join(METHODS)}")]
    if not 1 <= len(design.factors) <= MAX_FACTORS:
        problems.append(
            _problem(
                "vary",
                len(design.factors),
                f"需要 1–{MAX_FACTORS} 个变化因素",
                f"needs 1–{MAX_FACTORS} factors to vary",
            )
        )
    names = [f.name for f in design.factors]
    dupes = sorted({n for n in names if names.count(n) > 1})
    paths = [p for f in design.factors for p in f.paths]
    dupe_paths = sorted({p for p in paths if paths.count(p) > 1})
    if dupes or dupe_paths:
        problems.append(
            _problem(
                "vary",
                ", ".join(dupes + dupe_paths),
                "同一因素或字段出现了两次",
                "the same factor or field is varied twice",
            )
        )
    clash = sorted(set(paths) & set(design.settings))
    if clash:
        problems.append(
            _problem(
                "settings",
                ", ".join(clash),
                "固定设置与变化因素是同一字段",
                "a fixed setting is also a varied field",
            )
        )
    wanted = {
        "lhs": ("points", 2, MAX_POINTS),
        "morris": ("trajectories", 2, MAX_POINTS),
        "sobol": ("base_samples", 2, MAX_POINTS),
    }.get(design.method)
    if wanted:
        key, low, high = wanted
        value = getattr(design, key)
        if not _is_int(value) or not low <= value <= high:
            problems.append(
                _problem(key, value, f"应为 {low}–{high:,} 的整数", f"must be a whole number {low}–{high:,}")
            )
    if design.method == "morris" and (not _is_int(design.levels) or not 2 <= design.levels <= MAX_LEVELS):
        problems.append(
            _problem("levels", design.levels, f"应为 2–{MAX_LEVELS} 的整数", f"must be a whole number 2–{MAX_LEVELS}")
        )
    if design.method == "grid":
        for f in design.factors:
            if f.values is None and f.levels is None:
                problems.append(
                    _problem(
                        f"vary.{f.name}.levels",
                        None,
                        "网格设计中数值因素需要 levels（取值个数）或 values",
                        "a numeric factor in a grid needs levels (how many values) or values",
                    )
                )
    if not problems and design.size() > MAX_POINTS:
        problems.append(
            _problem(
                "method",
                design.size(),
                f"设计共 {design.size():,} 个点，超过上限 {MAX_POINTS:,}",
                f"the design has {design.size():,} points, more than the limit of {MAX_POINTS:,}",
            )
        )
    return problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# -------------------------------------------------------------------------------------------------- parsing
def factor_from_dict(data: Mapping[str, Any], where: str) -> Factor:
    """One ``[[vary]]`` table as a :class:`Factor`, refusing anything the fields do not allow."""
    problems: list[Problem] = []
    unknown = sorted(set(data) - set(VARY_KEYS))
    if unknown:
        raise DesignError([Problem(f"{where}.{k}", data[k], "unknown") for k in unknown])
    if ("field" in data) == ("fields" in data):
        raise DesignError(
            [
                _problem(
                    where, None, "需要 field（一个字段）或 fields（多个字段）之一", "needs field or fields (not both)"
                )
            ]
        )
    raw_paths = [data["field"]] if "field" in data else data["fields"]
    if not isinstance(raw_paths, list) or not raw_paths or not all(isinstance(p, str) for p in raw_paths):
        raise _refuse(where, raw_paths, "字段应为文本", "fields must be text")
    specs = fieldspec.by_path()
    for p in raw_paths:
        if p not in specs:
            problems.append(Problem(p, None, "unknown"))
        elif specs[p].type not in VARIABLE_TYPES:
            problems.append(
                _problem(
                    p, None, f"此类字段（{specs[p].type}）不能变化", f"a field of type {specs[p].type} cannot vary"
                )
            )
    if problems:
        raise DesignError(problems)
    types = {specs[p].type for p in raw_paths}
    if len(types) > 1:
        raise _refuse(where, raw_paths, "同时调整的字段类型须相同", "fields set together must share a type")
    kind = types.pop()
    name = data.get("name", raw_paths[0])
    if (
        not isinstance(name, str)
        or not 1 <= len(name) <= MAX_NAME
        or not set(name) <= FACTOR_NAME_CHARS
        or not name[0].isalpha()
    ):
        raise DesignError(
            [
                _problem(
                    f"{where}.name",
                    name,
                    f"名称须为 1–{MAX_NAME} 个小写字母、数字、下划线或点，以字母开头",
                    f"a name is 1–{MAX_NAME} lower-case letters, digits, underscores or dots, starting with a letter",
                )
            ]
        )
    if len(raw_paths) > 1 and "name" not in data:
        raise _refuse(where, raw_paths, "多个字段同时调整时需要 name", "several fields need a name")
    low = max((_bound(specs[p].min, kind) for p in raw_paths), default=None)
    high = min((_bound(specs[p].max, kind) for p in raw_paths), default=None)
    allowed = f"{_show(low, kind)} – {_show(high, kind)}"
    if "values" in data:
        if "min" in data or "max" in data or "levels" in data:
            raise DesignError(
                [_problem(where, None, "values 不能与 min/max/levels 同用", "values cannot go with min, max or levels")]
            )
        values = _check_values(data["values"], kind, low, high, allowed, f"{where}.values")
        return Factor(name, tuple(raw_paths), kind, values=values)
    if kind == "bool":
        if set(data) - {"name", "field", "fields"}:
            raise _refuse(where, None, "是/否字段只能用 values", "a yes/no field takes values only")
        return Factor(name, tuple(raw_paths), kind, values=(False, True))
    if "min" not in data or "max" not in data:
        raise _refuse(where, None, "需要 min 和 max，或 values", "needs min and max, or values")
    lo, hi = data["min"], data["max"]
    if kind == "quarter":
        if "levels" in data:
            raise _refuse(f"{where}.levels", data["levels"], "季度字段不用 levels", "no levels for quarters")
        for key, v in (("min", lo), ("max", hi)):
            if not isinstance(v, str) or not QUARTER_RE.match(v) or not low <= quarter_index(v) <= high:
                raise DesignError(
                    [
                        _problem(
                            f"{where}.{key}", v, f"应为允许范围 {allowed} 内的季度", f"must be a quarter in {allowed}"
                        )
                    ]
                )
        if quarter_index(lo) > quarter_index(hi):
            raise _refuse(where, f"{lo} – {hi}", "min 晚于 max", "min is after max")
        quarters = tuple(quarter_label(i) for i in range(quarter_index(lo), quarter_index(hi) + 1))
        return Factor(name, tuple(raw_paths), kind, values=quarters)
    for key, v in (("min", lo), ("max", hi)):
        if not _is_number(v) or (kind == "int" and not _is_int(v)) or not low <= v <= high:
            problems.append(
                _problem(
                    f"{where}.{key}",
                    v,
                    f"超出字段允许范围 {allowed}（{specs[raw_paths[0]].unit}）",
                    f"outside the field's allowed range {allowed} ({specs[raw_paths[0]].unit})",
                )
            )
    if problems:
        raise DesignError(problems)
    if not lo < hi:
        raise _refuse(where, f"{lo} – {hi}", "min 应小于 max", "min must be below max")
    levels = data.get("levels")
    if levels is not None and (not _is_int(levels) or not 2 <= levels <= MAX_LEVELS):
        raise DesignError(
            [
                _problem(
                    f"{where}.levels", levels, f"应为 2–{MAX_LEVELS} 的整数", f"must be a whole number 2–{MAX_LEVELS}"
                )
            ]
        )
    return Factor(name, tuple(raw_paths), kind, low=float(lo), high=float(hi), levels=levels)


def _bound(value: Any, kind: str) -> Any:
    if kind == "quarter":
        return quarter_index(value)
    return None if value is None else float(value)


def _show(value: Any, kind: str) -> str:
    if kind == "quarter":
        return quarter_label(value)
    if kind == "bool" or value is None:
        return "true / false"
    return f"{value:,g}"


def _check_values(values: Any, kind: str, low: Any, high: Any, allowed: str, where: str) -> tuple:
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_VALUES:
        raise DesignError(
            [_problem(where, values, f"应为 1–{MAX_VALUES} 个值的列表", f"must be a list of 1–{MAX_VALUES} values")]
        )
    bad = []
    for v in values:
        if kind == "bool":
            ok = isinstance(v, bool)
        elif kind == "quarter":
            ok = isinstance(v, str) and bool(QUARTER_RE.match(v)) and low <= quarter_index(v) <= high
        elif kind == "int":
            ok = _is_int(v) and low <= v <= high
        else:
            ok = _is_number(v) and low <= v <= high
        if not ok:
            bad.append(v)
    if bad:
        raise DesignError(
            [
                _problem(
                    where,
                    bad[:5],
                    f"这些值不是允许范围 {allowed} 内的{_kind_zh(kind)}",
                    f"these values are not {_kind_en(kind)} within {allowed}",
                )
            ]
        )
    if len(set(values)) != len(values):
        raise _refuse(where, values, "值有重复", "values repeat")
    if kind == "quarter":
        values = sorted(values, key=quarter_index)
    elif kind in ("int", "float"):
        values = sorted(float(v) if kind == "float" else v for v in values)
    return tuple(values)


def _kind_zh(kind: str) -> str:
    return {"bool": "是/否", "quarter": "季度", "int": "整数"}.get(kind, "数字")


def _kind_en(kind: str) -> str:
    return {"bool": "true/false", "quarter": "quarters", "int": "whole numbers"}.get(kind, "numbers")


def design_from_dict(data: Mapping[str, Any], base_dir: Path | None = None, base: Scenario | None = None) -> Design:
    """Validate a plain mapping (as read from TOML) into a :class:`Design`.

    The base scenario is ``base`` when given, else the file named by the ``base`` key, relative to ``base_dir``.
    """
    if not isinstance(data, Mapping):
        raise DesignError([Problem("(file)", None, "syntax", "top level must be a table")])
    method = data.get("method", "grid")
    if method not in METHODS:
        raise _refuse("method", method, f"可用方法：{'、'.join(METHODS)}", f"allowed: {', '.join(METHODS)}")
    allowed_keys = set(COMMON_KEYS) | set(METHOD_KEYS[method])
    unknown = sorted(set(data) - allowed_keys)
    if unknown:
        raise DesignError(
            [
                Problem(k, data[k], "unknown")
                if not any(k in keys for keys in METHOD_KEYS.values())
                else _problem(k, data[k], f"{k} 不适用于方法 {method}", f"{k} does not apply to method {method}")
                for k in unknown
            ]
        )
    version = data.get("design_version", DESIGN_VERSION)
    if not _is_int(version) or not 1 <= version <= DESIGN_VERSION:
        raise DesignError(
            [
                _problem(
                    "design_version",
                    version,
                    f"本软件支持的设计文件版本为 1–{DESIGN_VERSION}",
                    f"this program reads design_version 1–{DESIGN_VERSION}",
                )
            ]
        )
    texts = {}
    for key, limit, default in (("name", MAX_NAME, "design"), ("description", MAX_DESCRIPTION, "")):
        value = data.get(key, default)
        if not isinstance(value, str) or len(value) > limit:
            raise _refuse(key, value, f"应为不超过 {limit} 个字符的文本", f"must be text of ≤ {limit} characters")
        texts[key] = value
    base_path = ""
    if base is None:
        raw = data.get("base")
        if not isinstance(raw, str) or not raw:
            raise _refuse("base", raw, "需要基础方案文件的路径", "needs the base scenario file's path")
        base_path = raw
        try:
            base = load_scenario((base_dir or Path.cwd()) / raw)
        except ScenarioError as exc:
            raise DesignError(
                [
                    _problem(
                        "base", raw, f"基础方案不可用：{exc.message('zh')}", f"the base scenario: {exc.message('en')}"
                    )
                ]
            ) from None
    settings = data.get("settings", {})
    if not isinstance(settings, Mapping):
        raise _refuse("settings", settings, "应为一个表", "must be a table")
    try:
        base.with_changes(settings)
    except ScenarioError as exc:
        raise DesignError([Problem(f"settings: {p.field}", p.value, p.kind, p.detail) for p in exc.problems]) from None
    vary = data.get("vary")
    if not isinstance(vary, list) or not all(isinstance(v, Mapping) for v in vary):
        raise _refuse("vary", None, "需要至少一个 [[vary]] 表", "needs at least one [[vary]] table")
    factors = tuple(factor_from_dict(v, f"vary[{i}]") for i, v in enumerate(vary))
    params = {k: data[k] for k in METHOD_KEYS[method] if k in data}
    if method == "morris":
        params.setdefault("levels", 4)
    if "second_order" in params and not isinstance(params["second_order"], bool):
        raise _refuse("second_order", params["second_order"], "应为 true 或 false", "must be true or false")
    if "seed" in params and (not _is_int(params["seed"]) or not 0 <= params["seed"] < 2**32):
        raise _refuse("seed", params["seed"], "应为 0–4,294,967,295 的整数", "must be 0–4,294,967,295")
    return Design(
        base=base,
        factors=factors,
        method=method,
        settings=dict(settings),
        base_path=base_path,
        **texts,
        **params,
    )


def load_design(path: str | Path) -> Design:
    """Read a design file (TOML); the base scenario's path is relative to the design file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DesignError([Problem("(file)", str(path), "syntax", exc.strerror or str(exc))]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DesignError([Problem("(file)", None, "syntax", f"not UTF-8 text (byte {exc.start})")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DesignError([Problem("(file)", None, "syntax", str(exc).splitlines()[0])]) from None
    return design_from_dict(data, base_dir=path.parent)
