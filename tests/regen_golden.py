"""Write the golden summaries of the shipped scenarios (tests/golden/<scenario>.json) — on purpose only.

Run ``.venv/bin/python tests/regen_golden.py`` (or ``.venv/bin/python -m tests.regen_golden``) after a
deliberate change of the model, the calibration or a shipped scenario; review the diff of tests/golden/ before
committing it. The test that reads these files is tests/test_golden.py.

Each summary has two parts: ``inputs`` (deterministic: counts, funds, rules; compared at rel 1e-6) and
``results`` (Monte Carlo outcomes on the full embedded population; compared at rel 1e-4, which float32
rounding changes stay well inside), plus ``outcomes`` (probabilities and met flags; compared exactly).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.engine.run import Run, run_scenario  # noqa: E402
from model.population.synth import default_population  # noqa: E402
from model.schema import fieldspec  # noqa: E402
from model.schema.scenario import load_scenario  # noqa: E402

GOLDEN_DIR = Path(__file__).parent / "golden"
SCENARIO_DIR = ROOT / "scenarios"
INPUT_KEYS = ("N5", "N6", "N7", "N9", "N11", "N15", "N18")
OUTCOME_KEYS = ("N1", "N2", "N3", "N4", "below_line")
ANNUAL_METRICS = (
    "net_income_per_capita",
    "production_income_per_capita",
    "property_income_per_capita",
    "production_income_growth",
    "property_income_growth",
    "below_monitoring_line_share",
    "below_monitoring_line_share_before_assistance",
    "assistance_cost",
)
ASSESSMENT_QUARTERS = ("2023Q2", "2023Q4", "2025Q4")


def summarize(run: Run) -> dict:
    """The golden summary of one run: plain JSON with the three parts described in the module docstring."""
    r = run.result
    checks = run.targets
    inputs = {
        "households": float(r.households.sum()),
        "persons": float(r.persons.sum()),
        "income_base": {k: float(v.sum()) for k, v in r.income_base.items()},
        "linked_households": float(r.linked_by_county.sum()),
        "checks": {k: {"value": checks[k].value, "target": checks[k].target} for k in INPUT_KEYS},
    }
    annual = r.annual_table()
    city = annual[annual["scope"] == "全市"]
    results = {
        "checks": {k: {"value": checks[k].value, "p10": checks[k].p10, "p90": checks[k].p90} for k in OUTCOME_KEYS},
        "decomposition": {k: checks[k].detail["decomposition"] for k in ("N1", "N2")},
        "annual_city": {
            f"{row.year}/{row.metric}": {"mean": row.mean, "p10": row.p10, "p90": row.p90}
            for row in city.itertuples()
            if row.metric in ANNUAL_METRICS
        },
        "assessment": {
            f"{row.quarter}/{row.county}": {"falling_share": row.falling_share, "points_lost": row.points_lost}
            for row in r.assessment_table().itertuples()
            if row.quarter in ASSESSMENT_QUARTERS
        },
        "contributions_2023": {row.channel: row.value for row in run.contributions.itertuples() if row.year == 2023},
    }
    outcomes = {
        k: {"met": checks[k].met, "probability": checks[k].probability, "p_met_se": checks[k].p_met_se}
        for k in (*OUTCOME_KEYS, *INPUT_KEYS)
    }
    outcomes["N4_counties"] = checks["N4"].detail["counties"]
    return {
        "scenario": run.scenario.name,
        "schema_version": fieldspec.schema_version(),
        "population": {"label": run.population_label, "fingerprint": default_population().fingerprint},
        "capacity_exceeded": sorted(k for k, f in run.capacity.items() if f.exceeded),
        "draws": r.draws,
        "inputs": inputs,
        "results": results,
        "outcomes": outcomes,
    }


def shipped() -> list[Path]:
    """The shipped scenario files."""
    return sorted(SCENARIO_DIR.glob("*.toml"))


def golden_path(scenario_file: Path) -> Path:
    """Where the golden summary of a shipped scenario lives."""
    return GOLDEN_DIR / f"{scenario_file.stem}.json"


def main() -> int:
    """Regenerate every golden file."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    pop = default_population()
    for path in shipped():
        summary = summarize(run_scenario(pop, load_scenario(path)))
        golden_path(path).write_text(
            json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"wrote {golden_path(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
