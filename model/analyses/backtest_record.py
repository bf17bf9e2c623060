"""A back-test result kept for the page: the checks, which population and how many draws, when, how long.

The back-test on all 252,514 households takes minutes with the reference engine, so the page never starts it on a
visit: ``python -m model backtest --save`` (and ``validation-report``) writes ``out/backtest/backtest.json``, and the
page reads it through :func:`parse_record`, which can only return a checked record or refuse with a bounded
bilingual message (the file may have been edited or replaced).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, fields
from pathlib import Path

from model.analyses.backtest import Check
from model.engine.run import Run
from model.schema.guard import stored_bytes, stored_json
from model.schema.text import BilingualError

RESULTS_DIR = Path(__file__).resolve().parents[2] / "out" / "backtest"  # where the command keeps it for the page
RECORD_FILE = "backtest.json"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 256 * 1024
MAX_TEXT = 300
MAX_CHECKS = 50
ROLES = ("fitted", "held out", "follows from the fitted three")
TEXT_FIELDS = ("key", "label_zh", "label_en", "unit", "role", "source")
NUMBER_FIELDS = ("published", "model_mean", "p10", "p90")


@dataclass(frozen=True)
class BacktestRecord:
    """One back-test: its checks and what they rest on (population, households simulated, draws, date)."""

    checks: tuple[Check, ...]
    population: str
    households: int  # records simulated: all households, or the size of the weighted sample
    weighted_sample: bool  # True when ``households`` is a weighted sample standing for all of them
    draws: int
    date: str
    seconds: float

    def as_dict(self) -> dict:
        """JSON-ready, with the version the parser expects."""
        return {
            "version": RECORD_VERSION,
            "population": self.population,
            "households": self.households,
            "weighted_sample": self.weighted_sample,
            "draws": self.draws,
            "date": self.date,
            "seconds": self.seconds,
            "checks": [c.as_dict() for c in self.checks],
        }


class BacktestRecordError(BilingualError):
    """A stored back-test that cannot be read; the message is bilingual and says what is wrong."""


def record_of(run: Run, checks: list[Check], households: int, weighted_sample: bool, seconds: float) -> BacktestRecord:
    """The record of a back-test ``run`` on ``households`` records (a weighted sample or not) that took ``seconds``."""
    return BacktestRecord(
        checks=tuple(checks),
        population=run.population_label,
        households=int(households),
        weighted_sample=bool(weighted_sample),
        draws=run.result.draws,
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        seconds=float(seconds),
    )


def _refuse(zh: str, en: str) -> BacktestRecordError:
    return BacktestRecordError(f"回测结果无法读取：{zh}", f"the back-test result cannot be read: {en}")


def _text(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise TypeError
    return value


def _finite(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError
    return float(value)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TypeError
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _check(entry: object) -> Check:
    if not isinstance(entry, dict):
        raise TypeError
    values = {name: _text(entry[name]) for name in TEXT_FIELDS} | {name: _finite(entry[name]) for name in NUMBER_FIELDS}
    if values["role"] not in ROLES:
        raise TypeError
    return Check(**{f.name: values[f.name] for f in fields(Check)})


def parse_record(data: bytes) -> BacktestRecord:
    """A stored back-test, checked before anything reads it.

    Refuses, with a bounded bilingual message: too large a file, text that is not UTF-8 JSON, another version,
    missing parts, texts too long, numbers that are not finite, an unknown role.
    """
    raw = stored_json(data, MAX_RECORD_BYTES, RECORD_VERSION, _refuse)
    try:
        checks = raw["checks"]
        if not isinstance(checks, list) or not 0 < len(checks) <= MAX_CHECKS:
            raise TypeError
        return BacktestRecord(
            checks=tuple(_check(c) for c in checks),
            population=_text(raw["population"]),
            households=_count(raw["households"]),
            weighted_sample=_flag(raw["weighted_sample"]),
            draws=_count(raw["draws"]),
            date=_text(raw["date"]),
            seconds=_finite(raw["seconds"]),
        )
    except (KeyError, TypeError):
        raise _refuse("缺少部分内容或数值无效", "parts are missing or values are invalid") from None


def read_record(path: Path) -> BacktestRecord:
    """A stored back-test file, read and checked; an unreadable file is refused likewise."""
    return parse_record(stored_bytes(path, _refuse))


def stored_record(folder: Path | None = None) -> Path | None:
    """The back-test kept for the page (``RESULTS_DIR/backtest.json``), or None when there is none."""
    path = (RESULTS_DIR if folder is None else folder) / RECORD_FILE
    return path if path.is_file() else None


def write_record(record: BacktestRecord, folder: Path | None = None) -> Path:
    """Write ``record`` where the page looks for it; returns the path."""
    folder = RESULTS_DIR if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RECORD_FILE
    path.write_text(json.dumps(record.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path
