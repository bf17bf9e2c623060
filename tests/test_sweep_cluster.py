"""A real Dask LocalCluster (2 worker processes): the same rows as the single-process run, whatever the workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.analyses import seek as sk
from model.schema.scenario import load_scenario
from model.sweep.cluster import check_cluster_code, dask_client
from model.sweep.design import load_design
from model.sweep.runner import InProcess, OnDask, run_sweep
from model.sweep.store import RESULTS_FILE, read_results

ROOT = Path(__file__).resolve().parent.parent
SMALL_GRID = ROOT / "tests" / "fixtures" / "designs" / "small_grid.toml"
VOLATILE = ["seconds"]


@pytest.fixture(scope="module")
def client():
    with dask_client(workers=2) as c:
        yield c


def test_two_worker_processes_give_the_single_process_rows(client, small_population, tmp_path):
    assert len(client.scheduler_info()["workers"]) == 2
    design = load_design(SMALL_GRID)
    run_sweep(design, tmp_path / "one", InProcess(), small_population)
    summary = run_sweep(design, tmp_path / "two", OnDask(client), small_population)
    assert summary.run_now == 4
    one = read_results(tmp_path / "one" / RESULTS_FILE).frame.drop(columns=VOLATILE)
    two = read_results(tmp_path / "two" / RESULTS_FILE).frame.drop(columns=VOLATILE)
    assert one.equals(two)


def test_the_frontier_on_the_cluster_equals_the_frontier_in_process(client, small_population):
    scenario = load_scenario(ROOT / "scenarios" / "notice_2023.toml").with_changes({"simulation.draws": 4})
    args = (small_population, scenario, "N1", "microcredit", "dual_binding_coverage")
    local = sk.frontier(*args, points=2)
    remote = sk.frontier(*args, points=2, backend=OnDask(client))
    assert local.equals(remote)


def test_a_cluster_running_this_model_passes_the_code_check(client):
    check_cluster_code(client)  # raises ClusterError when the scheduler or a worker cannot import this model
