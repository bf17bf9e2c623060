"""The page's disk cache: the default population and the shipped scenarios' results, kept between server starts.

An entry's file name and header carry a content key: the model's code and parameter files (the calibration,
the scenario fields) and, for a result, its simulation key. A changed calibration or engine therefore names
other files, and a stale, corrupt or foreign file is ignored and rewritten; reading or writing the cache never
stops the page. At most ``MAX_ENTRIES`` files are kept (the newest). The directory is ``.cache/page/`` in the
repository (ignored by git), or the one named by the environment variable ``QUJING_PAGE_CACHE``;
``QUJING_PAGE_CACHE=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from model.engine.result import SimulationResult
from model.io import stored_results
from model.population.table import Population

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file is ui/server/disk_cache.py)
CACHE_ENV = "QUJING_PAGE_CACHE"
DEFAULT_DIR = ROOT / ".cache" / "page"
MODEL_FILES = ("*.py", "*.toml")
MAX_ENTRIES = 24  # files kept; older ones (other model versions, mostly) are removed when one is written
LOG = logging.getLogger(__name__)
T = TypeVar("T")


def directory() -> Path | None:
    """Where entries live, or None when the cache is off."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else DEFAULT_DIR


@cache
def model_version() -> str:
    """A digest of every file under ``model/`` that can change a result (code, calibration, scenario fields)."""
    digest = hashlib.sha256(f"stored format {stored_results.FORMAT}".encode())
    folder = ROOT / "model"
    for path in sorted(p for pattern in MODEL_FILES for p in folder.rglob(pattern)):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _entry(kind: str, key: str) -> tuple[Path, str] | None:
    folder = directory()
    if folder is None:
        return None
    content = f"{model_version()}\n{key}"
    return folder / f"{kind}-{hashlib.sha256(content.encode()).hexdigest()[:32]}.npz", content


def _load(kind: str, key: str, read: Callable[[Path, str], T]) -> T | None:
    entry = _entry(kind, key)
    if entry is None:
        return None
    path, content = entry
    try:
        return read(path, content)
    except stored_results.StoredFileError as exc:
        if path.exists():
            LOG.warning("disk cache: ignoring %s", exc)
        return None


def population(build: Callable[[], Population]) -> Population:
    """The default population from disk when stored for this model version, else ``build()`` (then stored)."""
    stored = _load("population", "default", stored_results.load_population)
    if stored is not None:
        return stored
    built = build()
    entry = _entry("population", "default")
    if entry is not None:
        _store(lambda: stored_results.save_population(entry[0], entry[1], built))
    return built


def load_result(simulation_key: tuple[str, str]) -> SimulationResult | None:
    """A stored result for this simulation key and model version, or None (missing, stale or unreadable)."""
    return _load("result", "\n".join(simulation_key), stored_results.load_result)


def save_result(simulation_key: tuple[str, str], result: SimulationResult) -> None:
    """Store a result for this simulation key (a failure to write is logged, never raised)."""
    entry = _entry("result", "\n".join(simulation_key))
    if entry is not None:
        _store(lambda: stored_results.save_result(entry[0], entry[1], result))


def _store(write: Callable[[], None]) -> None:
    try:
        write()
        entries = sorted(directory().glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        LOG.warning("disk cache: cannot write (%s)", exc)
