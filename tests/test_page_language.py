"""Every part of the page speaks the chosen language: no model unit string of the other language in any text a
planner can see (labels, help, captions, tables, chart titles, axes, legends and tooltips), and every field a
chart shows carries a title (Vega-Lite otherwise shows the data column's English name).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from model.schema.units import UNITS
from ui.draw.pages import RENDERS
from ui.server.jobs import full_runs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SHOWN_PROTO_FIELDS = {"label", "help", "body", "options", "placeholder", "text", "value", "delta", "caption"}
SOURCE_NOTE = re.compile(r"(依据：|Source: )[^\n]*")  # provenance notes are kept as written in the parameter files
FIELD_PATH = re.compile(r"\b[a-z_]+(\.[a-z_0-9]+)+\b")  # scenario field paths (links, files) are identifiers
BOTH_HALVES = re.compile(r"[\u4e00-\u9fff）]\s?/ [A-Za-z]+")  # a "中文 / English" label shown whole
SHOWN_CHANNELS = ("x", "y", "color", "facet", "row", "column", "tooltip", "text", "shape")
ENGLISH_UNITS = {u for u in UNITS if re.search("[a-z]{3}", u)} | {en for _, en in UNITS.values()} - {"%"}
CHINESE_UNITS = {zh for zh, _ in UNITS.values() if re.search("[\u4e00-\u9fff]", zh)} | {
    u for u in UNITS if re.search("[\u4e00-\u9fff]", u)
}


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def _field_defs(spec: object) -> Iterator[tuple[str, dict]]:
    """(channel, field definition) of every encoding in a Vega-Lite spec, tooltips one by one."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("encoding", "facet") and isinstance(value, dict):
                items = value.items() if key == "encoding" else [("facet", value)]
                for channel, definition in items:
                    for one in definition if isinstance(definition, list) else [definition]:
                        if isinstance(one, dict) and "field" in one:
                            yield channel, one
            yield from _field_defs(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _field_defs(item)


def _without_data(spec: object) -> object:
    """A spec without its data and data column names (what Vega-Lite draws from, not what it shows)."""
    if isinstance(spec, dict):
        return {k: _without_data(v) for k, v in spec.items() if k not in ("datasets", "data", "field")}
    if isinstance(spec, list):
        return [_without_data(v) for v in spec]
    return spec


def _shown(channel: str, definition: dict) -> bool:
    hidden = definition.get("legend", 0) is None or definition.get("axis", 0) is None
    return channel in SHOWN_CHANNELS and not hidden


def visible_texts(at: AppTest) -> list[str]:
    """The texts of the rendered page a planner can read, one string per element (chart data: shown fields)."""
    texts = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if type(proto).__name__ in ("VegaLiteChart", "ArrowVegaLiteChart"):
            spec = json.loads(proto.spec)
            shown = {d["field"] for c, d in _field_defs(spec) if _shown(c, d)}
            texts.append(json.dumps(_without_data(spec), ensure_ascii=False))
            for dataset in proto.datasets:
                frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
                texts += [" ".join(map(str, frame[f].unique())) for f in shown if f in frame]
        elif type(proto).__name__ == "Arrow":
            frame = node.value
            texts.append(" ".join(map(str, frame.columns)) + " " + frame.to_string())
        else:
            for field, value in proto.ListFields():
                if field.name in SHOWN_PROTO_FIELDS:
                    texts.append(FIELD_PATH.sub("", SOURCE_NOTE.sub("", str(value))))
    return texts


def untitled_chart_fields(at: AppTest) -> list[str]:
    """Fields a chart shows without a title of its own."""
    missing = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if type(proto).__name__ in ("VegaLiteChart", "ArrowVegaLiteChart"):
            spec = json.loads(proto.spec)
            missing += [f"{c}:{d['field']}" for c, d in _field_defs(spec) if _shown(c, d) and "title" not in d]
    return missing


def _every_view(lang: str) -> Iterator[tuple[str, AppTest]]:
    at = AppTest.from_file(APP, default_timeout=240)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    assert full_runs().wait_idle(900)  # a liveness bound for full runs on a busy machine, not a speed check
    at.run()
    for view in ("income", "components", "counties", "channels", "distribution"):
        at.segmented_control(key="results_view").set_value(view).run()
        assert not at.exception
        yield f"compare/{view}", at
    for name in RENDERS:
        if name != "compare":
            open_page(at, name)
            assert not at.exception, name
            yield name, at


def open_page(at: AppTest, url_path: str) -> None:
    """Open a page of ``st.navigation`` by its url path (AppTest.switch_page only knows page files)."""
    pages = at._registered_pages.items()
    at._page_hash = next(h for h, info in pages if info.get("url_pathname") == url_path)
    at.run()


@pytest.mark.parametrize(("lang", "foreign"), [("zh", ENGLISH_UNITS), ("en", CHINESE_UNITS)])
def test_no_unit_of_the_other_language_and_every_chart_field_titled(lang, foreign):
    leaks, untitled = {}, {}
    for place, at in _every_view(lang):
        text = "\n".join(visible_texts(at))
        found = sorted(u for u in foreign if u in text) + BOTH_HALVES.findall(text)
        if found:
            leaks[place] = found
        if missing := untitled_chart_fields(at):
            untitled[place] = missing
    assert not leaks, leaks
    assert not untitled, untitled
