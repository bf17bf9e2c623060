"""Share links: the URL's query parameters carry the edited scenario as changes from a named shipped scenario.

``?base=notice_2023&name=...&funds.industry_share_central=0.7`` — every value is checked exactly like a scenario
file (types, ranges, cross-field rules); a tampered link raises :class:`ScenarioError` naming the field and its
allowed range. Parameters without a dot other than ``base``/``name``/``lang`` belong to other parts of the page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from model.schema import fieldspec
from model.schema.fieldspec import FieldSpec
from model.schema.scenario import Problem, Scenario, ScenarioError
from ui.i18n import t
from ui.scenarios import DEFAULT_BASE, SHIPPED, shipped

BASE_PARAM = "base"
NAME_PARAM = "name"
DESCRIPTION_PARAM = "description"
LANG_PARAM = "lang"
TEXT_PARAMS = (NAME_PARAM, DESCRIPTION_PARAM)
OWN_PARAMS = (BASE_PARAM, *TEXT_PARAMS, LANG_PARAM)


def has_scenario(params: Mapping[str, str]) -> bool:
    """True when the URL carries a scenario (a base, a name or at least one field)."""
    return any(k in (BASE_PARAM, *TEXT_PARAMS) or "." in k for k in params)


def _text(spec: FieldSpec, value: object) -> str:
    if spec.type == "bool":
        return "true" if value else "false"
    if spec.type == "county_shares":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return str(value)  # repr-exact for floats, so a link reproduces the value bit for bit


def encode(scenario: Scenario, base: str) -> dict[str, str]:
    """Query parameters for ``scenario`` as changes from the shipped scenario ``base``."""
    params = {BASE_PARAM: base}
    for key in TEXT_PARAMS:
        if getattr(scenario, key) != getattr(shipped()[base], key):
            params[key] = getattr(scenario, key)
    specs = fieldspec.by_path()
    for path, value in scenario.changes_from(shipped()[base]).items():
        params[path] = _text(specs[path], value)
    return params


def _parse(spec: FieldSpec, text: str) -> object:
    """The typed value of one parameter; raises ValueError when it is not of the field's type."""
    if spec.type == "float":
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value
    if spec.type == "int":
        return int(text)
    if spec.type == "bool":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if spec.type == "county_shares":
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError(text)
        return value
    return text


def decode(params: Mapping[str, str]) -> tuple[str, Scenario]:
    """The base's stem and the scenario a link describes; raises ScenarioError listing every bad parameter."""
    base = params.get(BASE_PARAM, DEFAULT_BASE)
    problems: list[Problem] = []
    if base not in SHIPPED:
        allowed = ", ".join(SHIPPED)
        problems.append(
            Problem(
                BASE_PARAM,
                base,
                "custom",
                f"{t('share.base_allowed', 'zh', allowed=allowed)}|{t('share.base_allowed', 'en', allowed=allowed)}",
            )
        )
    specs = fieldspec.by_path()
    changes: dict[str, object] = {}
    for key, text in params.items():
        if key in OWN_PARAMS or "." not in key:
            continue
        spec = specs.get(key)
        if spec is None:
            problems.append(Problem(key, text, "unknown"))
            continue
        try:
            changes[key] = _parse(spec, text)
        except (ValueError, json.JSONDecodeError):
            problems.append(Problem(key, text, "type"))
    changes.update({key: params[key] for key in TEXT_PARAMS if key in params})
    if base in SHIPPED:
        try:
            scenario = shipped()[base].with_changes(changes)
            if not problems:
                return base, scenario
        except ScenarioError as exc:  # ranges and cross-field rules, reported with the type problems
            problems.extend(exc.problems)
    raise ScenarioError(problems)
