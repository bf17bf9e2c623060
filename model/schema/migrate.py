"""Older scenario files brought to the current schema, saying what changed (never silently).

Each migration takes the plain mapping read from a file of version ``v`` and returns the mapping of version
``v + 1`` and the notes a planner must read (bilingual "zh|en"). Fields a newer version adds take their defaults.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

# Version 1 → 2 (issue 7): the channels' mechanisms changed.
V1_REMOVED = {
    "assumptions.industry_return_rate": (
        "产业资金现在分为到户补助、联结资产和基础设施三类，按每户投入的递减收益计算，原“产业项目资产年收益率”不再使用",
        "industry funds now split into household support, linked assets and infrastructure, each with diminishing "
        "returns per household; the old single industry return rate is no longer used",
    ),
}
V1_INTEGER_COUNTS = ("tourism.households_reached", "training.person_times")


def _v1_to_v2(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    assumptions = data.get("assumptions")
    if isinstance(assumptions, dict):
        for path, (zh, en) in V1_REMOVED.items():
            name = path.split(".", 1)[1]
            if name in assumptions:
                value = assumptions.pop(name)
                notes.append(f"{path} = {value!r} 已删除：{zh}|{path} = {value!r} dropped: {en}")
    for path in V1_INTEGER_COUNTS:
        section, name = path.split(".")
        block = data.get(section)
        if isinstance(block, dict) and isinstance(block.get(name), float) and block[name].is_integer():
            block[name] = int(block[name])
    notes.append(
        "新版本(2)增加了产业资金使用结构、防返贫监测帮扶和新的行为假设，这些字段取默认值|schema version 2 adds how "
        "industry funds are spent, the safety net and new assumptions: those fields take their defaults"
    )
    data["schema_version"] = 2
    return data, notes


MIGRATIONS: dict[int, Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]] = {1: _v1_to_v2}


def migrate(data: Mapping[str, Any], current: int) -> tuple[dict[str, Any], list[str]]:
    """``data`` brought from its ``schema_version`` up to ``current``, with the notes of every step."""
    out = copy.deepcopy(dict(data))
    notes: list[str] = []
    version = out.get("schema_version")
    while isinstance(version, int) and not isinstance(version, bool) and version in MIGRATIONS and version < current:
        out, step = MIGRATIONS[version](out)
        notes += step
        version = out["schema_version"]
    return out, notes
