"""Simulation results and populations as ``.npz`` files, so a server can start without recomputing them.

Arrays are stored as arrays and everything else as one JSON header, read back with ``allow_pickle=False``: a
file can only yield numbers, text and a scenario that passes the schema, never run code. The header carries the
format version and the content key the file was written for; a file written for another key, by another format
version, truncated or altered is refused with :class:`StoredFileError` (the caller then recomputes).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from model.engine.capacity import CapacityFlag
from model.engine.result import SimulationResult
from model.population.table import Population, Region
from model.schema.scenario import scenario_from_dict

FORMAT = 2  # 2: capacity flags, regions, province groups
HEADER = "header"


class StoredFileError(ValueError):
    """A stored file that cannot be used: missing, unreadable, for another key or another format."""


def _split(obj: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A dataclass as (JSON-ready values, arrays); dicts of arrays are flattened to ``name/key`` entries."""
    values: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {}
    texts: list[str] = []
    dicts: dict[str, list[str]] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                value = value.astype(str)
                texts.append(f.name)
            arrays[f.name] = value
        elif isinstance(value, dict) and value and all(isinstance(v, np.ndarray) for v in value.values()):
            dicts[f.name] = list(value)
            arrays.update({f"{f.name}/{k}": v for k, v in value.items()})
        elif hasattr(value, "model_dump"):
            values[f.name] = value.model_dump(mode="json")
        elif isinstance(value, Region):
            values[f.name] = {**asdict(value), "calibrated_households": value.calibrated_households.tolist()}
            values[f.name]["villages"] = value.villages.tolist()
        elif isinstance(value, dict) and value and all(isinstance(v, CapacityFlag) for v in value.values()):
            values[f.name] = {k: asdict(v) for k, v in value.items()}
        else:
            values[f.name] = value
    return {"values": values, "dicts": dicts, "texts": texts}, arrays


def _write(path: Path, kind: str, key: str, obj: Any) -> None:
    layout, arrays = _split(obj)
    header = json.dumps({"format": FORMAT, "kind": kind, "key": key, **layout}, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **{HEADER: np.array(header)}, **arrays)
        os.replace(temporary, path)  # readers see the old file or the whole new one, never a half-written one
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read(path: Path, kind: str, key: str) -> dict[str, Any]:
    try:
        with np.load(path, allow_pickle=False) as stored:
            header = json.loads(str(stored[HEADER]))
            if header.get("format") != FORMAT or header.get("kind") != kind or header.get("key") != key:
                raise StoredFileError(f"{path.name}: written for another key or format")
            arrays = {name: stored[name] for name in stored.files if name != HEADER}
    except StoredFileError:
        raise
    except Exception as exc:  # a truncated or altered file can fail in zipfile, numpy or json
        raise StoredFileError(f"{path.name}: unreadable ({type(exc).__name__})") from exc
    fields_ = dict(header["values"])
    for name, keys in header["dicts"].items():
        fields_[name] = {k: arrays.pop(f"{name}/{k}") for k in keys}
    for name in header["texts"]:
        fields_[name] = arrays.pop(name).astype(object)
    fields_.update(arrays)
    return fields_


def _build(cls: type, values: dict[str, Any], path: Path) -> Any:
    expected = {f.name for f in fields(cls)}
    if set(values) != expected:
        raise StoredFileError(f"{path.name}: fields differ from {cls.__name__}'s")
    try:
        return cls(**values)
    except Exception as exc:
        raise StoredFileError(f"{path.name}: not a {cls.__name__} ({exc})") from exc


def save_result(path: Path, key: str, result: SimulationResult) -> None:
    """Write ``result`` to ``path`` for content key ``key`` (atomically: readers never see half a file)."""
    _write(path, "result", key, result)


def load_result(path: Path, key: str) -> SimulationResult:
    """The result stored at ``path`` for ``key``; raises StoredFileError when it cannot be used."""
    values = _read(path, "result", key)
    try:
        values["scenario"] = scenario_from_dict(values["scenario"])
    except Exception as exc:
        raise StoredFileError(f"{path.name}: stored scenario refused") from exc
    try:
        values["feasibility"] = {k: CapacityFlag(**v) for k, v in values["feasibility"].items()}
        values["group_names"] = tuple(str(v) for v in values["group_names"])
        values["total_name"] = tuple(str(v) for v in values["total_name"])
    except Exception as exc:
        raise StoredFileError(f"{path.name}: malformed result") from exc
    return _build(SimulationResult, values, path)


def save_population(path: Path, key: str, population: Population) -> None:
    """Write ``population`` to ``path`` for content key ``key``."""
    _write(path, "population", key, population)


def load_population(path: Path, key: str) -> Population:
    """The population stored at ``path`` for ``key`` (arrays read-only); raises StoredFileError when unusable."""
    values = _read(path, "population", key)
    try:
        values["village_names"] = tuple(str(v) for v in values["village_names"])
        values["county_slices"] = tuple((int(a), int(b)) for a, b in values["county_slices"])
        if values["region"] is not None:
            region = dict(values["region"])
            region["counties"] = tuple(str(c) for c in region["counties"])
            region["calibrated_households"] = np.asarray(region["calibrated_households"], dtype=np.float64)
            region["villages"] = np.asarray(region["villages"], dtype=np.float64)
            values["region"] = Region(**region)
        for value in [*values.values(), *values["income_2022"].values()]:
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
    except Exception as exc:
        raise StoredFileError(f"{path.name}: malformed population") from exc
    return _build(Population, values, path)
