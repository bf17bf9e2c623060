"""``backtest``, ``calibrate``, ``fixed-ranges``, ``validation-report``: the model against the past and its doubts.

The year that already happened, the fit of the model's free rates, the fixed assumptions at the ends of their
ranges, and the tables of docs/VALIDATION.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from model.analyses.backtest import Check, backtest_population, run_backtest
from model.analyses.backtest_record import record_of, write_record
from model.analyses.calibrate import fit, write_fit
from model.analyses.fixed_ranges import RangedFigure, fixed_ranged_figures, fixed_ranges
from model.analyses.seeds import seed_runs
from model.cli.common import (
    BadInput,
    add_cluster_arguments,
    format_value,
    json_text,
    load_scenario_arg,
    pad,
    text_width,
)
from model.cli.sensitivity import add_budget_arguments, compute
from model.population.synth import default_population, sample_population
from model.reports.validation import (
    TEMPLATE,
    MarkerError,
    backtest_markdown,
    fitted_markdown,
    fixed_ranges_markdown,
    replace_section,
    seeds_markdown,
    sensitivity_markdown,
)

SAMPLE_HELP = "run on a weighted sample of this many households (quicker, less exact) instead of all 252,514"
FIGURE_HELP = "a row of the fixed-ranges table, by key (repeat for more; default: every fixed figure with a range)"


def _check_sample(option: str, sample: int | None) -> None:
    if sample is not None and not 500 <= sample <= 252_514:
        raise BadInput(f"{option} {sample} is outside the allowed range 500–252,514 households")


def _population(args: argparse.Namespace):
    _check_sample("--sample", args.sample)
    return backtest_population(args.sample)


def render_checks(checks: list[Check], lang: str) -> str:
    """The back-test table: published, model mean, P10–P90, inside the band, role."""
    zh = lang == "zh"
    head = (
        ("指标", "单位", "公布值", "模型均值", "P10–P90", "在区间内", "用途")
        if zh
        else ("figure", "unit", "published", "model mean", "P10–P90", "inside", "role")
    )
    roles = {"fitted": "拟合", "held out": "留出检验", "follows from the fitted three": "由拟合三项推出"}
    rows = [head]
    for c in checks:
        rows.append(
            (
                c.label(lang),
                c.unit,
                format_value(c.published, c.unit),
                format_value(c.model_mean, c.unit),
                f"{format_value(c.p10, c.unit)} – {format_value(c.p90, c.unit)}",
                ("是" if c.inside else "否") if zh else ("yes" if c.inside else "no"),
                roles.get(c.role, c.role) if zh else c.role,
            )
        )
    widths = [max(text_width(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(pad(cell, widths[i]) for i, cell in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_backtest(args: argparse.Namespace) -> int:
    """``backtest``: 2021 levels, 2022 policy, 2022 as published (``--save``: kept for the page)."""
    start = time.perf_counter()
    population = _population(args)
    run, checks = run_backtest(population)
    if args.save:
        record = record_of(run, checks, population.n, args.sample is not None, time.perf_counter() - start)
        try:
            path = write_record(record)
        except OSError as exc:
            raise BadInput(f"out/backtest: {exc.strerror or type(exc).__name__}") from None
        print(f"{path} written (the page's model validation shows it)", file=sys.stderr)
    if args.json:
        out = {
            "population": run.population_label,
            "draws": run.result.draws,
            "checks": [c.as_dict() for c in checks],
        }
        print(json_text(out))
        return 0
    print(f"{run.scenario.name} — {run.population_label}, {run.result.draws} draws")
    print(render_checks(checks, args.lang))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``calibrate``: fit the organic growth rates to the back-test (``--write`` records them)."""
    result = fit(_population(args), progress=lambda text: print(text, file=sys.stderr))
    out = {
        "rates_2022": result.rates,
        "sd_2022": result.fit_sd,
        "backtest_growth": result.growth,
        "published_growth": result.published,
        "projection_rates": result.projection,
        "projection_sd": result.projection_sd,
        "draws": result.draws,
    }
    print(json_text(out))
    if args.write:
        if args.sample is not None:
            raise BadInput("--write needs the whole population: leave out --sample")
        write_fit(result)
        print("calibration.toml [fitted] updated", file=sys.stderr)
    return 0


def _write_sections(target: str, sections: dict[str, str]) -> None:
    """Replace each section's table between its markers in the document ``target`` (created when missing)."""
    path = Path(target)
    text = path.read_text(encoding="utf-8") if path.exists() else TEMPLATE
    try:
        for name, content in sections.items():
            text = replace_section(text, name, content)
    except MarkerError as exc:
        raise BadInput(f"{path}: {exc}") from None
    path.write_text(text, encoding="utf-8")
    print(f"{path} updated", file=sys.stderr)


def _figures(keys: list[str] | None) -> tuple[RangedFigure, ...] | None:
    """The rows ``--figure`` asks for (None: every fixed figure); an unknown key is refused, naming the known ones."""
    if not keys:
        return None
    known = {f.key: f for f in fixed_ranged_figures()}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise BadInput(f"--figure {unknown[0][:80]}: not a fixed figure with a range; known: {', '.join(known)}")
    return tuple(known[k] for k in dict.fromkeys(keys))


def cmd_fixed_ranges(args: argparse.Namespace) -> int:
    """``fixed-ranges``: the scenario with each fixed assumption at the ends of its range, one at a time."""
    _check_sample("--sample", args.sample)
    figures = _figures(args.figure)
    if figures is not None and args.write:
        raise BadInput("--write needs every row: leave out --figure (a partial table would replace the whole one)")
    scenario = load_scenario_arg(args.scenario, args.lang)
    result = fixed_ranges(scenario, args.sample, figures, progress=lambda text: print(text, file=sys.stderr))
    if args.json:
        print(json_text(result.as_dict()))
    else:
        print(fixed_ranges_markdown(result))
    if args.write:
        _write_sections(args.write, {"fixed_ranges": fixed_ranges_markdown(result)})
    return 0


def cmd_validation_report(args: argparse.Namespace) -> int:
    """``validation-report``: the back-test and the sensitivity tables, written into docs/VALIDATION.md."""
    _check_sample("--backtest-sample", args.backtest_sample)
    start = time.perf_counter()
    run, checks = run_backtest(backtest_population(args.backtest_sample))
    backtest = backtest_markdown(checks, run.population_label, run.result.draws, time.perf_counter() - start)
    scenario = load_scenario_arg(args.scenario, args.lang)
    population = default_population() if args.backtest_sample is None else sample_population(args.backtest_sample)
    seeds = seeds_markdown(seed_runs(population, scenario), args.scenario, population.label)
    fixed = fixed_ranges_markdown(fixed_ranges(scenario, args.backtest_sample))
    if args.sensitivity_result:
        try:
            result = json.loads(Path(args.sensitivity_result).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadInput(f"{args.sensitivity_result}: {exc}") from None
    else:
        result = compute(args, args.scenario, None)
    sensitivity = sensitivity_markdown(result)
    sections = {
        "backtest": backtest,
        "fitted": fitted_markdown(),
        "seeds": seeds,
        "fixed_ranges": fixed,
        "sensitivity": sensitivity,
    }
    if not args.write:
        print(*sections.values(), sep="\n\n")
        return 0
    _write_sections(args.write, sections)
    return 0


def register(sub) -> None:
    """Add ``backtest``, ``calibrate``, ``fixed-ranges`` and ``validation-report`` to the command line's subparsers."""
    backtest = sub.add_parser("backtest", help="run 2022 policy from 2021 levels against the published 2022 figures")
    backtest.add_argument("--json", action="store_true", help="print one JSON object")
    backtest.add_argument("--sample", type=int, help=SAMPLE_HELP)
    backtest.add_argument(
        "--save", action="store_true", help="keep the result in out/backtest/backtest.json for the page to show"
    )
    backtest.set_defaults(func=cmd_backtest)
    calibrate = sub.add_parser("calibrate", help="fit the organic growth rates to the back-test")
    calibrate.add_argument("--write", action="store_true", help="record the fit in calibration.toml [fitted]")
    calibrate.add_argument("--sample", type=int, help=SAMPLE_HELP)
    calibrate.set_defaults(func=cmd_calibrate)
    fixed = sub.add_parser(
        "fixed-ranges",
        help="the scenario with each fixed (not drawn) assumption at the low and the high end of its range",
        description="Every parameter-file figure with a stated range (half_width, or low/high) that no run draws, "
        "set to either end of its range one at a time, the others and the calibration as shipped: N1, N2, N3, the "
        "share below the line and their P(met) ± Monte Carlo error at each end, with the 2022 back-test's distance "
        "from its fitted figures.",
    )
    fixed.add_argument("--scenario", default="scenarios/notice_2023.toml", help="the scenario (default: %(default)s)")
    fixed.add_argument("--sample", type=int, help=SAMPLE_HELP)
    fixed.add_argument("--figure", action="append", help=FIGURE_HELP)
    fixed.add_argument("--json", action="store_true", help="print one JSON object")
    fixed.add_argument("--write", help="also write the table into this document's fixed_ranges section")
    fixed.set_defaults(func=cmd_fixed_ranges)
    report = sub.add_parser(
        "validation-report",
        help="regenerate the back-test, fitted growth, seed, fixed-range and sensitivity tables of docs/VALIDATION.md",
        description="Runs the back-test, the scenario with seeds 1–3, with each fixed assumption at the ends of its "
        "range and the sensitivity analysis (or reads a stored sensitivity result) and writes their tables and the "
        "fitted growth, with machine, date and draws, between the markers of the document; the prose around them "
        "is left as it is.",
    )
    report.add_argument("--write", help="the document to update, e.g. docs/VALIDATION.md (created if missing)")
    report.add_argument(
        "--scenario",
        default="scenarios/notice_2023.toml",
        help="scenario of the seed check and the sensitivity analysis",
    )
    report.add_argument("--sensitivity-result", help="a stored result of python -m model sensitivity (not rerun)")
    report.add_argument("--backtest-sample", type=int, help=SAMPLE_HELP)
    add_cluster_arguments(report, "one per core, here {cores}")
    add_budget_arguments(report)
    report.set_defaults(func=cmd_validation_report)
