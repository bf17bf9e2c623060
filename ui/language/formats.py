"""How a scenario value or a result is written on the page: shares as percentages, units in the page's language."""

from __future__ import annotations

import re

from model.schema.fieldspec import FieldSpec
from model.schema.units import is_share_unit, unit_text
from ui.language.i18n import t

PERCENT = 100
_MARKDOWN_SIGNS = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark: CommonMark lets each be escaped


def plain(text: object) -> str:
    """User text made safe for an element that renders markdown (st.markdown, st.error, st.caption, labels).

    Every ASCII punctuation mark is backslash-escaped and runs of white space (newlines too) become one space,
    so ``![t](http://host/beacon.png)``, ``**bold**``, ``<img>``, ``$x$`` or ``:red[x]`` in a scenario's name, a
    file name or a column header show as the characters typed: no image is fetched, nothing is formatted.
    """
    return _MARKDOWN_SIGNS.sub(r"\\\1", " ".join(str(text).split()))


def plain_lines(*lines: str) -> str:
    """Several lines of (user) text as markdown paragraphs, each made :func:`plain`."""
    return "\n\n".join(plain(line) for text in lines for line in text.splitlines())


def is_share(spec: FieldSpec) -> bool:
    """True for share fields, which the page shows as percentages (0.6 ↔ 60)."""
    return spec.type == "float" and is_share_unit(spec.unit)


def number(value: float, unit: str, digits: int | None = None) -> str:
    """A value in its unit's display form, without the unit: ``0.172`` → ``17.2%`` for shares, else grouped."""
    if is_share_unit(unit):
        return f"{value * PERCENT:.{1 if digits is None else digits}f}%"
    if digits is None:
        digits = 0 if abs(value) >= 1000 or float(value).is_integer() else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f}"


def with_unit(value: float, unit: str, lang: str, digits: int | None = None) -> str:
    """A value with its unit in ``lang``; shares carry the % sign (what they are a share of is in the label)."""
    shown = number(value, unit, digits)
    return shown if is_share_unit(unit) else f"{shown} {unit_text(unit, lang)}"


def field_value(spec: FieldSpec, value: object, lang: str) -> str:
    """A scenario field's value for display (booleans and quarters as they are)."""
    if spec.type == "bool":
        return t("common.yes" if value else "common.no", lang)
    if spec.type in ("quarter", "str", "county_shares"):
        return str(value)
    return with_unit(float(value), spec.unit, lang)
