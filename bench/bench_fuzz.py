"""Fuzz benchmark: ≥ 10,000 generated hostile inputs per entrance, reporting cases per second and every crash.

Entrances: scenario files (TOML and JSON), share links (old and comparison form) checked against the
full-scale work budget, household tables (CSV in both modes; XLSX in strict mode, fewer cases: building a
workbook per case dominates). The strategies are the fuzz tests' (tests/fuzz_inputs.py); here they run
randomized with a printed seed. A crash is any exception other than the project's own refusal (ScenarioError for
files and links; the household importer must not raise at all). A benchmark, not a test: the machine is named
first.

    python3 bench/bench_fuzz.py [--cases 10000] [--xlsx-cases 2000] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_import import machine  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from model.io.household_files import MODES, read_household_file  # noqa: E402
from model.schema.scenario import ScenarioError, parse_scenario_bytes  # noqa: E402
from tests.fuzz_inputs import household_files, link_params, scenario_files  # noqa: E402
from ui.session import share  # noqa: E402

FULL_SCALE_HOUSEHOLDS = 252_514


def scenario_entrance(case: tuple[str, bytes]) -> str:
    name, raw = case
    try:
        parse_scenario_bytes(raw, name)
    except ScenarioError:
        return "refused"
    return "accepted"


def link_entrance(params: dict[str, str]) -> str:
    try:
        link = share.decode_link(params, households=FULL_SCALE_HOUSEHOLDS)
    except ScenarioError:
        return "refused"
    return "ignored" if link is None else "accepted"


def household_entrance(case: tuple[str, bytes]) -> str:
    outcomes = [read_household_file(case[1], case[0], mode=mode).refused for mode in MODES]
    return "refused" if all(outcomes) else "accepted"


def household_xlsx_entrance(case: tuple[str, bytes]) -> str:
    return "refused" if read_household_file(case[1], case[0]).refused else "accepted"


def fuzz(strategy, entrance: Callable[[object], str], cases: int, run_seed: int) -> tuple[int, float, Counter, list]:
    """Run ``cases`` generated inputs through ``entrance``; count answers, collect crashes without stopping.

    The answers also count the slowest case in milliseconds (key ``slowest ms``).
    """
    answers: Counter = Counter()
    crashes: list[tuple[str, str]] = []
    slowest = [0.0]

    @seed(run_seed)
    @settings(
        max_examples=cases,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def body(case):
        start = time.perf_counter()
        try:
            answers[entrance(case)] += 1
        except Exception as exc:
            answers["crash"] += 1
            crashes.append((type(exc).__name__, repr(case)[:160]))
        slowest[0] = max(slowest[0], time.perf_counter() - start)

    start = time.perf_counter()
    body()
    count = sum(answers.values())
    answers["slowest ms"] = round(slowest[0] * 1000)
    return count, time.perf_counter() - start, answers, crashes


def adversarial() -> list[tuple[str, bytes]]:
    """1 MB scenario files built to make a scanner or parser go quadratic (each checked once, timed)."""
    n = 1024 * 1024 - 16
    return [
        ("escaped quotes", b'"""' + b'\\"' * (n // 2)),
        ("unterminated escapes", b'"a' + b'\\"' * (n // 2)),
        ("dotted key", b'"a".' * (n // 4)),
        ("brackets", b"[]" * (n // 2)),
        ("newlines", b"\n" * n),
        ("commas", b"," * n),
        ("many keys", b"".join(b"k%d = 1\n" % i for i in range(n // 10))),
    ]


def main() -> None:
    """One line per entrance: cases, seconds, cases/s, answers, crashes (and the first crashes in full)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--xlsx-cases", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=random.randrange(2**32))
    args = parser.parse_args()
    print(f"machine: {machine()}; seed {args.seed}")
    entrances = [
        ("scenario files (TOML, JSON)", scenario_files(), scenario_entrance, args.cases),
        ("share links (old, comparison)", link_params(), link_entrance, args.cases),
        ("household CSV (both modes)", household_files(xlsx=False), household_entrance, args.cases),
        ("household tables incl. XLSX", household_files(), household_xlsx_entrance, args.xlsx_cases),
    ]
    for label, raw in adversarial():
        start = time.perf_counter()
        answers = [scenario_entrance((name, raw[: 1024 * 1024])) for name in ("x.toml", "x.json")]
        print(f"adversarial 1 MB scenario file, {label:22s} {time.perf_counter() - start:6.2f} s  {answers}")
    failed = False
    for label, strategy, entrance, cases in entrances:
        count, seconds, answers, crashes = fuzz(strategy, entrance, cases, args.seed)
        shown = ", ".join(f"{k} {v:,}" for k, v in sorted(answers.items()))
        print(f"{label:32s} {count:7,} cases  {seconds:7.1f} s  {count / seconds:7.0f} cases/s  {shown}")
        for kind, case in crashes[:5]:
            print(f"    CRASH {kind}: {case}")
        failed |= bool(crashes)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
