"""The back-test as a chart: each published 2022 figure against the model's P10–P90 band and mean (Altair only).

The figures have different units (growth rates, yuan per person, shares of households), so each has its own row and
its own scale; shares are drawn in percent. Row titles say the figure, its unit and whether it was fitted or held
out; the chart's title says what the bar, the tick and the diamond are.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.analyses.backtest import Check
from model.schema.text import pick
from model.schema.units import is_share_unit, unit_text

PERCENT = 100
CHART_WIDTH = 460
ROW_HEIGHT = 34
ROLES = {
    "fitted": ("拟合", "fitted"),
    "held out": ("留出检验", "held out"),
    "follows from the fitted three": ("由拟合三项推出", "follows from the fitted three"),
}
TEXTS: dict[str, tuple[str, str]] = {
    "title": (
        "2022年回测：公布值（红色菱形，输入）与模型P10–P90区间（灰条，结果）及均值（黑色竖线）",
        "2022 back-test: published value (red diamond, input) against the model's P10–P90 (grey bar, result) and "
        "mean (black tick)",
    ),
    "figure": ("指标（单位；用途）", "Figure (unit; role)"),
    "value": ("数值（单位见各行）", "Value (unit in each row)"),
    "published": ("公布值（输入）", "Published (input)"),
    "mean": ("模型均值（结果）", "Model mean (result)"),
    "p10": ("模型P10（结果）", "Model P10 (result)"),
    "p90": ("模型P90（结果）", "Model P90 (result)"),
    "inside": ("公布值在P10–P90内", "Published inside P10–P90"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}


def _t(key: str, lang: str) -> str:
    return pick(TEXTS[key], lang)


def role_text(role: str, lang: str) -> str:
    """A check's role (fitted, held out, follows from the fitted three) in ``lang``."""
    return pick(ROLES[role], lang) if role in ROLES else role


def backtest_frame(checks: list[Check] | tuple[Check, ...], lang: str) -> pd.DataFrame:
    """One row per published figure: its row title, the published value and the model's P10, mean and P90.

    Shares are in percent (their units read "%"), so a row's numbers read in its title's unit.
    """
    rows = []
    for order, c in enumerate(checks):
        scale = PERCENT if is_share_unit(c.unit) else 1
        rows.append(
            {
                "order": order,
                "figure": f"{c.label(lang)}（{unit_text(c.unit, lang)}；{role_text(c.role, lang)}）"
                if lang == "zh"
                else f"{c.label(lang)} ({unit_text(c.unit, lang)}; {role_text(c.role, lang)})",
                "published": c.published * scale,
                "mean": c.model_mean * scale,
                "p10": c.p10 * scale,
                "p90": c.p90 * scale,
                "inside": _t("yes" if c.inside else "no", lang),
            }
        )
    return pd.DataFrame(rows)


def backtest_chart(checks: list[Check] | tuple[Check, ...], lang: str) -> alt.FacetChart:
    """A row per figure on its own scale: the model's P10–P90 bar, its mean as a tick, the published diamond."""
    data = backtest_frame(checks, lang)
    tooltip = [
        alt.Tooltip("figure:N", title=_t("figure", lang)),
        alt.Tooltip("published:Q", title=_t("published", lang), format=",.2f"),
        alt.Tooltip("mean:Q", title=_t("mean", lang), format=",.2f"),
        alt.Tooltip("p10:Q", title=_t("p10", lang), format=",.2f"),
        alt.Tooltip("p90:Q", title=_t("p90", lang), format=",.2f"),
        alt.Tooltip("inside:N", title=_t("inside", lang)),
    ]
    x_title = _t("value", lang)
    base = alt.Chart().encode(tooltip=tooltip)
    band = base.mark_bar(height=12, color="#bbbbbb").encode(
        x=alt.X("p10:Q", title=x_title, scale=alt.Scale(zero=False)), x2=alt.X2("p90:Q")
    )
    mean = base.mark_tick(color="#222222", thickness=2, size=20).encode(x=alt.X("mean:Q", title=x_title))
    published = base.mark_point(shape="diamond", filled=True, size=110, color="#c0392b").encode(
        x=alt.X("published:Q", title=x_title)
    )
    layered = alt.layer(band, mean, published).properties(width=CHART_WIDTH, height=ROW_HEIGHT)
    return (
        layered.facet(
            row=alt.Row(
                "figure:N",
                title=_t("figure", lang),
                sort=alt.SortField("order"),
                header=alt.Header(
                    labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top", labelLimit=600
                ),
            ),
            data=data,
        )
        .resolve_scale(x="independent")
        .properties(title=_t("title", lang))
    )
