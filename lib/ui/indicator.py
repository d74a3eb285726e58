"""Widgets of the indicator page: the target picker, the headline numbers and the regions."""

from __future__ import annotations

import streamlit as st

from lib import display
from lib.dataset import Dataset
from lib.deepdive import IndicatorView
from lib.display import region_frame, shown
from lib.engine import Score
from lib.fmt import estimate, format_month_range, format_pct, format_value
from lib.i18n import t
from lib.ui.caches import cached_plan_context
from lib.ui.layout import is_narrow
from lib.ui.state import lang
from lib.ui.tables import grid
from lib.ui.widgets import card_metric


def target_selector(ds: Dataset, year: int) -> str:
    """Draw the target picker (preset from ?id=); return the chosen target id."""
    language = lang()
    targets = ds.catalog.targets_for(year)
    ids = targets["id"].tolist()
    names = dict(zip(ids, targets["name_en" if language == "en" else "name_zh"]))
    wanted = st.query_params.get("id")
    if wanted in ids and st.session_state.get("chosen_target") != wanted:
        st.session_state["chosen_target"] = wanted
    chosen = st.session_state.get("chosen_target", ids[0] if ids else None)
    target = st.sidebar.selectbox(t("pick_target", language), ids, key=f"target_{language}_{chosen}",
                                  index=ids.index(chosen) if chosen in ids else 0, format_func=names.get)
    if target != chosen:
        st.session_state["chosen_target"] = target
    st.query_params["id"] = target
    return target


def headline_metrics(score: Score, card, language: str) -> None:
    """Draw the key numbers of one target in a row of metrics (two by two on a phone, where columns would stack)."""
    if is_narrow():
        row = st.container(horizontal=True)
        cols, size = [row] * 4, {"width": 170}  # two to a 390 px phone's row
    else:
        cols, size = st.columns(4), {}
    card_metric(card, t("actual", language), where=cols[0], border=True, **size)
    cols[1].metric(t("completion", language), format_pct(score.completion_pct), border=True, **size)
    cols[2].metric(t("expected_seasonal", language), format_pct(score.expected_pct_seasonal), border=True, **size)
    projection = format_value(estimate(score.projection_year_end, score.unit), score.unit, language)
    cols[3].metric(t("projection", language), projection, border=True, **size)


def plan_context_line(year: int, target_id: str, language: str) -> None:
    """Draw the figures the plan quotes beside this target (全国 1320亿件 beside the city's 快递业务量), with where
    the plan says them."""
    figures = cached_plan_context(year, target_id)
    if not figures:
        return
    st.caption(display.md(t("plan_context_title", language) + "：" + "；".join(
        t("plan_context_line", language, scope=f["scope"],
          value=f"{f['value']}{f['unit']}" + (f" +{f['growth_pct']}%" if f["growth_pct"] else ""),
          where=f["source_item"] or t("plan_goals", language)) for f in figures)))  # the plan's words, as text


def region_section(view: IndicatorView, catalog, language: str) -> None:
    """Draw each region's contribution and own-target completion, and any city/region disagreement."""
    unit = view.score.unit
    for month, city, total in view.region_warnings:
        st.warning(t("region_disagree", language, period=format_month_range(month, month, language),
                     city=format_value(city, unit, language),
                     sum=format_value(total, unit, language), pct=f"{abs(total / city - 1) * 100:.2f}%"))
    grid(shown(region_frame(view, catalog, language)))
