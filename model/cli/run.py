"""``run``, ``compare``, ``households-template``: one scenario's targets, several side by side, the template."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.cli.common import (
    TABLE_KEYS,
    BadInput,
    format_value,
    json_checks,
    json_text,
    load_scenario_arg,
    pad,
    population_arg,
    render_table,
    text_width,
)
from model.engine.run import Run, run_scenario
from model.engine.targets import targets_table
from model.io.household_files import write_template
from model.io.spreadsheet import write_csv
from model.population.table import PopulationError
from model.reports.brief import brief_html, default_quarter
from model.reports.chart_text import text as chart_label
from model.reports.workbook import workbook_bytes
from model.schema.scenario import Scenario
from model.schema.units import unit_text


def cmd_run(args: argparse.Namespace) -> int:
    """``run FILE``: every target of one scenario; optionally its tables, brief and workbook as files."""
    scenario = load_scenario_arg(args.file, args.lang)
    quarter = brief_quarter(scenario, args.quarter)
    run = run_scenario(population_arg(args), scenario)
    if args.out:
        write_tables(run, Path(args.out), args.lang)
    if args.brief:
        _write(Path(args.brief), brief_html(run, quarter, args.lang).encode("utf-8"))
    if args.workbook:
        _write(Path(args.workbook), workbook_bytes(run, args.lang))
    if args.json:
        out = {
            "scenario": scenario.name,
            "population": run.population_label,
            "draws": run.result.draws,
            **json_checks(run.targets),
            "capacity": {path: flag.as_dict() for path, flag in run.capacity.items()},
        }
        print(json_text(out))
    else:
        print(f"{scenario.name} — {run.population_label}, {run.result.draws} draws")
        print(render_table(run.targets, args.lang))
        for line in [*decomposition_lines(run, args.lang), *capacity_lines(run, args.lang)]:
            print(line)
    return 0


def decomposition_lines(run: Run, lang: str) -> list[str]:
    """N1 and N2 split into organic growth and each channel (percentage points that add up to the value)."""
    lines = []
    for key in ("N1", "N2"):
        check = run.targets.get(key)
        if check is None:
            continue
        parts = [
            f"{chart_label(f'channel.{name}', lang)} {share * 100:+.1f}"
            for name, share in check.detail["decomposition"].items()
            if abs(share) >= 0.0005 or name == "organic"
        ]
        unit = "个百分点" if lang == "zh" else "points"
        error = f" ± {check.value_se * 100:.1f}" if check.value_se is not None else ""
        mc = "（蒙特卡洛误差）" if lang == "zh" else " (Monte Carlo error)"
        lines.append(f"{key} {check.value * 100:.1f}%{error}{mc if error else ''} = " + " ".join(parts) + f" ({unit})")
        repeat = check.detail.get("if_2022_repeats")
        if repeat:
            rate, value = repeat["organic_rate"] * 100, repeat["value"] * 100
            lines.append(
                f"  假设情形：若2022年自然增速（{rate:.1f}%）重现，{key} 约为 {value:.1f}%（非预测）"
                if lang == "zh"
                else f"  What-if: had 2022's organic growth ({rate:.1f}%) repeated, {key} would be ≈ {value:.1f}% "
                "(not a forecast)"
            )
    return lines


def capacity_lines(run: Run, lang: str) -> list[str]:
    """A line per lever beyond what the city can absorb (allowed, saturating, flagged like a breached floor)."""
    lines = []
    for flag in run.capacity.values():
        if flag.exceeded:
            head = "⚑ 超出可吸收能力" if lang == "zh" else "⚑ beyond what the city can absorb"
            unit = unit_text(flag.unit, lang)
            lines.append(
                f"{head}: {flag.label(lang)} {flag.value:,.0f} > {flag.capacity:,.0f} {unit} ({flag.note(lang)})"
            )
    return lines


def cmd_compare(args: argparse.Namespace) -> int:
    """``compare A B ...``: the same targets side by side."""
    scenarios = [load_scenario_arg(f, args.lang) for f in args.files]
    pop = population_arg(args)
    runs = [run_scenario(pop, s) for s in scenarios]
    if args.json:
        print(json_text({s.name: json_checks(r.targets) for s, r in zip(scenarios, runs, strict=True)}))
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
    widths = [max(text_width(r[i]) for r in rows) for i in range(len(head))]
    print("\n".join("  ".join(pad(cell, widths[i]) for i, cell in enumerate(r)) for r in rows))
    return 0


def brief_quarter(scenario: Scenario, wanted: str | None) -> str:
    """The quarter the brief reports: ``wanted`` when the scenario reports it, the page's default when not given."""
    quarters = scenario.quarters
    if wanted is None:
        return default_quarter(quarters)
    if wanted not in quarters:
        raise BadInput(f"--quarter {wanted} is not a reported quarter of this scenario ({quarters[0]}–{quarters[-1]})")
    return wanted


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror or type(exc).__name__}") from None


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
    return [write_csv(df, out / name) for name, df in tables.items()]


def cmd_households_template(args: argparse.Namespace) -> int:
    """``households-template FILE``: write the empty household template (.csv or .xlsx) with one example row."""
    try:
        path = write_template(args.file)
    except (PopulationError, OSError) as exc:
        raise BadInput(f"{args.file}: {exc}") from None
    print(path)
    return 0


def register(sub) -> None:
    """Add ``run``, ``compare`` and ``households-template`` to the command line's subparsers."""
    run = sub.add_parser("run", help="evaluate one scenario file against the notice's targets")
    run.add_argument("file")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.add_argument("--out", help="write the result tables as CSV into this folder")
    run.add_argument("--households", help="household table (CSV or XLSX) instead of the embedded population")
    run.add_argument("--brief", help="write the dispatch-meeting brief (HTML) the page offers to this file")
    run.add_argument("--workbook", help="write the Excel workbook of every result table the page offers to this file")
    run.add_argument("--quarter", help="the brief's assessment quarter, e.g. 2023Q4 (default: as on the page)")
    run.set_defaults(func=cmd_run)
    compare = sub.add_parser("compare", help="compare scenario files side by side")
    compare.add_argument("files", nargs="+")
    compare.add_argument("--json", action="store_true")
    compare.add_argument("--households", help="household table (CSV or XLSX)")
    compare.set_defaults(func=cmd_compare)
    template = sub.add_parser("households-template", help="write the household import template (.csv or .xlsx)")
    template.add_argument("file", help="where to write it; the suffix .csv or .xlsx chooses the format")
    template.set_defaults(func=cmd_households_template)
