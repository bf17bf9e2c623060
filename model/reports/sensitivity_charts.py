"""The tornado chart of a sensitivity result: one horizontal bar per factor, longest on top (Altair, no Streamlit).

Bars are the Sobol' total-order index (with its confidence interval) of the factors that reached the Sobol'
stage, or the Morris μ* of every factor (in the output's unit, over the factor's whole range). Labels are the
fields' labels in the page's language, with the unit and the range that was varied, and whether the factor is an
assumption or a lever.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.analyses.sensitivity import ranking
from model.schema.text import pick
from model.schema.units import unit_text

CHART_WIDTH = 520
BAR_HEIGHT = 22
MEASURES = ("ST", "mu_star")  # Sobol' total-order index, or Morris μ*
TEXTS: dict[str, tuple[str, str]] = {
    "ST": (
        "总效应指数 ST（Sobol'，0–1；细线为95%区间）",
        "Total-order index ST (Sobol', 0–1; thin line: 95% interval)",
    ),
    "mu_star": (
        "μ*（Morris：因素在其整个范围内变化时输出的平均绝对变化，百分点）",
        "μ* (Morris: mean absolute change of the output over the factor's whole range, percentage points)",
    ),
    "factor": ("因素", "Factor"),
    "role": ("类别", "Kind"),
    "assumption": ("行为假设", "assumption"),
    "lever": ("政策杠杆", "lever"),
    "range": ("变化范围", "Range varied"),
    "weight": ("（权重，组内占比=权重/权重之和）", " (weight: shares are weights over their sum)"),
}


def _t(key: str, lang: str, **values: object) -> str:
    return pick(TEXTS[key], lang, **values)


def _range_text(row: dict, lang: str) -> str:
    unit = unit_text(row["unit"], lang)
    if "values" in row:
        return f"{row['values'][0]} – {row['values'][-1]}"
    low, high = row["low"], row["high"]
    shown = f"{low:,.0f} – {high:,.0f}" if abs(high) >= 100 else f"{low:.3g} – {high:.3g}"
    return f"{shown} {unit}" + (_t("weight", lang) if row.get("weight") else "")


def tornado_frame(result: dict, output: str, lang: str, measure: str = "ST", rows: int = 12) -> pd.DataFrame:
    """The chart's rows: the factors with the largest ``measure`` for ``output``, largest first."""
    ranked = ranking(result, output)
    if measure == "ST":
        ranked = [r for r in ranked if r.get("ST") is not None]
    else:
        ranked = sorted(ranked, key=lambda r: -r["mu_star"])
    out = []
    for order, r in enumerate(ranked[:rows]):
        value = r["ST"] if measure == "ST" else r["mu_star"] * 100
        conf = r["ST_conf"] if measure == "ST" else r["mu_star_conf"] * 100
        out.append(
            {
                "order": order,
                "factor": r["label_zh"] if lang == "zh" else r["label_en"],
                "role": _t(r["role"], lang) if r["role"] in ("assumption", "lever") else r["role"],
                "range": _range_text(r, lang),
                "value": value,
                "low": max(value - conf, 0.0),
                "high": value + conf,
            }
        )
    return pd.DataFrame(out)


def tornado_chart(result: dict, output: str, lang: str, measure: str = "ST", rows: int = 12) -> alt.LayerChart:
    """Horizontal bars, longest on top, coloured by kind (assumption or lever), with the confidence interval."""
    data = tornado_frame(result, output, lang, measure, rows)
    title = _t(measure, lang)
    y = alt.Y("factor:N", title=_t("factor", lang), sort=alt.SortField("order"), axis=alt.Axis(labelLimit=320))
    tooltip = [
        alt.Tooltip("factor:N", title=_t("factor", lang)),
        alt.Tooltip("role:N", title=_t("role", lang)),
        alt.Tooltip("range:N", title=_t("range", lang)),
        alt.Tooltip("value:Q", title=title, format=".3f"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=title),
            y=y,
            color=alt.Color("role:N", title=_t("role", lang)),
            tooltip=tooltip,
        )
    )
    whiskers = alt.Chart(data).mark_rule(color="#333333").encode(x="low:Q", x2="high:Q", y=y)
    height = max(BAR_HEIGHT * len(data), BAR_HEIGHT * 3)
    return alt.layer(bars, whiskers).properties(width=CHART_WIDTH, height=height)
