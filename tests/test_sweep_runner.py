"""The sweep runner in this process: rows equal single runs, ids are stable, a stopped sweep resumes, files guarded."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest

from model.engine.run import run_scenario
from model.engine.targets import p_met_standard_error
from model.sweep.design import load_design
from model.sweep.identity import point_id
from model.sweep.runner import InProcess, SweepError, TargetsMeasure, run_sweep
from model.sweep.store import RESULTS_FILE, ResultsError, parse_results_bytes, read_results, write_results

ROOT = Path(__file__).resolve().parent.parent
SMALL_GRID = ROOT / "tests" / "fixtures" / "designs" / "small_grid.toml"


def _same(a, b) -> bool:
    if isinstance(b, float) and isinstance(a, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0) or (math.isnan(a) and math.isnan(b))
    return a == b


def assert_rows_equal_single_runs(frame: pd.DataFrame, design, pop) -> None:
    for _, row in frame.iterrows():
        scenario = design.scenario_for({f.name: row[f.name] for f in design.factors})
        single = TargetsMeasure()(run_scenario(pop, scenario))
        for key, value in single.items():
            assert _same(row[key], value), (row["point_index"], key, row[key], value)
        assert row["point_id"] == point_id(scenario, pop.fingerprint)


@pytest.fixture(scope="module")
def small_sweep(small_population, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    design = load_design(SMALL_GRID)
    summary = run_sweep(design, out, InProcess(), small_population)
    return design, out, summary


def test_binomial_standard_error_with_laplace_smoothing_by_hand():
    assert p_met_standard_error(0.0, 8) == pytest.approx(math.sqrt(0.1 * 0.9 / 8))  # p̃ = 1/10
    assert p_met_standard_error(1.0, 8) == pytest.approx(math.sqrt(0.1 * 0.9 / 8))
    assert p_met_standard_error(0.5, 32) == pytest.approx(math.sqrt(0.25 / 32))  # p̃ = 17/34 = 0.5


def test_every_row_equals_a_single_run_of_its_point(small_sweep, small_population):
    design, out, summary = small_sweep
    frame = read_results(out / RESULTS_FILE).frame
    assert summary.points == summary.run_now == len(frame) == 4
    assert list(frame["point_index"]) == [0, 1, 2, 3]
    assert_rows_equal_single_runs(frame, design, small_population)
    assert (frame["N5_p_met_se"] == 0).all()  # a money rule is not a Monte Carlo estimate
    assert frame["N1_p_met_se"].between(0.05, 0.5).all()


def test_rows_differ_only_by_policy_with_common_random_numbers(small_sweep):
    _, out, _ = small_sweep
    frame = read_results(out / RESULTS_FILE).frame
    assert frame["seed"].nunique() == 1
    early = frame[frame["dual_binding.target_quarter"] == "2023Q1"]
    late = frame[frame["dual_binding.target_quarter"] == "2023Q4"]
    assert (early["N1_value"].to_numpy() > late["N1_value"].to_numpy()).all()  # binding sooner adds growth


def test_point_ids_depend_on_content_not_on_names(small_population):
    design = load_design(SMALL_GRID)
    scenario = design.design_points()[0].scenario
    same = point_id(scenario.with_changes({"name": "another name"}), small_population.fingerprint)
    assert same == point_id(scenario, small_population.fingerprint)
    assert point_id(scenario, "other population") != same
    assert point_id(scenario.with_changes({"simulation.seed": 7}), small_population.fingerprint) != same


def test_a_finished_sweep_runs_nothing_again(small_sweep, small_population):
    design, out, _ = small_sweep
    again = run_sweep(design, out, InProcess(), small_population)
    assert (again.already_done, again.run_now) == (4, 0)


def test_an_interrupted_sweep_keeps_what_it_finished_and_resumes_only_the_rest(small_population, tmp_path):
    design = load_design(SMALL_GRID)

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(design, tmp_path, InProcess(), small_population, progress=stop_after_two)
    kept = read_results(tmp_path / RESULTS_FILE).frame
    assert len(kept) == 2
    resumed = run_sweep(design, tmp_path, InProcess(), small_population)
    assert (resumed.already_done, resumed.run_now) == (2, 2)
    frame = read_results(tmp_path / RESULTS_FILE).frame
    assert list(frame["point_index"]) == [0, 1, 2, 3]
    assert set(kept["point_id"]) <= set(frame["point_id"])
    assert_rows_equal_single_runs(frame, design, small_population)


def test_a_folder_holding_another_sweep_is_refused(small_sweep, small_population, tmp_path):
    _, out, _ = small_sweep
    other = load_design(SMALL_GRID)
    other = type(other)(**{**other.__dict__, "settings": {**other.settings, "simulation.draws": 5}})
    with pytest.raises(SweepError) as caught:
        run_sweep(other, out, InProcess(), small_population)
    assert "不属于本设计" in caught.value.message("zh") and "not in this design" in caught.value.message("en")


def _bytes(frame: pd.DataFrame, manifest: dict | None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if manifest is not None:
        import json

        table = table.replace_schema_metadata({b"qujing_sweep": json.dumps(manifest).encode()})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def test_results_written_then_uploaded_read_back_the_same(small_sweep):
    _, out, _ = small_sweep
    raw = (out / RESULTS_FILE).read_bytes()
    results = parse_results_bytes(raw)
    assert len(results.frame) == 4 and results.target_keys[:2] == ("N1", "N2")
    assert [f.name for f in results.factors] == ["microcredit.new_lending_10k_yuan", "dual_binding.target_quarter"]
    assert results.required_probability == 0.5


def test_an_atomic_rewrite_leaves_no_temporary_file(small_sweep, tmp_path):
    _, out, _ = small_sweep
    results = read_results(out / RESULTS_FILE)
    write_results(tmp_path / RESULTS_FILE, results.frame, results.manifest)
    assert [p.name for p in tmp_path.iterdir()] == [RESULTS_FILE]


@pytest.mark.parametrize(
    ("change", "zh_part", "en_part"),
    [
        ("garbage", "不是可读的 Parquet", "not a readable Parquet"),
        ("no_manifest", "没有模拟扫描的说明", "no sweep description"),
        ("future_version", "不受支持", "not supported"),
        ("unknown_field", "未知字段", "unknown field"),
        ("value_out_of_range", "不在因素范围内", "outside the factor's range"),
        ("missing_column", "缺少列", "missing columns"),
        ("too_big", "超过上限", "more than the limit"),
    ],
)
def test_a_bad_results_file_is_refused_with_a_bilingual_message(small_sweep, change, zh_part, en_part):
    _, out, _ = small_sweep
    results = read_results(out / RESULTS_FILE)
    frame, manifest = results.frame.copy(), dict(results.manifest)
    limit = None
    if change == "future_version":
        manifest["format_version"] = 99
    elif change == "unknown_field":
        manifest["design"] = {
            **manifest["design"],
            "factors": [{"name": "x", "fields": ["funds.nope"], "min": 0, "max": 1}],
        }
    elif change == "value_out_of_range":
        frame.loc[0, "microcredit.new_lending_10k_yuan"] = 1e9
    elif change == "missing_column":
        frame = frame.drop(columns=["dual_binding.target_quarter"])
    raw = b"not parquet at all" if change == "garbage" else _bytes(frame, None if change == "no_manifest" else manifest)
    if change == "too_big":
        limit = len(raw) - 1
    with pytest.raises(ResultsError) as caught:
        parse_results_bytes(raw, max_bytes=limit) if limit else parse_results_bytes(raw)
    assert zh_part in caught.value.message("zh")
    assert en_part in caught.value.message("en")
