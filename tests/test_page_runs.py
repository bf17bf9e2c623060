"""What the page reuses and how it computes: simulation keys, result stores, previews, the background queue of
full runs, the disk cache and the engine's cancellation (no Streamlit run; full runs on the 3,000-household sample).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from model.engine.run import Run, run_scenario
from model.engine.simulate import simulate
from model.io import stored_results
from model.population.sample import thinned, thinning_step
from model.schema.scenario import Scenario
from ui.server import disk_cache
from ui.server.cache import ResultStore, relabelled, result_bytes, simulation_key
from ui.server.jobs import Cancelled, FullRuns, JobStatus
from ui.server.scenarios import shipped

NOTICE = shipped()["notice_2023"].with_changes({"simulation.draws": 4})


# ------------------------------------------------------------------------------------------ what is reused
@pytest.mark.parametrize(
    "changes",
    [
        {"name": "another name", "description": "another text"},
        {"targets.falling_share_max": 0.05, "targets.required_probability": 0.9},
        {"targets.wudan_points_threshold": 3.0, "targets.below_line_share_max": 0.2},
        {"simulation.start_quarter": "2024Q1"},
    ],
)
def test_names_thresholds_and_the_start_quarter_do_not_change_what_is_simulated(small_population, changes):
    assert simulation_key(small_population, NOTICE.with_changes(changes)) == simulation_key(small_population, NOTICE)


@pytest.mark.parametrize(
    "changes",
    [
        {"simulation.draws": 5},
        {"simulation.seed": 7},
        {"simulation.end_quarter": "2024Q4"},
        {"simulation.monitoring_line_yuan": 7200.0},
        {"linking.households_per_million_yuan": 11.0},
        {"assumptions.organic_growth_production": 0.1},
    ],
)
def test_every_other_field_changes_what_is_simulated(small_population, changes):
    assert simulation_key(small_population, NOTICE.with_changes(changes)) != simulation_key(small_population, NOTICE)


def test_a_relabelled_result_judges_with_its_own_thresholds_and_quarters(small_population):
    fixed = NOTICE.with_changes({"simulation.max_standard_error": 0.0})  # the same draws for both (no growth)
    run = run_scenario(small_population, fixed)
    strict = fixed.with_changes(
        {"name": "strict", "targets.falling_share_max": 0.0, "simulation.start_quarter": "2024Q1"}
    )
    judged = relabelled(run.result, strict)
    direct = run_scenario(small_population, strict)
    assert judged.scenario == strict and judged.result.income is run.result.income
    assert judged.result.reported_quarters == direct.result.reported_quarters
    assert judged.result.reported_quarters[0] == "2024Q1"
    for key, check in direct.targets.items():
        assert judged.targets[key] == check, key
    assert run.targets["N3"].target == 0.25 and judged.targets["N3"].target == 0.0
    assert not judged.targets["N3"].met


def test_result_store_drops_the_least_recently_used_beyond_its_bytes(small_population):
    fixed = NOTICE.with_changes({"simulation.max_standard_error": 0.0})  # as many draws each: the same bytes
    results = [run_scenario(small_population, fixed.with_changes({"simulation.seed": s})).result for s in range(3)]
    size = result_bytes(results[0])
    store = ResultStore(max_bytes=2 * size)
    keys = [("pop", str(s)) for s in range(3)]
    store.put(keys[0], results[0])
    store.put(keys[1], results[1])
    assert store.result(keys[0]) is results[0]  # now the most recently used
    store.put(keys[2], results[2])
    assert keys[1] not in store and keys[0] in store and keys[2] in store
    assert store.nbytes == 2 * size


def test_result_store_computes_a_missing_result_once_for_concurrent_askers(small_population):
    store = ResultStore(max_bytes=10**9)
    result = run_scenario(small_population, NOTICE).result
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return result

    runs: list[Run] = []
    ask = lambda: runs.append(store.run_or_compute(("p", "k"), NOTICE, compute))  # noqa: E731
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(runs) == 4
    assert all(run is runs[0] for run in runs)  # one relabelled view per scenario, shared


# ------------------------------------------------------------------------------------------ previews
def test_the_preview_sample_keeps_every_countys_households(small_population):
    from model.population.synth import generate_frame
    from model.population.table import population_from_frame

    frame = generate_frame().sample(40_000, random_state=2)
    population = population_from_frame(frame, "test 40,000")
    sample = thinned(population, households=5_000)
    step = thinning_step(population, 5_000)
    assert step == 8 and sample.n == pytest.approx(population.n / step, abs=len(population.county_slices))
    np.testing.assert_allclose(sample.households_by_county(), population.households_by_county())
    willing = [np.bincount(p.county, weights=p.weight * p.industry_willing, minlength=9) for p in (sample, population)]
    np.testing.assert_allclose(*willing)  # packages and loans reach only these: their count is kept too
    assert sample.fingerprint != population.fingerprint and "(1/8)" in sample.label
    assert set(sample.household_id) <= set(population.household_id)
    assert not sample.weight.flags.writeable
    assert thinned(small_population, households=5_000) is small_population
    preview = run_scenario(sample, NOTICE).targets["N7"].value
    assert preview == pytest.approx(run_scenario(population, NOTICE).targets["N7"].value, rel=1e-9)


# ------------------------------------------------------------------------------------------ the engine
def test_a_progress_callback_that_raises_stops_the_simulation(small_population):
    ticks = []

    def stop_after_three(fraction: float) -> None:
        ticks.append(fraction)
        if len(ticks) == 3:
            raise Cancelled("enough")

    with pytest.raises(Cancelled):
        simulate(small_population, NOTICE, progress=stop_after_three)
    assert len(ticks) == 3 and ticks[-1] < 1


# ------------------------------------------------------------------------------------------ the queue
def _ticking(seconds_per_tick: float, active: list[int] | None = None, fail: set[str] | None = None):
    """A stand-in for the engine: 10 progress ticks, recording how many run at once."""
    running = [0]

    def compute(population, scenario: Scenario, progress):
        running[0] += 1
        if active is not None:
            active.append(running[0])
        try:
            if fail and scenario.name in fail:
                raise RuntimeError("broken")
            for i in range(10):
                time.sleep(seconds_per_tick)
                progress((i + 1) / 10)
            return run_scenario(population, scenario).result
        finally:
            running[0] -= 1

    return compute


def _queue(compute, heavy: int = 2, lease_s: float = 30.0) -> FullRuns:
    return FullRuns(ResultStore(10**9), threading.BoundedSemaphore(heavy), workers=1, lease_s=lease_s, compute=compute)


def test_a_superseded_full_run_is_cancelled_and_the_new_one_done(small_population):
    queue = _queue(_ticking(0.05))
    old, new = NOTICE, NOTICE.with_changes({"linking.households_per_million_yuan": 12.0})
    k_old, k_new = simulation_key(small_population, old), simulation_key(small_population, new)
    queue.want("session", {k_old: (small_population, old)})
    deadline = time.monotonic() + 10
    while queue.status(k_old).fraction == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert queue.status(k_old).state == "running"
    queue.want("session", {k_new: (small_population, new)})  # the slider moved on
    assert queue.wait_idle(30)
    assert k_new in queue.store and k_old not in queue.store
    assert queue.counts == {"completed": 1, "cancelled": 1, "failed": 0}


def test_sessions_share_a_job_and_a_closed_tabs_wish_lapses(small_population):
    queue = _queue(_ticking(0.05), lease_s=0.3)
    first, second = NOTICE, NOTICE.with_changes({"simulation.seed": 9})
    k1, k2 = simulation_key(small_population, first), simulation_key(small_population, second)
    queue.want("tab A", {k1: (small_population, first)})
    queue.want("tab B", {k1: (small_population, first), k2: (small_population, second)})
    assert queue.status(k2) == JobStatus("queued", 0.0, ahead=1)
    # nobody renews: the running job is cancelled at a tick, the queued one dropped before it starts
    assert queue.wait_idle(30)
    assert k1 not in queue.store and k2 not in queue.store
    assert queue.counts["cancelled"] == 2 and queue.counts["completed"] == 0


def test_a_closed_sessions_wish_is_dropped_at_once(small_population):
    open_sessions = {"tab A"}
    queue = FullRuns(
        ResultStore(10**9),
        threading.BoundedSemaphore(1),
        compute=_ticking(0.05),
        alive=lambda owner: owner in open_sessions,
    )
    key = simulation_key(small_population, NOTICE)
    queue.want("tab A", {key: (small_population, NOTICE)})
    open_sessions.clear()  # the tab is closed while its run computes
    assert queue.wait_idle(30)
    assert key not in queue.store and queue.counts["cancelled"] == 1


def test_pinned_runs_finish_without_anyone_waiting_and_report_their_result(small_population):
    queue = _queue(_ticking(0.0), lease_s=0.01)
    done = []
    key = simulation_key(small_population, NOTICE)
    queue.pin(key, small_population, NOTICE, on_done=done.append)
    assert queue.wait_idle(30)
    assert done and done[0] is queue.store.result(key)


def test_a_failed_run_is_reported_and_the_worker_goes_on(small_population):
    queue = _queue(_ticking(0.0, fail={"broken"}))
    bad = NOTICE.with_changes({"name": "broken", "simulation.seed": 3})
    key_bad, key_good = simulation_key(small_population, bad), simulation_key(small_population, NOTICE)
    queue.want("s", {key_bad: (small_population, bad), key_good: (small_population, NOTICE)})
    assert queue.wait_idle(30)
    assert queue.status(key_bad).state == "failed" and "broken" in queue.status(key_bad).error
    assert key_good in queue.store
    queue.want("s", {key_bad: (small_population, bad)})  # not retried in a loop
    assert queue.pending() == 0


def test_heavy_runs_are_bounded_however_many_are_asked_for(small_population):
    active: list[int] = []
    queue = FullRuns(
        ResultStore(10**9), threading.BoundedSemaphore(1), workers=3, compute=_ticking(0.01, active=active)
    )
    wanted = {}
    for seed in range(6):
        scenario = NOTICE.with_changes({"simulation.seed": seed})
        wanted[simulation_key(small_population, scenario)] = (small_population, scenario)
    queue.want("s", wanted)
    assert queue.wait_idle(60)
    assert queue.counts["completed"] == 6 and max(active) == 1


# ------------------------------------------------------------------------------------------ the disk
def test_results_and_populations_round_trip_through_files(small_population, tmp_path):
    run = run_scenario(small_population, NOTICE)
    stored_results.save_result(tmp_path / "r.npz", "key", run.result)
    back = Run(stored_results.load_result(tmp_path / "r.npz", "key"))
    assert back.scenario == NOTICE
    for key, check in run.targets.items():
        assert back.targets[key] == check, key
    stored_results.save_population(tmp_path / "p.npz", "key", small_population)
    population = stored_results.load_population(tmp_path / "p.npz", "key")
    assert population.fingerprint == small_population.fingerprint
    assert population.county_slices == small_population.county_slices
    assert list(population.household_id) == list(small_population.household_id)
    np.testing.assert_array_equal(population.income_2022["wage"], small_population.income_2022["wage"])
    with pytest.raises(stored_results.StoredFileError):
        stored_results.load_result(tmp_path / "r.npz", "another key")
    with pytest.raises(stored_results.StoredFileError):
        stored_results.load_result(tmp_path / "p.npz", "key")  # a population is not a result


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_cache_entry_is_ignored_and_rewritten(small_population, tmp_path, monkeypatch, damage):
    monkeypatch.setenv(disk_cache.CACHE_ENV, str(tmp_path))
    key = simulation_key(small_population, NOTICE)
    result = run_scenario(small_population, NOTICE).result
    disk_cache.save_result(key, result)
    (path,) = tmp_path.glob("result-*.npz")
    raw = path.read_bytes()
    path.write_bytes({"truncate": raw[: len(raw) // 2], "garbage": b"PK\x03\x04" + b"x" * 100, "empty": b""}[damage])
    assert disk_cache.load_result(key) is None
    disk_cache.save_result(key, result)
    assert Run(disk_cache.load_result(key)).targets["N1"] == Run(result).targets["N1"]


def test_the_cache_key_follows_the_model_files_and_can_be_turned_off(small_population, tmp_path, monkeypatch):
    monkeypatch.setenv(disk_cache.CACHE_ENV, str(tmp_path))
    key = simulation_key(small_population, NOTICE)
    disk_cache.save_result(key, run_scenario(small_population, NOTICE).result)
    assert disk_cache.load_result(key) is not None
    monkeypatch.setattr(disk_cache, "model_version", lambda: "a changed calibration")
    assert disk_cache.load_result(key) is None
    monkeypatch.setenv(disk_cache.CACHE_ENV, "off")
    assert disk_cache.directory() is None and disk_cache.load_result(key) is None
    built = []
    assert disk_cache.population(lambda: built.append(1) or small_population) is small_population and built


def test_the_disk_cache_keeps_only_the_newest_entries(small_population, tmp_path, monkeypatch):
    monkeypatch.setenv(disk_cache.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(disk_cache, "MAX_ENTRIES", 2)
    result = run_scenario(small_population, NOTICE).result
    keys = [simulation_key(small_population, NOTICE.with_changes({"simulation.seed": s})) for s in range(3)]
    for key in keys:
        disk_cache.save_result(key, result)
        time.sleep(0.01)
    assert len(list(tmp_path.glob("*.npz"))) == 2
    assert disk_cache.load_result(keys[0]) is None and disk_cache.load_result(keys[2]) is not None
