"""A province run: one scenario on every county of a province, the counties partitioned across Dask workers.

Each county is a task: the worker builds the county's households from its :class:`CountyRef` (they are never
gathered on one machine), simulates them as part of their prefecture's region — the price and wage shocks are
keyed by the prefecture's name, so every county of a prefecture sees the same ones whichever worker runs it — and
keeps the result with its per-household arrays. Only each county's sums and its income histogram travel back
(:meth:`SimulationResult.without_households`); the client combines them into prefectures
(:func:`~model.engine.result.combine`) and the prefectures into the province
(:func:`~model.engine.result.concat`), each county assessed within its own prefecture (N3/N4). A verdict run grows
its draws as a city run does (:func:`~model.engine.run.grow_draws`): the extra draws of a county run on the
worker that holds it and are appended there.

Everything is a function of the seed and of names (households, villages, counties, prefectures), and county sums
are exact, so the same seed gives the same tables in this process, on 1 worker, 2 workers or a cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from model.engine.result import SimulationResult, combine, concat
from model.engine.run import Run, grow_draws
from model.engine.simulate import simulate
from model.population.province import CountyRef, Province
from model.population.table import Population
from model.schema.scenario import Scenario, scenario_from_dict
from model.sweep.runner import ENGINE_THREADS_ON_WORKERS, InProcess, OnDask

PROVINCE_TOTAL = ("全省", "province")
PROVINCE_LABEL = "{name}合成人口（{n_counties} 个县级单位，{households:,} 户）/ Synthetic province"

Progress = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class CountyPart:
    """One county simulated on a worker: its households and its result with the per-household arrays."""

    pop: Population
    result: SimulationResult


def start_county(ref: CountyRef, scenario: dict[str, Any], held: frozenset[str], threads: int | None) -> CountyPart:
    """Build one county's households and simulate the scenario's draws on them (a worker's task)."""
    pop = ref.load()
    return CountyPart(pop, simulate(pop, scenario_from_dict(scenario), held=held, threads=threads))


def extend_county(
    part: CountyPart, scenario: dict[str, Any], wanted: int, held: frozenset[str], threads: int | None
) -> CountyPart:
    """The county with draws up to ``wanted``: only the new draws are simulated (runs where the part is)."""
    have = part.result.draws
    more = simulate(
        part.pop, scenario_from_dict(scenario), draws=wanted - have, first_draw=have, held=held, threads=threads
    )
    return CountyPart(part.pop, part.result.extend(more))


def county_summary(part: CountyPart) -> SimulationResult:
    """What travels back from a county: its sums and its income histogram."""
    return part.result.without_households()


@dataclass(frozen=True)
class _Pending:
    """A county task not yet run in this process."""

    fn: Callable
    item: Any
    args: tuple


class _Here:
    """Counties one after another in this process (the engine's own threads).

    A task runs when its summary is asked for, so progress follows the work.
    """

    threads = InProcess.engine_threads

    def map(self, fn: Callable, items: Sequence, *args: Any) -> list:
        return [_Pending(fn, item, args) for item in items]

    def summaries(self, parts: list, progress: Progress | None) -> Iterator[SimulationResult]:
        for done, part in enumerate(parts, start=1):
            if isinstance(part, _Pending):
                parts[done - 1] = part = part.fn(part.item, *part.args)
            yield county_summary(part)
            if progress is not None:
                progress(done, len(parts))

    def release(self, parts: list) -> None:
        """Nothing to release in this process."""

    def cancel(self, parts: list) -> None:
        """Nothing runs in the background in this process."""


class _OnCluster:
    """Every county a task on a Dask cluster; a county's parts stay on the worker that computed them."""

    threads = ENGINE_THREADS_ON_WORKERS

    def __init__(self, client):
        self.client = client

    def map(self, fn: Callable, items: Sequence, *args: Any) -> list:
        return [self.client.submit(fn, item, *args, pure=False) for item in items]

    def summaries(self, parts: list, progress: Progress | None) -> Iterator[SimulationResult]:
        from distributed import as_completed

        futures = [self.client.submit(county_summary, p, pure=False) for p in parts]
        try:
            for done, _ in enumerate(as_completed(futures), start=1):
                if progress is not None:
                    progress(done, len(futures))
            yield from self.client.gather(futures)
        finally:
            self.release(futures)

    def release(self, parts: list) -> None:
        """Drop this client's hold on ``parts``; the workers keep them while a task still needs them."""
        for future in parts:
            future.release()

    def cancel(self, parts: list) -> None:
        """Stop ``parts`` and what depends on them (the run was interrupted)."""
        self.client.cancel(parts)


def _executor(backend: InProcess | OnDask) -> _Here | _OnCluster:
    return _OnCluster(backend.client) if isinstance(backend, OnDask) else _Here()


def province_label(province: Province) -> str:
    """The label of a province run's population."""
    return PROVINCE_LABEL.format(name=province.name, n_counties=province.n_counties, households=province.households)


def merge_counties(province: Province, summaries: Sequence[SimulationResult]) -> SimulationResult:
    """The province's result from its counties' summaries (in the order of :meth:`Province.county_refs`)."""
    prefectures, start = [], 0
    for region, specs in zip(province.prefectures, province.counties, strict=True):
        prefectures.append(combine(summaries[start : start + len(specs)], label=region.name))
        start += len(specs)
    return concat(prefectures, PROVINCE_TOTAL, province_label(province), [r.name for r in province.prefectures])


def run_province(
    province: Province,
    scenario: Scenario,
    backend: InProcess | OnDask,
    progress: Progress | None = None,
    held: frozenset[str] = frozenset(),
    base_year: int = 2022,
) -> Run:
    """Run ``scenario`` on every county of ``province`` and return the province's run (targets and tables).

    ``progress(done, total)`` counts the counties finished in each round of draws (a verdict run may need a
    second round; the count then starts again).
    """
    executor = _executor(backend)
    refs = province.county_refs(base_year)
    data = scenario.model_dump()
    parts = executor.map(start_county, refs, data, held, executor.threads)
    try:
        first = merge_counties(province, list(executor.summaries(parts, progress)))

        def more(result: SimulationResult, wanted: int) -> SimulationResult:
            nonlocal parts
            previous = parts
            parts = executor.map(extend_county, previous, data, wanted, held, executor.threads)
            executor.release(previous)
            return merge_counties(province, list(executor.summaries(parts, progress)))

        run = Run(grow_draws(scenario, first, more))
    except BaseException:
        executor.cancel(parts)
        raise
    executor.release(parts)
    return run
