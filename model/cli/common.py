"""What every command shares: refusals as one line, value formatting, loading a scenario or a population."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from model.engine.targets import TargetCheck
from model.population.synth import default_population
from model.population.table import PopulationError
from model.schema.scenario import Scenario, ScenarioError, load_scenario

EXIT_BAD_INPUT = 2
TABLE_KEYS = ("N1", "N2", "N3", "N4", "below_line", "N5", "N6", "N7", "N9", "N11", "N15", "N18")


class BadInput(Exception):
    """An input the user must fix; the message is printed as one line."""


class BadInputReport(BadInput):
    """An input refused with a row-by-row report; the message is printed line by line."""


def format_value(value: float | None, unit: str) -> str:
    """A value as a planner reads it: shares as percentages, counts and money with thousands separators."""
    if value is None:
        return "—"
    if unit.startswith("share") or unit.startswith("probability"):
        return f"{value * 100:.1f}%"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def met_text(check: TargetCheck, lang: str) -> str:
    """达标 / 未达标 (met / not met), or a dash for a check without a target."""
    if check.met is None:
        return "—"
    if lang == "zh":
        return "达标" if check.met else "未达标"
    return "met" if check.met else "not met"


def render_table(checks: dict[str, TargetCheck], lang: str) -> str:
    """A plain-text table of every target."""
    head = (
        ("目标", "指标", "值", "目标值", "单位", "达标概率", "结论")
        if lang == "zh"
        else ("ID", "target", "value", "target value", "unit", "P(met)", "verdict")
    )
    rows = [head]
    for key in TABLE_KEYS:
        if key not in checks:
            continue
        c = checks[key]
        prob = "—" if c.probability is None else f"{c.probability * 100:.0f}%"
        rows.append(
            (
                key,
                c.label(lang),
                format_value(c.value, c.unit),
                f"{c.comparison} {format_value(c.target, c.unit)}" if c.target is not None else "—",
                c.unit,
                prob,
                met_text(c, lang),
            )
        )
    widths = [max(text_width(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(pad(cell, widths[i]) for i, cell in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def text_width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * (width - text_width(text))


def json_checks(checks: dict[str, TargetCheck]) -> dict:
    """Every check as a JSON-ready dict, keyed like ``checks``."""
    return {k: c.as_dict() for k, c in checks.items()}


def json_text(data: Any) -> str:
    """``data`` as indented JSON that every parser accepts.

    NaN and ±Infinity (a statistic of nothing, an overflow) become ``null``, numpy scalars plain numbers;
    ``allow_nan=False`` turns anything missed into an error here rather than invalid JSON on standard output.
    """
    return json.dumps(_finite(data), ensure_ascii=False, indent=2, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def load_scenario_arg(path: str, lang: str = "zh") -> Scenario:
    """The scenario file named on the command line, or a one-line refusal."""
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise BadInput(f"{path}: " + "; ".join(p.message(lang) for p in exc.problems)) from None


def population_arg(args: argparse.Namespace):
    """The ``--households`` table when given, else the embedded default population."""
    households = getattr(args, "households", None)
    if not households:
        return default_population()
    from model.io.household_files import load_household_file  # imported lazily: only this path needs it

    try:
        return load_household_file(households, lang=getattr(args, "lang", "zh"))
    except PopulationError as exc:
        raise BadInputReport(str(exc)) from None
