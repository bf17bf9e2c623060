"""What a target card shows beneath its caption, and the capacity flags under a scenario's cards.

* N1 and N2: where the growth comes from — organic growth and the largest channels, in percentage points that add
  up to the card's value (``detail["decomposition"]``) — and, for N1, the what-if "if 2022's organic growth
  repeated" (``detail["if_2022_repeats"]``), marked as a what-if, not a forecast.
* The below-line share: the share before assistance, and what assistance costs (mean and P90).
* Capacity flags (``run.capacity``): a lever beyond what the city can absorb is allowed and saturates in the
  model; it is flagged like a breached notice floor, with the capacity in the lever's unit and what it is.

Everything here reads what the run already computed (cheap on every rerun of the cards); a preview's values are
marked as such.
"""

from __future__ import annotations

import streamlit as st

from model.engine.capacity import CapacityFlag
from model.engine.targets import TargetCheck
from model.reports.chart_text import text as chart_label
from model.schema import fieldspec
from model.schema.units import unit_text
from ui.language.formats import number, with_unit
from ui.language.i18n import t
from ui.session.runs import SlotRun

PERCENT = 100
SHOWN_CHANNELS = 3  # organic growth, then this many channels by size; the rest are summed as "other measures"
OTHER = "other"
SMALLEST_SHOWN = 0.0005  # a share of growth shown as ±0.0 points is not named
LINE_UNIT = fieldspec.by_path()["simulation.monitoring_line_yuan"].unit  # the line, per person a year
COST_UNIT = fieldspec.by_path()["funds.central_10k_yuan"].unit  # 万元 a year, as the funds that pay for it


def growth_parts(decomposition: dict[str, float], shown: int = SHOWN_CHANNELS) -> list[tuple[str, float]]:
    """(name, share) of organic growth, the ``shown`` largest channels by size, and the rest summed as ``other``.

    A channel or a rest that rounds to 0.0 points is left out (the line shows one decimal); the parts shown add up
    to the growth within that rounding.
    """
    visible = [(n, v) for n, v in decomposition.items() if n != "organic" and abs(v) >= SMALLEST_SHOWN]
    channels = sorted(visible, key=lambda item: -abs(item[1]))
    parts = [("organic", decomposition.get("organic", 0.0)), *channels[:shown]]
    rest = sum(v for n, v in decomposition.items() if n != "organic") - sum(v for _, v in channels[:shown])
    if abs(rest) >= SMALLEST_SHOWN:
        parts.append((OTHER, rest))
    return parts


def _preview(slot: SlotRun, lang: str) -> str:
    return "" if slot.final else t("cards.preview_mark", lang)


def _part_label(name: str, lang: str) -> str:
    return t("cards.other_measures", lang) if name == OTHER else chart_label(f"channel_short.{name}", lang)


def decomposition_line(check: TargetCheck, slot: SlotRun, lang: str) -> None:
    """The growth by source, "其中自然增长 x 点，…", with every channel in the tooltip."""
    decomposition = (check.detail or {}).get("decomposition")
    if not decomposition:
        return
    sep = t("cards.part_separator", lang)
    shown = sep.join(
        t("cards.part", lang, label=_part_label(name, lang), points=f"{share * PERCENT:+.1f}")
        for name, share in growth_parts(decomposition)
    )
    every = sep.join(
        t("cards.part", lang, label=chart_label(f"channel.{name}", lang), points=f"{share * PERCENT:+.1f}")
        for name, share in decomposition.items()
    )
    st.caption(
        t("cards.decomposition", lang, parts=shown, preview=_preview(slot, lang)),
        help=t("cards.decomposition_help", lang, parts=every),
    )


def if_2022_line(check: TargetCheck, slot: SlotRun, lang: str) -> None:
    """N1 if 2022's organic growth repeated: a what-if, never the verdict."""
    repeat = (check.detail or {}).get("if_2022_repeats")
    if not repeat:
        return
    st.caption(
        t(
            "cards.if_2022",
            lang,
            target=check.key,
            rate=number(repeat["organic_rate"], "share 0–1"),
            value=with_unit(repeat["value"], check.unit, lang),
            preview=_preview(slot, lang),
        ),
        help=t("cards.if_2022_help", lang),
    )


def below_line_detail(check: TargetCheck, slot: SlotRun, lang: str) -> None:
    """The below-line share before assistance and the year's assistance cost (mean and P90)."""
    detail = check.detail or {}
    if "share_before_assistance" not in detail:
        return
    st.caption(
        t(
            "cards.below_line_before",
            lang,
            period=check.period,
            line=with_unit(detail["monitoring_line_yuan_per_capita"], LINE_UNIT, lang),
            before=number(detail["share_before_assistance"], check.unit),
            after=number(check.value, check.unit),
            cost=with_unit(detail["assistance_cost_10k_yuan"], COST_UNIT, lang),
            cost_p90=with_unit(detail["assistance_cost_10k_yuan_p90"], COST_UNIT, lang),
            preview=_preview(slot, lang),
        )
    )


def capacity_text(flag: CapacityFlag, lang: str) -> str:
    """An exceeded flag as text: the lever, the amount asked, the capacity in the lever's unit, what it is."""
    unit = unit_text(flag.unit, lang)
    return t(
        "cards.capacity",
        lang,
        label=flag.label(lang),
        value=f"{flag.value:,.0f}",
        capacity=f"{flag.capacity:,.0f}",
        unit=unit,
        note=flag.note(lang),
    )


def draw_capacity(slot: SlotRun, lang: str) -> None:
    """A warning per lever of the slot's scenario beyond what the city can absorb (nothing when none is)."""
    for flag in slot.run.capacity.values():
        if flag.exceeded:
            st.warning(capacity_text(flag, lang) + _preview(slot, lang), icon="⚠️")


DETAILS = {
    "N1": (decomposition_line, if_2022_line),
    "N2": (decomposition_line, if_2022_line),
    "below_line": (below_line_detail,),
}
