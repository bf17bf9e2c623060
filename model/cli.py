"""Command line: ``python -m model run | compare`` (and the commands other modules register).

A refused input exits with status 2 and one line on standard error naming the problem; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from model.api import Run, run_scenario
from model.population import PopulationError
from model.scenario import Scenario, ScenarioError, load_scenario
from model.synth import default_population
from model.targets import TargetCheck, targets_table

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


def _met_text(check: TargetCheck, lang: str) -> str:
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
                _met_text(c, lang),
            )
        )
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _json_checks(checks: dict[str, TargetCheck]) -> dict:
    return {k: c.as_dict() for k, c in checks.items()}


def _load(path: str, lang: str = "zh") -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise BadInput(f"{path}: " + "; ".join(p.message(lang) for p in exc.problems)) from None


def _population(args: argparse.Namespace):
    households = getattr(args, "households", None)
    if not households:
        return default_population()
    from model.households_io import load_household_file  # imported lazily: only this path needs it

    try:
        return load_household_file(households, lang=getattr(args, "lang", "zh"))
    except PopulationError as exc:
        raise BadInputReport(str(exc)) from None


def cmd_run(args: argparse.Namespace) -> int:
    """``run FILE``: every target of one scenario."""
    scenario = _load(args.file, args.lang)
    run = run_scenario(_population(args), scenario)
    if args.out:
        write_tables(run, Path(args.out), args.lang)
    if args.json:
        print(
            json.dumps(
                {"scenario": scenario.name, "population": run.population_label, **_json_checks(run.targets)},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(f"{scenario.name} — {run.population_label}")
        print(render_table(run.targets, args.lang))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """``compare A B ...``: the same targets side by side."""
    scenarios = [_load(f, args.lang) for f in args.files]
    pop = _population(args)
    runs = [run_scenario(pop, s) for s in scenarios]
    if args.json:
        print(
            json.dumps(
                {s.name: _json_checks(r.targets) for s, r in zip(scenarios, runs, strict=True)},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    zh = args.lang == "zh"
    head = ["目标" if zh else "ID", "单位" if zh else "unit", *[s.name for s in scenarios]]
    rows = [head]
    for key in TABLE_KEYS:
        if key not in runs[0].targets:
            continue
        unit = runs[0].targets[key].unit
        cells = []
        for r in runs:
            c = r.targets[key]
            prob = "" if c.probability is None or c.kind == "input" else f" ({c.probability * 100:.0f}%)"
            mark = "✓" if c.met else "✗" if c.met is False else ""
            cells.append(f"{format_value(c.value, unit)}{prob} {mark}")
        target = runs[0].targets[key]
        rows.append([f"{key} {target.comparison} {format_value(target.target, unit)}", unit, *cells])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head))]
    print("\n".join("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(r)) for r in rows))
    return 0


def write_tables(run: Run, out: Path, lang: str) -> list[Path]:
    """Write every result table as UTF-8 CSV (with BOM, so Excel shows Chinese) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "targets.csv": targets_table(run.targets, lang),
        "quarterly.csv": run.result.quarterly_table(),
        "annual.csv": run.result.annual_table(),
        "assessment.csv": run.result.assessment_table(),
        "contributions.csv": run.contributions,
    }
    paths = []
    for name, df in tables.items():
        path = out / name
        df.to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {}


def cmd_households_template(args: argparse.Namespace) -> int:
    """``households-template FILE``: write the empty household template (.csv or .xlsx) with one example row."""
    from model.households_io import write_template

    try:
        path = write_template(args.file)
    except (PopulationError, OSError) as exc:
        raise BadInput(f"{args.file}: {exc}") from None
    print(path)
    return 0


def _register_households_template(sub) -> None:
    template = sub.add_parser("households-template", help="write the household import template (.csv or .xlsx)")
    template.add_argument("file", help="where to write it; the suffix .csv or .xlsx chooses the format")
    template.set_defaults(func=cmd_households_template)


COMMANDS["households-template"] = _register_households_template


def _register_seek(sub) -> None:
    from model.seek_cli import register  # imported lazily: seek_cli imports this module

    register(sub)


COMMANDS["seek"] = _register_seek


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(prog="python -m model", description="Qujing household-income simulator")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of tables (default zh)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="evaluate one scenario file against the notice's targets")
    run.add_argument("file")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.add_argument("--out", help="write the result tables as CSV into this folder")
    run.add_argument("--households", help="household table (CSV or XLSX) instead of the embedded population")
    run.set_defaults(func=cmd_run)
    compare = sub.add_parser("compare", help="compare scenario files side by side")
    compare.add_argument("files", nargs="+")
    compare.add_argument("--json", action="store_true")
    compare.add_argument("--households", help="household table (CSV or XLSX)")
    compare.set_defaults(func=cmd_compare)
    for register in COMMANDS.values():
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BadInput as exc:
        text = str(exc) if isinstance(exc, BadInputReport) else str(exc).replace("\n", "; ")
        print(f"error: {text}", file=sys.stderr)
        return EXIT_BAD_INPUT
