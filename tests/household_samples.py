"""Small household tables in the import template's form, shared by the importer and personal-data tests."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from model.io.household_files import HEADER_TABLE
from model.population.table import COLUMN_NAMES, HOUSEHOLD_TYPES
from model.schema.fieldspec import COUNTIES

HEAD = {col: HEADER_TABLE[col][0] for col in COLUMN_NAMES}


def good_frame(n: int = 24) -> pd.DataFrame:
    """A small valid household table in the template's form (Chinese headers, 是/否), every county present."""
    rng = np.random.default_rng(7)
    size = rng.integers(1, 7, n)
    return pd.DataFrame(
        {
            HEAD["household_id"]: [f"H{i:05d}" for i in range(n)],
            HEAD["county"]: [COUNTIES[i % len(COUNTIES)] for i in range(n)],
            HEAD["village"]: [f"村{i % 4}" for i in range(n)],
            HEAD["size"]: size,
            HEAD["workers"]: rng.integers(0, size + 1),
            HEAD["type"]: [HOUSEHOLD_TYPES[i % 4] for i in range(n)],
            HEAD["industry_willing"]: [("是", "否", "是")[i % 3] for i in range(n)],
            HEAD["dual_bound"]: [("否", "是", "否")[i % 3] for i in range(n)],
            HEAD["microcredit_yuan"]: rng.choice([0.0, 30000.0, 50000.0], n),
            HEAD["transferable_land_mu"]: np.round(rng.uniform(0, 5, n), 2),
            HEAD["wage_income_2022"]: np.round(rng.uniform(0, 60000, n), 2),
            HEAD["production_income_2022"]: np.round(rng.uniform(0, 20000, n), 2),
            HEAD["property_income_2022"]: np.round(rng.uniform(0, 2000, n), 2),
            HEAD["transfer_income_2022"]: np.round(rng.uniform(0, 9000, n), 2),
        }
    )


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    return frame.to_csv(index=False).encode(encoding)


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).astype(str)
