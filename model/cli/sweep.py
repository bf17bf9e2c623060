"""Command line for many scenarios: ``python -m model sweep`` and ``python -m model discover``.

``sweep DESIGN.toml --out DIR [--scheduler tcp://HOST:8786 | --workers N] [--households FILE] [--json]`` runs
every point of a design (docs/SCALE.md) not yet in ``DIR/results.parquet``: on a LocalCluster with one worker
per core by default, on a running cluster with ``--scheduler``, or in this process with ``--workers 0``.
Progress goes to standard error; an interrupted sweep (Ctrl-C, a kill) keeps what it finished and the same
command finishes the rest.

``discover DIR --target N1 [--target N2 ...] [--probability 0.8] [--dimensions levers|all] [--json]`` finds
the simplest box of lever values in which the targets are met in at least that share of the sweep's points.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from model.analyses.discover import DEFAULT_DENSITY, DIMENSIONS, DiscoverError, discover
from model.cli.common import BadInput, ProgressLine, add_cluster_arguments, json_text, open_backend, population_arg
from model.schema.text import pick
from model.sweep.design import DesignError, load_design
from model.sweep.populations import EmbeddedPopulation
from model.sweep.runner import SweepError, run_sweep
from model.sweep.store import RESULTS_FILE, ResultsError, read_results

EXIT_INTERRUPTED = 130
TEXTS = {
    "progress": (
        "{done}/{total} 个点 · {rate:.2f} 点/秒 · 约剩 {left:.0f} 秒",
        "{done}/{total} points · {rate:.2f} points/s · about {left:.0f} s left",
    ),
    "done": (
        "{design}：共 {points} 个点，已有 {already} 个，本次运行 {run} 个，用时 {seconds:.1f} 秒 → {path}",
        "{design}: {points} points, {already} already done, {run} run now in {seconds:.1f} s → {path}",
    ),
    "interrupted": (
        "已中断：{path} 中保留了已完成的 {done} 个点；再次运行同一命令即可完成其余的点",
        "interrupted: {path} keeps the {done} points finished; run the same command again to finish the rest",
    ),
}


def _say(key: str, lang: str, **values: object) -> None:
    print(pick(TEXTS[key], lang, **values), file=sys.stderr, flush=True)


def _population(args: argparse.Namespace):
    """The embedded population by reference (built on the workers), or the imported table."""
    return population_arg(args) if args.households else EmbeddedPopulation()


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """A kill (SIGTERM) stops the sweep like Ctrl-C: rows finished so far are written, the cluster is closed."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace, design, backend) -> int:
    progress = ProgressLine(args.lang, TEXTS["progress"])
    try:
        with _terminate_as_interrupt():
            summary = run_sweep(design, args.out, backend, _population(args), progress=progress)
    except KeyboardInterrupt:
        path = Path(args.out) / RESULTS_FILE
        done = len(read_results(path).frame) if path.exists() else 0
        print(file=sys.stderr)
        _say("interrupted", args.lang, path=path, done=done)
        return EXIT_INTERRUPTED
    if args.json:
        print(json_text(summary.as_dict()))
    else:
        print(
            pick(
                TEXTS["done"],
                args.lang,
                design=summary.design,
                points=summary.points,
                already=summary.already_done,
                run=summary.run_now,
                seconds=summary.seconds,
                path=summary.path,
            )
        )
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """``sweep``: every point of a design not yet in ``DIR/results.parquet``."""
    try:
        design = load_design(args.design)
    except DesignError as exc:
        raise BadInput(f"{args.design}: " + "; ".join(p.message(args.lang) for p in exc.problems)) from None
    try:
        with open_backend(args, local_cluster_by_default=True) as backend:
            return _run(args, design, backend)
    except SweepError as exc:
        raise BadInput(exc.message(args.lang)) from None
    except DesignError as exc:
        raise BadInput(f"{args.design}: " + "; ".join(p.message(args.lang) for p in exc.problems)) from None


def cmd_discover(args: argparse.Namespace) -> int:
    """``discover``: the simplest lever box in which the targets are met."""
    path = Path(args.dir) / RESULTS_FILE if Path(args.dir).is_dir() else Path(args.dir)
    try:
        results = read_results(path)
        found = discover(results, args.target, args.probability, args.dimensions)
    except ResultsError as exc:
        raise BadInput(f"{path}: " + "; ".join(p.message(args.lang) for p in exc.problems)) from None
    except DiscoverError as exc:
        raise BadInput(exc.message(args.lang)) from None
    if args.json:
        print(json_text(found.as_dict()))
    else:
        print(found.message(args.lang))
    return 0


def register(sub) -> None:
    """Add ``sweep`` and ``discover`` to the command line's subparsers."""
    sweep = sub.add_parser(
        "sweep",
        help="run every point of a design file (grid, Latin hypercube, Morris, Sobol) on a Dask cluster",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument("design", help="design file (.toml), e.g. designs/notice_lhs64.toml")
    sweep.add_argument("--out", required=True, help="output folder; results go to OUT/results.parquet")
    add_cluster_arguments(sweep, "one per core, here {cores}")
    sweep.add_argument("--households", help="household table (CSV or XLSX) instead of the embedded population")
    sweep.add_argument("--json", action="store_true", help="print a JSON summary")
    sweep.set_defaults(func=cmd_sweep)
    disc = sub.add_parser(
        "discover",
        help="the simplest lever box in which targets are met, from a sweep's results",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    disc.add_argument("dir", help="a sweep's output folder (or its results.parquet)")
    disc.add_argument("--target", action="append", required=True, help="a target key such as N1 (repeat for several)")
    disc.add_argument(
        "--probability",
        type=float,
        default=DEFAULT_DENSITY,
        help=f"least share of the box's points that must meet the targets (0–1, default {DEFAULT_DENSITY})",
    )
    disc.add_argument(
        "--dimensions",
        choices=DIMENSIONS,
        default="levers",
        help="restrict the box over the levers only (default) or over every varied factor",
    )
    disc.add_argument("--json", action="store_true", help="print one JSON object")
    disc.set_defaults(func=cmd_discover)
