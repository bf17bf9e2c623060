"""``results.parquet``: one row per design point, rewritten atomically, describing itself.

Rows: ``point_id``, ``point_index`` (place in the design), one column per factor (its value), ``draws``,
``seed``, then per target ``<key>_value``, ``<key>_p_met``, ``<key>_p_met_se``, ``<key>_met``, and ``seconds``
(the point's wall time on its worker). The sweep's description (the design with its factors, the base scenario,
the population and model fingerprints, the required probability) is kept in the file's metadata, so a file
carried away from a cluster explains itself.

Writing: the whole table goes to a temporary file in the same folder, then replaces ``results.parquet`` in one
rename, so a sweep killed at any moment leaves the previous complete file. Reading a file from outside (an
upload) goes through :func:`parse_results_bytes`, which can only refuse cleanly.
"""

from __future__ import annotations

import io
import json
import math
import numbers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.engine.targets import CHECK_KEYS
from model.schema.scenario import Problem, ScenarioError
from model.sweep.design import DesignError, Factor, factor_from_dict

RESULTS_FILE = "results.parquet"
FORMAT_VERSION = 1
METADATA_KEY = b"qujing_sweep"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
TARGET_SUFFIXES = ("_value", "_p_met", "_p_met_se", "_met")


class ResultsError(ScenarioError):
    """A results file was refused; ``problems`` says why, in Chinese and English."""


def _refuse(zh: str, en: str) -> ResultsError:
    return ResultsError([Problem("results.parquet", None, "custom", f"{zh}|{en}")])


@dataclass(frozen=True)
class SweepResults:
    """A sweep's rows and the description kept with them."""

    frame: pd.DataFrame
    manifest: dict
    factors: tuple[Factor, ...]

    @property
    def target_keys(self) -> tuple[str, ...]:
        """Targets with a verdict column, in the notice's order."""
        return tuple(k for k in CHECK_KEYS if f"{k}_met" in self.frame.columns)

    @property
    def required_probability(self) -> float:
        """The probability of meeting each point's verdict was judged against."""
        return float(self.manifest["required_probability"])

    @property
    def point_ids(self) -> set[str]:
        """Ids of the points present."""
        return set(self.frame["point_id"])


# ------------------------------------------------------------------------------------------------ writing
def _table(frame: pd.DataFrame, manifest: dict):
    import pyarrow as pa

    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[METADATA_KEY] = json.dumps(manifest, ensure_ascii=False, default=str).encode("utf-8")
    return table.replace_schema_metadata(metadata)


def write_results(path: Path, frame: pd.DataFrame, manifest: dict) -> None:
    """Write ``frame`` with ``manifest`` to ``path`` atomically (temporary file, then one rename)."""
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(_table(frame, manifest), tmp)
    os.replace(tmp, path)


def results_bytes(frame: pd.DataFrame, manifest: dict) -> bytes:
    """The same file as bytes (the page's download)."""
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(_table(frame, manifest), sink)
    return sink.getvalue()


# ------------------------------------------------------------------------------------------------ reading
def read_results(path: Path) -> SweepResults:
    """Read a ``results.parquet`` this program wrote (same checks as an upload, without the size limit)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _refuse(f"无法读取 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}") from None
    return parse_results_bytes(raw, max_bytes=None)


def parse_results_bytes(raw: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES) -> SweepResults:
    """The one entrance for a results file from outside: size, Parquet, description, columns, values.

    Factor names, fields and values are checked against the scenario schema, so labels and units shown later come
    from the schema, never from the file.
    """
    if max_bytes is not None and len(raw) > max_bytes:
        raise _refuse(
            f"文件大小 {len(raw) / 1e6:.1f} MB 超过上限 {max_bytes / 1e6:.0f} MB",
            f"the file is {len(raw) / 1e6:.1f} MB, more than the limit of {max_bytes / 1e6:.0f} MB",
        )
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(raw))
        if parquet.metadata.num_rows > MAX_ROWS:
            raise _refuse(
                f"文件有 {parquet.metadata.num_rows:,} 行，超过上限 {MAX_ROWS:,}",
                f"the file has {parquet.metadata.num_rows:,} rows, more than the limit of {MAX_ROWS:,}",
            )
        table = parquet.read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, ResultsError):
            raise
        raise _refuse(
            "不是可读的 Parquet 文件（应为 sweep 命令写出的 results.parquet）",
            "not a readable Parquet file (expected the results.parquet the sweep command writes)",
        ) from None
    manifest = _manifest(table.schema.metadata or {})
    factors = _factors(manifest)
    try:
        frame = table.to_pandas()
    except (pa.ArrowException, ValueError, TypeError):
        raise _refuse("表格内容无法读取", "the table's content cannot be read") from None
    _check_columns(frame, factors)
    return SweepResults(frame, manifest, factors)


def _manifest(metadata: dict) -> dict:
    raw = metadata.get(METADATA_KEY)
    if raw is None:
        raise _refuse(
            "文件中没有模拟扫描的说明（不是 sweep 命令写出的文件）",
            "the file carries no sweep description (it was not written by the sweep command)",
        )
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse("扫描说明无法解析", "the sweep description cannot be parsed") from None
    if not isinstance(manifest, dict):
        raise _refuse("扫描说明格式不对", "the sweep description has the wrong form")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FORMAT_VERSION:
        raise _refuse(
            f"结果文件格式版本 {str(version)[:20]} 不受支持（本软件读 1–{FORMAT_VERSION}）",
            f"results format_version {str(version)[:20]} is not supported (this program reads 1–{FORMAT_VERSION})",
        )
    p = manifest.get("required_probability")
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not math.isfinite(p) or not 0 <= p <= 1:
        raise _refuse("要求的达标概率应在 0–1 之间", "the required probability must be within 0–1")
    return manifest


def _factors(manifest: dict) -> tuple[Factor, ...]:
    design = manifest.get("design")
    raw = design.get("factors") if isinstance(design, dict) else None
    if not isinstance(raw, list) or not raw or len(raw) > 20:
        raise _refuse("扫描说明中缺少变化因素", "the sweep description lists no factors")
    try:
        return tuple(factor_from_dict(f, f"factor[{i}]") for i, f in enumerate(raw) if isinstance(f, dict))
    except DesignError as exc:
        raise ResultsError(exc.problems) from None


def _check_columns(frame: pd.DataFrame, factors: tuple[Factor, ...]) -> None:
    missing = [c for c in ("point_id", "point_index", *(f.name for f in factors)) if c not in frame.columns]
    if missing:
        raise _refuse(f"缺少列：{', '.join(missing[:5])}", f"missing columns: {', '.join(missing[:5])}")
    if not any(f"{k}_met" in frame.columns for k in CHECK_KEYS):
        raise _refuse("没有任何目标的达标列（如 N1_met）", "no target verdict column (such as N1_met)")
    for f in factors:
        column = frame[f.name]
        if column.isna().any() or not column.map(lambda v, f=f: _fits(f, v)).all():
            raise _refuse(
                f"列 {f.name} 中有不在因素范围内的值",
                f"column {f.name} holds values outside the factor's range",
            )
    for k in CHECK_KEYS:
        verdicts = frame[f"{k}_met"] if f"{k}_met" in frame.columns else pd.Series([], dtype=bool)
        if not verdicts.map(lambda v: v is None or isinstance(v, (bool, np.bool_))).all():
            raise _refuse(f"列 {k}_met 应为 true/false", f"column {k}_met must hold true/false")


def _fits(factor: Factor, value: Any) -> bool:
    if factor.values is not None:
        return value in factor.values
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        return False
    return factor.low - 1e-9 <= value <= factor.high + 1e-9
