"""Charts of goal seeking: the two-lever frontier and the county split comparison (Altair, no Streamlit).

Both take the small frames :mod:`model.seek` returns (one row per grid cell or per county), never household rows.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.analyses.seek import LEVERS, TARGETS
from model.schema.text import pick

CHART_WIDTH = 520

TEXTS: dict[str, tuple[str, str]] = {
    "frontier_title": (
        "达到“{target}”的概率（{draws} 次抽样；要求 {required:.0%}）",
        "Probability of meeting “{target}” ({draws} draws; required {required:.0%})",
    ),
    "probability": ("达标概率（结果）", "Probability of meeting (result)"),
    "met": ("达到要求概率", "Meets required probability"),
    "floor": ("通知要求", "Notice's floor"),
    "allocation_title": (
        "按户数分配 vs 建议分配：2023年各县季度平均扣分（结果）",
        "Proportional vs proposed split: 2023 average points lost per quarter by county (result)",
    ),
    "county": ("县（市、区）", "County"),
    "points": ("季度平均扣分（分/季度）", "Average points lost (points per quarter)"),
    "split": ("分配方式", "Split"),
    "default": ("按户数比例（默认）", "By households (default)"),
    "proposed": ("建议分配", "Proposed"),
}


def _t(key: str, lang: str, **values: object) -> str:
    return pick(TEXTS[key], lang, **values)


def _axis_title(lever: str, lang: str) -> str:
    lv = LEVERS[lever]
    kind = "输入" if lang == "zh" else "input"
    return f"{lv.label(lang)} ({lv.unit}; {kind})"


def _format(lever: str) -> str:
    return ".0%" if LEVERS[lever].unit.startswith("share") else ",.0f"


def frontier_chart(grid: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Heatmap of the probability of meeting the target per cell, met cells outlined, the notice's floors as rules."""
    first = grid.iloc[0]
    lx, ly = str(first["lever_x"]), str(first["lever_y"])
    data = grid.assign(met_label=grid["met"].map({True: "✓", False: ""}))
    for axis in ("x", "y"):
        values = sorted(data[axis].unique())
        half = (values[1] - values[0]) / 2 if len(values) > 1 else 0.5
        data[f"{axis}_lo"], data[f"{axis}_hi"] = data[axis] - half, data[axis] + half
    fx, fy = _format(lx), _format(ly)
    x = alt.X(
        "x_lo:Q",
        title=_axis_title(lx, lang),
        axis=alt.Axis(format=fx, values=sorted(data["x"].unique())),
        scale=alt.Scale(domain=[data["x_lo"].min(), data["x_hi"].max()], nice=False, zero=False),
    )
    y = alt.Y(
        "y_lo:Q",
        title=_axis_title(ly, lang),
        axis=alt.Axis(format=fy, values=sorted(data["y"].unique())),
        scale=alt.Scale(domain=[data["y_lo"].min(), data["y_hi"].max()], nice=False, zero=False),
    )
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="white")
        .encode(
            x=x,
            x2="x_hi:Q",
            y=y,
            y2="y_hi:Q",
            color=alt.Color(
                "probability:Q",
                title=_t("probability", lang),
                scale=alt.Scale(domain=[0, 1], scheme="blues"),
                legend=alt.Legend(format=".0%"),
            ),
            tooltip=[
                alt.Tooltip("x:Q", title=LEVERS[lx].label(lang), format=fx),
                alt.Tooltip("y:Q", title=LEVERS[ly].label(lang), format=fy),
                alt.Tooltip("probability:Q", title=_t("probability", lang), format=".0%"),
                alt.Tooltip("met:N", title=_t("met", lang)),
            ],
        )
    )
    marks = alt.Chart(data).mark_text(fontSize=16, color="#b30000").encode(x="x:Q", y="y:Q", text="met_label:N")
    layers = [cells, marks]
    for lever, channel in ((lx, "x"), (ly, "y")):
        floor = LEVERS[lever].floor
        if floor is None:
            continue
        rule = pd.DataFrame({channel: [floor], "label": [f"{_t('floor', lang)} ≥ {format(floor, _format(lever))}"]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(color="#d62728", strokeDash=[6, 3], strokeWidth=2)
            .encode(**{channel: f"{channel}:Q"}, tooltip=["label:N"])
        )
    title = _t(
        "frontier_title",
        lang,
        target=TARGETS[str(first["target"])].label(lang),
        draws=int(first["draws"]),
        required=float(first["required_probability"]),
    )
    return alt.layer(*layers).properties(width=CHART_WIDTH, height=CHART_WIDTH * 0.7, title=title)


def allocation_data(comparison: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long frame: county, split, points lost (points per quarter, 2023 average), share of funds."""
    rows = []
    for _, r in comparison.iterrows():
        place = r["county"] if lang == "zh" else r["county_en"]
        for split in ("default", "proposed"):
            rows.append(
                {
                    "county": place,
                    "split": _t(split, lang),
                    "points_lost": r[f"points_lost_2023_{split}"],
                    "share": r[f"share_{split}"],
                    "unit": "分/季度 (points per quarter)",
                }
            )
    return pd.DataFrame(rows)


def allocation_chart(comparison: pd.DataFrame, lang: str) -> alt.Chart:
    """Grouped bars: each county's 2023 average points lost under the default and the proposed split."""
    data = allocation_data(comparison, lang)
    order = list(dict.fromkeys(data["county"]))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("county:N", sort=order, title=_t("county", lang), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("split:N", sort=[_t("default", lang), _t("proposed", lang)]),
            y=alt.Y("points_lost:Q", title=_t("points", lang)),
            color=alt.Color(
                "split:N",
                title=_t("split", lang),
                sort=[_t("default", lang), _t("proposed", lang)],
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                "county:N",
                "split:N",
                alt.Tooltip("points_lost:Q", format=".2f"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .properties(width=CHART_WIDTH, height=260, title=_t("allocation_title", lang))
    )
