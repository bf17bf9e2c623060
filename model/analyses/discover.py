"""Scenario discovery: from a sweep's results, the simplest box of lever values in which the targets are met.

A point *meets* the chosen targets when each one's verdict in the sweep is "met" (its probability of meeting over
the draws reached the scenario's required probability). PRIM (:mod:`model.analyses.prim`) then looks for a box
over the factors — the levers only by default, so the behavioural assumptions stay free and the box must work
across them — in which at least ``required_density`` of the points meet, with the most coverage and the fewest
restrictions. The answer is said in plain Chinese and English with the fields' labels and units from the schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.analyses.prim import ALPHA, Box, choose_box, peeling_trajectory
from model.schema.text import BilingualError
from model.schema.units import is_share_unit, unit_text
from model.sweep.design import Factor
from model.sweep.store import SweepResults

DIMENSIONS = ("levers", "all")
DEFAULT_DENSITY = 0.8


class DiscoverError(BilingualError):
    """A target or setting discovery cannot use; the message is bilingual."""


def _code(factor: Factor, column: pd.Series) -> np.ndarray:
    """A factor's values as numbers: listed values by their place in the list, numbers as they are."""
    if factor.values is not None:
        place = {v: i for i, v in enumerate(factor.values)}
        return column.map(lambda v: place[v]).to_numpy(dtype=float)
    return column.to_numpy(dtype=float)


def _value(factor: Factor, coded: float) -> Any:
    return factor.values[round(coded)] if factor.values is not None else float(coded)


def show_value(factor: Factor, value: Any, lang: str) -> str:
    """A factor value as a planner reads it: shares as percentages, money with separators, then the unit."""
    unit = factor.spec.unit
    if factor.type == "bool":
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if factor.type == "quarter":
        return str(value)
    if is_share_unit(unit):
        return f"{value * 100:.1f}%".replace(".0%", "%")
    number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return f"{number} {unit_text(unit, lang)}"


@dataclass(frozen=True)
class Condition:
    """One restricted factor of the box: its least and greatest value inside (None: not restricted that side)."""

    factor: Factor
    lower: Any | None
    upper: Any | None

    def text(self, lang: str) -> str:
        """The condition in ``lang``."""
        zh = lang == "zh"
        label = self.factor.label(lang)
        lo = None if self.lower is None else show_value(self.factor, self.lower, lang)
        hi = None if self.upper is None else show_value(self.factor, self.upper, lang)
        if self.factor.type == "bool" or (lo is not None and lo == hi):
            return f"{label} = {lo if lo is not None else hi}"
        if self.factor.type == "quarter":
            if lo is None:
                return f"{label} 不晚于 {hi}" if zh else f"{label} no later than {hi}"
            if hi is None:
                return f"{label} 不早于 {lo}" if zh else f"{label} no earlier than {lo}"
        if lo is None:
            return f"{label} ≤ {hi}"
        if hi is None:
            return f"{label} ≥ {lo}"
        return f"{label} 在 {lo} 到 {hi} 之间" if zh else f"{label} between {lo} and {hi}"

    def as_dict(self) -> dict:
        """JSON-ready dict."""
        return {"factor": self.factor.name, "fields": list(self.factor.paths), "lower": self.lower, "upper": self.upper}


@dataclass(frozen=True)
class Discovery:
    """The chosen box, its conditions in words, and the peeling trajectory behind it."""

    targets: tuple[str, ...]
    required_density: float
    point_probability: float
    dimensions: str
    box: Box
    reached: bool
    conditions: tuple[Condition, ...]
    trajectory: pd.DataFrame
    points: int
    met_points: int

    def message(self, lang: str = "zh") -> str:
        """The rule in one or two plain sentences."""
        zh = lang == "zh"
        names = "、".join(self.targets) if zh else " and ".join(self.targets)
        verb = "is" if len(self.targets) == 1 else "are"
        per_point = (
            f"（一个点“达标”指其达标概率不低于 {self.point_probability:.0%}）"
            if zh
            else f" (a point meets a target when its probability of meeting is at least {self.point_probability:.0%})"
        )
        if self.met_points == 0:
            return (
                f"{names} 在全部 {self.points} 个点中都未达标{per_point}。"
                if zh
                else f"{names} {verb} met in none of the {self.points} points{per_point}."
            )
        rule = (" 且 " if zh else " and ").join(c.text(lang) for c in self.conditions)
        b = self.box
        stats = (
            f"框内 {b.points} 个点，占全部点的 {b.mass:.0%}，包含全部达标点的 {b.coverage:.0%}"
            if zh
            else f"{b.points} points in the box, {b.mass:.0%} of all; it holds {b.coverage:.0%} of the points where "
            f"{'it is' if len(self.targets) == 1 else 'they are'} met"
        )
        if not self.conditions:
            return (
                f"{names} 在全部点的 {b.density:.0%} 达标，与本次扫描中各杠杆的取值无关{per_point}。"
                if zh
                else f"{names} {verb} met in {b.density:.0%} of all points, whatever the levers' values in this "
                f"sweep{per_point}."
            )
        if not self.reached:
            return (
                f"没有一组杠杆取值范围能使 {names} 的达标比例达到 {self.required_density:.0%}：最好的是 "
                f"{b.density:.0%}，条件为 {rule}（{stats}）{per_point}。"
                if zh
                else f"No box of lever values has {names} met in {self.required_density:.0%} of its points: the best "
                f"found is {b.density:.0%}, when {rule} ({stats}){per_point}."
            )
        return (
            f"{names} 在 {b.density:.0%} 的点达标，条件为：{rule}（{stats}）{per_point}。"
            if zh
            else f"{names} {verb} met in {b.density:.0%} of points when {rule} ({stats}){per_point}."
        )

    def as_dict(self) -> dict:
        """JSON-ready dict with the message in both languages."""
        return {
            "targets": list(self.targets),
            "required_density": self.required_density,
            "point_probability": self.point_probability,
            "dimensions": self.dimensions,
            "reached": self.reached,
            "points": self.points,
            "met_points": self.met_points,
            "box": {
                "coverage": self.box.coverage,
                "density": self.box.density,
                "mass": self.box.mass,
                "points": self.box.points,
                "conditions": [c.as_dict() for c in self.conditions],
            },
            "trajectory": self.trajectory.to_dict(orient="records"),
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
        }


def _dimension_factors(results: SweepResults, dimensions: str) -> tuple[Factor, ...]:
    if dimensions not in DIMENSIONS:
        raise DiscoverError(f"维度应为 {' 或 '.join(DIMENSIONS)}", f"dimensions must be {' or '.join(DIMENSIONS)}")
    levers = tuple(f for f in results.factors if f.role == "lever")
    return levers if dimensions == "levers" and levers else results.factors


def trajectory_frame(trajectory: list[Box]) -> pd.DataFrame:
    """One row per peeling step: coverage, density, mass, points, restricted dimensions."""
    return pd.DataFrame(
        [
            {
                "step": i,
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "points": b.points,
                "dimensions": b.dimensions,
            }
            for i, b in enumerate(trajectory)
        ]
    )


def discover(
    results: SweepResults,
    targets: Sequence[str],
    required_density: float = DEFAULT_DENSITY,
    dimensions: str = "levers",
    alpha: float = ALPHA,
) -> Discovery:
    """The simplest box over the factors in which ``targets`` are all met in ≥ ``required_density`` of points."""
    available = results.target_keys
    unknown = [t for t in targets if t not in available]
    if not targets or unknown:
        raise DiscoverError(
            f"未知目标 {', '.join(unknown) or '（无）'}；可用：{', '.join(available)}",
            f"unknown target {', '.join(unknown) or '(none)'}; allowed: {', '.join(available)}",
        )
    if not 0 < required_density <= 1:
        raise DiscoverError(
            f"要求的达标比例 {required_density} 超出允许范围 0–1",
            f"the required share {required_density} is outside 0–1",
        )
    frame = results.frame
    if len(frame) < 2:
        raise DiscoverError("结果中至少需要 2 个点", "the results need at least 2 points")
    factors = _dimension_factors(results, dimensions)
    x = np.column_stack([_code(f, frame[f.name]) for f in factors])
    y = np.ones(len(frame), dtype=bool)
    for key in targets:
        y &= frame[f"{key}_met"].eq(True).to_numpy(dtype=bool)  # a missing verdict is not "met"
    trajectory = peeling_trajectory(x, y, alpha=alpha)
    box, reached = choose_box(x, y, trajectory, required_density, alpha=alpha)
    lo, hi = x.min(axis=0), x.max(axis=0)
    conditions = tuple(
        Condition(
            factors[j],
            _value(factors[j], box.lower[j]) if box.lower[j] > lo[j] else None,
            _value(factors[j], box.upper[j]) if box.upper[j] < hi[j] else None,
        )
        for j in box.restricted
    )
    return Discovery(
        targets=tuple(targets),
        required_density=float(required_density),
        point_probability=results.required_probability,
        dimensions=dimensions,
        box=box,
        reached=reached,
        conditions=conditions,
        trajectory=trajectory_frame(trajectory),
        points=len(frame),
        met_points=int(y.sum()),
    )
