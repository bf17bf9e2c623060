"""Fuzz the household-table entrance in both modes: whatever the bytes, an outcome (never an exception) whose
report lines are short, and a population whose every value is finite and within its plausible range."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from model.io.household_files import MODES, RANGE_TABLE, read_household_file
from model.population.table import INCOME_COMPONENTS
from tests.fuzz_inputs import CI, household_files

MAX_LINE_CHARS = 400


def check(name: str, raw: bytes, mode: str) -> None:
    outcome = read_household_file(raw, name, mode=mode)
    for lang in ("zh", "en"):
        assert all(len(line) < MAX_LINE_CHARS for line in outcome.report_text(lang).splitlines())
    population = outcome.population
    if population is None:
        assert outcome.problems
        return
    columns = {
        "size": population.size,
        "workers": population.workers,
        "microcredit_yuan": population.microcredit_yuan,
        "transferable_land_mu": population.transferable_land_mu,
        "weight": population.weight,
        **{f"{k}_income_2022": population.income_2022[k] for k in INCOME_COMPONENTS},
    }
    for column, values in columns.items():
        high = RANGE_TABLE[column][1]
        assert np.isfinite(values).all() and (values >= 0).all() and (values <= high).all(), column
    assert (population.weight >= RANGE_TABLE["weight"][0]).all() and (population.size >= 1).all()


@settings(CI, max_examples=200)
@given(household_files(xlsx=False))
def test_any_csv_table_is_imported_or_refused_row_by_row(case):
    for mode in MODES:
        check(*case, mode)


@settings(CI, max_examples=60)
@given(household_files())
def test_any_table_including_xlsx_is_imported_or_refused(case):
    check(*case, MODES[0])
