"""Command line for goal seeking: ``python -m model seek`` and ``python -m model allocate``.

``seek SCENARIO --target T --lever L [--probability P] [--level X] [--search-draws N] [--json]``
finds the least value of lever L meeting target T. ``--frontier L2 [--points 5] [--frontier-draws N]
[--chart FILE.html]`` adds the grid over L × L2. ``allocate SCENARIO [--json]`` compares the proportional county
split of the funds with the proposed one. Names are listed in :mod:`model.seek`'s docstring and ``--help``.
"""

from __future__ import annotations

import argparse

from model.analyses import seek as sk
from model.cli.common import (
    BadInput,
    add_cluster_arguments,
    format_value,
    json_text,
    load_scenario_arg,
    open_backend,
    population_arg,
)
from model.schema.fieldspec import COUNTIES

TARGET_HELP = (
    "target: " + ", ".join(sk.TARGETS) + " (N1 production growth 2023 ≥ level, N2 property growth ≥ level, "
    "N3 city falling share in 2023's worst quarter ≤ level, N4 no county under 五单式, no_county_loses_points: every "
    "county's 2023 average points lost per quarter ≤ level)"
)
LEVER_HELP = "lever: " + "; ".join(f"{n} → {', '.join(lv.paths)} ({lv.unit})" for n, lv in sk.LEVERS.items())


def _check_names(target: str, *levers: str | None) -> None:
    try:
        sk.get_target(target)
        for lever in levers:
            if lever is not None:
                sk.get_lever(lever)
    except sk.SeekError as exc:
        raise BadInput(str(exc)) from None


def _frontier_text(grid, lang: str) -> str:
    first = grid.iloc[0]
    lx, ly = sk.LEVERS[first["lever_x"]], sk.LEVERS[first["lever_y"]]
    xs = sorted(grid["x"].unique())
    head = f"{ly.name} \\ {lx.name}"
    rows = [[head, *[format_value(x, lx.unit) for x in xs]]]
    for y in sorted(grid["y"].unique(), reverse=True):
        cells = grid[grid["y"] == y].sort_values("x")
        rows.append(
            [
                format_value(y, ly.unit),
                *[f"{p:.0%}{'✓' if m else ''}" for p, m in zip(cells["probability"], cells["met"], strict=True)],
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    note = f"P(meet) per cell, {int(first['draws'])} draws; ✓ = at least {float(first['required_probability']):.0%}"
    return "\n".join(["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows] + [note])


def cmd_seek(args: argparse.Namespace) -> int:
    """``seek``: least value of one lever meeting a target, and optionally the frontier over two levers."""
    _check_names(args.target, args.lever, args.frontier)
    if args.probability is not None and not 0 <= args.probability <= 1:
        raise BadInput(f"--probability {args.probability} is outside the allowed range 0–1")
    scenario = load_scenario_arg(args.file, args.lang)
    for name, value in (("--search-draws", args.search_draws), ("--frontier-draws", args.frontier_draws)):
        if value is not None and not 1 <= value <= scenario.simulation.draws:
            raise BadInput(
                f"{name} {value} is outside the allowed range 1–{scenario.simulation.draws} (the scenario's draws)"
            )
    pop = population_arg(args)
    try:
        result = sk.seek(
            pop,
            scenario,
            args.target,
            args.lever,
            required_probability=args.probability,
            level=args.level,
            search_draws=args.search_draws,
        )
        grid = None
        if args.frontier:
            with open_backend(args, local_cluster_by_default=False) as backend:
                grid = sk.frontier(
                    pop,
                    scenario,
                    args.target,
                    args.lever,
                    args.frontier,
                    points=args.points,
                    draws=args.frontier_draws,
                    required_probability=args.probability,
                    level=args.level,
                    backend=backend,
                )
    except sk.SeekError as exc:
        raise BadInput(str(exc)) from None
    if grid is not None and args.chart:
        from model.reports.seek_charts import frontier_chart

        frontier_chart(grid, args.lang).save(args.chart)
    if args.json:
        out = {"scenario": scenario.name, "population": pop.label, **result.as_dict()}
        if grid is not None:
            out["frontier"] = grid.to_dict(orient="records")
        print(json_text(out))
        return 0
    print(f"{scenario.name} — {pop.label}")
    print(result.message(args.lang))
    if grid is not None:
        print(_frontier_text(grid, args.lang))
    return 0


def cmd_allocate(args: argparse.Namespace) -> int:
    """``allocate``: proportional vs proposed county split of the funds."""
    scenario = load_scenario_arg(args.file, args.lang)
    pop = population_arg(args)
    alloc = sk.propose_county_split(pop, scenario)
    table = alloc.comparison()
    if args.json:
        print(
            json_text(
                {
                    "scenario": scenario.name,
                    "population": pop.label,
                    "counties_losing_points_default": alloc.counties_losing_default,
                    "counties_losing_points_proposed": alloc.counties_losing_proposed,
                    "default_county_shares": dict(zip(COUNTIES, alloc.default_shares.tolist(), strict=True)),
                    "proposed_county_shares": dict(zip(COUNTIES, alloc.proposed_shares.tolist(), strict=True)),
                    "rounds_kept": alloc.rounds,
                    "counties": table.to_dict(orient="records"),
                }
            )
        )
        return 0
    zh = args.lang == "zh"
    print(f"{scenario.name} — {pop.label}")
    print(
        (
            "高于全市下降户占比的县数（2023年平均）：按户数 {0} → 建议 {1}"
            if zh
            else "Counties above the city falling share (2023 average): proportional {0} → proposed {1}"
        ).format(alloc.counties_losing_default, alloc.counties_losing_proposed)
    )
    cols = [
        "county" if zh else "county_en",
        "share_default",
        "share_proposed",
        "points_lost_2023_default",
        "points_lost_2023_proposed",
        "production_growth_2023_change",
        "wudan_default",
        "wudan_proposed",
    ]
    view = table[cols].copy()
    for c in cols[1:3]:
        view[c] = view[c].map("{:.1%}".format)
    view["production_growth_2023_change"] = view["production_growth_2023_change"].map("{:+.2%}".format)
    for c in cols[3:5]:
        view[c] = view[c].map("{:.2f}".format)
    print(view.to_string(index=False))
    print("points: 分/季度 (points per quarter, 2023 average over draws); shares: share 0–1 of every programme's funds")
    return 0


def register(sub) -> None:
    """Add ``seek`` and ``allocate`` to the command line's subparsers."""
    seek = sub.add_parser(
        "seek",
        help="least value of one lever that meets a target with a required probability",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    seek.add_argument("file", help="scenario file (.toml or .json)")
    seek.add_argument("--target", required=True, help=TARGET_HELP)
    seek.add_argument("--lever", required=True, help=LEVER_HELP)
    seek.add_argument(
        "--probability",
        type=float,
        help="required probability 0–1 (default: the scenario's targets.required_probability)",
    )
    seek.add_argument(
        "--level",
        type=float,
        help="the target's level (default: 0.20 for N1, 0.18 for N2, the "
        "scenario's targets.falling_share_max for N3, wudan_points_threshold for N4, 0 points)",
    )
    seek.add_argument(
        "--search-draws",
        type=int,
        help="fewer draws for the bisection; the answer is re-checked at the scenario's draws",
    )
    seek.add_argument("--frontier", metavar="LEVER2", help="also compute the grid over --lever × LEVER2")
    seek.add_argument("--points", type=int, default=5, help="grid points per lever for --frontier (2–12, default 5)")
    seek.add_argument("--frontier-draws", type=int, help="draws per grid cell (default: the scenario's)")
    seek.add_argument("--chart", help="write the frontier chart to this .html file")
    add_cluster_arguments(seek, "the frontier runs in this process")
    seek.add_argument("--json", action="store_true", help="print one JSON object")
    seek.add_argument("--households", help="household table (CSV or XLSX) instead of the embedded population")
    seek.set_defaults(func=cmd_seek)
    allocate = sub.add_parser("allocate", help="compare the proportional county split with a proposed one")
    allocate.add_argument("file", help="scenario file (.toml or .json)")
    allocate.add_argument("--json", action="store_true", help="print one JSON object")
    allocate.add_argument("--households", help="household table (CSV or XLSX)")
    allocate.set_defaults(func=cmd_allocate)
