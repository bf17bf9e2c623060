"""Full (verdict) runs computed in the background while the page shows quick previews.

Why a worker thread: a full run takes seconds (hundreds of draws once the calibration asks for them) and a
session's script thread must stay free for the next slider move. One worker thread per process runs the full
runs one after the other (numpy and numba release the GIL, so sessions' reruns go on meanwhile); with
:func:`heavy_slots` shared with goal seeking, the cores and memory the heavy work can take are bounded however
many planners drag sliders at once.

Each browser session says which results it waits for (:meth:`FullRuns.want`), replacing what it waited for
before. A job nobody waits for any more — the slider moved on, the tab was closed (its session is no longer
active; a wish also lapses after ``LEASE_S`` seconds without renewal) — is dropped before it starts, or
cancelled at its next progress tick: the
engine calls ``progress(fraction)`` once per quarter and the callback raises :class:`Cancelled`. Sessions
waiting for the same simulation key share one job. Pinned jobs (the shipped scenarios at start-up) are always
wanted. So the queue holds at most one job per open session's slot plus the pinned ones.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st
from streamlit import runtime
from streamlit.logger import get_logger

from model.engine.result import SimulationResult
from model.engine.run import Run, run_scenario
from model.population.table import Population
from model.schema.scenario import Scenario
from ui.server.cache import Key, ResultStore, run_store, simulation_key

WORKERS = 1
HEAVY_RUNS = 2  # full-size simulations at once in the process: the background worker's and goal seeking's
LEASE_S = 120.0  # a session renews its wishes at every rerun and poll (each second while it waits); a closed
# tab is noticed at once through Streamlit's session list, so the lease only guards against a session that
# stopped polling without closing (it must outlast polls delayed by a loaded machine)
FAILED_KEPT = 32
LOG = get_logger(__name__)  # `--logger.level info` shows every full run started, done, dropped or cancelled


class Cancelled(Exception):
    """Raised from a run's progress callback when nobody waits for the run any more."""


@dataclass(frozen=True)
class JobStatus:
    """Where a full run stands: ``state`` is "queued", "running", "failed" or "none" (not asked for)."""

    state: str
    fraction: float = 0.0
    ahead: int = 0
    error: str = ""


@dataclass
class _Job:
    key: Key
    population: Population
    scenario: Scenario
    order: int
    pinned: bool = False
    on_done: Callable[[SimulationResult], None] | None = None
    fraction: float = 0.0
    running: bool = False


class FullRuns:
    """The process's queue of full runs and its worker threads (started on the first job)."""

    def __init__(
        self,
        store: ResultStore,
        heavy: threading.Semaphore,
        workers: int = WORKERS,
        lease_s: float = LEASE_S,
        compute: Callable[..., SimulationResult] | None = None,
        alive: Callable[[str], bool] | None = None,
    ):
        self.store = store
        self.heavy = heavy
        self.workers = workers
        self.lease_s = lease_s
        self.compute = compute or (lambda pop, scenario, progress: run_scenario(pop, scenario, progress).result)
        self.alive = alive or (lambda owner: True)
        self._jobs: dict[Key, _Job] = {}
        self._wishes: dict[str, tuple[frozenset[Key], float]] = {}
        self._failed: OrderedDict[Key, str] = OrderedDict()
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self.counts = {"completed": 0, "cancelled": 0, "failed": 0}

    # ------------------------------------------------------------------------------------ asking
    def want(self, owner: str, jobs: Mapping[Key, tuple[Population, Scenario]]) -> None:
        """``owner`` (a browser session) now waits for exactly these results; other wishes of it lapse."""
        with self._cond:
            if jobs:
                self._wishes[owner] = (frozenset(jobs), time.monotonic() + self.lease_s)
            else:
                self._wishes.pop(owner, None)
            for key, (population, scenario) in jobs.items():
                self._submit(key, population, scenario)
            self._cond.notify_all()

    def pin(
        self,
        key: Key,
        population: Population,
        scenario: Scenario,
        on_done: Callable[[SimulationResult], None] | None = None,
    ) -> None:
        """Queue a run that is wanted until it is done (start-up work); ``on_done`` gets its result."""
        with self._cond:
            job = self._submit(key, population, scenario)
            if job is not None:
                job.pinned, job.on_done = True, on_done
            self._cond.notify_all()

    def status(self, key: Key) -> JobStatus:
        """The state of the full run of ``key`` (done runs are in the store, not here)."""
        with self._cond:
            job = self._jobs.get(key)
            if job is not None:
                ahead = sum(1 for other in self._jobs.values() if other.order < job.order and self._wanted(other))
                return JobStatus("running" if job.running else "queued", job.fraction, ahead)
            if key in self._failed:
                return JobStatus("failed", error=self._failed[key])
            return JobStatus("none")

    def pending(self) -> int:
        """Jobs queued or running that someone still waits for."""
        with self._cond:
            return sum(1 for job in self._jobs.values() if self._wanted(job))

    def wait_idle(self, timeout_s: float) -> bool:
        """Block until every job has left the queue: done, cancelled or dropped (tests, benchmarks); False on timeout.

        An unwanted job counts until the worker has dropped or cancelled it, so its count is final on return.
        """
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._jobs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.2))
            return True

    # ------------------------------------------------------------------------------------ inside
    def _submit(self, key: Key, population: Population, scenario: Scenario) -> _Job | None:
        if key in self._jobs:
            return self._jobs[key]
        if key in self._failed or key in self.store:
            return None
        job = self._jobs[key] = _Job(key, population, scenario, next(self._order))
        if len(self._threads) < self.workers:
            thread = threading.Thread(target=self._work, name=f"full-runs-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()
        return job

    def _wanted(self, job: _Job) -> bool:
        if job.pinned:
            return True
        now = time.monotonic()
        return any(
            job.key in keys and expiry > now and self.alive(owner) for owner, (keys, expiry) in self._wishes.items()
        )

    def _next(self) -> _Job:
        """The oldest wanted job not running; unwanted queued jobs are dropped on the way."""
        with self._cond:
            while True:
                for key, job in list(self._jobs.items()):
                    if job.running:
                        continue
                    if not self._wanted(job):
                        del self._jobs[key]
                        self.counts["cancelled"] += 1
                        LOG.info("full run %s dropped before it started: nobody waits for it", _short(key))
                        continue
                    job.running = True
                    return job
                self._cond.notify_all()
                self._cond.wait(1.0)

    def _progress(self, job: _Job) -> Callable[[float], None]:
        def tick(fraction: float) -> None:
            with self._cond:
                job.fraction = fraction
                if not self._wanted(job):
                    raise Cancelled(job.key)

        return tick

    def _work(self) -> None:
        while True:
            job = self._next()
            outcome = "cancelled"
            started = time.monotonic()
            LOG.info("full run %s started; %d more queued", _short(job.key), len(self._jobs) - 1)
            try:
                with self.heavy:
                    if not self._still_wanted(job):
                        raise Cancelled(job.key)
                    result = self.compute(job.population, job.scenario, self._progress(job))
                self.store.put(job.key, result)
                if job.on_done is not None:
                    job.on_done(result)
                outcome = "completed"
            except Cancelled:
                pass
            except RuntimeError as exc:
                if not _exiting(exc):
                    outcome = self._failed_with(job, exc)
            except Exception as exc:  # a failed run is shown on its cards; it never stops the worker
                outcome = self._failed_with(job, exc)
            finally:
                with self._cond:
                    self._jobs.pop(job.key, None)
                    self.counts[outcome] += 1
                    self._cond.notify_all()
                LOG.info("full run %s %s after %.1f s", _short(job.key), outcome, time.monotonic() - started)

    def _failed_with(self, job: _Job, exc: Exception) -> str:
        LOG.error("full run failed", exc_info=exc)
        with self._cond:
            self._failed[job.key] = f"{type(exc).__name__}: {exc}"
            while len(self._failed) > FAILED_KEPT:
                self._failed.popitem(last=False)
        return "failed"

    def _still_wanted(self, job: _Job) -> bool:
        with self._cond:
            return self._wanted(job)


def _short(key: Key) -> str:
    """A few characters naming a simulation key in the log."""
    return hashlib.sha256("\n".join(key).encode()).hexdigest()[:8]


def _exiting(exc: RuntimeError) -> bool:
    """True for the error a thread pool raises when the interpreter exits in the middle of a run (not a failure)."""
    return "after shutdown" in str(exc) or "interpreter shutdown" in str(exc)


@st.cache_resource(show_spinner=False)
def heavy_slots() -> threading.BoundedSemaphore:
    """Full-size simulations that may run at once in the process (background full runs and goal seeking)."""
    return threading.BoundedSemaphore(HEAVY_RUNS)


def session_alive(owner: str) -> bool:
    """True while browser session ``owner`` is connected (always True without a Streamlit server, e.g. AppTest)."""
    return not runtime.exists() or runtime.get_instance().is_active_session(owner)


@st.cache_resource(show_spinner=False)
def full_runs() -> FullRuns:
    """The process-wide queue of full runs."""
    return FullRuns(run_store(), heavy_slots(), alive=session_alive)


def run_now(population: Population, scenario: Scenario, progress: Callable[[float], None] | None = None) -> Run:
    """The full run of ``scenario``: stored, or simulated in the calling thread within :func:`heavy_slots`."""

    def compute() -> SimulationResult:
        with heavy_slots():
            return run_scenario(population, scenario, progress).result

    return run_store().run_or_compute(simulation_key(population, scenario), scenario, compute)
