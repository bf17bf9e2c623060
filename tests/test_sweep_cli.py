"""``python -m model sweep``: runs, resumes, and refuses bad designs and addresses with status 2 and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.cli.main import main
from model.sweep import populations

ROOT = Path(__file__).resolve().parent.parent
SMALL_GRID = ROOT / "tests" / "fixtures" / "designs" / "small_grid.toml"


@pytest.fixture()
def small_embedded(monkeypatch, small_population):
    """The embedded population replaced by the 3,000-household sample (for runs in this process)."""
    monkeypatch.setattr(populations, "default_population", lambda: small_population)


def test_sweep_in_process_then_again_runs_nothing(small_embedded, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(SMALL_GRID), "--out", str(out), "--workers", "0", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["points"], first["already_done"], first["run_now"]) == (4, 0, 4)
    assert (out / "results.parquet").exists()
    assert main(["--lang", "en", "sweep", str(SMALL_GRID), "--out", str(out), "--workers", "0"]) == 0
    captured = capsys.readouterr()
    assert "4 points, 4 already done, 0 run now" in captured.out
    assert "running the points one by one in this process" in captured.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--scheduler", "not-an-address"], "格式不对"),
        (["--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"], "--workers applies to the local cluster only"),
    ],
)
def test_sweep_refuses_a_bad_cluster_choice(tmp_path, capsys, args, expected):
    assert main(["sweep", str(SMALL_GRID), "--out", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_sweep_refuses_a_bad_design_naming_the_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL_GRID.read_text(encoding="utf-8").replace("max = 140000", "max = 900000"), encoding="utf-8")
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("../../../scenarios", str(ROOT / "scenarios")), encoding="utf-8"
    )
    assert main(["--lang", "en", "sweep", str(bad), "--out", str(tmp_path / "out"), "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert "vary[0].max" in err and "0 – 150,000" in err and "Traceback" not in err
