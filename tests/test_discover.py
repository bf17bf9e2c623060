"""Scenario discovery: PRIM recovers a known rule from a synthetic sweep and says it in Chinese and English."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.analyses.discover import DiscoverError, discover
from model.analyses.prim import choose_box, peeling_trajectory
from model.cli.main import main
from model.schema.scenario import load_scenario
from model.sweep.design import design_from_dict
from model.sweep.populations import EmbeddedPopulation
from model.sweep.runner import sweep_manifest
from model.sweep.store import RESULTS_FILE, read_results, write_results

ROOT = Path(__file__).resolve().parent.parent
MICROCREDIT, QUARTER = "microcredit.new_lending_10k_yuan", "dual_binding.target_quarter"
LINKED, PREMIUM = "linking.households_per_million_yuan", "assumptions.dual_binding_premium"
THRESHOLD = 120_000.0


def _synthetic_sweep(directory: Path, points: int = 400, flip: float = 0.0, seed: int = 5) -> Path:
    """An LHS over four factors where N1 is met exactly when microcredit ≥ 120,000 and binding is done by 2023Q2."""
    design = design_from_dict(
        {
            "method": "lhs",
            "points": points,
            "seed": seed,
            "vary": [
                {"field": MICROCREDIT, "min": 30_000, "max": 150_000},
                {"field": QUARTER, "values": ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]},
                {"field": LINKED, "min": 5, "max": 30},
                {"field": PREMIUM, "min": 0.1, "max": 0.5},
            ],
        },
        base=load_scenario(ROOT / "scenarios" / "notice_2023.toml"),
    )
    frame = pd.DataFrame(design.value_rows())
    rule = (frame[MICROCREDIT] >= THRESHOLD) & frame[QUARTER].isin(["2023Q1", "2023Q2"])
    noise = np.random.default_rng(seed).random(len(frame)) < flip
    frame.insert(0, "point_index", range(len(frame)))
    frame.insert(0, "point_id", [f"p{i}" for i in range(len(frame))])
    frame["N1_met"] = rule ^ noise
    frame["N2_met"] = np.random.default_rng(seed + 1).random(len(frame)) < 0.5
    directory.mkdir(parents=True, exist_ok=True)
    write_results(directory / RESULTS_FILE, frame, sweep_manifest(design, EmbeddedPopulation(), "synthetic"))
    return directory


@pytest.fixture(scope="module")
def exact(tmp_path_factory):
    return read_results(_synthetic_sweep(tmp_path_factory.mktemp("exact")) / RESULTS_FILE)


def test_discover_recovers_the_known_rule_and_nothing_else(exact):
    found = discover(exact, ["N1"], 0.8)
    assert found.reached and found.box.density >= 0.95
    conditions = {c.factor.name: c for c in found.conditions}
    assert set(conditions) == {MICROCREDIT, QUARTER}
    credit, quarter = conditions[MICROCREDIT], conditions[QUARTER]
    assert credit.upper is None and THRESHOLD * 0.97 <= credit.lower <= THRESHOLD * 1.03
    assert quarter.lower is None and quarter.upper == "2023Q2"
    assert found.box.coverage >= 0.9


def test_the_rule_is_said_with_the_fields_labels_and_units(exact):
    found = discover(exact, ["N1"], 0.8)
    zh, en = found.message("zh"), found.message("en")
    share = f"{found.box.density:.0%}"
    assert f"N1 在 {share} 的点达标，条件为：脱贫人口小额信贷新增规模 ≥ 1" in zh and "万元/年" in zh
    assert "不晚于 2023Q2" in zh and " 且 " in zh
    assert f"N1 is met in {share} of points when" in en and "no later than 2023Q2" in en
    assert "10,000 yuan per year" in en


def test_an_assumption_is_left_free_unless_every_factor_is_asked_for(exact):
    levers = discover(exact, ["N1"], 0.8)
    assert PREMIUM not in {c.factor.name for c in levers.conditions}
    everything = discover(exact, ["N1"], 0.8, dimensions="all")
    assert {c.factor.name for c in everything.conditions} == {MICROCREDIT, QUARTER}


def test_the_rule_survives_five_percent_noise(tmp_path):
    noisy = read_results(_synthetic_sweep(tmp_path, flip=0.05) / RESULTS_FILE)
    found = discover(noisy, ["N1"], 0.8)
    conditions = {c.factor.name: c for c in found.conditions}
    assert set(conditions) == {MICROCREDIT, QUARTER}
    assert THRESHOLD * 0.9 <= conditions[MICROCREDIT].lower <= THRESHOLD * 1.1
    assert found.box.density >= 0.8


def test_two_targets_together_need_both(exact):
    both = discover(exact, ["N1", "N2"], 0.4)
    assert both.met_points < discover(exact, ["N1"], 0.4).met_points
    assert both.reached and "N1、N2 在" in both.message("zh") and "N1 and N2 are met in" in both.message("en")


def test_an_unreachable_density_is_said_plainly(exact):
    found = discover(exact, ["N2"], 1.0)
    assert not found.reached
    assert "没有一组杠杆取值范围能使 N2 的达标比例达到 100%" in found.message("zh")
    assert "No box of lever values has N2 met in 100% of its points" in found.message("en")


def test_unknown_target_is_refused_bilingually(exact):
    with pytest.raises(DiscoverError) as caught:
        discover(exact, ["N99"])
    assert "未知目标" in caught.value.message("zh") and "allowed: N1, N2" in caught.value.message("en")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(20, 200), required=st.floats(0.3, 1.0))
def test_peeling_nests_boxes_and_the_chosen_box_keeps_its_promise(seed, n, required):
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.random(n), rng.integers(0, 4, n)])
    y = (x[:, 0] > rng.random()) | (rng.random(n) < 0.1)
    trajectory = peeling_trajectory(x, y)
    for outer, inner in itertools.pairwise(trajectory):
        assert np.all(inner.lower >= outer.lower) and np.all(inner.upper <= outer.upper)
        assert inner.coverage <= outer.coverage + 1e-12 and inner.mass <= outer.mass
    box, reached = choose_box(x, y, trajectory, required)
    if reached:
        assert box.density >= required - 1e-12
    else:
        assert all(b.density < required for b in trajectory)


def test_cli_discover_text_and_json(exact, tmp_path, capsys):
    directory = _synthetic_sweep(tmp_path / "sweep")
    assert main(["--lang", "en", "discover", str(directory), "--target", "N1"]) == 0
    assert "no later than 2023Q2" in capsys.readouterr().out
    assert main(["discover", str(directory), "--target", "N1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reached"] and "2023Q2" in out["message_zh"] and out["trajectory"][0]["coverage"] == 1.0


def test_cli_discover_refuses_a_bad_folder_with_status_2(tmp_path, capsys):
    (tmp_path / RESULTS_FILE).write_bytes(b"nonsense")
    assert main(["discover", str(tmp_path), "--target", "N1"]) == 2
    err = capsys.readouterr().err
    assert "不是可读的 Parquet" in err and "Traceback" not in err
