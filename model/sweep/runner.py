"""The sweep runner: evaluate many scenarios on one population, in this process or on a Dask cluster.

One code path serves sweeps, the two-lever frontier and the goal-seek grid: a list of :class:`PointTask` (small,
picklable: the point's id, place, factor values and scenario as plain data), a population source and a
*measure* (what to keep of each run, a picklable callable) go to :func:`evaluate_points`, which yields one row
per point as points finish, from one of two backends:

- :class:`InProcess` — points one after another in this process, the engine on its own threads. For the page's
  small grids: the population is already in the page's memory (perhaps an imported table), so no process is
  started and nothing is copied, and the engine's threads already use the machine's cores.
- :class:`OnDask` — every point a task on a ``distributed`` cluster (a ``LocalCluster`` or a real one), one
  engine thread per worker process (one worker per core is the layout that scales). The embedded population is
  built on each worker; a population only the client holds is broadcast once.

Common random numbers: every point runs with the scenario's own seed, so points differ only by their values, and
a point's numbers do not depend on where or next to what it ran (the engine's block sums are in a fixed order
whatever its thread count) — the same seed gives the same row on 1 worker, 2 workers or a cluster.

:func:`run_sweep` adds ids, resuming and ``results.parquet`` around the same :func:`evaluate_points`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from model.engine.run import Run, run_scenario
from model.engine.targets import p_met_se
from model.population.table import Population
from model.schema.scenario import Scenario, scenario_from_dict
from model.schema.text import BilingualError
from model.sweep.design import Design
from model.sweep.identity import content_id, model_fingerprint, point_id, scenario_content
from model.sweep.populations import PopulationSource, fingerprint_of, label_of, resolve
from model.sweep.store import FORMAT_VERSION, RESULTS_FILE, ResultsError, read_results, write_results

ENGINE_THREADS_ON_WORKERS = 1
FLUSH_SECONDS = 2.0
FLUSH_ROWS = 256

Progress = Callable[[int, int], None]


class SweepError(BilingualError):
    """A sweep that cannot go on (e.g. its output folder holds another sweep); the message is bilingual."""


# ------------------------------------------------------------------------------------------------ one point
def simulate_point(pop: Population, scenario: Scenario, threads: int | None) -> Run:
    """The one engine call of every sweep, frontier and grid point (the thread setting lives here)."""
    return run_scenario(pop, scenario, threads=threads)


class Measure(Protocol):
    """What to keep of one run: a flat dict of plain values (a module-level, picklable callable)."""

    def __call__(self, run: Run) -> dict[str, Any]:
        """The values kept of ``run``."""
        ...


@dataclass(frozen=True)
class TargetsMeasure:
    """Every target of the notice: value, P(met), its Monte Carlo standard error, verdict; draws and seed."""

    def __call__(self, run: Run) -> dict[str, Any]:
        """The row's target columns."""
        draws = run.scenario.simulation.draws
        row: dict[str, Any] = {"draws": draws, "seed": run.scenario.simulation.seed}
        for key, check in run.targets.items():
            row[f"{key}_value"] = check.value
            row[f"{key}_p_met"] = check.probability
            row[f"{key}_p_met_se"] = p_met_se(check)
            row[f"{key}_met"] = check.met
        return row


@dataclass(frozen=True)
class PointTask:
    """What a worker needs for one point; the scenario travels as plain data and is re-validated there."""

    point_id: str
    index: int
    values: dict[str, Any]
    scenario: dict[str, Any]


def evaluate_point(population: PopulationSource, task: PointTask, measure: Measure, threads: int | None) -> dict:
    """Run one point and return its row (this is the function the workers run)."""
    pop = resolve(population)
    scenario = scenario_from_dict(task.scenario)
    start = time.perf_counter()
    run = simulate_point(pop, scenario, threads)
    row = {"point_id": task.point_id, "point_index": task.index, **task.values, **measure(run)}
    row["seconds"] = time.perf_counter() - start
    return row


def tasks_for(points: Iterable[tuple[int, dict[str, Any], Scenario]], population_fingerprint: str) -> list[PointTask]:
    """Tasks for (index, values, scenario) triples; a repeated scenario is run once (first index kept)."""
    out, seen = [], set()
    for index, values, scenario in points:
        pid = point_id(scenario, population_fingerprint)
        if pid in seen:
            continue
        seen.add(pid)
        out.append(PointTask(pid, index, dict(values), scenario.model_dump()))
    return out


# ------------------------------------------------------------------------------------------------ backends
class InProcess:
    """Points one after another in this process, the engine on its own threads (the page's small grids)."""

    engine_threads: int | None = None

    def fingerprint(self, population: PopulationSource) -> str:
        """The population's fingerprint."""
        return fingerprint_of(population)

    def rows(self, population: PopulationSource, tasks: list[PointTask], measure: Measure) -> Iterator[dict]:
        """Rows in task order."""
        pop = resolve(population)
        for task in tasks:
            yield evaluate_point(pop, task, measure, self.engine_threads)


class OnDask:
    """Every point a task on a Dask cluster; rows arrive as points finish (any order)."""

    engine_threads = ENGINE_THREADS_ON_WORKERS

    def __init__(self, client):
        self.client = client

    def _source(self, population: PopulationSource):
        if isinstance(population, Population):
            return self.client.scatter(population, broadcast=True, hash=False)
        return population

    def fingerprint(self, population: PopulationSource) -> str:
        """The population's fingerprint, computed on a worker (which also builds and caches it there)."""
        if isinstance(population, Population):
            return population.fingerprint
        return self.client.submit(fingerprint_of, population, pure=False).result()

    def rows(self, population: PopulationSource, tasks: list[PointTask], measure: Measure) -> Iterator[dict]:
        """Rows as the workers finish them."""
        from distributed import as_completed

        source = self._source(population)
        futures = [
            self.client.submit(
                evaluate_point, source, task, measure, self.engine_threads, key=f"point-{task.point_id}", pure=False
            )
            for task in tasks
        ]
        try:
            for future in as_completed(futures):
                row = future.result()
                future.release()
                yield row
        finally:
            for future in futures:
                future.cancel()


Backend = InProcess | OnDask


def evaluate_points(
    backend: Backend, population: PopulationSource, tasks: list[PointTask], measure: Measure
) -> Iterator[tuple[int, dict]]:
    """(points finished so far, row) for each task as it finishes.

    Callers report progress after they have kept the row, so a stop in a progress callback loses nothing.
    """
    yield from enumerate(backend.rows(population, tasks, measure), start=1)


def evaluate_frame(
    backend: Backend,
    population: PopulationSource,
    points: Iterable[tuple[int, dict[str, Any], Scenario]],
    measure: Measure,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Evaluate (index, values, scenario) points without storing them: a frame in point order (frontier, grids)."""
    fingerprint = backend.fingerprint(population)
    tasks = tasks_for(points, fingerprint)
    rows = []
    for done, row in evaluate_points(backend, population, tasks, measure):
        rows.append(row)
        if progress is not None:
            progress(done, len(tasks))
    return pd.DataFrame(rows).sort_values("point_index").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ sweeps
@dataclass(frozen=True)
class SweepSummary:
    """What a sweep did: points in the design, already present, run now, seconds, output file."""

    design: str
    points: int
    unique_points: int
    already_done: int
    run_now: int
    seconds: float
    path: Path

    @property
    def points_per_second(self) -> float:
        """Points run now per second of wall time."""
        return self.run_now / self.seconds if self.seconds > 0 else math.nan

    def as_dict(self) -> dict:
        """JSON-ready dict."""
        return {
            "design": self.design,
            "points": self.points,
            "unique_points": self.unique_points,
            "already_done": self.already_done,
            "run_now": self.run_now,
            "seconds": round(self.seconds, 3),
            "points_per_second": None if math.isnan(self.points_per_second) else round(self.points_per_second, 4),
            "results": str(self.path),
        }


def sweep_manifest(design: Design, population: PopulationSource, population_fingerprint: str) -> dict:
    """The description written with the results."""
    base = design.base_with_settings
    manifest = {
        "format_version": FORMAT_VERSION,
        "design": design.as_dict(),
        "base_content_id": content_id(scenario_content(base)),
        "population": {"label": label_of(population), "fingerprint": population_fingerprint},
        "model_fingerprint": model_fingerprint(),
        "required_probability": base.targets.required_probability,
        "draws": base.simulation.draws,
        "seed": base.simulation.seed,
    }
    manifest["design_id"] = content_id(manifest)
    return manifest


class _Store:
    """The rows of one sweep, flushed to ``results.parquet`` atomically at most every few seconds."""

    def __init__(self, path: Path, manifest: dict, ids: set[str], factor_names: list[str]):
        self.path, self.manifest = path, manifest
        self.frame = pd.DataFrame()
        if path.exists():
            existing = read_results(path)
            stray = existing.point_ids - ids
            names = [f.name for f in existing.factors]
            if stray or names != factor_names:
                raise SweepError(
                    f"{path} 中有 {len(stray)} 个点不属于本设计（另一设计、基础方案、人口或模型版本）；"
                    "请换一个 --out 目录或删除该文件",
                    f"{path} holds {len(stray)} points that are not in this design (another design, base scenario, "
                    "population or model version): choose another --out folder or remove the file",
                )
            self.frame = existing.frame
        self.pending: list[dict] = []
        self.last_flush = time.monotonic()

    @property
    def done(self) -> set[str]:
        return set(self.frame["point_id"]) if len(self.frame) else set()

    def add(self, row: dict) -> None:
        self.pending.append(row)
        if len(self.pending) >= FLUSH_ROWS or time.monotonic() - self.last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        frame = pd.concat([self.frame, pd.DataFrame(self.pending)], ignore_index=True) if self.pending else self.frame
        self.frame = frame.sort_values("point_index").reset_index(drop=True) if len(frame) else frame
        write_results(self.path, self.frame, self.manifest)
        self.pending, self.last_flush = [], time.monotonic()


def run_sweep(
    design: Design,
    out_dir: str | Path,
    backend: Backend,
    population: PopulationSource,
    progress: Progress | None = None,
) -> SweepSummary:
    """Run every point of ``design`` not yet in ``out_dir/results.parquet`` and keep the file up to date.

    Rows are written as points finish (atomically, at most every ``FLUSH_SECONDS``) so an interrupted sweep keeps
    what it finished; running it again evaluates only the points whose ids are missing.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = backend.fingerprint(population)
    points = design.design_points()
    tasks = tasks_for(((p.index, p.values, p.scenario) for p in points), fingerprint)
    manifest = sweep_manifest(design, population, fingerprint)
    try:
        store = _Store(out / RESULTS_FILE, manifest, {t.point_id for t in tasks}, [f.name for f in design.factors])
    except ResultsError as exc:
        raise SweepError(
            f"{out / RESULTS_FILE} 无法续算：{exc.message('zh')}",
            f"{out / RESULTS_FILE} cannot be resumed: {exc.message('en')}",
        ) from None
    done = store.done
    todo = [t for t in tasks if t.point_id not in done]
    start = time.perf_counter()
    try:
        for done, row in evaluate_points(backend, population, todo, TargetsMeasure()):
            store.add(row)
            if progress is not None:
                progress(done, len(todo))
    finally:
        store.flush()
    return SweepSummary(
        design=design.name,
        points=len(points),
        unique_points=len(tasks),
        already_done=len(tasks) - len(todo),
        run_now=len(todo),
        seconds=time.perf_counter() - start,
        path=store.path,
    )
