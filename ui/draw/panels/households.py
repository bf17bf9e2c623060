"""The household-import panel: template downloads, upload with a row report, and the session's population.

The uploaded file is read in the uploader's callback, in both modes at once; only the outcomes (personal columns
already gone) are kept in the session and the bytes are dropped (:mod:`ui.session.uploads`), so switching the mode needs
no second upload. Choosing a population also happens in callbacks, so the page's cache
(:func:`ui.server.cache.current_population`) sees the choice on the very next rerun. File names and column headers come
from the planner's file and are shown as text, never as markdown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from model.io.household_files import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    MODES,
    ImportOutcome,
    read_household_modes,
    report_csv_bytes,
    report_download_frame,
    report_xlsx_bytes,
    template_csv_bytes,
    template_xlsx_bytes,
)
from model.population.table import INCOME_COMPONENTS, Population
from model.schema.fieldspec import COUNTIES, COUNTY_NAMES_EN
from model.schema.text import either
from ui.draw.context import PageContext
from ui.language.formats import plain, plain_lines
from ui.language.i18n import t
from ui.server.cache import IMPORTED_POPULATION_KEY
from ui.session import state, uploads

UPLOAD_KEY = "households.upload"
MODE_KEY = "households.mode"
OUTCOME_KEY = "households.outcome"
NOTICE_KEY = "households.notice"
REFUSED_KEY = "households.refused_switch"
MAX_UPLOAD_MB = MAX_FILE_BYTES // (1024 * 1024)
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False)
def _template_bytes() -> tuple[bytes, bytes]:
    return template_csv_bytes(), template_xlsx_bytes()


def read_upload() -> None:
    """Callback: read the uploaded file in both modes and keep the outcomes (or forget them when it is removed)."""
    st.session_state.pop(REFUSED_KEY, None)
    upload = uploads.take(UPLOAD_KEY)
    if upload is None:
        st.session_state.pop(OUTCOME_KEY, None)
        return
    name, raw = upload
    st.session_state[OUTCOME_KEY] = read_household_modes(raw, name)


def current_outcome() -> ImportOutcome | None:
    """The outcome of the last upload in the chosen mode, or None."""
    outcomes = st.session_state.get(OUTCOME_KEY)
    if not isinstance(outcomes, dict):
        return None
    return outcomes.get(st.session_state.get(MODE_KEY, MODES[0]))


def use_imported() -> None:
    """Callback: simulate this session on the imported table, unless a slot would then be beyond the budget."""
    outcome = current_outcome()
    if outcome is None or outcome.population is None:
        return
    refusal = state.over_budget(outcome.population.n)
    if refusal is not None:
        st.session_state[REFUSED_KEY] = refusal
        return
    st.session_state.pop(REFUSED_KEY, None)
    st.session_state[IMPORTED_POPULATION_KEY] = outcome.population
    st.session_state[NOTICE_KEY] = ("households.now_imported", outcome.population.label)


def use_default() -> None:
    """Callback: go back to the embedded population."""
    st.session_state.pop(IMPORTED_POPULATION_KEY, None)
    st.session_state[NOTICE_KEY] = ("households.now_default", "")


def population_line(population: Population, imported: bool, lang: str) -> str:
    """Which population every result is for, with record and weighted household counts."""
    key = "households.current_imported" if imported else "households.current_default"
    return t(
        key,
        lang,
        label=plain(either(population.label, lang)),
        records=f"{population.n:,}",
        households=f"{population.weight.sum():,.0f}",
    )


def county_names(lang: str) -> list[str]:
    """The counties' names in the page's language, in the population's county order."""
    return list(COUNTIES) if lang == "zh" else [COUNTY_NAMES_EN[c] for c in COUNTIES]


def county_preview(population: Population, lang: str) -> pd.DataFrame:
    """Weighted households, persons and 2022 income per capita by county (the planner's plausibility check)."""
    households = population.households_by_county()
    persons = population.persons_by_county()
    income = sum(population.income_2022[k] for k in INCOME_COMPONENTS)
    income_by_county = np.bincount(population.county, weights=income * population.weight, minlength=len(COUNTIES))
    with np.errstate(invalid="ignore", divide="ignore"):
        per_capita = np.where(persons > 0, income_by_county / persons, np.nan)
    names = county_names(lang)
    frame = pd.DataFrame(
        {
            t("households.col.county", lang): names,
            t("households.col.households", lang): households.round(0),
            t("households.col.persons", lang): persons.round(0),
            t("households.col.income", lang): per_capita.round(0),
        }
    )
    return frame[households > 0].reset_index(drop=True)


def _outcome_message(outcome: ImportOutcome, lang: str) -> None:
    if outcome.refused:
        st.error(t("households.refused", lang, filename=plain(outcome.filename), count=f"{outcome.problem_count:,}"))
    elif outcome.bad_rows:
        st.warning(
            t(
                "households.accepted_dropped",
                lang,
                filename=plain(outcome.filename),
                kept=f"{outcome.kept_rows:,}",
                bad=f"{len(outcome.bad_rows):,}",
            )
        )
    else:
        st.success(
            t(
                "households.accepted",
                lang,
                filename=plain(outcome.filename),
                kept=f"{outcome.kept_rows:,}",
                encoding=outcome.encoding.upper(),
            )
        )
    without_loans = outcome.population.counties_without_loans() if outcome.population is not None else []
    if without_loans:
        names = [county_names(lang)[c] for c in without_loans]
        st.warning(t("households.no_loans", lang, counties=t("households.separator", lang).join(names)))
    if outcome.dropped_personal_columns:
        st.info(
            t(
                "households.personal_dropped",
                lang,
                columns=t("households.separator", lang).join(plain(c) for c in outcome.dropped_personal_columns),
            )
        )


def _report(outcome: ImportOutcome, lang: str) -> None:
    if not outcome.problems:
        return
    st.markdown(f"**{t('households.report_header', lang)}**")
    st.dataframe(report_download_frame(outcome, lang), hide_index=True, width="stretch")
    stem = outcome.filename.rsplit(".", 1)[0]
    left, right = st.columns(2)
    left.download_button(
        t("households.report_csv", lang),
        report_csv_bytes(outcome, lang),
        file_name=f"{stem}-report.csv",
        mime=CSV_MIME,
        key="households.report_csv",
    )
    right.download_button(
        t("households.report_xlsx", lang),
        report_xlsx_bytes(outcome, lang),
        file_name=f"{stem}-report.xlsx",
        mime=XLSX_MIME,
        key="households.report_xlsx",
    )


def render(ctx: PageContext) -> None:
    """Draw the panel."""
    lang = ctx.lang
    imported = isinstance(st.session_state.get(IMPORTED_POPULATION_KEY), Population)
    st.subheader(t("households.title", lang))
    st.caption(t("households.intro", lang))
    st.caption(t("households.privacy", lang))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.toast(t(notice[0], lang, label=plain(notice[1])) if notice[1] else t(notice[0], lang))
    st.info(population_line(ctx.population, imported, lang))
    st.button(t("households.back", lang), key="households.back", on_click=use_default, disabled=not imported)

    st.markdown(f"#### {t('households.template_header', lang)}")
    st.caption(t("households.template_help", lang))
    csv_template, xlsx_template = _template_bytes()
    left, right = st.columns(2)
    left.download_button(
        t("households.template_csv", lang),
        csv_template,
        file_name="household_template.csv",
        mime=CSV_MIME,
        key="households.template_csv",
    )
    right.download_button(
        t("households.template_xlsx", lang),
        xlsx_template,
        file_name="household_template.xlsx",
        mime=XLSX_MIME,
        key="households.template_xlsx",
    )

    st.markdown(f"#### {t('households.upload_header', lang)}")
    if MODE_KEY not in st.session_state:
        st.session_state[MODE_KEY] = MODES[0]
    st.radio(
        t("households.mode", lang),
        MODES,
        key=MODE_KEY,
        format_func=lambda mode: t(f"households.mode.{mode}", lang),
    )
    st.file_uploader(
        t("households.upload", lang),
        type=["csv", "xlsx"],
        key=UPLOAD_KEY,
        on_change=read_upload,
        max_upload_size=MAX_UPLOAD_MB,
        help=t("households.upload_help", lang, mb=MAX_UPLOAD_MB, rows=f"{MAX_ROWS:,}"),
    )
    outcome = current_outcome()
    if outcome is None:
        return
    _outcome_message(outcome, lang)
    _report(outcome, lang)
    if outcome.population is None:
        return
    st.markdown(f"**{t('households.preview_header', lang)}**")
    st.dataframe(county_preview(outcome.population, lang), hide_index=True, width="stretch")
    in_use = imported and st.session_state[IMPORTED_POPULATION_KEY] is outcome.population
    st.button(
        t("households.use", lang),
        key="households.use",
        on_click=use_imported,
        type="primary",
        help=t("households.use_help", lang),
        disabled=in_use,
    )
    refusal = st.session_state.get(REFUSED_KEY)
    if refusal is not None:
        st.error(plain_lines(t("households.over_budget", lang), refusal.message(lang)))
