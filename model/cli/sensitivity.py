"""``sensitivity``: which assumptions and levers N1, N2, N3 and the below-line share depend on.

``sensitivity SCENARIO [--json] [--out FILE] [--scheduler tcp://HOST:8786 | --workers N] [budget options]``
screens every assumption (over its own drawing range) and every lever (over its planning range,
``model/parameters/sensitivity.toml``) with Morris, then runs Sobol' on the few that matter (on a weighted sample
of the households, whose ranking is checked against the full screening). The points run on the sweep runner: a
Dask LocalCluster with one worker per core by default, a cluster with ``--scheduler``, this process with
``--workers 0``. The result is written as JSON (default ``out/sensitivity/<scenario file stem>.json``, which the
page's sensitivity panel reads) and summarised as a table per output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from model.analyses import sensitivity
from model.analyses.sensitivity import (
    OUTPUTS,
    default_budget,
    depends_mostly_on,
    ranking,
    run_sensitivity,
    with_budget,
)
from model.cli.common import (
    ProgressLine,
    add_cluster_arguments,
    bounded,
    load_scenario_arg,
    open_backend,
    pad,
    text_width,
)
from model.population.synth import default_population, sample_population
from model.schema.text import pick
from model.sweep.populations import EmbeddedPopulation
from model.sweep.runner import OnDask

TABLE_ROWS = 8
SUMMARY_HEAD = (
    ("因素", "类别", "μ*（百分点）", "μ* 95%区间±", "一阶 S1", "总效应 ST"),
    ("factor", "kind", "μ* (pp)", "μ* 95% CI ±", "S1", "ST"),
)
LIMITS = {
    "trajectories": (2, 200),
    "draws": (1, 1_000),
    "base_samples": (4, 4_096),
    "sobol_factors": (1, 20),
    "sample": (0, 252_514),
    "population_sample": (500, 252_514),
}
STAGES = {
    "morris": ("Morris 筛选（全部人口）", "Morris screening (all households)"),
    "morris-sample": ("Morris 筛选（加权样本）", "Morris screening (weighted sample)"),
    "sobol": ("Sobol' 指数", "Sobol' indices"),
}
TEXTS = {
    "progress": (
        "{done}/{total} 个点 · {rate:.2f} 点/秒 · 约剩 {left:.0f} 秒",
        "{done}/{total} points · {rate:.2f} points/s · about {left:.0f} s left",
    ),
    "written": ("结果已写入 {path}", "result written to {path}"),
}


def default_out(scenario_path: str) -> Path:
    """Where the result of a scenario file goes unless ``--out`` says otherwise (the page looks there)."""
    return sensitivity.RESULTS_DIR / f"{Path(scenario_path).stem}.json"


def _bounded(name: str):
    return bounded(int, *LIMITS[name])


class _StageProgress:
    """One progress line per stage of the analysis."""

    def __init__(self, lang: str):
        self.lang, self.stage, self.line = lang, None, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            print(pick(STAGES[stage], self.lang), file=sys.stderr, flush=True)
            self.stage, self.line = stage, ProgressLine(self.lang, TEXTS["progress"])
        self.line(done, total)


def render_summary(result: dict, lang: str, rows: int = TABLE_ROWS) -> str:
    """Per output: the sentence, then the factors by total-order index (Sobol'), then by μ* (Morris)."""
    zh = lang == "zh"
    head = SUMMARY_HEAD[0 if zh else 1]
    roles = {"assumption": "假设", "lever": "杠杆"} if zh else {}
    out = []
    for key in OUTPUTS:
        lines = [head]
        for r in ranking(result, key)[:rows]:
            lines.append(
                (
                    r["label_zh"] if zh else r["label_en"],
                    roles.get(r["role"], r["role"]),
                    f"{r['mu_star'] * 100:.2f}",
                    f"{r['mu_star_conf'] * 100:.2f}",
                    "—" if r.get("S1") is None else f"{r['S1']:.2f} ± {r['S1_conf']:.2f}",
                    "—" if r.get("ST") is None else f"{r['ST']:.2f} ± {r['ST_conf']:.2f}",
                )
            )
        widths = [max(text_width(line[i]) for line in lines) for i in range(len(head))]
        table = ["  ".join(pad(cell, widths[i]) for i, cell in enumerate(line)) for line in lines]
        table.insert(1, "  ".join("-" * w for w in widths))
        out.append(depends_mostly_on(result, key, lang))
        out.extend(table)
        out.append("")
    return "\n".join(out)


def compute(args: argparse.Namespace, scenario_path: str, out: str | None) -> dict:
    """Run the analysis of ``scenario_path`` with the command line's budget and cluster options; write its JSON."""
    scenario = load_scenario_arg(scenario_path, args.lang)
    budget = with_budget(
        default_budget(),
        trajectories=args.trajectories,
        draws=args.draws,
        base_samples=args.base_samples,
        sobol_factors=args.sobol_factors,
        sample_households=args.sample,
    )
    whole = getattr(args, "population_sample", None)
    sample = sample_population(budget.sample_households) if budget.sample_households and not whole else None
    with open_backend(args, local_cluster_by_default=True) as backend:
        if whole:
            population = sample_population(whole)
        else:
            population = EmbeddedPopulation() if isinstance(backend, OnDask) else default_population()
        result = run_sensitivity(scenario, population, backend, budget, sample, progress=_StageProgress(args.lang))
    path = Path(out) if out else default_out(scenario_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
    print(pick(TEXTS["written"], args.lang, path=path), file=sys.stderr)
    return result


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``sensitivity SCENARIO``: Morris then Sobol'; JSON to a file, a summary to the terminal."""
    result = compute(args, args.file, args.out)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, allow_nan=False))
    else:
        print(render_summary(result, args.lang))
    return 0


def add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that change the analysis's budget (defaults from model/parameters/sensitivity.toml)."""
    b = default_budget()
    parser.add_argument(
        "--trajectories", type=_bounded("trajectories"), help=f"Morris trajectories (default {b.trajectories})"
    )
    parser.add_argument("--draws", type=_bounded("draws"), help=f"Monte Carlo draws per point (default {b.draws})")
    parser.add_argument(
        "--base-samples", type=_bounded("base_samples"), help=f"Sobol' base samples N (default {b.base_samples})"
    )
    parser.add_argument(
        "--sobol-factors",
        type=_bounded("sobol_factors"),
        help=f"factors carried from the screening to Sobol' (default {b.sobol_factors})",
    )
    parser.add_argument(
        "--sample",
        type=_bounded("sample"),
        help=f"households of the weighted sample for the Sobol' stage, 0 for all (default {b.sample_households:,})",
    )
    parser.add_argument(
        "--population-sample",
        type=_bounded("population_sample"),
        help="run the whole analysis (screening too) on a weighted sample of this many households: a quick look",
    )


def register(sub) -> None:
    """Add ``sensitivity`` to the command line's subparsers."""
    sens = sub.add_parser(
        "sensitivity",
        help="global sensitivity (Morris, then Sobol') of N1, N2, N3 and the below-line share",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sens.add_argument("file", help="scenario file (.toml or .json)")
    sens.add_argument("--json", action="store_true", help="print the whole result as JSON")
    sens.add_argument("--out", help="where to write the JSON result (default out/sensitivity/<file stem>.json)")
    add_cluster_arguments(sens, "one per core, here {cores}")
    add_budget_arguments(sens)
    sens.set_defaults(func=cmd_sensitivity)
