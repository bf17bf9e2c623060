"""Lever responses: each lever from its minimum to its maximum, one at a time, on a shipped scenario.

The reviewer's table of issue 7, recomputed on the current model: N1, N2, N3, the share below the line and N7
of the first projected year at five points of each lever's range, on common random numbers (the scenario's seed
and a fixed number of draws), with a flag where the lever's value passes what the city can absorb on any capacity
not already passed by the shipped scenario (a lever can push another lever's flag: more central funds ask for more
support packages than there are willing households). A lever
whose mechanism should act must not be flat; none may grow without bound (the last step adds less than the first).
Writes a Markdown table (for docs/MODEL.md) to standard output, or JSON with --json.

    .venv/bin/python scripts/lever_responses.py [--scenario scenarios/notice_2023.toml] [--draws 64] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.engine.run import run_scenario  # noqa: E402
from model.population.synth import default_population, sample_population  # noqa: E402
from model.schema import fieldspec  # noqa: E402
from model.schema.scenario import load_scenario  # noqa: E402

LEVERS = (
    "funds.central_10k_yuan",
    "funds.industry_share_central",
    "funds.industry_share_provincial",
    "linking.households_per_million_yuan",
    "industry.household_support_share",
    "industry.collective_assets_share",
    "industry.support_per_household_yuan",
    "dual_binding.coverage_target",
    "microcredit.new_lending_10k_yuan",
    "tourism.households_reached",
    "training.person_times",
    "collective.dividends_10k_yuan",
    "consumption.purchases_10k_yuan",
    "safety_net.detection_rate",
)
POINTS = 5


def grid(path: str) -> list[float]:
    """Five evenly spaced values over the lever's allowed range (whole numbers for counts)."""
    spec = fieldspec.by_path()[path]
    values = [spec.min + (spec.max - spec.min) * k / (POINTS - 1) for k in range(POINTS)]
    return [round(v) for v in values] if spec.type == "int" else [float(v) for v in values]


INDUSTRY_SHARES = ("household_support_share", "collective_assets_share", "infrastructure_share")


def changes_for(scenario, path: str, value: float) -> dict:
    """The lever at ``value``; a share of a group that adds up to 1 takes the rest from the others in proportion."""
    section, name = path.split(".")
    if section != "industry" or name not in INDUSTRY_SHARES:
        return {path: value}
    others = [f for f in INDUSTRY_SHARES if f != name]
    rest = [getattr(scenario.industry, f) for f in others]
    total = sum(rest)
    return {path: value, **{f"industry.{f}": (1 - value) * r / total for f, r in zip(others, rest, strict=True)}}


def population(sample: int | None):
    """The embedded population, or a weighted sample of it (quicker; the city totals keep their scale)."""
    return default_population() if sample is None else sample_population(sample)


def exceeded_flags(run) -> set[str]:
    """The keys of a run's capacity flags that are exceeded."""
    return {key for key, flag in run.capacity.items() if flag.exceeded}


def responses(scenario_path: str, draws: int, sample: int | None = None) -> list[dict]:
    """One row per lever and point: value, N1, N2 (means over the same draws) and the capacity flags it raises."""
    pop = population(sample)
    base = load_scenario(scenario_path).with_changes({"simulation.draws": draws, "simulation.max_standard_error": 0.0})
    shipped = exceeded_flags(run_scenario(pop, base))
    rows = []
    for path in LEVERS:
        for value in grid(path):
            run = run_scenario(pop, base.with_changes(changes_for(base, path, value)))
            rows.append(
                {
                    "lever": path,
                    "value": value,
                    "N1": run.targets["N1"].value,
                    "N2": run.targets["N2"].value,
                    "N3": run.targets["N3"].value,
                    "N7": run.targets["N7"].value,
                    "below_line": run.targets["below_line"].value,
                    "assistance_10k_yuan": run.targets["below_line"].detail["assistance_cost_10k_yuan"],
                    "capacity_exceeded": sorted(exceeded_flags(run) - shipped),
                }
            )
    return rows


def markdown(rows: list[dict]) -> str:
    """The table as in docs/MODEL.md: N1 and N2 along each lever's range."""
    lines = [
        "| lever | values (min → max) | N1 (production growth) | N2 (property growth) | N3 (falling, worst quarter) "
        "| below the line after assistance | N7 (households per million) |",
        "|---|---|---|---|---|---|---|",
    ]
    for path in LEVERS:
        mine = [r for r in rows if r["lever"] == path]
        values = " / ".join(f"{r['value']:,.4g}{'⚑' if r['capacity_exceeded'] else ''}" for r in mine)
        shares = [" → ".join(f"{r[key]:.1%}" for r in mine) for key in ("N1", "N2", "N3", "below_line")]
        n7 = " → ".join(f"{r['N7']:.0f}" for r in mine)
        lines.append(f"| `{path}` | {values} | {' | '.join(shares)} | {n7} |")
    others = [
        f"* `{r['lever']}` = {r['value']:,.4g}: " + ", ".join(f"`{k}`" for k in r["capacity_exceeded"])
        for r in rows
        if any(key.split(":")[0] != r["lever"] for key in r["capacity_exceeded"])
    ]
    if others:
        lines += ["", "⚑ raised by another lever's capacity (flag keys, docs/MODEL.md §10):", "", *others]
    return "\n".join(lines)


def main() -> int:
    """Print the lever-response table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "notice_2023.toml"))
    parser.add_argument("--draws", type=int, default=64)
    parser.add_argument("--sample", type=int, help="a weighted sample of this many households instead of all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = responses(args.scenario, args.draws, args.sample)
    print(json.dumps(rows, ensure_ascii=False, indent=1) if args.json else markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
