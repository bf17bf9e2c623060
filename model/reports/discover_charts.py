"""The chart of scenario discovery: PRIM's peeling trajectory, coverage against density (Altair, no Streamlit)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.analyses.discover import Discovery
from model.schema.text import pick

CHART_WIDTH = 520
TEXTS: dict[str, tuple[str, str]] = {
    "title": (
        "覆盖率与达标比例的取舍（每点为剥离的一步；红点为所选规则）",
        "Coverage against density (each dot a peeling step; red: the chosen rule)",
    ),
    "coverage": (
        "覆盖率：框内达标点占全部达标点的比例（结果）",
        "Coverage: share of all met points in the box (result)",
    ),
    "density": ("达标比例：框内达标点的比例（结果）", "Density: share of the box's points that meet (result)"),
    "step": ("剥离步数", "Peeling step"),
    "points": ("框内点数", "Points in the box"),
    "dimensions": ("受限因素个数", "Restricted factors"),
    "required": ("要求的达标比例 {share:.0%}", "Required density {share:.0%}"),
    "chosen": ("所选规则", "Chosen rule"),
}


def _t(key: str, lang: str, **values: object) -> str:
    return pick(TEXTS[key], lang, **values)


def trajectory_chart(found: Discovery, lang: str) -> alt.LayerChart:
    """Dots and line of the peeling trajectory, the chosen box in red, the required density as a dashed rule."""
    data = found.trajectory
    tooltip = [
        alt.Tooltip("step:Q", title=_t("step", lang)),
        alt.Tooltip("coverage:Q", title=_t("coverage", lang), format=".0%"),
        alt.Tooltip("density:Q", title=_t("density", lang), format=".0%"),
        alt.Tooltip("points:Q", title=_t("points", lang)),
        alt.Tooltip("dimensions:Q", title=_t("dimensions", lang)),
    ]
    x = alt.X("coverage:Q", title=_t("coverage", lang), axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("density:Q", title=_t("density", lang), axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1]))
    path = alt.Chart(data).mark_line(color="#9ecae1").encode(x=x, y=y, order="step:Q")
    dots = (
        alt.Chart(data)
        .mark_circle(size=60)
        .encode(
            x=x,
            y=y,
            color=alt.Color("dimensions:O", title=_t("dimensions", lang), scale=alt.Scale(scheme="blues")),
            tooltip=tooltip,
        )
    )
    box = found.box
    chosen = pd.DataFrame(
        [
            {
                "step": len(data),
                "coverage": box.coverage,
                "density": box.density,
                "points": box.points,
                "dimensions": box.dimensions,
                "label": _t("chosen", lang),
            }
        ]
    )
    mark = (
        alt.Chart(chosen)
        .mark_point(shape="diamond", size=220, filled=True, color="#d62728")
        .encode(x=x, y=y, tooltip=[alt.Tooltip("label:N", title=""), *tooltip])
    )
    required = pd.DataFrame(
        {"density": [found.required_density], "label": [_t("required", lang, share=found.required_density)]}
    )
    rule = (
        alt.Chart(required)
        .mark_rule(color="#d62728", strokeDash=[6, 3])
        .encode(y="density:Q", tooltip=[alt.Tooltip("label:N", title="")])
    )
    return alt.layer(path, dots, rule, mark).properties(
        width=CHART_WIDTH, height=CHART_WIDTH * 0.7, title=_t("title", lang)
    )
