"""Bring the shipped scenarios' behavioural assumptions to the current defaults (after `model calibrate --write`).

The shipped files spell out every field, so a planner who sends one sends every number it was run with; when the
calibration changes, their assumptions are reset here to the new defaults — levers, settings, names and header
comments stay as they are. tests/test_scenario.py fails while a shipped file lags behind the defaults.

    .venv/bin/python scripts/refresh_scenarios.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.schema.scenario import Scenario, dump_scenario_toml, load_scenario  # noqa: E402

MARK = "曲靖市脱贫人口增收模拟方案"


def header_of(text: str) -> str:
    """The file's own comment lines above the standard one the writer adds."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#") or MARK in line:
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines)


def main() -> int:
    """Rewrite every shipped scenario with today's default assumptions."""
    defaults = {f"assumptions.{k}": v for k, v in Scenario().assumptions.model_dump().items()}
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        scenario = load_scenario(path).with_changes(defaults)
        path.write_text(dump_scenario_toml(scenario, header=header_of(text)), encoding="utf-8")
        print(f"refreshed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
