"""What every command shares: refusals as one line, value formatting, loading a scenario or a population."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from model.engine.targets import CHECK_KEYS, TargetCheck, p_met_text
from model.population.synth import default_population
from model.population.table import PopulationError
from model.schema.scenario import Scenario, ScenarioError, load_scenario
from model.schema.text import pick
from model.sweep.cluster import ClusterError, dashboard_available, dashboard_link, dask_client, machine_workers
from model.sweep.runner import InProcess, OnDask

EXIT_BAD_INPUT = 2
TABLE_KEYS = CHECK_KEYS


class BadInput(Exception):
    """An input the user must fix; the message is printed as one line."""


class BadInputReport(BadInput):
    """An input refused with a row-by-row report; the message is printed line by line."""


class ProgressLine:
    """A progress line on standard error: rewritten in place on a terminal, every tenth of the way otherwise.

    ``texts`` (zh, en) is formatted with ``done``, ``total``, ``rate`` (per second) and ``left`` (seconds). A count
    that steps back starts a new round (a province run adding draws) with its own clock.
    """

    def __init__(self, lang: str, texts: tuple[str, str]):
        self.lang, self.texts, self.start, self.last_tenth = lang, texts, time.perf_counter(), -1
        self.last_done = 0
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        """Report ``done`` of ``total``."""
        if done < self.last_done:
            self.start, self.last_tenth = time.perf_counter(), -1
        self.last_done = done
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = done / elapsed
        text = pick(self.texts, self.lang, done=done, total=total, rate=rate, left=(total - done) / rate)
        tenth = done * 10 // max(total, 1)
        if self.tty:
            print("\r" + text, end="\n" if done == total else "", file=sys.stderr, flush=True)
        elif tenth != self.last_tenth:
            print(text, file=sys.stderr, flush=True)
        self.last_tenth = tenth


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
        prob = p_met_text(c)
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


CLUSTER_TEXTS = {
    "cluster": ("Dask 集群：{workers} 个工作进程 · {address}", "Dask cluster: {workers} workers · {address}"),
    "dashboard": ("Dask 仪表板：{link}", "Dask dashboard: {link}"),
    "no_dashboard": (
        "（安装 bokeh 后可在浏览器中查看 Dask 仪表板）",
        "(install bokeh to see the Dask dashboard in a browser)",
    ),
    "in_process": ("在本进程中逐点运行", "running the points one by one in this process"),
}


def bounded(kind: type, low: float, high: float | None = None) -> Callable[[str], float]:
    """An argparse type: a whole number (``kind`` int) or a number within [low, high], refused naming the range."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a {'whole number' if kind is int else 'number'}"
            ) from None
        if high is None and value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}")
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside the allowed range {low:,}–{high:,}")
        return value

    return parse


def add_cluster_arguments(parser: argparse.ArgumentParser, default: str) -> None:
    """``--scheduler`` and ``--workers`` (``default`` says what happens without them; ``{cores}`` is filled)."""
    parser.add_argument("--scheduler", help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument(
        "--workers",
        type=bounded(int, 0),
        help=f"worker processes of a local Dask cluster (default: {default.format(cores=machine_workers())}); "
        "0 runs the points in this process",
    )


@contextmanager
def open_backend(args: argparse.Namespace, local_cluster_by_default: bool) -> Iterator[InProcess | OnDask]:
    """Where many points run: this process, a LocalCluster, or the cluster at ``--scheduler``.

    Says on standard error which one, with the Dask dashboard's address when it is served.
    """
    scheduler, workers = getattr(args, "scheduler", None), getattr(args, "workers", None)
    if scheduler and workers is not None:
        raise BadInput("--workers applies to the local cluster only; leave it out with --scheduler")
    if workers == 0 or (workers is None and not scheduler and not local_cluster_by_default):
        print(pick(CLUSTER_TEXTS["in_process"], args.lang), file=sys.stderr, flush=True)
        yield InProcess()
        return
    try:
        with dask_client(scheduler, workers) as client:
            n = len(client.scheduler_info()["workers"])
            say = pick(CLUSTER_TEXTS["cluster"], args.lang, workers=n, address=client.scheduler.address)
            print(say, file=sys.stderr, flush=True)
            link = dashboard_link(client)
            if link:
                print(pick(CLUSTER_TEXTS["dashboard"], args.lang, link=link), file=sys.stderr, flush=True)
            elif not dashboard_available():
                print(pick(CLUSTER_TEXTS["no_dashboard"], args.lang), file=sys.stderr, flush=True)
            yield OnDask(client)
    except ClusterError as exc:
        raise BadInput(exc.message(args.lang)) from None
