"""The lever-response table (scripts/lever_responses.py, docs/MODEL.md §13) marks every capacity a value passes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "lever_responses.py"


def _script():
    spec = importlib.util.spec_from_file_location("lever_responses", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(lever: str, value: float, exceeded: list[str]) -> dict:
    shares = dict.fromkeys(("N1", "N2", "N3", "below_line"), 0.1)
    return {"lever": lever, "value": value, **shares, "N7": 65.0, "capacity_exceeded": exceeded}


def test_a_value_is_flagged_by_any_capacity_it_passes_and_another_levers_flag_is_named():
    lr = _script()
    support = "industry.support_per_household_yuan"
    rows = [_row("funds.central_10k_yuan", v, [support] if v > 400_000 else []) for v in (0, 300_000, 600_000)]
    rows += [_row(support, v, [support] if v < 1_000 else []) for v in (500, 30_000)]
    lending = "microcredit.new_lending_10k_yuan"
    rows += [_row(lending, 150_000, [f"{lending}:borrower_share"])]
    lines = lr.markdown(rows).splitlines()
    central = next(line for line in lines if line.startswith("| `funds.central_10k_yuan`"))
    assert "| 0 / 3e+05 / 6e+05⚑ |" in central
    assert next(line for line in lines if line.startswith(f"| `{support}`")).count("⚑") == 1
    assert f"* `funds.central_10k_yuan` = 6e+05: `{support}`" in lines
    assert not any(line.startswith((f"* `{support}`", f"* `{lending}`")) for line in lines), "own flags: no note"


def test_exceeded_flags_are_the_keys_of_the_flags_passed():
    lr = _script()

    flag = {True: SimpleNamespace(exceeded=True), False: SimpleNamespace(exceeded=False)}
    run = SimpleNamespace(capacity={"a": flag[True], "b:measure": flag[True], "c": flag[False]})
    assert lr.exceeded_flags(run) == {"a", "b:measure"}
