"""``province``: one scenario on the synthetic Yunnan province, its counties partitioned across Dask workers.

``province SCENARIO [--scheduler tcp://HOST:8786 | --workers N] [--share S] [--json] [--out DIR]`` builds every
county's households on the worker that simulates it (docs/SCALE.md), runs the scenario — a Qujing scenario, whose
city-wide amounts each prefecture receives in proportion to its households — and prints the province's targets;
``--out`` writes the same CSV tables as ``run --out``, with a ``region`` column naming each county's prefecture.
N3/N4 assess each county within its own prefecture. ``--share`` runs a miniature province (every county's
households and programmes times the share) for a quick look.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from model.cli.common import (
    ProgressLine,
    add_cluster_arguments,
    bounded,
    json_checks,
    load_scenario_arg,
    open_backend,
    render_table,
)
from model.cli.run import write_tables
from model.population.province import yunnan
from model.schema.text import pick
from model.sweep.province import run_province

TEXTS = {
    "progress": (
        "{done}/{total} 个县级单位 · {rate:.2f} 个/秒 · 约剩 {left:.0f} 秒",
        "{done}/{total} counties · {rate:.2f} counties/s · about {left:.0f} s left",
    ),
    "exceeded": ("超出吸纳能力：", "beyond what the province can absorb: "),
}


def cmd_province(args: argparse.Namespace) -> int:
    """``province SCENARIO``: the province's targets (and tables with ``--out``)."""
    scenario = load_scenario_arg(args.file, args.lang)
    province = yunnan() if args.share == 1 else yunnan().miniature(args.share)
    with open_backend(args, local_cluster_by_default=True) as backend:
        run = run_province(province, scenario, backend, progress=ProgressLine(args.lang, TEXTS["progress"]))
    if args.out:
        write_tables(run, Path(args.out), args.lang)
    exceeded = [f.label(args.lang) for f in run.capacity.values() if f.exceeded]
    if args.json:
        out = {
            "scenario": scenario.name,
            "population": run.population_label,
            "counties": province.n_counties,
            "prefectures": [r.name for r in province.prefectures],
            "households": province.households,
            "draws": run.result.draws,
            "capacity_exceeded": [k for k, f in run.capacity.items() if f.exceeded],
            **json_checks(run.targets),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2, allow_nan=False))
        return 0
    print(f"{scenario.name} — {run.population_label}, {run.result.draws} draws")
    print(render_table(run.targets, args.lang))
    if exceeded:
        print(pick(TEXTS["exceeded"], args.lang) + ", ".join(exceeded), file=sys.stderr)
    return 0


def register(sub) -> None:
    """Add ``province`` to the command line's subparsers."""
    province = sub.add_parser(
        "province",
        help="run a scenario on the synthetic Yunnan province (counties partitioned across Dask workers)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    province.add_argument("file", help="scenario file (.toml or .json)")
    add_cluster_arguments(province, "one per core, here {cores}")
    province.add_argument(
        "--share",
        type=bounded(float, 0.001, 1),
        default=1.0,
        help="run a miniature province: every county's households and programmes times this share (0.001–1)",
    )
    province.add_argument("--json", action="store_true", help="print one JSON object")
    province.add_argument("--out", help="write the result tables as CSV into this folder")
    province.set_defaults(func=cmd_province)
